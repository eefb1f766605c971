/**
 * Runs one codec over a byte stream, member after member (concatenated gzip members, zstd
 * frames), with backpressure: the next compressed piece is written only after the consumer took
 * the output of the previous one. Anything after the last member that is not another member
 * (zero padding aside) is reported, never silently dropped.
 */
import type { Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import { InputError } from '../ingest-item.ts';
import type { Codec } from './codec.ts';

export interface InflateContext {
  readonly uri: string;
  /** e.g. `gzip` or `gzip layer 2`, for messages. */
  readonly label: string;
}

/** A gzip FEXTRA field can be 64 KiB; anything longer is not a header. */
const MAX_HEADER_BYTES = 70 * 1024;

type Phase = 'between' | 'header' | 'body' | 'trailer';

export async function* inflate(
  input: AsyncIterable<Uint8Array>,
  codec: Codec,
  context: InflateContext,
): AsyncGenerator<Uint8Array> {
  const fail = (at: number | string, reason: string) =>
    new InputError(context.uri, typeof at === 'number' ? `${context.label} byte ${at}` : at, reason);
  let phase: Phase = 'between';
  let offset = 0; // layer offset of the first byte of `data` below
  let members = 0;
  let member: Member | undefined;
  let zeroPadding = false;
  let carry: Buffer | undefined;

  try {
    for await (const chunk of input) {
      let data: Uint8Array = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = undefined;
      while (data.length > 0) {
        if (phase === 'between') {
          if (isAllZero(data)) {
            zeroPadding = true;
            offset += data.length;
            break;
          }
          if (data.length < codec.magicLength && !zeroPadding) {
            carry = Buffer.from(data);
            break;
          }
          if (zeroPadding || (members > 0 && !codec.matches(data))) {
            throw fail(offset, `data after the end of ${context.label} member ${members} is not ${codec.name} (first bytes ${hex(data.subarray(0, 4))})`);
          }
          members++;
          phase = 'header';
        }
        if (phase === 'header') {
          const header = codec.readHeader ? codec.readHeader(data) : 0;
          if (header === undefined) {
            if (data.length > MAX_HEADER_BYTES) throw fail(offset, `${codec.name} member ${members} header is not terminated`);
            carry = Buffer.from(data);
            break;
          }
          if (typeof header === 'object') throw fail(offset, `corrupt ${context.label} data: ${header.invalid}`);
          offset += header;
          data = data.subarray(header);
          member = new Member(codec, context, offset);
          phase = 'body';
          continue;
        }
        if (phase === 'body') {
          // Output is yielded as it comes, so what came out before a failure still counts.
          const { unconsumed, error } = yield* member!.write(data, offset);
          if (error) throw error;
          offset += data.length - unconsumed.length;
          data = unconsumed;
          if (member!.ended) phase = 'trailer';
          continue;
        }
        // phase === 'trailer'
        const length = codec.trailerLength ?? 0;
        if (data.length < length) {
          carry = Buffer.from(data);
          break;
        }
        const problem = codec.checkTrailer?.(data.subarray(0, length), member!.produced);
        if (problem) throw fail(offset, `corrupt ${context.label} member ${members}: ${problem}`);
        offset += length;
        data = data.subarray(length);
        phase = 'between';
      }
    }

    if (phase === 'body') {
      yield* member!.finish(offset);
      phase = 'trailer';
    }
    if (phase === 'trailer' && (codec.trailerLength ?? 0) > 0) {
      const have = carry?.length ?? 0;
      if (have < codec.trailerLength!) {
        throw fail(offset, `corrupt ${context.label} data: truncated: member ${members} ends without its ${codec.trailerLength}-byte trailer`);
      }
      const problem = codec.checkTrailer?.(carry!, member!.produced);
      if (problem) throw fail(offset, `corrupt ${context.label} member ${members}: ${problem}`);
      return;
    }
    if (phase === 'header') throw fail(offset, `corrupt ${context.label} data: truncated inside the header of member ${members}`);
    if (carry && !isAllZero(carry)) {
      throw fail(offset, `${carry.length} stray bytes after the end of ${context.label} member ${members} (${hex(carry)})`);
    }
  } finally {
    // A consumer that stops early (an error downstream) must not leave a zlib handle open.
    member?.close();
  }
}

/**
 * The body of one member (for zstd, possibly several frames: its decoder chains them). Output is
 * read in paused mode, so zlib's own backpressure holds: it stops inflating once 64 KiB wait
 * unread, and a bomb cannot fill memory inside one write.
 */
class Member {
  ended = false;
  readonly produced = { bytes: 0, crc32: 0 };
  readonly #stream: Transform;
  readonly #context: InflateContext;
  readonly #startOffset: number;
  readonly #wantsCrc: boolean;
  #error: Error | undefined;
  #written = 0;
  #signalled = false;
  #wake: (() => void) | undefined;

  constructor(codec: Codec, context: InflateContext, startOffset: number) {
    this.#context = context;
    this.#startOffset = startOffset;
    this.#wantsCrc = codec.wantsCrc32 === true;
    this.#stream = codec.createDecompressor();
    this.#stream.on('readable', () => this.#signal());
    this.#stream.on('end', () => {
      this.ended = true;
      this.#signal();
    });
    this.#stream.on('error', (error: Error) => {
      this.#error ??= error;
      this.#signal();
    });
  }

  /** Writes body bytes starting at layer offset `at`, yielding their output; returns the bytes
   *  past the body's end and the error that stopped it, if any. */
  async *write(data: Uint8Array, at: number): AsyncGenerator<Buffer, { unconsumed: Uint8Array; error?: InputError }> {
    this.#written += data.length;
    let written = false;
    this.#stream.write(data, () => {
      written = true;
      this.#signal();
    });
    yield* this.#pump(() => written);
    if (this.#error) return { unconsumed: data.subarray(data.length), error: this.#failure(at, at + data.length) };
    const unconsumed = this.#written - this.#engineRead();
    if (unconsumed > 0) {
      // The engine stopped inside these bytes: the body ended there.
      this.#written = this.#engineRead();
      this.#stream.end();
      yield* this.#pump(() => false);
      if (this.#error) return { unconsumed: data.subarray(data.length), error: this.#failure(at, at + data.length) };
    }
    return { unconsumed: data.subarray(data.length - unconsumed) };
  }

  /** The input ended: flush the decoder; a body cut short is an error. */
  async *finish(at: number): AsyncGenerator<Buffer> {
    if (!this.ended && !this.#error) {
      this.#stream.end();
      yield* this.#pump(() => false);
    }
    if (this.#error) throw this.#failure(at, at);
  }

  close(): void {
    this.#stream.destroy();
  }

  /** Yields output until `done()`, the end of the body, or an error. */
  async *#pump(done: () => boolean): AsyncGenerator<Buffer> {
    for (;;) {
      let chunk: Buffer | null;
      while ((chunk = this.#stream.read() as Buffer | null) !== null) {
        this.produced.bytes += chunk.length;
        if (this.#wantsCrc) this.produced.crc32 = crc32(chunk, this.produced.crc32);
        yield chunk;
      }
      if (this.#error || this.ended || done()) return;
      await this.#nextSignal();
    }
  }

  #signal(): void {
    this.#signalled = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves at the next stream event (or at once if one came since the last wait). */
  #nextSignal(): Promise<void> {
    if (this.#signalled) {
      this.#signalled = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#wake = () => {
        this.#signalled = false;
        resolve();
      };
    });
  }

  #engineRead(): number {
    return (this.#stream as Transform & { bytesWritten: number }).bytesWritten;
  }

  /** `from`..`to`: the compressed bytes being written when the error came, used when zlib cannot
   *  say how far it got. */
  #failure(from: number, to: number): InputError {
    const { uri, label } = this.#context;
    const reached = this.#startOffset + this.#engineRead();
    const location = reached <= from && to > from ? `${label} bytes ${from}-${to}` : `${label} byte ${reached}`;
    const message =
      this.#error?.message === 'unexpected end of file'
        ? 'truncated: the stream ends inside a compressed member'
        : (this.#error?.message ?? 'unknown error');
    return new InputError(uri, location, `corrupt ${label} data: ${message}`);
  }
}

function isAllZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').replace(/(..)(?=.)/g, '$1 ');
}
