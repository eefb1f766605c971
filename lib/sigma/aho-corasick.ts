/**
 * Aho-Corasick over case-folded UTF-16 code units: one pass over a field value finds every
 * needle of every rule that reads that field. Results are stamped with the current event's
 * epoch in typed arrays, so scanning allocates nothing and needs no clearing between events.
 * Transitions live in flat sorted arrays, with dense rows for the busiest states (see #dense).
 */
import { foldCode } from './case-fold.ts';
import { buildTables, nextState, type AutomatonTables } from './aho-corasick-build.ts';
import type { SkipSearch } from './skip-search.ts';

/** Where a needle was seen in a value: 0 anywhere, 1 at the start, 2 at the end, 3 as the whole value. */
export type ScanMode = 0 | 1 | 2 | 3;

/**
 * Table entries (4 bytes each) for the dense rows of the busiest states. A row has one entry
 * per ASCII character class (the ASCII characters the needles use, plus one for all others),
 * so an automaton with a small alphabet gets rows for many more states. At most 256 KiB per
 * automaton: deep states of the big CommandLine/Image automata fall back to the sparse edges.
 * 2^18 entries (1 MiB) matched the SigmaHQ pack over the NXLog corpus no faster in alternated
 * runs (issue 18, twice) and held 21 MB of tables against 8 MB.
 */
const DENSE_ENTRIES = 1 << 16;

/** Every folded character of `String(x)` for a number or boolean: digits, sign, point, exponent, Infinity, NaN, true, false. */
const NUMBER_TEXT_CHARS = '0123456789+-.einftyaruls';

/** Whether some folded needle could be part of a number or boolean written as text. */
export function anyInNumberText(needles: readonly string[]): boolean {
  return needles.some((n) => [...n].every((c) => NUMBER_TEXT_CHARS.includes(c)));
}

export class AhoCorasick {
  readonly #needles: string[] = [];
  readonly #ids = new Map<string, number>();
  #lengths = new Int32Array(0);
  /** A text shorter than the shortest needle holds none: it is not walked. */
  #shortest = 0;
  /** Whether some needle could occur in a number or boolean written as text; if none can, they are not walked. */
  #scansNumbers = true;
  /** Every table of the built automaton (the fields below are its hot ones, read directly by the scan). */
  #tables: AutomatonTables | undefined;
  /** Per state: the needle ending there (-1 if none), and the next suffix state that ends one. */
  #ending = new Int32Array(0);
  #dictionary = new Int32Array(0);
  /** Per state: the first state on its dictionary chain that ends a needle (itself or a suffix), or -1. */
  #report = new Int32Array(0);
  /**
   * Fully resolved ASCII transitions (failure links already followed) for states 0..#denseStates-1
   * (the root and the states most needles pass through, numbered first), where a scan spends
   * most of its steps: `#dense[state * #classes + #asciiClass[code]]`, complemented (~state) when the
   * target reports a needle. Other states and non-ASCII code units fall back to the sorted edges.
   */
  #asciiClass = new Uint8Array(128);
  #classes = 1;
  #denseStates = 0;
  #dense = new Int32Array(0);
  /** Per needle: the epoch in which it was seen anywhere / at the start / at the end of a value. */
  #seenAnywhere = new Int32Array(0);
  #seenAtStart = new Int32Array(0);
  #seenAtEnd = new Int32Array(0);
  /** ... and as the whole of a value (equality). */
  #seenWhole = new Int32Array(0);
  #scannedEpoch = -1;
  /**
   * When set, a text is scanned only if it holds one of these needles: the caller vouches that
   * no other needle's sighting will be read this epoch (see FieldScanners.nextEvent).
   */
  #wanted: SkipSearch | undefined;
  /**
   * Gates (field-scanners.ts): per needle and mode (contains, at start, at end), the gate ids a
   * sighting opens, stamped into `gateSeen`. Lets a rule ask "did any of my needles hit?" in
   * one read instead of one per needle. Registered after `build`, as a linked list per key
   * (needle id x 4 + mode) in typed arrays: each channel's rules add theirs lazily, ~800 times in
   * a SigmaHQ scan, and rebuilding a flat table each time (first per-key JS lists, then a
   * counting sort) cost 5%, then 1-2%, of the whole scan in allocation and GC.
   */
  gateSeen = new Int32Array(0);
  /** Per key: the last link added for it, or -1. */
  #gateHead = new Int32Array(0);
  /** Per link: the gate it opens, and the key's link added before it (-1: none). */
  #gateOf = new Int32Array(64);
  #gateNext = new Int32Array(64);
  #gateLinks = 0;

  /** Registers a folded needle; returns its id. Call before `build`. */
  add(needle: string): number {
    const known = this.#ids.get(needle);
    if (known !== undefined) return known;
    const id = this.#needles.length;
    this.#needles.push(needle);
    this.#ids.set(needle, id);
    return id;
  }

  /** The id of a needle registered before `build`, if it was. */
  idOf(needle: string): number | undefined {
    return this.#ids.get(needle);
  }

  get size(): number {
    return this.#needles.length;
  }

