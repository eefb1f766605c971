/**
 * What was already published, per scanned object: the memory that turns at-least-once delivery
 * (S3 events are redelivered, Lambda retries, backfills re-scan) into one alert per subscriber.
 *
 * The record alone covers attempts that follow each other. Two attempts on the same object at the
 * same moment (two SQS messages for one S3 event) would both read "nothing published yet", so a
 * sink first takes the object's claim: a lease, like Powertools idempotency's INPROGRESS record.
 * Whoever holds it publishes; the other publishes nothing and fails the object, whose retry
 * then finds the holder's markers and sends only what is still missing.
 */
import type { ObjectRef } from './alert.ts';
import { objectIdentity } from './alert-id.ts';

/** Lambda's longest timeout: a holder cannot outlive its lease, so a takeover never overlaps it. */
export const DEFAULT_CLAIM_LEASE_MS = 15 * 60_000;

export interface ClaimRequest {
  /** Who claims, for whoever reads the claim (logs, the bucket); unique per attempt. */
  readonly owner: string;
  /** How long the claim holds if it is never released (the holder crashed or timed out). */
  readonly leaseMs: number;
}

/** The outcome of `claim`: publish and then release, or leave the object to the holder. */
export type Claim =
  | { readonly status: 'claimed'; release(): Promise<void> }
  | { readonly status: 'held'; readonly owner?: string; readonly expiresAt?: Date };

export interface PublishRecordStore {
  /** Alert ids published before for this object content (one read per object). */
  published(object: ObjectRef): Promise<ReadonlySet<string>>;
  /** Remembers alert ids SNS accepted; called right after each accepted request. */
  record(object: ObjectRef, alertIds: readonly string[]): Promise<void>;
  /**
   * Takes the object's claim unless someone else holds an unexpired one. Taken before reading
   * the record, released after the last marker is written. `release` never frees a claim that
   * was taken over after this one expired.
   */
  claim(object: ObjectRef, request: ClaimRequest): Promise<Claim>;
}

/**
 * Process memory: enough for one CLI run, a test, or retries that land on the same warm Lambda.
 * Keeps the most recently recorded `maxObjects` objects so a long-lived process stays bounded.
 */
export function createMemoryPublishRecordStore(maxObjects = 1_000): PublishRecordStore {
  const byObject = new Map<string, Set<string>>();
  const claims = new Map<string, { owner: string; expiresAt: number; token: object }>();
  return {
    async published(object) {
      return new Set(byObject.get(objectIdentity(object)));
    },
    async record(object, alertIds) {
      const key = objectIdentity(object);
      const ids = byObject.get(key) ?? new Set<string>();
      for (const id of alertIds) ids.add(id);
      byObject.delete(key); // re-insert: Map order is recency order
      byObject.set(key, ids);
      for (const oldest of byObject.keys()) {
        if (byObject.size <= maxObjects) break;
        byObject.delete(oldest);
      }
    },
    // No await before the map is updated: two claims in one process are decided in call order.
    async claim(object, { owner, leaseMs }) {
      const key = objectIdentity(object);
      const now = Date.now();
      const current = claims.get(key);
      if (current && current.expiresAt > now) {
        return { status: 'held', owner: current.owner, expiresAt: new Date(current.expiresAt) };
      }
      // Claims never released (a scan that threw) must not pile up in a warm process.
      if (claims.size >= maxObjects) for (const [k, c] of claims) if (c.expiresAt <= now) claims.delete(k);
      const token = {};
      claims.set(key, { owner, expiresAt: now + leaseMs, token });
      return {
        status: 'claimed',
        async release() {
          if (claims.get(key)?.token === token) claims.delete(key);
        },
      };
    },
  };
}
