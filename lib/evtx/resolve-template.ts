/**
 * Fills template definitions with a record's substitution values, giving the record's element
 * tree with plain text. Empty values vanish here (an element whose only content is an empty or
 * null value is an empty element), and an element whose content is an array value is repeated
 * once per item, as MS-EVEN6 3.1.4.7.5 describes and evtx_dump and libevtx render it.
 */
import type { Content, SubstitutionValue, XmlAttribute, XmlElement } from './binxml.ts';
import { defaultExpansionBudget, type ExpansionBudget, RecordBudgetError } from './expansion-budget.ts';
import type { Scalar } from './value-types.ts';

/** Lists are absent rather than empty: most elements have no attributes or no children. */
export interface ResolvedElement {
  readonly name: string;
  /** Attributes whose value is not empty, with the value's pieces. */
  attrs: ResolvedAttribute[] | undefined;
  /** Non-empty text pieces of the element's own content, in order. */
  text: Scalar[] | undefined;
  children: ResolvedElement[] | undefined;
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
 * at most a few thousand nodes. The characters rendered (text and names) are counted against the
 * record's and the object's budget (expansion-budget.ts): few nodes can still carry long text.
 */
const MAX_NODES_PER_RECORD = 100_000;
let nodeBudget = 0;
let chars: ExpansionBudget = defaultExpansionBudget();

/** Resolves a record's top-level nodes into a synthetic root whose children are its elements. */
export function resolveRecord(nodes: readonly Content[], budget: ExpansionBudget = defaultExpansionBudget()): ResolvedElement {
  const root: ResolvedElement = { name: '', attrs: undefined, text: undefined, children: undefined };
  nodeBudget = MAX_NODES_PER_RECORD;
  chars = budget;
  budget.startRecord();
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
  if (nodeBudget < 0) throw new RecordBudgetError(`record expands to more than ${MAX_NODES_PER_RECORD} nodes`);
  for (const node of nodes) {
    if (typeof node === 'string') {
      chars.spend(node.length);
      (into.text ??= []).push(node);
      continue;
    }
    switch (node.kind) {
      case 'element':
        addElement(node, values, (into.children ??= []));
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
    else if (value.length > 1) {
      const joined = value.join(',');
      chars.spend(joined.length);
      (into.text ??= []).push(joined);
    }
    return;
  }
  if (typeof value === 'object') {
    addContent(value.nodes, NO_VALUES, into, undefined);
    return;
  }
  chars.spend(typeof value === 'string' ? value.length : 8);
  (into.text ??= []).push(value);
}

function addElement(element: XmlElement, values: readonly SubstitutionValue[], out: ResolvedElement[]): void {
  const array = firstArraySlot(element, values);
  if (array === undefined) {
    out.push(build(element, values, undefined));
    return;
  }
  const items = values[array] as Scalar[];
  for (const item of items) out.push(build(element, values, { index: array, value: item === '' ? null : item }));
}

function build(element: XmlElement, values: readonly SubstitutionValue[], item: ArrayItem | undefined): ResolvedElement {
  const resolved: ResolvedElement = { name: element.name, attrs: undefined, text: undefined, children: undefined };
  // Names become JSON keys (repeated ones with a suffix): they count like text.
  chars.spend(element.name.length);
  for (const attr of element.attrs) {
    chars.spend(attr.name.length);
    const text = attributeText(attr, values, item);
    if (text !== undefined) (resolved.attrs ??= []).push({ name: attr.name, text });
  }
  addContent(element.content, values, resolved, item);
  return resolved;
}

/** Attribute values hold only text and substitutions. */
function attributeText(attr: XmlAttribute, values: readonly SubstitutionValue[], item: ArrayItem | undefined): Scalar[] | undefined {
  const [only] = attr.value;
  if (attr.value.length === 1 && typeof only === 'string') {
    chars.spend(only.length);
    return [only];
  }
  const holder: ResolvedElement = { name: attr.name, attrs: undefined, text: undefined, children: undefined };
  addContent(attr.value, values, holder, item);
  return holder.text;
}

/** The first substitution of the element's own holding an array of 2+ items, by index. */
function firstArraySlot(element: XmlElement, values: readonly SubstitutionValue[]): number | undefined {
  for (const slot of element.slots) {
    const value = values[slot];
    if (Array.isArray(value) && value.length > 1) return slot;
  }
  return undefined;
}
