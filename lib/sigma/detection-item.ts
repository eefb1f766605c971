/**
 * The intermediate form of a rule's detection, between YAML and the resolved field tests
 * (ast.ts), as pySigma models it: each `field|mod1|mod2: values` is one DetectionItem that still
 * holds its field name, modifier names and raw values, so processing pipelines can rename fields,
 * rewrite values or add items before `detection.ts` resolves modifiers into value tests.
 */
import type { Tree } from './ast.ts';
import { SigmaCompileError } from './compile-error.ts';

export type Scalar = string | number | boolean | null;

export interface DetectionItem {
  readonly kind: 'item';
  /** `null` for keyword (field-less) searches. */
  readonly field: string | null;
  readonly modifiers: readonly string[];
  readonly values: readonly Scalar[];
  /** How the item reads in the rule, e.g. `selection: RemoteName|contains`. */
  readonly label: string;
  /** Ids of the pipeline items that changed it (pySigma's applied processing items). */
  readonly applied: readonly string[];
}

/**
 * An item a pipeline's `unavailable_fields` replaced by the answer it gives on an event without
 * the field; kept apart from `const` so the loader can check which way it pushes the rule.
 */
export interface AbsentItem {
  readonly kind: 'absent';
  readonly field: string;
  readonly value: boolean;
  /** The pipeline and its item that declared the field unavailable. */
  readonly pipeline: string;
  readonly item: string;
  readonly label: string;
}

export type SearchLeaf = DetectionItem | AbsentItem;
export type SearchTree = Tree<SearchLeaf>;

/** A condition's leaf: the search identifier it names. */
export interface SearchRef {
  readonly kind: 'ref';
  readonly name: string;
}

export interface RawDetection {
  readonly searches: ReadonlyMap<string, SearchTree>;
  readonly condition: Tree<SearchRef>;
}

export function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One search identifier (`selection: ...`): maps AND their items, lists OR their elements. */
export function readSearch(name: string, body: unknown): SearchTree {
  if (Array.isArray(body)) {
    if (body.length === 0) throw new SigmaCompileError('empty list', name);
    if (body.every(isScalar)) return makeItem(name, '', body);
    return {
      kind: 'or',
      items: body.map((element, i) => {
        if (isMap(element)) return readMap(name, element);
        if (isScalar(element)) return makeItem(`${name}[${i}]`, '', [element]);
        throw new SigmaCompileError('a list may hold maps or plain values, not nested lists', `${name}[${i}]`);
      }),
    };
  }
  if (isMap(body)) return readMap(name, body);
  if (isScalar(body) && body !== null) return makeItem(name, '', [body]);
  throw new SigmaCompileError('a search identifier must be a map, a list or a keyword', name);
}

/** A map of `field|modifiers: value(s)`, ANDed (also how add_condition's `conditions` read). */
export function readMap(name: string, map: Record<string, unknown>): SearchTree {
  const keys = Object.keys(map);
  if (keys.length === 0) throw new SigmaCompileError('empty map', name);
  const items = keys.map((key) => {
    const value = map[key];
    const values = Array.isArray(value) ? value : [value];
    if (!values.every(isScalar)) {
      throw new SigmaCompileError('a field value must be a string, number, boolean, null or a list of them', `${name}: ${key}`);
    }
    if (values.length === 0) throw new SigmaCompileError('empty value list', `${name}: ${key}`);
    return makeItem(name, key, values);
  });
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

/** `field|mod1|mod2` with its values; an empty field (`'|all'`) is a keyword search. */
export function makeItem(name: string, key: string, values: readonly Scalar[]): DetectionItem {
  const label = key === '' ? `${name}: (keywords)` : `${name}: ${key}`;
  const [fieldName = '', ...modifiers] = key.split('|');
  return { kind: 'item', field: fieldName === '' ? null : fieldName, modifiers, values, label, applied: [] };
}

/** Every detection item of a tree, in order. */
export function itemsOf(tree: SearchTree, out: DetectionItem[] = []): DetectionItem[] {
  switch (tree.kind) {
    case 'item':
      out.push(tree);
      break;
    case 'and':
    case 'or':
      for (const item of tree.items) itemsOf(item, out);
      break;
    case 'not':
      itemsOf(tree.item, out);
      break;
  }
  return out;
}

/**
 * The tree with each detection item replaced by `f`'s answer (the same object when nothing
 * changed). `null` drops the item, as pySigma drops it from its detection: a group left empty
 * constrains nothing, so it holds.
 */
export function mapItems(tree: SearchTree, f: (item: DetectionItem) => SearchTree | null): SearchTree {
  return mapOrDrop(tree, f) ?? { kind: 'const', value: true };
}

function mapOrDrop(tree: SearchTree, f: (item: DetectionItem) => SearchTree | null): SearchTree | null {
  switch (tree.kind) {
    case 'item':
      return f(tree);
    case 'and':
    case 'or': {
      const mapped = tree.items.map((item) => mapOrDrop(item, f));
      if (mapped.every((item, i) => item === tree.items[i])) return tree;
      const items = mapped.filter((item): item is SearchTree => item !== null);
      if (items.length === 0) return null;
      return items.length === 1 ? items[0]! : { kind: tree.kind, items };
    }
    case 'not': {
      const item = mapOrDrop(tree.item, f);
      if (item === null) return null;
      return item === tree.item ? tree : { kind: 'not', item };
    }
    default:
      return tree;
  }
}
