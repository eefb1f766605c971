/**
 * A rule pack: Sigma and EQL rules loaded through one loader into one detector, so the scanner,
 * the alerts and the CLI never care which language a rule was written in.
 */
import type { WinEvent } from '../events/win-event.ts';
import { compileEqlRules, readEqlRules } from '../eql/index.ts';
import { correlationScanState, correlationsOf, parseOptionsOf, parseSigmaFiles, type CorrelationRule, type SigmaCorrelations, type SigmaOptions } from '../sigma/index.ts';
import { ChannelSigmaDetector } from '../sigma/channel-detector.ts';
import { unionNeedles, type Needle } from '../scan/prefilter.ts';
import { packVersion, sha256 } from './compiled-pack.ts';
import type { PackContent, PackSigmaRule } from './pack-content.ts';
import type { PackSuppression } from './pack-suppression.ts';
import { combineStates } from './scan-state.ts';
import type { Detector, Evidence, RuleError, RuleFile, RuleMeta, RuleReplaced, ScanState, SequenceRuleShape, StartScanOptions } from './rule.ts';

export interface RulePack {
  readonly detector: Detector;
  /** Rules that could not be loaded: reported by `winsift rules lint` and logged at cold start. */
  readonly errors: readonly RuleError[];
  /** The Sigma correlation rules among `detector.rules`, with their type and windows. */
  readonly correlations: readonly CorrelationRule[];
  /** The same correlations with the names they resolve by, for evaluation across objects (lib/state). */
  readonly sigmaCorrelations: SigmaCorrelations;
  /** The EQL sequence rules' shapes, for replaying their stage hits across objects (lib/state). */
  readonly sequences: readonly SequenceRuleShape[];
  /** `name@hash`: which pack this is; every rule's `meta.pack` says the same, so every alert does. */
  readonly version: string;
  /** Rules a later source's copy of the same id replaced (the user's copy wins): one info line at load. */
  readonly replaced: readonly RuleReplaced[];
  /**
   * The pack configuration's suppression (default and per-rule settings), when it has one;
   * lib/state/suppression-options.ts turns it into the cross-object state's options.
   */
  readonly suppress?: PackSuppression;
}

export interface LoadOptions extends SigmaOptions {
  /** Names the pack in `version` (default `local`). */
  readonly name?: string;
  /** Compile every channel's rules now instead of on first sight (lint wants every error now). */
  readonly eager?: boolean;
}

/** Rule files (Sigma YAML, Elastic TOML) straight to a pack. */
export function loadRulePack(files: readonly RuleFile[], options: LoadOptions = {}): RulePack {
  return loadRulePackContent(files, options).pack;
}

/**
 * The same, with the content the pack was loaded from: what the CLI writes as a compiled pack
 * for its worker threads (`scan --threads`), so they read no YAML.
 */
export function loadRulePackContent(files: readonly RuleFile[], options: LoadOptions = {}): { pack: RulePack; content: PackContent } {
  const content = readRuleFiles(files, options);
  return { content, pack: loadPackContent(content, packVersion(options.name ?? 'local', filesHash(files)), options) };
}

/** Reads rule files into pack content: parsed, filtered, pipelined, ready to compile or to write as a pack. */
export function readRuleFiles(files: readonly RuleFile[], options: SigmaOptions = {}): PackContent {
  const sigma = parseSigmaFiles(files.filter((f) => /\.ya?ml$/i.test(f.path)), parseOptionsOf(options));
  const eql = readEqlRules(files.filter((f) => /\.toml$/i.test(f.path)));
  return {
    sigma: sigma.rules.map((r): PackSigmaRule => ({ meta: r.meta, route: r.route, expr: r.expr, ...(r.name === undefined ? {} : { name: r.name }) })),
    correlations: sigma.correlations,
    eql: eql.rules,
    errors: [...sigma.errors, ...eql.errors],
    replaced: [...sigma.replaced, ...eql.replaced],
  };
}

