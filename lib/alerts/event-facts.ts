/**
 * The few facts about an event every alert shows: which host and when. Layouts name them
 * differently, the canonical Sigma view has them as `Computer` and `TimeCreated_SystemTime`.
 */
import { readTime, type ReadTime } from '../events/event-time.ts';
import type { FieldValue, WinEvent } from '../events/win-event.ts';
import type { Match } from '../scan/match.ts';

/** The event's fields as alerts show them: the match's own view (EQL on ECS), else the Sigma view. */
export function shownFields(match: Match): Readonly<Record<string, FieldValue>> {
  return match.fields ?? match.event.fields;
}

export function eventHost(event: WinEvent): string {
  const value = event.fields['Computer'] ?? event.fields['Hostname'];
  return typeof value === 'string' && value !== '' ? value : 'unknown-host';
}

/** Where the Sigma view may hold the event's time, most trusted first. */
const TIME_FIELDS = ['TimeCreated_SystemTime', 'TimeCreated', 'EventTime'] as const;

/**
 * The event's time: the first of its time fields that says its zone, else the first zone-less
 * one (NXLog's `EventTime`), never read in the scanning machine's zone.
 */
export function eventReadTime(event: WinEvent): ReadTime | undefined {
  let unzoned: ReadTime | undefined;
  for (const name of TIME_FIELDS) {
    const time = readTime(event.fields[name]);
    if (time?.kind === 'zoned') return time;
    unzoned ??= time;
  }
  return unzoned;
}

/**
 * The event's time as shown to people: ISO 8601 in UTC, or the zone-less text as written with
 * `(zone unknown)` after it, so nobody takes it for UTC.
 */
export function eventTime(event: WinEvent): string | undefined {
  const time = eventReadTime(event);
  if (time === undefined) return undefined;
  return time.kind === 'zoned' ? new Date(time.ms).toISOString() : `${time.text} (zone unknown)`;
}

/** Epoch milliseconds for OCSF `time`, when the event's time has a zone. */
export function eventTimeMs(event: WinEvent): number | undefined {
  const time = eventReadTime(event);
  return time?.kind === 'zoned' ? time.ms : undefined;
}
