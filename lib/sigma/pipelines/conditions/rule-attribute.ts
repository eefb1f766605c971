/**
 * `rule_attribute`: a top-level key of the rule document compared with `value` (`op`: eq, ne,
 * gte, gt, lte, lt; `in`/`not_in` for lists). `level` and `status` compare by their Sigma order,
 * `date`/`modified` as dates, numbers as numbers, other strings for equality only.
 */
import { oneOf, scalar, str } from '../params.ts';
import type { RuleCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

const OPS = ['eq', 'ne', 'gte', 'gt', 'lte', 'lt', 'in', 'not_in'] as const;
const ORDERS: Readonly<Record<string, readonly string[]>> = {
  level: ['informational', 'low', 'medium', 'high', 'critical'],
  status: ['unsupported', 'deprecated', 'experimental', 'test', 'stable'],
};

export const ruleAttributeCondition: ConditionType<RuleCondition> = {
  name: 'rule_attribute',
  params: { required: ['attribute', 'value'], optional: ['op'] },
  make(p) {
    const attribute = str(p, 'attribute');
    const value = scalar(p, 'value');
    const op = oneOf(p, 'op', OPS, 'eq');
    const order = ORDERS[attribute];
    if (order && (typeof value !== 'string' || !order.includes(value.toLowerCase()))) throw `'${attribute}' is one of ${order.join(', ')}`;
    return {
      matches(subject) {
        const have = (subject.kind === 'rule' ? subject.version.rule.body : subject.body)[attribute];
        if (have === undefined || have === null) return false;
        if (Array.isArray(have)) {
          if (op === 'in') return have.some((v) => v === value);
          if (op === 'not_in') return !have.some((v) => v === value);
          return op === 'ne';
        }
        if (op === 'in' || op === 'not_in') return false;
        let a: string | number | boolean;
        let b: string | number | boolean;
        if (order) {
          a = order.indexOf(String(have).toLowerCase());
          b = order.indexOf(String(value).toLowerCase());
          if (a < 0) return false;
        } else if (typeof have === 'number' && typeof value === 'number') {
          a = have;
          b = value;
        } else if ((attribute === 'date' || attribute === 'modified') && typeof value === 'string') {
          a = String(have).replaceAll('/', '-');
          b = value.replaceAll('/', '-');
        } else {
          if (op !== 'eq' && op !== 'ne') return false;
          a = typeof have === 'object' ? JSON.stringify(have) : (have as string | number | boolean);
          b = value;
        }
        switch (op) {
          case 'eq':
            return a === b;
          case 'ne':
            return a !== b;
          case 'gte':
            return a >= b;
          case 'gt':
            return a > b;
          case 'lte':
            return a <= b;
          case 'lt':
            return a < b;
        }
      },
    };
  },
};
