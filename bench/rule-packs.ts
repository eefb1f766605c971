/**
 * The two rule sets winsift is measured with: the bundled pack, and every compilable rule of the
 * SigmaHQ corpus in ../shared. Loaded through the same `loadRulePack` the Lambda uses. Modules
 * are imported lazily so the limits still run while parts of winsift are being built.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Detector, RuleError } from '../lib/rules/rule.ts';

export const SHARED_SIGMA = fileURLToPath(new URL('../../shared/corpus/sigma/', import.meta.url));
/** The parts of SigmaHQ that are Windows rules (the "about 2,900"). */
export const CORPUS_DIRS = ['rules/windows', 'rules-threat-hunting/windows', 'rules-emerging-threats'];

export interface LoadedPack {
  readonly detector: Detector;
  readonly files: number;
  readonly rules: number;
  readonly errors: readonly RuleError[];
  readonly compileMs: number;
}

export async function loadBundled(): Promise<LoadedPack> {
  const { bundledRuleFiles } = await import('../lib/rules/bundled.ts');
  const { loadRulePack } = await import('../lib/rules/rule-pack.ts');
  const files = bundledRuleFiles();
  const started = performance.now();
  const pack = loadRulePack(files);
  return { detector: pack.detector, files: files.length, rules: pack.detector.rules.length, errors: pack.errors, compileMs: performance.now() - started };
}

/** Every rule file of the corpus, or a reason it cannot be used here. */
export async function loadCorpus(): Promise<LoadedPack | { skipped: string }> {
  const dirs = CORPUS_DIRS.map((d) => join(SHARED_SIGMA, d));
  const missing = dirs.filter((d) => !existsSync(d));
  if (missing.length > 0) return { skipped: `SigmaHQ corpus absent (${missing.join(', ')})` };
  const { readRuleDir } = await import('../lib/rules/read-rule-dir.ts');
  const { loadRulePack } = await import('../lib/rules/rule-pack.ts');
  const files = dirs.flatMap((d) => readRuleDir(d));
  const started = performance.now();
  const pack = loadRulePack(files);
  return { detector: pack.detector, files: files.length, rules: pack.detector.rules.length, errors: pack.errors, compileMs: performance.now() - started };
}
