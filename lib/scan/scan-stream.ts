/**
 * The core of winsift: one object's bytes in, alerts out. Ingest reads the stream into canonical
 * events, the detector matches them, the sink delivers the matches; the summary says what
 * happened, including every record that could not be read.
 */
import type { AlertSink, DeliveryReport } from '../alerts/alert-sink.ts';
import { type Deadline, DeadlineExceededError } from '../ingest/deadline.ts';
import { InputError, type IngestOptions } from '../ingest/ingest-item.ts';
import { readEvents } from '../ingest/read-events.ts';
import type { WinEvent } from '../events/win-event.ts';
import type { Detector, RuleMeta, ScanState } from '../rules/rule.ts';
import { combineStates } from '../rules/scan-state.ts';
import type { CrossObjectScan } from '../state/cross-object-state.ts';
import type { EventSource, Match } from './match.ts';
import { createPrefilter, type RecordPrefilter } from './prefilter.ts';
import type { ScanSummary } from './scan-summary.ts';

/** Reasons kept in a summary: enough to act on, bounded however broken the object is. */
export const MAX_ERRORS_KEPT = 20;

export interface ScanOptions {
  readonly uri: string;
  readonly detector: Detector;
  readonly sink: AlertSink;
  /** Declared encoding, forced layout, limits. */
  readonly ingest?: Omit<IngestOptions, 'uri'>;
  /** S3 identity of the object, carried into every match for deterministic alert ids. */
  readonly object?: Omit<EventSource, 'uri' | 'index'>;
  /**
   * Skip parsing JSON records that no loaded rule can match (lib/scan/prefilter.ts). On by
   * default; off parses and validates every record, so malformed ones are reported unreadable.
   */
  readonly prefilter?: boolean;
  /** Told the number of records read so far, every few thousand records (the CLI's progress line). */
  readonly onRecords?: (records: number) => void;
  /**
   * Stop reading once this passes (checked per record and per decompressed chunk, so CPU-bound
   * work stops too): the matches found are delivered and `ScanDeferredError` is thrown.
   */
  readonly deadline?: Deadline;
  /**
   * State kept across objects (lib/state): correlations and sequences then span objects,
   * evaluated against a store instead of within this object. Without it, they stay within one object.
   */
  readonly crossObject?: { begin(object: Omit<EventSource, 'index'>): CrossObjectScan };
}

export interface ObjectResult {
  readonly summary: ScanSummary;
  readonly delivery: DeliveryReport;
}

/** Reading stopped part-way (corrupt compression, bomb caps, ...). Matches found before it were delivered. */
export class ScanFailedError extends Error {
  readonly result: ObjectResult;
  override readonly cause: InputError | Error;

  constructor(result: ObjectResult, cause: InputError | Error) {
    super(`${result.summary.uri}: scan stopped after ${result.summary.events} events: ${cause.message}`);
    this.name = 'ScanFailedError';
    this.result = result;
    this.cause = cause;
  }
}

/**
 * The deadline came before the object was read whole: the matches found were delivered (alert
 * ids are deterministic, so a retry publishes only the rest), correlations were not evaluated on
 * the part read. The object must be retried.
 */
export class ScanDeferredError extends Error {
  readonly result: ObjectResult;
  override readonly cause: DeadlineExceededError;

  constructor(result: ObjectResult, cause: DeadlineExceededError) {
    super(`${result.summary.uri}: deferred after ${result.summary.events} events: ${cause.message}`);
    this.name = 'ScanDeferredError';
    this.result = result;
    this.cause = cause;
  }
}

/** Some alerts could not be delivered after the sink's retries: the object must be retried. */
export class DeliveryFailedError extends Error {
  readonly result: ObjectResult;

  constructor(result: ObjectResult) {
    super(`${result.summary.uri}: ${result.delivery.failed} alert(s) could not be delivered`);
    this.name = 'DeliveryFailedError';
    this.result = result;
  }
}

