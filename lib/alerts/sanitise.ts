/**
 * Event data is attacker-controlled: a process name or URL can carry terminal escapes, newlines
 * that forge extra lines in an email, or bidi overrides that reverse what a reader sees. Every
 * value echoed to a person goes through here first.
 */

/** C0/C1 controls, DEL, and the Unicode format characters that reorder or hide text. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

export const TRUNCATION_MARKER = '…[truncated]';

/** One line of readable text: controls become spaces, runs of whitespace collapse. */
export function sanitiseLine(value: string): string {
  return value.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

/** Printable ASCII only (an email subject must be): everything else becomes `?`. */
export function toAsciiLine(value: string): string {
  return sanitiseLine(value).replace(/[^\x20-\x7e]/g, '?');
}

/** Cut to at most `max` characters, saying so; never splits a surrogate pair. */
export function truncate(value: string, max: number, marker = TRUNCATION_MARKER): string {
  if (value.length <= max) return value;
  const keep = Math.max(0, max - marker.length);
  let cut = value.slice(0, keep);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut + marker;
}

/** A value from an event, shown on one line and bounded in length. */
export function displayValue(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return truncate(sanitiseLine(text), max);
}
