/**
 * Case-insensitive matching, defined once: each UTF-16 code unit is replaced by its lower case
 * when that is one code unit (so lengths never change). A table makes folding a lookup, which
 * lets the compiled matchers compare without building lowercased copies of event values.
 */
const FOLD = new Uint16Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  const lower = String.fromCharCode(c).toLowerCase();
  FOLD[c] = lower.length === 1 ? lower.charCodeAt(0) : c;
}

export function foldCode(code: number): number {
  return FOLD[code]!;
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
/** Code units folded per String.fromCharCode call (well under the engine's argument limit). */
const CHUNK = 4096;

export function foldString(text: string): string {
  // ASCII folds exactly as toLowerCase does (one unit each): the common case, done natively.
  if (ASCII.test(text)) return text.toLowerCase();
  // Otherwise by the table, a chunk at a time: `+=` per character would leave a rope of
  // one-character strings behind every folded needle.
  let out = '';
  const codes = new Uint16Array(Math.min(CHUNK, text.length));
  for (let at = 0; at < text.length; at += CHUNK) {
    const n = Math.min(CHUNK, text.length - at);
    for (let j = 0; j < n; j++) codes[j] = FOLD[text.charCodeAt(at + j)]!;
    out += String.fromCharCode(...(n === codes.length ? codes : codes.subarray(0, n)));
  }
  return out;
}
