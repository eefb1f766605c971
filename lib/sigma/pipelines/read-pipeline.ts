/**
 * Reads a pySigma processing pipeline (YAML) into a typed pipeline, checking everything once:
 * unknown top-level keys, unknown transformation or condition types, unknown or missing keys of
 * each, bad condition expressions, contradictory mappings. Every error names the file, the item
 * (its id or `#N`) and the reason. `postprocessing` and `finalizers` only shape a backend's query
 * text: they are read past (listed in `ignored`), since they change no match.
 */
import { parseDocument } from 'yaml';
import type { Tree } from '../ast.ts';
import { SigmaCompileError } from '../compile-error.ts';
import { parseCondition } from '../condition.ts';
import { DETECTION_ITEM_CONDITIONS, FIELD_NAME_CONDITIONS, RULE_CONDITIONS, type ConditionType } from './conditions/index.ts';
import type { ParamSpec, Params } from './params.ts';
import { PipelineError } from './pipeline-error.ts';
import type { Conditions, PipelineItem, ProcessingPipelineBody } from './pipeline.ts';
import { REFUSED, TRANSFORMATIONS } from './transformations/index.ts';

export interface ProcessingPipeline extends ProcessingPipelineBody {
  /** Sections read past because they only concern query backends (`postprocessing`, `finalizers`). */
  readonly ignored: readonly string[];
}

const TOP_KEYS = ['name', 'priority', 'vars', 'transformations', 'postprocessing', 'finalizers', 'allowed_backends', 'variant'];
const CONDITION_KEYS = ['rule_conditions', 'rule_cond_op', 'rule_cond_not', 'rule_cond_expr', 'detection_item_conditions', 'detection_item_cond_op', 'detection_item_cond_not', 'detection_item_cond_expr', 'field_name_conditions', 'field_name_cond_op', 'field_name_cond_not', 'field_name_cond_expr'];
/** A pipeline may not hold more items than this (pipelines come from users: bounded work per rule). */
const MAX_ITEMS = 2000;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parsePipeline(text: string, source: string): ProcessingPipeline {
  return readPipelineBody(readPipelineYaml(text, source), source);
}

/** A pipeline file's YAML as plain data (duplicate keys and bad YAML refused), not yet checked. */
export function readPipelineYaml(text: string, source: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0];
  if (problem) throw new PipelineError(source, `cannot read YAML at line ${(problem.linePos?.[0]?.line ?? 0) || '?'}: ${problem.message.split('\n')[0]}`);
  return doc.toJS({ maxAliasCount: 100 });
}

/**
 * Checks a pipeline's data and makes it a pipeline. The bundles embed the built-ins as this data
 * (scripts/build.ts), so a cold start does not parse their YAML, and still checks them here.
 */
export function readPipelineBody(body: unknown, source: string): ProcessingPipeline {
  const fail = (reason: string, item?: string): never => {
    throw new PipelineError(source, reason, item);
  };
  if (!isMap(body)) return fail('a pipeline must be a YAML map');
  for (const key of Object.keys(body)) if (!TOP_KEYS.includes(key)) fail(`unknown key '${key}' (a pipeline has ${TOP_KEYS.join(', ')})`);
  const name = body['name'] ?? source.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
  if (typeof name !== 'string' || name === '') fail(`'name' must be a non-empty string`);
  const priority = body['priority'] ?? 0;
  if (typeof priority !== 'number' || !Number.isFinite(priority)) fail(`'priority' must be a number`);
  const variant = body['variant'];
  if (variant !== undefined && (typeof variant !== 'string' || variant === '')) fail(`'variant' must be a non-empty string`);
  const vars = readVars(body['vars'], fail);
  const list = body['transformations'] ?? [];
  if (!Array.isArray(list)) return fail(`'transformations' must be a list`);
  if (list.length > MAX_ITEMS) fail(`${list.length} transformations, more than ${MAX_ITEMS}`);
  const items = list.map((raw, i) => readItem(raw, i, fail));
  const ids = new Map<string, number>();
  items.forEach((item, i) => {
    if (!item.hasId) return;
    if (ids.has(item.id)) fail(`id '${item.id}' is used by items #${ids.get(item.id)! + 1} and #${i + 1}`, item.id);
    ids.set(item.id, i);
  });
  checkContradictions(list as Params[], items, fail);
  const ignored = ['postprocessing', 'finalizers'].filter((k) => Array.isArray(body[k]) && (body[k] as unknown[]).length > 0);
  return {
    name: name as string,
    priority: priority as number,
    source,
    ...(variant !== undefined ? { variant: variant as string } : {}),
    vars,
    items,
    ignored,
  };
}

