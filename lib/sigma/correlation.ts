/**
 * Sigma correlation rules (parsed in correlation-rule.ts), evaluated across the events of one
 * scan (one object or one CLI run): the scanner feeds every event's matched rules to `observe`,
 * then `finish` returns what correlated. Nothing carries over between scans here; with a state
 * store, lib/state/store-correlations.ts evaluates the same windows (`burstsOf`) across objects.
 *
 * Windows are sliding: for each group (the `group-by` values, through `aliases`), each event
 * closes a window of `timespan` ending at its time; the first window whose aggregate meets the
 * condition fires, and the group starts afresh after it (one match per burst, not per event).
 * Events need a timestamp (`TimeCreated_SystemTime`, else `UtcTime`/`EventTime`/`@timestamp`);
 * untimed ones are counted in `untimed` rather than guessed.
 */
import type { FieldValue, WinEvent } from '../events/win-event.ts';
import type { RuleError, RuleFile, RuleMeta } from '../rules/rule.ts';
import type { EventSource } from '../scan/match.ts';
import { SigmaCompileError } from './compile-error.ts';
import { parseCorrelation, type CorrelationRule, type Op } from './correlation-rule.ts';
import { parseSigmaFiles, type ParsedSigma } from './load.ts';
import { parseOptionsOf, type SigmaOptions } from './options.ts';

export type { CorrelationRule, CorrelationType } from './correlation-rule.ts';

export interface CorrelationMatch {
  readonly rule: RuleMeta;
  /** The group-by values the events shared. */
  readonly group: Readonly<Record<string, FieldValue>>;
  readonly firstTime: string;
  readonly lastTime: string;
  /** The aggregate that met the condition (count, distinct count, sum, average, percentile). */
  readonly value: number;
  /** Where the contributing events came from, when `observe` was given sources. */
  readonly sources: readonly EventSource[];
  readonly eventCount: number;
}

export interface Correlator {
  observe(event: WinEvent, matched: readonly RuleMeta[], source?: EventSource): void;
  finish(): { matches: CorrelationMatch[]; untimed: number };
}

export interface SigmaCorrelations {
  readonly rules: readonly CorrelationRule[];
  readonly errors: readonly RuleError[];
  /** Rules referenced only by correlations with `generate: false` (the default): not alerts alone. */
  readonly hiddenRuleIds: ReadonlySet<string>;
  /** Rule id -> every name it is known by (its id, its `name`), so aliases keyed by name resolve. */
  readonly namesOf: ReadonlyMap<string, readonly string[]>;
  createCorrelator(): Correlator;
}

/** Loads the correlation documents of these files (rule documents are resolved for names). */
export function loadSigmaCorrelations(files: readonly RuleFile[], options: SigmaOptions = {}): SigmaCorrelations {
  return correlationsOf(parseSigmaFiles(files, parseOptionsOf(options)));
}

/** What resolving correlations reads of a parse: rule ids and names, the correlation documents. */
export interface CorrelationInputs {
  readonly rules: ReadonlyArray<{ readonly meta: RuleMeta; readonly name?: string }>;
  readonly correlations: ParsedSigma['correlations'];
  readonly correlationErrors: readonly RuleError[];
}

/** The correlations of files already parsed: `errors` holds the parse errors of correlation documents and every error found resolving them. */
export function correlationsOf(parsed: CorrelationInputs, stampMeta: (meta: RuleMeta) => RuleMeta = (m) => m): SigmaCorrelations {
  const errors: RuleError[] = [...parsed.correlationErrors];
  const rules: CorrelationRule[] = [];
  for (const doc of parsed.correlations) {
    try {
      const rule = parseCorrelation(doc.body, doc.source);
      rules.push({ ...rule, meta: stampMeta(rule.meta) });
    } catch (error) {
      if (!(error instanceof SigmaCompileError)) throw error;
      const id = typeof doc.body['id'] === 'string' ? doc.body['id'] : undefined;
      errors.push({ file: doc.source, ...(id ? { ruleId: id } : {}), ...(error.item ? { item: error.item } : {}), reason: error.message });
    }
  }
  const known = new Map<string, string>();
  for (const r of parsed.rules) {
    known.set(r.meta.id, r.meta.id);
    if (r.name) known.set(r.name, r.meta.id);
  }
  for (const c of rules) {
    known.set(c.meta.id, c.meta.id);
    if (c.name) known.set(c.name, c.meta.id);
  }
  const valid: CorrelationRule[] = [];
  const hidden = new Set<string>();
  for (const c of rules) {
    const missing = c.rules.filter((r) => !known.has(r));
    if (missing.length > 0) {
      errors.push({ file: c.meta.source, ruleId: c.meta.id, item: 'correlation: rules', reason: `refers to unknown rule(s) ${missing.join(', ')}` });
      continue;
    }
    valid.push(c);
    if (!c.generate) for (const r of c.rules) hidden.add(known.get(r)!);
  }
  const resolved = valid.map((c) => ({ ...c, rules: c.rules.map((r) => known.get(r)!) }));
  return { rules: resolved, errors, hiddenRuleIds: hidden, namesOf: namesByRule(known), createCorrelator: () => createCorrelator(resolved, known) };
}

