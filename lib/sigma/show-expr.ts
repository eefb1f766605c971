/**
 * A resolved detection as readable lines (for `winsift rules explain`): the boolean structure
 * indented, each field test with its final field name, its tests in words and the rule item it
 * came from. Long value lists are cut (the count of the rest is shown).
 */
import type { Expr, FieldTest } from './ast.ts';
import { describeValue } from './explain.ts';

const MAX_VALUES = 12;

function showTest(test: FieldTest): string {
  const shown = test.values.slice(0, MAX_VALUES).map(describeValue);
  if (test.values.length > MAX_VALUES) shown.push(`… ${test.values.length - MAX_VALUES} more`);
  const joined = shown.join(test.all ? ' and ' : ' or ');
  const field = test.field ?? '(any value)';
  const words = `${test.timePart ? `${test.timePart} ` : ''}${joined}`;
  return `${field} ${test.negate ? `not (${words})` : words}    [${test.label}]`;
}

export function showExpr(expr: Expr, indent = ''): string[] {
  switch (expr.kind) {
    case 'test':
      return [indent + showTest(expr)];
    case 'const':
      return [`${indent}${expr.value ? 'always' : 'never'}`];
    case 'not':
      return [`${indent}not`, ...showExpr(expr.item, `${indent}  `)];
    case 'and':
    case 'or':
      return [`${indent}${expr.kind}`, ...expr.items.flatMap((item) => showExpr(item, `${indent}  `))];
  }
}
