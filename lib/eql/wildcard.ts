/**
 * EQL wildcard patterns (`:`, `like`, `like~`): `*` is any run of characters, `?` exactly one.
 * There is no escape character: `"C:\\Windows\\*"` is the text `C:\Windows\` followed by a
 * wildcard, which is how Elastic's rules are written.
 *
 * Event data is attacker-controlled, and a backtracking regular expression like `.*a.*b.*c` is
 * polynomial in the value's length. So patterns with at most one `*` (nearly all, and linear as
 * a RegExp) run as one anchored RegExp, while patterns with more are split at their `*`s: the
 * first piece must start the value, the last must end it, and the pieces between are found
 * left to right (the leftmost place is always the right choice), at most value length x pattern
 * length. Case-insensitive tests compare lower-cased value and patterns, the same for both.
 */

/** Tests one string; built once per pattern list. */
export type TextTest = (value: string) => boolean;

/** A pattern piece between `*`s: literal runs, and counts of `?` (each one code point). */
type Token = string | number;

interface Piece {
  readonly tokens: readonly Token[];
  /** The piece without `?`: one literal, found with the native string searches. */
  readonly literal: string | null;
}

interface Pattern {
  readonly pieces: readonly Piece[];
}

export function wildcardMatcher(patterns: readonly string[], caseInsensitive: boolean): TextTest {
  const folded = caseInsensitive ? patterns.map((p) => p.toLowerCase()) : patterns;
  // Patterns without wildcards: one Set lookup for all of them.
  const exact = new Set(folded.filter((p) => !p.includes('*') && !p.includes('?')));
  const wild = folded.filter((p) => !exact.has(p));
  const simple = wild.filter((p) => starCount(p) <= 1);
  const regex = simple.length === 0 ? null : new RegExp(`^(?:${simple.map(toRegExpSource).join('|')})$`, 'su');
  const others = wild.filter((p) => starCount(p) > 1).map(compile);
  return (input) => {
    const value = caseInsensitive ? input.toLowerCase() : input;
    if (exact.has(value)) return true;
    if (regex !== null && regex.test(value)) return true;
    for (const pattern of others) if (matches(pattern, value)) return true;
    return false;
  };
}

function starCount(pattern: string): number {
  let count = 0;
  for (const c of pattern) if (c === '*') count++;
  return count;
}

/** `*` and `?` become `.*` and `.` (one code point, under the `u` flag); the rest is literal. */
function toRegExpSource(pattern: string): string {
  let out = '';
  for (const c of pattern) out += c === '*' ? '.*' : c === '?' ? '.' : /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
  return out;
}

function compile(pattern: string): Pattern {
  return {
    pieces: pattern.split('*').map((text) => {
      const tokens: Token[] = [];
      for (const run of text.split(/(\?+)/)) {
        if (run === '') continue;
        tokens.push(run.startsWith('?') ? run.length : run);
      }
      return { tokens, literal: text.includes('?') ? null : text };
    }),
  };
}

function matches(pattern: Pattern, value: string): boolean {
  const pieces = pattern.pieces;
  const first = pieces[0] as Piece;
  if (pieces.length === 1) return matchAt(first, value, 0) === value.length;
  let position = matchAt(first, value, 0);
  for (let i = 1; i < pieces.length - 1 && position >= 0; i++) position = find(pieces[i] as Piece, value, position);
  return position >= 0 && endsWithPiece(pieces[pieces.length - 1] as Piece, value, position);
}

/** Where the piece ends if it matches at `start`, else -1. */
function matchAt(piece: Piece, value: string, start: number): number {
  let v = start;
  for (const token of piece.tokens) {
    if (typeof token === 'string') {
      if (!value.startsWith(token, v)) return -1;
      v += token.length;
      continue;
    }
    for (let k = 0; k < token; k++) {
      if (v >= value.length) return -1;
      v += isSurrogatePair(value, v) ? 2 : 1;
    }
  }
  return v;
}

/** The end of the leftmost match of the piece at or after `from`, else -1. */
function find(piece: Piece, value: string, from: number): number {
  if (piece.literal !== null) {
    const at = value.indexOf(piece.literal, from);
    return at < 0 ? -1 : at + piece.literal.length;
  }
  const lead = piece.tokens[0];
  for (let start = from; start <= value.length; start++) {
    if (typeof lead === 'string') {
      start = value.indexOf(lead, start); // jump to where the piece's first literal occurs
      if (start < 0) return -1;
    } else if (isLowSurrogateInPair(value, start)) {
      continue;
    }
    const end = matchAt(piece, value, start);
    if (end >= 0) return end;
  }
  return -1;
}

/** Whether the piece matches a suffix of the value that starts at or after `from`. */
function endsWithPiece(piece: Piece, value: string, from: number): boolean {
  if (piece.literal !== null) return value.length - piece.literal.length >= from && value.endsWith(piece.literal);
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
