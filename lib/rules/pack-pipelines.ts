/**
 * The pack configuration's `pipelines` section as the Sigma loader's `pipelines` option.
 * Placeholder until lib/sigma/pipelines lands (branch h-pipelines): built-ins on with nothing
 * added means the loader's default; asking for more is refused rather than ignored.
 */
import type { SigmaOptions } from '../sigma/index.ts';
import { PackConfigError, type PackConfig } from './pack-config.ts';

export function pipelineOptions(config: Pick<PackConfig, 'file' | 'pipelines' | 'baseDir'>): Pick<SigmaOptions, never> {
  if (config.pipelines.use.length > 0 || !config.pipelines.builtin) {
    throw new PackConfigError(config.file, 'pipelines', 'processing pipelines are not available in this build of winsift yet');
  }
  return {};
}
