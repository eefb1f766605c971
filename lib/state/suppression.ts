/**
 * Suppression across objects: for a rule with a suppression window, the first match of a key
 * (the host by default) opens a window of event time; repeats of that rule + key inside it, in
 * this object or any other, are counted instead of published; when the window closes (the next
 * match after it, or a later scan whose events are past its end + lateness) one "N more" match
 * carries the count. Panther's dedup period, in event time.
 *
 * A sink wrapper: matches of suppressed rules are held during the scan (only the ones that open
 * a window in this object, the rest as counts), merged into the stored windows at `finish`, and
 * what passes goes to the inner sink. Per rule + key the store keeps one head item (`s#...`, `h`)
 * holding the last windows, each with its opener, the count each object added (so a re-scan sets
 * its count again rather than adding it twice) and how much was already summarised; it changes
 * only by compare-and-set. Summaries are recorded in the head with their owner in the same write,
 * and repeated by that owner's retries until delivered. A `sweep` partition, sorted by window
 * end, lets any scan close windows nobody matched again.
 */
import type { AlertSink, DeliveryReport } from '../alerts/alert-sink.ts';
import { eventHost } from '../alerts/event-facts.ts';
import type { FieldValue } from '../events/win-event.ts';
import type { RuleMeta } from '../rules/rule.ts';
import type { EventSource, Match } from '../scan/match.ts';
import type { ScanSummary } from '../scan/scan-summary.ts';
import { eventTime } from '../sigma/index.ts';
import { compactSource, digest, padded, sourceObject } from './keys.ts';
import { expiryFor, type StateLimits } from './state-options.ts';
import type { StateStore, VersionedItem } from './state-store.ts';

/** Windows a head remembers (for late and re-scanned events); older ones are forgotten. */
const MAX_WINDOWS = 8;
/** Objects whose count a window keeps one by one; more are summed into `overflow`. */
const MAX_COUNTED_OBJECTS = 256;
/** Windows one object may open per rule + key; later matches pass unsuppressed (counted). */
const MAX_LOCAL_WINDOWS = 64;
const MAX_PENDING = 16;
const SWEEP = 'sweep';
/** Windows one scan closes from the sweep list (the rest wait for the next scan). */
const SWEEP_BATCH = 25;
const HEAD = 'h';

export interface SuppressionSettings {
  /** The window for a rule, or undefined when its matches are never suppressed. */
  windowFor(rule: RuleMeta): { readonly windowMs: number; readonly by?: readonly string[] } | undefined;
  /** Rules by id, so the sweep can name the rule of a window it closes. */
  readonly rules: ReadonlyMap<string, RuleMeta>;
}

interface StoredWindow {
  readonly start: number;
  readonly end: number;
  readonly opener: string;
  readonly openerSource: EventSource;
  openerDelivered: boolean;
  counts: Record<string, number>;
  overflow: number;
  summarised: number;
  /** Listed in the sweep partition (once per window: the listing is what lets a later scan close it). */
  listed?: boolean;
}

interface Summary {
  readonly owner: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly count: number;
  readonly seq: number;
  readonly openerSource: EventSource;
}

interface Head {
  readonly ruleId: string;
  readonly key: string;
  windows: StoredWindow[];
  pending: Summary[];
  seq: number;
}

interface LocalWindow {
  readonly start: number;
  readonly opener: Match;
  count: number;
}

interface LocalKey {
  readonly rule: RuleMeta;
  readonly key: string;
  readonly windowMs: number;
  readonly windows: LocalWindow[];
}

function totalOf(w: StoredWindow): number {
  return Object.values(w.counts).reduce((a, b) => a + b, 0) + w.overflow;
}

export interface SuppressionCounters {
  suppressed: number;
  suppressionSummaries: number;
  suppressionLate: number;
  suppressionEvicted: number;
  suppressionConflicts: number;
}

