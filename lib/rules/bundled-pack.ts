import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundledRuleFiles } from './bundled.ts';
import { readCompiledPack } from './compiled-pack.ts';
import { loadPackContent, loadRulePack, type RulePack } from './rule-pack.ts';

/** The rules shipped with winsift, compiled once (cold start) and shared by every scan. */
let cached: RulePack | undefined;

export function loadBundledPack(): RulePack {
  cached ??= loadRulePack(bundledRuleFiles(), { name: 'bundled' });
  return cached;
}

/** The precompiled pack `cdk synth -c rulePack=...` puts beside the function's index.mjs. */
export const FUNCTION_PACK_FILE = 'rule-pack.json';

/**
 * The pack the function was built with: `rule-pack.json` beside the bundle when the CDK app
 * embedded one (it holds the bundled rules too, unless its config said `bundled: false`),
 * else the bundled rules. A broken embedded pack fails the cold start: synth checked it, so it
 * was changed after the build.
 */
export function loadFunctionPack(dir: URL): { pack: RulePack; origin: string } {
  const file = fileURLToPath(new URL(FUNCTION_PACK_FILE, dir));
  if (!existsSync(file)) return { pack: loadBundledPack(), origin: 'bundled' };
  const compiled = readCompiledPack(readFileSync(file, 'utf8'), file);
  return { pack: loadPackContent(compiled.content, compiled.version), origin: FUNCTION_PACK_FILE };
}
