/**
 * Sends messages with PublishBatch: at most 10 per request and 256 KiB per request in total.
 * A 200 response can still fail single entries, so each entry's outcome is read from
 * `Successful`/`Failed`; retryable failures (and whole requests that threw) are sent again with
 * exponential backoff and jitter. Sender faults (SNS says the entry itself is wrong) are not retried.
 */
import type { PublishBatchCommand, PublishBatchCommandOutput, PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { SNS_MAX_BYTES, type SnsMessage } from './sns-message.ts';

export const SNS_MAX_BATCH_ENTRIES = 10;

export interface RetryOptions {
  /** Attempts per message, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Injected so tests need not wait. */
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PublishFailure {
  readonly alertId: string;
  readonly code: string;
  readonly reason: string;
}

export interface PublishOutcome {
  readonly delivered: readonly string[];
  readonly failed: readonly PublishFailure[];
  /** Requests sent, retries included. */
  readonly requests: number;
}

/** Groups messages into requests within SNS's entry and size limits, in order. */
export function packBatches(messages: readonly SnsMessage[], maxBytes = SNS_MAX_BYTES): SnsMessage[][] {
  const batches: SnsMessage[][] = [];
  let current: SnsMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (current.length === SNS_MAX_BATCH_ENTRIES || (current.length > 0 && bytes + message.size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** What publishing needs of an SNS client: an `SNSClient`, or a stand-in that makes one on first use. */
export interface SnsSender {
  send(command: PublishBatchCommand): Promise<PublishBatchCommandOutput>;
}

export interface PublishTarget {
  readonly sns: SnsSender;
  readonly topicArn: string;
  /** Called after every request with the alert ids SNS accepted, so they are recorded at once. */
  readonly onDelivered?: (alertIds: readonly string[]) => Promise<void>;
  /** Bytes per request: 256 KiB, or the topic's raised MaximumMessageSize (which bounds the batch too). */
  readonly maxRequestBytes?: number;
}

export async function publishAll(
  target: PublishTarget,
  messages: readonly SnsMessage[],
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<PublishOutcome> {
  const delivered: string[] = [];
  const failed: PublishFailure[] = [];
  let pending = [...messages];
  let requests = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > 1) await retry.sleep(backoff(attempt - 1, retry));
    const retryable: { message: SnsMessage; failure: PublishFailure }[] = [];
    for (const batch of packBatches(pending, target.maxRequestBytes)) {
      requests++;
      const result = await sendBatch(target, batch);
      delivered.push(...result.delivered);
      if (result.delivered.length > 0 && target.onDelivered) await target.onDelivered(result.delivered);
      for (const f of result.failed) {
        if (f.retryable) retryable.push({ message: f.message, failure: f.failure });
        else failed.push(f.failure);
      }
    }
    if (attempt >= retry.maxAttempts) {
      failed.push(...retryable.map((r) => r.failure));
      break;
    }
    pending = retryable.map((r) => r.message);
  }
  return { delivered, failed, requests };
}

interface BatchResult {
  readonly delivered: string[];
  readonly failed: { message: SnsMessage; failure: PublishFailure; retryable: boolean }[];
}

async function sendBatch(target: PublishTarget, batch: readonly SnsMessage[]): Promise<BatchResult> {
  // Entry ids only need to be unique within the request; positions map results back to alerts.
  const entries: PublishBatchRequestEntry[] = batch.map((m, i) => ({
    Id: `m${i}`,
    Message: m.message,
    MessageStructure: 'json',
    Subject: m.subject,
    MessageAttributes: m.attributes,
  }));
  // Loaded on first use: most objects have no alert (the scan function's bundle keeps the SNS
  // client in a chunk of its own, read only then).
  const { PublishBatchCommand } = await import('@aws-sdk/client-sns');
  try {
    const output = await target.sns.send(new PublishBatchCommand({ TopicArn: target.topicArn, PublishBatchRequestEntries: entries }));
    const byId = new Map(batch.map((m, i) => [`m${i}`, m]));
    const delivered: string[] = [];
    for (const ok of output.Successful ?? []) {
      const message = ok.Id === undefined ? undefined : byId.get(ok.Id);
      if (message) {
        delivered.push(message.alertId);
        byId.delete(ok.Id as string);
      }
    }
    const failed: BatchResult['failed'] = [];
    for (const bad of output.Failed ?? []) {
      const message = bad.Id === undefined ? undefined : byId.get(bad.Id);
      if (!message) continue;
      byId.delete(bad.Id as string);
      failed.push({
        message,
        failure: { alertId: message.alertId, code: bad.Code ?? 'Unknown', reason: bad.Message ?? 'no reason given' },
        retryable: bad.SenderFault !== true,
      });
    }
    // An entry SNS reported neither way has an unknown fate: retrying risks a duplicate, not a loss.
    for (const message of byId.values()) {
      failed.push({ message, failure: { alertId: message.alertId, code: 'NoResult', reason: 'not in the PublishBatch response' }, retryable: true });
    }
    return { delivered, failed };
  } catch (error) {
    const err = error as { name?: string; message?: string; $fault?: string; $retryable?: unknown };
    // Client faults (bad topic, no permission) will not heal by waiting; throttling and server faults may.
    const retryable = err.$fault !== 'client' || err.$retryable !== undefined || /Throttl/i.test(err.name ?? '');
    return {
      delivered: [],
      failed: batch.map((message) => ({
        message,
        failure: { alertId: message.alertId, code: err.name ?? 'Error', reason: err.message ?? String(error) },
        retryable,
      })),
    };
  }
}

/** Exponential backoff with equal jitter (half fixed, half random): spreads retries of many Lambdas hitting the same limit. */
export function backoff(retryNumber: number, retry: RetryOptions): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
