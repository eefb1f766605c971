/**
 * Builds the tables aho-corasick.ts scans with: the trie, failure and dictionary links, sorted
 * edges and the dense rows of the busiest states. Each step is a small function over typed
 * arrays on purpose: V8 optimises a short hot loop at once, while the single long build method
 * this replaces (closures over reassigned arrays) ran in its slower tiers at 200-500 ns per
 * needle character, about a second of every cold start with SigmaHQ's rules.
 */
import { foldCode } from './case-fold.ts';

export interface AutomatonTables {
  readonly fail: Int32Array<ArrayBuffer>;
  /** Per state: the needle ending there, or -1. */
  readonly ending: Int32Array<ArrayBuffer>;
  /** Per state: the next suffix state that ends a needle, or -1. */
  readonly dictionary: Int32Array<ArrayBuffer>;
  /** Per state: the first state on its dictionary chain that ends a needle (itself or a suffix), or -1. */
  readonly report: Int32Array<ArrayBuffer>;
  readonly edgeStart: Int32Array<ArrayBuffer>;
  readonly edgeCode: Uint16Array<ArrayBuffer>;
  readonly edgeTarget: Int32Array<ArrayBuffer>;
  /** Root transitions on non-ASCII code units. */
  readonly rootOther: Map<number, number>;
  readonly asciiClass: Uint8Array<ArrayBuffer>;
  readonly classes: number;
  readonly denseStates: number;
  /** `dense[state * classes + asciiClass[code]]`, complemented (~target) when the target reports a needle. */
  readonly dense: Int32Array<ArrayBuffer>;
}

interface Trie {
  readonly firstChild: Int32Array<ArrayBuffer>;
  readonly nextSibling: Int32Array<ArrayBuffer>;
  readonly codeOf: Uint16Array<ArrayBuffer>;
  readonly ending: Int32Array<ArrayBuffer>;
  readonly root: Int32Array<ArrayBuffer>;
  readonly count: number;
}

export function buildTables(needles: readonly string[], denseEntries: number): AutomatonTables {
  const trie = buildTrie(needles);
  const { count } = trie;
  const queue = breadthFirst(trie);
  const { fail, dictionary } = failureLinks(trie, queue);
  // Number the states so those with dense rows are 0..n-1 (found without an index table).
  // Dense rows are few: they go to the root and then to the states the most needles pass
  // through (a rule set's common prefixes, like `c:\windows\system32\`, where a scan of a path
  // spends its steps), then breadth first among equals. Those states are numbered first.
  const classCode = classCodes(needles);
  const denseCount = Math.max(1, Math.min(count, Math.floor(denseEntries / classCode.length)));
  const isDense = densest(queue, passingThrough(trie, queue), denseCount - 1, count);
  isDense[0] = 1;
  const stateId = numberStates(queue, isDense, denseCount, count);
  // Breadth first, renumbered: a state's failure state (shallower) comes before it.
  const bfsOrder = new Int32Array(queue.length + 1);
  for (let k = 0; k < queue.length; k++) bfsOrder[k + 1] = stateId[queue[k]!]!;
  const firstChild = renumberIds(trie.firstChild, stateId, count);
  const nextSibling = renumberIds(trie.nextSibling, stateId, count);
  const codeOf = renumberCodes(trie.codeOf, stateId, count);
  const ending = renumberValues(trie.ending, stateId, count);
  const renumberedFail = renumberIds(fail, stateId, count);
  const renumberedDictionary = renumberIds(dictionary, stateId, count);
  const rootOther = new Map<number, number>();
  for (let c = firstChild[0]!; c !== -1; c = nextSibling[c]!) if (codeOf[c]! >= 128) rootOther.set(codeOf[c]!, c);
  const edges = sortedEdges(firstChild, nextSibling, codeOf, count);
  const report = reportStates(ending, renumberedDictionary);
  const asciiClass = asciiClasses(classCode);
  const partial = { fail: renumberedFail, ending, dictionary: renumberedDictionary, report, ...edges, rootOther, asciiClass };
  const dense = denseRows(partial, classCode, denseCount, bfsOrder);
  return { ...partial, classes: classCode.length, denseStates: denseCount, dense };
}

