/**
 * Sigma filters (sigma-filters-specification.md): a separate document with `filter: {rules,
 * <searches>, condition}` whose condition is ANDed onto each rule it names (by id or name,
 * or `any`), when the rule's logsource carries the filter's logsource fields. Applied to rules
 * as written, before processing pipelines, so a pipeline maps a filter's fields with its rule's.
 */
import type { Tree } from './ast.ts';
import { SigmaCompileError } from './compile-error.ts';
import type { RawDetection, SearchRef, SearchTree } from './detection-item.ts';
import type { Logsource } from './logsource.ts';
import type { DetectionContext } from './detection.ts';
import { readDetection, readLogsource, resolveDetection, type RawRule } from './sigma-rule.ts';

export interface SigmaFilter {
  readonly id: string;
  readonly title: string;
  /** Rule ids or names; `any` applies to every rule with a matching logsource. */
  readonly rules: readonly string[] | 'any';
  readonly logsource: Logsource;
  readonly detection: RawDetection;
  readonly source: string;
}

/** `ctx` only checks the filter's items resolve: it is resolved again with each rule it joins. */
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
  const raw = readDetection(detection);
  resolveDetection(raw, ctx);
  return { id, title, rules: names, logsource, detection: raw, source };
}

export function filterApplies(filter: SigmaFilter, rule: RawRule): boolean {
  const named = filter.rules === 'any' || filter.rules.some((r) => r === rule.meta.id || r === rule.name);
  if (!named) return false;
  const ls = filter.logsource;
  return (
    (!ls.product || ls.product === rule.logsource.product) &&
    (!ls.category || ls.category === rule.logsource.category) &&
    (!ls.service || ls.service === rule.logsource.service)
  );
}

/**
 * The rule with every applicable filter ANDed on: the filter's searches join the rule's under
 * names no condition can spell (`filter N: name`), its condition is ANDed onto the rule's.
 */
export function withFilters(rule: RawRule, filters: readonly SigmaFilter[]): RawRule {
  const applicable = filters.filter((f) => filterApplies(f, rule));
  if (applicable.length === 0) return rule;
  const searches = new Map<string, SearchTree>(rule.detection.searches);
  const conditions: Tree<SearchRef>[] = [rule.detection.condition];
  applicable.forEach((filter, i) => {
    const rename = (name: string): string => `filter ${i + 1} (${filter.id || filter.title}): ${name}`;
    for (const [name, search] of filter.detection.searches) searches.set(rename(name), search);
    conditions.push(renameRefs(filter.detection.condition, rename));
  });
  return { ...rule, detection: { searches, condition: { kind: 'and', items: conditions } } };
}

function renameRefs(tree: Tree<SearchRef>, rename: (name: string) => string): Tree<SearchRef> {
  switch (tree.kind) {
    case 'ref':
      return { kind: 'ref', name: rename(tree.name) };
    case 'and':
    case 'or':
      return { kind: tree.kind, items: tree.items.map((t) => renameRefs(t, rename)) };
    case 'not':
      return { kind: 'not', item: renameRefs(tree.item, rename) };
    case 'const':
      return tree;
  }
}
