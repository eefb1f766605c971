/**
 * The EQL syntax tree: one small type per node. Every node keeps its source span
 * (`start`..`end` offsets into the query) so errors and alert evidence can quote the query.
 */

export type Literal = string | number | boolean | null;

interface Span {
  readonly start: number;
  readonly end: number;
}

/** `"text"`, `42`, `4.0`, `true`, `null`. `float` marks decimal literals (`4.0`), which turn off integer division. */
export interface LiteralNode extends Span {
  readonly type: 'literal';
  readonly value: Literal;
  readonly float: boolean;
}

/** `process.name`, `?user.id`, `process.args[0]`: a path of names and array indexes. */
export interface FieldNode extends Span {
  readonly type: 'field';
  readonly path: readonly (string | number)[];
  /** Written `?field`: Elasticsearch allows it to be unmapped. Here every field may be absent. */
  readonly optional: boolean;
}

/** `-x`. Unary plus is dropped by the parser. */
export interface NegateNode extends Span {
  readonly type: 'negate';
  readonly operand: Node;
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export interface ArithmeticNode extends Span {
  readonly type: 'arithmetic';
  readonly operator: ArithmeticOperator;
  readonly left: Node;
  readonly right: Node;
}

/** `name(args)` or `name~(args)`. */
export interface CallNode extends Span {
  readonly type: 'call';
  readonly name: string;
  readonly caseInsensitive: boolean;
  readonly args: readonly Node[];
}

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export interface ComparisonNode extends Span {
  readonly type: 'comparison';
  readonly operator: ComparisonOperator;
  readonly left: Node;
  readonly right: Node;
}

/** `x in (a, b)`, `x in~ (...)`, `x not in (...)`: exact (or case-folded) membership. */
export interface InNode extends Span {
  readonly type: 'in';
  readonly value: Node;
  readonly list: readonly Node[];
  readonly caseInsensitive: boolean;
  readonly negated: boolean;
}

/**
 * `x : "a*"`, `x like "A*"`, `x like~ (...)`, `x regex "..."`, `x regex~ (...)`.
 * `:` is `like~`: wildcards `*` and `?`, case-insensitive.
 */
export interface PatternNode extends Span {
  readonly type: 'pattern';
  readonly kind: 'wildcard' | 'regex';
  readonly value: Node;
  readonly patterns: readonly string[];
  /** Offset of each pattern's string literal in the query, for errors. */
  readonly patternStarts: readonly number[];
  readonly caseInsensitive: boolean;
  /** How it was written (`:`, `like~`, ...), for evidence text. */
  readonly keyword: string;
}

export interface NotNode extends Span {
  readonly type: 'not';
  readonly operand: Node;
}

/** `and` / `or` over two or more operands (the optimiser flattens nested chains). */
export interface LogicalNode extends Span {
  readonly type: 'and' | 'or';
  readonly operands: readonly Node[];
}

export type Node =
  | LiteralNode
  | FieldNode
  | NegateNode
  | ArithmeticNode
  | CallNode
  | ComparisonNode
  | InNode
  | PatternNode
  | NotNode
  | LogicalNode;

/** `category where condition`; `category` is null for `any`. */
export interface EventQuery {
  readonly kind: 'event';
  readonly category: string | null;
  readonly condition: Node;
  /** The query text the spans point into. */
  readonly source: string;
}

/** One `[category where condition] by keys` of a sequence; `with runs=N` is already expanded. */
export interface SequenceStage {
  readonly query: EventQuery;
  /** Join keys: the sequence's `by` followed by the stage's own. */
  readonly keys: readonly Node[];
  readonly start: number;
}

/** `sequence [by keys] [with maxspan=5m] [stage] [stage]... [until [stage]]`. */
export interface SequenceQuery {
  readonly kind: 'sequence';
  readonly stages: readonly SequenceStage[];
  readonly until: SequenceStage | null;
  /** `with maxspan=`, in milliseconds; null when unbounded. */
  readonly maxspanMs: number | null;
  readonly source: string;
}

export type Statement = EventQuery | SequenceQuery;

/** The field path as ECS writes it: `process.args[0]` becomes `process.args.0`. */
export function fieldName(node: FieldNode): string {
  return node.path.join('.');
}

/** Whether evaluating a node reads the document; if not, it is a constant. */
export function readsField(node: Node): boolean {
  switch (node.type) {
    case 'literal':
      return false;
    case 'field':
      return true;
    case 'negate':
    case 'not':
      return readsField(node.operand);
    case 'arithmetic':
    case 'comparison':
      return readsField(node.left) || readsField(node.right);
    case 'call':
      return node.args.some(readsField);
    case 'in':
      return readsField(node.value) || node.list.some(readsField);
    case 'pattern':
      return readsField(node.value);
    case 'and':
    case 'or':
      return node.operands.some(readsField);
  }
}
