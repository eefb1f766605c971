/**
 * Where the rules come from, for every command that loads them (scan, rules list, backfill): the
 * bundled pack plus `--rules DIR|FILE`. Options that change how rules load (pipelines, configs)
 * belong here too, so each is declared once and every such command has it.
 */
import { statSync } from 'node:fs';
import { bundledRuleFiles } from '../rules/bundled.ts';
import { readRuleDir } from '../rules/read-rule-dir.ts';
import type { RuleError, RuleFile } from '../rules/rule.ts';
import { loadRulePack, type RulePack } from '../rules/rule-pack.ts';
import { type OptionSpecs, type OptionValues, UsageError } from './command.ts';
import { displayValue as display } from '../alerts/sanitise.ts';
import { PIPELINE_OPTIONS, pipelineOptions } from './pipeline-options.ts';

export const RULE_OPTIONS = {
  rules: {
    type: 'string',
    multiple: true,
    value: 'DIR',
    help: 'add the rule files (.yml Sigma, .toml EQL) under DIR, or the file DIR; repeatable',
  },
  ...PIPELINE_OPTIONS,
} as const satisfies OptionSpecs;

/** Rule files under each path; a path that cannot be read is a usage error naming `--option`. */
export function readRulePaths(paths: readonly string[], option = '--rules'): RuleFile[] {
  // `--rules DIR` names the option; a positional (rules lint DIR) names the command.
  return paths.flatMap((path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    const named = option === '' ? display(path) : `${option} ${display(path)}`;
    if (!stat) throw new UsageError(`${named}: no such file or directory`);
    try {
      return readRuleDir(path);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new UsageError(`${named}: cannot read ${display(e.path ?? path)}: ${e.code ?? e.message}`);
    }
  });
}

/** The bundled pack plus every `--rules` path, through the pipelines the options ask for. */
export function loadRules(values: OptionValues<typeof RULE_OPTIONS>): RulePack {
  const options = pipelineOptions(values);
  return loadRulePack([...bundledRuleFiles(), ...readRulePaths(values.rules ?? [])], options);
}

/**
 * Why rules did not load, for stderr: one line each (at most `max`, then how many more), so a
 * "2 rule(s) could not be loaded" never leaves the reader guessing. Duplicate ids are the usual
 * cause when a rule directory holds a copy of a bundled rule.
 */
export function describeRuleErrors(errors: readonly RuleError[], max = 10): string[] {
  const lines = errors.slice(0, max).map((e) => `  ${formatRuleError(e)}`);
  if (errors.length > max) lines.push(`  ... and ${errors.length - max} more ('winsift rules lint' lists them all)`);
  return lines;
}

/** `file: rule id: item: reason`, with `-` for what is unknown, on one line. */
export function formatRuleError(error: RuleError): string {
  return display(`${error.file}: ${error.ruleId ?? '-'}: ${error.item ?? '-'}: ${error.reason}`, 400);
}
