/** `rule_failure`: the rule is refused with `message` (in a variant pipeline: only that variant). */
import { str } from '../params.ts';
import { TransformationFailure } from '../pipeline.ts';
import type { TransformationType } from './transformation-type.ts';

export const ruleFailure: TransformationType = {
  name: 'rule_failure',
  params: { required: ['message'], optional: [] },
  make(p) {
    const message = str(p, 'message');
    return {
      type: 'rule_failure',
      apply() {
        throw new TransformationFailure(message);
      },
    };
  },
};
