/**
 * The reference interpreter: Sigma semantics written as plainly as possible, straight from the
 * specification, with no routing and no optimisation. The compiled engine (compile.ts) must give
 * the same answer for every rule and event; property tests check that. `explain` uses it too.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { Expr, FieldTest, ValueTest } from './ast.ts';
import { cidrContains } from '../matching/cidr.ts';
import { foldString } from './case-fold.ts';
import { leafNumber, leafText, someLeaf, timePartOf, type Leaf } from './field-values.ts';
import { patternRegexSource } from './pattern.ts';
import { compileSigmaRegex } from './regex-flavour.ts';

type Fields = Readonly<Record<string, FieldValue>>;

export function evaluate(expr: Expr, fields: Fields): boolean {
  switch (expr.kind) {
    case 'const':
      return expr.value;
    case 'and':
      return expr.items.every((item) => evaluate(item, fields));
    case 'or':
      return expr.items.some((item) => evaluate(item, fields));
    case 'not':
      return !evaluate(expr.item, fields);
    case 'test':
      return evaluateTest(expr, fields);
  }
}

export function evaluateTest(test: FieldTest, fields: Fields): boolean {
  const holds = (value: ValueTest): boolean => valueHolds(test, value, fields);
  const result = test.all ? test.values.every(holds) : test.values.some(holds);
  return test.negate ? !result : result;
}

/** One value of an item against the event. */
export function valueHolds(test: FieldTest, value: ValueTest, fields: Fields): boolean {
  if (test.field === null) {
    // Keywords: the value is looked for in every value of the event.
    return Object.values(fields).some((v) => someLeaf(v, (leaf) => leafHolds(value, leaf, fields)));
  }
  const present = Object.hasOwn(fields, test.field);
  if (value.kind === 'exists') return present === value.value;
  const fieldValue = present ? fields[test.field]! : null;
  if (value.kind === 'null') return fieldValue === null;
  if (!present) return false;
  return someLeaf(fieldValue, (leaf) => {
    if (test.timePart) return leafHolds(value, timePartOf(leaf, test.timePart), fields);
    return leafHolds(value, leaf, fields);
  });
}

function leafHolds(value: ValueTest, leaf: Leaf, fields: Fields): boolean {
  switch (value.kind) {
    case 'exists':
    case 'null':
      return leaf === null;
    case 'pattern': {
      const text = leafText(leaf);
      if (text === undefined) return false;
      const source = patternRegexSource(value.pattern);
      // Case-insensitive means: both sides folded (case-fold.ts), then compared exactly.
      return value.cased ? new RegExp(source, 's').test(text) : new RegExp(foldString(source), 's').test(foldString(text));
    }
    case 'regex': {
      const text = leafText(leaf);
      return text !== undefined && regexOf(value).test(text);
    }
    case 'number':
      if (typeof leaf === 'number') return leaf === value.value;
      return typeof leaf === 'string' && leaf === String(value.value);
    case 'boolean':
      if (typeof leaf === 'boolean') return leaf === value.value;
      return typeof leaf === 'string' && leaf.toLowerCase() === String(value.value);
    case 'compare': {
      const n = leafNumber(leaf);
      if (Number.isNaN(n)) return false;
      return value.op === 'lt' ? n < value.value : value.op === 'lte' ? n <= value.value : value.op === 'gt' ? n > value.value : n >= value.value;
    }
    case 'cidr':
      return typeof leaf === 'string' && cidrContains(value.cidr, leaf);
    case 'fieldref': {
      const text = leafText(leaf);
      if (text === undefined || !Object.hasOwn(fields, value.field)) return false;
      return someLeaf(fields[value.field]!, (other) => {
        const otherText = leafText(other);
        if (otherText === undefined) return false;
        const a = value.cased ? text : foldString(text);
        const b = value.cased ? otherText : foldString(otherText);
        switch (value.position) {
          case 'equals':
            return a === b;
          case 'contains':
            return a.includes(b);
          case 'startswith':
            return a.startsWith(b);
          case 'endswith':
            return a.endsWith(b);
        }
      });
    }
  }
}

/** `re` means what the one regex engine (lib/matching/regex.ts) says; compiled once per value. */
const regexes = new WeakMap<object, ReturnType<typeof compileSigmaRegex>>();
function regexOf(value: Extract<ValueTest, { kind: 'regex' }>): ReturnType<typeof compileSigmaRegex> {
  let regex = regexes.get(value);
  if (regex === undefined) regexes.set(value, (regex = compileSigmaRegex(value)));
  return regex;
}
