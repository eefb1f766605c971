/**
 * How much of the events an alert carries. Alerts start at FULL and step down until they fit
 * SNS's size limit: an alert is trimmed (with markers saying so), never dropped.
 */
import type { FieldValue } from '../events/win-event.ts';
import { TRUNCATION_MARKER, truncate } from './sanitise.ts';

export interface RenderLimits {
  /** Events shown in full (the count still says how many matched). */
  readonly maxEvents: number;
  /** Longest string kept inside event fields and evidence values. */
  readonly maxValueChars: number;
  /** Fields kept per event (the matched ones are always in the evidence). */
  readonly maxFieldsPerEvent: number;
  /** Longest serialised raw event kept as an object; longer ones become a cut string; 0 drops it. */
  readonly maxRawChars: number;
}

export const FULL: RenderLimits = {
  maxEvents: Number.POSITIVE_INFINITY,
  maxValueChars: Number.POSITIVE_INFINITY,
  maxFieldsPerEvent: Number.POSITIVE_INFINITY,
  maxRawChars: Number.POSITIVE_INFINITY,
};

/** Each step gives up more detail; the last fits any alert (bounded counts times bounded lengths). */
export const TRIM_STEPS: readonly RenderLimits[] = [
  FULL,
  { maxEvents: 10, maxValueChars: 4096, maxFieldsPerEvent: 200, maxRawChars: 16_384 },
  { maxEvents: 5, maxValueChars: 1024, maxFieldsPerEvent: 100, maxRawChars: 2048 },
  { maxEvents: 3, maxValueChars: 256, maxFieldsPerEvent: 50, maxRawChars: 0 },
  { maxEvents: 1, maxValueChars: 128, maxFieldsPerEvent: 30, maxRawChars: 0 },
  { maxEvents: 1, maxValueChars: 64, maxFieldsPerEvent: 8, maxRawChars: 0 },
];

/** Below this nesting depth a trimmed value keeps its structure; deeper, it becomes a cut string. */
const MAX_DEPTH = 3;

export function isTrimmed(limits: RenderLimits): boolean {
  return limits !== FULL;
}

/** A field value with long strings cut and long lists/objects shortened, each saying so. */
export function limitValue(value: FieldValue, limits: RenderLimits, depth = 0): FieldValue {
  if (typeof value === 'string') return truncate(value, limits.maxValueChars);
  if (value === null || typeof value !== 'object') return value;
  // Width limits alone would let nesting multiply (30 wide, 4 deep = 810,000 leaves).
  if (limits !== FULL && depth >= MAX_DEPTH) return truncate(JSON.stringify(value), limits.maxValueChars);
  if (Array.isArray(value)) {
    const items = value.slice(0, limits.maxFieldsPerEvent).map((item) => limitValue(item, limits, depth + 1));
    return items.length < value.length ? [...items, TRUNCATION_MARKER] : items;
  }
  return limitFields(value as Record<string, FieldValue>, limits, depth + 1);
}

export function limitFields(
  fields: Readonly<Record<string, FieldValue>>,
  limits: RenderLimits,
  depth = 0,
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  const entries = Object.entries(fields);
  for (const [name, value] of entries.slice(0, limits.maxFieldsPerEvent)) {
    out[truncate(name, limits.maxValueChars)] = limitValue(value, limits, depth);
  }
  if (entries.length > limits.maxFieldsPerEvent) out['winsift.truncated_fields'] = entries.length - limits.maxFieldsPerEvent;
  return out;
}

/** The raw record as parsed, or a cut string of it, or nothing, within `maxRawChars`. */
export function limitRaw(raw: unknown, limits: RenderLimits): unknown {
  if (limits.maxRawChars <= 0) return undefined;
  if (limits.maxRawChars === Number.POSITIVE_INFINITY) return raw;
  const text = JSON.stringify(raw) ?? '';
  return text.length <= limits.maxRawChars ? raw : truncate(text, limits.maxRawChars);
}
