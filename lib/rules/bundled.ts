/**
 * The rule pack shipped in `rules/`. From source (CLI, tests) the files are read from disk;
 * in the Lambda bundle, scripts/build.ts replaces this module with one that embeds their text,
 * so the function reads no YAML from disk at run time.
 *
 * `SEED_RULE_FILES` are the rules winsift ships (layer 0); anything else a user drops into
 * `rules/` is layer 1, so its copy of a seed rule's id wins (RuleFile.layer). Tests of the
 * bundled rules read the seed files by name, so they do not change with what a user added.
 */
import { fileURLToPath } from 'node:url';
import type { RuleFile } from './rule.ts';
import { readRuleDir } from './read-rule-dir.ts';

export const BUNDLED_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export const SEED_RULE_FILES: readonly string[] = [
  'datadog-bits-direct-ip.yml',
  'elastic-ingress-transfer-via-windows-bits.toml',
  'sigma-bits-direct-ip.yml',
  'sigma-bits-uncommon-tld.yml',
];

/** Layers of the bundled files: the seed, then what a user added to rules/. */
export const SEED_LAYER = 0;
export const LOCAL_RULES_LAYER = 1;

export function bundledRuleFiles(): RuleFile[] {
  return readRuleDir(BUNDLED_RULES_DIR).map((file) => {
    const name = file.path.slice(BUNDLED_RULES_DIR.length).split('\\').join('/');
    return { path: `bundled:${name}`, text: file.text, layer: SEED_RULE_FILES.includes(name) ? SEED_LAYER : LOCAL_RULES_LAYER };
  });
}

/** Only the seed rules, whatever else is in rules/: what tests of the bundled rules read. */
export function seedRuleFiles(): RuleFile[] {
  return bundledRuleFiles().filter((f) => f.layer === SEED_LAYER);
}
