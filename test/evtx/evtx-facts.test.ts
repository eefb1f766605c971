/** `readEvtxFacts` (for `winsift inspect`) agrees with a full read, and sees damage and truncation. */
import { beforeAll, expect, it } from 'vitest';
import { readEvtxFacts } from '../../lib/evtx/read-evtx.ts';
import { InputError } from '../../lib/ingest/ingest-item.ts';
import { describeShared } from '../support/shared-corpus.ts';
import { pieces, readAll, sampleWithChunks } from './evtx-samples.ts';

describeShared('readEvtxFacts', () => {
  let sample: Uint8Array;
  beforeAll(() => {
    sample = sampleWithChunks(3).bytes;
  });

  it('counts the records a full read yields, and their id range', async () => {
    const facts = await readEvtxFacts(pieces(sample, [5000]), 'sample.evtx');
    const read = await readAll(pieces(sample));
    const ids = read.records.map((r) => r.recordId);
    expect(facts.records).toBe(read.records.length);
    expect(facts.firstRecordId).toBe(Math.min(...ids));
    expect(facts.lastRecordId).toBe(Math.max(...ids));
    expect(facts.chunksWithSignature).toBe(facts.header.chunkCount);
    expect(facts.chunksPresent).toBe((sample.length - 4096) / 65536);
    expect(facts.damagedChunks).toEqual([]);
    expect(facts.truncated).toBe(false);
  });

  it('names damaged chunks and notices truncation', async () => {
    const bytes = sample.slice(0, 4096 + 65536 + 30000);
    bytes[4096 + 65536 + 2000]! ^= 0xff; // inside chunk 1's records
    const facts = await readEvtxFacts(pieces(bytes), 'cut.evtx');
    expect(facts.truncated).toBe(true);
    expect(facts.chunksPresent).toBe(2);
    expect(facts.damagedChunks).toEqual([]); // chunk 1 is cut short: its records checksum cannot be checked
    const flipped = sample.slice();
    flipped[4096 + 2000]! ^= 0xff;
    expect((await readEvtxFacts(pieces(flipped), 'x')).damagedChunks).toEqual([0]);
  });

  it('refuses an object without the EVTX signature', async () => {
    await expect(readEvtxFacts(pieces(new Uint8Array(5000)), 'x.bin')).rejects.toThrow(InputError);
  });
});
