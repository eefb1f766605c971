/**
 * `match_string`: the item's string values match `pattern` (a regular expression, linear-time
 * RE2 syntax; `cond: any|all`, `negate`). Values are seen as pySigma sees them after string
 * modifiers: `contains`/`startswith`/`endswith` add their `*`.
 */
import { RE2JS } from 're2js';
import type { DetectionItem } from '../../detection-item.ts';
import { bool, oneOf, str } from '../params.ts';
import type { DetectionItemCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

/** A value as written with the wildcards its position modifier adds. */
export function valueAsMatched(item: DetectionItem, value: string): string {
  const m = item.modifiers;
  const before = m.includes('contains') || m.includes('endswith') ? '*' : '';
  const after = m.includes('contains') || m.includes('startswith') ? '*' : '';
  return (value.startsWith('*') ? '' : before) + value + (value.endsWith('*') ? '' : after);
}

export const matchStringCondition: ConditionType<DetectionItemCondition> = {
  name: 'match_string',
  params: { required: ['pattern'], optional: ['cond', 'negate'] },
  make(p) {
    const cond = oneOf(p, 'cond', ['any', 'all'] as const, 'any');
    const negate = bool(p, 'negate', false);
    let re: RE2JS;
    try {
      re = RE2JS.compile(str(p, 'pattern'));
    } catch (error) {
      throw `'pattern' is not a regular expression: ${(error as Error).message}`;
    }
    return {
      matches(item) {
        // As pySigma: matched from the value's start; a non-string value does not match.
        const one = (v: unknown): boolean => (typeof v === 'string' && re.matcher(valueAsMatched(item, v)).lookingAt()) !== negate;
        return cond === 'any' ? item.values.some(one) : item.values.every(one);
      },
    };
  },
};
