/** What an invocation tells CloudWatch: one log line and the metrics issue 6 lists, per rule too. */
import { describe, expect, it } from 'vitest';
import type { ObjectScanner } from '../../lib/invocation/scan-objects.ts';
import { createScanHandler, type MetricsSink } from '../../lib/invocation/scan-handler.ts';
import type { ObjectResult } from '../../lib/scan/scan-s3-object.ts';

const RULE = '90f138c1-f578-4ac3-8c49-eecfd847c8b7';

function result(uri: string): ObjectResult {
  return {
    summary: { uri, status: 'partial', bytesIn: 1000, events: 40, skipped: 55, unreadable: 5, warnings: 3, duplicateKeys: 1, matches: 2, matchesByRule: { [RULE]: 2 }, errors: ['line 3: bad'], durationMs: 12 },
    delivery: { delivered: 2, alreadyDelivered: 0, failed: 0, state: { correlationLate: 3, suppressed: 7, storeReads: 4 } },
  };
}

describe('scan handler metrics and log', () => {
  it('counts bytes, events, skipped and unreadable records, warnings and repeated keys, matches per rule and duration', async () => {
    const metrics: Array<[string, string, number, string?]> = [];
    const sink: MetricsSink = {
      addMetric: (name, unit, value) => void metrics.push([name, unit, value]),
      singleMetric: () => {
        let dimension = '';
        return {
          addDimension: (name, value) => void (dimension = `${name}=${value}`),
          addMetric: (name, unit, value) => void metrics.push([name, unit, value, dimension]),
        };
      },
    };
    const logged: Array<Record<string, unknown>> = [];
    const log = { info: (_m: string, extra?: Record<string, unknown>) => void logged.push(extra ?? {}), warn() {}, error() {} };
    const scanner: ObjectScanner = { scan: async (ref) => result(`s3://${ref.bucket}/${ref.key}`), sizeOf: async () => undefined };
    const handler = createScanHandler({ scanner, limits: { reserveMs: 1_000, abortMarginMs: 100 }, log, metrics: sink });
    const event = {
      Records: ['a.json', 'b.json'].map((key) => ({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'logs' }, object: { key, size: 1000, eTag: 'e' } },
      })),
    };
    await handler(event, { getRemainingTimeInMillis: () => 60_000 });
    expect(metrics).toEqual(
      expect.arrayContaining([
        ['BytesIn', 'Bytes', 2000],
        ['EventsScanned', 'Count', 80],
        ['RecordsSkipped', 'Count', 110],
        ['RecordsUnreadable', 'Count', 10],
        ['RecordsWithWarnings', 'Count', 6],
        ['RecordsWithDuplicateKeys', 'Count', 2],
        ['Matches', 'Count', 4],
        ['ScanDuration', 'Milliseconds', 24],
        ['MatchesByRule', 'Count', 4, `RuleId=${RULE}`],
        // Cross-object state, summed over the objects.
        ['StateCorrelationLate', 'Count', 6],
        ['StateSuppressed', 'Count', 14],
        ['StateStoreReads', 'Count', 8],
      ]),
    );
    expect(logged.at(-1)).toMatchObject({ objects: 2, events: 80, skipped: 110, unreadable: 10, warnings: 6, duplicateKeys: 2, matchesByRule: { [RULE]: 4 } });
  });
});
