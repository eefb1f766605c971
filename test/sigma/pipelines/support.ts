/** Rules and pipelines for pipeline tests: a rule through given pipelines only (no built-ins). */
import type { FieldValue } from '../../../lib/events/win-event.ts';
import { loadSigmaRules, parsePipeline, type SigmaOptions } from '../../../lib/sigma/index.ts';
import { parseSigmaFiles } from '../../../lib/sigma/load.ts';
import { orderPipelines, type ProcessingPipeline } from '../../../lib/sigma/pipelines/index.ts';
import { event, ruleText, SYSMON } from '../support.ts';

export { event, ruleText, SYSMON };

export function pipeline(yaml: string, source = 'test-pipeline.yml'): ProcessingPipeline {
  return parsePipeline(yaml, source);
}

export function load(rule: string, pipelines: readonly ProcessingPipeline[], options: SigmaOptions = {}) {
  return loadSigmaRules([{ path: 'rule.yml', text: rule }], { ...options, pipelines });
}

export function parsed(rule: string, pipelines: readonly ProcessingPipeline[], options: SigmaOptions = {}) {
  return parseSigmaFiles([{ path: 'rule.yml', text: rule }], { ...options, pipelines: orderPipelines(pipelines) });
}

/** Whether the one rule fires on an event with these fields. */
export function fires(rule: string, pipelines: readonly ProcessingPipeline[], fields: Record<string, FieldValue>, options: SigmaOptions = {}): boolean {
  const { detector, errors } = load(rule, pipelines, options);
  if (errors.length > 0) throw new Error(`expected the rule to load: ${JSON.stringify(errors)}`);
  return detector.match(event(fields)).length > 0;
}

export const PROC = 'product: windows\ncategory: process_creation';