/** The trie as typed-array sibling lists (no per-state objects: large rule sets have hundreds of thousands of states). */
function buildTrie(needles: readonly string[]): Trie {
  let capacity = 1;
  for (const needle of needles) capacity += needle.length;
  const firstChild = new Int32Array(capacity).fill(-1);
  const nextSibling = new Int32Array(capacity).fill(-1);
  const codeOf = new Uint16Array(capacity);
  const ending = new Int32Array(capacity).fill(-1);
  const root = new Int32Array(0x10000);
  let count = 1;
  for (let id = 0; id < needles.length; id++) {
    const needle = needles[id]!;
    let state = 0;
    for (let i = 0; i < needle.length; i++) {
      const code = needle.charCodeAt(i);
      let next = trieChild(root, firstChild, nextSibling, codeOf, state, code);
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
  return { firstChild, nextSibling, codeOf, ending, root, count };
}

function trieChild(root: Int32Array<ArrayBuffer>, firstChild: Int32Array<ArrayBuffer>, nextSibling: Int32Array<ArrayBuffer>, codeOf: Uint16Array<ArrayBuffer>, state: number, code: number): number {
  if (state === 0) return root[code]! === 0 ? -1 : root[code]!;
  for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) if (codeOf[c] === code) return c;
  return -1;
}

/** Every state but the root, breadth first (siblings in list order). */
function breadthFirst(trie: Trie): Int32Array<ArrayBuffer> {
  const { firstChild, nextSibling } = trie;
  const queue = new Int32Array(trie.count - 1);
  let tail = 0;
  for (let c = firstChild[0]!; c !== -1; c = nextSibling[c]!) queue[tail++] = c;
  for (let head = 0; head < tail; head++) {
    for (let c = firstChild[queue[head]!]!; c !== -1; c = nextSibling[c]!) queue[tail++] = c;
  }
  return queue;
}

/** Failure links and dictionary links (the nearest shorter suffix state that ends a needle). */
function failureLinks(trie: Trie, queue: Int32Array<ArrayBuffer>): { fail: Int32Array<ArrayBuffer>; dictionary: Int32Array<ArrayBuffer> } {
  const { firstChild, nextSibling, codeOf, ending, root } = trie;
  const fail = new Int32Array(trie.count);
  const dictionary = new Int32Array(trie.count).fill(-1);
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) {
      const code = codeOf[c]!;
      let f = fail[state]!;
      let target = trieChild(root, firstChild, nextSibling, codeOf, f, code);
      while (target === -1 && f !== 0) {
        f = fail[f]!;
        target = trieChild(root, firstChild, nextSibling, codeOf, f, code);
      }
      const suffix = target === -1 ? 0 : target;
      fail[c] = suffix;
      dictionary[c] = ending[suffix]! !== -1 ? suffix : dictionary[suffix]!;
    }
  }
  return { fail, dictionary };
}

/** Class 0, then each ASCII character the needles use (folded): the columns of a dense row. */
function classCodes(needles: readonly string[]): number[] {
  const codes: number[] = [-1];
  const seen = new Uint8Array(128);
  for (const needle of needles) {
    for (let i = 0; i < needle.length; i++) {
      const code = needle.charCodeAt(i);
      if (code < 128 && seen[code] === 0) {
        seen[code] = 1;
        codes.push(code);
      }
    }
  }
  return codes;
}

/** Per state: how many needles pass through it (end there or below). */
function passingThrough(trie: Trie, queue: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const { firstChild, nextSibling, ending } = trie;
  const through = new Int32Array(trie.count);
  for (let k = queue.length - 1; k >= 0; k--) {
    const state = queue[k]!;
    let sum = ending[state]! !== -1 ? 1 : 0;
    for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) sum += through[c]!;
    through[state] = sum;
  }
  return through;
}

