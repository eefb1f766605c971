/**
 * `winsift rules list [--rules DIR]... [--config FILE]`: the rules that load (bundled plus any
 * directories, or what a pack configuration selects), one per line.
 * `winsift rules lint [DIR]... [--config FILE]`: every rule error, one per line (file, rule id,
 * item, reason); exit 1 if there is any. Without DIR or --config, lint checks the bundled pack.
 * `winsift rules pack [--config FILE|DIR] -o pack.json [--skip-broken]`: compiles and lints a pack
 * and writes it precompiled (lib/rules/compiled-pack.ts); a broken rule stops it unless
 * --skip-broken, which leaves the rule out and records it in the pack.
 * `winsift rules publish pack.json s3://bucket/key`: checks the pack and uploads it, for a
 * function with RULES_S3_URI to pick up at its next refresh.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { buildPack, FIRST_CONFIG_LAYER, loadConfiguredPack, recordedConfig } from '../../rules/build-pack.ts';
import { readCompiledPack, RulePackError, writeCompiledPack } from '../../rules/compiled-pack.ts';
import { defaultPackConfig, PackConfigError } from '../../rules/pack-config.ts';
import { readRuleDir } from '../../rules/read-rule-dir.ts';
import type { RuleError, RuleFile } from '../../rules/rule.ts';
import { loadPackContent, loadRulePack, type RulePack } from '../../rules/rule-pack.ts';
import { parseS3Uri } from '../../rules/s3-pack-source.ts';
import { parseCommandArgs } from '../args.ts';

const USAGE = `usage: winsift rules list [--rules DIR]... [--config FILE]
       winsift rules lint [DIR]... [--config FILE]
       winsift rules pack [--config FILE|DIR] -o pack.json [--skip-broken]
       winsift rules publish pack.json s3://bucket/key`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'list':
        return list(rest);
      case 'lint':
        return lint(rest);
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

function list(args: string[]): number {
  const { values, positionals } = parseCommandArgs('rules list', args, { rules: { type: 'string', multiple: true }, config: { type: 'string' } });
  if (positionals.length > 0) {
    process.stderr.write(`rules list: unexpected argument '${positionals[0]}' (use --rules DIR)\n${USAGE}\n`);
    return 2;
  }
  let loaded: RulePack;
  if (values.config !== undefined) {
    if (values.rules) {
      process.stderr.write('rules list: --config and --rules do not go together (list the directories in the configuration)\n');
      return 2;
    }
    loaded = loadConfiguredPack(values.config).pack;
  } else {
    const extra = readDirs(values.rules ?? []);
    if (!extra) return 2;
    loaded = loadRulePack([...bundledRuleFiles(), ...extra]);
  }
  // Correlations match across the events of a scan: their type says how.
  const correlationType = new Map(loaded.correlations.map((c) => [c.meta, c.type]));
  for (const rule of loaded.detector.rules) {
    const type = correlationType.get(rule);
    const language = type ? `sigma-correlation:${type}` : rule.language;
    process.stdout.write(`${rule.id}\t${language}\t${rule.level}\t${rule.title}\t${rule.source}\n`);
  }
  const count = loaded.detector.rules.length;
  for (const r of loaded.replaced) process.stderr.write(`rule ${r.id}: ${r.kept} replaces ${r.dropped}\n`);
  process.stdout.write(`${count} rules loaded (pack ${loaded.version})${loaded.errors.length > 0 ? `, ${loaded.errors.length} not loaded (see winsift rules lint)` : ''}\n`);
  return 0;
}

function lint(args: string[]): number {
  const { values, positionals } = parseCommandArgs('rules lint', args, { config: { type: 'string' } });
  let loaded: RulePack;
  let files: number;
  if (values.config !== undefined) {
    const { built, pack: configured } = loadConfiguredPack(values.config, { eager: true });
    loaded = configured;
    files = built.files;
  } else {
    const read = positionals.length === 0 ? bundledRuleFiles() : readDirs(positionals);
    if (!read) return 2;
    loaded = loadRulePack(read, { eager: true });
    files = read.length;
  }
  for (const error of loaded.errors) process.stdout.write(`${formatRuleError(error)}\n`);
  const checked = loaded.detector.rules.length + loaded.errors.length;
  process.stderr.write(`${files} files, ${loaded.detector.rules.length} rules ok, ${loaded.errors.length} errors (${checked} checked)\n`);
  return loaded.errors.length > 0 ? 1 : 0;
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
