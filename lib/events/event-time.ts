/**
 * Reading an event's time without guessing its zone. Shippers write times in several forms:
 * ISO 8601 with `Z` or an offset (evtx, ECS `@timestamp`), `2024-05-14 09:21:07 +0000` (Fluent
 * Bit) and, NXLog's `EventTime`, `2024-05-14 11:21:05`: the sending machine's wall clock with no
 * zone at all. A zone-less time is never read in the *scanning* machine's zone (`Date.parse`
 * does that, so one alert moved by hours with `TZ`): it is kept as unzoned text instead.
 * Nothing here depends on the process's time zone.
 */
import type { FieldValue } from './win-event.ts';

/** Date, time, optional fraction, optional zone (`Z`, `+02:00`, `+0200`, ` +0200`). Linear. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)? ?(Z|[+-]\d{2}:?\d{2})?$/i;

export type ReadTime =
  | { readonly kind: 'zoned'; readonly ms: number }
  /** A well-formed date and time with no zone: what it means depends on a clock we do not know. */
  | { readonly kind: 'unzoned'; readonly text: string };

/** Reads a timestamp value: epoch milliseconds, or text in one of the forms above. */
export function readTime(value: FieldValue | unknown): ReadTime | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'zoned', ms: value } : undefined;
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const text = value.trim();
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  if (zone === undefined) return { kind: 'unzoned', text };
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const utc = Date.UTC(Number(y), month - 1, day, hour, minute, second, millis);
  return { kind: 'zoned', ms: utc - offsetMinutes(zone) * 60_000 };
}

/** Epoch milliseconds of a value that says its zone; undefined for unzoned or unreadable. */
export function zonedTimeMs(value: FieldValue | unknown): number | undefined {
  const time = readTime(value);
  return time?.kind === 'zoned' ? time.ms : undefined;
}

/**
 * Whether a time text ends with a zone (`Z`, `+02:00`, `-0400`): a cheap test for hot paths
 * (one NXLog record per call), before `readTime` does the full reading.
 */
export function endsWithZone(text: string): boolean {
  const n = text.length;
  if (n < 17) return false;
  const last = text.charCodeAt(n - 1);
  if (last === 0x5a /* Z */ || last === 0x7a /* z */) return true;
  return isSign(text.charCodeAt(n - 5)) || (isSign(text.charCodeAt(n - 6)) && text.charCodeAt(n - 3) === 0x3a /* : */);
}

function isSign(c: number): boolean {
  return c === 0x2b /* + */ || c === 0x2d /* - */;
}

function offsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.replace(':', '');
  const sign = digits[0] === '-' ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}
