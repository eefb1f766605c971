/**
 * EQL wildcard patterns (`:`, `like`, `like~`): `*` is any run of characters, `?` exactly one.
 * There is no escape character: `"C:\\Windows\\*"` is the text `C:\Windows\` followed by a
 * wildcard, which is how Elastic's rules are written.
 *
 * Matching does not use backtracking regular expressions: event data is attacker-controlled, and
 * `.*a.*b.*c` over a long command line is polynomial. A pattern is split at its `*`s; the first
 * piece must start the value, the last must end it, and the pieces between are found left to
 * right (the leftmost place is always the right choice), so a test costs at most
 * value length x pattern length.
 */

/** Tests one string; built once per pattern list. */
export type TextTest = (value: string) => boolean;

interface Piece {
  readonly text: string;
  /** Has `?`: compared character by character; else found with indexOf. */
  readonly wild: boolean;
}

interface Compiled {
  readonly pieces: readonly Piece[];
  /** No `*` at all: the single piece must be the whole value. */
  readonly exact: boolean;
}

export function wildcardMatcher(patterns: readonly string[], caseInsensitive: boolean): TextTest {
  const compiled = patterns.map((p) => compile(caseInsensitive ? p.toLowerCase() : p));
  const exact = new Set(compiled.filter((c) => c.exact && !c.pieces[0]?.wild).map((c) => c.pieces[0]?.text ?? ''));
  const others = compiled.filter((c) => !(c.exact && !c.pieces[0]?.wild));
  return (input) => {
    const value = caseInsensitive ? input.toLowerCase() : input;
    if (exact.has(value)) return true;
    for (const pattern of others) if (matches(pattern, value)) return true;
    return false;
  };
}

function compile(pattern: string): Compiled {
  const parts = pattern.split('*');
  return { pieces: parts.map((text) => ({ text, wild: text.includes('?') })), exact: parts.length === 1 };
}

function matches(pattern: Compiled, value: string): boolean {
  const pieces = pattern.pieces;
  const first = pieces[0] as Piece;
  if (pattern.exact) return matchAt(first, value, 0) === value.length;
  let position = matchAt(first, value, 0);
  if (position < 0) return false;
  for (let i = 1; i < pieces.length - 1; i++) {
    const found = find(pieces[i] as Piece, value, position);
    if (found < 0) return false;
    position = found;
  }
  return endsWithPiece(pieces[pieces.length - 1] as Piece, value, position);
}

/** Where the piece ends if it matches at `start`, else -1. `?` takes one code point. */
function matchAt(piece: Piece, value: string, start: number): number {
  const text = piece.text;
  if (!piece.wild) return value.startsWith(text, start) ? start + text.length : -1;
  let v = start;
  for (let p = 0; p < text.length; p++) {
    if (v >= value.length) return -1;
    const c = text.charCodeAt(p);
    if (c === 63 /* ? */) {
      v += isSurrogatePair(value, v) ? 2 : 1;
    } else if (value.charCodeAt(v) === c) {
      v++;
    } else {
      return -1;
    }
  }
  return v;
}

/** The end of the leftmost match of the piece at or after `from`, else -1. */
function find(piece: Piece, value: string, from: number): number {
  if (!piece.wild) {
    const at = value.indexOf(piece.text, from);
    return at < 0 ? -1 : at + piece.text.length;
  }
  for (let start = from; start <= value.length; start++) {
    if (isLowSurrogateInPair(value, start)) continue;
    const end = matchAt(piece, value, start);
    if (end >= 0) return end;
  }
  return -1;
}

/** Whether the piece matches a suffix of the value that starts at or after `from`. */
function endsWithPiece(piece: Piece, value: string, from: number): boolean {
  if (!piece.wild) return value.length - piece.text.length >= from && value.endsWith(piece.text);
  for (let start = value.length; start >= from; start--) {
    if (isLowSurrogateInPair(value, start)) continue;
    if (matchAt(piece, value, start) === value.length) return true;
  }
  return false;
}

function isSurrogatePair(value: string, at: number): boolean {
  const hi = value.charCodeAt(at);
  const lo = value.charCodeAt(at + 1);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

function isLowSurrogateInPair(value: string, at: number): boolean {
  return at > 0 && at < value.length && isSurrogatePair(value, at - 1);
}
