/**
 * What every field-name transformation shares (pySigma's FieldMappingTransformationBase): the
 * new name(s) apply to detection items' fields (several names: the item ORed once per name), to
 * `fieldref` values, and to correlation rules' `group-by`, alias fields and aggregated field.
 */
import type { DetectionItem, Scalar, SearchTree } from '../../detection-item.ts';
import { editItems } from '../edit.ts';
import type { CorrelationFields, ItemContext, RuleSubject, RuleVersion, Transformation } from '../pipeline.ts';
import { TransformationFailure } from '../pipeline.ts';

/** `rename` answers the new names of a field, or undefined to leave it. */
export function fieldNameTransformation(type: string, rename: (field: string) => readonly string[] | undefined): Transformation {
  const renameSelected = (field: string, ctx: ItemContext, subject: { applied: readonly string[]; state: RuleVersion['state'] }): readonly string[] | undefined =>
    ctx.fieldSelected(field, subject) ? rename(field) : undefined;
  return {
    type,
    apply(version, ctx) {
      return editItems(version, ctx, (item) => {
        const whats: string[] = [];
        let next: DetectionItem = item;
        if (item.modifiers.includes('fieldref')) {
          let refChanged = false;
          const values = item.values.flatMap((v): Scalar[] => {
            if (typeof v !== 'string') return [v];
            const names = renameSelected(v, ctx, version);
            if (!names) return [v];
            refChanged = true;
            whats.push(`fieldref ${v} → ${names.join(' | ')} (${item.label})`);
            return [...names];
          });
          if (refChanged) next = { ...next, values };
        }
        const names = item.field === null ? undefined : rename(item.field);
        if (!names) return whats.length > 0 ? { tree: next, what: whats.join('; ') } : undefined;
        whats.push(`${item.field} → ${names.join(' | ')} (${item.label})`);
        const tree: SearchTree = names.length === 1 ? { ...next, field: names[0]! } : { kind: 'or', items: names.map((field) => ({ ...next, field })) };
        return { tree, what: whats.join('; ') };
      });
    },
    applyCorrelation(fields, ctx, subject) {
      const one = (field: string, where: string): string => {
        const names = renameSelected(field, ctx, subject);
        if (!names) return field;
        if (names.length > 1) throw new TransformationFailure(`${where}: '${field}' maps to several fields (${names.join(', ')}), which a correlation cannot group by as one`);
        return names[0]!;
      };
      const aliasNames = new Set(Object.keys(fields.aliases));
      const aliases = Object.fromEntries(
        Object.entries(fields.aliases).map(([alias, mapping]) => [alias, Object.fromEntries(Object.entries(mapping).map(([rule, field]) => [rule, one(field, `alias '${alias}'`)]))]),
      );
      // A group-by name that is an alias stays: the alias maps each rule's own field.
      const groupBy = fields.groupBy.flatMap((field) => (aliasNames.has(field) ? [field] : (renameSelected(field, ctx, subject) ?? [field])));
      const out: CorrelationFields = { groupBy, aliases, ...(fields.field !== undefined ? { field: one(fields.field, 'condition field') } : {}) };
      return out;
    },
  };
}

export type { RuleSubject };
