/**
 * Scans the objects of one work item, one at a time, within the invocation's limits:
 * - time: an object is only started while more than `reserveMs` remain, and one in progress is
 *   aborted `abortMarginMs` before the Lambda would be killed, so it is reported `deferred`
 *   (retryable) instead of dying with the invocation;
 * - size: objects above `maxObjectBytes` are `refused`, with the size and the cap in the reason.
 * Nothing throws out of here: every object gets a report, and the caller answers AWS from them.
 */
import type { ObjectResult, S3ObjectRef } from '../scan/scan-s3-object.ts';
import { s3Uri } from '../scan/scan-s3-object.ts';
import { deadlineIn, type Deadline } from '../ingest/deadline.ts';
import { DeliveryFailedError, ScanDeferredError, ScanFailedError } from '../scan/scan-stream.ts';
import { isPermanentFailure, reasonOf } from './failure-kind.ts';
import type { SkippedObject } from './invocation.ts';
import { scannedReport, type ObjectReport } from './object-outcome.ts';

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ScanLimits {
  /** Milliseconds left in this invocation (`context.getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  /** Do not start an object with less than this left. */
  readonly reserveMs: number;
  /** Abort an object in progress when this little is left. */
  readonly abortMarginMs: number;
  /** Refuse objects larger than this (bytes); undefined means no cap. */
  readonly maxObjectBytes?: number;
}

export interface ObjectScanner {
  /** `deadline`: when reading must stop (the invocation's time less the abort margin); the scan
   *  then throws `ScanDeferredError` carrying what it read and delivered. */
  scan(ref: S3ObjectRef, signal: AbortSignal, deadline?: Deadline): Promise<ObjectResult>;
  /** Size of an object whose invocation did not say (Batch Operations): HeadObject. */
  sizeOf(ref: S3ObjectRef): Promise<number | undefined>;
}

/** What the scanner logs through: Powertools Logger in Lambda, anything alike in tests and the CLI. */
export interface Log {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export function skippedReports(skipped: readonly SkippedObject[], log: Log): ObjectReport[] {
  return skipped.map((s) => {
    const uri = s.key === '' ? `s3://${s.bucket}` : s3Uri(s);
    log.info(`skipped ${uri}: ${s.reason}`, { uri, reason: s.reason });
    return { uri, status: 'skipped', retryable: false, reason: s.reason };
  });
}

export async function scanObjects(
  objects: readonly S3ObjectRef[],
  scanner: ObjectScanner,
  limits: ScanLimits,
  log: Log,
): Promise<ObjectReport[]> {
  const reports: ObjectReport[] = [];
  for (const ref of objects) reports.push(await scanOne(ref, scanner, limits, log));
  return reports;
}

async function scanOne(ref: S3ObjectRef, scanner: ObjectScanner, limits: ScanLimits, log: Log): Promise<ObjectReport> {
  const uri = s3Uri(ref);
  const left = limits.remainingMs();
  if (left < limits.reserveMs) {
    const reason = `not started: ${left} ms left in the invocation, ${limits.reserveMs} ms reserved`;
    log.warn(`deferred ${uri}: ${reason}`, { uri });
    return { uri, status: 'deferred', retryable: true, reason };
  }
  const abort = new AbortController();
  const untilAbort = Math.max(0, left - limits.abortMarginMs);
  // setTimeout cannot wait longer than 2^31-1 ms (it fires at once instead): such a deadline is none.
  const timer = untilAbort <= MAX_TIMER_MS ? setTimeout(() => abort.abort(new Error('time budget')), untilAbort) : undefined;
  // The timer only fires when the scan awaits I/O; CPU-bound reading (a bomb, a template
  // expansion) is stopped by the same deadline checked inside the scan loop.
  const deadline = untilAbort <= MAX_TIMER_MS ? deadlineIn(untilAbort, `${limits.abortMarginMs} ms before the invocation's deadline`) : undefined;
  try {
    if (limits.maxObjectBytes !== undefined) {
      const size = ref.size ?? (await scanner.sizeOf(ref));
      if (size !== undefined && size > limits.maxObjectBytes) {
        const reason = `object is ${size} bytes, above the ${limits.maxObjectBytes}-byte cap (MAX_OBJECT_BYTES)`;
        log.error(`refused ${uri}: ${reason}`, { uri, size });
        return { uri, status: 'refused', retryable: false, reason, bytes: size };
      }
    }
    const { summary, delivery } = await scanner.scan(ref, abort.signal, deadline);
    const report = scannedReport(summary, delivery);
    if (delivery.failed > 0) {
      const reason = `${delivery.failed} alert(s) not delivered`;
      log.error(`failed ${uri}: ${reason}`, { uri });
      return { ...report, status: 'failed', retryable: true, reason };
    }
    log.info(`scanned ${uri}: ${report.status}`, { ...report });
    return report;
  } catch (error) {
    if (error instanceof ScanDeferredError) {
      // What was read and delivered before the deadline is kept in the report; the retry reads
      // the object again and publishes only alerts not yet published.
      const reason = `stopped at ${error.cause.location}, ${limits.abortMarginMs} ms before the invocation's deadline; retried`;
      log.warn(`deferred ${uri}: ${reason}`, { uri });
      return { ...scannedReport(error.result.summary, error.result.delivery), uri, status: 'deferred', retryable: true, reason };
    }
    if (abort.signal.aborted) {
      const reason = `stopped ${limits.abortMarginMs} ms before the invocation's deadline: ${reasonOf(error)}`;
      log.warn(`deferred ${uri}: ${reason}`, { uri });
      return { uri, status: 'deferred', retryable: true, reason };
    }
    const permanent = isPermanentFailure(error);
    const reason = reasonOf(error);
    log.error(`failed ${uri}: ${reason}`, { uri, retryable: !permanent });
    // Scan and delivery failures carry what was read and sent before it stopped.
    const partial = resultOf(error);
    const counts = partial ? scannedReport(partial.summary, partial.delivery) : {};
    return { ...counts, uri, status: 'failed', retryable: !permanent, reason };
  } finally {
    clearTimeout(timer);
  }
}

export type { Deadline };

function resultOf(error: unknown): ObjectResult | undefined {
  return error instanceof ScanFailedError || error instanceof DeliveryFailedError ? error.result : undefined;
}
