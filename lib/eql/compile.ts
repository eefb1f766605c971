/**
 * Turns an (optimised) EQL syntax tree into closures over an ECS document.
 *
 * Null handling follows how Elasticsearch runs EQL. A test of a field against constants
 * (`file.path : "..."`, `event.action == "rename"`, `x in (...)`) runs there as a term, wildcard or
 * range query: an absent field simply does not match, so `not file.path : "C:\\*"` matches a
 * document without `file.path` (a `must_not` query). A multi-valued field matches when any value
 * does. Anything computed (`length(file.name) > 30`, `a + 1 == b`) runs there as a script: null in,
 * null out, and `not null` is still null, so it never matches.
 */
import type { FieldValue } from '../events/win-event.ts';
import { readsField, type ComparisonNode, type FieldNode, type InNode, type Literal, type Node, type PatternNode } from './ast.ts';
import { fieldGetter } from './ecs-document.ts';
import { EqlError } from './eql-error.ts';
import { arithmetic, divideValues, findFunction, FUNCTION_NAMES, moduloValues } from './functions.ts';
import { luceneRegexMatcher, RegexSyntaxError } from './lucene-regex.ts';
import { parseCidr } from '../matching/cidr.ts';
import { asText, compare, isAbsent, looselyEqual, mirror, scalar, type Truth } from './values.ts';
import { wildcardMatcher } from './wildcard.ts';

/** Evaluates a node against one document. Predicates give `true`, `false` or `null`. */
export type Evaluate = (doc: unknown) => FieldValue | undefined;

export interface Compiled {
  readonly evaluate: Evaluate;
  /** Statically a float (a decimal literal took part): turns off integer division. */
  readonly float: boolean;
}

export function compileNode(node: Node): Compiled {
  switch (node.type) {
    case 'literal': {
      const value = node.value;
      return { evaluate: () => value, float: node.float };
    }
    case 'field':
      return { evaluate: fieldGetter(node.path), float: false };
    case 'negate': {
      const operand = compileNode(node.operand);
      return {
        evaluate: (doc) => {
          const v = scalar(operand.evaluate(doc));
          return typeof v === 'number' ? -v : null;
        },
        float: operand.float,
      };
    }
    case 'arithmetic': {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      const float = left.float || right.float;
      const l = left.evaluate;
      const r = right.evaluate;
      switch (node.operator) {
        case '/':
          return { evaluate: (doc) => divideValues(scalar(l(doc)), scalar(r(doc)), float), float };
        case '%':
          return { evaluate: (doc) => moduloValues(scalar(l(doc)), scalar(r(doc))), float };
        default: {
          const op = node.operator;
          return { evaluate: (doc) => arithmetic(op, scalar(l(doc)), scalar(r(doc))), float };
        }
      }
    }
    case 'call':
      return compileCall(node);
    case 'comparison':
      return predicate(compileComparison(node));
    case 'in':
      return predicate(compileIn(node));
    case 'pattern':
      return predicate(compilePattern(node));
    case 'not': {
      const operand = condition(node.operand);
      return predicate((doc) => {
        const v = operand(doc);
        return v === null ? null : !v;
      });
    }
    case 'and': {
      const operands = node.operands.map(condition);
      return predicate((doc) => {
        let unknown = false;
        for (const operand of operands) {
          const v = operand(doc);
          if (v === false) return false;
          if (v === null) unknown = true;
        }
        return unknown ? null : true;
      });
    }
    case 'or': {
      const operands = node.operands.map(condition);
      return predicate((doc) => {
        let unknown = false;
        for (const operand of operands) {
          const v = operand(doc);
          if (v === true) return true;
          if (v === null) unknown = true;
        }
        return unknown ? null : false;
      });
    }
  }
}

/** A node used where a condition is expected: only a boolean value is true or false. */
export function condition(node: Node): (doc: unknown) => Truth {
  const evaluate = compileNode(node).evaluate;
  if (node.type === 'comparison' || node.type === 'in' || node.type === 'pattern' || node.type === 'not' || node.type === 'and' || node.type === 'or') {
    return evaluate as (doc: unknown) => Truth;
  }
  return (doc) => {
    const v = scalar(evaluate(doc));
    return typeof v === 'boolean' ? v : null;
  };
}

function predicate(test: (doc: unknown) => Truth): Compiled {
  return { evaluate: test, float: false };
}

function compileCall(node: Extract<Node, { type: 'call' }>): Compiled {
  const fn = findFunction(node.name);
  if (fn === undefined) {
    throw new EqlError(`unknown function \`${node.name}\`; supported: ${FUNCTION_NAMES.join(', ')}`, node.start);
  }
  if (node.caseInsensitive && !fn.caseInsensitiveVariant) {
    throw new EqlError(`\`${fn.name}\` has no case-insensitive \`~\` variant`, node.start);
  }
  if (node.args.length < fn.minArgs || node.args.length > fn.maxArgs) {
    const range = fn.maxArgs === fn.minArgs ? `${fn.minArgs}` : fn.maxArgs === Number.POSITIVE_INFINITY ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
    throw new EqlError(`\`${fn.name}\` takes ${range} argument(s), not ${node.args.length}`, node.start);
  }
  if (fn.name === 'cidrMatch') {
    for (const arg of node.args.slice(1)) {
      if (arg.type === 'literal' && typeof arg.value === 'string' && typeof parseCidr(arg.value.trim()) === 'string') {
        throw new EqlError(`\`${arg.value}\` is not a CIDR block`, arg.start);
      }
    }
  }
  const args = node.args.map(compileNode);
  const evaluators = args.map((a) => a.evaluate);
  const floatOperand = args.some((a) => a.float);
  const context = { caseInsensitive: node.caseInsensitive, floatOperand };
  const arithmeticResult = ['add', 'subtract', 'multiply', 'divide', 'modulo'].includes(fn.name);
  const call = fn.call;
  return {
    evaluate: (doc) => {
      const values: FieldValue[] = [];
      for (const evaluate of evaluators) values.push(scalar(evaluate(doc)));
      return call(values, context);
    },
    float: arithmeticResult && floatOperand,
  };
}

