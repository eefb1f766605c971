/**
 * The pack configuration's `pipelines` section as the Sigma loader's `pipelines` option:
 * winsift's built-in pipelines unless `builtin: false`, then each of `use` (a built-in's name
 * or a pySigma YAML file, relative to the configuration), in the order the pipelines' own
 * priorities give (lib/sigma/pipelines). A pipeline that cannot be read fails the configuration.
 */
import { builtinPipelines, PipelineError, resolvePipelines, type ProcessingPipeline, type SigmaOptions } from '../sigma/index.ts';
import { PackConfigError, type PackConfig } from './pack-config.ts';

export function pipelineOptions(config: Pick<PackConfig, 'file' | 'pipelines' | 'baseDir'>): Pick<SigmaOptions, 'pipelines'> {
  const pipelines: ProcessingPipeline[] = config.pipelines.builtin ? [...builtinPipelines()] : [];
  try {
    for (const p of resolvePipelines(config.pipelines.use, config.baseDir)) if (!pipelines.includes(p)) pipelines.push(p);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    throw new PackConfigError(config.file, 'pipelines.use', error.message);
  }
  return { pipelines };
}