function namesByRule(known: ReadonlyMap<string, string>): Map<string, string[]> {
  const namesOf = new Map<string, string[]>();
  for (const [key, id] of known) namesOf.set(id, [...(namesOf.get(id) ?? []), key]);
  return namesOf;
}

/** One rule hit, as correlations see it. */
interface Observation {
  readonly ruleId: string;
  readonly time: number;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly sources: readonly EventSource[];
}

const TIME_FIELDS = ['TimeCreated_SystemTime', 'UtcTime', 'EventTime', '@timestamp', 'TimeCreated'];

export function eventTime(fields: Readonly<Record<string, FieldValue>>): number | undefined {
  for (const name of TIME_FIELDS) {
    const v = fields[name];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
      let text = v.trim().replace(' ', 'T');
      if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text += 'Z';
      const ms = Date.parse(text);
      if (Number.isFinite(ms)) return ms;
    }
  }
  return undefined;
}

function createCorrelator(rules: readonly CorrelationRule[], known: ReadonlyMap<string, string>): Correlator {
  const wanted = new Set(rules.flatMap((r) => r.rules));
  const observations: Observation[] = [];
  let untimed = 0;
  // id -> names, so aliases keyed by a rule name resolve.
  const namesOf = namesByRule(known);
  return {
    observe(event, matched, source) {
      let timed: number | undefined | null = null;
      for (const rule of matched) {
        if (!wanted.has(rule.id)) continue;
        if (timed === null) timed = eventTime(event.fields);
        if (timed === undefined) {
          untimed++;
          return;
        }
        observations.push({ ruleId: rule.id, time: timed, fields: event.fields, sources: source ? [source] : [] });
      }
    },
    finish() {
      const matches: CorrelationMatch[] = [];
      const pending = [...rules];
      const done = new Set<string>();
      // Correlations may feed correlations: evaluate each once everything it reads is done.
      while (pending.length > 0) {
        const index = pending.findIndex((r) => r.rules.every((id) => done.has(id) || !rules.some((c) => c.meta.id === id)));
        const rule = pending.splice(index < 0 ? 0 : index, 1)[0]!;
        const found = evaluateCorrelation(rule, observations.filter((o) => rule.rules.includes(o.ruleId)), namesOf);
        for (const m of found) {
          matches.push(m);
          const fields: Record<string, FieldValue> = { ...m.group };
          observations.push({ ruleId: rule.meta.id, time: Date.parse(m.lastTime), fields, sources: m.sources });
        }
        done.add(rule.meta.id);
      }
      return { matches, untimed };
    },
  };
}

function groupValue(rule: CorrelationRule, name: string, o: Observation, namesOf: ReadonlyMap<string, readonly string[]>): FieldValue {
  const alias = rule.aliases[name];
  if (alias) {
    for (const key of [o.ruleId, ...(namesOf.get(o.ruleId) ?? [])]) {
      const field = alias[key];
      if (field !== undefined) return o.fields[field] ?? null;
    }
    return null;
  }
  return o.fields[name] ?? null;
}

