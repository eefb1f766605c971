/**
 * `<Data Name="X">` written twice in one container: the record's value keeps the last (as
 * evtx_dump does), and the renderer notes each repeated name's first value per container object
 * here, so ingest can match the first-wins reading too (lib/ingest/README.md, duplicate keys).
 * Only the general walk (render-record.ts) meets repeats: a template whose Data names repeat
 * has no plan (template-plan.ts).
 */
import type { JsonObject, JsonValue } from './render-record.ts';

export type RepeatedData = Map<JsonObject, Map<string, JsonValue>>;

/** Notes `out[name]`'s value before a repeated `<Data Name>` overwrites it (the first stays). */
export function noteRepeat(repeats: RepeatedData, out: JsonObject, name: string): void {
  let first = repeats.get(out);
  if (first === undefined) repeats.set(out, (first = new Map()));
  if (!first.has(name)) first.set(name, out[name]!);
}

/** `value` with the first value of every repeated `<Data Name>` (a copy; `value` is untouched). */
export function firstWinsValue(value: JsonValue, repeats: RepeatedData): JsonValue {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => firstWinsValue(item, repeats));
  const first = repeats.get(value);
  const out: JsonObject = {};
  for (const key in value) setKey(out, key, first?.has(key) ? first.get(key)! : firstWinsValue(value[key]!, repeats));
  return out;
}

/** The repeated names, each once. */
export function repeatedNames(repeats: RepeatedData): string[] {
  return [...new Set([...repeats.values()].flatMap((first) => [...first.keys()]))];
}

function setKey(object: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
