/**
 * The built-in pipelines' YAML (`pipelines/*.yml` at the repo root). From source (CLI, tests) the
 * files are read from disk; in the Lambda/CLI bundle scripts/build.ts replaces this module with one
 * that embeds their text, as lib/rules/bundled.ts does for rules.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILTIN_PIPELINES_DIR = fileURLToPath(new URL('../../../pipelines/', import.meta.url));

export function builtinPipelineFiles(): Array<{ path: string; text: string }> {
  if (!existsSync(BUILTIN_PIPELINES_DIR)) return [];
  return readdirSync(BUILTIN_PIPELINES_DIR)
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => ({ path: `builtin:${name}`, text: readFileSync(join(BUILTIN_PIPELINES_DIR, name), 'utf8') }));
}
