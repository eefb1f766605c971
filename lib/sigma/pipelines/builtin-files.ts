/**
 * The built-in pipelines (`pipelines/*.yml` at the repo root). From source (CLI, tests) the files
 * are read from disk; in the Lambda/CLI bundle scripts/build.ts replaces this module with one that
 * embeds each file's YAML already read as data (reading ~20 KB of YAML with a cold parser cost a
 * cold start ~100 ms), as lib/rules/bundled.ts embeds rules.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPipelineYaml } from './read-pipeline.ts';

export const BUILTIN_PIPELINES_DIR = fileURLToPath(new URL('../../../pipelines/', import.meta.url));

export function builtinPipelineFiles(): Array<{ path: string; text: string }> {
  // Never none in silence: a bundle built without scripts/build.ts's embedding would otherwise
  // scan every 4688 event without its pipeline (it happened to a benchmark child).
  if (!existsSync(BUILTIN_PIPELINES_DIR)) {
    throw new Error(`winsift: the built-in pipelines are not at ${BUILTIN_PIPELINES_DIR} (a bundle must embed them: scripts/build.ts)`);
  }
  return readdirSync(BUILTIN_PIPELINES_DIR)
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => ({ path: `builtin:${name}`, text: readFileSync(join(BUILTIN_PIPELINES_DIR, name), 'utf8') }));
}

/** Each built-in pipeline's YAML as data, to check with readPipelineBody. */
export function builtinPipelineDocuments(): Array<{ path: string; body: unknown }> {
  return builtinPipelineFiles().map((f) => ({ path: f.path, body: readPipelineYaml(f.text, f.path) }));
}
