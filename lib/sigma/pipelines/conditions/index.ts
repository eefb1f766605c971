/** The condition types pipelines may name, per kind (pySigma's rule, detection item and field name conditions). */
import type { DetectionItemCondition, FieldNameCondition, RuleCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';
import { containsDetectionItemCondition } from './contains-detection-item.ts';
import { containsFieldCondition } from './contains-field.ts';
import { excludeFieldsCondition, includeFieldsCondition } from './include-fields.ts';
import { isNullCondition } from './is-null.ts';
import { isSigmaCorrelationRule, isSigmaRule } from './is-sigma-rule.ts';
import { logsourceCondition } from './logsource.ts';
import { matchStringCondition } from './match-string.ts';
import { fieldProcessingItemApplied, itemProcessingItemApplied, ruleProcessingItemApplied } from './processing-item-applied.ts';
import { fieldProcessingState, itemProcessingState, ruleProcessingState } from './processing-state.ts';
import { ruleAttributeCondition } from './rule-attribute.ts';
import { tagCondition } from './tag.ts';

const byName = <C>(types: ReadonlyArray<ConditionType<C>>): ReadonlyMap<string, ConditionType<C>> => new Map(types.map((t) => [t.name, t]));

export const RULE_CONDITIONS = byName<RuleCondition>([
  logsourceCondition,
  containsDetectionItemCondition,
  containsFieldCondition,
  ruleProcessingItemApplied,
  ruleProcessingState,
  isSigmaRule,
  isSigmaCorrelationRule,
  ruleAttributeCondition,
  tagCondition,
]);

export const DETECTION_ITEM_CONDITIONS = byName<DetectionItemCondition>([matchStringCondition, isNullCondition, itemProcessingItemApplied, itemProcessingState]);

export const FIELD_NAME_CONDITIONS = byName<FieldNameCondition>([includeFieldsCondition, excludeFieldsCondition, fieldProcessingItemApplied, fieldProcessingState]);

export type { ConditionType };
