/**
 * Evidence for an alert: the field tests that held and made the rule match, found by walking the
 * rule's expression (cold path, only for matches). The walk asks an oracle whether a branch,
 * a test or one value held: the reference interpreter (`explainExpr`, the plain definition), or
 * the rule's compiled matchers (`compiledExplainer`, what the detector uses: the reference
 * builds a regular expression per value per leaf, which made explaining cost as much as matching).
 */
import type { FieldValue } from '../events/win-event.ts';
import type { Evidence } from '../rules/rule.ts';
import type { Expr, FieldTest, ValueTest } from './ast.ts';
import { compileExpr, type Matcher } from './compile.ts';
import type { FieldScanners } from './field-scanners.ts';
import { evaluate, evaluateTest, valueHolds } from './reference.ts';
import { showPattern } from './pattern.ts';

type Fields = Readonly<Record<string, FieldValue>>;

/** What the walk needs to know about an event; both oracles answer exactly alike. */
interface Oracle {
  holds(expr: Expr, fields: Fields): boolean;
  valueHolds(test: FieldTest, value: ValueTest, fields: Fields): boolean;
}

const REFERENCE: Oracle = {
  holds: (expr, fields) => (expr.kind === 'test' ? evaluateTest(expr, fields) : evaluate(expr, fields)),
  valueHolds,
};

export function explainExpr(expr: Expr, fields: Fields): Evidence[] {
  const out: Evidence[] = [];
  collect(REFERENCE, expr, fields, true, out);
  return out;
}

/**
 * `explainExpr` answered by compiled matchers, compiled on first use and kept. With the
 * detector's `scanners`, needle tests read the shared field scans: each fields object the walk
 * looks at gets a scan epoch of its own (the detector's next `match` starts another), except
 * that `scanned` says the current epoch's scans are already of `fields` (the detector has just
 * matched them), which spares scanning them again.
 */
export function compiledExplainer(expr: Expr, scanners?: FieldScanners): (fields: Fields, scanned?: boolean) => Evidence[] {
  const exprs = new Map<Expr, Matcher>();
  const values = new Map<FieldTest, Map<ValueTest, Matcher>>();
  let current: Fields | undefined;
  const epochFor = (fields: Fields): void => {
    if (scanners && fields !== current) scanners.nextEvent();
    current = fields;
  };
  const oracle: Oracle = {
    holds(e, fields) {
      let matcher = exprs.get(e);
      if (!matcher) exprs.set(e, (matcher = compileExpr(e, scanners)));
      epochFor(fields);
      return matcher(fields);
    },
    valueHolds(test, value, fields) {
      let byValue = values.get(test);
      if (!byValue) values.set(test, (byValue = new Map()));
      let matcher = byValue.get(value);
      // The item with this value alone, neither negated nor `all`: exactly `valueHolds`.
      if (!matcher) byValue.set(value, (matcher = compileExpr({ ...test, values: [value], all: false, negate: false }, scanners)));
      epochFor(fields);
      return matcher(fields);
    },
  };
  return (fields, scanned = false) => {
    current = scanned ? fields : undefined;
    const out: Evidence[] = [];
    collect(oracle, expr, fields, true, out);
    return out;
  };
}

/** Walks the branches that decided the result; `want` is the value a branch had to have. */
function collect(oracle: Oracle, expr: Expr, fields: Fields, want: boolean, out: Evidence[]): void {
  switch (expr.kind) {
    case 'const':
      return;
    case 'not':
      collect(oracle, expr.item, fields, !want, out);
      return;
    case 'and':
    case 'or':
      for (const item of expr.items) if (oracle.holds(item, fields) === want) collect(oracle, item, fields, want, out);
      return;
    case 'test':
      if (oracle.holds(expr, fields) === want) out.push(evidence(oracle, expr, fields, want));
  }
}

function evidence(oracle: Oracle, test: FieldTest, fields: Fields, held: boolean): Evidence {
  const values = held && !test.negate && !test.all ? test.values.filter((v) => oracle.valueHolds(test, v, fields)) : test.values;
  const words = values === test.values ? describeAll(test) : values.map(describeValue).join(test.all ? ' and ' : ' or ');
  const negated = held === test.negate;
  const [field, value] = test.field === null ? keywordHit(oracle, test, values, fields, held) : [test.field, Object.hasOwn(fields, test.field) ? fields[test.field]! : null];
  const text = `${test.timePart ? `${test.timePart} ` : ''}${words}`;
  return { field, value, test: negated ? `not (${text})` : text };
}

/** For a keyword search: the first field whose value held a keyword, so the reader sees where. */
function keywordHit(oracle: Oracle, test: FieldTest, values: readonly ValueTest[], fields: Fields, held: boolean): [string, FieldValue] {
  if (held && !test.negate) {
    for (const [name, value] of Object.entries(fields)) {
      if (values.some((v) => oracle.valueHolds(test, v, { [name]: value }))) return [name, value];
    }
  }
  return ['(keywords)', null];
}

/** Every value of a test in words, built once per test: filter lists run to hundreds of values. */
const allDescribed = new WeakMap<FieldTest, string>();
function describeAll(test: FieldTest): string {
  let words = allDescribed.get(test);
  if (words === undefined) allDescribed.set(test, (words = test.values.map(describeValue).join(test.all ? ' and ' : ' or ')));
  return words;
}

export function describeValue(value: ValueTest): string {
  switch (value.kind) {
    case 'pattern':
      return `${value.cased ? 'cased ' : ''}matches "${showPattern(value.pattern)}"`;
    case 'regex':
      return `re /${value.source}/${value.flags}`;
    case 'number':
    case 'boolean':
      return `equals ${String(value.value)}`;
    case 'null':
      return 'is null or absent';
    case 'compare':
      return `${value.op} ${value.value}`;
    case 'cidr':
      return `in ${value.cidr.text}`;
    case 'exists':
      return value.value ? 'exists' : 'is absent';
    case 'fieldref':
      return `${value.position} field ${value.field}`;
  }
}
