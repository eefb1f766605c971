/**
 * The invocation's time reaches the scan loop: an object still being read when only the abort
 * margin is left is stopped by the scan itself (CPU-bound work never lets a timer fire), reported
 * `deferred` with what it read and delivered, and retried; the next object is not started.
 */
import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../lib/invocation/object-outcome.ts';
import { type ObjectScanner, scanObjects } from '../../lib/invocation/scan-objects.ts';
import { limitsFromEnv } from '../../lib/ingest/limits.ts';
import { readHandlerConfig } from '../../lib/invocation/handler-config.ts';
import { bundledRuleFiles } from '../../lib/rules/bundled.ts';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';
import { scanStream } from '../../lib/scan/scan-stream.ts';
import { ecsBitsJob } from '../support/bits-events.ts';
import { CollectingSink } from '../support/collecting-sink.ts';

const quiet = { info() {}, warn() {}, error() {} };
const pack = loadRulePack(bundledRuleFiles());
const body = Buffer.from([1, 2, 3].map(() => JSON.stringify(ecsBitsJob('http://45.77.165.21/a.exe'))).join('\n') + '\n');

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Scans in-memory bytes through the real scan path, with the deadline scanObjects gives. */
const scanner: ObjectScanner = {
  scan: (ref, _signal, deadline) =>
    scanStream(once(body), { uri: `s3://${ref.bucket}/${ref.key}`, detector: pack.detector, sink: new CollectingSink(), ...(deadline ? { deadline } : {}) }),
  sizeOf: async () => body.length,
};

describe('the deadline inside the scan loop', () => {
  it('defers an object whose deadline is reached while reading, with its counts, and asks for a retry', async () => {
    // 20 s left, 20 s abort margin: the scan may start (reserve 1 s) but its deadline is now.
    const limits = { remainingMs: () => 20_000, reserveMs: 1_000, abortMarginMs: 20_000 };
    const [report] = await scanObjects([{ bucket: 'b', key: 'k' }], scanner, limits, quiet);
    expect(report).toMatchObject({ uri: 's3://b/k', status: 'deferred', retryable: true, events: 0 });
    expect(report!.reason).toMatch(/^stopped at (decompressed byte|record) \d+.*, 20000 ms before the invocation's deadline; retried$/);
    expect(verdictOf([report!])).toBe('retry');
  });

  it('scans whole with time to spare', async () => {
    const limits = { remainingMs: () => 600_000, reserveMs: 1_000, abortMarginMs: 2_000 };
    const [report] = await scanObjects([{ bucket: 'b', key: 'k' }], scanner, limits, quiet);
    expect(report).toMatchObject({ status: 'matched', events: 3 });
  });
});

describe('the work budget from the environment', () => {
  it('reads every limit by its variable and names a bad one', () => {
    expect(limitsFromEnv({ MAX_NESTING_DEPTH: '32', MAX_RECORD_EXPANSION: '1000000', MAX_EXPANSION_RATIO: '100' })).toEqual({
      maxNestingDepth: 32,
      maxRecordExpansion: 1_000_000,
      maxExpansionRatio: 100,
    });
    expect(readHandlerConfig({ TOPIC_ARN: 'arn:aws:sns:eu-west-1:1:t', MAX_COMPRESSION_RATIO: '400' }).limits).toEqual({ maxCompressionRatio: 400 });
    expect(() => limitsFromEnv({ MAX_DECOMPRESSED_BYTES: 'lots' })).toThrow("MAX_DECOMPRESSED_BYTES must be a positive number, not 'lots'");
  });
});
