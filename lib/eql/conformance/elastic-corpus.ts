/**
 * Proof on Elastic's own rules: how many of detection-rules' Windows EQL rules
 * (`../shared/corpus/elastic/rules-windows-eql`, 391 TOML files) load and compile, each failure
 * with its file, position and reason. Used by `npm run conformance` and by a vitest test.
 */
import type { RuleError } from '../../rules/rule.ts';
import { readRuleDir } from '../../rules/read-rule-dir.ts';
import { loadEqlRules } from '../index.ts';

export const ELASTIC_WINDOWS_EQL_DIR = 'corpus/elastic/rules-windows-eql';

export interface EqlCompileReport {
  /** TOML rule files found. */
  readonly total: number;
  readonly compiled: number;
  readonly errors: readonly RuleError[];
}

/** `dir` is the rules directory itself (`../shared/corpus/elastic/rules-windows-eql`). */
export function checkElasticRules(dir: string): EqlCompileReport {
  const files = readRuleDir(dir).filter((file) => file.path.endsWith('.toml'));
  const { errors } = loadEqlRules(files);
  // One error per file at most: loadEqlRules stops reading a file at its first problem.
  return { total: files.length, compiled: files.length - new Set(errors.map((e) => e.file)).size, errors };
}
