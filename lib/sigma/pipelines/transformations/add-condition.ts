/**
 * `add_condition`: `conditions: {field|mods: value(s)}` become a new search ANDed onto the rule's
 * condition (`negated: true`: ANDed as `not`). `template: true` fills `$category`, `$product`
 * and `$service` in string values from the rule's logsource. `name` names the search.
 */
import { SigmaCompileError } from '../../compile-error.ts';
import { readMap, type SearchTree } from '../../detection-item.ts';
import { bool, optStr } from '../params.ts';
import { noted } from '../edit.ts';
import { TransformationFailure } from '../pipeline.ts';
import type { TransformationType } from './transformation-type.ts';

export const addCondition: TransformationType = {
  name: 'add_condition',
  params: { required: ['conditions'], optional: ['negated', 'template', 'name'] },
  make(p) {
    const conditions = p['conditions'];
    if (typeof conditions !== 'object' || conditions === null || Array.isArray(conditions) || Object.keys(conditions).length === 0) {
      throw `'conditions' must be a map of field names to values`;
    }
    const negated = bool(p, 'negated', false);
    const template = bool(p, 'template', false);
    const name = optStr(p, 'name');
    const map = conditions as Record<string, unknown>;
    try {
      readMap('add_condition', map);
    } catch (error) {
      throw `'conditions': ${(error as Error).message}`;
    }
    return {
      type: 'add_condition',
      apply(version, ctx) {
        const ls = version.rule.logsource;
        const fill = (v: unknown): unknown =>
          typeof v === 'string' ? v.replace(/\$(category|product|service)\b/g, (_, key: 'category' | 'product' | 'service') => ls[key] ?? '') : v;
        const values = template ? Object.fromEntries(Object.entries(map).map(([k, v]) => [k, Array.isArray(v) ? v.map(fill) : fill(v)])) : map;
        const searchName = `${name ?? `_cond ${ctx.pipeline.name} ${ctx.item.id}`}`;
        if (version.rule.detection.searches.has(searchName)) throw new TransformationFailure(`the rule already has a search named '${searchName}'`);
        let search: SearchTree;
        try {
          search = readMap(searchName, values);
        } catch (error) {
          if (error instanceof SigmaCompileError) throw new TransformationFailure(`${error.item ?? ''}: ${error.message}`);
          throw error;
        }
        const searches = new Map(version.rule.detection.searches).set(searchName, search);
        const ref = { kind: 'ref' as const, name: searchName };
        const condition = { kind: 'and' as const, items: [negated ? { kind: 'not' as const, item: ref } : ref, version.rule.detection.condition] };
        const shown = Object.entries(values).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
        return noted({ ...version, rule: { ...version.rule, detection: { searches, condition } } }, ctx, [`added condition ${negated ? 'not ' : ''}${shown}`]);
      },
    };
  },
};
