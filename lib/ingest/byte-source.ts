/**
 * An async stream of byte chunks that can be peeked at: format detection looks at the first
 * bytes, then the whole stream (peeked bytes included) flows on without being copied.
 */
export class ByteSource implements AsyncIterable<Uint8Array> {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #done = false;
  #consumed = false;
  #failure: { error: unknown } | undefined;
  #closed = false;

  constructor(input: AsyncIterable<Uint8Array>) {
    this.#iterator = input[Symbol.asyncIterator]();
  }

  /** Up to `n` first bytes (fewer only at end of stream). Does not consume them. */
  async peek(n: number): Promise<Uint8Array> {
    while (this.#pendingBytes < n && !this.#done) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await this.#iterator.next();
      } catch (error) {
        // Keep the bytes before a failure usable: the error surfaces when iteration reaches it.
        this.#failure = { error };
        this.#done = true;
        break;
      }
      if (next.done) {
        this.#done = true;
        break;
      }
      if (next.value.length === 0) continue;
      this.#pending.push(next.value);
      this.#pendingBytes += next.value.length;
    }
    const head = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    if (this.#pending.length > 1) this.#pending = [head];
    return head.subarray(0, n);
  }

  /** Throws the error that stopped a peek early, if any (when the peeked bytes are unusable). */
  throwIfPeekFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#consumed) throw new Error('ByteSource can be iterated once');
    this.#consumed = true;
    const pending = this.#pending;
    this.#pending = [];
    try {
      for (const chunk of pending) yield chunk;
      if (this.#failure) throw this.#failure.error;
      if (this.#done) return;
      for (;;) {
        const next = await this.#iterator.next();
        if (next.done) return;
        if (next.value.length > 0) yield next.value;
      }
    } finally {
      // Stopping early (an error or a consumer that has seen enough) must release the
      // underlying S3 stream or file, even while peeked bytes were still being handed out.
      await this.close();
    }
  }

  /** Releases the underlying stream; for an object given up after peeking. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#done = true;
    await this.#iterator.return?.();
  }
}

/** Bytes as a Buffer view, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
