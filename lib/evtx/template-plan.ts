/**
 * A template compiled once per chunk into a plan that builds a record's JSON directly from its
 * substitution values. A template's structure is the same for every record that uses it; when a
 * record's values are all plain scalars (no arrays, no BinXML values), every element renders
 * to exactly one JSON value and every object's keys are known in advance, so the plan puts each
 * value in place with none of render-record.ts's general walk (its stacks, modes and per-node
 * decisions): measured, rendering alone took 3.7x the time of merely copying its output.
 *
 * The plan covers the shapes real templates have: elements whose content is nothing, one text,
 * one substitution, or only child elements; attributes of nothing, one text or one substitution;
 * `<Data>` items named by a fixed `Name` or all unnamed. Anything else (mixed content, nested
 * template instances, names that repeat or would need `_1` suffixes, `Name` from a substitution,
 * `__proto__` or `#`-names) gives no plan, and such records, like records with array or BinXML
 * values, take the general walk. The answers are the same either way; the tests in test/evtx and
 * a byte-for-byte comparison over the corpus hold them to it.
 *
 * The budget: the plan counts the nodes and characters the general walk would count (the same
 * sum) and the caller charges them after; a record that would go over takes the general walk
 * instead, which stops it at the same point as always with the same error.
 */
import { type Content, ROLE_CONTAINER, ROLE_DATA, type SubstitutionValue, type TemplateDefinition, type XmlElement } from './binxml.ts';
import type { JsonObject, JsonValue } from './render-record.ts';
import type { Scalar } from './value-types.ts';
import { type CodeElement, type CompiledPlan, type NestedCode, nestedCode, PLAN_CONTAINER as CONTAINER, PLAN_DATA as DATA, PLAN_PLAIN as PLAIN, type PlanHelpers, type RootCode, rootCode } from './plan-code.ts';

/**
 * One element of a plan: how it renders, and what it counts. What the code generator reads is
 * plan-code.ts's CodeElement: attributes (name, then a fixed trimmed text or a substitution
 * index, -1 for a fixed text); content (a fixed trimmed text, a substitution, or children keyed
 * by `keys`, null for an unnamed Data item dropped from a flattened container); the one
 * substitution among the children expected to be BinXML (`nestedSub`, else -1), the children's
 * keys a BinXML value's elements must not repeat (`keySet`), and whether it is a container of
 * unnamed Data items (`positionalData`: `Data: {"#text": [...]}` at the first one).
 */
interface ElementPlan extends CodeElement {
  /** Children; null stands for the one substitution among them, expected to be BinXML. */
  readonly children: readonly (ElementPlan | null)[] | undefined;
  /** A Data item's fixed Name, which keys it in a flattened container. */
  readonly dataName: string | undefined;
}

export interface TemplatePlan {
  /** The template's top-level elements, keyed by name at the record's root. */
  readonly roots: readonly ElementPlan[];
  readonly rootNames: readonly string[];
  /** Nodes and characters the record counts whatever its values (values' characters aside). */
  readonly fixedNodes: number;
  readonly fixedChars: number;
  /**
   * The plan as code (plan-code.ts): a record's template, or a BinXML value's (`nested`), written
   * once the plan has been rendered CODE_AFTER_USES times; until then the plan is walked.
   */
  root: CompiledPlan<RootCode> | undefined;
  nested: CompiledPlan<NestedCode> | undefined;
  uses: number;
}

/**
 * Renders of a plan before it is written out as code. A file's templates are its own to choose:
 * one whose every record brings a template of its own would otherwise have each compiled by V8
 * (tens of microseconds to milliseconds apiece) for one use, far more work than reading it. Real
 * logs repeat a few templates (18 distinct in the corpus's 6,801 records): they are written out
 * after their first few records, as before.
 */
const CODE_AFTER_USES = 4;


/** Nodes and characters counted while compiling. */
let nodes = 0;
let fixedChars = 0;
/** While rendering: nodes and characters counted, and whether the record left the plan's shapes. */
let recordNodes = 0;
let recordChars = 0;
let planFailed = false;

/**
 * The plan for `template` as a record's top-level instance (`nested` false), or as the
 * instance in a BinXML value under a non-container element (`nested`: its elements are that
 * element's children); null when it has none. Cached on the template, for its chunk.
 */
export function templatePlan(template: TemplateDefinition, nested: boolean): TemplatePlan | null {
  if (nested) return template.nestedPlan !== undefined ? template.nestedPlan : (template.nestedPlan = planFor(template, true));
  return template.plan !== undefined ? template.plan : (template.plan = planFor(template, false));
}

