/**
 * Undo whatever compression an object carries, decided by magic bytes (not key suffix or
 * Content-Type), layer after layer: Firehose over CloudWatch Logs gzips twice.
 */
import { ByteSource } from '../byte-source.ts';
import { checkDeadline, type Deadline } from '../deadline.ts';
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
  options: { readonly uri: string; readonly contentEncoding?: string | undefined; readonly deadline?: Deadline | undefined },
  limits: IngestLimits,
): Promise<Decompressed> {
  const layers: CompressionName[] = [];
  const meter = new DecompressionMeter(compressedRead, options.uri, limits, options.deadline);
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
    // Each layer's output is counted as it comes out, before the next layer sees it: an inner
    // layer drops zero padding between members, so counting only the last layer's output would
    // let gigabytes of padding through uncounted.
    current = new ByteSource(meter.count(inflate(current, codec, { uri: options.uri, label }), true));
  }
  // An uncompressed object is counted too (the size cap and the deadline apply to it).
  const bytes = layers.length > 0 ? current : new ByteSource(meter.count(current, false));
  return { layers, bytes };
}

function pickCodec(head: Uint8Array, contentEncoding: string | undefined): Codec | undefined {
  return codecByMagic(head) ?? (declaresBrotli(contentEncoding) ? brotli : undefined);
}

/** The codec whose magic bytes `head` starts with (gzip, zstd; brotli has none), if any. */
export function codecByMagic(head: Uint8Array): Codec | undefined {
  if (gzip.matches(head)) return gzip;
  if (zstd.matches(head)) return zstd;
  return undefined;
}

/**
 * Stops a decompression bomb: every byte any layer puts out counts towards one total, capped in
 * absolute size and, once enough has come out to judge, in ratio to the compressed bytes read.
 * It also asks the deadline per chunk: a bomb made of padding yields no record to stop at.
 */
class DecompressionMeter {
  #total = 0;
  readonly #compressedRead: ByteCounter;
  readonly #uri: string;
  readonly #limits: IngestLimits;
  readonly #deadline: Deadline | undefined;

  constructor(compressedRead: ByteCounter, uri: string, limits: IngestLimits, deadline: Deadline | undefined) {
    this.#compressedRead = compressedRead;
    this.#uri = uri;
    this.#limits = limits;
    this.#deadline = deadline;
  }

  async *count(input: AsyncIterable<Uint8Array>, compressed: boolean): AsyncGenerator<Uint8Array> {
    const limits = this.#limits;
    for await (const chunk of input) {
      this.#total += chunk.length;
      const total = this.#total;
      checkDeadline(this.#deadline, this.#uri, () => `decompressed byte ${total}`);
      if (total > limits.maxDecompressedBytes) {
        throw new InputError(
          this.#uri,
          `decompressed byte ${limits.maxDecompressedBytes}`,
          `object exceeds maxDecompressedBytes (${limits.maxDecompressedBytes} bytes)` +
            (compressed ? '; treated as a decompression bomb' : ''),
        );
      }
      if (compressed && total > RATIO_CHECK_AFTER_BYTES) {
        const read = this.#compressedRead.bytes;
        const ratio = total / Math.max(1, read);
        if (ratio > limits.maxCompressionRatio) {
          throw new InputError(
            this.#uri,
            `decompressed byte ${total} (compressed byte ${read})`,
            `compression ratio ${ratio.toFixed(0)}:1 exceeds maxCompressionRatio ` +
              `(${limits.maxCompressionRatio}:1); treated as a decompression bomb (every layer's output counted)`,
          );
        }
      }
      yield chunk;
    }
  }
}
