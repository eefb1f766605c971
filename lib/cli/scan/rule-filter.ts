/**
 * Which alerts the analyst asked to see: `--min-level`, `--rule ID|GLOB`, `--exclude-rule`,
 * `--tag`. Every rule still runs (correlations read rules that are not shown); the filter
 * decides what is printed, and the summary counts what it hid.
 */
import { matchesGlob } from 'node:path';
import { LEVELS, type Level, type RuleMeta } from '../../rules/rule.ts';

export interface RuleFilterSpec {
  readonly minLevel?: Level;
  /** Rule ids or globs over ids and titles; any may match. Empty: every rule. */
  readonly rules: readonly string[];
  readonly excludeRules: readonly string[];
  /** Tags (`attack.t1197`) or globs (`attack.t1*`); any may match. Empty: every rule. */
  readonly tags: readonly string[];
}

export const ALL_RULES: RuleFilterSpec = { rules: [], excludeRules: [], tags: [] };

export function ruleSelector(spec: RuleFilterSpec): (rule: RuleMeta) => boolean {
  const minRank = spec.minLevel === undefined ? 0 : LEVELS.indexOf(spec.minLevel);
  const byRule = (pattern: string) => (rule: RuleMeta) =>
    rule.id === pattern || globI(rule.id, pattern) || globI(rule.title, pattern);
  const include = spec.rules.map(byRule);
  const exclude = spec.excludeRules.map(byRule);
  const tags = spec.tags.map((pattern) => (rule: RuleMeta) => rule.tags.some((tag) => globI(tag, pattern)));
  const cache = new Map<RuleMeta, boolean>();
  return (rule) => {
    let shown = cache.get(rule);
    if (shown === undefined) {
      shown =
        LEVELS.indexOf(rule.level) >= minRank &&
        (include.length === 0 || include.some((f) => f(rule))) &&
        !exclude.some((f) => f(rule)) &&
        (tags.length === 0 || tags.some((f) => f(rule)));
      cache.set(rule, shown);
    }
    return shown;
  };
}

/** Case-insensitive glob on a whole value; `/` has no special meaning here. */
function globI(value: string, pattern: string): boolean {
  const v = value.toLowerCase().replaceAll('/', '\u2215');
  const p = pattern.toLowerCase().replaceAll('/', '\u2215');
  return matchesGlob(v, p);
}
