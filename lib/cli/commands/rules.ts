/**
 * `winsift rules <sub-command>`: what the rules are and whether they load. Each sub-command is
 * one entry in RULES_COMMANDS and one `defineCommand` below. All load rules through RULE_OPTIONS
 * (--rules, --config, --pipeline NAME|FILE, --no-builtin-pipelines). `rules pack` writes a
 * precompiled pack (lib/rules/compiled-pack.ts) and `rules publish` uploads one for a function
 * with RULES_S3_URI to pick up at its next refresh.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { buildPack, FIRST_CONFIG_LAYER, recordedConfig } from '../../rules/build-pack.ts';
import { readCompiledPack, RulePackError, writeCompiledPack } from '../../rules/compiled-pack.ts';
import { defaultPackConfig } from '../../rules/pack-config.ts';
import { loadPackContent, loadRulePack } from '../../rules/rule-pack.ts';
import { parseS3Uri } from '../../rules/s3-pack-source.ts';
import { displayValue, sanitiseDiagnostic } from '../../alerts/sanitise.ts';
import { defineCommand, defineGroup, type SubCommand, UsageError } from '../command.ts';
import { EXIT } from '../exit-status.ts';
import { asUsageError, describeRuleErrors, formatRuleError, loadRules, readRulePaths, replacedLine, RULE_OPTIONS } from '../rule-options.ts';
import { pipelineOptions } from '../pipeline-options.ts';
import { parseSigmaFiles } from '../../sigma/load.ts';
import { parseOptionsOf } from '../../sigma/index.ts';
import { droppedLine, summarise, versionLines } from '../../sigma/pipelines/tracking.ts';
import { showExpr } from '../../sigma/show-expr.ts';
import { simplify } from '../../sigma/compile.ts';
import { requiredEventIds } from '../../sigma/route.ts';
import type { ParsedRule } from '../../sigma/sigma-rule.ts';

export { formatRuleError } from '../rule-options.ts';

export const list = defineCommand({
  name: 'rules list',
  summary: 'the rules a scan loads (bundled plus --rules), one per line',
  usage: '[--rules DIR]...',
  description: `Prints one line per loaded rule: id, language (sigma, sigma-correlation:TYPE, eql), level,
title, where it was loaded from (tab-separated). Rules that did not load are named on stderr
with the reason.`,
  options: { ...RULE_OPTIONS },
  epilogue: 'exit status: 0 (also when some rules did not load: rules lint checks them), 1 on usage errors.',
  action({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' (use --rules DIR)`);
    const pack = loadRules(values);
    // Correlations match across the events of a scan: their type says how.
    const correlationType = new Map(pack.correlations.map((c) => [c.meta, c.type]));
    for (const rule of pack.detector.rules) {
      const type = correlationType.get(rule);
      const language = type ? `sigma-correlation:${type}` : rule.language;
      process.stdout.write(`${[rule.id, language, rule.level, rule.title, rule.source].map((v) => displayValue(v, 300)).join('\t')}\n`);
    }
    const count = pack.detector.rules.length;
    process.stderr.write(`${count} rules loaded (pack ${displayValue(pack.version, 200)})${pack.errors.length > 0 ? `, ${pack.errors.length} not loaded:` : ''}\n`);
    if (pack.errors.length > 0) process.stderr.write(`${describeRuleErrors(pack.errors).join('\n')}\n`);
    return EXIT.ok;
  },
});

export const lint = defineCommand({
  name: 'rules lint',
  summary: 'every rule that does not load, and why (bundled pack plus DIRs, as scan loads them)',
  usage: '[--changes] [DIR|FILE]... [--rules DIR]...',
  description: `Loads the bundled pack together with the rule files under each DIR, exactly as
'winsift scan --rules DIR' would, and prints every rule that does not load on stdout, one per
line: file, rule id, item, reason. A DIR's copy of a bundled rule's id replaces it (said on
stderr); two copies within one DIR are an error. Without DIR, checks the bundled pack; with
--config, the rules the configuration selects. What the processing
pipelines changed is counted; --changes lists it per rule.`,
  options: {
    ...RULE_OPTIONS,
    changes: { type: 'boolean', help: 'also list what the pipelines changed per rule and the variants they did not add' },
  },
  epilogue: 'exit status: 0 when every rule loads, 2 when any does not, 1 on usage errors (a DIR that does not exist).',
  action({ values, positionals }) {
    if (values.config !== undefined) {
      if (positionals.length > 0) throw new UsageError('--config goes alone (list the rule directories in the configuration)');
      // The configuration's rules, as the function would load them, every channel compiled now.
      const pack = loadRules(values, { eager: true });
      for (const error of pack.errors) process.stdout.write(`${formatRuleError(error)}\n`);
      process.stderr.write(`pack ${displayValue(pack.version, 200)}: ${pack.detector.rules.length} rules ok, ${pack.errors.length} errors\n`);
      return pack.errors.length > 0 ? EXIT.badInput : EXIT.ok;
    }
    const options = sigmaOptionsOf(values);
    // Each path its own layer, the --rules ones after the positional ones.
    const extra = [...readRulePaths(positionals, ''), ...readRulePaths(values.rules ?? [], '--rules', FIRST_CONFIG_LAYER + positionals.length)];
    const bundled = bundledRuleFiles();
    // Every channel compiled now: lint wants every error, not those of the channels seen.
    const pack = loadRulePack([...bundled, ...extra], { ...options, eager: true });
    for (const r of pack.replaced) process.stderr.write(`${replacedLine(r)}\n`);
    for (const error of pack.errors) process.stdout.write(`${formatRuleError(error)}\n`);
    // What the pipelines did is information, not an error: counted, listed with --changes. For the
    // files named (the bundled pack when none is).
    const linted = extra.length > 0 ? extra : bundled;
    const sigma = parseSigmaFiles(linted.filter((f) => /\.ya?ml$/i.test(f.path)), parseOptionsOf(options));
    if (values.changes) {
      for (const rule of sigma.rules) for (const line of versionLines(rule)) process.stdout.write(`${rule.meta.source}: ${rule.meta.id}: ${line}\n`);
      for (const d of sigma.dropped) process.stdout.write(`${d.meta.source}: ${d.meta.id}: ${droppedLine(d)}\n`);
    }
    const summary = summarise(sigma.rules, sigma.dropped);
    const pipelines =
      summary.changed + summary.dropped > 0
        ? `; pipelines changed ${summary.changed} rules, added ${summary.variants} variants, did not add ${summary.dropped}${values.changes ? '' : ' (--changes lists them)'}`
        : '';
    const checked = pack.detector.rules.length + pack.errors.length;
    process.stderr.write(
      `${bundled.length + extra.length} files (${bundled.length} bundled), ${pack.detector.rules.length} rules ok, ` +
        `${pack.errors.length} errors (${checked} checked)${pipelines}\n`,
    );
    return pack.errors.length > 0 ? EXIT.badInput : EXIT.ok;
  },
});

export const explain = defineCommand({
  name: 'rules explain',
  summary: 'one Sigma rule after the pipelines: each version\'s logsource, route and detection',
  usage: 'ID [--rules DIR]...',
  description: `Shows the Sigma rule with this id (bundled or under --rules) as winsift runs it: after the
processing pipelines, each version's logsource, the channels and EventIDs it is routed to, its
detection, and what the pipelines changed or did not add.`,
  options: { ...RULE_OPTIONS },
  epilogue: 'exit status: 0 when the rule loads, 2 when it does not or no rule has the id, 1 on usage errors.',
  action({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('name one rule id');
    if (values.config !== undefined) throw new UsageError('rules explain takes --rules and --pipeline, not --config');
    const options = sigmaOptionsOf(values);
    const id = positionals[0]!;
    const files = [...bundledRuleFiles(), ...readRulePaths(values.rules ?? [])].filter((f) => /\.ya?ml$/i.test(f.path));
    const sigma = parseSigmaFiles(files, parseOptionsOf(options));
    const versions = sigma.rules.filter((r) => r.meta.id === id);
    const dropped = sigma.dropped.filter((d) => d.meta.id === id);
    const errors = sigma.errors.filter((e) => e.ruleId === id);
    if (versions.length === 0) {
      for (const error of errors) process.stdout.write(`${formatRuleError(error)}\n`);
      process.stderr.write(
        errors.length > 0 ? `winsift rules explain: ${displayValue(id, 100)} does not load\n` : `winsift rules explain: no Sigma rule with id ${displayValue(id, 100)}\n`,
      );
      return EXIT.badInput;
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
    return EXIT.ok;
  },
});

/** The EventIDs a version runs on: its logsource's, narrowed by an EventID the detection requires. */
function eventIdsOf(rule: ParsedRule): string {
  const required = requiredEventIds(simplify(rule.expr));
  const route = rule.route.eventIds;
  const ids = route && required ? route.filter((id) => required.includes(id)) : (route ?? required);
  return ids ? ids.join(', ') : 'any';
}

