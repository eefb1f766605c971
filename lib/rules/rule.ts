/**
 * What every rule language (Sigma, EQL) shares once loaded: its metadata, and the compiled
 * detector that answers "which rules match this event?".
 */
import type { FieldValue, WinEvent } from '../events/win-event.ts';
import type { EventSource, Match } from '../scan/match.ts';
import type { Needle } from '../scan/prefilter.ts';

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export const LEVELS: readonly Level[] = ['informational', 'low', 'medium', 'high', 'critical'];

export interface RuleMeta {
  readonly id: string;
  readonly title: string;
  readonly level: Level;
  /** Shown with every match: the Detection Rule License and Elastic License ask for attribution. */
  readonly author: string;
  readonly description: string;
  readonly references: readonly string[];
  /** Sigma-style tags, e.g. `attack.t1197`, `attack.persistence`. */
  readonly tags: readonly string[];
  /** Steps for whoever receives the alert, when the rule carries them. */
  readonly triage: readonly string[];
  readonly falsePositives: readonly string[];
  readonly language: 'sigma' | 'eql';
  /** Where the rule was loaded from (a path, or `bundled:<file>`). */
  readonly source: string;
  /** Licence of the rule text, e.g. `DRL-1.1`, `Elastic-2.0`. */
  readonly license?: string;
  /**
   * Suppression across objects (lib/state): repeats of this rule on one key (the host, or the
   * `by` fields) within `windowMs` of event time are counted, not published; `never` opts out of
   * the global default. From the Sigma custom attribute `suppress`.
   */
  readonly suppress?: SuppressSetting;
  /** Sigma `status` (stable, test, experimental, deprecated, unsupported), for rule selection. */
  readonly status?: string;
  /** The rule pack this rule was loaded from, `name@hash` (lib/rules/pack-version.ts): every alert names it. */
  readonly pack?: string;
}

/** A suppression window of event time, keyed by the host or by the `by` fields. */
export interface SuppressWindow {
  readonly windowMs: number;
  readonly by?: readonly string[];
}

export type SuppressSetting = SuppressWindow | 'never';

/** Why one field made a rule match: shown to the person reading the alert. */
export interface Evidence {
  readonly field: string;
  readonly value: FieldValue;
  /** The test that held, in words, e.g. `contains "http://1"`. */
  readonly test: string;
}

/** A compiled set of rules of one language. */
export interface Detector {
  readonly rules: readonly RuleMeta[];
  /** Every rule that matches the event. Hot path: no allocation when nothing matches. */
  match(event: WinEvent): readonly RuleMeta[];
  /** For a rule that matched: which fields and tests made it match. Cold path. */
  explain(rule: RuleMeta, event: WinEvent): readonly Evidence[];
  /**
   * The event's fields as an alert for this match shows them, when the rule reads something
   * other than the Sigma view (EQL on ECS documents); undefined means `event.fields`. Cold path.
   */
  alertFields?(rule: RuleMeta, event: WinEvent): Readonly<Record<string, FieldValue>> | undefined;
  /**
   * Begins one scan (one object, one CLI file): forgets what the previous scan left (pending
   * EQL sequences) and returns the state of rules that span events (Sigma correlations), if any.
   */
  startScan?(options?: StartScanOptions): ScanState | undefined;
  /**
   * True when a rule keeps state from one event to the next (an EQL sequence, a Sigma
   * correlation): then `match` and the scan state must see an object's events in order, on one
   * thread. Undefined or false: `match` answers each event alone, so events may be matched in
   * any thread and the matches put back in order (`winsift scan --threads`, one file split).
   */
  keepsState?(): boolean;
  /** False for rules that only feed correlations (`generate: false`): they never alert alone. */
  alertsAlone?(rule: RuleMeta): boolean;
  /**
   * Text every event any of these rules can match holds in its raw record (channel names,
   * EQL event categories), for the scan's prefilter; undefined when some rule can match anything.
   */
  needles?(): readonly Needle[] | undefined;
}

export interface StartScanOptions {
  /**
   * Leave Sigma correlations out of the returned state: a state store (lib/state) evaluates them
   * across objects instead, and evaluating them per object too would alert twice.
   */
  readonly withoutCorrelations?: boolean;
  /**
   * EQL sequences: hand every stage hit here instead of completing sequences within the scan
   * (lib/state replays them across objects).
   */
  readonly sequenceRecorder?: SequenceRecorder;
}

/** What one event does to a sequence rule: the stages it matches (last first) with their join keys, or `until` for a key. */
export interface SequenceStageHit {
  readonly untilKey: string | null;
  readonly stages: ReadonlyArray<{ readonly stage: number; readonly key: string }>;
  readonly time: number | null;
}

export interface SequenceRecorder {
  /** Called from `match`, for the event being matched. */
  hit(rule: RuleMeta, hit: SequenceStageHit): void;
}

/** A sequence rule's shape, for replaying its hits elsewhere. */
export interface SequenceRuleShape {
  readonly meta: RuleMeta;
  readonly stageCount: number;
  readonly maxspanMs: number | null;
}

/** What rules spanning events keep during one scan. */
export interface ScanState {
  /** Every event that matched something, with all the rules it matched. */
  observe(event: WinEvent, matched: readonly RuleMeta[], source: EventSource): void;
  /** The matches only the whole scan reveals, once every event was observed. */
  finish(): readonly Match[] | Promise<readonly Match[]>;
  /** Told once the sink delivered everything `finish` returned (no failure): state kept for a retry can go. */
  delivered?(): Promise<void>;
  /** Counters for the scan summary (late events, evictions, store requests), when the state keeps any. */
  report?(): Readonly<Record<string, number>>;
}

/** A rule that could not be loaded or compiled: never silently ignored. */
export interface RuleError {
  readonly file: string;
  readonly ruleId?: string;
  /** The detection item or query part at fault, when known. */
  readonly item?: string;
  readonly reason: string;
}

/** A rule file's text, from disk or embedded in the bundle. */
export interface RuleFile {
  readonly path: string;
  readonly text: string;
  /**
   * Which source the file came from, in load order (lib/rules/rule-sources.ts): when two files
   * of different layers carry one rule id, the higher layer's copy wins; within one layer a
   * repeated id is an error. Absent: layer 0.
   */
  readonly layer?: number;
}

/** A rule of a lower layer that a later source's copy of the same id replaced: logged once, as info. */
export interface RuleReplaced {
  readonly id: string;
  /** The copy kept (the later source's file). */
  readonly kept: string;
  /** The copy dropped. */
  readonly dropped: string;
}
