/**
 * EQL `regex` / `regex~` patterns use Lucene's regular-expression syntax, not JavaScript's: the
 * pattern must match the whole value (`^` and `$` are plain characters), `.` matches any
 * character including newlines, `"..."` quotes a literal run, `\x` is the character x (and `\d`,
 * `\s`, `\w`, `\D`, `\S`, `\W` the usual classes). Lucene's optional operators (`~` complement,
 * `&` intersection, `<1-9>` intervals, `@`, `#`) are refused.
 *
 * Like Lucene, and unlike JavaScript's backtracking RegExp, matching runs an automaton (a
 * Thompson NFA, simulated state set by state set), so its cost is value length x pattern size
 * whatever the pattern: event data is attacker-controlled.
 */

export class RegexSyntaxError extends Error {
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.name = 'RegexSyntaxError';
    this.index = index;
  }
}

/** The parsed pattern. A character class holds code-point ranges `[lo, hi, lo, hi, ...]`. */
export type Rx =
  | { readonly t: 'class'; readonly ranges: readonly number[]; readonly negated: boolean }
  | { readonly t: 'seq'; readonly items: readonly Rx[] }
  | { readonly t: 'alt'; readonly options: readonly Rx[] }
  | { readonly t: 'repeat'; readonly item: Rx; readonly min: number; readonly max: number };

const DIGIT = [48, 57];
const WORD = [48, 57, 65, 90, 95, 95, 97, 122];
const SPACE = [9, 13, 32, 32];
const SHORTHANDS: Readonly<Record<string, { ranges: number[]; negated: boolean }>> = {
  d: { ranges: DIGIT, negated: false },
  D: { ranges: DIGIT, negated: true },
  w: { ranges: WORD, negated: false },
  W: { ranges: WORD, negated: true },
  s: { ranges: SPACE, negated: false },
  S: { ranges: SPACE, negated: true },
};
const UNSUPPORTED = new Set(['~', '&', '<', '>', '@', '#']);
const MAX_STATES = 20_000;

