/**
 * A backfill run here rather than in Step Functions (`winsift backfill --local`): list the
 * prefix, scan every object in the window with a few at a time, and report each one. The same
 * per-object limits and failure rules as the Lambda apply, minus the Lambda's clock.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { skippedReports, scanObjects, type Log, type ObjectScanner } from '../invocation/scan-objects.ts';
import type { ObjectReport } from '../invocation/object-outcome.ts';
import type { S3ObjectRef } from '../scan/scan-s3-object.ts';
import { listPrefix, type PrefixListing } from './list-prefix.ts';

export interface LocalBackfillOptions extends PrefixListing {
  readonly s3: S3Client;
  readonly scanner: ObjectScanner;
  readonly log: Log;
  /** Objects scanned at once (default 4). */
  readonly concurrency?: number;
  readonly maxObjectBytes?: number;
  /** Told about each object as soon as it is done (progress lines). */
  readonly onReport?: (report: ObjectReport) => void;
}

export interface BackfillReport {
  readonly listed: number;
  readonly reports: readonly ObjectReport[];
}

/** No deadline locally: the budget never runs out. */
const NO_DEADLINE = { remainingMs: () => Number.MAX_SAFE_INTEGER, reserveMs: 0, abortMarginMs: 0 };

export async function runLocalBackfill(options: LocalBackfillOptions): Promise<BackfillReport> {
  const limits = { ...NO_DEADLINE, ...(options.maxObjectBytes === undefined ? {} : { maxObjectBytes: options.maxObjectBytes }) };
  const reports: ObjectReport[] = [];
  const done = (r: ObjectReport): void => {
    reports.push(r);
    options.onReport?.(r);
  };
  const running = new Set<Promise<void>>();
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let listed = 0;

  const start = (ref: S3ObjectRef): void => {
    const task = scanObjects([ref], options.scanner, limits, options.log).then((rs) => rs.forEach(done));
    const tracked = task.finally(() => running.delete(tracked));
    running.add(tracked);
  };

  for await (const item of listPrefix(options.s3, options)) {
    listed++;
    if (item.kind === 'skipped') {
      skippedReports([item.skipped], options.log).forEach(done);
      continue;
    }
    if (running.size >= concurrency) await Promise.race(running);
    start(item.ref);
  }
  await Promise.all(running);
  return { listed, reports };
}
