/**
 * Evidence for an alert: the field tests that held and made the rule match, found by walking the
 * rule's expression with the reference interpreter (cold path, only for matches).
 */
import type { FieldValue } from '../events/win-event.ts';
import type { Evidence } from '../rules/rule.ts';
import type { Expr, FieldTest, ValueTest } from './ast.ts';
import { evaluate, evaluateTest, valueHolds } from './reference.ts';
import { showPattern } from './pattern.ts';

type Fields = Readonly<Record<string, FieldValue>>;

export function explainExpr(expr: Expr, fields: Fields): Evidence[] {
  const out: Evidence[] = [];
  collect(expr, fields, true, out);
  return out;
}

/** Walks the branches that decided the result; `want` is the value a branch had to have. */
function collect(expr: Expr, fields: Fields, want: boolean, out: Evidence[]): void {
  switch (expr.kind) {
    case 'const':
      return;
    case 'not':
      collect(expr.item, fields, !want, out);
      return;
    case 'and':
    case 'or':
      for (const item of expr.items) if (evaluate(item, fields) === want) collect(item, fields, want, out);
      return;
    case 'test':
      if (evaluateTest(expr, fields) === want) out.push(evidence(expr, fields, want));
  }
}

function evidence(test: FieldTest, fields: Fields, held: boolean): Evidence {
  const values = held && !test.negate && !test.all ? test.values.filter((v) => valueHolds(test, v, fields)) : test.values;
  const words = values.map(describeValue).join(test.all ? ' and ' : ' or ');
  const negated = held === test.negate;
  const [field, value] = test.field === null ? keywordHit(test, values, fields, held) : [test.field, Object.hasOwn(fields, test.field) ? fields[test.field]! : null];
  const text = `${test.timePart ? `${test.timePart} ` : ''}${words}`;
  return { field, value, test: negated ? `not (${text})` : text };
}

/** For a keyword search: the first field whose value held a keyword, so the reader sees where. */
function keywordHit(test: FieldTest, values: readonly ValueTest[], fields: Fields, held: boolean): [string, FieldValue] {
  if (held && !test.negate) {
    for (const [name, value] of Object.entries(fields)) {
      if (values.some((v) => valueHolds(test, v, { [name]: value }))) return [name, value];
    }
  }
  return ['(keywords)', null];
}

export function describeValue(value: ValueTest): string {
  switch (value.kind) {
    case 'pattern':
      return `${value.cased ? 'cased ' : ''}matches "${showPattern(value.pattern)}"`;
    case 'regex':
      return `re /${value.source}/${value.flags.replace('u', '')}`;
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
