/**
 * EQL `regex` / `regex~` patterns use Lucene's regular-expression syntax, not JavaScript's: the
 * pattern must match the whole value (`^` and `$` are plain characters), `.` matches any
 * character including newlines, `"..."` quotes a literal run, `\x` is the character x (and `\d`,
 * `\s`, `\w`, `\D`, `\S`, `\W` the usual classes). Lucene's optional operators (`~` complement,
 * `&` intersection, `<1-9>` intervals, `@`, `#`) are refused.
 *
 * Parsing stays here (it is Lucene's flavour); the parsed pattern is written as RE2 source and
 * run by the one regex engine (`lib/matching/regex.ts`), like Lucene an automaton with no
 * backtracking, so its cost is value length x pattern size whatever the pattern: event data is
 * attacker-controlled. Case-insensitive (`regex~`) folds Unicode simple case.
 */
import { compileRegex } from '../matching/regex.ts';

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
  const source = toRe2(parsed.length === 1 ? (parsed[0] as Rx) : { t: 'alt', options: parsed });
  // `s`: Lucene's `.` matches any character, newlines included; `whole`: Lucene anchors both ends.
  const regex = compileRegex(source, { flags: caseInsensitive ? 'is' : 's', whole: true });
  if (typeof regex === 'string') throw new RegexSyntaxError(regex, 0);
  return (value) => regex.test(value);
}

/** RE2's largest counted repeat, `{1000}`. */
const MAX_REPEAT = 1000;

/**
 * The parsed pattern as RE2 source with the same meaning: every character is written as a
 * code-point escape, so nothing Lucene reads literally can mean something else to RE2.
 */
export function toRe2(rx: Rx): string {
  switch (rx.t) {
    case 'class': {
      if (rx.ranges.length === 0) return rx.negated ? '.' : '[^\\x{0}-\\x{10FFFF}]';
      let members = '';
      for (let k = 0; k < rx.ranges.length; k += 2) {
        const lo = rx.ranges[k] as number;
        const hi = rx.ranges[k + 1] as number;
        members += lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
      }
      return `[${rx.negated ? '^' : ''}${members}]`;
    }
    case 'seq':
      return rx.items.length === 0 ? '(?:)' : rx.items.map(toRe2).join('');
    case 'alt':
      return `(?:${rx.options.map(toRe2).join('|')})`;
    case 'repeat': {
      const { min, max } = rx;
      if (min > MAX_REPEAT || (max !== Number.POSITIVE_INFINITY && max > MAX_REPEAT)) {
        throw new RegexSyntaxError(`repeat {${min},${max === Number.POSITIVE_INFINITY ? '' : max}} is over ${MAX_REPEAT}`, 0);
      }
      const count = max === Number.POSITIVE_INFINITY ? (min === 0 ? '*' : min === 1 ? '+' : `{${min},}`) : min === max ? `{${min}}` : `{${min},${max}}`;
      return `(?:${toRe2(rx.item)})${count}`;
    }
  }
}

const hex = (code: number): string => `\\x{${code.toString(16)}}`;
