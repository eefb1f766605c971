/** A processing pipeline that cannot be used, or an item that failed on a rule: names the file and item. */
export class PipelineError extends Error {
  /** The pipeline's file (or `builtin:NAME`). */
  readonly file: string;
  /** The item at fault: its `id`, or `#N` (1-based) in `transformations`, possibly with a key. */
  readonly item?: string;

  constructor(file: string, reason: string, item?: string) {
    super(`${file}${item !== undefined ? ` (${item})` : ''}: ${reason}`);
    this.name = 'PipelineError';
    this.file = file;
    if (item !== undefined) this.item = item;
  }
}
