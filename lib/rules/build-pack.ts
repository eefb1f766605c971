/**
 * A pack configuration to pack content: read every rule source in order (the bundled rules,
 * then each `rules:` entry), parse with the configured placeholders and pipelines, then apply
 * `levels` and `select`. What `winsift scan --config`, `winsift rules pack` and the CDK app's
 * `-c rulePack` all call, so the three run the same rules.
 *
 * Repeated rule ids: each source is a layer (bundled seed 0, other files in rules/ 1, the
 * config's `rules:` entries 2, 3, ... in order). A later layer's copy of an id replaces the
 * earlier one, once, reported in `replaced` (an info line, never an error); two copies within
 * one layer are an error, as before.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { bundledRuleFiles } from './bundled.ts';
import { readPackConfig, type PackConfig } from './pack-config.ts';
import type { PackContent } from './pack-content.ts';
import { pipelineOptions } from './pack-pipelines.ts';
import { readRuleDir } from './read-rule-dir.ts';
import { packVersion, sha256 } from './compiled-pack.ts';
import { loadPackContent, readRuleFiles, type RulePack } from './rule-pack.ts';
import type { RuleFile } from './rule.ts';
import { selectRules, type SelectionOutcome } from './rule-selection.ts';
import { resolveSuppression, type SuppressionOutcome } from './pack-suppression.ts';

/** The first layer a configuration's own rule sources get. */
export const FIRST_CONFIG_LAYER = 2;

export interface BuiltPack {
  readonly config: PackConfig;
  readonly files: number;
  /** `name@hash` of what was read (rule files, layers, configuration). */
  readonly version: string;
  readonly content: PackContent;
  readonly selection: SelectionOutcome;
  /** The `suppress:` section resolved over the selected rules (also in `content.suppress`). */
  readonly suppression: SuppressionOutcome;
}

export function buildPack(configOrPath: PackConfig | string): BuiltPack {
  const config = typeof configOrPath === 'string' ? readPackConfig(configOrPath) : configOrPath;
  const files = packRuleFiles(config);
  const content = readRuleFiles(files, { placeholders: config.placeholders, ...pipelineOptions(config) });
  const selection = selectRules(content, config);
  // After selection and level overrides: an entry's levels are the levels the pack runs.
  const suppression = resolveSuppression(selection.content, config);
  const hash = sha256(JSON.stringify(recordedConfig(config)) + files.map((f) => `\u0000${f.path}\u0000${f.layer ?? 0}\u0000${f.text}`).join(''));
  return {
    config,
    files: files.length,
    version: packVersion(config.name, hash),
    content: suppression.suppression ? { ...selection.content, suppress: suppression.suppression } : selection.content,
    selection,
    suppression,
  };
}

/** A configuration (or rule directory) straight to a loaded pack, as `winsift scan --config` runs it. */
export function loadConfiguredPack(path: string, options: { eager?: boolean } = {}): { built: BuiltPack; pack: RulePack } {
  const built = buildPack(path);
  return { built, pack: loadPackContent(built.content, built.version, options) };
}

export function packRuleFiles(config: PackConfig): RuleFile[] {
  return [
    ...(config.bundled ? bundledRuleFiles() : []),
    // Paths relative to the configuration: they name the rule in alerts, not the build machine's disk.
    ...config.rules.flatMap((path, i) => readRuleDir(path).map((f) => ({ ...f, path: relativePath(config.baseDir, f.path), layer: FIRST_CONFIG_LAYER + i }))),
  ];
}

function relativePath(baseDir: string, path: string): string {
  const rel = relative(baseDir, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

/** The configuration as recorded in a pack: what was asked for, without this machine's absolute paths. */
export function recordedConfig(config: PackConfig): Record<string, unknown> {
  const { file: _file, baseDir, suppress, ...rest } = config;
  const rel = (p: string): string => (p.startsWith(baseDir) ? `.${p.slice(baseDir.length).split('\\').join('/')}` : p);
  return {
    ...rest,
    rules: config.rules.map(rel),
    pipelines: { ...config.pipelines, use: config.pipelines.use.map(rel) },
    // Left out when empty, so a configuration without the section records (and hashes) as before.
    ...(suppress.default === undefined && suppress.rules.length === 0 ? {} : { suppress }),
  };
}
