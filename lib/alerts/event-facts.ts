/**
 * The few facts about an event every alert shows: which host and when. Layouts name them
 * differently, the canonical Sigma view has them as `Computer` and `TimeCreated_SystemTime`.
 */
import type { WinEvent } from '../events/win-event.ts';

export function eventHost(event: WinEvent): string {
  const value = event.fields['Computer'] ?? event.fields['Hostname'];
  return typeof value === 'string' && value !== '' ? value : 'unknown-host';
}

/** The event's time as ISO 8601 when the source had a readable one. */
export function eventTime(event: WinEvent): string | undefined {
  const value = event.fields['TimeCreated_SystemTime'] ?? event.fields['TimeCreated'] ?? event.fields['EventTime'];
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Epoch milliseconds for OCSF `time`, when known. */
export function eventTimeMs(event: WinEvent): number | undefined {
  const iso = eventTime(event);
  return iso === undefined ? undefined : Date.parse(iso);
}
