/**
 * Event data is attacker-controlled: a process name, host name or file name can carry terminal
 * escapes (ESC, BEL), newlines that forge extra lines in an email or a log, bidi controls that
 * reverse what a reader sees (U+202E, U+061C), or characters that render as nothing (U+00AD,
 * U+180E, U+3164, U+FE0F, tag characters U+E0000-U+E007F). Everything echoed to a person goes
 * through here first: email text and subject, the CLI table, SNS message attributes, and
 * diagnostics on stderr that quote a file name or a record.
 *
 * The rule: every character of a *class* that a person cannot see, or that moves what they see,
 * is replaced by a visible escape, `\u{202E}` (`\n`, `\r`, `\t` for those three), so the reader
 * learns it was there and the value cannot be confused with a clean one. The classes, by Unicode
 * property, not a list: controls (Cc: C0, DEL, C1), format characters (Cf: bidi controls and
 * isolates, ALM, soft hyphen, zero-width characters, tags, BOM...), lone surrogates (Cs), line
 * and paragraph separators (Zl, Zp), and everything Unicode marks Default_Ignorable (variation
 * selectors, Hangul fillers, U+180E...).
 *
 * JSON outputs (OCSF findings, `--format jsonl`, structured logs) are for programs and keep values
 * exact: `JSON.stringify` escapes the controls and lone surrogates, and the reader renders.
 */

/** Characters a person cannot see or that move what they see: replaced by `\u{...}` escapes. */
const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export const TRUNCATION_MARKER = '…[truncated]';

/** `\u{202E}` for U+202E: what a reader sees in place of an invisible or moving character. */
export function escapeInvisible(c: string): string {
  return SHORT[c] ?? `\\u{${(c.codePointAt(0) as number).toString(16).toUpperCase()}}`;
}

/** The text with every invisible, control or reordering character shown as an escape. */
export function neutralise(value: string): string {
  return value.replace(INVISIBLE, escapeInvisible);
}

/** One line of readable text: invisible characters escaped, runs of spaces collapsed, trimmed. */
export function sanitiseLine(value: string): string {
  return neutralise(value).replace(/ {2,}/g, ' ').trim();
}

/** Printable ASCII only (an email subject must be): escapes stay, everything else becomes `?`. */
export function toAsciiLine(value: string): string {
  return sanitiseLine(value).replace(/[^\x20-\x7e]/gu, '?');
}

/** Cut to at most `max` UTF-16 units, saying so; never splits a surrogate pair. */
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
  // Cut first (bounded work on a huge value), with room for what escaping adds, then cut again.
  return truncate(sanitiseLine(truncate(text, max * 2)), max);
}

/**
 * Text for a terminal or log line that quotes attacker-controlled bytes (a file name, a record
 * snippet): invisible characters escaped, bounded. Newlines become `\n`, so one diagnostic stays
 * one line.
 */
export function sanitiseDiagnostic(value: string, max = 2000): string {
  return truncate(neutralise(truncate(value, max * 2)), max);
}
