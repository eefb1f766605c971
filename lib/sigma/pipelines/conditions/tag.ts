/** `tag`: the rule carries this tag (case-insensitive, as Sigma tags are written lower case). */
import { str } from '../params.ts';
import type { RuleCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

export const tagCondition: ConditionType<RuleCondition> = {
  name: 'tag',
  params: { required: ['tag'], optional: [] },
  make(p) {
    const tag = str(p, 'tag').toLowerCase();
    return {
      matches(subject) {
        const tags = (subject.kind === 'rule' ? subject.version.rule.body : subject.body)['tags'];
        return Array.isArray(tags) && tags.some((t) => typeof t === 'string' && t.toLowerCase() === tag);
      },
    };
  },
};
