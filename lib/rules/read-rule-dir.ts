import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleFile } from './rule.ts';

/** Rule files winsift understands: Sigma YAML and Elastic TOML. */
export const RULE_FILE = /\.(ya?ml|toml)$/i;

/** Every rule file under a directory (or the file itself), recursively, in a stable order. */
export function readRuleDir(path: string): RuleFile[] {
  if (!statSync(path).isDirectory()) return [{ path, text: readFileSync(path, 'utf8') }];
  const files: RuleFile[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...readRuleDir(child));
    else if (RULE_FILE.test(entry.name)) files.push({ path: child, text: readFileSync(child, 'utf8') });
  }
  return files;
}
