/**
 * Native reader for raw Windows `.evtx` files, streamed: the input is cut into the file header
 * and 64 KiB chunks, and each chunk is read on its own (names and templates never cross chunks),
 * so memory stays at one chunk whatever the file size.
 *
 * Records come out in evtx_dump's JSON shape (see evtx-dump-json.ts) for `fromEvtxJson`.
 * Nothing is thrown for bad data: damaged headers, chunks and records become `unreadable` items
 * naming the file, chunk, offset and the number of records lost.
 */
import { InputError } from '../ingest/ingest-item.ts';
import { readChunk } from './chunk.ts';
import { splitBlocks } from './chunk-stream.ts';
import type { EvtxItem } from './evtx-item.ts';
import { type EvtxFileHeader, readEvtxFileHeader } from './file-header.ts';

export type { EvtxItem } from './evtx-item.ts';
export type { EvtxFileHeader } from './file-header.ts';
export { hasEvtxSignature, readEvtxFileHeader } from './file-header.ts';

export async function* readEvtx(input: AsyncIterable<Uint8Array>, uri: string): AsyncIterable<EvtxItem> {
  let header: EvtxFileHeader | undefined;
  let chunkIndex = 0;
  let sawBytes = false;
  for await (const block of splitBlocks(input)) {
    sawBytes = true;
    if (block.offset === 0) {
      try {
        header = readEvtxFileHeader(block.bytes, uri);
        if (!header.checksumOk) {
          yield unreadable(uri, 'file header', 'file header checksum mismatch; reading the chunks regardless', 0);
        }
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        yield { kind: 'unreadable', error, lostRecords: 0 };
      }
      continue;
    }
    // With no sound file header we cannot tell used chunks from free space: only chunks that
    // carry their signature are read.
    const inUse = header !== undefined && chunkIndex < header.chunkCount;
    yield* readChunk(block.bytes, { uri, index: chunkIndex, fileOffset: block.offset, inUse });
    chunkIndex++;
  }
  if (!sawBytes) yield unreadable(uri, 'offset 0x0', 'the object is empty', 0);
}

function unreadable(uri: string, location: string, reason: string, lostRecords: number): EvtxItem {
  return { kind: 'unreadable', error: new InputError(uri, location, reason), lostRecords };
}
