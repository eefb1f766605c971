/**
 * Renders a record's BinXML (template instances filled with their substitution values) straight
 * into evtx_dump's JSON shape, in one walk over the chunk's cached template trees: no resolved
 * element tree in between. What the walk does to the template, as MS-EVEN6 3.1.4.7.5, evtx_dump
 * and libevtx render it:
 *
 * - empty and null values vanish (an element whose only content is an empty value is empty);
 * - an element whose own content or attributes hold an array value of 2+ items is repeated
 *   once per item; other arrays read as a comma-separated list;
 * - BinXML values (nested fragments, typically `<UserData>`) are rendered in place.
 *
 * And the JSON shape:
 *
 * - an element with only text is its text: a JSON number or boolean when the text is exactly one
 *   integer or boolean value, a string otherwise; with nothing at all it is `null`;
 * - otherwise it is an object: `#attributes` (non-empty attributes), `#text`, then the children
 *   by name, repeated names getting `_1`, `_2`, ... suffixes;
 * - inside `EventData` and `UserData`, `<Data Name="X">` items become `X: value` (`""` when empty);
 *   unnamed items become `Data: {"#text": value}` or `Data: {"#text": [values]}`;
 * - text is trimmed of surrounding whitespace, as evtx_dump does (SigmaHQ's regression data has
 *   `"cmd.exe\" "` as `"cmd.exe\""`).
 *
 * An element's object can only be built once its content is known (`#text` comes before the
 * children, and `EventData`'s shape depends on all its `<Data>` items), so the walk keeps the
 * text pieces, attributes and rendered children of the elements it is inside on three shared
 * stacks, each element using the top of each stack and cutting it back when it is built.
 *
 * Templates may contain template instances and BinXML values that are referenced several times,
 * so a hostile chunk of a few KiB could describe an astronomically large tree. Real events have
 * at most a few thousand nodes: nodes are counted per record, and every character and name put
 * out is counted against the record's and the object's budget (expansion-budget.ts).
 */
import { type Content, ROLE_CONTAINER, ROLE_DATA, type SubstitutionValue, type XmlElement } from './binxml.ts';
import { defaultExpansionBudget, type ExpansionBudget, RecordBudgetError } from './expansion-budget.ts';
import { noteRepeat, type RepeatedData } from './repeated-data.ts';
import { renderedChars, renderedNodes, renderPlan, templatePlan } from './template-plan.ts';
import type { Scalar } from './value-types.ts';

export type JsonValue = Scalar | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const MAX_NODES_PER_RECORD = 100_000;
const NO_VALUES: readonly SubstitutionValue[] = [];
/** No array item is standing in for a substitution. */
const NO_ITEM = -1;

/**
 * How an element renders, decided by its parent (and for ROOT, the record's top level):
 * PLAIN is text, null or an object; CONTAINER is an `EventData`/`UserData` below the top level,
 * whose `<Data>` children are DATA: text, or "" when empty, unless it has children, keyed by its
 * Name attribute when it has one.
 */
export const ROOT = 0;
export const PLAIN = 1;
export const CONTAINER = 2;
export const DATA = 3;

// The walk's state, shared by every call (rendering is synchronous and never re-entered).
let nodeBudget = 0;
let chars: ExpansionBudget = defaultExpansionBudget();
/** The array item standing in for substitution `itemIndex` in the current element's own content. */
let itemIndex = NO_ITEM;
let itemValue: SubstitutionValue = null;
// The stacks grow and are never shrunk (setting an array's length is slow): each has its top.
/** Text pieces of the elements being rendered. */
const text: Scalar[] = [];
let textTop = 0;
/** Non-empty attributes (name, value) of the elements being rendered. */
const attrNames: string[] = [];
const attrValues: Scalar[] = [];
let attrTop = 0;
/** Rendered children (name, value, Data Name) of the elements being rendered. */
const childNames: string[] = [];
const childValues: JsonValue[] = [];
const childDataNames: (string | undefined)[] = [];
let childTop = 0;
/** Where repeated `<Data Name>`s are noted (repeated-data.ts), when the caller asks. */
let repeats: RepeatedData | undefined;
/** The Data Name of the element rendered last in DATA mode. */
let lastDataName: string | undefined;

