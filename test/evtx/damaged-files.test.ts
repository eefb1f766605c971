/**
 * Damage made on purpose to a real multi-chunk file: everything readable is still read, and
 * each loss is reported with the file, chunk, offset and the number of records lost, so that
 * records read + records lost = records in the intact file.
 */
import { beforeAll, expect, it } from 'vitest';
import { InputError } from '../../lib/ingest/ingest-item.ts';
import { describeShared } from '../support/shared-corpus.ts';
import { pieces, readAll, recordOffsets, sampleWithChunks, type ReadSummary } from './evtx-samples.ts';

const CHUNK = 65536;
const chunkAt = (index: number): number => 4096 + index * CHUNK;

describeShared('readEvtx on damaged files', () => {
  let intact: Uint8Array;
  let whole: ReadSummary;
  beforeAll(async () => {
    intact = sampleWithChunks(3).bytes;
    whole = await readAll(pieces(intact));
  });
  const damaged = (change: (bytes: Uint8Array) => void): Uint8Array => {
    const bytes = intact.slice();
    change(bytes);
    return bytes;
  };
  const idsOfChunk = (index: number): number[] => whole.records.filter((r) => r.chunk === index).map((r) => r.recordId);

  it('reads the intact sample without loss', () => {
    expect(whole.unreadable).toEqual([]);
    expect(new Set(whole.records.map((r) => r.chunk)).size).toBeGreaterThanOrEqual(3);
  });

  it('truncated in the middle of chunk 1: chunk 0 whole, chunk 1 up to the cut, the rest counted as lost', async () => {
    const offsets = recordOffsets(intact, 1);
    const cut = chunkAt(1) + offsets[Math.floor(offsets.length / 2)]! + 10; // inside a record
    const result = await readAll(pieces(intact.subarray(0, cut)), 'cut.evtx');
    const chunk1Read = result.records.filter((r) => r.chunk === 1).length;
    expect(result.records.filter((r) => r.chunk === 0).map((r) => r.recordId)).toEqual(idsOfChunk(0));
    expect(chunk1Read).toBe(Math.floor(offsets.length / 2));
    const [loss, missingChunks] = result.unreadable;
    expect(loss!.error).toBeInstanceOf(InputError);
    expect(loss!.error.uri).toBe('cut.evtx');
    expect(loss!.error.location).toContain('chunk 1 at offset 0x11000');
    expect(loss!.error.reason).toContain('file ends');
    expect(loss!.lostRecords).toBe(idsOfChunk(1).length - chunk1Read);
    // Chunk 2 onwards are missing altogether: counted from the header's next record id.
    expect(missingChunks!.error.location).toBe('chunk 2 at offset 0x21000');
    expect(result.unreadable).toHaveLength(2);
    expect(result.records.length + result.lost).toBe(whole.records.length);
  });

  it('a record with a broken signature is skipped, counted, and the records after it are read', async () => {
    const offsets = recordOffsets(intact, 0);
    const victim = 2;
    const bytes = damaged((b) => b.fill(0x41, chunkAt(0) + offsets[victim]!, chunkAt(0) + offsets[victim]! + 4));
    const result = await readAll(pieces(bytes));
    expect(result.records).toHaveLength(whole.records.length - 1);
    expect(result.records.map((r) => r.recordId)).not.toContain(idsOfChunk(0)[victim]);
    const skipped = result.unreadable.find((u) => u.lostRecords > 0);
    expect(skipped?.lostRecords).toBe(1);
    expect(skipped?.error.location).toContain(`chunk 0 at offset 0x1000, offset 0x${offsets[victim]!.toString(16)} in chunk`);
    // The bytes no longer match the chunk's records checksum, which is reported too.
    expect(result.unreadable.some((u) => u.error.reason.includes('checksum'))).toBe(true);
    expect(result.records.length + result.lost).toBe(whole.records.length);
  });

  it('a chunk header failing its checksum is reported and its records recovered by signature', async () => {
    const bytes = damaged((b) => {
      b[chunkAt(1) + 64]! ^= 0xff; // unused header bytes: the checksum breaks, nothing else
    });
    const result = await readAll(pieces(bytes));
    expect(result.records.map((r) => r.recordId)).toEqual(whole.records.map((r) => r.recordId));
    expect(result.unreadable).toHaveLength(1);
    expect(result.unreadable[0]!.error.location).toBe('chunk 1 at offset 0x11000');
    expect(result.unreadable[0]!.error.reason).toContain('header checksum mismatch');
  });

  it('a chunk overwritten with garbage loses its records and no others', async () => {
    const bytes = damaged((b) => b.fill(0xa5, chunkAt(1), chunkAt(2)));
    const result = await readAll(pieces(bytes));
    expect(result.records.map((r) => r.recordId)).toEqual(whole.records.filter((r) => r.chunk !== 1).map((r) => r.recordId));
    expect(result.unreadable.map((u) => u.error.location)).toEqual(['chunk 1 at offset 0x11000']);
    // The chunk cannot say how many records it held; the record ids around it can.
    expect(result.unreadable[0]!.lostRecords).toBe(idsOfChunk(1).length);
  });

  it('a file cut at a chunk boundary reports the chunks its header counts and the records in them', async () => {
    const result = await readAll(pieces(intact.subarray(0, chunkAt(1))), 'short.evtx');
    expect(result.records.map((r) => r.recordId)).toEqual(idsOfChunk(0));
    expect(result.unreadable).toHaveLength(1);
    expect(result.unreadable[0]!.error.location).toBe('chunk 1 at offset 0x11000');
    expect(result.unreadable[0]!.error.reason).toMatch(/^file ends after 1 chunks; its header counts \d+$/);
    expect(result.records.length + result.lost).toBe(whole.records.length);
  });

  it('bad BinXML inside one record loses that record only, naming its id and offset', async () => {
    const offsets = recordOffsets(intact, 0);
    // The first byte of BinXML after the record header: a fragment header token, made invalid.
    const bytes = damaged((b) => {
      b[chunkAt(0) + offsets[1]! + 24] = 0xee;
    });
    const result = await readAll(pieces(bytes));
    const lostId = idsOfChunk(0)[1]!;
    expect(result.records).toHaveLength(whole.records.length - 1);
    const loss = result.unreadable.find((u) => u.lostRecords === 1)!;
    expect(loss.error.location).toBe(`chunk 0 at offset 0x1000, record ${lostId} at offset 0x${offsets[1]!.toString(16)} in chunk`);
    expect(loss.error.reason).toMatch(/token 0xee/);
  });

  it('something that is not EVTX at all is one clear error', async () => {
    const result = await readAll(pieces(new TextEncoder().encode('{"not": "evtx"}\n'.repeat(400))), 'x.json');
    expect(result.records).toEqual([]);
    expect(result.unreadable).toHaveLength(1);
    expect(result.unreadable[0]!.error.message).toBe('x.json: offset 0x0: not an EVTX file: no "ElfFile" signature');
  });

  it('an empty object is one clear error', async () => {
    const result = await readAll(pieces(new Uint8Array(0)), 'empty.evtx');
    expect(result.unreadable.map((u) => u.error.message)).toEqual(['empty.evtx: offset 0x0: the object is empty']);
  });
});
