/** Brotli has no magic bytes, so it is read only when the object declares `Content-Encoding: br`. */
import { createBrotliDecompress } from 'node:zlib';
import { type Codec, OUTPUT_CHUNK_BYTES } from './codec.ts';

export const brotli: Codec = {
  name: 'brotli',
  matches: () => false,
  magicLength: 1,
  createDecompressor: () => createBrotliDecompress({ chunkSize: OUTPUT_CHUNK_BYTES }),
};

export function declaresBrotli(contentEncoding: string | undefined): boolean {
  return contentEncoding !== undefined && /^\s*br\s*$/i.test(contentEncoding);
}
