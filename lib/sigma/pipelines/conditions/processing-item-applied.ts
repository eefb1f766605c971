/**
 * `processing_item_applied`: the item with this id was applied before — to the rule (a rule
 * condition: its rule conditions held), to the detection item, or (field names) to the rule.
 */
import { str } from '../params.ts';
import type { DetectionItemCondition, FieldNameCondition, RuleCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

const spec = { required: ['processing_item_id'], optional: [] };

export const ruleProcessingItemApplied: ConditionType<RuleCondition> = {
  name: 'processing_item_applied',
  params: spec,
  make(p) {
    const id = str(p, 'processing_item_id');
    return { matches: (subject) => (subject.kind === 'rule' ? subject.version.applied : subject.applied).includes(id) };
  },
};

export const itemProcessingItemApplied: ConditionType<DetectionItemCondition> = {
  name: 'processing_item_applied',
  params: spec,
  make(p) {
    const id = str(p, 'processing_item_id');
    return { matches: (item) => item.applied.includes(id) };
  },
};

export const fieldProcessingItemApplied: ConditionType<FieldNameCondition> = {
  name: 'processing_item_applied',
  params: spec,
  make(p) {
    const id = str(p, 'processing_item_id');
    return { matches: (_field, subject) => subject.applied.includes(id) };
  },
};
