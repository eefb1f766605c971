/**
 * Small helpers every layout uses to fill the canonical (Sigma) field view consistently.
 */
import type { FieldValue } from '../../events/win-event.ts';
import { toFieldValue } from './evtx-json.ts';
import { isRecord } from './record.ts';

export type MutableFields = Record<string, FieldValue>;

/** `EventID` is always a number when the source had one, whatever type the shipper wrote. */
export function eventIdValue(value: unknown): FieldValue {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return toFieldValue(value);
}

/** Sets a field only when the source carried it (absent stays absent, so `|exists` works). */
export function setField(fields: MutableFields, name: string, value: unknown): void {
  if (value === undefined) return;
  fields[name] = name === 'EventID' ? eventIdValue(value) : toFieldValue(value);
}

/** Copies a map of EventData-style items from parsed JSON (already field values, so no
 *  conversion), keeping existing (System) fields on collision unless `overwrite`. Returns
 *  whether a copied name holds a space (then the layout calls `stripSpacedNames`). */
export function addDataItems(fields: MutableFields, items: unknown, overwrite = true): boolean {
  if (!isRecord(items)) return false;
  let spaced = false;
  for (const name in items) {
    if (!overwrite && name in fields) continue;
    fields[name] = items[name] as FieldValue;
    if (!spaced && name.includes(' ')) spaced = true;
  }
  return spaced;
}

/** `a.b.c` of a parsed JSON object, or undefined. */
export function pathValue(record: unknown, ...path: string[]): unknown {
  let current = record;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}
