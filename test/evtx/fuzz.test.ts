/**
 * Mutated real files (byte flips aimed at headers, chunk headers and records, truncation, odd
 * stream piece sizes): readEvtx must finish and yield only records and InputErrors, never
 * throw. Sizes are bounded (one- and three-chunk samples, at most 40 mutations).
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { InputError } from '../../lib/ingest/ingest-item.ts';
import { describeShared } from '../support/shared-corpus.ts';
import { pieces, readAll, sampleWithChunks } from './evtx-samples.ts';

describeShared('readEvtx on mutated real files (fast-check)', () => {
  let samples: Uint8Array[] = [];
  beforeAll(() => {
    samples = [sampleWithChunks(1).bytes.slice(0, 4096 + 65536), sampleWithChunks(3).bytes.slice(0, 4096 + 3 * 65536)];
  });

  /** Offsets where damage matters most: file header, chunk headers, the first records. */
  const hotOffset = fc.oneof(
    fc.integer({ min: 0, max: 127 }),
    fc.integer({ min: 0, max: 2 }).chain((chunk) => fc.integer({ min: 4096 + chunk * 65536, max: 4096 + chunk * 65536 + 4095 })),
    fc.integer({ min: 0, max: 4096 + 3 * 65536 - 1 }),
  );
  const mutation = fc.record({ offset: hotOffset, value: fc.integer({ min: 0, max: 255 }) });

  it('never throws and reports only InputErrors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 40 }),
        fc.option(fc.integer({ min: 0, max: 4096 + 3 * 65536 }), { nil: undefined }),
        fc.array(fc.integer({ min: 1, max: 70000 }), { minLength: 1, maxLength: 4 }),
        async (which, mutations, truncateAt, pieceSizes) => {
          const bytes = samples[which]!.slice(0, truncateAt);
          for (const { offset, value } of mutations) if (offset < bytes.length) bytes[offset] = value;
          const result = await readAll(pieces(bytes, pieceSizes), 'fuzz.evtx');
          for (const item of result.unreadable) {
            expect(item.error).toBeInstanceOf(InputError);
            expect(item.lostRecords).toBeGreaterThanOrEqual(0);
          }
          for (const record of result.records) expect(Number.isSafeInteger(record.recordId)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a record id past 2^53 in a chunk with a damaged header is damage, not a record (found by the property above)', async () => {
    const bytes = samples[1]!.slice();
    bytes[4096] = 0; // the chunk loses its signature: records are recovered by theirs, ids unchecked
    bytes[40038] = 32; // a high byte of some record's 64-bit id
    const result = await readAll(pieces(bytes, [1]), 'fuzz.evtx');
    for (const record of result.records) expect(Number.isSafeInteger(record.recordId)).toBe(true);
    expect(result.unreadable.some((item) => /past 2\^53/.test(item.error.reason))).toBe(true);
  });

  it('reads the same records whatever sizes the stream arrives in', async () => {
    const whole = await readAll(pieces(samples[1]!));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 70000 }), { minLength: 1, maxLength: 5 }), async (pieceSizes) => {
        const split = await readAll(pieces(samples[1]!, pieceSizes));
        expect(split).toEqual(whole);
      }),
      { numRuns: 20 },
    );
  });
});
