/**
 * One Sigma rule document, parsed: metadata, its detection as an expression, and the logsource
 * route that says which events it can apply to.
 */
import type { RuleMeta } from '../rules/rule.ts';
import type { Expr } from './ast.ts';
import { SigmaCompileError } from './compile-error.ts';
import { parseCondition } from './condition.ts';
import { parseSearch, type DetectionContext } from './detection.ts';
import { routeLogsource, type Logsource, type LogsourceConfig, type LogsourceRoute } from './logsource.ts';
import { readRuleMeta } from './rule-meta.ts';

export interface ParsedRule {
  readonly meta: RuleMeta;
  /** `name` lets correlations refer to rules by name as well as by id. */
  readonly name?: string;
  readonly logsource: Logsource;
  readonly route: LogsourceRoute;
  readonly expr: Expr;
}

export interface RuleContext extends DetectionContext {
  readonly logsources: LogsourceConfig;
}

export function parseRule(body: Record<string, unknown>, source: string, ctx: RuleContext): ParsedRule {
  const meta = readRuleMeta(body, source);
  const logsource = readLogsource(body['logsource']);
  const route = routeLogsource(logsource, ctx.logsources);
  const expr = parseDetection(body['detection'], ctx);
  const name = body['name'];
  return { meta, logsource, route, expr, ...(typeof name === 'string' ? { name } : {}) };
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
export function parseDetection(value: unknown, ctx: DetectionContext): Expr {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SigmaCompileError("missing 'detection' map", 'detection');
  }
  const detection = value as Record<string, unknown>;
  const searches = new Map<string, Expr>();
  for (const [name, body] of Object.entries(detection)) {
    if (name === 'condition') continue;
    if (name === 'timeframe') {
      throw new SigmaCompileError("'timeframe' belongs to Sigma v1 aggregations, which are not supported (use a correlation rule)", 'detection: timeframe');
    }
    searches.set(name, parseSearch(name, body, ctx));
  }
  const condition = detection['condition'];
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || !conditions.every((c) => typeof c === 'string')) {
    throw new SigmaCompileError("'condition' must be a string or a list of strings", 'condition');
  }
  const exprs = (conditions as string[]).map((c) => parseCondition(c, searches));
  return exprs.length === 1 ? exprs[0]! : { kind: 'or', items: exprs };
}
