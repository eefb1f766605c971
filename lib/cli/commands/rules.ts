/**
 * `winsift rules <sub-command>`: what the rules are and whether they load. Each sub-command is
 * one entry in RULES_COMMANDS and one `defineCommand` below. All load rules through RULE_OPTIONS
 * (--rules, --pipeline NAME|FILE, --no-builtin-pipelines).
 */
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { loadRulePack } from '../../rules/rule-pack.ts';
import { displayValue } from '../../alerts/sanitise.ts';
import { defineCommand, defineGroup, type SubCommand, UsageError } from '../command.ts';
import { EXIT } from '../exit-status.ts';
import { describeRuleErrors, formatRuleError, loadRules, readRulePaths, RULE_OPTIONS } from '../rule-options.ts';
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
    process.stderr.write(`${count} rules loaded${pack.errors.length > 0 ? `, ${pack.errors.length} not loaded:` : ''}\n`);
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
line: file, rule id, item, reason. A rule whose id is already taken (often a copy of a bundled
rule) is reported as a duplicate. Without DIR, checks the bundled pack. What the processing
pipelines changed is counted; --changes lists it per rule.`,
  options: {
    ...RULE_OPTIONS,
    changes: { type: 'boolean', help: 'also list what the pipelines changed per rule and the variants they did not add' },
  },
  epilogue: 'exit status: 0 when every rule loads, 2 when any does not, 1 on usage errors (a DIR that does not exist).',
  action({ values, positionals }) {
    const options = pipelineOptions(values);
    const extra = [...readRulePaths(positionals, ''), ...readRulePaths(values.rules ?? [])];
    const bundled = bundledRuleFiles();
    const pack = loadRulePack([...bundled, ...extra], options);
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
    const options = pipelineOptions(values);
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

/** The sub-commands of `winsift rules`: adding one is one line here. */
export const RULES_COMMANDS: Record<string, SubCommand> = {
  list: { summary: list.summary, load: async () => list },
  lint: { summary: lint.summary, load: async () => lint },
  explain: { summary: explain.summary, load: async () => explain },
};

export const rules = defineGroup({ name: 'rules', summary: 'list and lint the rules', commands: RULES_COMMANDS });

export const run = rules.run;
