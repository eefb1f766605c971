/**
 * `--pipeline NAME|FILE` (repeatable) and `--no-builtin-pipelines`, part of RULE_OPTIONS
 * (rule-options.ts), so every command that loads rules has them: the Sigma processing pipelines
 * rules are loaded through (lib/sigma/pipelines).
 */
import { builtinPipelines, PipelineError, resolvePipelines, type ProcessingPipeline, type SigmaOptions } from '../sigma/index.ts';
import { type OptionSpecs, UsageError } from './command.ts';

export const PIPELINE_OPTIONS = {
  pipeline: {
    type: 'string',
    multiple: true,
    value: 'NAME|FILE',
    help: "also apply this Sigma processing pipeline (a built-in's name or a pySigma YAML file); repeatable, applied in priority order",
  },
  'no-builtin-pipelines': { type: 'boolean', help: 'apply none of the built-in pipelines (pipelines/*.yml)' },
} as const satisfies OptionSpecs;

/** The Sigma options the flags ask for; an unknown name or a bad file is a usage error naming it. */
export function pipelineOptions(values: { pipeline?: string[] | undefined; 'no-builtin-pipelines'?: boolean | undefined }): SigmaOptions {
  try {
    const builtins = values['no-builtin-pipelines'] ? [] : builtinPipelines();
    const extra = resolvePipelines(values.pipeline ?? []);
    const pipelines: ProcessingPipeline[] = [...builtins];
    for (const p of extra) if (!pipelines.includes(p)) pipelines.push(p);
    return { pipelines };
  } catch (error) {
    if (error instanceof PipelineError) throw new UsageError(`--pipeline: ${error.message}`);
    throw error;
  }
}
