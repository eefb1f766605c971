/**
 * A pack configuration's `suppress:` section resolved over the rules the pack holds, when it is
 * built: each `suppress.rules` entry selects rules the way `select.include` does (any id, tag
 * glob or path glob, plus levels after overrides), and the last entry matching a rule gives
 * its setting. What a pack carries is the result, per rule id, and the default: path globs
 * only mean something against the configuration's directory, which a precompiled pack no
 * longer has. How the result meets the rule's own attribute and a global `--suppress` /
 * `SUPPRESS_WINDOW` is decided in one place, lib/state/suppression-options.ts.
 *
 * Correlation rules are selectable too (a spray that fires every hour is as noisy as any rule),
 * by the id, tags and level their document declares.
 */
import type { PackConfig } from './pack-config.ts';
import type { PackContent } from './pack-content.ts';
import type { Level, SuppressSetting, SuppressWindow } from './rule.ts';
import { criteria, rulePaths } from './rule-selection.ts';

/** What a pack carries: the default and the per-rule settings of its configuration. */
export interface PackSuppression {
  /** For rules with no setting of their own (a global --suppress / SUPPRESS_WINDOW replaces its window). */
  readonly default?: SuppressWindow;
  /** Per rule id, from `suppress.rules`: wins over the rule's own `suppress` attribute. */
  readonly byRule: Readonly<Record<string, SuppressSetting>>;
}

export interface SuppressionOutcome {
  /** Undefined when the configuration has no default and no entry matched a rule. */
  readonly suppression?: PackSuppression;
  /** For `rules pack` to report: entries that matched no rule, and listed ids that name none (typos). */
  readonly unmatchedEntries: readonly number[];
  readonly unknownIds: readonly { readonly entry: number; readonly id: string }[];
}

interface Selectable {
  readonly id: string;
  readonly tags: readonly string[];
  readonly level: Level;
  readonly source: string;
}

export function resolveSuppression(content: PackContent, config: Pick<PackConfig, 'suppress' | 'baseDir'>): SuppressionOutcome {
  const { suppress } = config;
  const rules = selectableRules(content);
  const pathOf = rulePaths(config.baseDir);
  const byRule: Record<string, SuppressSetting> = {};
  const unmatchedEntries: number[] = [];
  const unknownIds: { entry: number; id: string }[] = [];
  const known = new Set(rules.map((r) => r.id));
  for (const [i, entry] of suppress.rules.entries()) {
    const test = criteria(entry.match);
    const levels = new Set(entry.match.levels);
    let matched = 0;
    for (const rule of rules) {
      if (!test.matches(rule, pathOf(rule.source)) && !levels.has(rule.level)) continue;
      byRule[rule.id] = entry.setting; // a later entry replaces an earlier one's setting
      matched++;
    }
    if (matched === 0) unmatchedEntries.push(i);
    for (const id of entry.match.ids) if (!known.has(id)) unknownIds.push({ entry: i, id });
  }
  const any = suppress.default !== undefined || Object.keys(byRule).length > 0;
  return {
    ...(any ? { suppression: { ...(suppress.default ? { default: suppress.default } : {}), byRule } } : {}),
    unmatchedEntries,
    unknownIds,
  };
}

/** Every rule once: Sigma (variants share their metadata), EQL, and correlation documents. */
function selectableRules(content: PackContent): Selectable[] {
  const seen = new Set<string>();
  const out: Selectable[] = [];
  const add = (rule: Selectable) => {
    if (seen.has(rule.id)) return;
    seen.add(rule.id);
    out.push(rule);
  };
  for (const rule of content.sigma) add(rule.meta);
  for (const rule of content.eql) add(rule.meta);
  for (const { body, source } of content.correlations) {
    const { id, tags, level } = body;
    // A correlation without an id is reported by the loader; it cannot be named here anyway.
    if (typeof id !== 'string' || id === '') continue;
    add({
      id,
      tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : typeof tags === 'string' ? [tags] : [],
      level: (typeof level === 'string' ? level : 'medium') as Level,
      source,
    });
  }
  return out;
}
