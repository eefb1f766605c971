/**
 * Rewrites a condition into an equivalent, cheaper one before compiling (tau-engine's
 * parse -> optimise -> solve): folds constant sub-expressions (`4 / 2`, `length("abc")`), flattens
 * `and`/`or` chains, drops `true`/`false` operands, removes double negation, and orders the
 * operands of `and`/`or` cheapest first so a field test can rule an event out before a function
 * or regex runs. Every rewrite holds in three-valued logic, so answers do not change.
 */
import { readsField, type Literal, type Node } from './ast.ts';
import { compileNode } from './compile.ts';

export function optimise(node: Node): Node {
  switch (node.type) {
    case 'literal':
    case 'field':
      return node;
    case 'negate':
      return fold({ ...node, operand: optimise(node.operand) });
    case 'arithmetic':
      return fold({ ...node, left: optimise(node.left), right: optimise(node.right) });
    case 'call':
      return fold({ ...node, args: node.args.map(optimise) });
    case 'comparison':
      return fold({ ...node, left: optimise(node.left), right: optimise(node.right) });
    case 'in':
      return fold({ ...node, value: optimise(node.value), list: node.list.map(optimise) });
    case 'pattern':
      return fold({ ...node, value: optimise(node.value) });
    case 'not': {
      const operand = optimise(node.operand);
      if (operand.type === 'not' && isTruthValued(operand.operand)) return operand.operand;
      return fold({ ...node, operand });
    }
    case 'and':
    case 'or':
      return optimiseLogical(node);
  }
}

function optimiseLogical(node: Extract<Node, { type: 'and' | 'or' }>): Node {
  const absorbing = node.type === 'or'; // `x or true` is true; `x and false` is false
  const operands: Node[] = [];
  for (const operand of node.operands.map(optimise)) {
    if (operand.type === node.type) operands.push(...operand.operands);
    else if (operand.type === 'literal' && operand.value === absorbing) return operand;
    else if (operand.type === 'literal' && operand.value === !absorbing) continue;
    else operands.push(operand);
  }
  if (operands.length === 0) return { type: 'literal', value: !absorbing, float: false, start: node.start, end: node.end };
  // A lone operand stands for the whole only if it is already true/false/null: `a or false`
  // over a string field `a` is null, while `a` alone is the string.
  if (operands.length === 1 && isTruthValued(operands[0] as Node)) return operands[0] as Node;
  const ordered = operands
    .map((operand, index) => ({ operand, index, cost: cost(operand) }))
    .sort((a, b) => a.cost - b.cost || a.index - b.index)
    .map((entry) => entry.operand);
  return { ...node, operands: ordered };
}

/** Whether a node always evaluates to true, false or null (so it can replace a condition). */
function isTruthValued(node: Node): boolean {
  switch (node.type) {
    case 'comparison':
    case 'in':
    case 'pattern':
    case 'not':
    case 'and':
    case 'or':
      return true;
    case 'literal':
      return node.value === null || typeof node.value === 'boolean';
    default:
      return false;
  }
}

/** A node that reads no field is evaluated now and replaced by its value. */
function fold(node: Node): Node {
  if (readsField(node)) return node;
  const value = compileNode(node).evaluate(undefined);
  if (value !== null && typeof value === 'object') return node;
  return { type: 'literal', value: (value ?? null) as Literal, float: compileNode(node).float, start: node.start, end: node.end };
}

/** Rough relative cost of evaluating a node: a field equality is cheap, a regex over many patterns is not. */
export function cost(node: Node): number {
  switch (node.type) {
    case 'literal':
      return 0;
    case 'field':
      return 1;
    case 'negate':
    case 'not':
      return cost(node.operand);
    case 'arithmetic':
      return 2 + cost(node.left) + cost(node.right);
    case 'comparison':
      return cost(node.left) + cost(node.right);
    case 'in':
      return cost(node.value) + 1 + node.list.length / 4;
    case 'pattern':
      return cost(node.value) + (node.kind === 'regex' ? 6 : 2) + node.patterns.length / 4;
    case 'call':
      return 5 + node.args.reduce((sum, arg) => sum + cost(arg), 0);
    case 'and':
    case 'or':
      return node.operands.reduce((sum, operand) => sum + cost(operand), 0);
  }
}
