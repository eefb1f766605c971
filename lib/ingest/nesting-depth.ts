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
  if (typeof json === 'string') return countAtLeast(json, max + 1) ? deepestFrom((i) => json.charCodeAt(i), json.length, max) : -1;
  const bytes = Buffer.isBuffer(json) ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  return bytesAtLeast(bytes, max + 1) ? deepestFrom((i) => bytes[i]!, bytes.length, max) : -1;
}

function deepestFrom(codeAt: (i: number) => number, length: number, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < length; i++) {
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

/** Whether the bytes hold at least `wanted` `{` and `[` together (native searches, no copy). */
function bytesAtLeast(bytes: Buffer, wanted: number): boolean {
  let count = 0;
  for (let i = bytes.indexOf(OPEN_BRACE); i >= 0; i = bytes.indexOf(OPEN_BRACE, i + 1)) if (++count >= wanted) return true;
  for (let i = bytes.indexOf(OPEN_BRACKET); i >= 0; i = bytes.indexOf(OPEN_BRACKET, i + 1)) if (++count >= wanted) return true;
  return false;
}

function countAtLeast(text: string, wanted: number): boolean {
  let count = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++count >= wanted) return true;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++count >= wanted) return true;
  return false;
}
