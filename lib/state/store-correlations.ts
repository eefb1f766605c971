/**
 * Sigma correlations across objects: each scan writes the observations of its correlated events
 * to the state store, then evaluates the windows of every group it touched over what the store
 * holds from every object. Same windows as within one object (`burstsOf`), over event time.
 *
 * Per group (correlation + group-by values) the store keeps:
 *   `o#<newest time>#<object>#<chunk>`  the observations one object added to the group, each
 *                                       keyed by its event time, object and record index: a
 *                                       re-scan writes the same item again, changing nothing;
 *   `h`                                 the head: newest event time (for the lateness bound),
 *                                       where the last burst ended (`lastKey`), and the fires
 *                                       not yet confirmed delivered.
 * One item per object and group, not per event: DynamoDB bills a write per KiB of item, so
 * fifty small observations cost a few units instead of fifty.
 * A fire is decided by a compare-and-set on the head, so of two scans that see one burst only
 * one fires it; the loser re-reads and finds the burst consumed. The fire is recorded in the head
 * in the same write, with its owner (the object whose scan fired it), so a retry of that object
 * fires it again (the publish record then skips what was already sent) until `delivered()`
 * clears it. Two concurrent scans each write before they read, so at least one reads both.
 */
import type { FieldValue, WinEvent } from '../events/win-event.ts';
import type { RuleMeta, ScanState, SequenceRecorder, SequenceRuleShape, SequenceStageHit } from '../rules/rule.ts';
import { SequenceState } from '../eql/sequence.ts';
import type { EventSource, Match } from '../scan/match.ts';
import { burstsOf, correlationMatchToMatch, eventTime, groupOf, type CorrelationRule, type SigmaCorrelations, type WindowItem } from '../sigma/index.ts';
import { compactSource, digest, padded, sourceObject } from './keys.ts';
import { expiryFor, type StateLimits } from './state-options.ts';
import type { StateItem, StateStore, VersionedItem } from './state-store.ts';

/** Sources a fire keeps (the event count stays exact). */
const MAX_SOURCES_PER_FIRE = 20;
/** Unconfirmed fires a head keeps; more only happens when owners keep crashing (evicted, counted). */
const MAX_PENDING_FIRES = 32;
const HEAD = 'h';
const OBSERVATIONS_FROM = 'o#';
const OBSERVATIONS_TO = 'o#~';

/** One observation, as kept inside an item: its key orders it (event time, then where it is). */
interface Observation {
  readonly k: string;
  readonly r: string;
  readonly t: number;
  /** The one field value_* types aggregate, when the rule names one. */
  readonly f?: FieldValue;
  /** Where the event is; its index alone when it is in the item's own object. */
  readonly i: number;
  readonly s?: EventSource;
  /** Later than the lateness bound when written: kept (a re-scan writes the same item), never joined. */
  readonly late?: true;
}

/** The observations one object (or one fire) adds to one group, in one item. */
interface ObservationsBody {
  readonly object: Omit<EventSource, 'index'>;
  readonly obs: readonly Observation[];
}

interface Fire {
  readonly seq: number;
  readonly owner: string;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly value: number;
  readonly eventCount: number;
  readonly sources: readonly EventSource[];
}

interface Head {
  readonly group: Record<string, FieldValue>;
  readonly maxTime: number;
  /** Observations up to this key are consumed by a fired burst. */
  readonly lastKey: string;
  readonly seq: number;
  readonly pending: readonly Fire[];
}

/** A rule whose windows span objects: a Sigma correlation, or an EQL sequence replayed from its stage hits. */
interface Windowed {
  readonly meta: RuleMeta;
  /** How far back in event time a window containing an event may start. */
  readonly spanMs: number;
  /** The field the aggregate reads (value_* correlations; the stage hit for sequences). */
  readonly field?: string;
  /** Bursts among the group's observations in key order; `members` when they are not contiguous. */
  bursts(items: readonly WindowItem[]): Array<{ start: number; end: number; value: number; members?: readonly number[] }>;
}

