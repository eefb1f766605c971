/**
 * Fills template definitions with a record's substitution values, giving the record's element
 * tree with plain text. Empty values vanish here (an element whose only content is an empty or
 * null value is an empty element), and an element whose content is an array value is repeated
 * once per item, as MS-EVEN6 3.1.4.7.5 describes and evtx_dump and libevtx render it.
 */
import type { Content, SubstitutionValue, XmlElement } from './binxml.ts';
import type { Scalar } from './value-types.ts';

export interface ResolvedElement {
  readonly name: string;
  /** Attributes whose value is not empty, with the value's pieces. */
  readonly attrs: ResolvedAttribute[];
  /** Non-empty text pieces of the element's own content, in order. */
  readonly text: Scalar[];
  readonly children: ResolvedElement[];
}

export interface ResolvedAttribute {
  readonly name: string;
  readonly text: Scalar[];
}

/** One substitution slot replaced by one array item while an element is repeated. */
interface ArrayItem {
  readonly index: number;
  readonly value: SubstitutionValue;
}

const NO_VALUES: readonly SubstitutionValue[] = [];

/**
 * Templates may contain template instances and BinXML values that are referenced several times,
 * so a hostile chunk of a few KiB could describe an astronomically large tree. Real events have
 * at most a few thousand nodes.
 */
const MAX_NODES_PER_RECORD = 100_000;
let nodeBudget = 0;

/** Resolves a record's top-level nodes into a synthetic root whose children are its elements. */
export function resolveRecord(nodes: readonly Content[]): ResolvedElement {
  const root: ResolvedElement = { name: '', attrs: [], text: [], children: [] };
  nodeBudget = MAX_NODES_PER_RECORD;
  addContent(nodes, NO_VALUES, root, undefined);
  return root;
}

function addContent(
  nodes: readonly Content[],
  values: readonly SubstitutionValue[],
  into: ResolvedElement,
  item: ArrayItem | undefined,
): void {
  nodeBudget -= nodes.length;
  if (nodeBudget < 0) throw new Error(`record expands to more than ${MAX_NODES_PER_RECORD} nodes`);
  for (const node of nodes) {
    if (typeof node === 'string') {
      into.text.push(node);
      continue;
    }
    switch (node.kind) {
      case 'element':
        addElement(node, values, into.children);
        break;
      case 'substitution':
        addValue(item !== undefined && item.index === node.index ? item.value : values[node.index], into);
        break;
      case 'instance':
        addContent(node.template.nodes, node.values, into, undefined);
        break;
    }
  }
}

function addValue(value: SubstitutionValue | undefined, into: ResolvedElement): void {
  if (value === null || value === undefined || value === '') return;
  if (Array.isArray(value)) {
    // Arrays not expanded into repeated elements (a second array in one element, or one in a
    // descendant of the repeated element) read as a comma-separated list, as evtx_dump writes.
    const [only] = value;
    if (value.length === 1 && only !== undefined) addValue(only, into);
    else if (value.length > 1) into.text.push(value.join(','));
    return;
  }
  if (typeof value === 'object') {
    addContent(value.nodes, NO_VALUES, into, undefined);
    return;
  }
  into.text.push(value);
}

function addElement(element: XmlElement, values: readonly SubstitutionValue[], out: ResolvedElement[]): void {
  const array = firstArraySlot(element, values);
  if (array === undefined) {
    out.push(build(element, values, undefined));
    return;
  }
  for (const item of array.items) {
    out.push(build(element, values, { index: array.index, value: item === '' ? null : item }));
  }
}

function build(element: XmlElement, values: readonly SubstitutionValue[], item: ArrayItem | undefined): ResolvedElement {
  const resolved: ResolvedElement = { name: element.name, attrs: [], text: [], children: [] };
  for (const attr of element.attrs) {
    const holder: ResolvedElement = { name: attr.name, attrs: [], text: [], children: [] };
    addContent(attr.value, values, holder, item);
    if (holder.text.length > 0) resolved.attrs.push({ name: attr.name, text: holder.text });
  }
  addContent(element.content, values, resolved, item);
  return resolved;
}

/** The first substitution in the element's own content or attributes holding an array of 2+ items. */
function firstArraySlot(
  element: XmlElement,
  values: readonly SubstitutionValue[],
): { index: number; items: readonly Scalar[] } | undefined {
  for (const node of element.content) {
    const found = arraySlot(node, values);
    if (found) return found;
  }
  for (const attr of element.attrs) {
    for (const node of attr.value) {
      const found = arraySlot(node, values);
      if (found) return found;
    }
  }
  return undefined;
}

function arraySlot(node: Content, values: readonly SubstitutionValue[]): { index: number; items: readonly Scalar[] } | undefined {
  if (typeof node === 'string' || node.kind !== 'substitution') return undefined;
  const value = values[node.index];
  return Array.isArray(value) && value.length > 1 ? { index: node.index, items: value } : undefined;
}
