/**
 * Shapes a resolved record as evtx_dump (omerbenamram/evtx) writes it as JSON, which is what
 * `fromEvtxJson` reads and what SigmaHQ's regression data holds:
 *
 * - an element with only text is its text: a JSON number or boolean when the text is exactly one
 *   integer or boolean value, a string otherwise; with nothing at all it is `null`;
 * - otherwise it is an object: `#attributes` (non-empty attributes), `#text`, then the children
 *   by name, repeated names getting `_1`, `_2`, ... suffixes;
 * - inside `EventData` and `UserData`, `<Data Name="X">` items become `X: value` (`""` when empty);
 *   unnamed items become `Data: {"#text": value}` or `Data: {"#text": [values]}`.
 */
import type { ResolvedElement } from './resolve-template.ts';
import type { Scalar } from './value-types.ts';

export type JsonValue = Scalar | null | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/**
 * `<Data Name="X">` written twice in one container: the value keeps the last (as evtx_dump
 * does), and this map keeps each repeated name's first value per container object, so ingest
 * can match the first-wins reading too (lib/ingest/README.md, duplicate keys).
 */
export type RepeatedData = Map<JsonObject, Map<string, JsonValue>>;

/** The record's value: `{Event: {...}}`. Repeated `<Data Name>`s are noted in `repeats`. */
export function toEvtxDumpJson(root: ResolvedElement, repeats?: RepeatedData): JsonObject {
  const out: JsonObject = {};
  for (const element of root.children ?? []) setKey(out, element.name, elementValue(element, false, repeats));
  return out;
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

function elementValue(element: ResolvedElement, isDataContainer: boolean, repeats: RepeatedData | undefined): JsonValue {
  if (element.children === undefined && element.attrs === undefined) {
    return element.text === undefined ? null : textValue(element.text);
  }
  return elementObject(element, isDataContainer, repeats);
}

function elementObject(element: ResolvedElement, isDataContainer: boolean, repeats: RepeatedData | undefined): JsonObject {
  const out: JsonObject = {};
  if (element.attrs !== undefined) {
    const attributes: JsonObject = {};
    for (const attr of element.attrs) setKey(attributes, attr.name, textValue(attr.text));
    out['#attributes'] = attributes;
  }
  if (element.text !== undefined) out['#text'] = textValue(element.text);
  const children = element.children ?? [];

  const flattenNamedData = isDataContainer && children.some((child) => dataName(child) !== undefined);
  let positionalDataDone = false;
  let suffixes: Map<string, number> | undefined;
  for (const child of children) {
    if (isDataContainer && child.name === 'Data') {
      if (flattenNamedData) {
        const name = dataName(child);
        if (name === undefined) continue;
        if (repeats !== undefined && Object.hasOwn(out, name)) {
          let first = repeats.get(out);
          if (first === undefined) repeats.set(out, (first = new Map()));
          if (!first.has(name)) first.set(name, out[name]!);
        }
        setKey(out, name, dataValue(child, repeats));
      } else if (!positionalDataDone) {
        positionalDataDone = true;
        const items = children.filter((c) => c.name === 'Data').map((c) => dataValue(c, repeats));
        out['Data'] = { '#text': items.length === 1 ? items[0]! : items };
      }
      continue;
    }
    let key = child.name;
    if (Object.hasOwn(out, key)) {
      // Repeated names: `Header`, `Header_1`, `Header_2`, ... (the map is rarely needed).
      suffixes ??= new Map();
      const suffix = suffixes.get(key) ?? 1;
      suffixes.set(key, suffix + 1);
      key = `${key}_${suffix}`;
    }
    const isContainer = child.name === 'EventData' || child.name === 'UserData';
    setKey(out, key, elementValue(child, isContainer, repeats));
  }
  return out;
}

function dataValue(data: ResolvedElement, repeats: RepeatedData | undefined): JsonValue {
  if (data.children !== undefined) return elementObject(data, false, repeats);
  return data.text === undefined ? '' : textValue(data.text);
}

/** The `Name` attribute of a `<Data>` element, when it has a non-empty one. */
function dataName(element: ResolvedElement): string | undefined {
  if (element.name !== 'Data') return undefined;
  for (const attr of element.attrs ?? []) if (attr.name === 'Name') return joinText(attr.text);
  return undefined;
}

/**
 * evtx_dump trims surrounding whitespace from text (SigmaHQ's regression data has
 * `"cmd.exe\" "` as `"cmd.exe\""`), and so do we, to give rules the same values.
 */
function textValue(text: Scalar[]): Scalar {
  if (text.length === 1) {
    const only = text[0]!;
    return typeof only === 'string' ? only.trim() : only;
  }
  return joinText(text).trim();
}

function joinText(text: Scalar[]): string {
  let joined = '';
  for (const piece of text) joined += String(piece);
  return joined;
}

/** Element and attribute names come from the file: never let one be taken as `__proto__`. */
function setKey(object: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
