/**
 * Evidence for an alert: walks the condition as written and, for every elementary test that
 * went the way the query needed (a test that held, or one under `not` that failed), lists the
 * fields it read with their values and the test's own text from the query.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { Evidence } from '../rules/rule.ts';
import { fieldName, type FieldNode, type Node } from './ast.ts';
import { condition } from './compile.ts';
import { fieldGetter } from './ecs-document.ts';

const MAX_TEST_TEXT = 200;

export function explainCondition(root: Node, source: string, doc: unknown): Evidence[] {
  const evidence: Evidence[] = [];
  const walk = (node: Node, wanted: boolean): void => {
    if (node.type === 'and' || node.type === 'or') {
      for (const operand of node.operands) walk(operand, wanted);
      return;
    }
    if (node.type === 'not') {
      walk(node.operand, !wanted);
      return;
    }
    if (condition(node)(doc) !== wanted) return;
    const text = squeeze(source.slice(node.start, node.end));
    const test = wanted ? text : `not ${text}`;
    const seen = new Set<string>();
    for (const field of fieldsOf(node)) {
      const name = fieldName(field);
      if (seen.has(name)) continue;
      seen.add(name);
      evidence.push({ field: name, value: readValue(field, doc), test });
    }
  };
  walk(root, true);
  return evidence;
}

function readValue(field: FieldNode, doc: unknown): FieldValue {
  return fieldGetter(field.path)(doc) ?? null;
}

/** Every field a node reads, in query order (repeats included). */
export function fieldsOf(node: Node): FieldNode[] {
  switch (node.type) {
    case 'literal':
      return [];
    case 'field':
      return [node];
    case 'negate':
    case 'not':
      return fieldsOf(node.operand);
    case 'arithmetic':
    case 'comparison':
      return [...fieldsOf(node.left), ...fieldsOf(node.right)];
    case 'call':
      return node.args.flatMap(fieldsOf);
    case 'in':
      return [...fieldsOf(node.value), ...node.list.flatMap(fieldsOf)];
    case 'pattern':
      return fieldsOf(node.value);
    case 'and':
    case 'or':
      return node.operands.flatMap(fieldsOf);
  }
}

/** Query text on one line (runs of whitespace collapsed), trimmed for an e-mail. */
function squeeze(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_TEST_TEXT ? `${flat.slice(0, MAX_TEST_TEXT - 1)}…` : flat;
}
