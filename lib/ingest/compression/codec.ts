/**
 * One compression format: how to recognise it, and how one member (gzip member, zstd frame) is
 * laid out: an optional header we parse ourselves, a body the decompressor reads, an optional
 * trailer we check. Parsing gzip headers ourselves (zlib's gunzip reads members on its own)
 * lets us know where every member starts and ends, so nothing after them goes unreported and
 * the output of a member followed by garbage is not lost with it.
 */
import type { Transform } from 'node:stream';

export type CompressionName = 'gzip' | 'zstd' | 'brotli';

/** Result of reading a member header: its length, `undefined` when more bytes are needed, or
 *  the reason it is not a valid header. */
export type HeaderResult = number | undefined | { readonly invalid: string };

export interface Codec {
  readonly name: CompressionName;
  /** True when these first bytes start a member of this format (brotli has no magic: false). */
  matches(head: Uint8Array): boolean;
  /** Bytes needed before `matches` can answer. */
  readonly magicLength: number;
  /** Decompresses one member body and ends where it ends. */
  createDecompressor(): Transform;
  readHeader?(bytes: Uint8Array): HeaderResult;
  readonly trailerLength?: number;
  /** Whether `checkTrailer` wants the CRC-32 of the output. */
  readonly wantsCrc32?: boolean;
  /** The reason the trailer disagrees with the member's output, or undefined when it agrees. */
  checkTrailer?(trailer: Uint8Array, output: { readonly bytes: number; readonly crc32: number }): string | undefined;
}

/** zlib's output chunk size: 64 KiB (its default is 16 KiB) means a quarter of the thread-pool
 *  round trips per decompressed byte, and bounds what waits unread. */
export const OUTPUT_CHUNK_BYTES = 64 * 1024;
