/**
 * The Sigma engine: rule files in, a compiled Detector and every problem out.
 * parse (documents.ts, sigma-rule.ts, detection-item.ts, condition.ts) -> filters (filters.ts) ->
 * pipelines (pipelines/) -> resolve (detection.ts) -> compile (compile.ts,
 * detector.ts) -> evaluate. reference.ts is the plain interpreter the compiled form is tested against.
 */
import type { Detector, RuleError, RuleFile } from '../rules/rule.ts';
import { SigmaCompileError } from './compile-error.ts';
import { SigmaDetector } from './detector.ts';
import { correlationsOf, type SigmaCorrelations } from './correlation.ts';
import { parseSigmaFiles } from './load.ts';
import { parseOptionsOf, type SigmaOptions } from './options.ts';

export { parseOptionsOf, type SigmaOptions };

export interface SigmaRules {
  readonly detector: Detector;
  /** Every rule, filter and correlation document that could not be used, and why. */
  readonly errors: RuleError[];
  /** Correlation rules of the same files, from the same parse. */
  readonly correlations: SigmaCorrelations;
}

export function loadSigmaRules(files: readonly RuleFile[], options: SigmaOptions = {}): SigmaRules {
  const parsed = parseSigmaFiles(files, parseOptionsOf(options));
  const correlations = correlationsOf(parsed);
  // correlations.errors repeats the correlation documents' parse errors: keep each error once.
  const errors = [...parsed.errors.filter((e) => !parsed.correlationErrors.includes(e)), ...correlations.errors];
  return { detector: new SigmaDetector(parsed.rules), errors, correlations };
}

export { SigmaCompileError };
export { parseSigmaFiles } from './load.ts';
export type { ParsedSigma } from './load.ts';
export { burstsOf, correlationsOf, groupOf, loadSigmaCorrelations, eventTime, type WindowItem } from './correlation.ts';
export { correlationScanState, correlationMatchToMatch } from './correlation-scan-state.ts';
export type { CorrelationMatch, CorrelationRule, Correlator, SigmaCorrelations } from './correlation.ts';
export { builtinPipelines, parsePipeline, PipelineError, resolvePipelines } from './pipelines/index.ts';
export type { ProcessingPipeline, DroppedVariant } from './pipelines/index.ts';
