/**
 * `winsift rules list [--rules DIR]...`: the rules that load (bundled plus any directories), one
 * per line. `winsift rules lint [DIR]...`: every rule error, one per line (file, rule id, item,
 * reason); exit 1 if there is any. Without DIR, lint checks the bundled pack; `--changes` also
 * lists what the processing pipelines changed per rule and the variants they did not add.
 * `winsift rules explain ID`: the rule after the pipelines, each version's logsource, route and
 * detection. All take --pipeline NAME|FILE and --no-builtin-pipelines; list and lint take
 * --config FILE instead (a pack configuration, lib/rules/pack-config.ts, with its own pipelines).
 * `winsift rules pack [--config FILE|DIR] -o pack.json [--skip-broken]`: compiles and lints a pack
 * and writes it precompiled (lib/rules/compiled-pack.ts); a broken rule stops it unless
 * --skip-broken, which leaves the rule out and records it in the pack.
 * `winsift rules publish pack.json s3://bucket/key`: checks the pack and uploads it, for a
 * function with RULES_S3_URI to pick up at its next refresh.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildPack, FIRST_CONFIG_LAYER, loadConfiguredPack, recordedConfig } from '../../rules/build-pack.ts';
import { readCompiledPack, RulePackError, writeCompiledPack } from '../../rules/compiled-pack.ts';
import { defaultPackConfig, PackConfigError } from '../../rules/pack-config.ts';
import { parseS3Uri } from '../../rules/s3-pack-source.ts';
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { readRuleDir } from '../../rules/read-rule-dir.ts';
import type { RuleError, RuleFile } from '../../rules/rule.ts';
import { loadPackContent, loadRulePack, type RulePack } from '../../rules/rule-pack.ts';
import { parseSigmaFiles } from '../../sigma/load.ts';
import { parseOptionsOf, PipelineError, type SigmaOptions } from '../../sigma/index.ts';
import { droppedLine, summarise, versionLines } from '../../sigma/pipelines/tracking.ts';
import { showExpr } from '../../sigma/show-expr.ts';
import { simplify } from '../../sigma/compile.ts';
import { requiredEventIds } from '../../sigma/route.ts';
import type { ParsedRule } from '../../sigma/sigma-rule.ts';
import { parseCommandArgs } from '../args.ts';
import { PIPELINE_ARGS, PIPELINE_HELP, pipelineOptions } from '../pipeline-options.ts';

const USAGE = `usage: winsift rules list [--rules DIR]... [--config FILE]
       winsift rules lint [--changes] [DIR]... [--config FILE]
       winsift rules explain ID [--rules DIR]...
       winsift rules pack [--config FILE|DIR] -o pack.json [--skip-broken]
       winsift rules publish pack.json s3://bucket/key
${PIPELINE_HELP}`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'list':
        return list(rest);
      case 'lint':
        return lint(rest);
      case 'explain':
        return explain(rest);
      case 'pack':
        return pack(rest);
      case 'publish':
        return await publish(rest);
      default:
        process.stderr.write(`${sub === undefined ? 'rules: missing sub-command' : `rules: unknown sub-command '${sub}'`}\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof PackConfigError || error instanceof RulePackError) {
      process.stderr.write(`rules ${sub}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function readDirs(dirs: readonly string[]): RuleFile[] | undefined {
  try {
    // Each directory is a layer of its own, after the bundled ones: its copy of an id wins.
    return dirs.flatMap((dir, i) => readRuleDir(dir).map((f) => ({ ...f, layer: FIRST_CONFIG_LAYER + i })));
  } catch (error) {
    process.stderr.write(`rules: cannot read ${(error as NodeJS.ErrnoException).path ?? dirs.join(', ')}: ${(error as Error).message}\n`);
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
  const { values, positionals } = parseCommandArgs('rules list', args, { rules: { type: 'string', multiple: true }, config: { type: 'string' }, ...PIPELINE_ARGS });
  const options = optionsOf('rules list', values);
  if (!options) return 2;
  if (positionals.length > 0) {
    process.stderr.write(`rules list: unexpected argument '${positionals[0]}' (use --rules DIR)\n${USAGE}\n`);
    return 2;
  }
  let pack: RulePack;
  if (values.config !== undefined) {
    if (values.rules || values.pipeline || values['no-builtin-pipelines']) {
      process.stderr.write('rules list: --config goes alone (its rules and pipelines are in the configuration)\n');
      return 2;
    }
    pack = loadConfiguredPack(values.config).pack;
  } else {
    const extra = readDirs(values.rules ?? []);
    if (!extra) return 2;
    pack = loadRulePack([...bundledRuleFiles(), ...extra], options);
  }
  for (const r of pack.replaced) process.stderr.write(`rule ${r.id}: ${r.kept} replaces ${r.dropped}\n`);
  // Correlations match across the events of a scan: their type says how.
  const correlationType = new Map(pack.correlations.map((c) => [c.meta, c.type]));
  for (const rule of pack.detector.rules) {
    const type = correlationType.get(rule);
    const language = type ? `sigma-correlation:${type}` : rule.language;
    process.stdout.write(`${rule.id}\t${language}\t${rule.level}\t${rule.title}\t${rule.source}\n`);
  }
  const count = pack.detector.rules.length;
  process.stdout.write(`${count} rules loaded (pack ${pack.version})${pack.errors.length > 0 ? `, ${pack.errors.length} not loaded (see winsift rules lint)` : ''}\n`);
  return 0;
}

function lint(args: string[]): number {
  const { values, positionals } = parseCommandArgs('rules lint', args, { changes: { type: 'boolean' }, config: { type: 'string' }, ...PIPELINE_ARGS });
  if (values.config !== undefined) return lintConfig(values.config, positionals);
  const options = optionsOf('rules lint', values);
  if (!options) return 2;
  const files = positionals.length === 0 ? bundledRuleFiles() : readDirs(positionals);
  if (!files) return 2;
  const pack = loadRulePack(files, { ...options, eager: true });
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

/** `rules lint --config FILE`: the configuration's rules, as the function would load them. */
function lintConfig(config: string, positionals: readonly string[]): number {
  if (positionals.length > 0) {
    process.stderr.write(`rules lint: --config goes alone (list the directories in the configuration)\n`);
    return 2;
  }
  const { built, pack } = loadConfiguredPack(config, { eager: true });
  for (const error of pack.errors) process.stdout.write(`${formatRuleError(error)}\n`);
  const checked = pack.detector.rules.length + pack.errors.length;
  process.stderr.write(`${built.files} files, ${pack.detector.rules.length} rules ok, ${pack.errors.length} errors (${checked} checked)\n`);
  return pack.errors.length > 0 ? 1 : 0;
}

