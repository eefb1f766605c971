/**
 * The Lambda's sink: the matches of one S3 object, folded into alerts, published to SNS once.
 *
 * Aggregate -> drop alerts the publish record already has -> render (trim to fit) -> PublishBatch
 * with retries -> record each accepted request at once. Folded alerts go out at finish (their
 * count is known only then); per-event alerts go out ten at a time as they arrive. The record is
 * written after SNS accepts, so a crash in between can repeat an alert on retry, never lose one.
 * Before the record is read, the object's claim is taken, so two attempts on the same object at
 * the same moment cannot both publish; it is released at finish.
 */
import { randomUUID } from 'node:crypto';
import type { Match } from '../scan/match.ts';
import type { ScanSummary } from '../scan/scan-summary.ts';
import type { Alert, ObjectRef } from './alert.ts';
import type { AlertSink, DeliveryReport } from './alert-sink.ts';
import { createAggregator, DEFAULT_AGGREGATION, type Grouping } from './aggregator.ts';
import { DEFAULT_RETRY, publishAll, SNS_MAX_BATCH_ENTRIES, type PublishFailure, type RetryOptions, type SnsSender } from './batch-publisher.ts';
import { createMemoryPublishRecordStore, DEFAULT_CLAIM_LEASE_MS, type Claim, type PublishRecordStore } from './publish-record.ts';
import { SNS_MAX_BYTES, toSnsMessage, type SnsMessage } from './sns-message.ts';

export interface SnsSinkOptions {
  readonly sns: SnsSender;
  readonly topicArn: string;
  /** Where published alert ids are remembered across attempts; default: this process only. */
  readonly store?: PublishRecordStore;
  /** `object-rule-host` (default), `object-rule`, or `event` (one alert per match). */
  readonly grouping?: Grouping;
  /** Events carried in full by a folded alert (default 10); the rest are counted. */
  readonly maxEventsPerAlert?: number;
  readonly retry?: Partial<RetryOptions>;
  /** Per-message and per-request byte limit (default 256 KiB; raise with the topic's MaximumMessageSize). */
  readonly maxMessageBytes?: number;
  /** How long an object's claim holds if never released (default 15 minutes, Lambda's longest timeout). */
  readonly claimLeaseMs?: number;
  /** Told the outcome of every object, for logs and metrics. */
  readonly onReport?: (report: SnsDeliveryReport) => void;
}

export interface SnsDeliveryReport extends DeliveryReport {
  readonly uri: string;
  readonly alerts: number;
  readonly trimmed: number;
  readonly requests: number;
  readonly failures: readonly PublishFailure[];
  /** Alerts delivered whose publish record could not be written: a later retry may repeat them. */
  readonly unrecorded: number;
  readonly recordErrors: readonly string[];
  /** Alerts sent as the minimal alert because the full one could not be rendered (sns-message.ts). */
  readonly degraded: number;
  /** The first few of them, with why. */
  readonly degradedReasons: readonly { readonly alertId: string; readonly reason: string }[];
  /** False when the object had no version id or ETag: its content cannot be told apart from a rewrite. */
  readonly deduplicated: boolean;
  /**
   * The object's claim: `none` (nothing to publish, or not deduplicated), `claimed`, `held` (another
   * attempt is publishing this object: nothing was published, the rest counts as failed so the
   * object is retried), `unavailable` (the claim could not be taken; published without it).
   */
  readonly claim: ClaimState;
  /** Why the claim could not be taken or released (a release failure only delays retries until the lease ends). */
  readonly claimError?: string;
}

export type ClaimState = 'none' | 'claimed' | 'held' | 'unavailable';

export function createSnsSinkFactory(options: SnsSinkOptions): (object: ObjectRef) => AlertSink {
  const store = options.store ?? createMemoryPublishRecordStore();
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const maxBytes = options.maxMessageBytes ?? SNS_MAX_BYTES;
  const claimLeaseMs = options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  const aggregation = {
    grouping: options.grouping ?? DEFAULT_AGGREGATION.grouping,
    maxEventsPerAlert: options.maxEventsPerAlert ?? DEFAULT_AGGREGATION.maxEventsPerAlert,
  };

  return (object) => {
    const aggregator = createAggregator(object, aggregation);
    const delivery = createObjectDelivery(object, { ...options, store, retry, maxBytes, claimLeaseMs });
    // Per-event alerts are complete as they arrive: sent a request's worth at a time, so a
    // storm in per-event mode never piles up in memory.
    const pending: Alert[] = [];
    return {
      async add(match: Match) {
        const alert = aggregator.add(match);
        if (!alert) return;
        pending.push(alert);
        if (pending.length >= SNS_MAX_BATCH_ENTRIES) await delivery.deliver(pending.splice(0));
      },
      async finish(_summary: ScanSummary): Promise<DeliveryReport> {
        try {
          await delivery.deliver([...pending.splice(0), ...aggregator.alerts()]);
        } finally {
          // After the last marker is written, and also when delivery threw: a retry should not wait out the lease.
          await delivery.release();
        }
        const report = delivery.report();
        options.onReport?.(report);
        // failed > 0 makes the scanner fail the object so it is retried; the record makes that
        // retry send only the rest. (The scanner, not the sink, throws: it has the scan summary.)
        return report;
      },
    };
  };
}

/** Failures kept in full for the report and logs; all are counted. */
const MAX_FAILURES_KEPT = 100;

interface DeliveryDeps {
  readonly sns: SnsSender;
  readonly topicArn: string;
  readonly store: PublishRecordStore;
  readonly retry: RetryOptions;
  readonly maxBytes: number;
  readonly claimLeaseMs: number;
}

