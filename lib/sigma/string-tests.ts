/**
 * Allocation-free string tests for the compiled engine. Needles are folded once at compile time
 * (case-fold.ts); haystacks are folded code unit by code unit while comparing.
 */
import { foldCode } from './case-fold.ts';
import type { Pattern } from './pattern.ts';

export function equalsFolded(text: string, needle: string): boolean {
  if (text.length !== needle.length) return false;
  return regionMatches(text, 0, needle);
}

export function startsWithFolded(text: string, needle: string): boolean {
  return text.length >= needle.length && regionMatches(text, 0, needle);
}

export function endsWithFolded(text: string, needle: string): boolean {
  return text.length >= needle.length && regionMatches(text, text.length - needle.length, needle);
}

export function includesFolded(text: string, needle: string): boolean {
  const last = text.length - needle.length;
  if (needle.length === 0) return true;
  const first = needle.charCodeAt(0);
  for (let i = 0; i <= last; i++) {
    if (foldCode(text.charCodeAt(i)) === first && regionMatches(text, i, needle)) return true;
  }
  return false;
}

/** `text` against `other` by position, both folded as they are read (fieldref). */
export function foldedBoth(text: string, other: string, position: 'equals' | 'contains' | 'startswith' | 'endswith'): boolean {
  const n = other.length;
  switch (position) {
    case 'equals':
      return text.length === n && regionMatchesBoth(text, 0, other);
    case 'startswith':
      return text.length >= n && regionMatchesBoth(text, 0, other);
    case 'endswith':
      return text.length >= n && regionMatchesBoth(text, text.length - n, other);
    case 'contains':
      for (let i = 0; i + n <= text.length; i++) if (regionMatchesBoth(text, i, other)) return true;
      return false;
  }
}

function regionMatchesBoth(text: string, offset: number, other: string): boolean {
  for (let j = 0; j < other.length; j++) {
    if (foldCode(text.charCodeAt(offset + j)) !== foldCode(other.charCodeAt(j))) return false;
  }
  return true;
}

function regionMatches(text: string, offset: number, needle: string): boolean {
  for (let j = 0; j < needle.length; j++) {
    if (foldCode(text.charCodeAt(offset + j)) !== needle.charCodeAt(j)) return false;
  }
  return true;
}

/**
 * General wildcard match (`*`, `?`, character sets) with the classic single-backtrack algorithm:
 * on a mismatch, the last `*` absorbs one more character. `fold` says whether to fold the text
 * (the pattern was folded at compile time).
 */
export function wildcardMatches(text: string, units: readonly PatternUnit[], fold: boolean): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const unit = units[p];
    if (unit !== undefined && unit !== STAR) {
      const code = fold ? foldCode(text.charCodeAt(t)) : text.charCodeAt(t);
      if (unit === ANY || (typeof unit === 'number' ? unit === code : setHas(unit, code))) {
        t++;
        p++;
        continue;
      }
    } else if (unit === STAR) {
      starP = p++;
      starT = t;
      continue;
    }
    if (starP < 0) return false;
    p = starP + 1;
    t = ++starT;
  }
  while (units[p] === STAR) p++;
  return p === units.length;
}

function setHas(chars: string, code: number): boolean {
  for (let k = 0; k < chars.length; k++) if (chars.charCodeAt(k) === code) return true;
  return false;
}

/** A pattern flattened to one unit per code unit: a code, ANY (`?`), STAR (`*`) or a char set. */
export type PatternUnit = number | string;
export const ANY = -1;
export const STAR = -2;

export function toUnits(pattern: Pattern, fold: (text: string) => string): PatternUnit[] {
  const units: PatternUnit[] = [];
  for (const part of pattern) {
    if (part.kind === 'text') {
      const text = fold(part.text);
      for (let i = 0; i < text.length; i++) units.push(text.charCodeAt(i));
    } else if (part.kind === 'anyRun') units.push(STAR);
    else if (part.kind === 'anyOne') units.push(ANY);
    else units.push(fold(part.chars));
  }
  return units;
}

