/**
 * Cuts a byte stream into the EVTX layout: the 4096-byte file header block, then 64 KiB chunks,
 * the last one possibly short (a truncated file). Only one block is held at a time.
 */
import { FILE_HEADER_BLOCK_SIZE } from './file-header.ts';

export const CHUNK_SIZE = 65536;

export interface Block {
  /** Offset of the block in the file. */
  readonly offset: number;
  /** Valid until the next block is requested. */
  readonly bytes: Uint8Array;
}

export async function* splitBlocks(input: AsyncIterable<Uint8Array>): AsyncGenerator<Block> {
  let buffer = new Uint8Array(FILE_HEADER_BLOCK_SIZE);
  let filled = 0;
  let offset = 0;
  for await (const piece of input) {
    let at = 0;
    while (at < piece.length) {
      // A whole block inside the piece needs no copy.
      if (filled === 0 && piece.length - at >= buffer.length) {
        const bytes = piece.subarray(at, at + buffer.length);
        at += buffer.length;
        yield { offset, bytes };
      } else {
        const take = Math.min(buffer.length - filled, piece.length - at);
        buffer.set(piece.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled < buffer.length) continue;
        filled = 0;
        yield { offset, bytes: buffer };
      }
      offset += buffer.length;
      if (buffer.length === FILE_HEADER_BLOCK_SIZE) buffer = new Uint8Array(CHUNK_SIZE);
    }
  }
  if (filled > 0) yield { offset, bytes: buffer.subarray(0, filled) };
}
