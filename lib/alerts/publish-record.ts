/**
 * What was already published, per scanned object: the memory that turns at-least-once delivery
 * (S3 events are redelivered, Lambda retries, backfills re-scan) into one alert per subscriber.
 */
import type { ObjectRef } from './alert.ts';
import { objectIdentity } from './alert-id.ts';

export interface PublishRecordStore {
  /** Alert ids published before for this object content (one read per object). */
  published(object: ObjectRef): Promise<ReadonlySet<string>>;
  /** Remembers alert ids SNS accepted; called right after each accepted request. */
  record(object: ObjectRef, alertIds: readonly string[]): Promise<void>;
}

/**
 * Process memory: enough for one CLI run, a test, or retries that land on the same warm Lambda.
 * Keeps the most recently recorded `maxObjects` objects so a long-lived process stays bounded.
 */
export function createMemoryPublishRecordStore(maxObjects = 1_000): PublishRecordStore {
  const byObject = new Map<string, Set<string>>();
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
  };
}
