/**
 * Aho-Corasick over case-folded UTF-16 code units: one pass over a field value finds every
 * needle of every rule that reads that field. Results are stamped with the current event's
 * epoch in typed arrays, so scanning allocates nothing and needs no clearing between events.
 * Transitions live in flat sorted arrays, with dense rows for the busiest states (see #dense).
 */
import { foldCode } from './case-fold.ts';
import type { SkipSearch } from './skip-search.ts';

/** Where a needle was seen in a value: 0 anywhere, 1 at the start, 2 at the end, 3 as the whole value. */
export type ScanMode = 0 | 1 | 2 | 3;

/**
 * Table entries (4 bytes each) for the dense rows of the busiest states. A row has one entry
 * per ASCII character class (the ASCII characters the needles use, plus one for all others),
 * so an automaton with a small alphabet gets rows for many more states. At most 1 MiB per
 * automaton: deep states of the big CommandLine/Image automata fall back to the sparse edges
 * often, and 4x the rows made corpus matching about 40% faster for ~15 MB more RSS.
 */
const DENSE_ENTRIES = 1 << 18;

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
  /** Root transitions on non-ASCII code units (ASCII ones are in the root's dense row; a full 64K table per field costs 256 KB). */
  #rootOther = new Map<number, number>();
  #edgeStart = new Int32Array(0);
  #edgeCode = new Uint16Array(0);
  #edgeTarget = new Int32Array(0);
  #fail = new Int32Array(0);
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
   * one read instead of one per needle. Registered after `build`, flattened on the next scan.
   */
  gateSeen = new Int32Array(0);
  #pendingGates: Array<number[] | undefined> = [];
  #gatesDirty = false;
  #gateStart = new Int32Array(1);
  #gateIds = new Int32Array(0);

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
    // The trie as typed-array sibling lists (no per-state objects: large rule sets have
    // hundreds of thousands of states), then flattened into sorted edge arrays.
    const capacity = this.#needles.reduce((sum, n) => sum + n.length, 0) + 1;
    let firstChild = new Int32Array(capacity).fill(-1);
    let nextSibling = new Int32Array(capacity).fill(-1);
    let codeOf = new Uint16Array(capacity);
    let ending = new Int32Array(capacity).fill(-1);
    const root = new Int32Array(0x10000);
    let count = 1;
    const child = (state: number, code: number): number => {
      if (state === 0) return root[code]! === 0 ? -1 : root[code]!;
      for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) if (codeOf[c] === code) return c;
      return -1;
    };
    for (const [id, needle] of this.#needles.entries()) {
      let state = 0;
      for (let i = 0; i < needle.length; i++) {
        const code = needle.charCodeAt(i);
        let next = child(state, code);
        if (next === -1) {
          next = count++;
          codeOf[next] = code;
          if (state === 0) root[code] = next;
          nextSibling[next] = firstChild[state]!;
          firstChild[state] = next;
        }
        state = next;
      }
      ending[state] = id;
    }
    // Failure links and dictionary links (the nearest shorter suffix state that ends a needle), breadth first.
    let fail = new Int32Array(count);
    let dictionary = new Int32Array(count).fill(-1);
    const queue = new Int32Array(count);
    let tail = 0;
    for (let c = firstChild[0]!; c !== -1; c = nextSibling[c]!) queue[tail++] = c;
    for (let head = 0; head < tail; head++) {
      const state = queue[head]!;
      for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) {
        const code = codeOf[c]!;
        let f = fail[state]!;
        let target = child(f, code);
        while (target === -1 && f !== 0) {
          f = fail[f]!;
          target = child(f, code);
        }
        fail[c] = target === -1 ? 0 : target;
        const suffix = fail[c]!;
        dictionary[c] = ending[suffix]! !== -1 ? suffix : dictionary[suffix]!;
        queue[tail++] = c;
      }
    }
    // Number the states so those with dense rows are 0..n-1 (found without an index table).
    // Dense rows are few: they go to the root and then to the states the most needles pass
    // through (a rule set's common prefixes, like `c:\windows\system32\`, where a scan of a path
    // spends its steps), then breadth first among equals. Those states are numbered first.
    const classCode = this.#classCodes();
    const denseCount = Math.max(1, Math.min(count, Math.floor(DENSE_ENTRIES / classCode.length)));
    const through = new Int32Array(count);
    for (let k = tail - 1; k >= 0; k--) {
      const state = queue[k]!;
      let sum = ending[state]! !== -1 ? 1 : 0;
      for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) sum += through[c]!;
      through[state] = sum;
    }
    const byPriority = Array.from(queue.subarray(0, tail)).sort((a, b) => through[b]! - through[a]!);
    const isDense = new Uint8Array(count);
    isDense[0] = 1;
    for (let k = 0; k < denseCount - 1; k++) isDense[byPriority[k]!] = 1;
    const stateId = new Int32Array(count);
    let nextDense = 1;
    let nextSparse = denseCount;
    for (let k = 0; k < tail; k++) stateId[queue[k]!] = isDense[queue[k]!] ? nextDense++ : nextSparse++;
    // Build order for the dense rows: breadth first, so a state's failure state (shallower) comes first.
    const bfsOrder = Int32Array.from([0, ...Array.from(queue.subarray(0, tail), (s) => stateId[s]!)]);
    const renumber = (ids: Int32Array): Int32Array<ArrayBuffer> => {
      const out = new Int32Array(count);
      for (let s = 0; s < count; s++) out[stateId[s]!] = ids[s]! === -1 ? -1 : stateId[ids[s]!]!;
      return out;
    };
    const renumberValues = <T extends Int32Array | Uint16Array>(values: T, out: T): T => {
      for (let s = 0; s < count; s++) out[stateId[s]!] = values[s]!;
      return out;
    };
    firstChild = renumber(firstChild);
    nextSibling = renumber(nextSibling);
    codeOf = renumberValues(codeOf, new Uint16Array(count));
    ending = renumberValues(ending, new Int32Array(count));
    fail = renumber(fail);
    dictionary = renumber(dictionary);
    for (let code = 0; code < root.length; code++) if (root[code]! !== 0) root[code] = stateId[root[code]!]!;
    this.#fail = fail;
    this.#rootOther = new Map();
    for (let c = firstChild[0]!; c !== -1; c = nextSibling[c]!) if (codeOf[c]! >= 128) this.#rootOther.set(codeOf[c]!, c);
    this.#ending = ending.slice(0, count);
    this.#dictionary = dictionary;
    this.#edgeStart = new Int32Array(count + 1);
    let total = 0;
    for (let state = 0; state < count; state++) {
      this.#edgeStart[state] = total;
      for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) total++;
    }
    this.#edgeStart[count] = total;
    this.#edgeCode = new Uint16Array(total);
    this.#edgeTarget = new Int32Array(total);
    for (let state = 0; state < count; state++) {
      const from = this.#edgeStart[state]!;
      let at = from;
      for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) {
        // Insertion sort by code: sibling lists are short.
        let k = at++;
        while (k > from && this.#edgeCode[k - 1]! > codeOf[c]!) {
          this.#edgeCode[k] = this.#edgeCode[k - 1]!;
          this.#edgeTarget[k] = this.#edgeTarget[k - 1]!;
          k--;
        }
        this.#edgeCode[k] = codeOf[c]!;
        this.#edgeTarget[k] = c;
      }
    }
    this.#report = Int32Array.from(this.#ending, (id, state) => (id !== -1 ? state : dictionary[state]!));
    this.#buildDense(classCode, denseCount, bfsOrder);
    this.#lengths = Int32Array.from(this.#needles, (n) => n.length);
    // With no needles nothing can be seen (a small integer keeps the field's representation an int).
    this.#shortest = this.#needles.reduce((min, n) => Math.min(min, n.length), 0x3fffffff);
    this.#scansNumbers = anyInNumberText(this.#needles);
    const n = this.#needles.length;
    this.#seenAnywhere = new Int32Array(n).fill(-1);
    this.#seenAtStart = new Int32Array(n).fill(-1);
    this.#seenAtEnd = new Int32Array(n).fill(-1);
    this.#seenWhole = new Int32Array(n).fill(-1);
  }

  /** `mode` 0 contains, 1 startswith, 2 endswith, 3 equals: a sighting of `id` that way stamps `gate`. */
  addGate(id: number, mode: ScanMode, gate: number): void {
    const key = id * 4 + mode;
    const list = this.#pendingGates[key];
    if (list) list.push(gate);
    else this.#pendingGates[key] = [gate];
    this.#gatesDirty = true;
    // A gate added after this event's scan (explain compiles lazily) must see it: scan again.
    this.#scannedEpoch = -1;
  }

  #flattenGates(): void {
    this.#gatesDirty = false;
    const keys = this.#needles.length * 4;
    this.#gateStart = new Int32Array(keys + 1);
    let total = 0;
    for (let k = 0; k < keys; k++) {
      this.#gateStart[k] = total;
      total += this.#pendingGates[k]?.length ?? 0;
    }
    this.#gateStart[keys] = total;
    this.#gateIds = new Int32Array(total);
    for (let k = 0; k < keys; k++) this.#gateIds.set(this.#pendingGates[k] ?? [], this.#gateStart[k]!);
  }

  #openGates(key: number, epoch: number): void {
    const to = this.#gateStart[key + 1]!;
    for (let j = this.#gateStart[key]!; j < to; j++) this.gateSeen[this.#gateIds[j]!] = epoch;
  }

  /** Class 0, then each ASCII character the needles use (folded): the columns of a dense row. */
  #classCodes(): number[] {
    const codes: number[] = [-1];
    const seen = new Set<number>();
    for (const needle of this.#needles) {
      for (let i = 0; i < needle.length; i++) {
        const code = needle.charCodeAt(i);
        if (code < 128 && !seen.has(code)) {
          seen.add(code);
          codes.push(code);
        }
      }
    }
    return codes;
  }

  /**
   * Dense rows for states 0..states-1 (chosen and numbered in build), one entry per class of
   * `classCode`; `bfsOrder` lists every state breadth first.
   */
  #buildDense(classCode: readonly number[], states: number, bfsOrder: Int32Array): void {
    // Class 0: ASCII characters no needle uses (from any state they lead back to the root).
    this.#asciiClass = new Uint8Array(128);
    for (const [k, code] of classCode.entries()) if (k > 0) this.#asciiClass[code] = k;
    // Raw ASCII folds to ASCII: upper case shares the class of its lower case.
    for (let code = 0; code < 128; code++) this.#asciiClass[code] = this.#asciiClass[foldCode(code)]!;
    const width = classCode.length;
    this.#classes = width;
    this.#denseStates = states;
    this.#dense = new Int32Array(states * width);
    // Breadth first, so a failure state (shallower) has its row, if it has one, before it is read.
    for (const state of bfsOrder) {
      if (state >= states) continue;
      const row = state * width;
      const fail = this.#fail[state]!;
      for (let k = 1; k < width; k++) {
        const child = this.#child(state, classCode[k]!);
        // The failure state is shallower, so its row (if it has one) is complete: #next reads it.
        const target = child !== -1 ? child : state === 0 ? 0 : this.#next(fail, classCode[k]!);
        // A target that reports a needle is stored complemented (negative): the scan learns it
        // from the entry it already read, instead of a second random read of #report.
        this.#dense[row + k] = this.#report[target] !== -1 ? ~target : target;
      }
    }
  }

  /** The trie child of `state` on `code` (not following failure links), or -1. */
  #child(state: number, code: number): number {
    const to = this.#edgeStart[state + 1]!;
    for (let i = this.#edgeStart[state]!; i < to; i++) if (this.#edgeCode[i] === code) return this.#edgeTarget[i]!;
    return -1;
  }

  /** Forgets every stamp (epoch wrap-around). */
  reset(): void {
    this.#seenAnywhere.fill(-1);
    this.#seenAtStart.fill(-1);
    this.#seenAtEnd.fill(-1);
    this.#seenWhole.fill(-1);
    this.#scannedEpoch = -1;
  }

  /** The transition from `state` on a folded `code` by the sorted edges and failure links. */
  #next(state: number, code: number): number {
    for (;;) {
      // A failure link usually lands in a shallow state: its dense row resolves the rest at once.
      if (code < 128 && state < this.#denseStates) {
        const entry = this.#dense[state * this.#classes + this.#asciiClass[code]!]!;
        return entry < 0 ? ~entry : entry;
      }
      if (state === 0) return this.#rootOther.get(code) ?? 0;
      const from = this.#edgeStart[state]!;
      const to = this.#edgeStart[state + 1]!;
      for (let i = from; i < to; i++) {
        const c = this.#edgeCode[i]!;
        if (c === code) return this.#edgeTarget[i]!;
        if (c > code) break;
      }
      state = this.#fail[state]!;
    }
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
        state = this.#next(state, foldCode(code));
        if (report[state] === -1) continue;
      }
      this.#sighted(report[state]!, i, last, epoch);
    }
  }

  /** Stamps every needle ending at text index `i`: `at` is the first state of the dictionary chain that ends one. */
  #sighted(at: number, i: number, last: number, epoch: number): void {
    const gated = this.#gateIds.length > 0;
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
    if (this.#gatesDirty) this.#flattenGates();
    this.#scanLeaves(value, epoch);
  }

  /** Scans every value of the event once per epoch (keyword searches). */
  scanAllValues(fields: Readonly<Record<string, unknown>>, epoch: number): void {
    if (this.#scannedEpoch === epoch) return;
    this.#scannedEpoch = epoch;
    if (this.#gatesDirty) this.#flattenGates();
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
