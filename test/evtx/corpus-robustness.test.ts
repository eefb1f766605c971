/**
 * Every real file in ../shared/corpus/evtx (some of which libevtx and python-evtx give up on):
 * nothing is thrown, every item is a record in evtx_dump shape or an InputError naming the file,
 * and records read + records reported lost = the records the chunk headers account for.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readChunkHeader } from '../../lib/evtx/chunk.ts';
import { readEvtxFileHeader } from '../../lib/evtx/read-evtx.ts';
import { InputError } from '../../lib/ingest/ingest-item.ts';
import { fromEvtxJson, isEvtxJson } from '../../lib/ingest/layouts/evtx-json.ts';
import { describeShared } from '../support/shared-corpus.ts';
import { corpusEvtxFiles, pieces, readAll } from './evtx-samples.ts';

/** Records the sound chunk headers of a file say it holds. */
function recordsPerHeaders(bytes: Uint8Array, path: string): number {
  const header = readEvtxFileHeader(bytes.subarray(0, 4096), path);
  let total = 0;
  for (let i = 0; i < header.chunkCount; i++) {
    const chunk = bytes.subarray(4096 + i * 65536, 4096 + (i + 1) * 65536);
    if (chunk.length < 512) break;
    const facts = readChunkHeader(chunk);
    if (facts.signatureOk && facts.headerChecksumOk) total += facts.lastRecordId - facts.firstRecordId + 1;
  }
  return total;
}

describeShared('readEvtx over the whole real .evtx corpus', () => {
  const files = corpusEvtxFiles();

  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('reads every file without throwing, accounting for every record', async () => {
    let records = 0;
    const mismatched: string[] = [];
    for (const path of files) {
      const bytes = new Uint8Array(readFileSync(path));
      // Odd piece sizes: blocks straddle the stream's pieces, as they do from S3.
      const result = await readAll(pieces(bytes, [7919, 65536, 1]), path);
      for (const item of result.unreadable) {
        expect(item.error).toBeInstanceOf(InputError);
        expect(item.error.uri).toBe(path);
      }
      for (const record of result.records) {
        expect(isEvtxJson(record.value)).toBe(true);
        expect(typeof fromEvtxJson(record.value).fields['EventID']).toBe('number');
      }
      records += result.records.length;
      if (result.records.length + result.lost !== recordsPerHeaders(bytes, path)) mismatched.push(path);
    }
    expect(mismatched).toEqual([]);
    expect(records).toBeGreaterThan(files.length);
  });
});
