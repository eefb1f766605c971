/** `is_sigma_rule` / `is_sigma_correlation_rule`: which kind of document the rule is. */
import type { RuleCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

export const isSigmaRule: ConditionType<RuleCondition> = {
  name: 'is_sigma_rule',
  params: { required: [], optional: [] },
  make: () => ({ matches: (subject) => subject.kind === 'rule' }),
};

export const isSigmaCorrelationRule: ConditionType<RuleCondition> = {
  name: 'is_sigma_correlation_rule',
  params: { required: [], optional: [] },
  make: () => ({ matches: (subject) => subject.kind === 'correlation' }),
};