function readVars(value: unknown, fail: (reason: string, item?: string) => never): Record<string, readonly string[]> {
  if (value === undefined || value === null) return {};
  if (!isMap(value)) return fail(`'vars' must be a map of names to a value or a list of values`);
  const out: Record<string, readonly string[]> = {};
  for (const [name, v] of Object.entries(value)) {
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) fail(`vars '${name}' must be a value or a list of values`, `vars: ${name}`);
    out[name] = list.map(String);
  }
  return out;
}

function readItem(raw: unknown, index: number, fail: (reason: string, item?: string) => never): PipelineItem {
  const position = `#${index + 1}`;
  if (!isMap(raw)) return fail('a transformation must be a map', position);
  const hasId = raw['id'] !== undefined && raw['id'] !== null;
  if (hasId && (typeof raw['id'] !== 'string' || raw['id'] === '')) fail(`'id' must be a non-empty string`, position);
  const id = hasId ? (raw['id'] as string) : position;
  const where = hasId ? `${position} ${id}` : position;
  const type = raw['type'];
  if (typeof type !== 'string') return fail(`missing 'type'`, where);
  const refused = REFUSED.get(type);
  if (refused) fail(`transformation '${type}' is not supported: ${refused}`, where);
  const kind = TRANSFORMATIONS.get(type);
  if (!kind) return fail(`unknown transformation type '${type}' (supported: ${[...TRANSFORMATIONS.keys()].join(', ')})`, where);
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'id' || key === 'type' || CONDITION_KEYS.includes(key)) continue;
    params[key] = value;
  }
  checkKeys(params, kind.params, `transformation '${type}'`, (reason) => fail(reason, where));
  let transformation;
  try {
    transformation = kind.make(params);
  } catch (reason) {
    if (typeof reason === 'string') return fail(reason, where);
    throw reason;
  }
  const conds = <C>(prefix: 'rule' | 'detection_item' | 'field_name', registry: ReadonlyMap<string, ConditionType<C>>): Conditions<C> =>
    readConditions(raw, prefix, registry, (reason) => fail(reason, where));
  return {
    id,
    hasId,
    transformation,
    ruleConditions: conds('rule', RULE_CONDITIONS),
    itemConditions: conds('detection_item', DETECTION_ITEM_CONDITIONS),
    fieldConditions: conds('field_name', FIELD_NAME_CONDITIONS),
  };
}

function checkKeys(params: Params, spec: ParamSpec, what: string, fail: (reason: string) => never): void {
  for (const key of Object.keys(params)) {
    if (!spec.required.includes(key) && !spec.optional.includes(key)) {
      const known = [...spec.required, ...spec.optional];
      fail(`unknown key '${key}' for ${what}${known.length > 0 ? ` (it reads ${known.join(', ')})` : ' (it takes none)'}`);
    }
  }
  for (const key of spec.required) if (params[key] === undefined) fail(`${what} needs '${key}'`);
}

type Leaf<C> = { readonly kind: 'cond'; readonly cond: C };