/**
 * Templates already planned, by their top-level node count and first name: a chunk's copy of a
 * template whose tree is the same as one planned before (in an earlier chunk or file) takes its
 * plan, or its lack of one, without compiling again. Bounded: cleared when full.
 */
const plannedTrees = new Map<string, { nodes: readonly Content[]; plan: TemplatePlan | null }[]>();
const MAX_TREE_KEYS = 512;
const MAX_TREES_PER_KEY = 4;

function planFor(template: TemplateDefinition, nested: boolean): TemplatePlan | null {
  const nodes = template.nodes;
  const first = nodes[0];
  const key = `${nested ? 'n' : 'r'}${nodes.length}:${first !== undefined && typeof first !== 'string' && first.kind === 'element' ? first.name : ''}`;
  let list = plannedTrees.get(key);
  if (list !== undefined) {
    for (const entry of list) if (sameContent(entry.nodes, nodes)) return entry.plan;
  } else {
    if (plannedTrees.size >= MAX_TREE_KEYS) plannedTrees.clear();
    plannedTrees.set(key, (list = []));
  }
  const plan = compileTemplate(template, nested);
  if (list.length >= MAX_TREES_PER_KEY) list.shift();
  list.push({ nodes, plan });
  return plan;
}

/** Whether two template trees are the same (texts, names, substitution indexes); an instance never is. */
function sameContent(a: readonly Content[], b: readonly Content[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (typeof x === 'string' || typeof y === 'string') {
      if (x !== y) return false;
    } else if (x.kind === 'substitution' && y.kind === 'substitution') {
      if (x.index !== y.index) return false;
    } else if (x.kind === 'element' && y.kind === 'element') {
      if (x.name !== y.name || x.attrs.length !== y.attrs.length || !sameContent(x.content, y.content)) return false;
      for (let k = 0; k < x.attrs.length; k++) {
        if (x.attrs[k]!.name !== y.attrs[k]!.name || !sameContent(x.attrs[k]!.value, y.attrs[k]!.value)) return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

function compileTemplate(template: TemplateDefinition, nested: boolean): TemplatePlan | null {
  nodes = template.nodes.length;
  fixedChars = 0;
  const roots: ElementPlan[] = [];
  const rootNames: string[] = [];
  for (const node of template.nodes) {
    if (typeof node === 'string') {
      // At the record's top, text counts and is dropped; in a value it would be its element's text.
      if (nested) return null;
      fixedChars += node.length;
      continue;
    }
    if (node.kind !== 'element') return null;
    const plan = compileElement(node, nested && node.role === ROLE_CONTAINER ? CONTAINER : PLAIN);
    if (plan === null || rootNames.includes(node.name) || !usableKey(node.name)) return null;
    roots.push(plan);
    rootNames.push(node.name);
  }
  return sharedPlan(roots, rootNames, nodes, fixedChars, nested);
}

/**
 * Plans by what they count and their root names, each list holding the distinct plans seen
 * under that key: the same template in another chunk (or file) is recognised by comparing its
 * plan, and takes the plan already made, with its code (plan-code.ts). Bounded: cleared when full.
 */
const sharedPlans = new Map<string, TemplatePlan[]>();
const MAX_SHARED_KEYS = 1024;
const MAX_PLANS_PER_KEY = 8;

function sharedPlan(roots: ElementPlan[], rootNames: string[], fixedNodes: number, chars: number, nested: boolean): TemplatePlan {
  const key = `${nested ? 'n' : 'r'}${fixedNodes}:${chars}:${rootNames.join('\u0000')}`;
  let list = sharedPlans.get(key);
  if (list !== undefined) {
    for (const plan of list) if (sameList(plan.rootNames, rootNames) && sameElements(plan.roots, roots)) return plan;
  } else {
    if (sharedPlans.size >= MAX_SHARED_KEYS) sharedPlans.clear();
    sharedPlans.set(key, (list = []));
  }
  const plan: TemplatePlan = {
    roots,
    rootNames,
    fixedNodes,
    fixedChars: chars,
    root: undefined,
    nested: undefined,
    uses: 0,
  };
  if (list.length >= MAX_PLANS_PER_KEY) list.shift();
  list.push(plan);
  return plan;
}

/** Whether two plans render alike: every field rendering reads, compared all the way down. */
function sameElements(a: readonly (ElementPlan | null)[], b: readonly (ElementPlan | null)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === null || y === null) {
      if (x !== y) return false;
      continue;
    }
    if (
      x.mode !== y.mode ||
      x.text !== y.text ||
      x.sub !== y.sub ||
      x.nestedSub !== y.nestedSub ||
      x.positionalData !== y.positionalData ||
      x.dataName !== y.dataName ||
      !sameList(x.attrNames, y.attrNames) ||
      !sameList(x.attrTexts, y.attrTexts) ||
      !sameList(x.attrSubs, y.attrSubs) ||
      !sameList(x.keys, y.keys)
    ) {
      return false;
    }
    if (x.children === undefined || y.children === undefined) {
      if (x.children !== y.children) return false;
    } else if (!sameElements(x.children, y.children)) {
      return false;
    }
  }
  return true;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compileElement(element: XmlElement, mode: number): ElementPlan | null {
  fixedChars += element.name.length;
  const attrNames: string[] = [];
  const attrTexts: (Scalar | undefined)[] = [];
  const attrSubs: number[] = [];
  let dataName: string | undefined;
  for (const attr of element.attrs) {
    fixedChars += attr.name.length;
    if (attrNames.includes(attr.name) || !usableKey(attr.name)) return null;
    if (attr.value.length === 0) continue; // never rendered
    if (attr.value.length !== 1) return null;
    const only = attr.value[0]!;
    if (typeof only === 'string') {
      fixedChars += only.length;
      if (mode === DATA && attr.name === 'Name' && dataName === undefined) dataName = only;
      attrNames.push(attr.name);
      attrTexts.push(only.trim());
      attrSubs.push(-1);
    } else if (only.kind === 'substitution') {
      if (mode === DATA && attr.name === 'Name') return null; // the key would depend on the value
      nodes += 1;
      attrNames.push(attr.name);
      attrTexts.push(undefined);
      attrSubs.push(only.index);
    } else {
      return null;
    }
  }

  const content = element.content;
  let text: Scalar | undefined;
  let sub = -1;
  let children: (ElementPlan | null)[] | undefined;
  const keys: (string | null)[] = [];
  let positionalData = false;
  let nestedSub = -1;
  const seen = new Set<string>();
  if (content.length === 1 && isLeaf(content[0]!)) {
    nodes += 1;
    const only = content[0]!;
    if (typeof only === 'string') {
      fixedChars += only.length;
      text = only.trim();
    } else {
      sub = (only as { index: number }).index;
    }
  } else if (content.length > 0) {
    nodes += content.length;
    children = [];
    const dataNames: (string | undefined)[] = [];
    for (const node of content) {
      if (typeof node !== 'string' && node.kind === 'substitution' && nestedSub < 0 && mode !== CONTAINER) {
        nestedSub = node.index;
        children.push(null);
        dataNames.push(undefined);
        continue;
      }
      if (typeof node === 'string' || node.kind !== 'element') return null; // mixed content
      const childMode = mode === CONTAINER && node.role === ROLE_DATA ? DATA : node.role === ROLE_CONTAINER ? CONTAINER : PLAIN;
      const plan = compileElement(node, childMode);
      if (plan === null) return null;
      children.push(plan);
      dataNames.push(plan.dataName);
    }
    const isDataContainer = mode === CONTAINER;
    const flatten = isDataContainer && dataNames.some((name) => name !== undefined);
    for (let i = 0; i < content.length; i++) {
      if (children[i] === null) {
        keys.push(null);
        continue;
      }
      const name = (content[i] as XmlElement).name;
      let key: string | null = name;
      if (isDataContainer && name === 'Data') {
        if (flatten) key = dataNames[i] ?? null;
        else {
          positionalData = true;
          key = seen.has('Data') ? null : 'Data';
        }
      }
      if (key !== null) {
        // A repeated key would overwrite or take a suffix: the general walk does that.
        if (seen.has(key) || !usableKey(key)) return null;
        seen.add(key);
      }
      keys.push(key);
    }
  }
  return { mode, attrNames, attrTexts, attrSubs, text, sub, children, keys, nestedSub, keySet: seen, positionalData, dataName };
}

function isLeaf(node: Content): boolean {
  return typeof node === 'string' || node.kind === 'substitution';
}

/** `#attributes`/`#text` stand first in an object; `__proto__` must not be a literal key. */
function usableKey(key: string): boolean {
  return key !== '__proto__' && !key.startsWith('#');
}

/**
 * The record's JSON, or undefined when its values do not fit the plan (an array, a BinXML value
 * that is not one planned instance, a key a value's elements would repeat): the caller then
 * takes the general walk. `renderedNodes()`/`renderedChars()` say what it counted.
 */
export function renderPlan(plan: TemplatePlan, values: readonly SubstitutionValue[]): JsonObject | undefined {
  recordNodes = 1 + plan.fixedNodes; // the record's fragment holds the one instance
  recordChars = plan.fixedChars;
  planFailed = false;
  if (plan.root === undefined && ++plan.uses >= CODE_AFTER_USES) plan.root = rootCode(plan.roots, plan.rootNames, HELPERS);
  const out = plan.root !== undefined ? plan.root.code(values, plan.root.consts) : walkRoots(plan, values);
  return planFailed ? undefined : out;
}

/** What rootCode's code does, by the plan's walk. */
function walkRoots(plan: TemplatePlan, values: readonly SubstitutionValue[]): JsonObject {
  const out: JsonObject = {};
  for (let i = 0; i < plan.roots.length; i++) out[plan.rootNames[i]!] = renderElement(plan.roots[i]!, values);
  return out;
}

/** What nestedCode's code does, by the plan's walk: false when a name is already there. */
function walkNested(plan: TemplatePlan, values: readonly SubstitutionValue[], out: JsonObject, keySet: ReadonlySet<string>): boolean {
  for (let i = 0; i < plan.roots.length; i++) {
    const key = plan.rootNames[i]!;
    if (keySet.has(key) || Object.hasOwn(out, key)) return false;
    out[key] = renderElement(plan.roots[i]!, values);
  }
  return true;
}

export function renderedNodes(): number {
  return recordNodes;
}

export function renderedChars(): number {
  return recordChars;
}

/** The value as a text piece (trimmed), or undefined when it renders nothing; counts it. */
function piece(values: readonly SubstitutionValue[], index: number): Scalar | undefined {
  const value = values[index];
  if (typeof value === 'string') {
    if (value.length === 0) return undefined;
    recordChars += value.length;
    return value.trim();
  }
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') {
    planFailed = true;
    return undefined;
  }
  recordChars += 8;
  return value;
}

/** Puts the elements of the BinXML value at `index` into `out`, as its element's children. */
function renderNested(values: readonly SubstitutionValue[], index: number, out: JsonObject, keySet: ReadonlySet<string>): void {
  const value = values[index];
  if (value === null || value === undefined || value === '') return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    planFailed = true; // text among the children: `#text`
    return;
  }
  const fragment = value.nodes;
  if (fragment.length === 0) return;
  const only = fragment[0]!;
  if (fragment.length !== 1 || typeof only === 'string' || only.kind !== 'instance') {
    planFailed = true;
    return;
  }
  const plan = templatePlan(only.template, true);
  if (plan === null) {
    planFailed = true;
    return;
  }
  recordNodes += 1 + plan.fixedNodes;
  recordChars += plan.fixedChars;
  // false: a name already there (suffixes), which the general walk renders.
  if (plan.nested === undefined && ++plan.uses >= CODE_AFTER_USES) plan.nested = nestedCode(plan.roots, plan.rootNames, HELPERS);
  const rendered = plan.nested !== undefined ? plan.nested.code(only.values, plan.nested.consts, out, keySet) : walkNested(plan, only.values, out, keySet);
  if (!rendered) planFailed = true;
}

/** The plan's walk: left for the shapes plan-code.ts does not write out (`Data` lists). */
function renderElement(plan: ElementPlan, values: readonly SubstitutionValue[]): JsonValue {
  let attributes: JsonObject | undefined;
  const names = plan.attrNames;
  for (let i = 0; i < names.length; i++) {
    const sub = plan.attrSubs[i]!;
    const value = sub < 0 ? plan.attrTexts[i] : piece(values, sub);
    if (value !== undefined) (attributes ??= {})[names[i]!] = value;
  }
  const children = plan.children;
  if (children === undefined) {
    const own = plan.sub >= 0 ? piece(values, plan.sub) : plan.text;
    if (plan.mode === DATA) return own !== undefined ? own : '';
    if (attributes === undefined) return own !== undefined ? own : null;
    const out: JsonObject = { '#attributes': attributes };
    if (own !== undefined) out['#text'] = own;
    return out;
  }
  const out: JsonObject = {};
  if (attributes !== undefined) out['#attributes'] = attributes;
  const keys = plan.keys;
  let items: JsonValue[] | undefined;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child === null) {
      renderNested(values, plan.nestedSub, out, plan.keySet);
      continue;
    }
    const value = renderElement(child, values);
    const key = keys[i]!;
    if (plan.positionalData && child.mode === DATA) {
      if (key !== null) {
        items = [];
        out[key] = { '#text': items };
      }
      items!.push(value);
    } else if (key !== null) {
      out[key] = value;
    }
  }
  if (items !== undefined && items.length === 1) (out['Data'] as JsonObject)['#text'] = items[0]!;
  return out;
}

const HELPERS: PlanHelpers = { piece, nested: renderNested, element: renderElement as PlanHelpers['element'] };
