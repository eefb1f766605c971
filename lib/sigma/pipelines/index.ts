/**
 * Sigma processing pipelines (pySigma's YAML format), applied to rules between reading and
 * resolving them. See lib/sigma/README.md, "Processing pipelines".
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { builtinPipelineDocuments } from './builtin-files.ts';
import { orderPipelines } from './apply.ts';
import { PipelineError } from './pipeline-error.ts';
import { parsePipeline, readPipelineBody, type ProcessingPipeline } from './read-pipeline.ts';

export { PipelineError, parsePipeline, orderPipelines };
export type { ProcessingPipeline };
export { applyPipelines, applyPipelinesToCorrelation, PipelineRuleError, MAX_VERSIONS, type AppliedRule, type DroppedVariant } from './apply.ts';
export { SYSTEM_FIELDS } from './transformations/unavailable-fields.ts';
export { TRANSFORMATIONS, REFUSED } from './transformations/index.ts';

let builtins: readonly ProcessingPipeline[] | undefined;

/** Every `pipelines/*.yml` of the repo (embedded in bundles), parsed once, in priority order. */
export function builtinPipelines(): readonly ProcessingPipeline[] {
  builtins ??= Object.freeze(orderPipelines(builtinPipelineDocuments().map((d) => readPipelineBody(d.body, d.path))));
  return builtins;
}

/**
 * `--pipeline` references: a built-in pipeline's name (or its file name without `.yml`), or a
 * pipeline file's path (relative to `baseDir`). Unknown names are errors listing the built-ins.
 */
export function resolvePipelines(refs: readonly string[], baseDir: string = process.cwd()): ProcessingPipeline[] {
  return refs.map((ref) => {
    const builtin = builtinPipelines().find((p) => p.name === ref || p.source === `builtin:${ref}.yml` || p.source === `builtin:${ref}`);
    if (builtin) return builtin;
    const path = isAbsolute(ref) ? ref : resolve(baseDir, ref);
    if (!existsSync(path)) {
      const names = builtinPipelines().map((p) => p.name);
      throw new PipelineError(ref, `no such pipeline file, nor a built-in pipeline (built-ins: ${names.length > 0 ? names.join(', ') : 'none'})`);
    }
    return parsePipeline(readFileSync(path, 'utf8'), path);
  });
}
