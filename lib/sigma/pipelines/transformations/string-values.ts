/**
 * Value transformations see the string values of items whose values are strings to match (not
 * `re`, `cidr`, `fieldref`, `exists` or comparisons, which pySigma types differently), as written
 * in the rule: before modifiers such as `contains` or `base64` (pySigma sees them after).
 */
import type { DetectionItem, Scalar } from '../../detection-item.ts';
import { editItems } from '../edit.ts';
import type { ItemContext, RuleVersion } from '../pipeline.ts';

const NOT_STRINGS = ['re', 'cidr', 'fieldref', 'exists', 'lt', 'lte', 'gt', 'gte'];

export function hasStringValues(item: DetectionItem): boolean {
  return !item.modifiers.some((m) => NOT_STRINGS.includes(m));
}

/**
 * Edits each selected item's string values: `f` answers the replacement values of one value, or
 * undefined to keep it. `fix` may then adjust the item (e.g. drop `expand`).
 */
export function editStringValues(
  version: RuleVersion,
  ctx: ItemContext,
  describe: string,
  f: (value: string, item: DetectionItem) => readonly Scalar[] | undefined,
  fix: (item: DetectionItem) => DetectionItem = (item) => item,
): RuleVersion {
  return editItems(version, ctx, (item) => {
    if (!hasStringValues(item)) return undefined;
    let changed = false;
    const values = item.values.flatMap((v) => {
      if (typeof v !== 'string') return [v];
      const out = f(v, item);
      if (out === undefined) return [v];
      changed = true;
      return out;
    });
    if (!changed) return undefined;
    return { tree: fix({ ...item, values }), what: `${describe} (${item.label})` };
  });
}