export function suppressingSink(
  inner: AlertSink,
  deps: { store: StateStore; limits: StateLimits; settings: SuppressionSettings; object: Omit<EventSource, 'index'> },
): AlertSink & { counters(): SuppressionCounters } {
  const { store, limits, settings } = deps;
  const owner = sourceObject(deps.object);
  const keys = new Map<string, LocalKey>();
  const keysPerRule = new Map<string, number>();
  /** Heads this scan published from (openers, summaries): to be marked delivered after the sink. */
  const emitted = new Set<string>();
  let maxTime = -Infinity;
  const counters: SuppressionCounters = { suppressed: 0, suppressionSummaries: 0, suppressionLate: 0, suppressionEvicted: 0, suppressionConflicts: 0 };

  const identity = (source: EventSource) => `${owner}@${source.index}`;
  const pkOf = (ruleId: string, key: string) => `s#${digest(JSON.stringify([ruleId, key]))}`;

  const summaryMatch = (rule: RuleMeta, key: string, s: Summary): Match => {
    const fields: Record<string, FieldValue> = {
      Computer: key,
      SuppressedCount: s.count,
      WindowStart: new Date(s.windowStart).toISOString(),
      WindowEnd: new Date(s.windowEnd).toISOString(),
    };
    return {
      rule,
      event: { fields, raw: s, layout: 'suppression' },
      source: s.openerSource,
      evidence: [{ field: 'SuppressedCount', value: s.count, test: `${s.count} more match(es) of this rule on ${key} in the suppression window, not published one by one` }],
      suppressed: { count: s.count, key: `${digest(key, 16)}#${s.windowStart}#${s.seq}` },
    };
  };

  /** Closes windows that ended before `closeBefore` (or are not the latest) and summarises what they hold. */
  const summarise = (head: Head, closeBefore: number): Summary[] => {
    const out: Summary[] = [];
    const latest = head.windows.at(-1);
    for (const w of head.windows) {
      const closed = w !== latest || w.end <= closeBefore;
      const total = totalOf(w);
      if (!closed || total <= w.summarised) continue;
      const s: Summary = { owner, windowStart: w.start, windowEnd: w.end, count: total - w.summarised, seq: ++head.seq, openerSource: w.openerSource };
      w.summarised = total;
      out.push(s);
    }
    head.pending.push(...out);
    counters.suppressionEvicted += Math.max(0, head.pending.length - MAX_PENDING);
    head.pending = head.pending.slice(-MAX_PENDING);
    return out;
  };

  /** Merges this object's local windows into the head; returns the matches to publish. */
  const merge = (head: Head, local: LocalKey): Match[] => {
    const out: Match[] = [];
    const mine = new Map<StoredWindow, number>();
    const setMine = (w: StoredWindow, n: number) => mine.set(w, (mine.get(w) ?? 0) + n);
    for (const L of [...local.windows].sort((a, b) => a.start - b.start)) {
      const id = identity(L.opener.source);
      const into = head.windows.find((w) => w.start <= L.start && L.start < w.end);
      if (into) {
        if (into.opener === id) {
          // A re-scan of the object that opened it: the opener is due again only if never delivered.
          if (!into.openerDelivered) out.push(L.opener);
          setMine(into, L.count);
        } else {
          // Its opener repeats a window another object opened: counted there, not published.
          setMine(into, L.count + 1);
          counters.suppressed++;
        }
        continue;
      }
      const latest = head.windows.at(-1);
      const oldest = head.windows[0];
      if (latest && L.start < latest.start && (head.windows.length >= MAX_WINDOWS && oldest && L.start < oldest.start || L.start < latest.start - limits.latenessMs)) {
        // Older than the windows remembered, or than the lateness bound: published, and its repeats reported late.
        counters.suppressionLate += L.count;
        out.push(L.opener);
        continue;
      }
      // A new window here; it ends where the next one starts, so windows never overlap.
      const next = head.windows.find((w) => w.start > L.start);
      const window: StoredWindow = {
        start: L.start,
        end: Math.min(L.start + local.windowMs, next?.start ?? Infinity),
        opener: id,
        openerSource: compactSource(L.opener.source),
        openerDelivered: false,
        counts: {},
        overflow: 0,
        summarised: 0,
      };
      head.windows.push(window);
      head.windows.sort((a, b) => a.start - b.start);
      setMine(window, L.count);
      out.push(L.opener);
    }
    for (const [w, n] of mine) {
      // Set, not add: a re-scan of this object states the same count again.
      if (w.counts[owner] === undefined && Object.keys(w.counts).length >= MAX_COUNTED_OBJECTS) {
        w.overflow += n;
        counters.suppressionEvicted++;
      } else if (n > 0 || w.counts[owner] !== undefined) {
        w.counts[owner] = n;
      }
    }
    head.windows = head.windows.slice(-MAX_WINDOWS);
    return out;
  };

  /** Read, change, compare-and-set, retried from the read when another scan got there first. */
  const update = async (pk: string, change: (head: Head | undefined) => { head: Head; out: Match[] } | undefined): Promise<Match[]> => {
    for (let attempt = 0; attempt < limits.maxConflictRetries; attempt++) {
      const stored: VersionedItem | undefined = await store.get(pk, HEAD);
      const head = stored ? (structuredClone(stored.body) as Head) : undefined;
      const result = change(head);
      if (!result) return [];
      const windowSpan = Math.max(0, ...result.head.windows.map((w) => w.end - w.start));
      if (await store.putIf({ pk, sk: HEAD, body: result.head, expiresAt: expiryFor(limits, windowSpan * 4) }, stored?.version)) return result.out;
      counters.suppressionConflicts++;
    }
    throw new Error(`${deps.object.uri}: suppression state kept changing under ${limits.maxConflictRetries} attempts; the object will be retried`);
  };

  const mineDue = (head: Head, rule: RuleMeta): Match[] => head.pending.filter((s) => s.owner === owner).map((s) => summaryMatch(rule, head.key, s));

  return {
    async add(match: Match) {
      const config = match.event.layout === 'correlation' || match.suppressed ? undefined : settings.windowFor(match.rule);
      const time = config ? eventTime(match.event.fields) : undefined;
      if (!config || time === undefined) return inner.add(match);
      maxTime = Math.max(maxTime, time);
      const key = config.by && config.by.length > 0 ? JSON.stringify(config.by.map((f) => match.event.fields[f] ?? null)) : eventHost(match.event);
      const k = JSON.stringify([match.rule.id, key]);
      let local = keys.get(k);
      if (local === undefined) {
        const tracked = keysPerRule.get(match.rule.id) ?? 0;
        if (tracked >= limits.maxGroupsPerRule) {
          counters.suppressionEvicted++;
          return inner.add(match);
        }
        keysPerRule.set(match.rule.id, tracked + 1);
        local = { rule: match.rule, key, windowMs: config.windowMs, windows: [] };
        keys.set(k, local);
      }
      // Local windows in arrival order: repeats are only counted, so a storm holds one match per window.
      const open = local.windows.find((w) => w.start <= time && time < w.start + local.windowMs);
      if (open) {
        open.count++;
        counters.suppressed++;
        return;
      }
      if (local.windows.length >= MAX_LOCAL_WINDOWS) {
        counters.suppressionEvicted++;
        return inner.add(match);
      }
      local.windows.push({ start: time, opener: match, count: 0 });
    },
    async finish(summary: ScanSummary): Promise<DeliveryReport> {
      for (const local of keys.values()) {
        const pk = pkOf(local.rule.id, local.key);
        let open: StoredWindow[] = [];
        const out = await update(pk, (found) => {
          const head: Head = found ?? { ruleId: local.rule.id, key: local.key, windows: [], pending: [], seq: 0 };
          const due = mineDue(head, local.rule);
          const passed = merge(head, local);
          const summaries = summarise(head, -Infinity).map((s) => summaryMatch(local.rule, local.key, s));
          open = head.windows.filter((w) => totalOf(w) > w.summarised && !w.listed);
          for (const w of open) w.listed = true;
          return { head, out: [...due, ...passed, ...summaries] };
        });
        counters.suppressionSummaries += out.filter((m) => m.suppressed).length;
        if (out.length > 0) emitted.add(pk);
        for (const m of out) await inner.add(m);
        // Windows holding repeats not yet summarised, listed by their end so a later scan can close them.
        await store.putAll(open.map((w) => ({ pk: SWEEP, sk: `${padded(w.end)}#${pk}`, body: { pk }, expiresAt: expiryFor(limits, (w.end - w.start) * 4) })));
      }
      if (maxTime > -Infinity) await sweep(maxTime - limits.latenessMs);
      const report = await inner.finish(summary);
      // Delivered: this object's openers and summaries are out, so a re-scan of it stays quiet.
      if (report.failed === 0) await confirm(emitted);
      return { ...report, state: { ...report.state, ...counters } };
    },
    counters: () => ({ ...counters }),
  };

  /** Closes windows that ended before `bound` (event time) wherever they are, summarising their repeats. */
  async function sweep(bound: number): Promise<void> {
    const due = await store.query(SWEEP, { to: `${padded(bound)}#~`, limit: SWEEP_BATCH });
    for (const item of due) {
      const pk = (item.body as { pk: string }).pk;
      {
        const out = await update(pk, (found) => {
          if (!found) return undefined;
          const rule = settings.rules.get(found.ruleId);
          if (!rule) return undefined;
          const summaries = summarise(found, bound);
          return summaries.length === 0 ? undefined : { head: found, out: summaries.map((s) => summaryMatch(rule, found.key, s)) };
        });
        counters.suppressionSummaries += out.length;
        for (const m of out) await inner.add(m);
        if (out.length > 0) emitted.add(pk);
      }
      await store.delete(SWEEP, item.sk);
    }
  }

  async function confirm(pks: Iterable<string>): Promise<void> {
  for (const pk of pks) {
    for (let attempt = 0; attempt < limits.maxConflictRetries; attempt++) {
      const stored = await store.get(pk, HEAD);
      if (!stored) break;
      const head = structuredClone(stored.body) as Head;
      const openers = head.windows.filter((w) => w.opener.startsWith(`${owner}@`) && !w.openerDelivered);
      const mine = head.pending.filter((s) => s.owner === owner);
      if (openers.length === 0 && mine.length === 0) break;
      for (const w of openers) w.openerDelivered = true;
      head.pending = head.pending.filter((s) => s.owner !== owner);
      if (await store.putIf({ ...stored, body: head }, stored.version)) break;
    }
  }
  }
}
