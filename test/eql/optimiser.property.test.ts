/**
 * Properties over generated queries, documents and patterns: optimising never changes an answer;
 * the wildcard matcher and the regex automaton agree with plain definitions of what they match.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileNode } from '../../lib/eql/compile.ts';
import { optimise } from '../../lib/eql/optimise.ts';
import { parseCondition } from '../../lib/eql/parser.ts';
import { luceneRegexMatcher, parseLuceneRegex, type Rx } from '../../lib/eql/lucene-regex.ts';
import { wildcardMatcher } from '../../lib/eql/wildcard.ts';

const FIELDS = ['a', 'b', 'c.d'];
const field = fc.constantFrom(...FIELDS);
const text = fc.stringMatching(/^[aAbB*?]{0,4}$/);
const stringLiteral = text.map((s) => JSON.stringify(s));
const numberLiteral = fc.oneof(fc.integer({ min: -5, max: 5 }).map(String), fc.constantFrom('2.5', '0.5'));
const literal = fc.oneof(stringLiteral, numberLiteral, fc.constantFrom('null', 'true', 'false'));

const value: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    field,
    literal,
    fc.tuple(tie('value'), fc.constantFrom('+', '-', '*', '/', '%'), tie('value')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(fc.constantFrom('length', 'string', 'number'), tie('value')).map(([f, x]) => `${f}(${x})`),
    fc.tuple(fc.constantFrom('startsWith', 'endsWith~', 'stringContains', 'indexOf', 'concat'), tie('value'), tie('value')).map(([f, x, y]) => `${f}(${x}, ${y})`),
  ),
})).value;

const predicate = fc.oneof(
  fc.tuple(value, fc.constantFrom('==', '!=', '<', '<=', '>', '>='), value).map(([l, op, r]) => `${l} ${op} ${r}`),
  fc.tuple(value, fc.constantFrom(':', 'like', 'like~'), fc.array(text, { minLength: 1, maxLength: 3 })).map(
    ([v, op, ps]) => `${v} ${op} (${ps.map((p) => JSON.stringify(p)).join(', ')})`,
  ),
  fc.tuple(value, fc.constantFrom('in', 'in~', 'not in', 'not in~'), fc.array(literal, { minLength: 1, maxLength: 3 })).map(
    ([v, op, items]) => `${v} ${op} (${items.join(', ')})`,
  ),
  value,
);

const condition: fc.Arbitrary<string> = fc.letrec<{ condition: string }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    predicate,
    tie('condition').map((c) => `not (${c})`),
    fc.tuple(tie('condition'), fc.constantFrom('and', 'or'), tie('condition')).map(([l, op, r]) => `(${l}) ${op} (${r})`),
  ),
})).condition;

const fieldValue = fc.oneof(text, fc.integer({ min: -5, max: 5 }), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 2 }));
const doc = fc.record({ a: fieldValue, b: fieldValue, 'c.d': fieldValue }, { requiredKeys: [] });

describe('optimiser', () => {
  it('gives the same answer as the query as written', () => {
    fc.assert(
      fc.property(condition, doc, (query, d) => {
        const parsed = parseCondition(query);
        const plain = compileNode(parsed).evaluate(d);
        const optimised = compileNode(optimise(parsed)).evaluate(d);
        expect(optimised).toEqual(plain);
      }),
      { numRuns: Number(process.env["EQL_PROPERTY_RUNS"] ?? 3000) },
    );
  });
});

/** `*` any run, `?` one character (code point), compared exactly: the definition, not the implementation. */
function wildcardMatches(pattern: readonly string[], value: readonly string[]): boolean {
  if (pattern.length === 0) return value.length === 0;
  const [p, ...tail] = pattern;
  if (p === '*') return wildcardMatches(tail, value) || (value.length > 0 && wildcardMatches(pattern, value.slice(1)));
  if (value.length === 0) return false;
  return (p === '?' || p === value[0]) && wildcardMatches(tail, value.slice(1));
}

describe('wildcards', () => {
  it('agree with the recursive definition, and fold case only when asked', () => {
    const chars = fc.stringMatching(/^(?:[ab.\\*?()[\]A]|😀){0,8}$/);
    fc.assert(
      fc.property(chars, fc.stringMatching(/^(?:[ab.\\()[\]A]|😀){0,10}$/), (pattern, value) => {
        expect(wildcardMatcher([pattern], false)(value)).toBe(wildcardMatches([...pattern], [...value]));
        expect(wildcardMatcher([pattern], true)(value)).toBe(wildcardMatches([...pattern.toLowerCase()], [...value.toLowerCase()]));
      }),
      { numRuns: Number(process.env["EQL_PROPERTY_RUNS"] ?? 3000) },
    );
  });
});

/** Where a parsed Lucene pattern can end, starting at `at`: the definition, by sets of positions. */
function ends(rx: Rx, value: readonly number[], at: number): Set<number> {
  switch (rx.t) {
    case 'class': {
      const code = value[at];
      if (code === undefined) return new Set();
      let inside = false;
      for (let k = 0; k < rx.ranges.length; k += 2) if (code >= rx.ranges[k]! && code <= rx.ranges[k + 1]!) inside = true;
      return inside !== rx.negated ? new Set([at + 1]) : new Set();
    }
    case 'seq':
      return rx.items.reduce((from, item) => new Set([...from].flatMap((p) => [...ends(item, value, p)])), new Set([at]));
    case 'alt':
      return new Set(rx.options.flatMap((option) => [...ends(option, value, at)]));
    case 'repeat': {
      const result = new Set<number>();
      let frontier = new Set([at]);
      for (let count = 0; count <= Math.min(rx.max, rx.min + value.length + 1) && frontier.size > 0; count++) {
        if (count >= rx.min) for (const p of frontier) result.add(p);
        frontier = new Set([...frontier].flatMap((p) => [...ends(rx.item, value, p)]));
      }
      return result;
    }
  }
}

const luceneAtom = fc.constantFrom('a', 'b', '1', '.', '[ab]', '[^a]', '\\d', '\\w', '"ab"', '[a-b1]');
const lucenePattern: fc.Arbitrary<string> = fc.letrec<{ p: string }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    luceneAtom,
    fc.tuple(tie('p'), tie('p')).map(([x, y]) => `${x}${y}`),
    fc.tuple(tie('p'), tie('p')).map(([x, y]) => `(${x}|${y})`),
    fc.tuple(tie('p'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,}')).map(([x, op]) => `(${x})${op}`),
  ),
})).p;

describe('Lucene regex automaton', () => {
  it('agrees with the definition of the parsed pattern', () => {
    fc.assert(
      fc.property(lucenePattern, fc.stringMatching(/^[ab1]{0,8}$/), (pattern, value) => {
        const codes = [...value].map((c) => c.codePointAt(0)!);
        const expected = ends(parseLuceneRegex(pattern), codes, 0).has(codes.length);
        expect(luceneRegexMatcher([pattern], false)(value)).toBe(expected);
      }),
      { numRuns: Number(process.env['EQL_PROPERTY_RUNS'] ?? 3000) },
    );
  });

  it('handles long values against patterns that would make a backtracking engine blow up', () => {
    const value = 'a'.repeat(30_000);
    expect(luceneRegexMatcher(['.*a.*a.*a.*b'], false)(value)).toBe(false);
    expect(luceneRegexMatcher(['(a|aa)*c'], false)(value)).toBe(false);
    expect(luceneRegexMatcher(['.*a.*a.*a.*'], false)(value)).toBe(true);
  });
});
