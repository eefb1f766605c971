/**
 * What a rule pack is once read: Sigma rules after filters, pipelines, selection and level
 * overrides (ready to compile), the correlation documents, and the EQL rules as metadata + query.
 * Built from rule files (build-pack.ts) or read back from a precompiled pack (compiled-pack.ts);
 * either way `loadPackContent` (rule-pack.ts) turns it into the detector, so both give the same answers.
 */
import type { ElasticRule } from '../eql/index.ts';
import type { CompilableRule } from '../sigma/detector.ts';
import type { ParsedSigma } from '../sigma/load.ts';
import type { PackSuppression } from './pack-suppression.ts';
import type { RuleError, RuleReplaced } from './rule.ts';

export interface PackSigmaRule extends CompilableRule {
  /** The rule's `name`, which correlations may refer to. */
  readonly name?: string;
}

export interface PackContent {
  readonly sigma: readonly PackSigmaRule[];
  readonly correlations: ParsedSigma['correlations'];
  readonly eql: readonly ElasticRule[];
  /** Rules that could not be read or compiled, and why (a precompiled pack lists those it left out). */
  readonly errors: readonly RuleError[];
  /** Rules a later source's copy of the same id replaced. */
  readonly replaced: readonly RuleReplaced[];
  /** The configuration's `suppress:` section resolved per rule (pack-suppression.ts), when it has one. */
  readonly suppress?: PackSuppression;
}
