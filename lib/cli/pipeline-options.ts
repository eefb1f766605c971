/**
 * `--pipeline NAME|FILE` (repeatable) and `--no-builtin-pipelines`, shared by `scan` and `rules`:
 * the Sigma processing pipelines a command loads rules through (lib/sigma/pipelines).
 */
import { builtinPipelines, resolvePipelines, type ProcessingPipeline, type SigmaOptions } from '../sigma/index.ts';

export const PIPELINE_ARGS = {
  pipeline: { type: 'string', multiple: true },
  'no-builtin-pipelines': { type: 'boolean' },
} as const;

export const PIPELINE_HELP = `  --pipeline NAME|FILE   also apply this Sigma processing pipeline (a built-in's name or a
                         pySigma YAML file); repeatable, applied in priority order
  --no-builtin-pipelines  apply none of the built-in pipelines (pipelines/*.yml)`;

/** The Sigma options the flags ask for; throws PipelineError on an unknown name or a bad file. */
export function pipelineOptions(values: { pipeline?: string[] | undefined; 'no-builtin-pipelines'?: boolean | undefined }): SigmaOptions {
  const builtins = values['no-builtin-pipelines'] ? [] : builtinPipelines();
  const extra = resolvePipelines(values.pipeline ?? []);
  const pipelines: ProcessingPipeline[] = [...builtins];
  for (const p of extra) if (!pipelines.includes(p)) pipelines.push(p);
  return { pipelines };
}
