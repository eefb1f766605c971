/**
 * Sigma correlations across objects: each scan writes the observations of its correlated events
 * to the state store, then evaluates the windows of every group it touched over what the store
 * holds from every object. Same windows as within one object (`burstsOf`), over event time.
 *
 * Per group (correlation + group-by values) the store keeps:
 *   `o#<time>#<object>#<index>#<rule>`  one observation, keyed by where the event is: a re-scan
 *                                       of an object writes the same items again, changing nothing;
 *   `h`                                 the head: newest event time, where the last burst ended
 *                                       (`lastSk`), and the fires not yet confirmed delivered.
 * A fire is decided by a compare-and-set on the head, so of two scans that see one burst only
 * one fires it; the loser re-reads and finds the burst consumed. The fire is recorded in the head
 * in the same write, with its owner (the object whose scan fired it), so a retry of that object
 * fires it again (the publish record then skips what was already sent) until `delivered()`
 * clears it. Two concurrent scans each write before they read, so at least one reads both.
 */
import type { FieldValue, WinEvent } from '../events/win-event.ts';
import type { RuleMeta, ScanState } from '../rules/rule.ts';
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

interface ObservationBody {
  readonly r: string;
  readonly t: number;
  /** The one field value_* types aggregate, when the rule names one. */
  readonly f?: FieldValue;
  readonly s: EventSource;
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
  readonly lastSk: string;
  readonly seq: number;
  readonly pending: readonly Fire[];
}

