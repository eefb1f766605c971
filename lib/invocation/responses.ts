/** Builds what each invoking service expects back, from the reports of the objects scanned. */
import type { S3BatchResult, S3BatchResultResultCode } from 'aws-lambda';
import type { BatchOperationsContext, InvocationShape } from './invocation.ts';
import { verdictOf, type ObjectReport, type ObjectStatus } from './object-outcome.ts';

export interface InvocationSummary {
  readonly shape: InvocationShape;
  readonly objects: number;
  readonly byStatus: Readonly<Partial<Record<ObjectStatus, number>>>;
  readonly bytes: number;
  readonly events: number;
  readonly skipped: number;
  readonly unreadable: number;
  /** Events read not exactly as written (invalid UTF-8, repeated JSON keys), and of those the repeated keys. */
  readonly warnings: number;
  readonly duplicateKeys: number;
  readonly matches: number;
  readonly matchesByRule: Readonly<Record<string, number>>;
  readonly alertsDelivered: number;
  readonly reports: readonly ObjectReport[];
}

export function summarise(shape: InvocationShape, reports: readonly ObjectReport[]): InvocationSummary {
  const byStatus: Partial<Record<ObjectStatus, number>> = {};
  for (const r of reports) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return {
    shape,
    objects: reports.length,
    byStatus,
    bytes: sum(reports, (r) => r.bytes),
    events: sum(reports, (r) => r.events),
    skipped: sum(reports, (r) => r.skipped),
    unreadable: sum(reports, (r) => r.unreadable),
    warnings: sum(reports, (r) => r.warnings),
    duplicateKeys: sum(reports, (r) => r.duplicateKeys),
    matches: sum(reports, (r) => r.matches),
    matchesByRule: sumByRule(reports),
    alertsDelivered: sum(reports, (r) => r.alertsDelivered),
    reports,
  };
}

/**
 * Thrown so that the invoking service retries (Lambda async retries, Step Functions `Retry`),
 * and so nothing is silently lost. The name is the error type AWS records: `ObjectsRetryableError`
 * when trying again can help, `ObjectsFailedError` when it cannot (broken input, object too large).
 */
export class ObjectsNotScannedError extends Error {
  readonly reports: readonly ObjectReport[];

  constructor(reports: readonly ObjectReport[]) {
    const bad = reports.filter((r) => r.status === 'failed' || r.status === 'refused' || r.status === 'deferred');
    super(`${bad.length} of ${reports.length} object(s) not scanned: ${bad.map((r) => `${r.uri} (${r.status}: ${r.reason ?? 'no reason'})`).join('; ')}`);
    this.name = verdictOf(reports) === 'retry' ? 'ObjectsRetryableError' : 'ObjectsFailedError';
    this.reports = reports;
  }
}

/** S3 notification, SNS, EventBridge and Distributed Map: a summary on success, otherwise a throw. */
export function summaryOrThrow(shape: InvocationShape, reports: readonly ObjectReport[]): InvocationSummary {
  if (verdictOf(reports) !== 'succeeded') throw new ObjectsNotScannedError(reports);
  return summarise(shape, reports);
}

const RESULT_CODE: Record<ReturnType<typeof verdictOf>, S3BatchResultResultCode> = {
  succeeded: 'Succeeded',
  retry: 'TemporaryFailure',
  'permanent-failure': 'PermanentFailure',
};

/** S3 Batch Operations: one result per task, in the job's completion report. */
export function batchOperationsResult(
  batch: BatchOperationsContext,
  tasks: readonly { readonly id: string; readonly reports: readonly ObjectReport[] }[],
): S3BatchResult {
  return {
    invocationSchemaVersion: batch.invocationSchemaVersion,
    // A key listed in the manifest but gone from the bucket cannot succeed on a retry.
    treatMissingKeysAs: 'PermanentFailure',
    invocationId: batch.invocationId,
    results: tasks.map(({ id, reports }) => ({
      taskId: id,
      resultCode: RESULT_CODE[verdictOf(reports)],
      resultString: reports.map(describe).join('; '),
    })),
  };
}

function describe(r: ObjectReport): string {
  const counts = r.events === undefined ? '' : ` events=${r.events} matches=${r.matches ?? 0}`;
  return `${r.status}${counts}${r.reason ? `: ${r.reason}` : ''}`;
}

function sum(reports: readonly ObjectReport[], pick: (r: ObjectReport) => number | undefined): number {
  return reports.reduce((total, r) => total + (pick(r) ?? 0), 0);
}

function sumByRule(reports: readonly ObjectReport[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const r of reports) for (const [rule, n] of Object.entries(r.matchesByRule ?? {})) total[rule] = (total[rule] ?? 0) + n;
  return total;
}
