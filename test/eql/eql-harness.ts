/**
 * Test helpers: evaluate an EQL expression against a document, both as written and after the
 * optimiser, and insist both give the same answer, so every operator test is also a check
 * that optimising changes nothing.
 */
import { expect } from 'vitest';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { compileNode, condition } from '../../lib/eql/compile.ts';
import { optimise } from '../../lib/eql/optimise.ts';
import { parseCondition } from '../../lib/eql/parser.ts';

export function evaluate(expression: string, doc: unknown = {}): FieldValue | undefined {
  const parsed = parseCondition(expression);
  const plain = compileNode(parsed).evaluate(doc);
  const optimised = compileNode(optimise(parsed)).evaluate(doc);
  expect(optimised, `optimised ${expression}`).toEqual(plain);
  return plain;
}

/** Whether a `where` clause holds: only `true` matches (null and false do not). */
export function holds(expression: string, doc: unknown = {}): boolean {
  const parsed = parseCondition(expression);
  const plain = condition(parsed)(doc) === true;
  const optimised = condition(optimise(parsed))(doc) === true;
  expect(optimised, `optimised ${expression}`).toBe(plain);
  return plain;
}
