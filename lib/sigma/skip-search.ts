/**
 * Does a text contain any of a set of case-folded needles? Wu-Manber's multi-pattern search with
 * two-character blocks: a window as long as the shortest needle slides over the text, and the
 * last two characters of the window say how far it may jump without passing over the start of a
 * needle. Where needles are long and rare (the keyword needles a Sysmon or Security event can
 * meet are "sekurlsa::", "kerberos::ptt" and the like) most windows jump the whole window length,
 * so far fewer characters are read than by the Aho-Corasick scan, which reads every one.
 *
 * Only a yes/no filter: the detector runs the full automaton on the rare text that says yes.
 */
import { anyInNumberText } from './aho-corasick.ts';
import { foldCode } from './case-fold.ts';

const HASH_BITS = 13;
const HASH_MASK = (1 << HASH_BITS) - 1;

function blockHash(first: number, second: number): number {
  return ((first << 6) ^ second) & HASH_MASK;
}

export class SkipSearch {
  /** The window: the shortest needle's length (Infinity with no needles: nothing can match). */
  readonly #window: number;
  /** Per block hash, how far the window may move when its last two characters hash there. */
  readonly #shift: Uint8Array;
  /** Per block hash, the needles whose window-long prefix ends with that block (CSR layout). */
  readonly #candidateStart: Int32Array;
  readonly #candidates: Int32Array;
  readonly #needles: readonly string[];
  /** Whether some needle could be part of a number's or boolean's text, so those are worth searching. */
  readonly canOccurInNumbers: boolean;

  /** `needles` folded (foldString), each at least two characters long. */
  constructor(needles: Iterable<string>) {
    const unique = [...new Set(needles)];
    if (unique.some((n) => n.length < 2)) throw new Error('SkipSearch needs needles of two characters or more');
    this.#needles = unique;
    this.canOccurInNumbers = anyInNumberText(unique);
    const window = unique.length === 0 ? Infinity : Math.min(...unique.map((n) => n.length));
    this.#window = window;
    // A window longer than 256 would overflow the shift table; shorter shifts stay correct.
    const cap = Number.isFinite(window) ? Math.min(window - 1, 255) : 0;
    this.#shift = new Uint8Array(HASH_MASK + 1).fill(cap);
    const lists: number[][] = Array.from({ length: HASH_MASK + 1 }, () => []);
    for (const [k, needle] of unique.entries()) {
      for (let end = 1; end < window; end++) {
        const h = blockHash(needle.charCodeAt(end - 1), needle.charCodeAt(end));
        this.#shift[h] = Math.min(this.#shift[h]!, window - 1 - end);
      }
      lists[blockHash(needle.charCodeAt(window - 2), needle.charCodeAt(window - 1))]!.push(k);
    }
    this.#candidateStart = new Int32Array(HASH_MASK + 2);
    let total = 0;
    for (let h = 0; h <= HASH_MASK; h++) {
      this.#candidateStart[h] = total;
      total += lists[h]!.length;
    }
    this.#candidateStart[HASH_MASK + 1] = total;
    this.#candidates = Int32Array.from(lists.flat());
  }

  /** Whether some needle occurs in `text`, compared case-folded. */
  containsAny(text: string): boolean {
    const window = this.#window;
    const length = text.length;
    if (length < window) return false;
    const shift = this.#shift;
    for (let end = window - 1; end < length; ) {
      const h = blockHash(foldCode(text.charCodeAt(end - 1)), foldCode(text.charCodeAt(end)));
      const jump = shift[h]!;
      if (jump !== 0) {
        end += jump;
        continue;
      }
      if (this.#anyAt(text, end - window + 1, h)) return true;
      end++;
    }
    return false;
  }

  /** Whether a candidate of block `h` occurs in `text` at `start`. */
  #anyAt(text: string, start: number, h: number): boolean {
    const to = this.#candidateStart[h + 1]!;
    for (let c = this.#candidateStart[h]!; c < to; c++) {
      const needle = this.#needles[this.#candidates[c]!]!;
      if (start + needle.length > text.length) continue;
      let k = 0;
      while (k < needle.length && foldCode(text.charCodeAt(start + k)) === needle.charCodeAt(k)) k++;
      if (k === needle.length) return true;
    }
    return false;
  }
}
