/**
 * Reading fields out of ECS documents. Elastic Agent writes nested objects
 * (`{"file": {"Ext": {"original": {"name": ...}}}}`), other shippers and pipelines write dotted
 * keys (`{"file.Ext.original.name": ...}`) or a mix at any level; all are read the same way.
 * Arrays of objects fan out, as Elasticsearch flattens them: `dll.name` over `dll: [{...}, {...}]`
 * gives every name.
 */
import type { FieldValue } from '../events/win-event.ts';

/** A compiled field path. Returns `undefined` when the document has no value there. */
export type FieldGetter = (doc: unknown) => FieldValue | undefined;

export function fieldGetter(path: readonly (string | number)[]): FieldGetter {
  const segments = path.map(String);
  const count = segments.length;
  // keys[i][j]: segments i..j joined with dots, precomputed so lookups do not allocate.
  const keys = segments.map((_, i) => segments.slice(i).map((__, k) => segments.slice(i, i + k + 1).join('.')));
  const indexes = path.map((segment) => (typeof segment === 'number' ? segment : -1));

  function walk(value: unknown, i: number): FieldValue | undefined {
    if (value === undefined || value === null) return undefined;
    if (i === count) return value as FieldValue;
    if (Array.isArray(value)) {
      const index = indexes[i] as number;
      if (index >= 0) return walk(value[index], i + 1);
      let found: FieldValue[] | undefined;
      for (const element of value) {
        const inner = walk(element, i);
        if (inner === undefined || inner === null) continue;
        found ??= [];
        if (Array.isArray(inner)) found.push(...(inner as FieldValue[]));
        else found.push(inner);
      }
      return found;
    }
    if (typeof value !== 'object') return undefined;
    const record = value as Record<string, unknown>;
    const row = keys[i] as string[];
    for (let j = i; j < count; j++) {
      const key = row[j - i] as string;
      const next = record[key];
      if (next === undefined || !Object.hasOwn(record, key)) continue;
      const inner = walk(next, j + 1);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }

  return (doc) => walk(doc, 0);
}

const getCategory = fieldGetter(['event', 'category']);

/** `event.category` (a string, or an array in ECS 1.5+) of a document, for `category where`. */
export function eventCategory(doc: unknown): FieldValue | undefined {
  return getCategory(doc);
}

/** Whether `file where` applies: the category is `file` or an array holding `file` (case-sensitive, as a term query). */
export function categoryIncludes(category: FieldValue | undefined, wanted: string): boolean {
  if (category === wanted) return true;
  if (!Array.isArray(category)) return false;
  for (const value of category as readonly FieldValue[]) if (value === wanted) return true;
  return false;
}