export function parseLuceneRegex(pattern: string): Rx {
  const chars = [...pattern]; // code points
  let i = 0;
  const fail = (message: string): never => {
    throw new RegexSyntaxError(message, i);
  };
  const literal = (c: string): Rx => {
    const code = c.codePointAt(0) as number;
    return { t: 'class', ranges: [code, code], negated: false };
  };

  function alternation(): Rx {
    const options = [sequence()];
    while (chars[i] === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? (options[0] as Rx) : { t: 'alt', options };
  }

  function sequence(): Rx {
    const items: Rx[] = [];
    while (i < chars.length && chars[i] !== '|' && chars[i] !== ')') items.push(repeated());
    return items.length === 1 ? (items[0] as Rx) : { t: 'seq', items };
  }

  /** An atom and its repeat operators; a repeat after a quoted run repeats the whole run. */
  function repeated(): Rx {
    let item = atom();
    for (;;) {
      const c = chars[i];
      if (c === '*') item = { t: 'repeat', item, min: 0, max: Number.POSITIVE_INFINITY };
      else if (c === '+') item = { t: 'repeat', item, min: 1, max: Number.POSITIVE_INFINITY };
      else if (c === '?') item = { t: 'repeat', item, min: 0, max: 1 };
      else if (c === '{') {
        const rest = chars.slice(i).join('');
        const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
        if (m === null) fail('`{` must start a repeat like {2} or {2,5}');
        const min = Number(m?.[1]);
        const max = m?.[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m?.[3]);
        if (max < min) fail(`repeat {${min},${max}} has its bounds reversed`);
        item = { t: 'repeat', item, min, max };
        i += [...(m?.[0] ?? '')].length;
        continue;
      } else return item;
      i++;
    }
  }

  function atom(): Rx {
    const c = chars[i] as string;
    if (c === '(') {
      i++;
      const inner = alternation();
      if (chars[i] !== ')') fail('unclosed `(`');
      i++;
      return inner;
    }
    if (c === '[') return characterClass();
    if (c === '.') {
      i++;
      return { t: 'class', ranges: [], negated: true };
    }
    if (c === '"') {
      const close = chars.indexOf('"', i + 1);
      if (close === -1) fail('unterminated "quoted" literal');
      const run = chars.slice(i + 1, close).map(literal);
      i = close + 1;
      return { t: 'seq', items: run };
    }
    if (c === '\\') {
      const next = chars[i + 1];
      if (next === undefined) fail('pattern ends with a lone backslash');
      i += 2;
      const shorthand = SHORTHANDS[next as string];
      return shorthand === undefined ? literal(next as string) : { t: 'class', ...shorthand };
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') fail(`\`${c}\` has nothing to repeat`);
    if (UNSUPPORTED.has(c)) fail(`Lucene operator \`${c}\` is not supported; write \\${c} to match it literally`);
    i++;
    return literal(c);
  }

  function characterClass(): Rx {
    const start = i;
    i++;
    let negated = false;
    if (chars[i] === '^') {
      negated = true;
      i++;
    }
    const ranges: number[] = [];
    let first = true;
    while (i < chars.length && (chars[i] !== ']' || first)) {
      first = false;
      let lo: number;
      if (chars[i] === '\\') {
        const next = chars[i + 1];
        if (next === undefined) break;
        const shorthand = SHORTHANDS[next];
        i += 2;
        if (shorthand !== undefined) {
          if (shorthand.negated) fail(`\\${next} inside [...] is not supported`);
          ranges.push(...shorthand.ranges);
          continue;
        }
        lo = next.codePointAt(0) as number;
      } else {
        lo = (chars[i] as string).codePointAt(0) as number;
        i++;
      }
      let hi = lo;
      if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
        i++;
        const end = chars[i] === '\\' ? chars[++i] : chars[i];
        hi = (end as string).codePointAt(0) as number;
        i++;
        if (hi < lo) fail('character range is reversed');
      }
      ranges.push(lo, hi);
    }
    if (chars[i] !== ']') {
      i = start;
      fail('unterminated character class `[`');
    }
    i++;
    return { t: 'class', ranges, negated };
  }

  const rx = alternation();
  if (i < chars.length) fail('unbalanced `)`');
  return rx;
}

/** A compiled set of patterns: true when the whole value matches any of them. */
export function luceneRegexMatcher(patterns: readonly string[], caseInsensitive: boolean): (value: string) => boolean {
  const parsed = patterns.map(parseLuceneRegex);
  const nfa = new Nfa(parsed.length === 1 ? (parsed[0] as Rx) : { t: 'alt', options: parsed }, caseInsensitive);
  return (value) => nfa.matches(value);
}

type ClassTest = (code: number) => boolean;

/** Thompson's construction; states hold either one character test or epsilon moves. */
class Nfa {
  private readonly tests: (ClassTest | null)[] = [];
  private readonly next: number[] = [];
  private readonly epsilon: number[][] = [];
  private readonly start: number;
  private readonly accept: number;
  private readonly caseInsensitive: boolean;
  // Work lists and marks, reused by every match (matching is synchronous).
  private current: Int32Array = new Int32Array(0);
  private following: Int32Array = new Int32Array(0);
  private marks: Int32Array = new Int32Array(0);
  private generation = 0;

  constructor(rx: Rx, caseInsensitive: boolean) {
    this.caseInsensitive = caseInsensitive;
    this.accept = this.state(null, -1, []);
    this.start = this.build(rx, this.accept);
    const count = this.tests.length;
    this.current = new Int32Array(count);
    this.following = new Int32Array(count);
    this.marks = new Int32Array(count);
  }

  private state(test: ClassTest | null, next: number, epsilon: number[]): number {
    if (this.tests.length >= MAX_STATES) throw new RegexSyntaxError(`pattern is too large (over ${MAX_STATES} automaton states)`, 0);
    this.tests.push(test);
    this.next.push(next);
    this.epsilon.push(epsilon);
    return this.tests.length - 1;
  }

  /** Builds `rx` so that it continues to state `then`; returns its entry state. */
  private build(rx: Rx, then: number): number {
    switch (rx.t) {
      case 'class':
        return this.state(classTest(rx, this.caseInsensitive), then, []);
      case 'seq': {
        let entry = then;
        for (let k = rx.items.length - 1; k >= 0; k--) entry = this.build(rx.items[k] as Rx, entry);
        return entry;
      }
      case 'alt':
        return this.state(null, -1, rx.options.map((option) => this.build(option, then)));
      case 'repeat': {
        let entry = then;
        if (rx.max === Number.POSITIVE_INFINITY) {
          const loop = this.state(null, -1, []);
          (this.epsilon[loop] as number[]).push(this.build(rx.item, loop), then);
          entry = loop;
        } else {
          for (let k = rx.min; k < rx.max; k++) entry = this.state(null, -1, [this.build(rx.item, entry), then]);
        }
        for (let k = 0; k < rx.min; k++) entry = this.build(rx.item, entry);
        return entry;
      }
    }
  }

  matches(input: string): boolean {
    const value = this.caseInsensitive ? input.toLowerCase() : input;
    let count = this.addClosure(this.current, 0, this.start, ++this.generation);
    for (let i = 0; i < value.length && count > 0; ) {
      const code = value.codePointAt(i) as number;
      i += code > 0xffff ? 2 : 1;
      const generation = ++this.generation;
      let nextCount = 0;
      for (let k = 0; k < count; k++) {
        const s = this.current[k] as number;
        const test = this.tests[s];
        if (test !== null && test !== undefined && test(code)) nextCount = this.addClosure(this.following, nextCount, this.next[s] as number, generation);
      }
      [this.current, this.following] = [this.following, this.current];
      count = nextCount;
    }
    for (let k = 0; k < count; k++) if (this.current[k] === this.accept) return true;
    return false;
  }

  /** Adds a state and everything reachable from it without reading a character. */
  private addClosure(list: Int32Array, count: number, from: number, generation: number): number {
    const stack = [from];
    let n = count;
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (this.marks[s] === generation) continue;
      this.marks[s] = generation;
      const moves = this.epsilon[s] as number[];
      if (moves.length === 0) list[n++] = s;
      else for (let k = moves.length - 1; k >= 0; k--) stack.push(moves[k] as number);
    }
    return n;
  }
}

function classTest(rx: Extract<Rx, { t: 'class' }>, caseInsensitive: boolean): ClassTest {
  const { ranges, negated } = rx;
  const inRanges = (code: number): boolean => {
    for (let k = 0; k < ranges.length; k += 2) if (code >= (ranges[k] as number) && code <= (ranges[k + 1] as number)) return true;
    return false;
  };
  if (!caseInsensitive) return (code) => inRanges(code) !== negated;
  // The value is lower-cased before matching; the class is tried with both cases of it.
  return (code) => (inRanges(code) || inRanges(otherCase(code))) !== negated;
}

function otherCase(code: number): number {
  if (code >= 97 && code <= 122) return code - 32;
  if (code < 128) return code;
  const upper = String.fromCodePoint(code).toUpperCase();
  return upper.length <= 2 ? (upper.codePointAt(0) as number) : code;
}
