/**
 * `winsift rules <sub-command>`: what the rules are and whether they load. Each sub-command is
 * one entry in RULES_COMMANDS and one `defineCommand` below.
 */
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { loadRulePack } from '../../rules/rule-pack.ts';
import { displayValue } from '../../alerts/sanitise.ts';
import { defineCommand, defineGroup, type SubCommand, UsageError } from '../command.ts';
import { EXIT } from '../exit-status.ts';
import { describeRuleErrors, formatRuleError, loadRules, readRulePaths, RULE_OPTIONS } from '../rule-options.ts';

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
  usage: '[DIR|FILE]... [--rules DIR]...',
  description: `Loads the bundled pack together with the rule files under each DIR, exactly as
'winsift scan --rules DIR' would, and prints every rule that does not load on stdout, one per
line: file, rule id, item, reason. A rule whose id is already taken (often a copy of a bundled
rule) is reported as a duplicate. Without DIR, checks the bundled pack.`,
  options: { ...RULE_OPTIONS },
  epilogue: 'exit status: 0 when every rule loads, 2 when any does not, 1 on usage errors (a DIR that does not exist).',
  action({ values, positionals }) {
    const extra = [...readRulePaths(positionals, ''), ...readRulePaths(values.rules ?? [])];
    const bundled = bundledRuleFiles();
    const pack = loadRulePack([...bundled, ...extra]);
    for (const error of pack.errors) process.stdout.write(`${formatRuleError(error)}\n`);
    const checked = pack.detector.rules.length + pack.errors.length;
    process.stderr.write(
      `${bundled.length + extra.length} files (${bundled.length} bundled), ${pack.detector.rules.length} rules ok, ` +
        `${pack.errors.length} errors (${checked} checked)\n`,
    );
    return pack.errors.length > 0 ? EXIT.badInput : EXIT.ok;
  },
});

/** The sub-commands of `winsift rules`: adding one is one line here. */
export const RULES_COMMANDS: Record<string, SubCommand> = {
  list: { summary: list.summary, load: async () => list },
  lint: { summary: lint.summary, load: async () => lint },
};

export const rules = defineGroup({ name: 'rules', summary: 'list and lint the rules', commands: RULES_COMMANDS });

export const run = rules.run;
