/**
 * A pack configuration's `levels` and `select` applied to the rules read: level overrides
 * first, then a rule stays when it passes every test below, in this order:
 *
 * 1. `min-level`: its level (after overrides) is at least this;
 * 2. `status`: its Sigma status is listed (a rule without a status, e.g. EQL, passes);
 * 3. `include`: when any include criterion is given, it matches one (id, tag glob, path glob);
 * 4. `exclude`: it matches none;
 * 5. `noisy`: its id is not listed, unless `include-noisy` is true.
 *
 * Correlation documents are not selected: one whose base rule was left out is reported by the
 * loader as referring to an unknown rule. Rule variants (a pipeline's) share their metadata
 * and so are kept or left out together.
 */
import type { ElasticRule } from '../eql/index.ts';
import { compileGlob } from './path-glob.ts';
import type { PackConfig, RuleCriteria } from './pack-config.ts';
import type { PackContent, PackSigmaRule } from './pack-content.ts';
import { LEVELS, type RuleMeta } from './rule.ts';
import { isAbsolute, relative, sep } from 'node:path';

export interface SelectionOutcome {
  readonly content: PackContent;
  /** How many rules each test left out, for `rules pack` and `rules lint` to report. */
  readonly leftOut: Readonly<Record<'level' | 'status' | 'include' | 'exclude' | 'noisy', number>>;
  readonly levelsChanged: number;
  /** `levels` entries that name no rule (a typo, or a rule since removed). */
  readonly unknownLevelIds: readonly string[];
}

export function selectRules(content: PackContent, config: Pick<PackConfig, 'select' | 'levels' | 'baseDir'>): SelectionOutcome {
  const { select, levels } = config;
  const leftOut = { level: 0, status: 0, include: 0, exclude: 0, noisy: 0 };
  const include = criteria(select.include);
  const exclude = criteria(select.exclude);
  const noisy = new Set(select.noisy);
  const status = select.status ? new Set(select.status) : undefined;
  const minLevel = select.minLevel === undefined ? 0 : LEVELS.indexOf(select.minLevel);
  const pathOf = rulePaths(config.baseDir);

  const decided = new Map<RuleMeta, RuleMeta | null>();
  const seenIds = new Set<string>();
  let levelsChanged = 0;
  const decide = (meta: RuleMeta): RuleMeta | null => {
    const known = decided.get(meta);
    if (known !== undefined) return known;
    seenIds.add(meta.id);
    const level = levels[meta.id];
    const changed = level !== undefined && level !== meta.level ? { ...meta, level } : meta;
    if (changed !== meta) levelsChanged++;
    let verdict: RuleMeta | null = changed;
    const path = pathOf(meta.source);
    if (LEVELS.indexOf(changed.level) < minLevel) (verdict = null), leftOut.level++;
    else if (status && meta.status !== undefined && !status.has(meta.status.toLowerCase())) (verdict = null), leftOut.status++;
    else if (include.any && !include.matches(meta, path)) (verdict = null), leftOut.include++;
    else if (exclude.any && exclude.matches(meta, path)) (verdict = null), leftOut.exclude++;
    else if (!select.includeNoisy && noisy.has(meta.id)) (verdict = null), leftOut.noisy++;
    decided.set(meta, verdict);
    return verdict;
  };

  const sigma: PackSigmaRule[] = [];
  for (const rule of content.sigma) {
    const meta = decide(rule.meta);
    if (meta) sigma.push(meta === rule.meta ? rule : { ...rule, meta });
  }
  const eql: ElasticRule[] = [];
  for (const rule of content.eql) {
    const meta = decide(rule.meta);
    if (meta) eql.push(meta === rule.meta ? rule : { ...rule, meta });
  }
  return {
    content: { ...content, sigma, eql },
    leftOut,
    levelsChanged,
    unknownLevelIds: Object.keys(levels).filter((id) => !seenIds.has(id)),
  };
}

/**
 * A rule's path as path globs see it: sources are relative to the configuration already
 * (build-pack.ts), or `bundled:<file>`; an absolute one (outside the configuration's directory)
 * is made relative to it.
 */
export function rulePaths(baseDir: string): (source: string) => string {
  return (source) => (isAbsolute(source) ? relative(baseDir, source).split(sep).join('/') : source);
}

/** One set of criteria (an id, a tag glob, a path glob: any one), as select and suppress read them. */
export function criteria(c: RuleCriteria): { any: boolean; matches(meta: Pick<RuleMeta, 'id' | 'tags'>, path: string): boolean } {
  const ids = new Set(c.ids);
  const tags = c.tags.map(compileGlob);
  const paths = c.paths.map(compileGlob);
  return {
    any: ids.size + tags.length + paths.length > 0,
    matches: (meta, path) => ids.has(meta.id) || meta.tags.some((t) => tags.some((g) => g(t))) || paths.some((g) => g(path)),
  };
}
