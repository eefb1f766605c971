/**
 * EQL `regex` / `regex~` patterns use Lucene's regular-expression syntax, not JavaScript's:
 * the pattern must match the whole value (no `^`/`$` anchors: they are plain characters), `.`
 * matches any character including newlines, and `"..."` quotes a literal run. This translates
 * one to a JavaScript RegExp source. Lucene's optional operators (`~` complement, `&`
 * intersection, `<1-9>` intervals, `@`, `#`) have no JavaScript equivalent and are refused.
 */
import { escapeRegExpChar } from './wildcard.ts';

export class RegexSyntaxError extends Error {
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.name = 'RegexSyntaxError';
    this.index = index;
  }
}

const SHORTHAND_CLASSES = new Set(['d', 'D', 's', 'S', 'w', 'W']);
const UNSUPPORTED = new Set(['~', '&', '<', '>', '@', '#']);

export function luceneRegexToSource(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new RegexSyntaxError('pattern ends with a lone backslash', i);
      out += SHORTHAND_CLASSES.has(next) ? `\\${next}` : escapeRegExpChar(next);
      i += 2;
    } else if (c === '"') {
      const close = pattern.indexOf('"', i + 1);
      if (close === -1) throw new RegexSyntaxError('unterminated "quoted" literal', i);
      for (const ch of pattern.slice(i + 1, close)) out += escapeRegExpChar(ch);
      i = close + 1;
    } else if (c === '[') {
      const { source, end } = translateClass(pattern, i);
      out += source;
      i = end;
    } else if (c === '{') {
      const repeat = /^\{\d+(?:,\d*)?\}/.exec(pattern.slice(i));
      if (repeat === null) throw new RegexSyntaxError('`{` must start a repeat like {2} or {2,5}', i);
      out += repeat[0];
      i += repeat[0].length;
    } else if (c === '.') {
      out += '.';
      i++;
    } else if (c === '(') {
      out += '(?:';
      i++;
    } else if (c === ')' || c === '|' || c === '*' || c === '+' || c === '?') {
      out += c;
      i++;
    } else if (UNSUPPORTED.has(c)) {
      throw new RegexSyntaxError(`Lucene operator \`${c}\` is not supported; write \\${c} to match it literally`, i);
    } else {
      out += escapeRegExpChar(c);
      i++;
    }
  }
  return out;
}

/** `[...]`: ranges and a leading `^` carry over; everything else is literal. */
function translateClass(pattern: string, from: number): { source: string; end: number } {
  let out = '[';
  let i = from + 1;
  if (pattern[i] === '^') {
    out += '^';
    i++;
  }
  let first = true;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === ']' && !first) return { source: `${out}]`, end: i + 1 };
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) break;
      out += SHORTHAND_CLASSES.has(next) ? `\\${next}` : escapeClassChar(next);
      i += 2;
    } else {
      out += c === '-' ? '-' : escapeClassChar(c);
      i++;
    }
    first = false;
  }
  throw new RegexSyntaxError('unterminated character class `[`', from);
}

function escapeClassChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** One RegExp matching any of the Lucene patterns against the whole value. */
export function luceneRegexesToRegExp(patterns: readonly string[], caseInsensitive: boolean): RegExp {
  const sources = patterns.map((p) => `(?:${luceneRegexToSource(p)})`);
  return new RegExp(`^(?:${sources.join('|')})$`, caseInsensitive ? 'isu' : 'su');
}
