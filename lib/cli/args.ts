import { parseArgs, type ParseArgsConfig } from 'node:util';

/** node:util parseArgs with errors that say which command they belong to. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new Error(`${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