/** The record's value, `{Event: {...}}`, from its top-level nodes. */
export function renderRecord(nodes: readonly Content[], budget: ExpansionBudget = defaultExpansionBudget(), repeated?: RepeatedData): JsonObject {
  // A record is nearly always one template instance: its template's plan builds it directly.
  const only = nodes[0];
  if (nodes.length === 1 && only !== undefined && typeof only !== 'string' && only.kind === 'instance') {
    const plan = templatePlan(only.template, false);
    const value = plan === null ? undefined : renderPlan(plan, only.values);
    if (value !== undefined && renderedNodes() <= MAX_NODES_PER_RECORD && renderedChars() <= budget.limits.maxRecordExpansion) {
      budget.startRecord();
      budget.spend(renderedChars());
      return value;
    }
    // Not a planned shape, or over budget: the general walk below, which stops a record over
    // budget where it always has, with its error.
  }
  nodeBudget = MAX_NODES_PER_RECORD;
  chars = budget;
  repeats = repeated;
  itemIndex = NO_ITEM;
  textTop = attrTop = childTop = 0;
  budget.startRecord();
  addContent(nodes, NO_VALUES, ROOT);
  // Top-level elements by name, the last of a repeated name winning; top-level text is dropped.
  const out: JsonObject = {};
  for (let i = 0; i < childTop; i++) setKey(out, childNames[i]!, childValues[i]!);
  return out;
}

/** Adds `nodes` to the element being rendered, whose mode is `mode` (it decides its children's). */
function addContent(nodes: readonly Content[], values: readonly SubstitutionValue[], mode: number): void {
  nodeBudget -= nodes.length;
  if (nodeBudget < 0) throw new RecordBudgetError(`record expands to more than ${MAX_NODES_PER_RECORD} nodes`);
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n]!;
    if (typeof node === 'string') {
      chars.spend(node.length);
      text[textTop++] = node;
      continue;
    }
    switch (node.kind) {
      case 'element':
        addElement(node, values, mode);
        break;
      case 'substitution':
        addValue(itemIndex === node.index ? itemValue : values[node.index], mode);
        break;
      case 'instance': {
        // The instance's template is filled with its own values; no array item reaches into it.
        const savedIndex = itemIndex;
        itemIndex = NO_ITEM;
        addContent(node.template.nodes, node.values, mode);
        itemIndex = savedIndex;
        break;
      }
    }
  }
}

function addValue(value: SubstitutionValue | undefined, mode: number): void {
  if (typeof value === 'string') {
    if (value.length === 0) return;
    chars.spend(value.length);
    text[textTop++] = value;
    return;
  }
  if (value === null || value === undefined) return;
  if (typeof value === 'number' || typeof value === 'boolean') {
    chars.spend(8);
    text[textTop++] = value;
    return;
  }
  if (Array.isArray(value)) {
    // Arrays not expanded into repeated elements (a second array in one element, or one in a
    // descendant of the repeated element) read as a comma-separated list, as evtx_dump writes.
    if (value.length === 1) addValue(value[0], mode);
    else if (value.length > 1) {
      const joined = value.join(',');
      chars.spend(joined.length);
      text[textTop++] = joined;
    }
    return;
  }
  const savedIndex = itemIndex;
  itemIndex = NO_ITEM;
  // A BinXML value: its elements are children of the element being rendered.
  addContent(value.nodes, NO_VALUES, mode);
  itemIndex = savedIndex;
}

/** Renders `element` (once, or once per item of its array value) as a child of the element being rendered. */
function addElement(element: XmlElement, values: readonly SubstitutionValue[], parentMode: number): void {
  const role = element.role;
  const mode =
    parentMode === ROOT
      ? PLAIN
      : parentMode === CONTAINER && role === ROLE_DATA
        ? DATA
        : role === ROLE_CONTAINER
          ? CONTAINER
          : PLAIN;
  const array = firstArraySlot(element, values);
  const savedIndex = itemIndex;
  if (array === undefined) {
    itemIndex = NO_ITEM;
    pushChild(element, values, mode);
  } else {
    const items = values[array] as Scalar[];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      itemIndex = array;
      itemValue = item === '' ? null : item;
      pushChild(element, values, mode);
    }
  }
  itemIndex = savedIndex;
}