/** The Sigma options of the pipeline flags; a pipeline file that cannot be used is a usage error. */
function sigmaOptionsOf(values: Parameters<typeof pipelineOptions>[0]): ReturnType<typeof pipelineOptions> {
  try {
    return pipelineOptions(values);
  } catch (error) {
    throw asUsageError(error);
  }
}

export const pack = defineCommand({
  name: 'rules pack',
  summary: 'compile, lint and write a versioned rule pack for the function',
  usage: '[--config FILE|DIR] -o pack.json [--skip-broken]',
  description: `Reads the rules a pack configuration selects (without --config: the bundled rules alone),
runs them through its pipelines, compiles every rule, and writes the result precompiled
(lib/rules/compiled-pack.ts): rules after pipelines, the configuration, a content hash and the
pack-format version. A broken rule stops it, every one listed, unless --skip-broken leaves
them out (and records them in the pack).`,
  options: {
    config: { type: 'string', value: 'FILE|DIR', help: 'the pack configuration (a rule directory stands for `rules: [DIR]`)' },
    output: { type: 'string', short: 'o', value: 'FILE', help: 'where to write the pack (required)' },
    'skip-broken': { type: 'boolean', help: 'leave broken rules out instead of writing no pack' },
  },
  epilogue: 'exit status: 0 when the pack was written, 2 when a rule is broken (no pack written), 1 on usage errors.',
  action({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${displayValue(positionals[0]!, 200)}'`);
    if (values.output === undefined) throw new UsageError('name the output file with -o');
    try {
      const built = buildPack(values.config ?? defaultPackConfig([], process.cwd(), 'bundled'));
      // Compiled whole now, so a rule that breaks the compiler fails here, not in the function.
      const check = loadPackContent(built.content, built.version, { eager: true });
      const broken = check.errors;
      for (const error of broken) process.stderr.write(`${formatRuleError(error)}\n`);
      if (broken.length > 0 && !values['skip-broken']) {
        process.stderr.write(`winsift rules pack: ${broken.length} broken rule(s), no pack written (fix them, or --skip-broken to leave them out)\n`);
        return EXIT.badInput;
      }
      const text = writeCompiledPack(built.content, { name: built.config.name, config: recordedConfig(built.config) });
      const written = readCompiledPack(text, values.output); // what the function will do on load
      writeFileSync(values.output, text);
      const { leftOut, levelsChanged, unknownLevelIds } = built.selection;
      for (const r of built.content.replaced) process.stderr.write(`${replacedLine(r)}\n`);
      for (const id of unknownLevelIds) process.stderr.write(`winsift rules pack: levels: ${id} names no rule\n`);
      const { unmatchedEntries, unknownIds, suppression } = built.suppression;
      for (const { entry, id } of unknownIds) process.stderr.write(`winsift rules pack: suppress.rules[${entry}].match.ids: ${id} names no rule\n`);
      for (const entry of unmatchedEntries) process.stderr.write(`winsift rules pack: suppress.rules[${entry}] matches no rule\n`);
      const suppressed = suppression ? Object.keys(suppression.byRule).length : 0;
      const out = Object.entries(leftOut).filter(([, n]) => n > 0).map(([why, n]) => `${n} by ${why}`);
      process.stderr.write(
        `wrote ${values.output}: pack ${written.version}, ${check.detector.rules.length} rules from ${built.files} files` +
          `${out.length > 0 ? `, left out ${out.join(', ')}` : ''}${levelsChanged > 0 ? `, ${levelsChanged} level(s) overridden` : ''}` +
          `${suppressed > 0 ? `, suppression set for ${suppressed} rule(s)` : ''}${suppression?.default ? ', a default suppression window' : ''}` +
          `${broken.length > 0 ? `, ${broken.length} broken rule(s) skipped` : ''}, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB\n`,
      );
      return EXIT.ok;
    } catch (error) {
      throw asUsageError(error);
    }
  },
});

export const publish = defineCommand({
  name: 'rules publish',
  summary: 'check a pack and upload it to S3 for a deployed function',
  usage: 'pack.json s3://bucket/key',
  description: `Checks the pack as the function will (format, version, hash, every rule) and uploads it.
A function with RULES_S3_URI set to that object picks it up at its next refresh
(RULES_REFRESH_SECONDS). Credentials and region come from the usual AWS SDK settings.`,
  options: {},
  epilogue: 'exit status: 0 when uploaded, 2 for a pack that does not check (nothing uploaded), 1 on usage errors.',
  async action({ positionals }) {
    const [file, uri] = positionals;
    if (file === undefined || uri === undefined || positionals.length > 2) throw new UsageError('name the pack file and the s3:// destination');
    let compiled: ReturnType<typeof readCompiledPack>;
    let text: string;
    let target: ReturnType<typeof parseS3Uri>;
    try {
      target = parseS3Uri(uri, 'rules publish');
      text = readFileSync(file, 'utf8');
      // Refused here rather than by every function that would read it.
      compiled = readCompiledPack(text, file);
    } catch (error) {
      // A pack that does not check is bad input, like a log that does not read.
      if (!(error instanceof RulePackError)) throw asUsageError(error);
      process.stderr.write(`winsift rules publish: ${sanitiseDiagnostic(error.message)}\n`);
      return EXIT.badInput;
    }
    const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({});
    try {
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          Body: text,
          ContentType: 'application/json',
          Metadata: { 'winsift-pack-version': compiled.version, 'winsift-pack-format': String(compiled.header.formatVersion) },
        }),
      );
      process.stderr.write(`published pack ${compiled.version} to ${uri} (ETag ${put.ETag ?? 'unknown'})\n`);
      return EXIT.ok;
    } finally {
      s3.destroy();
    }
  },
});

/** The sub-commands of `winsift rules`: adding one is one line here. */
export const RULES_COMMANDS: Record<string, SubCommand> = {
  list: { summary: list.summary, load: async () => list },
  lint: { summary: lint.summary, load: async () => lint },
  explain: { summary: explain.summary, load: async () => explain },
  pack: { summary: pack.summary, load: async () => pack },
  publish: { summary: publish.summary, load: async () => publish },
};

export const rules = defineGroup({ name: 'rules', summary: 'list and lint the rules', commands: RULES_COMMANDS });

export const run = rules.run;
