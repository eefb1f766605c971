/**
 * What a processing pipeline is once read (read-pipeline.ts) and what it works on: a rule
 * version (a rule as written, after filters, plus what pipelines did to it so far).
 * Each transformation and each condition is one small object in its own file.
 */
import type { Tree } from '../ast.ts';
import type { DetectionItem } from '../detection-item.ts';
import type { PipelineChange, RawRule } from '../sigma-rule.ts';

export type StateValue = string | number | boolean;

/** One rule as a pipeline sees it. Immutable: a transformation returns a new version. */
export interface RuleVersion {
  readonly rule: RawRule;
  /** Variant names this version was made by, in order (empty: the rule as written, or transformed in place). */
  readonly variants: readonly string[];
  /** Ids of the pipeline items whose rule conditions held (pySigma's rule-level applied items). */
  readonly applied: readonly string[];
  /** `set_state` values, shared by all pipelines applied to this version (pySigma's pipeline state). */
  readonly state: Readonly<Record<string, StateValue>>;
  readonly changes: readonly PipelineChange[];
}

/** A correlation rule's parts pipelines may rename fields in. */
export interface CorrelationFields {
  readonly groupBy: readonly string[];
  /** alias -> rule id or name -> field */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** value_* types: the field aggregated. */
  readonly field?: string;
}

/** What a rule condition is asked about: a rule version, or a correlation rule. */
export type RuleSubject =
  | { readonly kind: 'rule'; readonly version: RuleVersion }
  | {
      readonly kind: 'correlation';
      readonly body: Readonly<Record<string, unknown>>;
      readonly applied: readonly string[];
      readonly state: Readonly<Record<string, StateValue>>;
    };

export interface RuleCondition {
  matches(subject: RuleSubject): boolean;
}
export interface DetectionItemCondition {
  matches(item: DetectionItem, version: RuleVersion): boolean;
}
export interface FieldNameCondition {
  /** `field` null: a keyword item. `state`: the rule version's pipeline state. */
  matches(field: string | null, subject: { readonly applied: readonly string[]; readonly state: Readonly<Record<string, StateValue>> }): boolean;
}

/** Conditions joined by `*_cond_op` (a list) or `*_cond_expr` (a boolean tree of their ids), maybe negated. */
export interface Conditions<C> {
  readonly tree: Tree<{ readonly kind: 'cond'; readonly cond: C }>;
  readonly negated: boolean;
}

/** What a transformation gets besides the version: its item's conditions, the pipeline's vars. */
export interface ItemContext {
  readonly pipeline: ProcessingPipelineBody;
  readonly item: PipelineItem;
  /** The detection item and field name conditions hold for this item (pySigma's match_detection_item). */
  itemSelected(item: DetectionItem, version: RuleVersion): boolean;
  /** The field name conditions hold for this field (fieldref values, correlation fields). */
  fieldSelected(field: string | null, version: { readonly applied: readonly string[]; readonly state: Readonly<Record<string, StateValue>> }): boolean;
  /** Values for `%name%` placeholders: the pipeline's `vars`, then SigmaOptions.placeholders. */
  placeholder(name: string): readonly string[] | undefined;
}

export interface Transformation {
  readonly type: string;
  /** The version after this transformation; the same object when it changed nothing. Throws TransformationFailure. */
  apply(version: RuleVersion, ctx: ItemContext): RuleVersion;
  /** Correlation rules: only field-name transformations act on them. */
  applyCorrelation?(fields: CorrelationFields, ctx: ItemContext, subject: RuleSubject & { kind: 'correlation' }): CorrelationFields;
}

/** A transformation's deliberate refusal of a rule (rule_failure, conflicts, caps): names the pipeline item. */
export class TransformationFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TransformationFailure';
  }
}

export interface PipelineItem {
  /** The item's `id`, or `#N` (1-based position) when it has none. */
  readonly id: string;
  /** Only explicit ids are recorded as applied (pySigma keeps identified items). */
  readonly hasId: boolean;
  readonly transformation: Transformation;
  readonly ruleConditions: Conditions<RuleCondition>;
  readonly itemConditions: Conditions<DetectionItemCondition>;
  readonly fieldConditions: Conditions<FieldNameCondition>;
}

export interface ProcessingPipelineBody {
  readonly name: string;
  readonly priority: number;
  /** Where it was read from: a path, or `builtin:<file>`. */
  readonly source: string;
  /** winsift extension: the pipeline describes another log source, added as a version beside the rule. */
  readonly variant?: string;
  readonly vars: Readonly<Record<string, readonly string[]>>;
  readonly items: readonly PipelineItem[];
}
