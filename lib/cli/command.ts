/**
 * The CLI's argument and help layer. A command is one declaration: its usage line, a paragraph,
 * its options (each with its help text) and a `run`. A command group (`winsift`, `winsift rules`)
 * is a table of sub-commands. Help, `-h/--help`, unknown options and errors naming the option
 * all come from here, so adding an option or a sub-command is one entry and nothing else.
 */
import { parseArgs } from 'node:util';
import { sanitiseDiagnostic } from '../alerts/sanitise.ts';
import { EXIT } from './exit-status.ts';
import { wrap } from './output/text.ts';

/** One option: node:util parseArgs' config plus what help shows. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's name in help, e.g. `DIR`, `FILE`, `N`. */
  readonly value?: string;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What parseArgs gives for a set of specs: strings, booleans, or lists when `multiple`. */
export type OptionValues<O extends OptionSpecs> = {
  -readonly [K in keyof O]?: O[K]['type'] extends 'boolean'
    ? O[K]['multiple'] extends true
      ? boolean[]
      : boolean
    : O[K]['multiple'] extends true
      ? string[]
      : string;
};

export interface Parsed<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** Full name as typed, e.g. `scan` or `rules list`. */
  readonly name: string;
  readonly summary: string;
  /** What follows `winsift <name>` in the usage line, e.g. `[options] <file|dir|->...`. */
  readonly usage: string;
  readonly description?: string;
  readonly options: O;
  /** Text after the options: examples, exit status. */
  readonly epilogue?: string;
  action(parsed: Parsed<O>): Promise<number> | number;
}

/** A sub-command, loaded only when asked for so `winsift scan` does not load the others. */
export interface SubCommand {
  readonly summary: string;
  readonly load: () => Promise<Runnable>;
}

export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly description?: string;
  readonly commands: Readonly<Record<string, SubCommand>>;
  readonly epilogue?: string;
}

export interface Runnable {
  run(args: readonly string[]): Promise<number>;
}

/** A mistake in how the command was called (exit 1): the message names the option or argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help and exit' };

export function defineCommand<O extends OptionSpecs>(command: Command<O>): Command<O> & Runnable {
  return { ...command, run: (args: readonly string[]) => runCommand(command, args) };
}

export function defineGroup(group: CommandGroup): CommandGroup & Runnable {
  return { ...group, run: (args: readonly string[]) => runGroup(group, args) };
}

async function runCommand<O extends OptionSpecs>(command: Command<O>, args: readonly string[]): Promise<number> {
  const prog = `winsift ${command.name}`;
  let parsed: Parsed<O>;
  try {
    parsed = parse(command, args);
  } catch (error) {
    return usageFailure(prog, error);
  }
  if ((parsed.values as Record<string, unknown>)['help']) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return EXIT.ok;
  }
  try {
    return await command.action(parsed);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(prog, error);
    throw error;
  }
}

function parse<O extends OptionSpecs>(command: Command<O>, args: readonly string[]): Parsed<O> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries({ ...command.options, help: HELP_OPTION })) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === undefined ? {} : { multiple: spec.multiple }),
    };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as OptionValues<O>, positionals };
  } catch (error) {
    // parseArgs' messages already name the option ("Unknown option '--frob'"); drop its advice
    // about `--` that does not apply to most of our commands.
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(message);
  }
}

async function runGroup(group: CommandGroup, args: readonly string[]): Promise<number> {
  const prog = group.name === '' ? 'winsift' : `winsift ${group.name}`;
  const [first, ...rest] = args;
  if (first === '-h' || first === '--help') {
    process.stdout.write(`${groupHelp(group)}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    // `winsift help scan` = `winsift scan --help`.
    if (rest.length === 0) {
      process.stdout.write(`${groupHelp(group)}\n`);
      return EXIT.ok;
    }
    return runGroup(group, [...rest, '--help']);
  }
  if (first === undefined) {
    process.stderr.write(`${prog}: name a command\n\n${groupHelp(group)}\n`);
    return EXIT.usage;
  }
  const sub = Object.hasOwn(group.commands, first) ? group.commands[first] : undefined;
  if (!sub) {
    const what = sanitiseDiagnostic(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`, 300);
    process.stderr.write(`${prog}: ${what}\n\n${groupHelp(group)}\n`);
    return EXIT.usage;
  }
  return (await sub.load()).run(rest);
}

function usageFailure(prog: string, error: unknown): number {
  if (!(error instanceof UsageError)) throw error;
  // The message may quote what was typed (or a path): shown with invisible characters escaped.
  process.stderr.write(`${prog}: ${sanitiseDiagnostic(error.message)}\n(${prog} --help shows the options)\n`);
  return EXIT.usage;
}

export function commandHelp(command: Command): string {
  const lines = [`usage: winsift ${command.name} ${command.usage}`.trimEnd(), ''];
  if (command.description) lines.push(command.description, '');
  const specs = Object.entries({ ...command.options, help: HELP_OPTION });
  const label = ([name, spec]: [string, OptionSpec]) =>
    `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
  const width = Math.min(26, Math.max(...specs.map((s) => label(s).length)) + 2);
  lines.push('options:');
  for (const spec of specs) {
    const [first, ...more] = wrap(spec[1].help, HELP_WIDTH - 2 - width);
    const name = label(spec);
    lines.push(
      name.length + 2 > width ? `  ${name}\n  ${' '.repeat(width)}${first}` : `  ${name.padEnd(width)}${first}`,
      ...more.map((line) => `  ${' '.repeat(width)}${line}`),
    );
  }
  if (command.epilogue) lines.push('', command.epilogue);
  return lines.join('\n');
}

/** Help fits an 80-column terminal. */
const HELP_WIDTH = 80;

export function groupHelp(group: CommandGroup): string {
  const prog = group.name === '' ? 'winsift' : `winsift ${group.name}`;
  const names = Object.keys(group.commands);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return [
    `usage: ${prog} <command> [options]`,
    '',
    ...(group.description ? [group.description, ''] : []),
    'commands:',
    ...names.map((name) => `  ${name.padEnd(width)}${group.commands[name]?.summary ?? ''}`),
    '',
    `${prog} <command> --help shows a command's options.`,
    ...(group.epilogue ? ['', group.epilogue] : []),
  ].join('\n');
}

/** `--name` must be one of `allowed`. */
export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${option} must be one of ${allowed.join(', ')}, not '${value}'`);
}

/** `--name N`: a whole number of at least `min`. */
export function wholeNumber(option: string, value: string, min = 1): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${option} must be a whole number of at least ${min}, not '${value}'`);
  return n;
}
