/** What scanning one object (or file) found: returned by the handler and printed by the CLI. */
export interface ScanSummary {
  readonly uri: string;
  /** `clean`: read whole, nothing matched. `matched`: read whole, alerts raised.
   *  `partial`: some records were unreadable (never reported clean). `failed`: reading stopped early. */
  readonly status: 'clean' | 'matched' | 'partial' | 'failed';
  readonly bytesIn: number;
  /** Records read as events (parsed, laid out, matched). */
  readonly events: number;
  /** Records left unparsed because no loaded rule could match them (the prefilter): counted, not validated. */
  readonly skipped: number;
  readonly unreadable: number;
  /** Events read, but not exactly as written (invalid UTF-8 read as U+FFFD, a repeated key); each also listed in `errors`. */
  readonly warnings?: number;
  /**
   * Events whose JSON record repeated a key (`{"Image": .., "Image": ..}`): each also a warning
   * naming the record and the key paths, and matched with the first value as well as the last.
   */
  readonly duplicateKeys?: number;
  readonly matches: number;
  /** Matches per rule id. */
  readonly matchesByRule: Readonly<Record<string, number>>;
  /** First few reasons records could not be read, each naming the location. */
  readonly errors: readonly string[];
  readonly durationMs: number;
  /** Cross-object state (lib/state), when a store is configured: late events, evictions, store requests. */
  readonly state?: Readonly<Record<string, number>>;
}