/** A sequence without maxspan is looked for within this much event time across objects. */
export const UNBOUNDED_SEQUENCE_SPAN_MS = 86_400_000;
const STAGE_FIELD = '__sequence_stage';

function correlationWindows(rule: CorrelationRule): Windowed {
  return { meta: rule.meta, spanMs: rule.timespanMs, ...(rule.field === undefined ? {} : { field: rule.field }), bursts: (items) => burstsOf(rule, items) };
}

/** EQL's own state machine over a group's stored hits; the group starts afresh after each completion. */
function sequenceWindows(shape: SequenceRuleShape): Windowed {
  return {
    meta: shape.meta,
    spanMs: shape.maxspanMs ?? UNBOUNDED_SEQUENCE_SPAN_MS,
    field: STAGE_FIELD,
    bursts(items) {
      const out: Array<{ start: number; end: number; value: number; members: readonly number[] }> = [];
      let state = new SequenceState<number>(shape.stageCount, shape.maxspanMs);
      items.forEach((item, index) => {
        const stage = item.fields[STAGE_FIELD] as { u?: boolean; s?: number[] } | null;
        if (!stage) return;
        const hit: SequenceStageHit = stage.u
          ? { untilKey: 'k', stages: [], time: item.time }
          : { untilKey: null, stages: (stage.s ?? []).map((n) => ({ stage: n, key: 'k' })), time: item.time };
        const done = state.advance(hit, index);
        if (done === null) return;
        out.push({ start: done[0]!, end: index, value: done.length, members: done });
        state = new SequenceState<number>(shape.stageCount, shape.maxspanMs);
      });
      return out;
    },
  };
}

interface LocalGroup {
  readonly rule: Windowed;
  readonly pk: string;
  readonly group: Record<string, FieldValue>;
  /** By item tag: this object's own observations, and each fire's (chained correlations). */
  readonly items: Map<string, Observation[]>;
  count: number;
}

/** Observations per item: well under DynamoDB's 400 KB item limit. */
const MAX_OBSERVATIONS_PER_ITEM = 1_000;

export interface CorrelationCounters {
  correlationObserved: number;
  correlationLate: number;
  correlationEvicted: number;
  correlationUntimed: number;
  correlationFired: number;
  correlationRefired: number;
  correlationConflicts: number;
}

