/**
 * The rule pack shipped in `rules/`. From source (CLI, tests) the files are read from disk;
 * in the Lambda bundle, scripts/build.ts replaces this module with one that embeds their text,
 * so the function reads no YAML from disk at run time.
 */
import { fileURLToPath } from 'node:url';
import type { RuleFile } from './rule.ts';
import { readRuleDir } from './read-rule-dir.ts';

export const BUNDLED_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export function bundledRuleFiles(): RuleFile[] {
  return readRuleDir(BUNDLED_RULES_DIR).map((file) => ({
    path: `bundled:${file.path.slice(BUNDLED_RULES_DIR.length)}`,
    text: file.text,
  }));
}
