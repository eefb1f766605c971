/**
 * `-c rulePack=PATH` (a rule directory or a pack configuration file): the pack is built and
 * checked at synth, written precompiled as `rule-pack.json` beside the function's bundle, and
 * that directory is the function's asset. The function loads it at cold start with no YAML to
 * parse (lib/rules/bundled-pack.ts). A broken rule fails the synth with every broken rule
 * listed: a deployment never ships a rule that silently does not load.
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildPack, recordedConfig } from '../lib/rules/build-pack.ts';
import { FUNCTION_PACK_FILE } from '../lib/rules/bundled-pack.ts';
import { readCompiledPack, writeCompiledPack } from '../lib/rules/compiled-pack.ts';
import { loadPackContent } from '../lib/rules/rule-pack.ts';

export interface PackedAsset {
  readonly dir: string;
  readonly version: string;
  readonly rules: number;
}

export function functionAssetWithPack(functionAssetDir: string, rulePack: string): PackedAsset {
  if (!existsSync(join(functionAssetDir, 'index.mjs'))) {
    throw new Error(`context functionAssetDir: ${functionAssetDir}/index.mjs is missing: run npm run build first`);
  }
  const built = buildPack(resolve(rulePack));
  const pack = loadPackContent(built.content, built.version, { eager: true });
  if (pack.errors.length > 0) {
    const listed = pack.errors.map((e) => `  ${e.file}: ${e.ruleId ?? '-'}: ${e.item ?? '-'}: ${e.reason.replace(/\s*\n\s*/g, ' ')}`).join('\n');
    throw new Error(`context rulePack: ${rulePack}: ${pack.errors.length} rule(s) cannot be loaded; fix them or leave them out in a pack configuration:\n${listed}`);
  }
  // No creation time: the same rules give the same asset, so an unchanged pack is not redeployed.
  const text = writeCompiledPack(built.content, { name: built.config.name, config: recordedConfig(built.config), now: null });
  const compiled = readCompiledPack(text, rulePack);
  const dir = resolve(functionAssetDir, '..', `scan-with-pack-${compiled.version.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(functionAssetDir, dir, { recursive: true });
  writeFileSync(join(dir, FUNCTION_PACK_FILE), text);
  return { dir, version: compiled.version, rules: pack.detector.rules.length };
}