/**
 * The `k` states of `order` (breadth first) with the highest `through`, ties going to the earlier
 * state: the top of a stable sort by `through`, without sorting every state with a comparator.
 */
function densest(order: Int32Array<ArrayBuffer>, through: Int32Array<ArrayBuffer>, k: number, count: number): Uint8Array<ArrayBuffer> {
  const chosen = new Uint8Array(count);
  if (k <= 0) return chosen;
  if (k >= order.length) {
    for (let i = 0; i < order.length; i++) chosen[order[i]!] = 1;
    return chosen;
  }
  const values = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) values[i] = through[order[i]!]!;
  values.sort();
  // The k-th highest value: every state above it is chosen, then the first of those equal to it.
  const threshold = values[values.length - k]!;
  let above = 0;
  for (let i = values.length - 1; i >= 0 && values[i]! > threshold; i--) above++;
  let equalLeft = k - above;
  for (let i = 0; i < order.length; i++) {
    const state = order[i]!;
    const t = through[state]!;
    if (t > threshold) chosen[state] = 1;
    else if (t === threshold && equalLeft > 0) {
      chosen[state] = 1;
      equalLeft--;
    }
  }
  return chosen;
}

/** New state ids: the root 0, dense states 1..denseCount-1, the rest after, each breadth first. */
function numberStates(queue: Int32Array<ArrayBuffer>, isDense: Uint8Array<ArrayBuffer>, denseCount: number, count: number): Int32Array<ArrayBuffer> {
  const stateId = new Int32Array(count);
  let nextDense = 1;
  let nextSparse = denseCount;
  for (let k = 0; k < queue.length; k++) {
    const state = queue[k]!;
    stateId[state] = isDense[state] ? nextDense++ : nextSparse++;
  }
  return stateId;
}

/** A per-state array of state ids (or -1), moved to and rewritten in the new numbering. */
function renumberIds(ids: Int32Array<ArrayBuffer>, stateId: Int32Array<ArrayBuffer>, count: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(count);
  for (let s = 0; s < count; s++) out[stateId[s]!] = ids[s]! === -1 ? -1 : stateId[ids[s]!]!;
  return out;
}

function renumberValues(values: Int32Array<ArrayBuffer>, stateId: Int32Array<ArrayBuffer>, count: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(count);
  for (let s = 0; s < count; s++) out[stateId[s]!] = values[s]!;
  return out;
}

function renumberCodes(values: Uint16Array<ArrayBuffer>, stateId: Int32Array<ArrayBuffer>, count: number): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(count);
  for (let s = 0; s < count; s++) out[stateId[s]!] = values[s]!;
  return out;
}

/** Each state's children as a run of `edgeCode`/`edgeTarget`, sorted by code. */
function sortedEdges(firstChild: Int32Array<ArrayBuffer>, nextSibling: Int32Array<ArrayBuffer>, codeOf: Uint16Array<ArrayBuffer>, count: number): { edgeStart: Int32Array<ArrayBuffer>; edgeCode: Uint16Array<ArrayBuffer>; edgeTarget: Int32Array<ArrayBuffer> } {
  const edgeStart = new Int32Array(count + 1);
  let total = 0;
  for (let state = 0; state < count; state++) {
    edgeStart[state] = total;
    for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) total++;
  }
  edgeStart[count] = total;
  const edgeCode = new Uint16Array(total);
  const edgeTarget = new Int32Array(total);
  for (let state = 0; state < count; state++) {
    const from = edgeStart[state]!;
    let at = from;
    for (let c = firstChild[state]!; c !== -1; c = nextSibling[c]!) {
      // Insertion sort by code: sibling lists are short.
      let k = at++;
      while (k > from && edgeCode[k - 1]! > codeOf[c]!) {
        edgeCode[k] = edgeCode[k - 1]!;
        edgeTarget[k] = edgeTarget[k - 1]!;
        k--;
      }
      edgeCode[k] = codeOf[c]!;
      edgeTarget[k] = c;
    }
  }
  return { edgeStart, edgeCode, edgeTarget };
}

