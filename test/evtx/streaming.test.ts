/**
 * The reader pulls the input one chunk at a time: a record comes out before the rest of the
 * file has been read, so memory stays at about one chunk whatever the object size.
 */
import { crc32 } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { readEvtx, readEvtxFileHeader } from '../../lib/evtx/read-evtx.ts';
import { InputError } from '../../lib/ingest/ingest-item.ts';
import { describeShared } from '../support/shared-corpus.ts';
import { sampleWithChunks } from './evtx-samples.ts';

describeShared('readEvtx streaming and the file header', () => {
  let sample: Uint8Array;
  beforeAll(() => {
    sample = sampleWithChunks(3).bytes;
  });

  it('yields the records of chunk N having read no further than chunk N (plus one piece)', async () => {
    const pieceSize = 4096;
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < sample.length; at += pieceSize) {
        pulled += Math.min(pieceSize, sample.length - at);
        yield sample.subarray(at, at + pieceSize);
      }
    }
    const pulledAtFirstRecordOf = new Map<number, number>();
    for await (const item of readEvtx(counted(), 'stream.evtx')) {
      if (item.kind === 'record' && !pulledAtFirstRecordOf.has(item.chunk)) pulledAtFirstRecordOf.set(item.chunk, pulled);
    }
    expect(pulled).toBe(sample.length);
    for (const [chunk, bytes] of pulledAtFirstRecordOf) {
      expect(bytes).toBeLessThanOrEqual(4096 + (chunk + 1) * 65536);
    }
    expect(pulledAtFirstRecordOf.size).toBeGreaterThanOrEqual(3);
  });

  it('reads the header facts: version, chunk count, next record id, flags, checksum', () => {
    const header = readEvtxFileHeader(sample.subarray(0, 4096), 'sample.evtx');
    expect(header.majorVersion).toBe(3);
    expect(header.chunkCount).toBeGreaterThanOrEqual(3);
    expect(header.nextRecordId).toBeGreaterThan(header.chunkCount);
    expect(header.checksumOk).toBe(true);

    const flagged = sample.slice(0, 4096);
    const view = new DataView(flagged.buffer);
    view.setUint32(120, 0x3, true); // dirty | full: outside the checksummed first 120 bytes
    expect(readEvtxFileHeader(flagged, 'x')).toMatchObject({ dirty: true, full: true, checksumOk: true });
    view.setUint32(24, header.nextRecordId + 1, true);
    expect(readEvtxFileHeader(flagged, 'x')).toMatchObject({ nextRecordId: header.nextRecordId + 1, checksumOk: false });
    view.setUint32(124, crc32(flagged.subarray(0, 120)), true);
    expect(readEvtxFileHeader(flagged, 'x').checksumOk).toBe(true);
  });

  it('refuses a header that is not EVTX, naming the object', () => {
    expect(() => readEvtxFileHeader(new Uint8Array(4096), 's3://bucket/key.evtx')).toThrow(InputError);
    expect(() => readEvtxFileHeader(new Uint8Array(10), 's3://bucket/key.evtx')).toThrow(
      's3://bucket/key.evtx: offset 0x0: file header needs 128 bytes, the object has 10',
    );
  });
});
