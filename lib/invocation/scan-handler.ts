/**
 * The scanner's Lambda entry point as a plain function of its dependencies, so tests drive it
 * with real clients against a local emulator. `functions/scan/index.ts` only wires it to env.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, S3BatchResult, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { InvocationShape, WorkItem } from './invocation.ts';
import { verdictOf, type ObjectReport } from './object-outcome.ts';
import { parseInvocation } from './parse-invocation.ts';
import { batchOperationsResult, ObjectsNotScannedError, summarise, summaryOrThrow, type InvocationSummary } from './responses.ts';
import { scanObjects, skippedReports, type Log, type ObjectScanner, type ScanLimits } from './scan-objects.ts';
import { objectsFromSqsRecord } from './sqs-event.ts';

export interface MetricsSink {
  addMetric(name: string, unit: 'Count' | 'Bytes' | 'Milliseconds', value: number): void;
  /** A metric with its own dimensions, flushed at once (Powertools `singleMetric`). */
  singleMetric?(): { addDimension(name: string, value: string): void; addMetric(name: string, unit: 'Count', value: number): void };
}

export interface ScanHandlerDeps {
  readonly scanner: ObjectScanner;
  readonly limits: Omit<ScanLimits, 'remainingMs'>;
  readonly log: Log;
  readonly metrics?: MetricsSink;
}

export type ScanHandlerResult = InvocationSummary | SQSBatchResponse | S3BatchResult;

export function createScanHandler(deps: ScanHandlerDeps): (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<ScanHandlerResult> {
  return async (event, context) => {
    const limits: ScanLimits = { ...deps.limits, remainingMs: () => context.getRemainingTimeInMillis() };
    const atStart = limits.remainingMs();
    if (atStart < limits.reserveMs) {
      // Either a retry landed late, or the reserve is larger than the function timeout (then nothing is ever scanned).
      deps.log.error('less time left at the start than the time reserve: every object is deferred', { remainingMs: atStart, reserveMs: limits.reserveMs });
    }
    const invocation = parseInvocation(event);
    const all: ObjectReport[] = [];
    const runItem = async (item: WorkItem): Promise<ObjectReport[]> => {
      const reports = [...skippedReports(item.skipped, deps.log), ...(await scanObjects(item.objects, deps.scanner, limits, deps.log))];
      all.push(...reports);
      return reports;
    };
    try {
      switch (invocation.shape) {
        case 'sqs':
          return await answerSqs(invocation.records, runItem, deps.log, context);
        case 'batch-operations': {
          const tasks = [];
          for (const item of invocation.items) tasks.push({ id: item.id, reports: await runItem(item) });
          return batchOperationsResult(invocation.batch, tasks);
        }
        default: {
          for (const item of invocation.items) await runItem(item);
          return summaryOrThrow(invocation.shape, all);
        }
      }
    } finally {
      recordInvocation(invocation.shape, all, deps);
    }
  };
}

/**
 * Each message succeeds or fails alone: Powertools reports exactly the messages whose objects
 * were not all scanned in `batchItemFailures`, so SQS redelivers only those (then the DLQ).
 * A batch where every message failed is answered the same way rather than by a throw, which
 * SQS treats identically and which keeps the answer explicit.
 */
async function answerSqs(
  records: readonly SQSRecord[],
  runItem: (item: WorkItem) => Promise<ObjectReport[]>,
  log: Log,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    let item: WorkItem;
    try {
      item = { id: record.messageId, ...objectsFromSqsRecord(record) };
    } catch (error) {
      log.error(`unreadable SQS message ${record.messageId}`, { error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    const reports = await runItem(item);
    if (verdictOf(reports) !== 'succeeded') throw new ObjectsNotScannedError(reports);
  };
  return processPartialResponse({ Records: [...records] }, handleRecord, processor, {
    context: context as Context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
}

const METRIC_BY_STATUS = {
  clean: 'ObjectsClean',
  matched: 'ObjectsMatched',
  partial: 'ObjectsPartial',
  skipped: 'ObjectsSkipped',
  refused: 'ObjectsRefused',
  failed: 'ObjectsFailed',
  deferred: 'ObjectsDeferred',
} as const;

/** One log line and the object/event counts per invocation, whatever its outcome. */
function recordInvocation(shape: InvocationShape, reports: readonly ObjectReport[], deps: ScanHandlerDeps): void {
  const summary = summarise(shape, reports);
  const { objects, byStatus, bytes, events, skipped, unreadable, warnings, duplicateKeys, matches, matchesByRule } = summary;
  deps.log.info(`invocation done (${shape})`, { shape, objects, byStatus, bytes, events, skipped, unreadable, warnings, duplicateKeys, matches, matchesByRule });
  if (!deps.metrics) return;
  for (const [status, name] of Object.entries(METRIC_BY_STATUS)) {
    deps.metrics.addMetric(name, 'Count', summary.byStatus[status as keyof typeof METRIC_BY_STATUS] ?? 0);
  }
  deps.metrics.addMetric('BytesIn', 'Bytes', bytes);
  deps.metrics.addMetric('EventsScanned', 'Count', events);
  deps.metrics.addMetric('RecordsSkipped', 'Count', skipped);
  deps.metrics.addMetric('RecordsUnreadable', 'Count', unreadable);
  deps.metrics.addMetric('RecordsWithWarnings', 'Count', warnings);
  deps.metrics.addMetric('RecordsWithDuplicateKeys', 'Count', duplicateKeys);
  deps.metrics.addMetric('Matches', 'Count', matches);
  deps.metrics.addMetric('ScanDuration', 'Milliseconds', sum(reports, (r) => r.durationMs));
  // Per rule, with the rule id as a dimension: only rules that matched, so cardinality stays the pack's.
  for (const [ruleId, count] of Object.entries(matchesByRule)) {
    const metric = deps.metrics.singleMetric?.();
    if (!metric) break;
    metric.addDimension('RuleId', ruleId);
    metric.addMetric('MatchesByRule', 'Count', count);
  }
  // Cross-object state: late events, evictions, suppressed repeats, store requests (StateCorrelationLate, ...).
  const state: Record<string, number> = {};
  for (const r of reports) for (const [name, n] of Object.entries(r.state ?? {})) state[name] = (state[name] ?? 0) + n;
  for (const [name, n] of Object.entries(state)) deps.metrics.addMetric(`State${name[0]!.toUpperCase()}${name.slice(1)}`, 'Count', n);
  // Alert delivery counts (AlertsPublished, AlertPublishFailures, ...) come from lib/alerts/alert-metrics.ts.
}

function sum(reports: readonly ObjectReport[], pick: (r: ObjectReport) => number | undefined): number {
  return reports.reduce((total, r) => total + (pick(r) ?? 0), 0);
}