function reportStates(ending: Int32Array<ArrayBuffer>, dictionary: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const report = new Int32Array(ending.length);
  for (let state = 0; state < ending.length; state++) report[state] = ending[state]! !== -1 ? state : dictionary[state]!;
  return report;
}

/** Class 0 for ASCII characters no needle uses; upper case shares the class of its lower case (raw ASCII folds to ASCII). */
function asciiClasses(classCode: readonly number[]): Uint8Array<ArrayBuffer> {
  const asciiClass = new Uint8Array(128);
  for (let k = 1; k < classCode.length; k++) asciiClass[classCode[k]!] = k;
  for (let code = 0; code < 128; code++) asciiClass[code] = asciiClass[foldCode(code)]!;
  return asciiClass;
}

type SparseTables = Omit<AutomatonTables, 'classes' | 'denseStates' | 'dense'>;

/**
 * Dense rows for states 0..states-1, one entry per class of `classCode`, filled breadth first
 * so a failure state (shallower) has its row, if it has one, before it is read.
 */
function denseRows(t: SparseTables, classCode: readonly number[], states: number, bfsOrder: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const width = classCode.length;
  const dense = new Int32Array(states * width);
  for (let b = 0; b < bfsOrder.length; b++) {
    const state = bfsOrder[b]!;
    if (state >= states) continue;
    const row = state * width;
    const fail = t.fail[state]!;
    if (state !== 0 && fail < states) {
      // The failure state's row is complete: this row is that row with this state's own
      // children written over it (the entries a walk per class would resolve, in one copy).
      dense.copyWithin(row, fail * width, fail * width + width);
      const to = t.edgeStart[state + 1]!;
      for (let i = t.edgeStart[state]!; i < to; i++) {
        const code = t.edgeCode[i]!;
        if (code >= 128) continue;
        const k = t.asciiClass[code]!;
        const child = t.edgeTarget[i]!;
        // Class 0 holds only characters no needle uses: no edge is on it.
        if (k !== 0) dense[row + k] = t.report[child] !== -1 ? ~child : child;
      }
      continue;
    }
    for (let k = 1; k < width; k++) {
      const child = edgeChild(t, state, classCode[k]!);
      const target = child !== -1 ? child : state === 0 ? 0 : nextState(t, dense, width, states, fail, classCode[k]!);
      // A target that reports a needle is stored complemented (negative): the scan learns it
      // from the entry it already read, instead of a second random read of `report`.
      dense[row + k] = t.report[target] !== -1 ? ~target : target;
    }
  }
  return dense;
}

/** The trie child of `state` on `code` by the sorted edges (not following failure links), or -1. */
function edgeChild(t: SparseTables, state: number, code: number): number {
  const to = t.edgeStart[state + 1]!;
  for (let i = t.edgeStart[state]!; i < to; i++) if (t.edgeCode[i] === code) return t.edgeTarget[i]!;
  return -1;
}

/** The transition from `state` on a folded `code`: the dense row when it has one, else edges and failure links. */
export function nextState(t: SparseTables, dense: Int32Array<ArrayBuffer>, width: number, denseStates: number, state: number, code: number): number {
  for (;;) {
    // A failure link usually lands in a shallow state: its dense row resolves the rest at once.
    if (code < 128 && state < denseStates) {
      const entry = dense[state * width + t.asciiClass[code]!]!;
      return entry < 0 ? ~entry : entry;
    }
    if (state === 0) return t.rootOther.get(code) ?? 0;
    const from = t.edgeStart[state]!;
    const to = t.edgeStart[state + 1]!;
    for (let i = from; i < to; i++) {
      const c = t.edgeCode[i]!;
      if (c === code) return t.edgeTarget[i]!;
      if (c > code) break;
    }
    state = t.fail[state]!;
  }
}
