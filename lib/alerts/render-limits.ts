/**
 * How much of the events an alert carries. Alerts start at FULL and step down until they fit
 * SNS's size limit: an alert is trimmed (with markers saying so), never dropped.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { RuleMeta } from '../rules/rule.ts';
import type { Alert, ObjectRef } from './alert.ts';
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

/**
 * Caps on the parts of an alert that TRIM_STEPS does not step down: the host, the rule's text and
 * the object's names, each cut with `…[truncated]` when longer. One odd event (a `Computer` of
 * 130,000 characters) or rule then cannot make every step too big. Characters (UTF-16 units).
 */
export const FIELD_CAPS = {
  /** DNS names are at most 253 characters; NetBIOS names 15. */
  host: 255,
  ruleId: 128,
  ruleTitle: 256,
  /** Description and author. */
  ruleText: 4096,
  /** Each reference, triage step, tag and false positive; the source path. */
  listItem: 512,
  /** References, triage steps, tags and false positives kept per rule. */
  listItems: 20,
  /** S3 keys are at most 1,024 bytes; with the bucket and scheme this holds any real URI. */
  uri: 2048,
  /** Version ids and ETags. */
  objectId: 1024,
  /** Field names in evidence. */
  fieldName: 256,
} as const;

/** The alert with its host, rule text and object names within FIELD_CAPS (the events are left to TRIM_STEPS). */
export function boundAlert(alert: Alert): Alert {
  const { rule, object } = alert;
  const items = (list: readonly string[]): string[] => {
    const kept = list.slice(0, FIELD_CAPS.listItems).map((s) => truncate(s, FIELD_CAPS.listItem));
    return list.length > FIELD_CAPS.listItems ? [...kept, TRUNCATION_MARKER] : kept;
  };
  const bounded: RuleMeta = {
    ...rule,
    id: truncate(rule.id, FIELD_CAPS.ruleId),
    title: truncate(rule.title, FIELD_CAPS.ruleTitle),
    author: truncate(rule.author, FIELD_CAPS.ruleText),
    description: truncate(rule.description, FIELD_CAPS.ruleText),
    references: items(rule.references),
    tags: items(rule.tags),
    triage: items(rule.triage),
    falsePositives: items(rule.falsePositives),
    source: truncate(rule.source, FIELD_CAPS.listItem),
    ...(rule.license === undefined ? {} : { license: truncate(rule.license, FIELD_CAPS.listItem) }),
  };
  const objectRef: ObjectRef = {
    uri: truncate(object.uri, FIELD_CAPS.uri),
    ...(object.bucket === undefined ? {} : { bucket: truncate(object.bucket, FIELD_CAPS.uri) }),
    ...(object.key === undefined ? {} : { key: truncate(object.key, FIELD_CAPS.uri) }),
    ...(object.versionId === undefined ? {} : { versionId: truncate(object.versionId, FIELD_CAPS.objectId) }),
    ...(object.etag === undefined ? {} : { etag: truncate(object.etag, FIELD_CAPS.objectId) }),
  };
  const matches = alert.matches.map((m) => ({
    ...m,
    rule: bounded,
    evidence: m.evidence.map((e) => ({ ...e, field: truncate(e.field, FIELD_CAPS.fieldName), test: truncate(e.test, FIELD_CAPS.listItem) })),
  }));
  return { ...alert, host: truncate(alert.host, FIELD_CAPS.host), rule: bounded, object: objectRef, matches };
}
