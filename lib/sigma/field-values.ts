/**
 * How an event's field values are read by tests, shared by the compiled engine and the reference
 * interpreter: a list value matches when any element does; time parts come from ISO timestamps.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { TimePart } from './ast.ts';

export type Leaf = string | number | boolean | null;

/** Calls `test` on each scalar inside `value` (arrays are searched, objects' values too). */
export function someLeaf(value: FieldValue, test: (leaf: Leaf) => boolean): boolean {
  if (value === null || typeof value !== 'object') return test(value);
  if (Array.isArray(value)) {
    for (const item of value as readonly FieldValue[]) if (someLeaf(item, test)) return true;
    return false;
  }
  for (const key in value) if (someLeaf((value as Record<string, FieldValue>)[key]!, test)) return true;
  return false;
}

/** The string form a field value is matched as (numbers and booleans as JSON writes them). */
export function leafText(leaf: Leaf): string | undefined {
  if (leaf === null) return undefined;
  return typeof leaf === 'string' ? leaf : String(leaf);
}

/** A number for `lt`..`gte`: numeric fields, or strings holding a decimal number. */
export function leafNumber(leaf: Leaf): number {
  if (typeof leaf === 'number') return leaf;
  if (typeof leaf === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(leaf)) return Number(leaf);
  return NaN;
}

/**
 * A part of a timestamp, in UTC. Strings are ISO 8601 (`2024-05-01T10:00:00Z`) or the
 * `2024-05-01 10:00:00` form some shippers write (read as UTC); numbers are epoch milliseconds.
 */
export function timePartOf(leaf: Leaf, part: TimePart): number {
  let ms: number;
  if (typeof leaf === 'number') ms = leaf;
  else if (typeof leaf === 'string' && /^\d{4}-\d{2}-\d{2}/.test(leaf)) {
    let text = leaf.trim().replace(' ', 'T');
    if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += 'Z';
    ms = Date.parse(text);
  } else return NaN;
  if (!Number.isFinite(ms)) return NaN;
  const date = new Date(ms);
  switch (part) {
    case 'minute':
      return date.getUTCMinutes();
    case 'hour':
      return date.getUTCHours();
    case 'day':
      return date.getUTCDate();
    case 'month':
      return date.getUTCMonth() + 1;
    case 'year':
      return date.getUTCFullYear();
    case 'week':
      return isoWeek(date);
  }
}

function isoWeek(date: Date): number {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
}
