/**
 * Aho-Corasick over case-folded UTF-16 code units: one pass over a field value finds every
 * needle of every rule that reads that field. Results are stamped with the current event's
 * epoch in typed arrays, so scanning allocates nothing and needs no clearing between events.
 * Transitions live in flat sorted arrays (the root in a dense table) to keep memory small.
 */
import { foldCode } from './case-fold.ts';

export class AhoCorasick {
  readonly #needles: string[] = [];
  readonly #ids = new Map<string, number>();
  #lengths = new Int32Array(0);
  #root = new Int32Array(0);
  #edgeStart = new Int32Array(0);
  #edgeCode = new Uint16Array(0);
  #edgeTarget = new Int32Array(0);
  #fail = new Int32Array(0);
  #outStart = new Int32Array(0);
  #outIds = new Int32Array(0);
  /** Per needle: the epoch in which it was seen anywhere / at the start / at the end of a value. */
  #seenAnywhere = new Int32Array(0);
  #seenAtStart = new Int32Array(0);
  #seenAtEnd = new Int32Array(0);
  #scannedEpoch = -1;

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
    // A trie with Map edges first; flattened below.
    const edges: Array<Map<number, number>> = [new Map()];
    const ends: number[][] = [[]];
    for (const [id, needle] of this.#needles.entries()) {
      let state = 0;
      for (let i = 0; i < needle.length; i++) {
        const code = needle.charCodeAt(i);
        let next = edges[state]!.get(code);
        if (next === undefined) {
          next = edges.length;
          edges.push(new Map());
          ends.push([]);
          edges[state]!.set(code, next);
        }
        state = next;
      }
      ends[state]!.push(id);
    }
    const count = edges.length;
    const fail = new Int32Array(count);
    const outputs: number[][] = ends.map((e) => [...e]);
    const queue: number[] = [];
    for (const child of edges[0]!.values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [code, child] of edges[state]!) {
        let f = fail[state]!;
        while (f !== 0 && !edges[f]!.has(code)) f = fail[f]!;
        const target = edges[f]!.get(code);
        fail[child] = target !== undefined && target !== child ? target : 0;
        outputs[child]!.push(...outputs[fail[child]!]!);
        queue.push(child);
      }
    }
    this.#fail = fail;
    this.#root = new Int32Array(0x10000);
    for (const [code, child] of edges[0]!) this.#root[code] = child;
    this.#edgeStart = new Int32Array(count + 1);
    let total = 0;
    for (let s = 0; s < count; s++) {
      this.#edgeStart[s] = total;
      total += edges[s]!.size;
    }
    this.#edgeStart[count] = total;
    this.#edgeCode = new Uint16Array(total);
    this.#edgeTarget = new Int32Array(total);
    for (let s = 0; s < count; s++) {
      const sorted = [...edges[s]!].sort((a, b) => a[0] - b[0]);
      let at = this.#edgeStart[s]!;
      for (const [code, target] of sorted) {
        this.#edgeCode[at] = code;
        this.#edgeTarget[at++] = target;
      }
    }
    this.#outStart = new Int32Array(count + 1);
    let outTotal = 0;
    for (let s = 0; s < count; s++) {
      this.#outStart[s] = outTotal;
      outTotal += outputs[s]!.length;
    }
    this.#outStart[count] = outTotal;
    this.#outIds = new Int32Array(outTotal);
    for (let s = 0, at = 0; s < count; s++) for (const id of outputs[s]!) this.#outIds[at++] = id;
    this.#lengths = Int32Array.from(this.#needles, (n) => n.length);
    const n = this.#needles.length;
    this.#seenAnywhere = new Int32Array(n).fill(-1);
    this.#seenAtStart = new Int32Array(n).fill(-1);
    this.#seenAtEnd = new Int32Array(n).fill(-1);
  }

  /** Forgets every stamp (epoch wrap-around). */
  reset(): void {
    this.#seenAnywhere.fill(-1);
    this.#seenAtStart.fill(-1);
    this.#seenAtEnd.fill(-1);
    this.#scannedEpoch = -1;
  }

  #next(state: number, code: number): number {
    for (;;) {
      if (state === 0) return this.#root[code]!;
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
    for (let i = 0; i <= last; i++) {
      state = this.#next(state, foldCode(text.charCodeAt(i)));
      const from = this.#outStart[state]!;
      const to = this.#outStart[state + 1]!;
      for (let k = from; k < to; k++) {
        const id = this.#outIds[k]!;
        this.#seenAnywhere[id] = epoch;
        if (i + 1 === this.#lengths[id]) this.#seenAtStart[id] = epoch;
        if (i === last) this.#seenAtEnd[id] = epoch;
      }
    }
  }

  /** Scans a field value (every string/number/boolean leaf) once per epoch. */
  scanValue(value: unknown, epoch: number): void {
    if (this.#scannedEpoch === epoch) return;
    this.#scannedEpoch = epoch;
    this.#scanLeaves(value, epoch);
  }

  #scanLeaves(value: unknown, epoch: number): void {
    if (typeof value === 'string') this.#scanText(value, epoch);
    else if (typeof value === 'number' || typeof value === 'boolean') this.#scanText(String(value), epoch);
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
}
