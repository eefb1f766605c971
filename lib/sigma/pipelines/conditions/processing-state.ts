/** `processing_state`: a `set_state` key compared (`op`: eq, ne, gte, gt, lte, lt) with `val`. */
import { oneOf, scalar, str } from '../params.ts';
import type { DetectionItemCondition, FieldNameCondition, RuleCondition, StateValue } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

const OPS = ['eq', 'ne', 'gte', 'gt', 'lte', 'lt'] as const;
const spec = { required: ['key', 'val'], optional: ['op'] };

function stateTest(p: Readonly<Record<string, unknown>>): (state: Readonly<Record<string, StateValue>>) => boolean {
  const key = str(p, 'key');
  const val = scalar(p, 'val');
  const op = oneOf(p, 'op', OPS, 'eq');
  return (state) => {
    if (!Object.hasOwn(state, key)) return op === 'ne';
    const have = state[key]!;
    if (op === 'eq') return have === val;
    if (op === 'ne') return have !== val;
    // Ordering only between values of one type, as Python compares them.
    if (typeof have !== typeof val || typeof have === 'boolean') return false;
    if (op === 'gte') return have >= val;
    if (op === 'gt') return have > val;
    if (op === 'lte') return have <= val;
    return have < val;
  };
}

export const ruleProcessingState: ConditionType<RuleCondition> = {
  name: 'processing_state',
  params: spec,
  make(p) {
    const test = stateTest(p);
    return { matches: (subject) => test(subject.kind === 'rule' ? subject.version.state : subject.state) };
  },
};

export const itemProcessingState: ConditionType<DetectionItemCondition> = {
  name: 'processing_state',
  params: spec,
  make(p) {
    const test = stateTest(p);
    return { matches: (_item, version) => test(version.state) };
  },
};

export const fieldProcessingState: ConditionType<FieldNameCondition> = {
  name: 'processing_state',
  params: spec,
  make(p) {
    const test = stateTest(p);
    return { matches: (_field, subject) => test(subject.state) };
  },
};