function pushChild(element: XmlElement, values: readonly SubstitutionValue[], mode: number): void {
  const value = renderElement(element, values, mode);
  childNames[childTop] = element.name;
  childValues[childTop] = value;
  childDataNames[childTop++] = mode === DATA ? lastDataName : undefined;
}

/** Renders one element: its attributes, then its content, then its JSON value. */
function renderElement(element: XmlElement, values: readonly SubstitutionValue[], mode: number): JsonValue {
  // Names become JSON keys (repeated ones with a suffix): they count like text.
  chars.spend(element.name.length);
  const attrBase = attrTop;
  let dataName: string | undefined;
  let haveDataName = false;
  const attrs = element.attrs;
  for (let a = 0; a < attrs.length; a++) {
    const attr = attrs[a]!;
    chars.spend(attr.name.length);
    const only = attr.value[0];
    let value: Scalar;
    let joined: string;
    if (attr.value.length === 1 && typeof only === 'string') {
      chars.spend(only.length);
      value = only.trim();
      joined = only;
    } else if (attr.value.length === 1 && (lone = lonePiece(attr.value, values)) !== NOT_LONE) {
      if (lone === LONE_EMPTY) continue;
      value = typeof piece === 'string' ? piece.trim() : piece;
      joined = mode === DATA ? String(piece) : '';
    } else {
      // Attribute values hold text and substitutions; a BinXML value's elements are dropped.
      const textBase = textTop;
      const childBase = childTop;
      addContent(attr.value, values, PLAIN);
      childTop = childBase;
      if (textTop === textBase) continue;
      value = textValue(textBase);
      joined = mode === DATA && !haveDataName && attr.name === 'Name' ? joinText(textBase) : '';
      textTop = textBase;
    }
    if (mode === DATA && !haveDataName && attr.name === 'Name') {
      haveDataName = true;
      dataName = joined;
    }
    attrNames[attrTop] = attr.name;
    attrValues[attrTop++] = value;
  }

  if (element.content.length === 1 && (lone = lonePiece(element.content, values)) !== NOT_LONE) {
    // The common element of one value or one text: no stacks, no walk.
    if (mode === DATA) lastDataName = dataName;
    let result: JsonValue;
    const own = lone === LONE_PIECE ? (typeof piece === 'string' ? piece.trim() : piece) : undefined;
    if (mode === DATA || attrTop === attrBase) {
      result = own !== undefined ? own : mode === DATA ? '' : null;
    } else {
      const out: JsonObject = { '#attributes': attributesOf(attrBase) };
      if (own !== undefined) out['#text'] = own;
      result = out;
    }
    attrTop = attrBase;
    return result;
  }

  const textBase = textTop;
  const childBase = childTop;
  addContent(element.content, values, mode);
  const hasText = textTop > textBase;
  const hasChildren = childTop > childBase;
  const hasAttrs = attrTop > attrBase;
  if (mode === DATA) lastDataName = dataName;

  let result: JsonValue;
  if (!hasChildren && (mode === DATA || !hasAttrs)) {
    result = hasText ? textValue(textBase) : mode === DATA ? '' : null;
  } else {
    const out: JsonObject = {};
    if (hasAttrs) out['#attributes'] = attributesOf(attrBase);
    if (hasText) out['#text'] = textValue(textBase);
    putChildren(out, childNames, childValues, childDataNames, childBase, childTop, mode === CONTAINER, repeats);
    result = out;
  }
  textTop = textBase;
  attrTop = attrBase;
  childTop = childBase;
  return result;
}

function attributesOf(attrBase: number): JsonObject {
  const attributes: JsonObject = {};
  for (let i = attrBase; i < attrTop; i++) setKey(attributes, attrNames[i]!, attrValues[i]!);
  return attributes;
}

// lonePiece's answers.
const NOT_LONE = 0;
const LONE_EMPTY = 1;
const LONE_PIECE = 2;
let lone = NOT_LONE;
/** The piece of text lonePiece found. */
let piece: Scalar = '';

