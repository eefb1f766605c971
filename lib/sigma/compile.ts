/**
 * Compiles a detection expression into closures for the hot path: constant folding, cheapest
 * tests first inside AND/OR, plain string tests (equals/startswith/endswith/contains) instead of
 * regular expressions wherever the pattern allows, and no allocation while evaluating.
 * Must answer exactly as reference.ts does.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { Expr, FieldTest, ValueTest } from './ast.ts';
import type { FieldScanners } from './field-scanners.ts';
import { timePartOf } from './field-values.ts';
import { buildLeaf, type LeafMatcher } from './leaf-matchers.ts';
import { valueHolds } from './reference.ts';
import { scannedNeedle, scannedNeedles } from './scanned-needles.ts';
import { foldedBoth } from './string-tests.ts';

type Fields = Readonly<Record<string, FieldValue>>;
export type Matcher = (fields: Fields) => boolean;

const TRUE: Matcher = () => true;
const FALSE: Matcher = () => false;

/**
 * `scanners` (from the detector) lets contains/startswith/endswith tests read the result of one
 * Aho-Corasick scan per field instead of searching the value themselves.
 */
export function compileExpr(expr: Expr, scanners?: FieldScanners): Matcher {
  return build(simplify(expr), scanners);
}

/** Constant folding and flattening of nested AND/OR; the shape the compiler builds from. */
export function simplify(expr: Expr): Expr {
  switch (expr.kind) {
    case 'const':
    case 'test':
      return expr;
    case 'not': {
      const inner = simplify(expr.item);
      if (inner.kind === 'const') return { kind: 'const', value: !inner.value };
      if (inner.kind === 'not') return inner.item;
      return { kind: 'not', item: inner };
    }
    case 'and':
    case 'or': {
      const absorbing = expr.kind === 'or';
      const items: Expr[] = [];
      for (const item of expr.items.map(simplify)) {
        if (item.kind === 'const') {
          if (item.value === absorbing) return item;
          continue;
        }
        if (item.kind === expr.kind) items.push(...item.items);
        else items.push(item);
      }
      if (items.length === 0) return { kind: 'const', value: !absorbing };
      if (items.length === 1) return items[0]!;
      items.sort((a, b) => cost(a) - cost(b));
      return { kind: expr.kind, items };
    }
  }
}

/** A rough evaluation cost, so cheap tests (EventID equality) run before regular expressions. */
export function cost(expr: Expr): number {
  switch (expr.kind) {
    case 'const':
      return 0;
    case 'not':
      return cost(expr.item);
    case 'and':
    case 'or':
      return expr.items.reduce((sum, item) => sum + cost(item), 0);
    case 'test': {
      const base = expr.field === null ? 50 : 1;
      return expr.values.reduce((sum, v) => sum + base * valueCost(v), 0);
    }
  }
}

function valueCost(value: ValueTest): number {
  switch (value.kind) {
    case 'number':
    case 'boolean':
    case 'null':
    case 'exists':
      return 1;
    case 'pattern':
      return 2 + value.pattern.length;
    case 'compare':
      return 2;
    case 'fieldref':
      return 4;
    case 'cidr':
      return 8;
    case 'regex':
      return 20;
  }
}

function build(expr: Expr, scanners: FieldScanners | undefined): Matcher {
  switch (expr.kind) {
    case 'const':
      return expr.value ? TRUE : FALSE;
    case 'not': {
      const inner = build(expr.item, scanners);
      return (fields) => !inner(fields);
    }
    case 'and': {
      const items = expr.items.map((item) => build(item, scanners));
      if (items.length === 2) {
        const [a, b] = items as [Matcher, Matcher];
        return (fields) => a(fields) && b(fields);
      }
      return (fields) => {
        for (let i = 0; i < items.length; i++) if (!items[i]!(fields)) return false;
        return true;
      };
    }
    case 'or': {
      const items = expr.items.map((item) => build(item, scanners));
      return (fields) => {
        for (let i = 0; i < items.length; i++) if (items[i]!(fields)) return true;
        return false;
      };
    }
    case 'test':
      return buildTest(expr, scanners);
  }
}

