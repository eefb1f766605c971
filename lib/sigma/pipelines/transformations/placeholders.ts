/**
 * `value_placeholders` and `wildcard_placeholders`: `%name%` in the values of `expand` items is
 * replaced — by each value of `name` (the pipeline's `vars`, then SigmaOptions.placeholders; one
 * value per combination), or by `*`. `include`/`exclude` limit the names. An item left with no
 * placeholder loses `expand`; one still holding some is resolved later from SigmaOptions.placeholders.
 */
import type { DetectionItem } from '../../detection-item.ts';
import { optStrList } from '../params.ts';
import { TransformationFailure, type ItemContext } from '../pipeline.ts';
import { MAX_ITEMS_PER_RULE } from '../edit.ts';
import { editStringValues } from './string-values.ts';
import type { TransformationType } from './transformation-type.ts';

const PLACEHOLDER = /%([A-Za-z0-9_.-]+)%/g;
const HAS_PLACEHOLDER = /%[A-Za-z0-9_.-]+%/;

function dropExpand(item: DetectionItem): DetectionItem {
  const left = item.values.some((v) => typeof v === 'string' && HAS_PLACEHOLDER.test(v));
  return left ? item : { ...item, modifiers: item.modifiers.filter((m) => m !== 'expand') };
}

function placeholderTransformation(type: 'value_placeholders' | 'wildcard_placeholders'): TransformationType {
  return {
    name: type,
    params: { required: [], optional: ['include', 'exclude'] },
    make(p) {
      const include = optStrList(p, 'include');
      const exclude = optStrList(p, 'exclude');
      if (include && exclude) throw `'include' and 'exclude' cannot both be given`;
      const wanted = (name: string): boolean => (include ? include.includes(name) : !exclude?.includes(name));
      const valuesOf = (name: string, ctx: ItemContext): readonly string[] | undefined => {
        if (type === 'wildcard_placeholders') return ['*'];
        const values = ctx.placeholder(name);
        if (!values || values.length === 0) throw new TransformationFailure(`placeholder '%${name}%' has no values in the pipeline's vars or SigmaOptions.placeholders`);
        return values;
      };
      return {
        type,
        apply(version, ctx) {
          return editStringValues(
            version,
            ctx,
            type === 'wildcard_placeholders' ? 'placeholders → *' : 'placeholders filled',
            (value, item) => {
              if (!item.modifiers.includes('expand')) return undefined;
              let results = [''];
              let last = 0;
              let replaced = false;
              for (const m of value.matchAll(PLACEHOLDER)) {
                const literal = value.slice(last, m.index);
                const name = m[1]!;
                const parts = wanted(name) ? valuesOf(name, ctx)! : [m[0]];
                if (wanted(name)) replaced = true;
                results = results.flatMap((prefix) => parts.map((r) => prefix + literal + r));
                if (results.length > MAX_ITEMS_PER_RULE) throw new TransformationFailure(`placeholders in '${value}' make more than ${MAX_ITEMS_PER_RULE} values`);
                last = m.index + m[0].length;
              }
              if (!replaced) return undefined;
              return results.map((prefix) => prefix + value.slice(last));
            },
            dropExpand,
          );
        },
      };
    },
  };
}

export const valuePlaceholders = placeholderTransformation('value_placeholders');
export const wildcardPlaceholders = placeholderTransformation('wildcard_placeholders');
