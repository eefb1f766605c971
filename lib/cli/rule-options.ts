/**
 * Where the rules come from, for every command that loads them (scan, rules list, backfill): the
 * bundled pack plus `--rules DIR|FILE`. Options that change how rules load (pipelines, configs)
 * belong here too, so each is declared once and every such command has it.
 */
import { statSync } from 'node:fs';
import { bundledRuleFiles } from '../rules/bundled.ts';
import { readRuleDir } from '../rules/read-rule-dir.ts';
import type { RuleError, RuleFile, RuleReplaced } from '../rules/rule.ts';
import { loadRulePackContent, type RulePack } from '../rules/rule-pack.ts';
import type { PackContent } from '../rules/pack-content.ts';
import { FIRST_CONFIG_LAYER, loadConfiguredPack } from '../rules/build-pack.ts';
import { PackConfigError } from '../rules/pack-config.ts';
import { RulePackError } from '../rules/compiled-pack.ts';
import { PipelineError } from '../sigma/index.ts';
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
  config: {
    type: 'string',
    value: 'FILE',
    help: 'the rules a pack configuration selects (lib/rules/pack-config.ts), as the function\nruns them; a rule directory stands for `rules: [DIR]`. Goes alone: its rules\nand pipelines are in the configuration',
  },
  ...PIPELINE_OPTIONS,
} as const satisfies OptionSpecs;

/**
 * Rule files under each path; a path that cannot be read is a usage error naming `--option`.
 * Each path is a layer of its own after the bundled ones (lib/rules/build-pack.ts): its copy of
 * a rule id replaces the bundled one, once, with an info line.
 */
export function readRulePaths(paths: readonly string[], option = '--rules', firstLayer = FIRST_CONFIG_LAYER): RuleFile[] {
  // `--rules DIR` names the option; a positional (rules lint DIR) names the command.
  return paths.flatMap((path, i) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    const named = option === '' ? display(path) : `${option} ${display(path)}`;
    if (!stat) throw new UsageError(`${named}: no such file or directory`);
    try {
      return readRuleDir(path).map((f) => ({ ...f, layer: firstLayer + i }));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new UsageError(`${named}: cannot read ${display(e.path ?? path)}: ${e.code ?? e.message}`);
    }
  });
}

/**
 * The bundled pack plus every `--rules` path, through the pipelines the options ask for; or the
 * pack `--config FILE` describes. A bad configuration, pack or pipeline file is a usage error
 * naming the file. Replaced rule ids are said once on stderr.
 */
export function loadRules(values: OptionValues<typeof RULE_OPTIONS>, options: { eager?: boolean } = {}): RulePack {
  return loadRulesWithContent(values, options).pack;
}

/**
 * `loadRules`, with the pack content it was compiled from: `scan --threads` writes it as a
 * compiled pack (lib/rules/compiled-pack.ts) for its workers, which then parse no YAML.
 */
export function loadRulesWithContent(values: OptionValues<typeof RULE_OPTIONS>, options: { eager?: boolean } = {}): { pack: RulePack; content: PackContent } {
  try {
    let loaded: { pack: RulePack; content: PackContent };
    if (values.config !== undefined) {
      if (values.rules || values.pipeline || values['no-builtin-pipelines']) {
        throw new UsageError('--config goes alone (its rules and pipelines are in the configuration)');
      }
      const { built, pack } = loadConfiguredPack(values.config, options);
      loaded = { pack, content: built.content };
    } else {
      loaded = loadRulePackContent([...bundledRuleFiles(), ...readRulePaths(values.rules ?? [])], { ...pipelineOptions(values), ...options });
    }
    for (const r of loaded.pack.replaced) process.stderr.write(`winsift: ${replacedLine(r)}\n`);
    return loaded;
  } catch (error) {
    throw asUsageError(error);
  }
}

/** The info line for a rule id a later layer's copy took over, for stderr. */
export function replacedLine(r: RuleReplaced): string {
  return `rule ${display(r.id, 100)}: ${display(r.kept, 300)} replaces ${display(r.dropped, 300)}`;
}

/** The errors of reading configurations, packs and pipelines name their file: usage errors. */
export function asUsageError(error: unknown): unknown {
  if (error instanceof PackConfigError || error instanceof RulePackError || error instanceof PipelineError) return new UsageError(error.message);
  return error;
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