interface LocalGroup {
  readonly rule: CorrelationRule;
  readonly pk: string;
  readonly group: Record<string, FieldValue>;
  readonly items: Array<StateItem & { body: ObservationBody }>;
}

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
  store: StateStore,
  limits: StateLimits,
  object: Omit<EventSource, 'index'>,
): ScanState | undefined {
  if (correlations.rules.length === 0) return undefined;
  const owner = sourceObject(object);
  const ownerKey = digest(owner, 16);
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

  const add = (rule: CorrelationRule, ruleId: string, time: number, fields: Readonly<Record<string, FieldValue>>, source: EventSource, identity: string) => {
    const group = groupOf(rule, ruleId, fields, correlations.namesOf);
    // Events missing a group-by field share a group with nothing (as within one object).
    if (group === undefined) return;
    const pk = `c#${digest(JSON.stringify([rule.meta.id, rule.groupBy.map((n) => group[n])]))}`;
    let local = groups.get(pk);
    if (local === undefined) {
      const tracked = groupsPerRule.get(rule.meta.id) ?? 0;
      if (tracked >= limits.maxGroupsPerRule) {
        counters.correlationEvicted++;
        return;
      }
      groupsPerRule.set(rule.meta.id, tracked + 1);
      local = { rule, pk, group, items: [] };
      groups.set(pk, local);
    }
    if (local.items.length >= limits.maxObservationsPerGroup) {
      counters.correlationEvicted++;
      return;
    }
    counters.correlationObserved++;
    const value = rule.field === undefined ? undefined : fields[rule.field];
    local.items.push({
      pk,
      sk: `${OBSERVATIONS_FROM}${padded(time)}#${identity}#${digest(ruleId, 8)}`,
      body: { r: ruleId, t: time, ...(value === undefined ? {} : { f: value }), s: compactSource(source) },
      expiresAt: expiryFor(limits, rule.timespanMs),
    });
  };

  const toMatch = (rule: CorrelationRule, group: Record<string, FieldValue>, fire: Fire): Match =>
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
    for (let attempt = 0; attempt < limits.maxConflictRetries; attempt++) {
      // The head read before our observations were written serves the first attempt: the
      // compare-and-set fails if anyone changed it since, and the query below follows our writes.
      const stored = attempt === 0 ? first : await store.get(pk, HEAD);
      const head = stored?.body as Head | undefined;
      if (local.items.length === 0) {
        // Everything this scan saw was late: only what it fired before is due again.
        const again = head?.pending.filter((f) => f.owner === owner) ?? [];
        if (again.length > 0) emittedFrom.add(pk);
        counters.correlationRefired += again.length;
        return again;
      }
      const lastSk = head?.lastSk ?? '';
      const localMin = Math.min(...local.items.map((i) => i.body.t));
      const from = `${OBSERVATIONS_FROM}${padded(localMin - rule.timespanMs)}`;
      const range = { from: lastSk >= from ? `${lastSk}!` : from, to: OBSERVATIONS_TO };
      // Newest first, so the cap keeps the most recent observations.
      const read = await store.query(pk, { ...range, descending: true, limit: limits.maxObservationsPerGroup });
      if (read.length === limits.maxObservationsPerGroup) {
        const oldest = read.at(-1)!.sk;
        const more = await store.count(pk, { from: range.from, to: oldest });
        counters.correlationEvicted += Math.max(0, more - 1);
      }
      const items = read.reverse();
      const windowItems: WindowItem[] = items.map((i) => {
        const b = i.body as ObservationBody;
        return { ruleId: b.r, time: b.t, fields: rule.field === undefined ? {} : { [rule.field]: b.f ?? null } };
      });
      const fires: Fire[] = [];
      let consumed = lastSk;
      let seq = head?.seq ?? 0;
      for (const burst of burstsOf(rule, windowItems)) {
        const window = items.slice(burst.start, burst.end + 1).map((i) => i.body as ObservationBody);
        fires.push({
          seq: ++seq,
          owner,
          firstTime: window[0]!.t,
          lastTime: window.at(-1)!.t,
          value: burst.value,
          eventCount: window.length,
          sources: window.slice(0, MAX_SOURCES_PER_FIRE).map((o) => o.s),
        });
        consumed = items[burst.end]!.sk;
      }
      const maxTime = Math.max(head?.maxTime ?? 0, ...windowItems.map((i) => i.time));
      const mine = head?.pending.filter((f) => f.owner === owner) ?? [];
      if (fires.length === 0 && head !== undefined && maxTime === head.maxTime) {
        if (mine.length > 0) emittedFrom.add(pk);
        counters.correlationRefired += mine.length;
        return mine;
      }
      const pending = [...(head?.pending ?? []), ...fires];
      counters.correlationEvicted += Math.max(0, pending.length - MAX_PENDING_FIRES);
      const next: Head = { group: local.group, maxTime, lastSk: consumed, seq, pending: pending.slice(-MAX_PENDING_FIRES) };
      if (await store.putIf({ pk, sk: HEAD, body: next, expiresAt: expiryFor(limits, rule.timespanMs * 4) }, stored?.version)) {
        counters.correlationFired += fires.length;
        counters.correlationRefired += mine.length;
        if (mine.length + fires.length > 0) emittedFrom.add(pk);
        return [...mine, ...fires];
      }
      counters.correlationConflicts++;
    }
    throw new Error(`${object.uri}: correlation state of '${rule.meta.title}' kept changing under ${limits.maxConflictRetries} attempts; the object will be retried`);
  };

  /** Drops the observations of a group older than the lateness bound of its stored head; returns the head. */
  const dropLate = async (local: LocalGroup): Promise<VersionedItem | undefined> => {
    const stored = await store.get(local.pk, HEAD);
    const head = stored?.body as Head | undefined;
    if (head === undefined) return stored;
    const bound = head.maxTime - local.rule.timespanMs - limits.latenessMs;
    const kept = local.items.filter((i) => i.body.t >= bound);
    counters.correlationLate += local.items.length - kept.length;
    local.items.splice(0, local.items.length, ...kept);
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
        for (const rule of rules) add(rule, meta.id, time, event.fields, source, `${ownerKey}#${padded(source.index, 10)}`);
      }
    },
    async finish() {
      const matches: Match[] = [];
      const done = new Set<string>();
      const isCorrelation = new Set(correlations.rules.map((r) => r.meta.id));
      const pending = [...correlations.rules];
      // Correlations may read correlations: a fire becomes an observation of the ones reading it.
      while (pending.length > 0) {
        const index = pending.findIndex((r) => r.rules.every((id) => done.has(id) || !isCorrelation.has(id)));
        const rule = pending.splice(index < 0 ? 0 : index, 1)[0]!;
        const mine = [...groups.values()].filter((g) => g.rule === rule && g.items.length > 0);
        const heads = new Map<string, VersionedItem | undefined>();
        for (const local of mine) heads.set(local.pk, await dropLate(local));
        // Write before reading: of two scans adding to one group, the later reader sees both.
        await store.putAll(mine.flatMap((g) => g.items));
        for (const local of mine) {
          for (const fire of await settle(local, heads.get(local.pk))) {
            matches.push(toMatch(rule, local.group, fire));
            const fireId = `${digest(`${local.pk}#${fire.seq}`, 16)}#${padded(0, 10)}`;
            for (const reader of byBaseRule.get(rule.meta.id) ?? []) {
              add(reader, rule.meta.id, fire.lastTime, local.group, fire.sources[0] ?? { ...object, index: 0 }, fireId);
            }
          }
        }
        done.add(rule.meta.id);
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