function evaluateCorrelation(rule: CorrelationRule, observations: readonly Observation[], namesOf: ReadonlyMap<string, readonly string[]>): CorrelationMatch[] {
  const groups = new Map<string, { group: Record<string, FieldValue>; items: Observation[] }>();
  for (const o of observations) {
    const group: Record<string, FieldValue> = {};
    for (const name of rule.groupBy) group[name] = groupValue(rule, name, o, namesOf);
    // Events missing a group-by field do not share a group with anything.
    if (rule.groupBy.some((name) => group[name] === null)) continue;
    const key = JSON.stringify(rule.groupBy.map((n) => group[n]));
    const entry = groups.get(key) ?? { group, items: [] };
    entry.items.push(o);
    groups.set(key, entry);
  }
  const out: CorrelationMatch[] = [];
  for (const { group, items } of groups.values()) {
    items.sort((a, b) => a.time - b.time);
    for (const burst of burstsOf(rule, items)) {
      const window = items.slice(burst.start, burst.end + 1);
      out.push({
        rule: rule.meta,
        group,
        firstTime: new Date(window[0]!.time).toISOString(),
        lastTime: new Date(window.at(-1)!.time).toISOString(),
        value: burst.value,
        sources: window.flatMap((o) => o.sources),
        eventCount: window.length,
      });
    }
  }
  return out;
}

/** What a window's aggregate reads of one observation: its rule, time and the fields the rule names. */
export interface WindowItem {
  readonly ruleId: string;
  readonly time: number;
  readonly fields: Readonly<Record<string, FieldValue>>;
}

/**
 * The bursts of one group's observations, sorted by time: sliding windows of `timespan`, the
 * first window meeting the condition fires and the next starts after it. Indexes are inclusive.
 * Shared by the per-scan correlator and the cross-object one (lib/state), so both mean the same.
 */
export function burstsOf(rule: CorrelationRule, items: readonly WindowItem[]): Array<{ start: number; end: number; value: number }> {
  const out: Array<{ start: number; end: number; value: number }> = [];
  let start = 0;
  for (let end = 0; end < items.length; end++) {
    while (items[end]!.time - items[start]!.time > rule.timespanMs) start++;
    const value = aggregate(rule, items.slice(start, end + 1));
    if (value === undefined || !rule.condition.every((c) => compare(value, c.op, c.value))) continue;
    out.push({ start, end, value });
    start = end + 1;
  }
  return out;
}

/** The group-by values of one observation (through aliases); undefined when one is missing. */
export function groupOf(
  rule: CorrelationRule,
  ruleId: string,
  fields: Readonly<Record<string, FieldValue>>,
  namesOf: ReadonlyMap<string, readonly string[]>,
): Record<string, FieldValue> | undefined {
  const group: Record<string, FieldValue> = {};
  for (const name of rule.groupBy) {
    const value = groupValue(rule, name, { ruleId, time: 0, fields, sources: [] }, namesOf);
    if (value === null) return undefined;
    group[name] = value;
  }
  return group;
}

function aggregate(rule: CorrelationRule, window: readonly WindowItem[]): number | undefined {
  switch (rule.type) {
    case 'event_count':
      return window.length;
    case 'value_count':
      return new Set(window.map((o) => o.fields[rule.field!]).filter((v) => v !== undefined && v !== null).map((v) => JSON.stringify(v))).size;
    case 'temporal':
      return new Set(window.map((o) => o.ruleId)).size;
    case 'temporal_ordered': {
      // The rules, in their listed order, as a subsequence of the window (earliest-first greedy).
      let next = 0;
      for (const o of window) if (next < rule.rules.length && o.ruleId === rule.rules[next]) next++;
      return next;
    }
    case 'value_sum':
    case 'value_avg':
    case 'value_percentile': {
      const numbers = window.map((o) => numeric(o.fields[rule.field!])).filter((n): n is number => n !== undefined);
      if (numbers.length === 0) return undefined;
      if (rule.type === 'value_sum') return numbers.reduce((a, b) => a + b, 0);
      if (rule.type === 'value_avg') return numbers.reduce((a, b) => a + b, 0) / numbers.length;
      // Nearest-rank percentile.
      numbers.sort((a, b) => a - b);
      const rank = Math.max(1, Math.ceil((rule.percentile! / 100) * numbers.length));
      return numbers[rank - 1]!;
    }
  }
}

function numeric(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'eq':
      return a === b;
    case 'neq':
      return a !== b;
  }
}
