/**
 * Texts formatted from short byte runs (GUIDs, SIDs, 64-bit hex values), kept by a hash of their
 * bytes: a log repeats the same few (its provider GUIDs, `S-1-5-18`, the Keywords masks) in every
 * record, and hashing and comparing 8-68 bytes costs less than formatting them again, with
 * no new string. Direct-mapped and fixed in size; a collision, crafted or not, is only a miss.
 */
export class FormattedCache {
  private readonly width: number;
  private readonly mask: number;
  private readonly texts: string[];
  /** Each slot's bytes (`width` apiece) and how many of them are used (0: empty). */
  private readonly keys: Uint8Array;
  private readonly lengths: Uint8Array;
  /** The slot the last `get` looked in, where `set` stores. */
  private slot = 0;

  /** `width`: the longest byte run cached (at most 255); `slots`: a power of two. */
  constructor(width: number, slots: number) {
    this.width = width;
    this.mask = slots - 1;
    this.texts = new Array<string>(slots).fill('');
    this.keys = new Uint8Array(width * slots);
    this.lengths = new Uint8Array(slots);
  }

  /** The text cached for `[start, start + length)`, or undefined (then `set` stores it). */
  get(bytes: Uint8Array, start: number, length: number): string | undefined {
    let hash = length;
    for (let i = start; i < start + length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const slot = (hash ^ (hash >>> 15)) & this.mask;
    this.slot = slot;
    if (this.lengths[slot] !== length) return undefined;
    const keys = this.keys;
    for (let i = 0, at = slot * this.width; i < length; i++, at++) if (keys[at] !== bytes[start + i]) return undefined;
    return this.texts[slot];
  }

  /** Stores `text` for the bytes the last `get` missed (runs longer than `width` are not kept). */
  set(bytes: Uint8Array, start: number, length: number, text: string): string {
    if (length > this.width) return text;
    const slot = this.slot;
    this.keys.set(bytes.subarray(start, start + length), slot * this.width);
    this.lengths[slot] = length;
    this.texts[slot] = text;
    return text;
  }
}
