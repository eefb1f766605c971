/** `change_logsource`: the rule's logsource becomes exactly the given category, product and service (as pySigma: unset ones are cleared). */
import { optStr } from '../params.ts';
import { noted } from '../edit.ts';
import type { TransformationType } from './transformation-type.ts';

export const changeLogsource: TransformationType = {
  name: 'change_logsource',
  params: { required: [], optional: ['category', 'product', 'service'] },
  make(p) {
    const category = optStr(p, 'category')?.toLowerCase();
    const product = optStr(p, 'product')?.toLowerCase();
    const service = optStr(p, 'service')?.toLowerCase();
    if (!category && !product && !service) throw 'needs category, product or service';
    const logsource = { ...(product ? { product } : {}), ...(category ? { category } : {}), ...(service ? { service } : {}) };
    const shown = Object.entries(logsource).map(([k, v]) => `${k}: ${v}`).join(', ');
    return {
      type: 'change_logsource',
      apply: (version, ctx) => noted({ ...version, rule: { ...version.rule, logsource } }, ctx, [`logsource → ${shown}`]),
    };
  },
};
