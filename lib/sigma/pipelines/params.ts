/**
 * Typed access to a pipeline item's YAML keys. Each transformation and condition declares the
 * keys it reads; read-pipeline.ts refuses any other key, so a misspelt option is an error, not a
 * silently ignored setting. Readers throw a reason string; the reader adds file and item.
 */
export type Params = Readonly<Record<string, unknown>>;

export interface ParamSpec {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

export function str(p: Params, key: string): string {
  const v = p[key];
  if (typeof v !== 'string' || v === '') throw `'${key}' must be a non-empty string`;
  return v;
}

export function optStr(p: Params, key: string): string | undefined {
  return p[key] === undefined || p[key] === null ? undefined : str(p, key);
}

export function bool(p: Params, key: string, fallback: boolean): boolean {
  const v = p[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw `'${key}' must be true or false`;
  return v;
}

/** A string or a list of strings, as a list. */
export function strList(p: Params, key: string): string[] {
  const v = p[key];
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((s) => typeof s === 'string' && s !== '')) throw `'${key}' must be a string or a list of non-empty strings`;
  return list as string[];
}

export function optStrList(p: Params, key: string): string[] | undefined {
  return p[key] === undefined || p[key] === null ? undefined : strList(p, key);
}

export function scalar(p: Params, key: string): string | number | boolean {
  const v = p[key];
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw `'${key}' must be a string, number or boolean`;
  return v;
}

export function oneOf<T extends string>(p: Params, key: string, allowed: readonly T[], fallback: T): T {
  const v = p[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw `'${key}' must be one of ${allowed.join(', ')}`;
  return v as T;
}

/** A map of strings to a string or a list of strings (mappings), each value a list. */
export function stringMapping(p: Params, key: string): Map<string, string[]> {
  const v = p[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw `'${key}' must be a map`;
  const out = new Map<string, string[]>();
  for (const [from, to] of Object.entries(v)) {
    const list = Array.isArray(to) ? to : [to];
    if (list.length === 0 || !list.every((s) => typeof s === 'string' && s !== '')) {
      throw `'${key}': '${from}' must map to a non-empty string or a list of them`;
    }
    if (new Set(list).size !== list.length) throw `'${key}': '${from}' lists a target twice`;
    out.set(from, list as string[]);
  }
  if (out.size === 0) throw `'${key}' is empty`;
  return out;
}
