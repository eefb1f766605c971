/** What became of one object the invocation named: the unit every response is built from. */
import type { DeliveryReport } from '../alerts/alert-sink.ts';
import type { ScanSummary } from '../scan/scan-summary.ts';

export type ObjectStatus =
  /** Read whole (`partial`: some records unreadable, each counted and reported in the summary). */
  | 'clean'
  | 'matched'
  | 'partial'
  /** Deliberately not scanned: folder marker, test event, non-create event, outside the window. */
  | 'skipped'
  /** Larger than the configured cap: retrying cannot help. */
  | 'refused'
  /** Could not be scanned; `retryable` says whether trying again can help. */
  | 'failed'
  /** Not started (or stopped) because the invocation's time was running out: retry. */
  | 'deferred';

export interface ObjectReport {
  readonly uri: string;
  readonly status: ObjectStatus;
  readonly retryable: boolean;
  readonly reason?: string;
  readonly bytes?: number;
  readonly events?: number;
  /** Records the prefilter left unparsed: no loaded rule could match them. */
  readonly skipped?: number;
  readonly unreadable?: number;
  /** Events read not exactly as written (invalid UTF-8, repeated JSON keys). */
  readonly warnings?: number;
  /** Events whose JSON record repeated a key (also warnings): matched with each value. */
  readonly duplicateKeys?: number;
  readonly matches?: number;
  /** Matches per rule id. */
  readonly matchesByRule?: Readonly<Record<string, number>>;
  readonly alertsDelivered?: number;
  readonly alertsAlreadyDelivered?: number;
  readonly alertsFailed?: number;
  readonly durationMs?: number;
  /** Cross-object state counters (late events, evictions, suppressed repeats, store requests), when a store is configured. */
  readonly state?: Readonly<Record<string, number>>;
}

export function scannedReport(summary: ScanSummary, delivery: DeliveryReport): ObjectReport {
  const status = summary.status === 'failed' ? 'failed' : summary.status;
  return {
    uri: summary.uri,
    status,
    retryable: false,
    ...(summary.errors.length > 0 ? { reason: summary.errors.slice(0, 3).join('; ') } : {}),
    bytes: summary.bytesIn,
    events: summary.events,
    skipped: summary.skipped,
    unreadable: summary.unreadable,
    ...(summary.warnings ? { warnings: summary.warnings } : {}),
    ...(summary.duplicateKeys ? { duplicateKeys: summary.duplicateKeys } : {}),
    matches: summary.matches,
    matchesByRule: summary.matchesByRule,
    alertsDelivered: delivery.delivered,
    alertsAlreadyDelivered: delivery.alreadyDelivered,
    alertsFailed: delivery.failed,
    durationMs: Math.round(summary.durationMs),
    ...(summary.state || delivery.state ? { state: { ...summary.state, ...delivery.state } } : {}),
  };
}

/** How AWS should treat a work item, from the reports of the objects it named. */
export type Verdict = 'succeeded' | 'retry' | 'permanent-failure';

export function verdictOf(reports: readonly ObjectReport[]): Verdict {
  if (reports.some((r) => r.retryable)) return 'retry';
  if (reports.some((r) => r.status === 'failed' || r.status === 'refused')) return 'permanent-failure';
  return 'succeeded';
}
