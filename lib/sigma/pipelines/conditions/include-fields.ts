/**
 * `include_fields` / `exclude_fields`: the field name is (not) one of `fields` — names, or with
 * `mode: re` regular expressions matched from the name's start (as Python's re.match) (linear-time RE2 syntax).
 * A keyword item has no field: never included, always excluded.
 */
import { RE2JS } from 're2js';
import { oneOf, strList } from '../params.ts';
import type { FieldNameCondition } from '../pipeline.ts';
import type { ConditionType } from './condition-type.ts';

function fieldTest(p: Readonly<Record<string, unknown>>): (field: string) => boolean {
  const fields = strList(p, 'fields');
  const mode = oneOf(p, 'mode', ['plain', 're'] as const, 'plain');
  if (mode === 'plain') {
    const set = new Set(fields);
    return (field) => set.has(field);
  }
  const patterns = fields.map((f) => {
    try {
      return RE2JS.compile(f);
    } catch (error) {
      throw `'fields': '${f}' is not a regular expression: ${(error as Error).message}`;
    }
  });
  return (field) => patterns.some((re) => re.matcher(field).lookingAt());
}

export const includeFieldsCondition: ConditionType<FieldNameCondition> = {
  name: 'include_fields',
  params: { required: ['fields'], optional: ['mode'] },
  make(p) {
    const test = fieldTest(p);
    return { matches: (field) => field !== null && test(field) };
  },
};

export const excludeFieldsCondition: ConditionType<FieldNameCondition> = {
  name: 'exclude_fields',
  params: { required: ['fields'], optional: ['mode'] },
  make(p) {
    const test = fieldTest(p);
    return { matches: (field) => field === null || !test(field) };
  },
};
