/**
 * Undo whatever compression an object carries, decided by magic bytes (not key suffix or
 * Content-Type), layer after layer: Firehose over CloudWatch Logs gzips twice.
 */
import { ByteSource } from '../byte-source.ts';
import { InputError, type IngestLimits } from '../ingest-item.ts';
import { RATIO_CHECK_AFTER_BYTES } from '../limits.ts';
import { brotli, declaresBrotli } from './brotli.ts';
import type { Codec, CompressionName } from './codec.ts';
import { gzip } from './gzip.ts';
import { inflate } from './inflate.ts';
import { zstd } from './zstd.ts';

/** Layers beyond this are not a shipper's doing. */
const MAX_LAYERS = 3;

export interface Decompressed {
  /** Outermost first; empty for an uncompressed object. */
  readonly layers: readonly CompressionName[];
  readonly bytes: ByteSource;
}

/** Counts the compressed bytes read so far, for the ratio cap. */
export interface ByteCounter {
  bytes: number;
}

export async function decompress(
  source: ByteSource,
  compressedRead: ByteCounter,
  options: { readonly uri: string; readonly contentEncoding?: string | undefined },
  limits: IngestLimits,
): Promise<Decompressed> {
  const layers: CompressionName[] = [];
  let current = source;
  for (;;) {
    const head = await current.peek(4);
    const codec = pickCodec(head, layers.length === 0 ? options.contentEncoding : undefined);
    if (!codec) break;
    if (layers.length === MAX_LAYERS) {
      throw new InputError(options.uri, 'byte 0', `more than ${MAX_LAYERS} nested compression layers`);
    }
    layers.push(codec.name);
    const label = layers.length === 1 ? codec.name : `${codec.name} layer ${layers.length}`;
    current = new ByteSource(inflate(current, codec, { uri: options.uri, label }));
  }
  const compressed = layers.length > 0;
  return { layers, bytes: new ByteSource(capped(current, compressedRead, options.uri, limits, compressed)) };
}

function pickCodec(head: Uint8Array, contentEncoding: string | undefined): Codec | undefined {
  if (gzip.matches(head)) return gzip;
  if (zstd.matches(head)) return zstd;
  if (declaresBrotli(contentEncoding)) return brotli;
  return undefined;
}

/** Stops a decompression bomb: absolute size, and ratio once enough has come out to judge. */
async function* capped(
  input: AsyncIterable<Uint8Array>,
  compressedRead: ByteCounter,
  uri: string,
  limits: IngestLimits,
  compressed: boolean,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of input) {
    total += chunk.length;
    if (total > limits.maxDecompressedBytes) {
      throw new InputError(
        uri,
        `decompressed byte ${limits.maxDecompressedBytes}`,
        `object exceeds maxDecompressedBytes (${limits.maxDecompressedBytes} bytes)` +
          (compressed ? '; treated as a decompression bomb' : ''),
      );
    }
    if (compressed && total > RATIO_CHECK_AFTER_BYTES) {
      const ratio = total / Math.max(1, compressedRead.bytes);
      if (ratio > limits.maxCompressionRatio) {
        throw new InputError(
          uri,
          `decompressed byte ${total} (compressed byte ${compressedRead.bytes})`,
          `compression ratio ${ratio.toFixed(0)}:1 exceeds maxCompressionRatio ` +
            `(${limits.maxCompressionRatio}:1); treated as a decompression bomb`,
        );
      }
    }
    yield chunk;
  }
}
