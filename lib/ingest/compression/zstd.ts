/** Zstandard (RFC 8878): Datadog archives, Matano. Multi-frame objects are read frame by frame. */
import { createZstdDecompress } from 'node:zlib';
import { type Codec, OUTPUT_CHUNK_BYTES } from './codec.ts';

export const zstd: Codec = {
  name: 'zstd',
  // Frame magic 0xFD2FB528 little-endian, or a skippable frame 0x184D2A5?.
  matches: (head) =>
    head.length >= 4 &&
    ((head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) ||
      ((head[0]! & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18)),
  magicLength: 4,
  createDecompressor: () => createZstdDecompress({ chunkSize: OUTPUT_CHUNK_BYTES }),
};
