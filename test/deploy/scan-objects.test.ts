/** The per-object limits (time budget, size cap) and failure classification, with a scripted scanner. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/ingest/ingest-item.ts';
import type { ObjectScanner } from '../../lib/invocation/scan-objects.ts';
import { scanObjects } from '../../lib/invocation/scan-objects.ts';
import { verdictOf } from '../../lib/invocation/object-outcome.ts';
import type { ObjectResult, S3ObjectRef } from '../../lib/scan/scan-s3-object.ts';
import { ScanFailedError } from '../../lib/scan/scan-stream.ts';

const quiet = { info() {}, warn() {}, error() {} };

function result(uri: string, matches: number, failed = 0): ObjectResult {
  return {
    summary: { uri, status: matches > 0 ? 'matched' : 'clean', bytesIn: 10, events: 3, skipped: 0, unreadable: 0, matches, matchesByRule: {}, errors: [], durationMs: 1 },
    delivery: { delivered: matches - failed, alreadyDelivered: 0, failed },
  };
}

/** A scanner whose behaviour per key is scripted; records what it was asked to scan. */
function scripted(behaviour: Record<string, (signal: AbortSignal) => Promise<ObjectResult>>, sizes: Record<string, number> = {}) {
  const scanned: string[] = [];
  const scanner: ObjectScanner = {
    async scan(ref, signal) {
      scanned.push(ref.key);
      const run = behaviour[ref.key];
      if (!run) throw new Error(`unscripted ${ref.key}`);
      return run(signal);
    },
    async sizeOf(ref) {
      return sizes[ref.key];
    },
  };
  return { scanner, scanned };
}

const ref = (key: string, size?: number): S3ObjectRef => ({ bucket: 'b', key, ...(size === undefined ? {} : { size }) });
const plenty = { remainingMs: () => 600_000, reserveMs: 10_000, abortMarginMs: 2_000 };

describe('scanObjects', () => {
  it('reports each object scanned, clean or matched, as succeeded', async () => {
    const { scanner } = scripted({ a: async () => result('s3://b/a', 0), c: async () => result('s3://b/c', 2) });
    const reports = await scanObjects([ref('a'), ref('c')], scanner, plenty, quiet);
    expect(reports.map((r) => [r.status, r.matches, r.alertsDelivered])).toEqual([['clean', 0, 0], ['matched', 2, 2]]);
    expect(verdictOf(reports)).toBe('succeeded');
  });

  it('defers every object once less than the reserve remains, without starting it', async () => {
    let left = 30_000;
    const { scanner, scanned } = scripted({
      a: async () => {
        left = 5_000; // the first object used up most of the time
        return result('s3://b/a', 0);
      },
    });
    const reports = await scanObjects([ref('a'), ref('b'), ref('c')], scanner, { ...plenty, remainingMs: () => left }, quiet);
    expect(scanned).toEqual(['a']);
    expect(reports.map((r) => [r.status, r.retryable])).toEqual([['clean', false], ['deferred', true], ['deferred', true]]);
    expect(reports[1]?.reason).toMatch(/not started: 5000 ms left in the invocation, 10000 ms reserved/);
    expect(verdictOf(reports)).toBe('retry');
  });

  it('aborts an object still running near the deadline and reports it deferred', async () => {
    const { scanner } = scripted({
      slow: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })))),
    });
    // 10 ms past the reserve: the abort fires almost at once.
    const reports = await scanObjects([ref('slow')], scanner, { remainingMs: () => 2_010, reserveMs: 1_000, abortMarginMs: 2_000 }, quiet);
    expect(reports[0]).toMatchObject({ status: 'deferred', retryable: true });
    expect(reports[0]?.reason).toMatch(/stopped 2000 ms before the invocation's deadline/);
  });

  it('refuses objects above the size cap, asking S3 for the size when the invocation did not say', async () => {
    const { scanner, scanned } = scripted({ small: async () => result('s3://b/small', 0) }, { unsized: 5_000 });
    const reports = await scanObjects([ref('big', 2_000), ref('unsized'), ref('small', 10)], scanner, { ...plenty, maxObjectBytes: 1_000 }, quiet);
    expect(scanned).toEqual(['small']);
    expect(reports.map((r) => r.status)).toEqual(['refused', 'refused', 'clean']);
    expect(reports[0]?.reason).toBe('object is 2000 bytes, above the 1000-byte cap (MAX_OBJECT_BYTES)');
    expect(verdictOf(reports)).toBe('permanent-failure');
  });

  it('tells broken input and missing objects (permanent) from delivery and network failures (retryable)', async () => {
    const broken = result('s3://b/broken', 0);
    const { scanner } = scripted({
      broken: async () => {
        throw new ScanFailedError(broken, new InputError('s3://b/broken', 'byte 10', 'gzip data is corrupt'));
      },
      gone: async () => {
        throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      },
      undelivered: async () => result('s3://b/undelivered', 3, 1),
      network: async () => {
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      },
    });
    const reports = await scanObjects([ref('broken'), ref('gone'), ref('undelivered'), ref('network')], scanner, plenty, quiet);
    expect(reports.map((r) => [r.status, r.retryable])).toEqual([
      ['failed', false],
      ['failed', false],
      ['failed', true],
      ['failed', true],
    ]);
    expect(reports[0]?.reason).toMatch(/byte 10: gzip data is corrupt/);
    expect(reports[0]).toMatchObject({ events: 3, bytes: 10 }); // what was read before it stopped
    expect(reports[2]?.reason).toBe('1 alert(s) not delivered');
    expect(verdictOf(reports.slice(0, 2))).toBe('permanent-failure');
    expect(verdictOf(reports)).toBe('retry');
  });
});