export function storeCorrelations(
  correlations: SigmaCorrelations,
  sequences: readonly SequenceRuleShape[],
  store: StateStore,
  limits: StateLimits,
  object: Omit<EventSource, 'index'>,
): (ScanState & { readonly sequenceRecorder: SequenceRecorder; seen(index: number): void }) | undefined {
  if (correlations.rules.length === 0 && sequences.length === 0) return undefined;
  const windowed = new Map<string, Windowed>();
  for (const rule of correlations.rules) windowed.set(rule.meta.id, correlationWindows(rule));
  for (const shape of sequences) windowed.set(shape.meta.id, sequenceWindows(shape));
  /** Stage hits of the event being matched, until `seen` gives its position. */
  const current: Array<{ meta: RuleMeta; hit: SequenceStageHit }> = [];
  const owner = sourceObject(object);
  const ownerKey = digest(owner, 16);
  const base = compactSource({ ...object, index: 0 });
  const byBaseRule = new Map<string, CorrelationRule[]>();
  for (const rule of correlations.rules) for (const id of rule.rules) byBaseRule.set(id, [...(byBaseRule.get(id) ?? []), rule]);
  const groups = new Map<string, LocalGroup>();
  const groupsPerRule = new Map<string, number>();
  /** Heads we fired (or re-fired) from, to clear our pending fires once delivered. */
  const emittedFrom = new Set<string>();
  const counters: CorrelationCounters = {
    correlationObserved: 0,
    correlationLate: 0,
    correlationEvicted: 0,
    correlationUntimed: 0,
    correlationFired: 0,
    correlationRefired: 0,
    correlationConflicts: 0,
  };

  const addCorrelated = (rule: CorrelationRule, ruleId: string, time: number, fields: Readonly<Record<string, FieldValue>>, source: EventSource, tag: string) => {
    const group = groupOf(rule, ruleId, fields, correlations.namesOf);
    // Events missing a group-by field share a group with nothing (as within one object).
    if (group === undefined) return;
    const value = rule.field === undefined ? undefined : fields[rule.field];
    add(windowed.get(rule.meta.id)!, group, rule.groupBy.map((n) => group[n] ?? null), ruleId, time, value, source, tag);
  };

  const add = (
    rule: Windowed,
    group: Record<string, FieldValue>,
    groupKey: readonly FieldValue[],
    ruleId: string,
    time: number,
    value: FieldValue | undefined,
    source: EventSource,
    tag: string,
  ) => {
    const pk = `c#${digest(JSON.stringify([rule.meta.id, groupKey]))}`;
    let local = groups.get(pk);
    if (local === undefined) {
      const tracked = groupsPerRule.get(rule.meta.id) ?? 0;
      if (tracked >= limits.maxGroupsPerRule) {
        counters.correlationEvicted++;
        return;
      }
      groupsPerRule.set(rule.meta.id, tracked + 1);
      local = { rule, pk, group, items: new Map(), count: 0 };
      groups.set(pk, local);
    }
    if (local.count >= limits.maxObservationsPerGroup) {
      counters.correlationEvicted++;
      return;
    }
    local.count++;
    counters.correlationObserved++;
    const own = tag === ownerKey && source.uri === object.uri;
    const observation: Observation = {
      k: `${padded(time)}#${tag}#${padded(source.index, 10)}#${digest(ruleId, 8)}`,
      r: ruleId,
      t: time,
      ...(value === undefined ? {} : { f: value }),
      i: source.index,
      ...(own ? {} : { s: compactSource(source) }),
    };
    const list = local.items.get(tag) ?? [];
    list.push(observation);
    local.items.set(tag, list);
  };

  /** The items of a group, chunked, keyed by the newest event they hold so a time-bounded query finds them. */
  const itemsOf = (local: LocalGroup): StateItem[] =>
    [...local.items].flatMap(([tag, all]) => {
      const out: StateItem[] = [];
      for (let c = 0; c * MAX_OBSERVATIONS_PER_ITEM < all.length; c++) {
        const obs = all.slice(c * MAX_OBSERVATIONS_PER_ITEM, (c + 1) * MAX_OBSERVATIONS_PER_ITEM);
        const maxTime = Math.max(...obs.map((o) => o.t));
        const body: ObservationsBody = { object: base, obs };
        out.push({ pk: local.pk, sk: `${OBSERVATIONS_FROM}${padded(maxTime)}#${tag}#${c}`, body, expiresAt: expiryFor(limits, local.rule.spanMs) });
      }
      return out;
    });

  const sourceOf = (o: Observation, item: ObservationsBody): EventSource => o.s ?? { ...item.object, index: o.i };

  const toMatch = (rule: Windowed, group: Record<string, FieldValue>, fire: Fire): Match =>
    correlationMatchToMatch({
      rule: rule.meta,
      group,
      firstTime: new Date(fire.firstTime).toISOString(),
      lastTime: new Date(fire.lastTime).toISOString(),
      value: fire.value,
      sources: fire.sources,
      eventCount: fire.eventCount,
    });

  /** Writes nothing new to a head that would not change; retries a lost compare-and-set from the top. */
  const settle = async (local: LocalGroup, first: VersionedItem | undefined): Promise<Fire[]> => {
    const { rule, pk } = local;
    const mineAll = [...local.items.values()].flat().filter((o) => !o.late);
    for (let attempt = 0; attempt < limits.maxConflictRetries; attempt++) {
      // The head read before our observations were written serves the first attempt: the
      // compare-and-set fails if anyone changed it since, and the query below follows our writes.
      const stored = attempt === 0 ? first : await store.get(pk, HEAD);
      const head = stored?.body as Head | undefined;
      const again = head?.pending.filter((f) => f.owner === owner) ?? [];
      if (mineAll.length === 0) {
        // Everything this scan saw was late: only what it fired before is due again.
        if (again.length > 0) emittedFrom.add(pk);
        counters.correlationRefired += again.length;
        return again;
      }
      const lastKey = head?.lastKey ?? '';
      const lowest = Math.min(...mineAll.map((o) => o.t)) - rule.spanMs;
      // Items holding an event at or after `lowest`: every window one of our events can be in.
      const read = await store.query(pk, { from: `${OBSERVATIONS_FROM}${padded(lowest)}`, to: OBSERVATIONS_TO });
      const seen = new Map<string, { o: Observation; source: EventSource }>();
      for (const item of read) {
        const body = item.body as ObservationsBody;
        for (const o of body.obs) if (!o.late && o.t >= lowest && o.k > lastKey) seen.set(o.k, { o, source: sourceOf(o, body) });
      }
      let all = [...seen.values()].sort((a, b) => (a.o.k < b.o.k ? -1 : a.o.k > b.o.k ? 1 : 0));
      if (all.length > limits.maxObservationsPerGroup) {
        // The newest are kept: the cap evicts the oldest, counted.
        counters.correlationEvicted += all.length - limits.maxObservationsPerGroup;
        all = all.slice(-limits.maxObservationsPerGroup);
      }
      const windowItems: WindowItem[] = all.map(({ o }) => ({ ruleId: o.r, time: o.t, fields: rule.field === undefined ? {} : { [rule.field]: o.f ?? null } }));
      const fires: Fire[] = [];
      let consumed = lastKey;
      let seq = head?.seq ?? 0;
      for (const burst of rule.bursts(windowItems)) {
        const window = burst.members ? burst.members.map((m) => all[m]!) : all.slice(burst.start, burst.end + 1);
        fires.push({
          seq: ++seq,
          owner,
          firstTime: window[0]!.o.t,
          lastTime: window.at(-1)!.o.t,
          value: burst.value,
          eventCount: window.length,
          sources: window.slice(0, MAX_SOURCES_PER_FIRE).map((w) => w.source),
        });
        consumed = all[burst.end]!.o.k;
      }
      const maxTime = Math.max(head?.maxTime ?? 0, ...mineAll.map((o) => o.t));
      // The newest time is written when it moved by more than a quarter of the lateness bound: the
      // bound is then enforced to within that quarter, and most scans write no head at all.
      const moved = head === undefined || maxTime - head.maxTime > limits.latenessMs / 4;
      if (fires.length === 0 && !moved) {
        if (again.length > 0) emittedFrom.add(pk);
        counters.correlationRefired += again.length;
        return again;
      }
      const pending = [...(head?.pending ?? []), ...fires];
      counters.correlationEvicted += Math.max(0, pending.length - MAX_PENDING_FIRES);
      const next: Head = { group: local.group, maxTime, lastKey: consumed, seq, pending: pending.slice(-MAX_PENDING_FIRES) };
      if (await store.putIf({ pk, sk: HEAD, body: next, expiresAt: expiryFor(limits, rule.spanMs * 4) }, stored?.version)) {
        counters.correlationFired += fires.length;
        counters.correlationRefired += again.length;
        if (again.length + fires.length > 0) emittedFrom.add(pk);
        return [...again, ...fires];
      }
      counters.correlationConflicts++;
    }
    throw new Error(`${object.uri}: correlation state of '${rule.meta.title}' kept changing under ${limits.maxConflictRetries} attempts; the object will be retried`);
  };

  /** Marks the observations of a group older than the lateness bound of its stored head; returns the head. */
  const markLate = async (local: LocalGroup): Promise<VersionedItem | undefined> => {
    const stored = await store.get(local.pk, HEAD);
    const head = stored?.body as Head | undefined;
    if (head === undefined) return stored;
    const bound = head.maxTime - local.rule.spanMs - limits.latenessMs;
    for (const [tag, list] of local.items) {
      local.items.set(
        tag,
        list.map((o) => {
          if (o.t >= bound) return o;
          counters.correlationLate++;
          return { ...o, late: true as const };
        }),
      );
    }
    return stored;
  };

  return {
    observe(event: WinEvent, matched: readonly RuleMeta[], source: EventSource) {
      let time: number | undefined | null = null;
      for (const meta of matched) {
        const rules = byBaseRule.get(meta.id);
        if (rules === undefined) continue;
        time ??= eventTime(event.fields);
        if (time === undefined) {
          counters.correlationUntimed++;
          return;
        }
        for (const rule of rules) addCorrelated(rule, meta.id, time, event.fields, source, ownerKey);
      }
    },
    sequenceRecorder: { hit: (meta, hit) => void current.push({ meta, hit }) },
    seen(index: number) {
      if (current.length === 0) return;
      const source: EventSource = { ...object, index };
      for (const { meta, hit } of current.splice(0)) {
        if (hit.time === null) {
          counters.correlationUntimed++;
          continue;
        }
        // One observation per join key the event touches: each key's state machine is its own group.
        const byKey = new Map<string, { u?: true; s: number[] }>();
        if (hit.untilKey !== null) byKey.set(hit.untilKey, { u: true, s: [] });
        for (const { stage, key } of hit.stages) {
          const entry = byKey.get(key) ?? { s: [] };
          entry.s.push(stage);
          byKey.set(key, entry);
        }
        for (const [key, stage] of byKey) {
          const values = JSON.parse(key) as FieldValue[];
          add(windowed.get(meta.id)!, { SequenceKey: values }, values, meta.id, hit.time, stage, source, ownerKey);
        }
      }
    },
    async finish() {
      const matches: Match[] = [];
      const done = new Set<string>();
      const isCorrelation = new Set(correlations.rules.map((r) => r.meta.id));
      const pending = [...correlations.rules];
      // Correlations may read correlations: a fire becomes an observation of the ones reading it.
      const order: Array<{ w: Windowed; readers: CorrelationRule[] }> = [];
      while (pending.length > 0) {
        const index = pending.findIndex((r) => r.rules.every((id) => done.has(id) || !isCorrelation.has(id)));
        const rule = pending.splice(index < 0 ? 0 : index, 1)[0]!;
        order.push({ w: windowed.get(rule.meta.id)!, readers: byBaseRule.get(rule.meta.id) ?? [] });
        done.add(rule.meta.id);
      }
      for (const shape of sequences) order.push({ w: windowed.get(shape.meta.id)!, readers: byBaseRule.get(shape.meta.id) ?? [] });
      for (const { w: rule, readers } of order) {
        const mine = [...groups.values()].filter((g) => g.rule === rule && g.count > 0);
        const heads = new Map<string, VersionedItem | undefined>();
        for (const local of mine) heads.set(local.pk, await markLate(local));
        // Write before reading: of two scans adding to one group, the later reader sees both.
        await store.putAll(mine.flatMap(itemsOf));
        for (const local of mine) {
          for (const fire of await settle(local, heads.get(local.pk))) {
            matches.push(toMatch(rule, local.group, fire));
            const fireId = `f${digest(`${local.pk}#${fire.seq}`, 15)}`;
            for (const reader of readers) {
              addCorrelated(reader, rule.meta.id, fire.lastTime, local.group, fire.sources[0] ?? { ...object, index: 0 }, fireId);
            }
          }
        }
      }
      return matches;
    },
    async delivered() {
      // Our fires are out: clear them from the heads, so a later re-scan of this object stays quiet.
      for (const pk of emittedFrom) {
        for (let attempt = 0; attempt < limits.maxConflictRetries; attempt++) {
          const stored = await store.get(pk, HEAD);
          const head = stored?.body as Head | undefined;
          if (!stored || !head || !head.pending.some((f) => f.owner === owner)) break;
          const next: Head = { ...head, pending: head.pending.filter((f) => f.owner !== owner) };
          if (await store.putIf({ ...stored, body: next }, stored.version)) break;
        }
      }
      emittedFrom.clear();
    },
    report: () => ({ ...counters }),
  };
}