/**
 * A wildcard pattern compiled once into segments split at `*`: `first` anchored at the start
 * (absent when the pattern starts with `*`), `last` anchored at the end (absent when it ends with
 * `*`), `middles` found leftmost in order between them. A pattern without `*` is one `first`
 * segment that must cover the whole text. Greedy leftmost placement of each middle segment is
 * exact for globs whose only variable-length part is `*`, so a match costs one pass over the
 * text per middle segment at worst, instead of the backtracking loop's text x pattern.
 *
 * A segment is an Int32Array of units: a code (>= 0, folded at compile time), SEG_ANY (`?`), or
 * a set as SEG_SET_BASE - index into `sets`. One array type keeps the inner loop monomorphic.
 */
const SEG_ANY = -1;
const SEG_SET_BASE = -2;

interface Segment {
  readonly units: Int32Array;
  /** Offset of the first literal code in `units`, or -1: the scan skips on it. */
  readonly probe: number;
  readonly probeCode: number;
}

export type WildcardMatcher = (text: string) => boolean;

export function compileWildcard(units: readonly PatternUnit[], fold: boolean): WildcardMatcher {
  const sets: string[] = [];
  const segments: Segment[] = [];
  let current: number[] = [];
  const starts = units[0] === STAR;
  const ends = units.length > 0 && units[units.length - 1] === STAR;
  let hasStar = false;
  const close = (): void => {
    const arr = Int32Array.from(current);
    let probe = -1;
    for (let k = 0; k < arr.length; k++) {
      if (arr[k]! >= 0) {
        probe = k;
        break;
      }
    }
    segments.push({ units: arr, probe, probeCode: probe >= 0 ? arr[probe]! : 0 });
    current = [];
  };
  for (const unit of units) {
    if (unit === STAR) {
      hasStar = true;
      close();
    } else if (unit === ANY) current.push(SEG_ANY);
    else if (typeof unit === 'number') current.push(unit);
    else {
      sets.push(unit);
      current.push(SEG_SET_BASE - (sets.length - 1));
    }
  }
  close();
  // Segments between stars; the first and last are anchored unless the pattern starts/ends with `*`.
  if (!hasStar) {
    const whole = segments[0]!.units;
    return (text) => text.length === whole.length && segmentAt(text, 0, whole, sets, fold);
  }
  const first = starts ? null : segments[0]!.units;
  const last = ends ? null : segments[segments.length - 1]!.units;
  const middles = segments.slice(1, segments.length - 1).filter((s) => s.units.length > 0);
  let minLength = (first?.length ?? 0) + (last?.length ?? 0);
  for (const m of middles) minLength += m.units.length;
  return (text) => {
    const n = text.length;
    if (n < minLength) return false;
    let from = 0;
    if (first !== null) {
      if (!segmentAt(text, 0, first, sets, fold)) return false;
      from = first.length;
    }
    let end = n;
    if (last !== null) {
      end = n - last.length; // >= from, as n >= minLength: the last segment never overlaps the first
      if (!segmentAt(text, end, last, sets, fold)) return false;
    }
    for (let m = 0; m < middles.length; m++) {
      const at = findSegment(text, from, end, middles[m]!, sets, fold);
      if (at < 0) return false;
      from = at + middles[m]!.units.length;
    }
    return true;
  };
}

function segmentAt(text: string, offset: number, units: Int32Array, sets: readonly string[], fold: boolean): boolean {
  for (let j = 0; j < units.length; j++) {
    const u = units[j]!;
    if (u === SEG_ANY) continue;
    const raw = text.charCodeAt(offset + j);
    const code = fold ? foldCode(raw) : raw;
    if (u >= 0 ? u !== code : !setHas(sets[SEG_SET_BASE - u]!, code)) return false;
  }
  return true;
}

/** Leftmost start of `seg` within text[from, end), or -1. */
function findSegment(text: string, from: number, end: number, seg: Segment, sets: readonly string[], fold: boolean): number {
  const units = seg.units;
  const lastStart = end - units.length;
  const probe = seg.probe;
  if (probe < 0) {
    // Only `?` and sets: try each position.
    for (let i = from; i <= lastStart; i++) if (segmentAt(text, i, units, sets, fold)) return i;
    return -1;
  }
  const code = seg.probeCode;
  const stop = lastStart + probe;
  for (let i = from + probe; i <= stop; i++) {
    const raw = text.charCodeAt(i);
    if ((fold ? foldCode(raw) : raw) === code && segmentAt(text, i - probe, units, sets, fold)) return i - probe;
  }
  return -1;
}
