/**
 * Everything a scanner needs to keep detection state across objects, from one store: the
 * correlation state for `scanStream({ crossObject })` and the suppressing wrapper for its sink.
 * Without it (no STATE_TABLE, no --state) correlations stay within one object, as before.
 */
import type { AlertSink } from '../alerts/alert-sink.ts';
import type { RulePack } from '../rules/rule-pack.ts';
import type { RuleMeta, ScanState, SequenceRecorder } from '../rules/rule.ts';
import type { EventSource } from '../scan/match.ts';
import { DEFAULT_STATE_LIMITS, type StateLimits } from './state-options.ts';
import type { StateStore, StoreStats } from './state-store.ts';
import { storeCorrelations } from './store-correlations.ts';
import { suppressingSink } from './suppression.ts';

export interface CrossObjectOptions {
  readonly store: StateStore;
  readonly limits?: Partial<StateLimits>;
  /** Suppression window for every rule without its own `suppress` (undefined: only rules that ask). */
  readonly defaultSuppressMs?: number;
  /** The key of the default window's suppression (the pack's `suppress.default.by`; undefined: the host). */
  readonly defaultSuppressBy?: readonly string[];
  /**
   * Per-rule settings from the pack configuration, by rule id (win over the rule's own
   * attribute). suppression-options.ts builds these three from a pack and the global default.
   */
  readonly suppressByRule?: ReadonlyMap<string, RuleMeta['suppress']>;
}

/** One object's part: correlations observed as usual, EQL sequence stage hits through the recorder. */
export interface CrossObjectScan extends ScanState {
  /** Given to the detectors, so EQL sequences hand over their stage hits instead of completing within the object. */
  readonly sequenceRecorder?: SequenceRecorder;
  /** Told the position of each event right after it was matched, so its stage hits know where they are. */
  seen?(index: number): void;
}

export interface CrossObjectState {
  readonly store: StateStore;
  /** For `scanStream({ crossObject })`. */
  begin(object: Omit<EventSource, 'index'>): CrossObjectScan;
  /** The sink of one object, with suppression in front of it, reporting the object's store requests in `state`. */
  wrapSink(sink: AlertSink, object: Omit<EventSource, 'index'>): AlertSink;
}

export function crossObjectState(pack: RulePack, options: CrossObjectOptions): CrossObjectState {
  const limits: StateLimits = { ...DEFAULT_STATE_LIMITS, ...options.limits };
  const { store } = options;
  const rules = new Map(pack.detector.rules.map((r) => [r.id, r]));
  const windowFor = (rule: RuleMeta) => {
    const setting = options.suppressByRule?.get(rule.id) ?? rule.suppress;
    if (setting === 'never') return undefined;
    if (setting !== undefined) return setting;
    if (options.defaultSuppressMs === undefined) return undefined;
    return { windowMs: options.defaultSuppressMs, ...(options.defaultSuppressBy ? { by: options.defaultSuppressBy } : {}) };
  };
  const anySuppressed = options.defaultSuppressMs !== undefined || [...rules.values()].some((r) => windowFor(r) !== undefined);
  const none: ScanState = { observe() {}, finish: () => [] };
  return {
    store,
    begin: (object) => storeCorrelations(pack.sigmaCorrelations, pack.sequences, store, limits, object) ?? none,
    wrapSink: (sink, object) => {
      const before = store.stats();
      const inner = anySuppressed ? suppressingSink(sink, { store, limits, settings: { windowFor, rules }, object }) : sink;
      return {
        add: (match) => inner.add(match),
        // The sink finishes last: the store requests of the whole object (correlations and suppression) are known.
        async finish(summary) {
          const report = await inner.finish(summary);
          return { ...report, state: { ...report.state, ...storeRequests(before, store.stats()) } };
        },
      };
    },
  };
}

function storeRequests(before: StoreStats, after: StoreStats): Record<string, number> {
  return {
    storeReads: after.reads - before.reads,
    storeWrites: after.writes - before.writes,
    storeItemsWritten: after.itemsWritten - before.itemsWritten,
    storeConflicts: after.conflicts - before.conflicts,
  };
}
