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