function pack(args: string[]): number {
  const { values, positionals } = parseCommandArgs('rules pack', args, {
    config: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'skip-broken': { type: 'boolean' },
  });
  if (positionals.length > 0 || values.output === undefined) {
    process.stderr.write(`rules pack: ${values.output === undefined ? 'name the output file with -o' : `unexpected argument '${positionals[0]}'`}\n${USAGE}\n`);
    return 2;
  }
  // Without --config: the bundled rules alone, as a pack.
  const built = buildPack(values.config ?? defaultPackConfig([], process.cwd(), 'bundled'));
  // Compiled whole now, so a rule that breaks the compiler fails here, not in the function.
  const check = loadPackContent(built.content, built.version, { eager: true });
  const broken = check.errors;
  for (const error of broken) process.stderr.write(`${formatRuleError(error)}\n`);
  if (broken.length > 0 && !values['skip-broken']) {
    process.stderr.write(`rules pack: ${broken.length} broken rule(s), no pack written (fix them, or --skip-broken to leave them out)\n`);
    return 1;
  }
  const text = writeCompiledPack(built.content, { name: built.config.name, config: recordedConfig(built.config) });
  const written = readCompiledPack(text, values.output); // what the function will do on load
  writeFileSync(values.output, text);
  const { leftOut, levelsChanged, unknownLevelIds } = built.selection;
  for (const r of built.content.replaced) process.stderr.write(`rule ${r.id}: ${r.kept} replaces ${r.dropped}\n`);
  for (const id of unknownLevelIds) process.stderr.write(`rules pack: levels: ${id} names no rule\n`);
  const out = Object.entries(leftOut).filter(([, n]) => n > 0).map(([why, n]) => `${n} by ${why}`);
  process.stderr.write(
    `wrote ${values.output}: pack ${written.version}, ${check.detector.rules.length} rules from ${built.files} files` +
      `${out.length > 0 ? `, left out ${out.join(', ')}` : ''}${levelsChanged > 0 ? `, ${levelsChanged} level(s) overridden` : ''}` +
      `${broken.length > 0 ? `, ${broken.length} broken rule(s) skipped` : ''}, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB\n`,
  );
  return 0;
}

async function publish(args: string[]): Promise<number> {
  const { positionals } = parseCommandArgs('rules publish', args, {});
  const [file, uri] = positionals;
  if (file === undefined || uri === undefined || positionals.length > 2) {
    process.stderr.write(`rules publish: name the pack file and the s3:// destination\n${USAGE}\n`);
    return 2;
  }
  const { bucket, key } = parseS3Uri(uri, 'rules publish');
  const text = readFileSync(file, 'utf8');
  // Refused here rather than by every function that would read it.
  const compiled = readCompiledPack(text, file);
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({});
  try {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: text,
        ContentType: 'application/json',
        Metadata: { 'winsift-pack-version': compiled.version, 'winsift-pack-format': String(compiled.header.formatVersion) },
      }),
    );
    process.stderr.write(`published pack ${compiled.version} to ${uri} (ETag ${put.ETag ?? 'unknown'})\n`);
    return 0;
  } finally {
    s3.destroy();
  }
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