function readConditions<C>(
  raw: Record<string, unknown>,
  prefix: 'rule' | 'detection_item' | 'field_name',
  registry: ReadonlyMap<string, ConditionType<C>>,
  fail: (reason: string) => never,
): Conditions<C> {
  const listKey = `${prefix}_conditions`;
  const opKey = `${prefix}_cond_op`;
  const exprKey = `${prefix}_cond_expr`;
  const notKey = `${prefix}_cond_not`;
  const defs = raw[listKey] ?? [];
  const negatedValue = raw[notKey] ?? false;
  if (typeof negatedValue !== 'boolean') fail(`'${notKey}' must be true or false`);
  const make = (def: unknown, ref: string): Leaf<C> => {
    if (!isMap(def)) return fail(`${listKey} ${ref} must be a map with a 'type'`);
    const type = def['type'];
    const kind = typeof type === 'string' ? registry.get(type) : undefined;
    if (!kind) return fail(`${listKey} ${ref}: unknown condition type '${String(type)}' (known: ${[...registry.keys()].join(', ')})`);
    const { type: _type, ...params } = def;
    checkKeys(params, kind.params, `${listKey} ${ref} (${kind.name})`, fail);
    try {
      return { kind: 'cond', cond: kind.make(params) };
    } catch (reason) {
      if (typeof reason === 'string') return fail(`${listKey} ${ref} (${kind.name}): ${reason}`);
      throw reason;
    }
  };
  const expr = raw[exprKey];
  let tree: Tree<Leaf<C>>;
  if (expr !== undefined) {
    if (typeof expr !== 'string') return fail(`'${exprKey}' must be a string`);
    if (raw[opKey] !== undefined) fail(`'${exprKey}' and '${opKey}' cannot both be given`);
    if (!isMap(defs)) return fail(`with '${exprKey}', '${listKey}' must be a map of ids to conditions`);
    const leaves = new Map(Object.entries(defs).map(([ref, def]) => [ref, make(def, `'${ref}'`)] as const));
    const seen = new Set<string>();
    // Counts which ids the expression names, to refuse unused conditions as pySigma does.
    class Tracked extends Map<string, Leaf<C>> {
      override get(ref: string): Leaf<C> | undefined {
        seen.add(ref);
        return super.get(ref);
      }
    }
    try {
      tree = parseCondition<Leaf<C>>(expr, new Tracked(leaves));
    } catch (error) {
      if (error instanceof SigmaCompileError) return fail(`'${exprKey}': ${error.message}`);
      throw error;
    }
    const unused = [...leaves.keys()].filter((ref) => !seen.has(ref));
    if (unused.length > 0) fail(`'${exprKey}' does not use condition(s) ${unused.join(', ')}`);
  } else {
    const op = raw[opKey] ?? 'and';
    if (op !== 'and' && op !== 'or') fail(`'${opKey}' must be 'and' or 'or'`);
    const list = Array.isArray(defs) ? defs.map((d, i) => make(d, `#${i + 1}`)) : isMap(defs) ? Object.entries(defs).map(([ref, d]) => make(d, `'${ref}'`)) : fail(`'${listKey}' must be a list`);
    tree = list.length === 0 ? { kind: 'const', value: true } : list.length === 1 ? list[0]! : { kind: op as 'and' | 'or', items: list };
  }
  return { tree, negated: negatedValue as boolean };
}

/**
 * Two field_name_mapping items of one pipeline under the same conditions mapping one field to
 * different targets: whichever ran first would win silently, so the pipeline is refused.
 */
function checkContradictions(raws: readonly Params[], items: readonly PipelineItem[], fail: (reason: string, item?: string) => never): void {
  const seen = new Map<string, { item: PipelineItem; targets: string }>();
  raws.forEach((raw, i) => {
    if (raw['type'] !== 'field_name_mapping') return;
    const conditions = JSON.stringify(CONDITION_KEYS.map((k) => raw[k] ?? null));
    const mapping = (items[i]!.transformation as unknown as { mapping: Map<string, string[]> }).mapping;
    for (const [from, to] of mapping) {
      const key = `${conditions}\u0000${from}`;
      const targets = to.join(', ');
      const before = seen.get(key);
      if (before && before.targets !== targets) {
        fail(`contradictory mapping: '${from}' is mapped to ${before.targets} by item ${before.item.id} and to ${targets} by item ${items[i]!.id} under the same conditions`, items[i]!.id);
      }
      if (!before) seen.set(key, { item: items[i]!, targets });
    }
  });
}
