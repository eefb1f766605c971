/**
 * Random and mutated bytes: ingest never crashes with anything but InputError, never hangs
 * (inputs are bounded and each run must finish within the test timeout), numbers records
 * 0..n-1, and never returns silently empty-handed: every input yields items or an error.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, zstdCompressSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';
import { type Collected, collect, fixture } from './support.ts';

function checkOutcome(read: Collected): void {
  expect(read.items.map((i) => i.index)).toEqual(read.items.map((_, n) => n));
  for (const item of read.items) {
    if (item.kind === 'unreadable') {
      expect(item.error.uri).toBe('s3://bucket/test.log');
      expect(item.error.location.length).toBeGreaterThan(0);
      expect(item.error.reason.length).toBeGreaterThan(0);
    }
  }
  if (read.thrown) expect(read.thrown.location.length).toBeGreaterThan(0);
  expect(read.items.length > 0 || read.thrown !== undefined).toBe(true);
}

const ndjson = [fixture('bits-16403.ecs.json'), fixture('bits-16403.nxlog.json'), fixture('bits-16403.fluentbit.json')]
  .map((b) => b.toString().trim())
  .join('\n');
const SAMPLES: Record<string, Buffer> = {
  ndjson: Buffer.from(ndjson),
  'json-values': Buffer.concat([fixture('bits-16403.evtx.json'), fixture('bits-16403.datadog.json')]),
  'json-array': Buffer.from(`[${fixture('bits-16403.panther.json').toString().trim()},${fixture('bits-16403.ecs.json').toString().trim()}]`),
  xml: fixture('bits-16403.xml'),
  gzip: Buffer.concat([gzipSync(ndjson), gzipSync(fixture('bits-16403.nxlog.json'))]),
  'double-gzip': gzipSync(gzipSync(fixture('bits-16403.xml'))),
  zstd: zstdCompressSync(ndjson),
};

/** Flip, overwrite, insert or delete a few bytes, or cut the tail. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Buffer, mutations: Mutation[]): Buffer {
  let bytes = Buffer.from(input);
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    if (m.kind === 'flip') bytes[at] = bytes[at]! ^ (1 << m.bit);
    else if (m.kind === 'set') bytes[at] = m.byte;
    else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    else if (m.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.count)]);
    else bytes = bytes.subarray(0, at);
  }
  return bytes;
}

/** FUZZ_SCALE=20 runs twenty times as many cases, for a longer hunt than CI affords. */
const SCALE = Number(process.env['FUZZ_SCALE'] ?? 1);
const runs = (n: number) => ({ numRuns: Math.round(n * SCALE) });

const chunkSize = fc.oneof(fc.constant(65536), fc.integer({ min: 1, max: 64 }));

describe('fuzz', () => {
  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), chunkSize, async (bytes, size) => {
        checkOutcome(await collect(Buffer.from(bytes), {}, size));
      }),
      runs(300),
    );
  });

  it('random text made of JSON and XML punctuation', async () => {
    const alphabet = fc.constantFrom(...'{}[]<>/"\\:,\n \r\tEvent=ID01a'.split(''));
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 400 }), chunkSize, async (chars, size) => {
        checkOutcome(await collect(chars.join(''), {}, size));
      }),
      runs(300),
    );
  });

  for (const [name, sample] of Object.entries(SAMPLES)) {
    it(`mutated ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), chunkSize, async (mutations, size) => {
          checkOutcome(await collect(mutate(sample, mutations), {}, size));
        }),
        runs(150),
      );
    });
  }

  it('mutated brotli, declared', async () => {
    const sample = brotliCompressSync(ndjson);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        checkOutcome(await collect(mutate(sample, mutations), { contentEncoding: 'br' }));
      }),
      runs(100),
    );
  });
});

describeShared('fuzz raw .evtx', () => {
  it('mutated .evtx files go through the EVTX reader without crashing', async () => {
    const dir = sharedPath('corpus/evtx/EVTX-to-MITRE-Attack/TA0003-Persistence/T1197-BITS jobs');
    const file = join(dir, readdirSync(dir).filter((f) => f.endsWith('.evtx')).sort()[0]!);
    const chunks: Buffer[] = [];
    for await (const chunk of createReadStream(file)) chunks.push(chunk as Buffer);
    const sample = Buffer.concat(chunks);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        checkOutcome(await collect(mutate(sample, mutations)));
      }),
      runs(60),
    );
  });
});