export async function scanStream(input: AsyncIterable<Uint8Array>, options: ScanOptions): Promise<ObjectResult> {
  const started = performance.now();
  const { uri, detector, sink } = options;
  const counted = countBytes(input);
  const matchesByRule: Record<string, number> = {};
  const errors: string[] = [];
  let events = 0;
  let unreadable = 0;
  let warnings = 0;
  let duplicateKeys = 0;
  let skipped = 0;
  let matches = 0;
  let fatal: Error | undefined;
  let deferred: DeadlineExceededError | undefined;
  // Rules spanning events (correlations, sequences) see this object only, unless a store carries
  // them across objects.
  const crossObject = options.crossObject?.begin({ ...options.object, uri });
  const state = combineStates([
    detector.startScan?.(crossObject ? { withoutCorrelations: true, ...(crossObject.sequenceRecorder ? { sequenceRecorder: crossObject.sequenceRecorder } : {}) } : undefined),
    crossObject,
  ]);
  const seen = crossObject?.seen?.bind(crossObject);
  const deliver = async (match: Match): Promise<void> => {
    matches++;
    matchesByRule[match.rule.id] = (matchesByRule[match.rule.id] ?? 0) + 1;
    await sink.add(match);
  };

  try {
    const mayMatch = options.prefilter === false ? undefined : prefilterOf(detector)?.mayMatch;
    const deadline = options.deadline ?? options.ingest?.deadline;
    const ingest = { ...options.ingest, uri, ...(mayMatch ? { mayMatch } : {}), ...(deadline ? { deadline } : {}) };
    const { onRecords } = options;
    let records = 0;
    for await (const item of readEvents(counted, ingest)) {
      if (onRecords && (++records & 4095) === 0) onRecords(records);
      if (item.kind === 'skipped') {
        skipped++;
        continue;
      }
      if (item.kind === 'unreadable') {
        unreadable++;
        if (errors.length < MAX_ERRORS_KEPT) errors.push(item.error.message);
        continue;
      }
      let hits: ReturnType<Detector['match']>;
      let alternateHits: AlternateHit[] | undefined;
      try {
        hits = detector.match(item.event);
        if (item.alternates) [hits, alternateHits] = matchAlternates(detector, hits, item.alternates);
      } catch (error) {
        // An event that breaks a rule's evaluation (a bug, a limit hit deep in a matcher) costs
        // itself only: counted unreadable with the reason, the other events still matched.
        unreadable++;
        // Stage hits recorded before the throw belong to this event, not the next one.
        seen?.(item.index);
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (errors.length < MAX_ERRORS_KEPT) errors.push(`${uri}: record ${item.index}: rules could not be evaluated on this event (${message})`);
        continue;
      }
      events++;
      // EQL sequence stage hits (kept across objects) learn the event's position.
      seen?.(item.index);
      if (item.warning) {
        warnings++;
        if (errors.length < MAX_ERRORS_KEPT) errors.push(`warning: ${item.warning.message}`);
      }
      if (item.duplicateKeys) duplicateKeys++;
      if (hits.length === 0 && alternateHits === undefined) continue;
      const source: EventSource = { ...options.object, uri, index: item.index };
      if (hits.length > 0) state?.observe(item.event, hits, source);
      for (const { event, rules } of alternateHits ?? []) state?.observe(event, rules, source);
      const matched = [...hits.map((rule) => ({ rule, event: item.event })), ...(alternateHits ?? []).flatMap(({ event, rules }) => rules.map((rule) => ({ rule, event })))];
      for (const { rule, event } of matched) {
        if (detector.alertsAlone?.(rule) === false) continue;
        const fields = detector.alertFields?.(rule, event);
        const evidence = detector.explain(rule, event);
        await deliver(fields === undefined ? { rule, event, source, evidence } : { rule, event, source, evidence, fields });
      }
    }
  } catch (error) {
    if (error instanceof DeadlineExceededError) {
      deferred = error;
    } else {
      // Only bad input ends a scan quietly; anything else is a bug or an outage and must surface.
      if (!(error instanceof InputError)) throw error;
      fatal = error;
      if (errors.length < MAX_ERRORS_KEPT) errors.push(error.message);
    }
  }
  // What correlated among the events read, even when reading stopped early on bad input. Not on
  // a deadline: the retry reads the object whole, and a partial window could alert wrongly.
  if (!deferred) for (const match of (await state?.finish()) ?? []) await deliver(match);

  return closeScan({ uri, started, bytesIn: counted.bytes, counts: { events, skipped, unreadable, warnings, duplicateKeys, matches, matchesByRule, errors }, fatal, deferred, state, sink });
}