/**
 * The value of an operand that reads no field (`"x"`, `-1`, `length("abc")`), else null.
 * Elasticsearch folds these before choosing between a query and a script, so `a == length("")`
 * is the term query `a == 0`; deciding here (not only in the optimiser) keeps both paths alike.
 */
function constantOf(node: Node): { value: Literal } | null {
  if (node.type === 'literal') return { value: node.value };
  if (readsField(node)) return null;
  const value = compileNode(node).evaluate(undefined);
  return { value: value === undefined || typeof value === 'object' ? null : value };
}

function compileComparison(node: ComparisonNode): (doc: unknown) => Truth {
  let { left, right, operator } = node;
  if (constantOf(left) !== null && constantOf(right) === null) {
    [left, right] = [right, left];
    operator = mirror(operator);
  }
  // `x == null` / `x != null` test presence, whatever x is.
  if (constantOf(right)?.value === null && (operator === '==' || operator === '!=')) {
    const evaluate = compileNode(left).evaluate;
    const wantAbsent = operator === '==';
    return (doc) => isAbsent(evaluate(doc)) === wantAbsent;
  }
  const constant = constantOf(right);
  if (left.type === 'field' && constant !== null) {
    const get = fieldGetter(left.path);
    const b = constant.value;
    if (b === null) return () => null; // `x < null`: never true
    if (operator === '!=') {
      // A must_not term query: true when no value equals.
      return (doc) => !anyValue(get(doc), (v) => looselyEqual(v, b));
    }
    const op = operator;
    return (doc) => anyValue(get(doc), (v) => compare(v, b, op) === true);
  }
  const l = compileNode(left).evaluate;
  const r = compileNode(right).evaluate;
  const op = operator;
  return (doc) => {
    const a = scalar(l(doc));
    const b = scalar(r(doc));
    if (a === null || b === null) return null;
    return compare(a, b, op);
  };
}

function compileIn(node: InNode): (doc: unknown) => Truth {
  const constants = node.list.map(constantOf);
  const negated = node.negated;
  const member = memberTest(node);
  if (node.value.type === 'field' && constants.every((c) => c !== null)) {
    const get = fieldGetter(node.value.path);
    const matchesAbsent = constants.some((c) => c?.value === null);
    return (doc) => {
      const value = get(doc);
      const found = isAbsent(value) ? matchesAbsent : anyValue(value, (v) => member(v, doc));
      return negated ? !found : found;
    };
  }
  const evaluate = compileNode(node.value).evaluate;
  return (doc) => {
    const v = scalar(evaluate(doc));
    if (v === null) return null;
    const found = member(v, doc);
    return negated ? !found : found;
  };
}

/** Whether one non-null value is in the list (`in` exact, `in~` case-folded). */
function memberTest(node: InNode): (value: FieldValue, doc: unknown) => boolean {
  const items = node.list.map(compileNode).map((c) => c.evaluate);
  if (!node.caseInsensitive) {
    return (value, doc) => {
      for (const item of items) {
        const other = scalar(item(doc));
        if (other !== null && looselyEqual(value, other)) return true;
      }
      return false;
    };
  }
  return (value, doc) => {
    const text = asText(value);
    for (const item of items) {
      const other = scalar(item(doc));
      if (other === null) continue;
      const otherText = typeof other === 'string' ? other : null;
      if (text !== null && otherText !== null ? text.toLowerCase() === otherText.toLowerCase() : looselyEqual(value, other)) return true;
    }
    return false;
  };
}

function compilePattern(node: PatternNode): (doc: unknown) => Truth {
  if (node.kind === 'regex') {
    // Check each pattern alone first, so the error points at the one at fault.
    node.patterns.forEach((pattern, i) => {
      try {
        luceneRegexMatcher([pattern], node.caseInsensitive);
      } catch (error) {
        const reason = error instanceof RegexSyntaxError ? error.message : error instanceof Error ? error.message : String(error);
        throw new EqlError(`bad ${node.keyword} pattern ${JSON.stringify(pattern)}: ${reason}`, node.patternStarts[i] ?? node.start);
      }
    });
  }
  let matchText: (text: string) => boolean;
  if (node.kind === 'wildcard') {
    matchText = wildcardMatcher(node.patterns, node.caseInsensitive);
  } else {
    matchText = luceneRegexMatcher(node.patterns, node.caseInsensitive);
  }
  const test = (v: FieldValue): boolean => {
    const text = asText(v);
    return text !== null && matchText(text);
  };
  if (node.value.type === 'field') {
    const get = fieldGetter((node.value as FieldNode).path);
    return (doc) => anyValue(get(doc), test);
  }
  const evaluate = compileNode(node.value).evaluate;
  return (doc) => {
    const v = scalar(evaluate(doc));
    return v === null ? null : test(v);
  };
}

/** Term-query semantics: absent never matches; an array matches when any element does. */
function anyValue(value: FieldValue | undefined, test: (v: FieldValue) => boolean): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) {
    for (const element of value as readonly FieldValue[]) if (element !== null && test(element)) return true;
    return false;
  }
  return test(value);
}
