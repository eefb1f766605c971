/**
 * How much cross-object state may hold and how late an event may arrive. Defaults suit a shipper
 * cutting objects every minute or so; each is a setting of the function (environment) and the CLI.
 */
export interface StateLimits {
  /**
   * How far behind the newest event of a group (in event time) an event may arrive and still
   * join its windows. Later ones are counted as `late` and reported, not joined.
   */
  readonly latenessMs: number;
  /** Observations one group's evaluation reads; older ones beyond it are evicted (counted). */
  readonly maxObservationsPerGroup: number;
  /** Groups one scan tracks per correlation (or suppressed rule); beyond it observations are evicted (counted). */
  readonly maxGroupsPerRule: number;
  /** Compare-and-set attempts on one group before the scan gives up (and the object is retried). */
  readonly maxConflictRetries: number;
  /** Wall clock, injected by tests. */
  readonly nowMs: () => number;
}

export const DEFAULT_STATE_LIMITS: StateLimits = {
  latenessMs: 15 * 60_000,
  maxObservationsPerGroup: 10_000,
  maxGroupsPerRule: 10_000,
  maxConflictRetries: 10,
  nowMs: () => Date.now(),
};

/** Extra wall-clock time items live past their windows, so a slow redelivery still finds them. */
export const RETENTION_SECONDS = 2 * 86_400;

/** Wall-clock expiry for an item relevant for `spanMs` of event time (TTL runs on the wall clock). */
export function expiryFor(limits: StateLimits, spanMs: number): number {
  return Math.floor(limits.nowMs() / 1000) + Math.ceil((spanMs + limits.latenessMs) / 1000) + RETENTION_SECONDS;
}
