/** `logsource`: the rule's logsource has each of the given category, product and service. */
import { optStr } from '../params.ts';
import type { RuleCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

export const logsourceCondition: ConditionType<RuleCondition> = {
  name: 'logsource',
  params: { required: [], optional: ['category', 'product', 'service'] },
  make(p) {
    const want = { category: optStr(p, 'category')?.toLowerCase(), product: optStr(p, 'product')?.toLowerCase(), service: optStr(p, 'service')?.toLowerCase() };
    if (!want.category && !want.product && !want.service) throw 'needs category, product or service';
    return {
      matches(subject) {
        if (subject.kind !== 'rule') return false;
        const ls = subject.version.rule.logsource;
        return (!want.category || ls.category === want.category) && (!want.product || ls.product === want.product) && (!want.service || ls.service === want.service);
      },
    };
  },
};