/** Delivers one object's alerts, in one or several rounds, and tallies the outcome. */
function createObjectDelivery(object: ObjectRef, deps: DeliveryDeps) {
  // An S3 key without version id or ETag may hold new content under an old name; skipping
  // "already published" alerts would then hide real ones, so such objects are not deduplicated.
  const deduplicated = object.bucket === undefined || object.versionId !== undefined || object.etag !== undefined;
  let before: ReadonlySet<string> | undefined;
  let alerts = 0;
  let delivered = 0;
  let alreadyDelivered = 0;
  let failed = 0;
  let trimmed = 0;
  let requests = 0;
  let unrecorded = 0;
  let degraded = 0;
  const degradedReasons: { alertId: string; reason: string }[] = [];
  const failures: PublishFailure[] = [];
  const recordErrors: string[] = [];
  let claim: Claim | undefined;
  let claimState: ClaimState = 'none';
  let claimError: string | undefined;

  const takeClaim = async () => {
    try {
      claim = await deps.store.claim(object, { owner: randomUUID(), leaseMs: deps.claimLeaseMs });
      claimState = claim.status;
    } catch (error) {
      // Without the claim we are where we were before claims existed: only a concurrent attempt
      // could repeat alerts. Holding every alert back on a claim error (a missing permission, an
      // S3 fault) would lose more than it saves, so deliver, and say so in the report and logs.
      claimState = 'unavailable';
      claimError = (error as Error).message;
    }
  };

  // A record that cannot be written must not stop delivery: the alerts are out; at worst a
  // later retry of this object repeats them. Reported, logged and counted instead.
  const onDelivered = async (ids: readonly string[]) => {
    if (!deduplicated) return;
    try {
      await deps.store.record(object, ids);
    } catch (error) {
      unrecorded += ids.length;
      if (recordErrors.length < 3) recordErrors.push((error as Error).message);
    }
  };

  return {
    async deliver(batch: readonly Alert[]): Promise<void> {
      if (batch.length === 0) return;
      // Claim and read once, on the first alert: clean objects cost no request. The claim comes
      // first, so the record read is not overtaken by an attempt that was publishing meanwhile.
      if (before === undefined) {
        if (deduplicated) await takeClaim();
        before = deduplicated ? await readRecord(deps.store, object) : new Set<string>();
      }
      const seen = before;
      const todo = batch.filter((a) => !seen.has(a.id));
      if (claim?.status === 'held') {
        // The holder publishes these (or already has: those count as delivered before). Failing
        // the rest makes the scanner retry the object once the holder is done.
        const reason = heldReason(claim);
        alerts += batch.length;
        alreadyDelivered += batch.length - todo.length;
        failed += todo.length;
        for (const a of todo.slice(0, MAX_FAILURES_KEPT - failures.length)) failures.push({ alertId: a.id, code: 'ClaimHeld', reason });
        return;
      }
      // Each alert is rendered on its own: one that cannot be (toSnsMessage already falls back
      // to a minimal alert, so only a bug lands here) is counted as failed with its reason, and
      // the others of the object still go out.
      const messages: SnsMessage[] = [];
      let renderFailed = 0;
      for (const a of todo) {
        try {
          const message = toSnsMessage(a, deps.maxBytes);
          messages.push(message);
          if (message.degraded !== undefined) {
            degraded++;
            if (degradedReasons.length < 3) degradedReasons.push({ alertId: a.id, reason: message.degraded });
          }
        } catch (error) {
          renderFailed++;
          if (failures.length < MAX_FAILURES_KEPT) failures.push({ alertId: a.id, code: 'RenderFailed', reason: (error as Error).message });
        }
      }
      const outcome = await publishAll(
        { sns: deps.sns, topicArn: deps.topicArn, onDelivered, maxRequestBytes: deps.maxBytes },
        messages,
        deps.retry,
      );
      alerts += batch.length;
      alreadyDelivered += batch.length - todo.length;
      delivered += outcome.delivered.length;
      failed += outcome.failed.length + renderFailed;
      trimmed += messages.filter((m) => m.trimmed).length;
      requests += outcome.requests;
      failures.push(...outcome.failed.slice(0, MAX_FAILURES_KEPT - failures.length));
    },
    async release(): Promise<void> {
      if (claim?.status !== 'claimed') return;
      try {
        await claim.release();
      } catch (error) {
        claimError = (error as Error).message;
      }
    },
    report(): SnsDeliveryReport {
      return {
        uri: object.uri,
        alerts,
        delivered,
        alreadyDelivered,
        failed,
        trimmed,
        requests,
        failures,
        unrecorded,
        recordErrors,
        degraded,
        degradedReasons,
        deduplicated,
        claim: claimState,
        ...(claimError === undefined ? {} : { claimError }),
      };
    },
  };
}

function heldReason(claim: Extract<Claim, { status: 'held' }>): string {
  const about = [claim.owner && `held by ${claim.owner}`, claim.expiresAt && `lease until ${claim.expiresAt.toISOString()}`].filter(Boolean);
  return `another attempt is publishing this object's alerts${about.length > 0 ? ` (${about.join(', ')})` : ''}; the object will be retried after it`;
}

async function readRecord(store: PublishRecordStore, object: ObjectRef): Promise<ReadonlySet<string>> {
  try {
    return await store.published(object);
  } catch (error) {
    // Publishing blind could repeat every alert of a retried object; failing makes the object retry.
    throw new Error(`${object.uri}: cannot read the publish record: ${(error as Error).message}`, { cause: error });
  }
}