/**
 * For content of one node: when it is a text or a scalar value (or an empty one), counts it
 * exactly as addContent would, leaves it in `piece` and says LONE_PIECE (LONE_EMPTY for nothing);
 * NOT_LONE, having counted nothing, for anything else (arrays, BinXML, elements, instances).
 */
function lonePiece(nodes: readonly Content[], values: readonly SubstitutionValue[]): number {
  const node = nodes[0]!;
  let value: SubstitutionValue | undefined;
  if (typeof node === 'string') value = node;
  else if (node.kind === 'substitution') value = itemIndex === node.index ? itemValue : values[node.index];
  else return NOT_LONE;
  const type = typeof value;
  if (type === 'object' && value !== null) return NOT_LONE;
  nodeBudget -= 1;
  if (nodeBudget < 0) throw new RecordBudgetError(`record expands to more than ${MAX_NODES_PER_RECORD} nodes`);
  if (type === 'string') {
    if ((value as string).length === 0 && typeof node !== 'string') return LONE_EMPTY;
    chars.spend((value as string).length);
  } else if (type === 'number' || type === 'boolean') {
    chars.spend(8);
  } else {
    return LONE_EMPTY;
  }
  piece = value as Scalar;
  return LONE_PIECE;
}

/**
 * Puts an element's rendered children `[base, end)` (name, value, Data Name) into its object:
 * `Data` items of a data container by their Name (or as `Data: {"#text": ...}`), the others by
 * name with `_1`, `_2`, ... for repeats. Shared with inline-record.ts, which keeps its own stacks.
 */
export function putChildren(
  out: JsonObject,
  names: readonly string[],
  values: readonly JsonValue[],
  dataNames: readonly (string | undefined)[],
  base: number,
  end: number,
  isDataContainer: boolean,
  repeated: RepeatedData | undefined,
): void {
  let flattenNamedData = false;
  if (isDataContainer) {
    for (let i = base; i < end; i++) {
      if (dataNames[i] !== undefined) {
        flattenNamedData = true;
        break;
      }
    }
  }
  let positionalDataDone = false;
  let suffixes: Map<string, number> | undefined;
  for (let i = base; i < end; i++) {
    const name = names[i]!;
    if (isDataContainer && name === 'Data') {
      if (flattenNamedData) {
        const dataName = dataNames[i];
        if (dataName === undefined) continue;
        if (repeated !== undefined && Object.hasOwn(out, dataName)) noteRepeat(repeated, out, dataName);
        setKey(out, dataName, values[i]!);
      } else if (!positionalDataDone) {
        positionalDataDone = true;
        const items: JsonValue[] = [];
        for (let j = i; j < end; j++) if (names[j] === 'Data') items.push(values[j]!);
        out['Data'] = { '#text': items.length === 1 ? items[0]! : items };
      }
      continue;
    }
    let key = name;
    if (Object.hasOwn(out, key)) {
      // Repeated names: `Header`, `Header_1`, `Header_2`, ... (the map is rarely needed).
      suffixes ??= new Map();
      const suffix = suffixes.get(key) ?? 1;
      suffixes.set(key, suffix + 1);
      key = `${key}_${suffix}`;
    }
    setKey(out, key, values[i]!);
  }
}

/** The text pieces from `base` up as one value: a lone scalar stays a number or boolean. */
function textValue(base: number): Scalar {
  if (textTop === base + 1) {
    const only = text[base]!;
    return typeof only === 'string' ? only.trim() : only;
  }
  return joinText(base).trim();
}

function joinText(base: number): string {
  let joined = '';
  for (let i = base; i < textTop; i++) joined += String(text[i]);
  return joined;
}

/** The first substitution of the element's own holding an array of 2+ items, by index. */
function firstArraySlot(element: XmlElement, values: readonly SubstitutionValue[]): number | undefined {
  const slots = element.slots;
  for (let i = 0; i < slots.length; i++) {
    const value = values[slots[i]!];
    if (Array.isArray(value) && value.length > 1) return slots[i]!;
  }
  return undefined;
}

/** Element and attribute names come from the file: never let one be taken as `__proto__`. */
export function setKey(object: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
