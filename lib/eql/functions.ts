/**
 * The EQL functions Elasticsearch supports, with its documented null handling: a null argument
 * gives null, except where the reference says otherwise. Values of the wrong type (a number given
 * to `length`) give null here, where Elasticsearch would refuse the query against its mapping.
 * Name lookup ignores case (`startswith` is `startsWith`).
 */
import type { FieldValue } from '../events/win-event.ts';
import { cidrContains, parseCidr, type Cidr } from '../matching/cidr.ts';
import { asText } from './values.ts';

export interface CallContext {
  /** Written with `~`: case-insensitive matching. */
  readonly caseInsensitive: boolean;
  /** An operand is a decimal literal (or derived from one): `divide` must not truncate. */
  readonly floatOperand: boolean;
}

export interface EqlFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Has a `name~` variant. */
  readonly caseInsensitiveVariant: boolean;
  readonly call: (args: readonly FieldValue[], context: CallContext) => FieldValue;
}

function define(
  name: string,
  minArgs: number,
  maxArgs: number,
  caseInsensitiveVariant: boolean,
  call: EqlFunction['call'],
): EqlFunction {
  return { name, minArgs, maxArgs, caseInsensitiveVariant, call };
}

function num(value: FieldValue | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
function text(value: FieldValue | undefined): string | null {
  return value === undefined ? null : asText(value);
}
function fold(value: string, context: CallContext): string {
  return context.caseInsensitive ? value.toLowerCase() : value;
}

/** `a / b`: integer division (truncated, as Java does) when both are integers and no float was written. */
export function divideValues(a: FieldValue, b: FieldValue, floatOperand: boolean): FieldValue {
  const x = num(a);
  const y = num(b);
  if (x === null || y === null || y === 0) return null;
  if (!floatOperand && Number.isInteger(x) && Number.isInteger(y)) return Math.trunc(x / y);
  return x / y;
}

/** `a % b` with the sign of the dividend, as in Java. */
export function moduloValues(a: FieldValue, b: FieldValue): FieldValue {
  const x = num(a);
  const y = num(b);
  if (x === null || y === null || y === 0) return null;
  return x % y;
}

export function arithmetic(operator: '+' | '-' | '*', a: FieldValue, b: FieldValue): FieldValue {
  const x = num(a);
  const y = num(b);
  if (x === null || y === null) return null;
  return operator === '+' ? x + y : operator === '-' ? x - y : x * y;
}

/** Python-style slice bounds: negatives count from the end, then clamp into the string. */
function sliceIndex(index: number, length: number): number {
  const i = Math.trunc(index);
  return i < 0 ? Math.max(0, length + i) : Math.min(i, length);
}

const cidrCache = new Map<string, Cidr | null>();
function cidrBlock(text: string): Cidr | null {
  let block = cidrCache.get(text);
  if (block === undefined) {
    const parsed = parseCidr(text.trim());
    block = typeof parsed === 'string' ? null : parsed;
    if (cidrCache.size < 10_000) cidrCache.set(text, block);
  }
  return block;
}

const NUMBER_10 = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

function parseNumber(source: string, base: number | null): number | null {
  let s = source.trim();
  let sign = 1;
  if (s.startsWith('+') || s.startsWith('-')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  let radix = base ?? 10;
  if (/^0x/i.test(s) && (base === null || base === 16)) {
    s = s.slice(2);
    radix = 16;
  }
  if (s === '') return null;
  if (radix === 10 && base === null) return NUMBER_10.test(s) ? sign * Number(s) : null;
  if (!Number.isInteger(radix) || radix < 2 || radix > 36) return null;
  const allowed = DIGITS.slice(0, radix);
  for (const c of s.toLowerCase()) if (!allowed.includes(c)) return null;
  return sign * Number.parseInt(s, radix);
}

const FUNCTIONS: readonly EqlFunction[] = [
  define('add', 2, 2, false, ([a, b]) => arithmetic('+', a ?? null, b ?? null)),
  define('subtract', 2, 2, false, ([a, b]) => arithmetic('-', a ?? null, b ?? null)),
  define('multiply', 2, 2, false, ([a, b]) => arithmetic('*', a ?? null, b ?? null)),
  define('divide', 2, 2, false, ([a, b], c) => divideValues(a ?? null, b ?? null, c.floatOperand)),
  define('modulo', 2, 2, false, ([a, b]) => moduloValues(a ?? null, b ?? null)),

  define('between', 3, 4, true, ([source, left, right, greedy], c) => {
    const s = text(source);
    const l = text(left);
    const r = text(right);
    if (s === null || l === null || r === null) return null;
    if (greedy !== undefined && greedy !== null && typeof greedy !== 'boolean') return null;
    const haystack = fold(s, c);
    const at = haystack.indexOf(fold(l, c));
    if (s === '' || at === -1) return '';
    const from = at + l.length;
    const to = greedy === true ? haystack.lastIndexOf(fold(r, c)) : haystack.indexOf(fold(r, c), from);
    return to === -1 || to < from ? '' : s.slice(from, to);
  }),

  define('cidrMatch', 2, Number.POSITIVE_INFINITY, false, ([address, ...blocks]) => {
    const a = text(address);
    if (a === null || blocks.some((b) => b === null || b === undefined)) return null;
    const ip = a.trim();
    for (const block of blocks) {
      const parsed = cidrBlock(String(block));
      if (parsed !== null && cidrContains(parsed, ip)) return true;
    }
    return false;
  }),

  define('concat', 1, Number.POSITIVE_INFINITY, false, (args) => {
    let out = '';
    for (const arg of args) {
      const t = text(arg);
      if (t === null) return null;
      out += t;
    }
    return out;
  }),

  define('endsWith', 2, 2, true, ([source, suffix], c) => {
    const s = text(source);
    const x = text(suffix);
    return s === null || x === null ? null : fold(s, c).endsWith(fold(x, c));
  }),

  define('startsWith', 2, 2, true, ([source, prefix], c) => {
    const s = text(source);
    const x = text(prefix);
    return s === null || x === null ? null : fold(s, c).startsWith(fold(x, c));
  }),

  define('stringContains', 2, 2, true, ([source, part], c) => {
    const s = text(source);
    const x = text(part);
    if (s === null || x === null) return null;
    // The reference: an empty substring is not "contained".
    return x !== '' && fold(s, c).includes(fold(x, c));
  }),

  define('indexOf', 2, 3, true, ([source, part, start], c) => {
    const s = text(source);
    const x = text(part);
    if (s === null || x === null) return null;
    let from = 0;
    if (start !== undefined) {
      const n = num(start);
      if (n === null) return null;
      from = Math.max(0, Math.trunc(n));
      if (from > s.length) return null;
    }
    const at = fold(s, c).indexOf(fold(x, c), from);
    return at === -1 ? null : at;
  }),

  define('length', 1, 1, false, ([value]) => (typeof value === 'string' ? value.length : null)),

  define('number', 1, 2, false, ([value, base]) => {
    if (typeof value === 'number') return value;
    const s = text(value);
    if (s === null) return null;
    const b = base === undefined || base === null ? null : num(base);
    if (base !== undefined && base !== null && b === null) return null;
    return parseNumber(s, b);
  }),

  define('string', 1, 1, false, ([value]) => (value === undefined ? null : asText(value))),

  define('substring', 2, 3, false, ([source, start, end]) => {
    const s = text(source);
    const from = num(start);
    if (s === null || from === null) return null;
    const to = end === undefined || end === null ? s.length : num(end);
    if (to === null) return null;
    const i = sliceIndex(from, s.length);
    const j = sliceIndex(to, s.length);
    return i >= j ? '' : s.slice(i, j);
  }),
];

const BY_NAME = new Map(FUNCTIONS.map((f) => [f.name.toLowerCase(), f]));

export function findFunction(name: string): EqlFunction | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export const FUNCTION_NAMES: readonly string[] = FUNCTIONS.map((f) => f.name);
