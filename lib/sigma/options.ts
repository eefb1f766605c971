/** What a deployment configures about Sigma rules: placeholders, extra logsources, pipelines. */
import type { ParseOptions } from './load.ts';
import type { LogsourceConfig } from './logsource.ts';
import { builtinPipelines, orderPipelines, type ProcessingPipeline } from './pipelines/index.ts';

export interface SigmaOptions {
  /** values for `|expand` placeholders, e.g. { admins: ['root','admin'] } */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
  /** Logsources beyond the Windows taxonomy, keyed `service:NAME`, `category:NAME` or `product:NAME`. */
  readonly logsources?: LogsourceConfig;
  /**
   * Processing pipelines (lib/sigma/pipelines), applied in priority order between parsing and
   * compiling. `undefined`: the built-in pipelines (`pipelines/*.yml`); `[]`: none.
   */
  readonly pipelines?: readonly ProcessingPipeline[];
}

/** SigmaOptions as the loader takes them: the pipelines chosen (built-ins by default) and ordered. */
export function parseOptionsOf(options: SigmaOptions): ParseOptions {
  return { ...options, pipelines: orderPipelines(options.pipelines ?? builtinPipelines()) };
}

