import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldString } from '../../lib/sigma/case-fold.ts';
import { buildLeaf } from '../../lib/sigma/leaf-matchers.ts';
import type { Pattern, PatternPart } from '../../lib/sigma/pattern.ts';
import { compileWildcard, toUnits, wildcardMatches } from '../../lib/sigma/string-tests.ts';

// Case pairs, a char whose lower case is two code units (İ), Kelvin sign vs K, a surrogate half.
const alphabet = ['a', 'A', 'b', 'B', 'İ', 'i', 'K', '\u212a', 'k', '-', '/', '\ud83d'];
const char = fc.constantFrom(...alphabet);
const word = (min: number, max: number) => fc.array(char, { minLength: min, maxLength: max }).map((cs) => cs.join(''));

const part: fc.Arbitrary<PatternPart> = fc.oneof(
  { weight: 4, arbitrary: word(1, 3).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'anyRun' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'anyOne' as const }) },
  { weight: 1, arbitrary: word(1, 3).map((chars) => ({ kind: 'oneOf' as const, chars })) },
);
const pattern = fc.array(part, { maxLength: 7 });

/** A text the pattern is likely to match: each part instantiated, literals in random case. */
function instance(p: Pattern): fc.Arbitrary<string> {
  const pieces = p.map((x): fc.Arbitrary<string> => {
    switch (x.kind) {
      case 'text':
        return fc.array(fc.boolean(), { minLength: x.text.length, maxLength: x.text.length }).map((up) =>
          [...x.text].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join('').slice(0, x.text.length),
        );
      case 'anyRun':
        return word(0, 4);
      case 'anyOne':
        return char;
      case 'oneOf':
        return fc.constantFrom(...x.chars);
    }
  });
  return fc.tuple(...pieces).map((ps) => ps.join(''));
}

/** A text made of the pattern's own characters, so its segments often occur, overlap and repeat. */
function dense(p: Pattern): fc.Arbitrary<string> {
  const chars = [...new Set(p.flatMap((x) => (x.kind === 'text' ? [...x.text] : x.kind === 'oneOf' ? [...x.chars] : [])))];
  if (chars.length === 0) return word(0, 6);
  return fc.array(fc.constantFrom(...chars), { maxLength: 10 }).map((cs) => cs.join(''));
}

const patternAndTexts = pattern.chain((p) =>
  fc.tuple(fc.constant(p), fc.array(fc.oneof(word(0, 12), instance(p), dense(p)), { minLength: 1, maxLength: 6 }), fc.boolean()),
);

const foldFor = (cased: boolean) => (cased ? (t: string) => t : foldString);

describe('compiled wildcard matching equals the backtracking reference', () => {
  it('on random patterns and texts, cased and uncased', () => {
    let matched = 0;
    let total = 0;
    fc.assert(
      fc.property(patternAndTexts, ([p, texts, cased]) => {
        const units = toUnits(p, foldFor(cased));
        const compiled = compileWildcard(units, !cased);
        const leaf = buildLeaf({ kind: 'pattern', pattern: p, cased });
        for (const text of texts) {
          const expected = wildcardMatches(text, units, !cased);
          total++;
          if (expected) matched++;
          expect(compiled(text)).toBe(expected);
          expect(leaf(text, {})).toBe(expected);
        }
      }),
      { numRuns: 4000 },
    );
    // The generator must exercise both outcomes, or the property says little.
    expect(matched / total).toBeGreaterThan(0.15);
    expect(matched / total).toBeLessThan(0.85);
  });

  const glob = (source: string): Pattern =>
    [...source].map((c): PatternPart =>
      c === '*' ? { kind: 'anyRun' } : c === '?' ? { kind: 'anyOne' } : { kind: 'text', text: c },
    );
  const matches = (source: string, text: string, cased = false): boolean =>
    compileWildcard(toUnits(glob(source), foldFor(cased)), !cased)(text);

  it('anchored first and last segments never overlap', () => {
    expect(matches('ab*ba', 'aba')).toBe(false);
    expect(matches('ab*ba', 'abba')).toBe(true);
    expect(matches('a*a', 'a')).toBe(false);
    expect(matches('a*a', 'aa')).toBe(true);
    expect(matches('ab*b*ba', 'abba')).toBe(false);
    expect(matches('ab*b*ba', 'abbba')).toBe(true);
    expect(matches('?*?', 'x')).toBe(false);
    expect(matches('a*bc*cd', 'abcd')).toBe(false);
    expect(matches('a*bc*cd', 'abccd')).toBe(true);
  });

  it('middle segments are found in order, within the unanchored span', () => {
    expect(matches('*ab*ba*', 'aba')).toBe(false);
    expect(matches('*ab*ba*', 'abba')).toBe(true);
    expect(matches('*b*a*', 'ab')).toBe(false);
    expect(matches('*b*a*', 'aba')).toBe(true);
    expect(matches('x*ab*y', 'xaby')).toBe(true);
    expect(matches('x*ab*y', 'xay')).toBe(false);
    expect(matches('x*ab*by', 'xaby')).toBe(false);
    expect(matches('*?b?*', 'ab')).toBe(false);
    expect(matches('*?b?*', 'abc')).toBe(true);
  });

  it('without a star the whole text must match', () => {
    expect(matches('a?c', 'abc')).toBe(true);
    expect(matches('a?c', 'abcd')).toBe(false);
    expect(matches('a?c', 'ac')).toBe(false);
    expect(matches('', '')).toBe(true);
    expect(matches('', 'a')).toBe(false);
  });

  it('folds the text per code unit unless cased', () => {
    expect(matches('*K?*', 'x\u212ay')).toBe(true);
    expect(matches('*K?*', 'x\u212ay', true)).toBe(false);
    expect(matches('a?İ', 'Axİ')).toBe(true);
    expect(matches('a?i', 'Axİ')).toBe(false);
  });
});