function buildTest(test: FieldTest, scanners: FieldScanners | undefined): Matcher {
  const values = [...test.values].sort((a, b) => valueCost(a) - valueCost(b));
  // Needles answered by the field scan are checked together: one presence test, one scan.
  const scannedGroup = scanners ? scannedNeedles(test, values, scanners) : undefined;
  const rest = scannedGroup ? values.filter((v) => !scannedGroup.values.has(v)) : values;
  const perValue: Matcher[] = rest.map((value) => buildValue(test, value, scanners));
  if (scannedGroup) perValue.unshift(scannedGroup.matcher);
  let matcher: Matcher;
  if (perValue.length === 1) matcher = perValue[0]!;
  else if (test.all) {
    matcher = (fields) => {
      for (let i = 0; i < perValue.length; i++) if (!perValue[i]!(fields)) return false;
      return true;
    };
  } else {
    matcher = (fields) => {
      for (let i = 0; i < perValue.length; i++) if (perValue[i]!(fields)) return true;
      return false;
    };
  }
  if (!test.negate) return matcher;
  const positive = matcher;
  return (fields) => !positive(fields);
}

function buildValue(test: FieldTest, value: ValueTest, scanners: FieldScanners | undefined): Matcher {
  const field = test.field;
  const scanned = scanners && !test.timePart && value.kind === 'pattern' && !value.cased ? scannedNeedle(field, value.pattern, scanners) : undefined;
  if (scanned) return scanned;
  if (field !== null && value.kind === 'fieldref' && !test.timePart) return buildFieldref(test, field, value);
  if (field === null || value.kind === 'exists' || value.kind === 'null' || value.kind === 'fieldref' || test.timePart) {
    if (field !== null && value.kind === 'exists') {
      const want = value.value;
      return (fields) => Object.hasOwn(fields, field) === want;
    }
    if (field !== null && value.kind === 'null') {
      return (fields) => !Object.hasOwn(fields, field) || fields[field] === null;
    }
    if (field !== null && test.timePart) {
      const part = test.timePart;
      const leafMatcher = buildLeaf(value);
      return (fields) => Object.hasOwn(fields, field) && anyLeaf(fields[field]!, fields, (leaf, f) => leafMatcher(timePartOf(leaf, part), f));
    }
    if (field === null && value.kind !== 'fieldref' && value.kind !== 'exists' && value.kind !== 'null') {
      // Keywords: the value is looked for in every value of the event.
      const leafMatcher = buildLeaf(value);
      return (fields) => {
        for (const key in fields) if (anyLeaf(fields[key]!, fields, leafMatcher)) return true;
        return false;
      };
    }
    return (fields) => valueHolds(test, value, fields);
  }
  const leafMatcher = buildLeaf(value);
  return (fields) => Object.hasOwn(fields, field) && anyLeaf(fields[field]!, fields, leafMatcher);
}

/** `fieldref` on two scalar values without allocating; lists and objects take the reference path. */
function buildFieldref(test: FieldTest, field: string, value: Extract<ValueTest, { kind: 'fieldref' }>): Matcher {
  const { field: other, position, cased } = value;
  return (fields) => {
    if (!Object.hasOwn(fields, field) || !Object.hasOwn(fields, other)) return false;
    const a = fields[field]!;
    const b = fields[other]!;
    if (a === null || b === null) return false;
    if (typeof a === 'object' || typeof b === 'object') return valueHolds(test, value, fields);
    const x = typeof a === 'string' ? a : String(a);
    const y = typeof b === 'string' ? b : String(b);
    if (!cased) return foldedBoth(x, y, position);
    return position === 'equals' ? x === y : position === 'contains' ? x.includes(y) : position === 'startswith' ? x.startsWith(y) : x.endsWith(y);
  };
}

/** Whether any scalar inside `value` (lists and objects searched) passes `matcher`. */
function anyLeaf(value: FieldValue, fields: Fields, matcher: LeafMatcher): boolean {
  if (value === null || typeof value !== 'object') return matcher(value, fields);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (anyLeaf((value as readonly FieldValue[])[i]!, fields, matcher)) return true;
    return false;
  }
  for (const key in value) if (anyLeaf((value as Record<string, FieldValue>)[key]!, fields, matcher)) return true;
  return false;
}
