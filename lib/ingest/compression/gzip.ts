/**
 * gzip (RFC 1952). Firehose and many shippers concatenate members; all are read. The header and
 * trailer are read here and the deflate body by zlib, so member boundaries are known exactly.
 */
import { createInflateRaw } from 'node:zlib';
import { type Codec, type HeaderResult, OUTPUT_CHUNK_BYTES } from './codec.ts';

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;

export const gzip: Codec = {
  name: 'gzip',
  // ID1 ID2 and CM=8 (deflate), the only method gzip defines.
  matches: (head) => head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08,
  magicLength: 3,
  createDecompressor: () => createInflateRaw({ chunkSize: OUTPUT_CHUNK_BYTES }),
  readHeader,
  trailerLength: 8,
  wantsCrc32: true,
  checkTrailer(trailer, output) {
    const view = Buffer.from(trailer.buffer, trailer.byteOffset, 8);
    const crc = view.readUInt32LE(0);
    const size = view.readUInt32LE(4);
    if (crc !== output.crc32) {
      return `CRC-32 mismatch: trailer says ${hex32(crc)}, data gives ${hex32(output.crc32)}`;
    }
    if (size !== output.bytes % 2 ** 32) {
      return `length mismatch: trailer says ${size} bytes (mod 2^32), data gives ${output.bytes}`;
    }
    return undefined;
  },
};

function readHeader(b: Uint8Array): HeaderResult {
  if (b.length < 10) return undefined;
  if (b[0] !== 0x1f || b[1] !== 0x8b) return { invalid: 'not a gzip member header' };
  if (b[2] !== 8) return { invalid: `unknown gzip compression method ${b[2]}` };
  const flags = b[3]!;
  if (flags & FRESERVED) return { invalid: `reserved gzip header flags set (0x${flags.toString(16)})` };
  let p = 10;
  if (flags & FEXTRA) {
    if (b.length < p + 2) return undefined;
    p += 2 + (b[p]! | (b[p + 1]! << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    if (p >= b.length) return undefined;
    const end = b.indexOf(0, p);
    if (end < 0) return undefined;
    p = end + 1;
  }
  if (flags & FHCRC) p += 2;
  return p <= b.length ? p : undefined;
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