/** What a scan counted of its object's items (the summary's figures). */
export interface ScanCounts {
  readonly events: number;
  readonly skipped: number;
  readonly unreadable: number;
  readonly warnings: number;
  readonly duplicateKeys: number;
  readonly matches: number;
  readonly matchesByRule: Record<string, number>;
  readonly errors: string[];
}

/**
 * The end of a scan, whoever read the items (`scanStream`, or the pieces of one object read in
 * several threads, scan-pieces.ts): the summary, the sink's delivery, and the error that says
 * why reading stopped early, if it did.
 */
export async function closeScan(end: {
  readonly uri: string;
  readonly started: number;
  readonly bytesIn: number;
  readonly counts: ScanCounts;
  readonly fatal: Error | undefined;
  readonly deferred: DeadlineExceededError | undefined;
  readonly state: ScanState | undefined;
  readonly sink: AlertSink;
}): Promise<ObjectResult> {
  const { uri, counts, fatal, deferred, state, sink } = end;
  const { events, skipped, unreadable, warnings, duplicateKeys, matches, matchesByRule, errors } = counts;
  const summary: ScanSummary = {
    uri,
    status: fatal || deferred ? 'failed' : unreadable > 0 ? 'partial' : matches > 0 ? 'matched' : 'clean',
    bytesIn: end.bytesIn,
    events,
    skipped,
    unreadable,
    warnings,
    ...(duplicateKeys > 0 ? { duplicateKeys } : {}),
    matches,
    matchesByRule,
    errors,
    durationMs: Math.round(performance.now() - end.started),
    ...(state?.report ? { state: state.report() } : {}),
  };
  // Deliver what was found even when reading stopped early: a half-read object's alerts are real.
  const delivery = await sink.finish(summary);
  const result = { summary, delivery };
  // Everything the state handed over is out: what it kept for a retry of this object can go.
  if (delivery.failed === 0) await state?.delivered?.();
  if (fatal) throw new ScanFailedError(result, fatal);
  if (deferred) throw new ScanDeferredError(result, deferred);
  if (delivery.failed > 0) throw new DeliveryFailedError(result);
  return result;
}

/** One prefilter per detector, built on first use: its needles never change. */
const prefilters = new WeakMap<Detector, RecordPrefilter | undefined>();

export function prefilterOf(detector: Detector): RecordPrefilter | undefined {
  if (!prefilters.has(detector)) prefilters.set(detector, createPrefilter(detector.needles?.()));
  return prefilters.get(detector);
}

/** Wraps a byte stream to count what was read from it (compressed bytes, for metrics). */
export function countBytes(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> & { bytes: number } {
  const counter = {
    bytes: 0,
    async *[Symbol.asyncIterator]() {
      for await (const chunk of input) {
        counter.bytes += chunk.byteLength;
        yield chunk;
      }
    },
  };
  return counter;
}

/** Rules an alternate reading of a record matched that the event itself did not. */
interface AlternateHit {
  readonly event: WinEvent;
  readonly rules: readonly RuleMeta[];
}

/**
 * A record read more than one way (a repeated JSON key: last value and first value) alerts on
 * what any reading matches; a rule matched by several readings alerts once, on the first that
 * matched it (the event's own reading before the alternates). `match` may reuse its result
 * array, so the event's hits are copied before the next call.
 */
export function matchAlternates(detector: Detector, hits: readonly RuleMeta[], alternates: readonly WinEvent[]): [readonly RuleMeta[], AlternateHit[] | undefined] {
  const own = [...hits];
  const seen = new Set(own);
  let extra: AlternateHit[] | undefined;
  for (const event of alternates) {
    const rules = detector.match(event).filter((rule) => !seen.has(rule));
    if (rules.length === 0) continue;
    for (const rule of rules) seen.add(rule);
    (extra ??= []).push({ event, rules });
  }
  return [own, extra];
}
