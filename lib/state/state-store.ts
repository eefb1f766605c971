/**
 * Where state that spans objects lives: correlation windows, suppression windows. One small
 * interface, two real implementations: DynamoDB in the function (dynamodb-state-store.ts) and
 * SQLite for the CLI and local backfills (sqlite-state-store.ts).
 *
 * The model is DynamoDB's: items under a partition key `pk`, sorted by `sk`, each carrying a
 * JSON body. Two kinds of write are enough for exactly-once:
 * - `putAll`: unconditional writes of items whose key *is* their identity (an observation is
 *   keyed by its object identity and record index), so writing one again changes nothing;
 * - `putIf`: a compare-and-set on an item's version, so of two scans deciding about one group
 *   (fire a correlation, open a suppression window) exactly one wins and the other re-reads.
 * Reads are strongly consistent: a scan that wrote its observations and then reads the group
 * sees every observation written before its read.
 */
export interface StateItem {
  readonly pk: string;
  readonly sk: string;
  /** The item's JSON body. */
  readonly body: unknown;
  /** Wall-clock epoch seconds after which the item may be deleted (DynamoDB TTL). */
  readonly expiresAt: number;
}

export interface VersionedItem extends StateItem {
  /** 1 for a new item; each successful `putIf` adds one. */
  readonly version: number;
}

export interface SortRange {
  /** Inclusive bounds on `sk`; either may be left out. */
  readonly from?: string;
  readonly to?: string;
  /** Newest (largest sk) first, so a `limit` keeps the most recent items. */
  readonly descending?: boolean;
  readonly limit?: number;
}

/** Requests made, so the bench can give DynamoDB requests per 1,000 events. */
export interface StoreStats {
  readonly reads: number;
  readonly writes: number;
  /** Items written or read (a batch of 25 puts is one request, 25 items). */
  readonly itemsWritten: number;
  readonly itemsRead: number;
  readonly conflicts: number;
  /**
   * DynamoDB's billing units for these requests (a write unit per KiB of each item written, a
   * strongly consistent read unit per 4 KiB a request read), as DynamoDB rounds them; 0 in SQLite.
   */
  readonly writeUnits: number;
  readonly readUnits: number;
}

export interface StateStore {
  /** Writes items unconditionally (idempotent when the key is the item's identity). */
  putAll(items: readonly StateItem[]): Promise<void>;
  get(pk: string, sk: string): Promise<VersionedItem | undefined>;
  /** Items of one partition within the range, in `sk` order (or reverse). */
  query(pk: string, range?: SortRange): Promise<StateItem[]>;
  /** How many items of one partition lie within the range (for reporting what a cap left out). */
  count(pk: string, range?: Omit<SortRange, 'limit' | 'descending'>): Promise<number>;
  /**
   * Writes the item when its stored version is `expected` (undefined: it must not exist yet).
   * Returns false, writing nothing, when another writer got there first.
   */
  putIf(item: StateItem, expected: number | undefined): Promise<boolean>;
  delete(pk: string, sk: string): Promise<void>;
  stats(): StoreStats;
  close(): Promise<void>;
}

export function emptyStats(): { -readonly [K in keyof StoreStats]: number } {
  return { reads: 0, writes: 0, itemsWritten: 0, itemsRead: 0, conflicts: 0, writeUnits: 0, readUnits: 0 };
}
