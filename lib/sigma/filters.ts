/**
 * Sigma filters (sigma-filters-specification.md): a separate document with `filter: {rules,
 * <searches>, condition}` whose condition is ANDed onto each rule it names (by id or name,
 * or `any`), when the rule's logsource carries the filter's logsource fields.
 */
import type { Expr } from './ast.ts';
import { SigmaCompileError } from './compile-error.ts';
import type { DetectionContext } from './detection.ts';
import type { Logsource } from './logsource.ts';
import { parseDetection, readLogsource, type ParsedRule } from './sigma-rule.ts';

export interface SigmaFilter {
  readonly id: string;
  readonly title: string;
  /** Rule ids or names; `any` applies to every rule with a matching logsource. */
  readonly rules: readonly string[] | 'any';
  readonly logsource: Logsource;
  readonly expr: Expr;
  readonly source: string;
}

export function parseFilter(body: Record<string, unknown>, source: string, ctx: DetectionContext): SigmaFilter {
  const filter = body['filter'];
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new SigmaCompileError("'filter' must be a map", 'filter');
  }
  const { rules, ...detection } = filter as Record<string, unknown>;
  let names: readonly string[] | 'any';
  if (rules === 'any') names = 'any';
  else if (typeof rules === 'string') names = [rules];
  else if (Array.isArray(rules) && rules.length > 0 && rules.every((r) => typeof r === 'string')) names = rules as string[];
  else throw new SigmaCompileError("'filter.rules' must name rule ids or names, or be 'any'", 'filter: rules');
  const id = typeof body['id'] === 'string' ? body['id'] : '';
  const title = typeof body['title'] === 'string' ? body['title'] : '';
  const logsource = body['logsource'] === undefined ? {} : readLogsource(body['logsource']);
  return { id, title, rules: names, logsource, expr: parseDetection(detection, ctx), source };
}

export function filterApplies(filter: SigmaFilter, rule: ParsedRule): boolean {
  const named = filter.rules === 'any' || filter.rules.some((r) => r === rule.meta.id || r === rule.name);
  if (!named) return false;
  const ls = filter.logsource;
  return (
    (!ls.product || ls.product === rule.logsource.product) &&
    (!ls.category || ls.category === rule.logsource.category) &&
    (!ls.service || ls.service === rule.logsource.service)
  );
}

/** The rule's detection with every applicable filter ANDed on. */
export function withFilters(rule: ParsedRule, filters: readonly SigmaFilter[]): Expr {
  const applicable = filters.filter((f) => filterApplies(f, rule));
  if (applicable.length === 0) return rule.expr;
  return { kind: 'and', items: [rule.expr, ...applicable.map((f) => f.expr)] };
}