  build(): void {
    const t = buildTables(this.#needles, DENSE_ENTRIES);
    this.#tables = t;
    this.#ending = t.ending;
    this.#dictionary = t.dictionary;
    this.#report = t.report;
    this.#asciiClass = t.asciiClass;
    this.#classes = t.classes;
    this.#denseStates = t.denseStates;
    this.#dense = t.dense;
    this.#lengths = Int32Array.from(this.#needles, (n) => n.length);
    // With no needles nothing can be seen (a small integer keeps the field's representation an int).
    this.#shortest = this.#needles.reduce((min, n) => Math.min(min, n.length), 0x3fffffff);
    this.#scansNumbers = anyInNumberText(this.#needles);
    const n = this.#needles.length;
    this.#seenAnywhere = new Int32Array(n).fill(-1);
    this.#seenAtStart = new Int32Array(n).fill(-1);
    this.#seenAtEnd = new Int32Array(n).fill(-1);
    this.#seenWhole = new Int32Array(n).fill(-1);
    this.#gateHead = new Int32Array(n * 4).fill(-1);
  }

  /** `mode` 0 contains, 1 startswith, 2 endswith, 3 equals: a sighting of `id` that way stamps `gate`. */
  addGate(id: number, mode: ScanMode, gate: number): void {
    const key = id * 4 + mode;
    // A typed array ignores a write past its end: a gate lost that way would skip its rule.
    if (!(key >= 0 && key < this.#gateHead.length)) throw new RangeError(`gate for needle ${id} of ${this.#needles.length}: call build() first`);
    if (this.#gateLinks === this.#gateOf.length) {
      this.#gateOf = grown(this.#gateOf);
      this.#gateNext = grown(this.#gateNext);
    }
    const link = this.#gateLinks++;
    this.#gateOf[link] = gate;
    this.#gateNext[link] = this.#gateHead[key]!;
    this.#gateHead[key] = link;
    // A gate added after this event's scan (explain compiles lazily) must see it: scan again.
    this.#scannedEpoch = -1;
  }

  #openGates(key: number, epoch: number): void {
    for (let j = this.#gateHead[key]!; j >= 0; j = this.#gateNext[j]!) this.gateSeen[this.#gateOf[j]!] = epoch;
  }

  /** Forgets every stamp (epoch wrap-around). */
  reset(): void {
    this.#seenAnywhere.fill(-1);
    this.#seenAtStart.fill(-1);
    this.#seenAtEnd.fill(-1);
    this.#seenWhole.fill(-1);
    this.#scannedEpoch = -1;
  }

  /** Scans one text (a leaf of the field value) and stamps every needle found. */
  #scanText(text: string, epoch: number): void {
    let state = 0;
    const last = text.length - 1;
    const asciiClass = this.#asciiClass;
    const width = this.#classes;
    const denseStates = this.#denseStates;
    const dense = this.#dense;
    const report = this.#report;
    for (let i = 0; i <= last; i++) {
      const code = text.charCodeAt(i);
      if (code < 128 && state < denseStates) {
        const next = dense[state * width + asciiClass[code]!]!;
        if (next >= 0) {
          state = next;
          continue;
        }
        state = ~next;
      } else {
        state = nextState(this.#tables!, dense, width, denseStates, state, foldCode(code));
        if (report[state] === -1) continue;
      }
      this.#sighted(report[state]!, i, last, epoch);
    }
  }

  /** Stamps every needle ending at text index `i`: `at` is the first state of the dictionary chain that ends one. */
  #sighted(at: number, i: number, last: number, epoch: number): void {
    const gated = this.#gateLinks > 0;
    for (; at !== -1; at = this.#dictionary[at]!) {
      const id = this.#ending[at]!;
      this.#seenAnywhere[id] = epoch;
      if (gated) this.#openGates(id * 4, epoch);
      const atStart = i + 1 === this.#lengths[id];
      if (atStart) {
        this.#seenAtStart[id] = epoch;
        if (gated) this.#openGates(id * 4 + 1, epoch);
      }
      if (i === last) {
        this.#seenAtEnd[id] = epoch;
        if (gated) this.#openGates(id * 4 + 2, epoch);
        if (atStart) {
          this.#seenWhole[id] = epoch;
          if (gated) this.#openGates(id * 4 + 3, epoch);
        }
      }
    }
  }

  /** Until the next call, scan only texts that hold one of `wanted`'s needles (undefined: all texts). */
  onlyScanFor(wanted: SkipSearch | undefined): void {
    if (wanted === this.#wanted) return;
    this.#wanted = wanted;
    this.#scannedEpoch = -1;
  }

  /** Scans a field value (every string/number/boolean leaf) once per epoch. */
  scanValue(value: unknown, epoch: number): void {
    if (this.#scannedEpoch === epoch) return;
    this.#scannedEpoch = epoch;
    this.#scanLeaves(value, epoch);
  }

  /** Scans every value of the event once per epoch (keyword searches). */
  scanAllValues(fields: Readonly<Record<string, unknown>>, epoch: number): void {
    if (this.#scannedEpoch === epoch) return;
    this.#scannedEpoch = epoch;
    for (const key in fields) this.#scanLeaves(fields[key], epoch);
  }

  #scanLeaves(value: unknown, epoch: number): void {
    if (typeof value === 'string') {
      if (value.length >= this.#shortest && (this.#wanted === undefined || this.#wanted.containsAny(value))) this.#scanText(value, epoch);
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      if (this.#wanted === undefined ? this.#scansNumbers : this.#wanted.canOccurInNumbers) {
        const text = String(value);
        if (this.#wanted === undefined || this.#wanted.containsAny(text)) this.#scanText(text, epoch);
      }
    }
    else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) this.#scanLeaves(value[i], epoch);
    else if (value !== null && typeof value === 'object') for (const key in value) this.#scanLeaves((value as Record<string, unknown>)[key], epoch);
  }

  seenAnywhere(id: number, epoch: number): boolean {
    return this.#seenAnywhere[id] === epoch;
  }

  seenAtStart(id: number, epoch: number): boolean {
    return this.#seenAtStart[id] === epoch;
  }

  seenAtEnd(id: number, epoch: number): boolean {
    return this.#seenAtEnd[id] === epoch;
  }

  seenWhole(id: number, epoch: number): boolean {
    return this.#seenWhole[id] === epoch;
  }
}

function grown(links: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const more = new Int32Array(links.length * 2);
  more.set(links);
  return more;
}
