/**
 * How EQL compares values. Results are three-valued: `true`, `false`, or `null` (unknown, when
 * an operand is null); only `true` makes a query match.
 *
 * Elasticsearch types fields by their mapping; here documents are plain JSON, so a string that
 * holds a number compares equal to that number (`winlog.event_id: "4624"` == `4624`), as a term
 * query on a keyword or numeric field would.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { ComparisonOperator } from './ast.ts';

export type Truth = boolean | null;

/** A field value as one scalar for functions and arithmetic: `[x]` is `x`; several values, objects and absence are null. */
export function scalar(value: FieldValue | undefined): FieldValue {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.length === 1 ? scalar(value[0] as FieldValue) : null;
  return value;
}

/** Text for `:`, `like`, `regex`, `in~` and string functions: numbers and booleans read as they print. */
export function asText(value: FieldValue): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function asNumber(value: FieldValue): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return null;
}

/** `a <op> b` for two non-null scalars. `null` when the types cannot be ordered. */
export function compare(a: FieldValue, b: FieldValue, operator: ComparisonOperator): Truth {
  if (operator === '==') return looselyEqual(a, b);
  if (operator === '!=') return !looselyEqual(a, b);
  let order: number;
  if (typeof a === 'string' && typeof b === 'string') {
    // Case-sensitive, by UTF-16 code units: Java's String.compareTo, which Elasticsearch uses.
    order = a < b ? -1 : a > b ? 1 : 0;
  } else if (typeof a === 'boolean' && typeof b === 'boolean') {
    order = Number(a) - Number(b);
  } else {
    const x = asNumber(a);
    const y = asNumber(b);
    if (x === null || y === null) return null;
    order = x < y ? -1 : x > y ? 1 : 0;
  }
  switch (operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

/** Case-sensitive equality, numbers and numeric strings meeting on their numeric value. */
export function looselyEqual(a: FieldValue, b: FieldValue): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    return x !== null && x === y;
  }
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b;
  if (typeof b === 'boolean' && typeof a === 'string') return String(b) === a;
  return false;
}

/** A flipped operator, for rewriting `"x" == field` as `field == "x"`. */
export function mirror(operator: ComparisonOperator): ComparisonOperator {
  switch (operator) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return operator;
  }
}

/** Whether a field value counts as absent: missing, null, or an empty array. */
export function isAbsent(value: FieldValue | undefined): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}
