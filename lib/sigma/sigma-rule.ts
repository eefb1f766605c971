/**
 * One Sigma rule document, parsed in two stages: `readRule` keeps the detection as detection
 * items (detection-item.ts) for processing pipelines to transform; `resolveRule` then routes the
 * logsource and resolves the items into one expression (ast.ts) ready to compile.
 */
import type { RuleMeta } from '../rules/rule.ts';
import type { Expr, Tree } from './ast.ts';
import { SigmaCompileError } from './compile-error.ts';
import { parseCondition } from './condition.ts';
import { resolveSearch, type DetectionContext } from './detection.ts';
import { readSearch, type RawDetection, type SearchRef, type SearchTree } from './detection-item.ts';
import { routeLogsource, type Logsource, type LogsourceConfig, type LogsourceRoute } from './logsource.ts';
import { readRuleMeta } from './rule-meta.ts';

/** A rule as written (filters and pipelines transform this form). */
export interface RawRule {
  readonly meta: RuleMeta;
  /** `name` lets correlations refer to rules by name as well as by id. */
  readonly name?: string;
  readonly logsource: Logsource;
  readonly detection: RawDetection;
  /** The YAML document, for pipelines' `rule_attribute` conditions. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** A change a processing pipeline made to a rule (pySigma's tracking), for lint and explain. */
export interface PipelineChange {
  readonly pipeline: string;
  /** The pipeline item's id, or `#N` (1-based) when it has none. */
  readonly item: string;
  readonly what: string;
}

/** A rule ready to compile: several may share one `meta` when a variant pipeline added versions. */
export interface ParsedRule {
  readonly meta: RuleMeta;
  readonly name?: string;
  readonly logsource: Logsource;
  readonly route: LogsourceRoute;
  readonly expr: Expr;
  /** The variant pipeline(s) that made this version (`a+b` when one variant was varied again). */
  readonly variant?: string;
  /** What the pipelines changed, in order. */
  readonly changes?: readonly PipelineChange[];
}

export interface RuleContext extends DetectionContext {
  readonly logsources: LogsourceConfig;
}

/** The document as written: metadata, logsource and detection items. */
export function readRule(body: Record<string, unknown>, source: string): RawRule {
  const meta = readRuleMeta(body, source);
  const logsource = readLogsource(body['logsource']);
  const detection = readDetection(body['detection']);
  const name = body['name'];
  return { meta, logsource, detection, body, ...(typeof name === 'string' ? { name } : {}) };
}

/** Routes the logsource and resolves the detection: what the compiler reads. */
export function resolveRule(rule: RawRule, ctx: RuleContext): ParsedRule {
  const route = routeLogsource(rule.logsource, ctx.logsources);
  const expr = resolveDetection(rule.detection, ctx);
  return { meta: rule.meta, logsource: rule.logsource, route, expr, ...(rule.name !== undefined ? { name: rule.name } : {}) };
}

/** Both stages at once, for a rule no pipeline touches. */
export function parseRule(body: Record<string, unknown>, source: string, ctx: RuleContext): ParsedRule {
  return resolveRule(readRule(body, source), ctx);
}

export function readLogsource(value: unknown): Logsource {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SigmaCompileError("missing 'logsource' map", 'logsource');
  }
  const map = value as Record<string, unknown>;
  const pick = (key: string): string | undefined => {
    const v = map[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new SigmaCompileError(`logsource '${key}' must be a string`, 'logsource');
    return v.toLowerCase();
  };
  const product = pick('product');
  const category = pick('category');
  const service = pick('service');
  return { ...(product ? { product } : {}), ...(category ? { category } : {}), ...(service ? { service } : {}) };
}

/** The `detection` section: search identifiers plus `condition` (a string or a list ORed). */
export function readDetection(value: unknown): RawDetection {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SigmaCompileError("missing 'detection' map", 'detection');
  }
  const detection = value as Record<string, unknown>;
  const searches = new Map<string, SearchTree>();
  const refs = new Map<string, Tree<SearchRef>>();
  for (const [name, body] of Object.entries(detection)) {
    if (name === 'condition') continue;
    if (name === 'timeframe') {
      throw new SigmaCompileError("'timeframe' belongs to Sigma v1 aggregations, which are not supported (use a correlation rule)", 'detection: timeframe');
    }
    searches.set(name, readSearch(name, body));
    refs.set(name, { kind: 'ref', name });
  }
  const condition = detection['condition'];
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || !conditions.every((c) => typeof c === 'string')) {
    throw new SigmaCompileError("'condition' must be a string or a list of strings", 'condition');
  }
  const trees = (conditions as string[]).map((c) => parseCondition(c, refs));
  return { searches, condition: trees.length === 1 ? trees[0]! : { kind: 'or', items: trees } };
}

/**
 * The condition with each search resolved once (a search named twice is one shared expression).
 * Every search is resolved, named or not, so a broken one is reported either way.
 */
export function resolveDetection(detection: RawDetection, ctx: DetectionContext): Expr {
  const resolved = new Map<string, Expr>();
  for (const [name, search] of detection.searches) resolved.set(name, resolveSearch(search, ctx));
  const walk = (tree: Tree<SearchRef>): Expr => {
    switch (tree.kind) {
      case 'ref': {
        const expr = resolved.get(tree.name);
        if (!expr) throw new SigmaCompileError(`unknown search identifier '${tree.name}'`, 'condition');
        return expr;
      }
      case 'and':
      case 'or':
        return { kind: tree.kind, items: tree.items.map(walk) };
      case 'not':
        return { kind: 'not', item: walk(tree.item) };
      case 'const':
        return tree;
    }
  };
  return walk(detection.condition);
}
