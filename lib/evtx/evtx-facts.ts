/**
 * Header facts of an .evtx object for `winsift inspect`: the file header plus what each chunk
 * header says (records, ids, checksums), read without decoding any record, so it costs a CRC
 * pass over the chunks rather than a full parse.
 */
import { InputError } from '../ingest/ingest-item.ts';
import { readChunkHeader } from './chunk.ts';
import { splitBlocks } from './chunk-stream.ts';
import { type EvtxFileHeader, readEvtxFileHeader } from './file-header.ts';

export interface EvtxFacts {
  readonly header: EvtxFileHeader;
  /** Chunks present in the object (used or not). */
  readonly chunksPresent: number;
  /** Chunks carrying the `ElfChnk` signature. */
  readonly chunksWithSignature: number;
  /** Records the sound chunk headers account for. */
  readonly records: number;
  readonly firstRecordId: number | null;
  readonly lastRecordId: number | null;
  /** Chunk indexes failing a check: signature missing (while counted in use), header or records checksum. */
  readonly damagedChunks: readonly number[];
  /** The object ends inside a chunk (a truncated copy). */
  readonly truncated: boolean;
}

/** Throws InputError when the object is not EVTX at all (no file header signature). */
export async function readEvtxFacts(input: AsyncIterable<Uint8Array>, uri: string): Promise<EvtxFacts> {
  let header: EvtxFileHeader | undefined;
  let chunksPresent = 0;
  let chunksWithSignature = 0;
  let records = 0;
  let firstRecordId: number | null = null;
  let lastRecordId: number | null = null;
  let truncated = false;
  const damagedChunks: number[] = [];
  for await (const block of splitBlocks(input)) {
    if (block.offset === 0) {
      header = readEvtxFileHeader(block.bytes, uri);
      continue;
    }
    const index = chunksPresent++;
    if (block.bytes.length < 65536) truncated = true;
    if (block.bytes.length < 512) continue;
    const chunk = readChunkHeader(block.bytes);
    const inUse = header !== undefined && index < header.chunkCount;
    if (!chunk.signatureOk) {
      if (inUse) damagedChunks.push(index);
      continue;
    }
    chunksWithSignature++;
    if (!chunk.headerChecksumOk || chunk.dataChecksumOk === false) damagedChunks.push(index);
    if (!chunk.headerChecksumOk || chunk.lastRecordId < chunk.firstRecordId) continue;
    records += chunk.lastRecordId - chunk.firstRecordId + 1;
    firstRecordId = Math.min(firstRecordId ?? chunk.firstRecordId, chunk.firstRecordId);
    lastRecordId = Math.max(lastRecordId ?? chunk.lastRecordId, chunk.lastRecordId);
  }
  if (!header) throw new InputError(uri, 'offset 0x0', 'the object is empty');
  if (header.chunkCount > chunksPresent) truncated = true;
  return { header, chunksPresent, chunksWithSignature, records, firstRecordId, lastRecordId, damagedChunks, truncated };
}
