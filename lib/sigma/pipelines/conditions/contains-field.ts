/** `contains_field`: some item of the rule tests `field`. */
import { itemsOf } from '../../detection-item.ts';
import { optStr } from '../params.ts';
import type { RuleCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

export const containsFieldCondition: ConditionType<RuleCondition> = {
  name: 'contains_field',
  params: { required: [], optional: ['field'] },
  make(p) {
    const field = optStr(p, 'field') ?? null;
    return {
      matches(subject) {
        if (subject.kind !== 'rule') return false;
        for (const search of subject.version.rule.detection.searches.values()) {
          if (itemsOf(search).some((item) => item.field === field)) return true;
        }
        return false;
      },
    };
  },
};
