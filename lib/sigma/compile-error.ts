/** Why one part of a rule cannot be compiled; turned into a RuleError naming file and rule. */
export class SigmaCompileError extends Error {
  /** The detection item or rule part at fault, e.g. `selection: CommandLine|base64`. */
  readonly item: string | undefined;

  constructor(reason: string, item?: string) {
    super(reason);
    this.name = 'SigmaCompileError';
    this.item = item;
  }
}
