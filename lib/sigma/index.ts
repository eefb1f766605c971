/**
 * The Sigma engine: rule files in, a compiled Detector and every problem out.
 * parse (documents.ts, sigma-rule.ts, detection.ts, condition.ts) -> compile (compile.ts,
 * detector.ts) -> evaluate. reference.ts is the plain interpreter the compiled form is tested against.
 */
import type { Detector, RuleError, RuleFile } from '../rules/rule.ts';
import { SigmaCompileError } from './compile-error.ts';
import { SigmaDetector } from './detector.ts';
import { parseSigmaFiles } from './load.ts';
import type { LogsourceConfig } from './logsource.ts';

export interface SigmaOptions {
  /** values for `|expand` placeholders, e.g. { admins: ['root','admin'] } */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
  /** Logsources beyond the Windows taxonomy, keyed `service:NAME`, `category:NAME` or `product:NAME`. */
  readonly logsources?: LogsourceConfig;
}

export function loadSigmaRules(files: readonly RuleFile[], options: SigmaOptions = {}): { detector: Detector; errors: RuleError[] } {
  const { rules, errors } = parseSigmaFiles(files, options);
  return { detector: new SigmaDetector(rules), errors };
}

export { SigmaCompileError };
export { parseSigmaFiles } from './load.ts';
export type { ParsedSigma } from './load.ts';
export { loadSigmaCorrelations, eventTime } from './correlation.ts';
export type { CorrelationMatch, CorrelationRule, Correlator, SigmaCorrelations } from './correlation.ts';
