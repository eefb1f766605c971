/** Every `.yml`/`.yaml` file under a directory (or the file itself), recursively, in a stable order. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleFile } from '../rules/rule.ts';

export function readSigmaDir(path: string): RuleFile[] {
  if (!statSync(path).isDirectory()) return [{ path, text: readFileSync(path, 'utf8') }];
  const files: RuleFile[] = [];
  const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...readSigmaDir(child));
    else if (/\.ya?ml$/i.test(entry.name)) files.push({ path: child, text: readFileSync(child, 'utf8') });
  }
  return files;
}
