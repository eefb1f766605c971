/**
 * `winsift rules list [--rules DIR]...`: the rules that load (bundled plus any directories), one
 * per line. `winsift rules lint [DIR]...`: every rule error, one per line (file, rule id, item,
 * reason); exit 1 if there is any. Without DIR, lint checks the bundled pack; `--changes` also
 * lists what the processing pipelines changed per rule and the variants they did not add.
 * `winsift rules explain ID`: the rule after the pipelines, each version's logsource, route and
 * detection. All take --pipeline NAME|FILE and --no-builtin-pipelines.
 */
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { readRuleDir } from '../../rules/read-rule-dir.ts';
import type { RuleError, RuleFile } from '../../rules/rule.ts';
import { loadRulePack } from '../../rules/rule-pack.ts';
import { parseSigmaFiles } from '../../sigma/load.ts';
import { parseOptionsOf, PipelineError, type SigmaOptions } from '../../sigma/index.ts';
import { droppedLine, summarise, versionLines } from '../../sigma/pipelines/tracking.ts';
import { showExpr } from '../../sigma/show-expr.ts';
import { simplify } from '../../sigma/compile.ts';
import { requiredEventIds } from '../../sigma/route.ts';
import type { ParsedRule } from '../../sigma/sigma-rule.ts';
import { parseCommandArgs } from '../args.ts';
import { sanitiseDiagnostic } from '../../alerts/sanitise.ts';
import { PIPELINE_ARGS, PIPELINE_HELP, pipelineOptions } from '../pipeline-options.ts';

const USAGE = `usage: winsift rules list [--rules DIR]... | winsift rules lint [--changes] [DIR]... | winsift rules explain ID [--rules DIR]...
${PIPELINE_HELP}`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return list(rest);
    case 'lint':
      return lint(rest);
    case 'explain':
      return explain(rest);
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

/** The Sigma options of the pipeline flags, or undefined after printing why they are unusable. */
function optionsOf(command: string, values: Parameters<typeof pipelineOptions>[0]): SigmaOptions | undefined {
  try {
    return pipelineOptions(values);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    process.stderr.write(`${command}: ${error.message}\n`);
    return undefined;
  }
}

function list(args: string[]): number {
  const { values, positionals } = parseCommandArgs('rules list', args, { rules: { type: 'string', multiple: true }, ...PIPELINE_ARGS });
  const options = optionsOf('rules list', values);
  if (!options) return 2;
  if (positionals.length > 0) {
    process.stderr.write(`rules list: unexpected argument '${positionals[0]}' (use --rules DIR)\n${USAGE}\n`);
    return 2;
  }
  const extra = readDirs(values.rules ?? []);
  if (!extra) return 2;
  const files = [...bundledRuleFiles(), ...extra];
  const pack = loadRulePack(files, options);
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
  const { values, positionals } = parseCommandArgs('rules lint', args, { changes: { type: 'boolean' }, ...PIPELINE_ARGS });
  const options = optionsOf('rules lint', values);
  if (!options) return 2;
  const files = positionals.length === 0 ? bundledRuleFiles() : readDirs(positionals);
  if (!files) return 2;
  const pack = loadRulePack(files, options);
  for (const error of pack.errors) process.stdout.write(`${formatRuleError(error)}\n`);
  // What the pipelines did is information, not an error: counted, listed with --changes.
  const sigma = parseSigmaFiles(files.filter((f) => /\.ya?ml$/i.test(f.path)), parseOptionsOf(options));
  if (values.changes) {
    for (const rule of sigma.rules) for (const line of versionLines(rule)) process.stdout.write(`${rule.meta.source}: ${rule.meta.id}: ${line}\n`);
    for (const d of sigma.dropped) process.stdout.write(`${d.meta.source}: ${d.meta.id}: ${droppedLine(d)}\n`);
  }
  const summary = summarise(sigma.rules, sigma.dropped);
  const checked = pack.detector.rules.length + pack.errors.length;
  const pipelines = summary.changed + summary.dropped > 0 ? `; pipelines changed ${summary.changed} rules, added ${summary.variants} variants, did not add ${summary.dropped}${values.changes ? '' : ' (--changes lists them)'}` : '';
  process.stderr.write(`${files.length} files, ${pack.detector.rules.length} rules ok, ${pack.errors.length} errors (${checked} checked)${pipelines}\n`);
  return pack.errors.length > 0 ? 1 : 0;
}

function explain(args: string[]): number {
  const { values, positionals } = parseCommandArgs('rules explain', args, { rules: { type: 'string', multiple: true }, ...PIPELINE_ARGS });
  const options = optionsOf('rules explain', values);
  if (!options) return 2;
  if (positionals.length !== 1) {
    process.stderr.write(`rules explain: name one rule id\n${USAGE}\n`);
    return 2;
  }
  const id = positionals[0]!;
  const extra = readDirs(values.rules ?? []);
  if (!extra) return 2;
  const files = [...bundledRuleFiles(), ...extra].filter((f) => /\.ya?ml$/i.test(f.path));
  const sigma = parseSigmaFiles(files, parseOptionsOf(options));
  const versions = sigma.rules.filter((r) => r.meta.id === id);
  const dropped = sigma.dropped.filter((d) => d.meta.id === id);
  const errors = sigma.errors.filter((e) => e.ruleId === id);
  if (versions.length === 0) {
    for (const error of errors) process.stdout.write(`${formatRuleError(error)}\n`);
    process.stderr.write(errors.length > 0 ? `rules explain: ${id} does not load\n` : `rules explain: no Sigma rule with id ${id}\n`);
    return 1;
  }
  const meta = versions[0]!.meta;
  const out: string[] = [`${meta.id}  ${meta.title}  (${meta.level}, ${meta.source}${meta.author ? `, by ${meta.author}` : ''})`];
  for (const rule of versions) {
    const ls = Object.entries(rule.logsource).map(([k, v]) => `${k}: ${v}`).join(', ');
    const route = rule.route.foreign
      ? 'never a Windows event (another product)'
      : `channels ${rule.route.channels ? rule.route.channels.join(', ') : 'any'}; EventIDs ${eventIdsOf(rule)}`;
    out.push('', rule.variant ? `variant ${rule.variant}:` : 'rule:', `  logsource: ${ls}`, `  route: ${route}`, '  detection:', ...showExpr(rule.expr, '    '));
    const changes = versionLines(rule);
    if (changes.length > 0) out.push('  changed by pipelines:', ...changes.map((c) => `    ${c.replace(/^(rule|variant [^:]*): /, '')}`));
  }
  for (const d of dropped) out.push('', droppedLine(d));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

/** `file: rule id: item: reason`, with `-` for what is unknown, on one line. */
export function formatRuleError(error: RuleError): string {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');
  return `${error.file}: ${error.ruleId ?? '-'}: ${error.item ?? '-'}: ${oneLine(error.reason)}`;
}

/** The EventIDs a version runs on: its logsource's, narrowed by an EventID the detection requires. */
function eventIdsOf(rule: ParsedRule): string {
  const required = requiredEventIds(simplify(rule.expr));
  const route = rule.route.eventIds;
  const ids = route && required ? route.filter((id) => required.includes(id)) : (route ?? required);
  return ids ? ids.join(', ') : 'any';
}
