/**
 * How deep a JSON record nests, checked on its bytes before it is parsed: every walker after the
 * parser (layouts, `toFieldValue`, the rule engines' value walkers, alert rendering) recurses
 * over values, and a record nested a few thousand levels deep would overflow their stack.
 * Bounding depth once, here, keeps every one of them safe.
 *
 * Cost: a record cannot nest deeper than it has `{` and `[` bytes, and real records hold a few
 * dozen, so the common case is a handful of native `indexOf` calls; only a record with more
 * brackets than the limit is scanned byte by byte (strings skipped).
 */
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The offset (byte, or character for a string) at which `json` first nests deeper than `max`,
 *  or -1 when it never does. */
export function jsonTooDeepAt(json: Uint8Array | string, max: number): number {
  const text: Buffer | string = typeof json === 'string' ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  if (countOpenings(text, max + 1) <= max) return -1;
  const codeAt = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i]!;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = codeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return -1;
}

/** How many `{` and `[` the text holds, counting no further than `stop`. */
function countOpenings(text: Buffer | string, stop: number): number {
  let count = 0;
  for (const open of [OPEN_BRACE, OPEN_BRACKET]) {
    const find = typeof text === 'string' ? (from: number) => text.indexOf(String.fromCharCode(open), from) : (from: number) => text.indexOf(open, from);
    for (let i = find(0); i >= 0; i = find(i + 1)) {
      if (++count >= stop) return count;
    }
  }
  return count;
}
