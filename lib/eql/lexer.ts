/**
 * EQL tokens. Strings are unescaped here (`"a\\b"` becomes `a\b`, `"""raw"""` is taken as
 * written), so later stages only ever see values. Comments (`//`, `/* *\/`) are dropped.
 */
import { EqlError } from './eql-error.ts';

export type TokenKind =
  | 'identifier' // process.name is three tokens: identifier . identifier
  | 'tilde-identifier' // a function name followed by `~`, e.g. `endsWith~`
  | 'keyword'
  | 'string'
  | 'integer'
  | 'decimal'
  | 'duration' // `30s`, `5m`, `1h`: only in `with maxspan=`
  | 'operator'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Keyword and operator text, identifier name, or the unescaped string value. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Words the grammar reserves; `in~`, `like~`, `regex~` are single keywords. */
const KEYWORDS = new Set([
  'and', 'or', 'not', 'in', 'like', 'regex', 'where', 'any', 'true', 'false', 'null',
  'sequence', 'sample', 'join', 'by', 'with', 'until', 'of',
]);
const TILDE_KEYWORDS = new Set(['in', 'like', 'regex']);

/** Longest first, so `<=` is not read as `<` `=`. */
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', ':', '(', ')', '[', ']', ',', '.', '+', '-', '*', '/', '%', '?', '|', '!', '='];

/** Elasticsearch's EQL escapes (its parser's `unquoteString`): `\'` is one, so Elastic rules that
 *  carry PowerShell's quote tricks (`h\''t\''tp`) read as Elasticsearch reads them. */
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '\\': '\\', '"': '"', "'": "'",
};

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (true) {
    i = skipSpaceAndComments(query, i);
    if (i >= query.length) break;
    const c = query[i] as string;
    const start = i;
    if (isIdentifierStart(c)) {
      while (i < query.length && isIdentifierPart(query[i] as string)) i++;
      const word = query.slice(start, i);
      const lower = word.toLowerCase();
      if (query[i] === '~' && TILDE_KEYWORDS.has(lower)) {
        i++;
        tokens.push({ kind: 'keyword', text: `${lower}~`, start, end: i });
      } else if (query[i] === '~') {
        i++;
        tokens.push({ kind: 'tilde-identifier', text: word, start, end: i });
      } else if (KEYWORDS.has(lower)) {
        tokens.push({ kind: 'keyword', text: lower, start, end: i });
      } else {
        tokens.push({ kind: 'identifier', text: word, start, end: i });
      }
    } else if (c === '`') {
      const { value, end } = readBackquoted(query, i);
      i = end;
      tokens.push({ kind: 'identifier', text: value, start, end });
    } else if (c === '"') {
      const { value, end } = query.startsWith('"""', i) ? readRawString(query, i) : readString(query, i);
      i = end;
      tokens.push({ kind: 'string', text: value, start, end });
    } else if (c === "'") {
      throw new EqlError("single-quoted strings are not EQL: use double quotes", i);
    } else if (isDigit(c) || (c === '.' && isDigit(query[i + 1] ?? ''))) {
      const { kind, end } = readNumber(query, i);
      i = end;
      tokens.push({ kind, text: query.slice(start, end), start, end });
    } else {
      const op = OPERATORS.find((o) => query.startsWith(o, i));
      if (op === undefined) throw new EqlError(`unexpected character ${JSON.stringify(c)}`, i);
      i += op.length;
      tokens.push({ kind: 'operator', text: op, start, end: i });
    }
  }
  tokens.push({ kind: 'eof', text: '', start: query.length, end: query.length });
  return tokens;
}

function skipSpaceAndComments(query: string, from: number): number {
  let i = from;
  while (i < query.length) {
    const c = query[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (query.startsWith('//', i)) {
      const nl = query.indexOf('\n', i);
      i = nl === -1 ? query.length : nl + 1;
    } else if (query.startsWith('/*', i)) {
      const close = query.indexOf('*/', i + 2);
      if (close === -1) throw new EqlError('unterminated comment', i);
      i = close + 2;
    } else {
      break;
    }
  }
  return i;
}

function readString(query: string, from: number): { value: string; end: number } {
  let value = '';
  let i = from + 1;
  while (i < query.length) {
    const c = query[i] as string;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\n' || c === '\r') break;
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const next = query[i + 1] ?? '';
    const simple = ESCAPES[next];
    if (simple !== undefined) {
      value += simple;
      i += 2;
    } else if (next === 'u' && query[i + 2] === '{') {
      const close = query.indexOf('}', i + 3);
      const hex = close === -1 ? '' : query.slice(i + 3, close);
      if (!/^[0-9a-fA-F]{2,8}$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) {
        throw new EqlError('bad unicode escape: expected \\u{XX} with 2 to 8 hex digits', i);
      }
      const code = Number.parseInt(hex, 16);
      if (code >= 0xd800 && code <= 0xdfff) throw new EqlError(`bad unicode escape: \\u{${hex}} is a surrogate, not a character`, i);
      value += String.fromCodePoint(Number.parseInt(hex, 16));
      i = close + 1;
    } else {
      throw new EqlError(`unknown escape \\${next} in string (write \\\\ for a backslash)`, i);
    }
  }
  throw new EqlError('unterminated string', from);
}

/** `"""..."""`: backslashes and single quotes are literal; cannot contain `"""`. */
function readRawString(query: string, from: number): { value: string; end: number } {
  const close = query.indexOf('"""', from + 3);
  if (close === -1) throw new EqlError('unterminated raw string', from);
  // `""""a"""` style: a quote right after the opening triple belongs to the value.
  let end = close;
  while (query[end + 3] === '"') end++;
  return { value: query.slice(from + 3, end), end: end + 3 };
}

/** Backquoted field names: `` `my-field` ``, with ``` `` ``` for a literal backquote. */
function readBackquoted(query: string, from: number): { value: string; end: number } {
  let value = '';
  let i = from + 1;
  while (i < query.length) {
    const c = query[i] as string;
    if (c === '`') {
      if (query[i + 1] === '`') {
        value += '`';
        i += 2;
        continue;
      }
      if (value === '') throw new EqlError('empty backquoted field name', from);
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
  throw new EqlError('unterminated backquoted field name', from);
}

function readNumber(query: string, from: number): { kind: 'integer' | 'decimal' | 'duration'; end: number } {
  const duration = /^\d+(?:ms|s|m|h|d)(?![A-Za-z0-9_@])/.exec(query.slice(from));
  if (duration !== null) return { kind: 'duration', end: from + duration[0].length };
  const match = /^(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/.exec(query.slice(from));
  const text = match?.[0] ?? '';
  const end = from + text.length;
  if (isIdentifierStart(query[end] ?? '')) throw new EqlError(`bad number ${JSON.stringify(query.slice(from, end + 1))}`, from);
  return { kind: /[.eE]/.test(text) ? 'decimal' : 'integer', end };
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isIdentifierStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '@';
}
function isIdentifierPart(c: string): boolean {
  return isIdentifierStart(c) || isDigit(c);
}
