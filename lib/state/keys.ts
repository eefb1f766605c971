/** How state items are named: fixed-width, sortable, and free of attacker-chosen text. */
import { createHash } from 'node:crypto';
import { objectIdentity } from '../alerts/alert-id.ts';
import type { EventSource } from '../scan/match.ts';

/** A non-negative whole number, zero-padded so string order is numeric order. */
export function padded(n: number, width = 15): string {
  return String(Math.max(0, Math.floor(n))).padStart(width, '0');
}

/** A fixed-length hex digest: group values and object keys may be long or hold any character. */
export function digest(value: string, chars = 32): string {
  return createHash('sha256').update(value).digest('hex').slice(0, chars);
}

/** The object an event came from, as the publish record names it (bucket/key#version-or-etag, or the path). */
export function sourceObject(source: Omit<EventSource, 'index'>): string {
  return objectIdentity(source);
}

/** Sources kept small in state: where the event is, nothing of its content. */
export function compactSource(source: EventSource): EventSource {
  return {
    uri: source.uri,
    index: source.index,
    ...(source.bucket === undefined ? {} : { bucket: source.bucket }),
    ...(source.key === undefined ? {} : { key: source.key }),
    ...(source.versionId === undefined ? {} : { versionId: source.versionId }),
    ...(source.etag === undefined ? {} : { etag: source.etag }),
  };
}
