/** `is_null`: the item's values are null (`cond: any|all`). */
import { oneOf } from '../params.ts';
import type { DetectionItemCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

export const isNullCondition: ConditionType<DetectionItemCondition> = {
  name: 'is_null',
  params: { required: [], optional: ['cond'] },
  make(p) {
    const cond = oneOf(p, 'cond', ['any', 'all'] as const, 'all');
    return { matches: (item) => (cond === 'any' ? item.values.some((v) => v === null) : item.values.every((v) => v === null)) };
  },
};