/** Pack content (read from files or from a precompiled pack) to its detector. */
export function loadPackContent(content: PackContent, version: string, options: { eager?: boolean } = {}): RulePack {
  const stamp = stamper(version);
  const sigmaRules = content.sigma.map((r) => (r.meta.pack === version ? r : { ...r, meta: stamp(r.meta) }));
  const correlations = correlationsOf({ rules: sigmaRules, correlations: content.correlations, correlationErrors: [] }, stamp);
  const correlationRules = correlations.rules;
  const eql = compileEqlRules(content.eql.map((r) => (r.meta.pack === version ? r : { ...r, meta: stamp(r.meta) })));
  const sigmaDetector = new ChannelSigmaDetector(sigmaRules, { eager: options.eager ?? false });
  const correlationMetas = correlationRules.map((c) => c.meta);
  const duplicate = duplicateIds([...sigmaDetector.rules, ...eql.detector.rules, ...correlationMetas]);
  return {
    detector: combineDetectors([sigmaDetector, eql.detector], {
      correlationRules: correlationMetas,
      startCorrelations: () => correlationScanState(correlations),
      hiddenRuleIds: correlations.hiddenRuleIds,
    }),
    errors: [...content.errors, ...correlations.errors, ...eql.errors, ...duplicate],
    correlations: correlationRules,
    sigmaCorrelations: correlations,
    sequences: eql.sequences,
    version,
    replaced: content.replaced,
    ...(content.suppress ? { suppress: content.suppress } : {}),
  };
}

/** One new metadata object per rule (variants keep sharing theirs), naming the pack. */
function stamper(version: string): (meta: RuleMeta) => RuleMeta {
  const done = new Map<RuleMeta, RuleMeta>();
  return (meta) => {
    let stamped = done.get(meta);
    if (!stamped) done.set(meta, (stamped = { ...meta, pack: version }));
    return stamped;
  };
}

/** What the files say, paths included: the same files give the same pack version. */
function filesHash(files: readonly RuleFile[]): string {
  return sha256(files.map((f) => `${f.path}\u0000${f.layer ?? 0}\u0000${f.text}`).join('\u0000'));
}

/** Two rules with one id would make alert ids collide: report it rather than pick one. */
function duplicateIds(rules: readonly RuleMeta[]): RuleError[] {
  const seen = new Map<string, RuleMeta>();
  const errors: RuleError[] = [];
  for (const rule of rules) {
    const first = seen.get(rule.id);
    if (first) {
      errors.push({ file: rule.source, ruleId: rule.id, reason: `duplicate rule id, also in ${first.source}` });
    } else {
      seen.set(rule.id, rule);
    }
  }
  return errors;
}

interface Correlations {
  readonly correlationRules: readonly RuleMeta[];
  readonly startCorrelations: () => ScanState | undefined;
  /** Rules only correlations read (`generate: false`). */
  readonly hiddenRuleIds: ReadonlySet<string>;
}

function combineDetectors(detectors: readonly Detector[], correlations: Correlations): Detector {
  const active = detectors.filter((d) => d.rules.length > 0);
  const owner = new Map<RuleMeta, Detector>();
  for (const d of active) for (const rule of d.rules) owner.set(rule, d);
  const none: readonly RuleMeta[] = [];
  const { hiddenRuleIds } = correlations;
  // Correlations read only events their base rules matched: the base rules' needles cover them.
  const needles = unionNeedles(active.map((d) => d.needles?.()));
  return {
    // Correlation rules are listed too: they alert, though only at the end of a scan.
    rules: [...active.flatMap((d) => d.rules), ...correlations.correlationRules],
    match(event: WinEvent): readonly RuleMeta[] {
      let found: readonly RuleMeta[] | undefined;
      for (const d of active) {
        const hits = d.match(event);
        if (hits.length > 0) found = found ? [...found, ...hits] : hits;
      }
      return found ?? none;
    },
    explain(rule: RuleMeta, event: WinEvent): readonly Evidence[] {
      return owner.get(rule)?.explain(rule, event) ?? [];
    },
    alertFields(rule: RuleMeta, event: WinEvent) {
      return owner.get(rule)?.alertFields?.(rule, event);
    },
    startScan(options?: StartScanOptions): ScanState | undefined {
      const own = options?.withoutCorrelations ? undefined : correlations.startCorrelations();
      return combineStates([...active.map((d) => d.startScan?.(options)), own]);
    },
    keepsState: () => correlations.correlationRules.length > 0 || active.some((d) => d.keepsState?.() === true),
    alertsAlone: (rule: RuleMeta) => !hiddenRuleIds.has(rule.id),
    needles: (): readonly Needle[] | undefined => needles,
  };
}

