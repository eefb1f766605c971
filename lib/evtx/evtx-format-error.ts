/**
 * A structural fault inside one chunk, with the chunk-relative byte offset where it was found.
 * The chunk reader turns it into an `InputError` naming the file, chunk and record; it never
 * escapes `readEvtx`.
 */
export class EvtxFormatError extends Error {
  /** Offset of the fault from the start of its chunk. */
  readonly offset: number;

  constructor(offset: number, reason: string) {
    super(reason);
    this.name = 'EvtxFormatError';
    this.offset = offset;
  }
}

/**
 * Throws unless `[start, start + length)` lies inside a buffer of `limit` bytes. `what` should be
 * a constant: this runs for every value of every record.
 */
export function need(start: number, length: number, limit: number, what: string): void {
  if (start < 0 || length < 0 || start + length > limit) {
    throw new EvtxFormatError(start, `${what} (${length} bytes) runs past the end of its data at 0x${limit.toString(16)}`);
  }
}
