/**
 * Properties over generated queries and documents: optimising never changes an answer, and the
 * wildcard matcher agrees with a plain recursive definition of `*` and `?`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileNode } from '../../lib/eql/compile.ts';
import { optimise } from '../../lib/eql/optimise.ts';
import { parseCondition } from '../../lib/eql/parser.ts';
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
