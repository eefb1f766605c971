/**
 * `winsift rules list [--rules DIR]...`: the rules that load (bundled plus any directories), one
 * per line. `winsift rules lint [DIR]...`: every rule error, one per line (file, rule id, item,
 * reason); exit 1 if there is any. Without DIR, lint checks the bundled pack.
 */
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { readRuleDir } from '../../rules/read-rule-dir.ts';
import type { RuleError, RuleFile } from '../../rules/rule.ts';
import { loadRulePack } from '../../rules/rule-pack.ts';
import { parseCommandArgs } from '../args.ts';
import { sanitiseDiagnostic } from '../../alerts/sanitise.ts';

const USAGE = 'usage: winsift rules list [--rules DIR]... | winsift rules lint [DIR]...';

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return list(rest);
    case 'lint':
      return lint(rest);
    default:
      process.stderr.write(`${sub === undefined ? 'rules: missing sub-command' : `rules: unknown sub-command '${sub}'`}\n${USAGE}\n`);
      return 2;
  }
}

function readDirs(dirs: readonly string[]): RuleFile[] | undefined {
  try {
    return dirs.flatMap((dir) => readRuleDir(dir));
  } catch (error) {
    process.stderr.write(`${sanitiseDiagnostic(`rules: cannot read ${(error as NodeJS.ErrnoException).path ?? dirs.join(', ')}: ${(error as Error).message}`)}\n`);
    return undefined;
  }
}

function list(args: string[]): number {
  const { values, positionals } = parseCommandArgs('rules list', args, { rules: { type: 'string', multiple: true } });
  if (positionals.length > 0) {
    process.stderr.write(`rules list: unexpected argument '${positionals[0]}' (use --rules DIR)\n${USAGE}\n`);
    return 2;
  }
  const extra = readDirs(values.rules ?? []);
  if (!extra) return 2;
  const files = [...bundledRuleFiles(), ...extra];
  const pack = loadRulePack(files);
  // Correlations match across the events of a scan: their type says how.
  const correlationType = new Map(pack.correlations.map((c) => [c.meta, c.type]));
  for (const rule of pack.detector.rules) {
    const type = correlationType.get(rule);
    const language = type ? `sigma-correlation:${type}` : rule.language;
    process.stdout.write(`${rule.id}\t${language}\t${rule.level}\t${rule.title}\t${rule.source}\n`);
  }
  const count = pack.detector.rules.length;
  process.stdout.write(`${count} rules loaded${pack.errors.length > 0 ? `, ${pack.errors.length} not loaded (see winsift rules lint)` : ''}\n`);
  return 0;
}

function lint(args: string[]): number {
  const { positionals } = parseCommandArgs('rules lint', args, {});
  const files = positionals.length === 0 ? bundledRuleFiles() : readDirs(positionals);
  if (!files) return 2;
  const pack = loadRulePack(files);
  for (const error of pack.errors) process.stdout.write(`${formatRuleError(error)}\n`);
  const checked = pack.detector.rules.length + pack.errors.length;
  process.stderr.write(`${files.length} files, ${pack.detector.rules.length} rules ok, ${pack.errors.length} errors (${checked} checked)\n`);
  return pack.errors.length > 0 ? 1 : 0;
}

/** `file: rule id: item: reason`, with `-` for what is unknown, on one line. */
export function formatRuleError(error: RuleError): string {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');
  return `${error.file}: ${error.ruleId ?? '-'}: ${error.item ?? '-'}: ${oneLine(error.reason)}`;
}
