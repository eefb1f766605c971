/** `contains_detection_item`: some item of the rule tests `field` against `value` (as written). */
import { itemsOf } from '../../detection-item.ts';
import { optStr, scalar } from '../params.ts';
import type { RuleCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

export const containsDetectionItemCondition: ConditionType<RuleCondition> = {
  name: 'contains_detection_item',
  params: { required: ['value'], optional: ['field'] },
  make(p) {
    const field = optStr(p, 'field') ?? null;
    const value = scalar(p, 'value');
    return {
      matches(subject) {
        if (subject.kind !== 'rule') return false;
        for (const search of subject.version.rule.detection.searches.values()) {
          for (const item of itemsOf(search)) {
            if (item.field === field && item.values.some((v) => v !== null && String(v) === String(value))) return true;
          }
        }
        return false;
      },
    };
  },
};
