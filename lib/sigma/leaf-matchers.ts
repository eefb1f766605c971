/**
 * Tests of one scalar of an event value against one rule value, compiled: the cheapest string
 * test a wildcard pattern allows, numeric comparisons, CIDR. Part of compile.ts's output.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { CompareOp, ValueTest } from './ast.ts';
import { foldString } from './case-fold.ts';
import { cidrContains } from '../matching/cidr.ts';
import { leafNumber, type Leaf } from './field-values.ts';
import type { Pattern } from './pattern.ts';
import { compileSigmaRegex, toRe2Source } from './regex-flavour.ts';
import { requiredLiteralSets } from './regex-literal.ts';
import {
  compileWildcard,
  endsWithFolded,
  equalsFolded,
  includesFolded,
  startsWithFolded,
  toUnits,
} from './string-tests.ts';

type Fields = Readonly<Record<string, FieldValue>>;
export type LeafMatcher = (leaf: Leaf, fields: Fields) => boolean;

export function buildLeaf(value: ValueTest): LeafMatcher {
  switch (value.kind) {
    case 'pattern':
      return buildPattern(value.pattern, value.cased);
    case 'regex':
      return buildRegex(value);
    case 'number': {
      const n = value.value;
      const text = String(n);
      return (leaf) => (typeof leaf === 'number' ? leaf === n : typeof leaf === 'string' && leaf === text);
    }
    case 'boolean': {
      const b = value.value;
      const text = String(b);
      return (leaf) => (typeof leaf === 'boolean' ? leaf === b : typeof leaf === 'string' && equalsFolded(leaf, text));
    }
    case 'compare':
      return buildCompare(value.op, value.value);
    case 'cidr': {
      const cidr = value.cidr;
      return (leaf) => typeof leaf === 'string' && cidrContains(cidr, leaf);
    }
    case 'exists':
    case 'null':
      return (leaf) => leaf === null;
    case 'fieldref':
      throw new Error('fieldref is evaluated per event, not per leaf');
  }
}

/**
 * The regex on the linear engine, behind plain-string checks: a value missing every literal of
 * one of the sets each match needs (regex-literal.ts) cannot match, and looking for them costs
 * far less than running the automaton (above all case-insensitive, which re2js cannot skip ahead
 * in). All the sets, not only the best: on the NXLog corpus two PowerShell payload regexes whose
 * best literal was `set` or `cmd` ran on nearly every 4103 event, 330 ms of 500 in all regexes.
 */
function buildRegex(value: Extract<ValueTest, { kind: 'regex' }>): LeafMatcher {
  const re = compileSigmaRegex(value);
  const sets = requiredLiteralSets(toRe2Source(value.source, value.flags), value.flags);
  const test =
    sets === undefined
      ? (text: string) => re.test(text)
      : (text: string) => {
          // Hot: a loop, not every/some, so a test allocates no closure.
          for (const set of sets) if (!holdsOneOf(text, set)) return false;
          return re.test(text);
        };
  return (leaf) => leaf !== null && test(typeof leaf === 'string' ? leaf : String(leaf));
}

function holdsOneOf(text: string, literals: readonly string[]): boolean {
  for (const literal of literals) if (includesFolded(text, literal)) return true;
  return false;
}

function buildCompare(op: CompareOp, n: number): LeafMatcher {
  switch (op) {
    case 'lt':
      return (leaf) => leafNumber(leaf) < n;
    case 'lte':
      return (leaf) => leafNumber(leaf) <= n;
    case 'gt':
      return (leaf) => leafNumber(leaf) > n;
    case 'gte':
      return (leaf) => leafNumber(leaf) >= n;
  }
}

/** The cheapest test that decides a wildcard pattern, by its shape. */
function buildPattern(pattern: Pattern, cased: boolean): LeafMatcher {
  const fold = cased ? (t: string) => t : foldString;
  const shape = pattern.map((p) => (p.kind === 'text' ? 'T' : p.kind === 'anyRun' ? '*' : '?')).join('');
  const text = (i: number): string => fold((pattern[i] as { text: string }).text);
  const onText = (test: (s: string) => boolean): LeafMatcher => (leaf) => {
    if (leaf === null) return false;
    return test(typeof leaf === 'string' ? leaf : String(leaf));
  };
  switch (shape) {
    case '':
      return onText((s) => s === '');
    case '*':
      return onText(() => true);
    case 'T': {
      const t = text(0);
      return onText(cased ? (s) => s === t : (s) => equalsFolded(s, t));
    }
    case 'T*': {
      const t = text(0);
      return onText(cased ? (s) => s.startsWith(t) : (s) => startsWithFolded(s, t));
    }
    case '*T': {
      const t = text(1);
      return onText(cased ? (s) => s.endsWith(t) : (s) => endsWithFolded(s, t));
    }
    case '*T*': {
      const t = text(1);
      return onText(cased ? (s) => s.includes(t) : (s) => includesFolded(s, t));
    }
    default: {
      return onText(compileWildcard(toUnits(pattern, fold), !cased));
    }
  }
}
