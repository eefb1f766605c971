/**
 * A rule pack: Sigma and EQL rules loaded through one loader into one detector, so the scanner,
 * the alerts and the CLI never care which language a rule was written in.
 */
import type { WinEvent } from '../events/win-event.ts';
import { loadEqlRules } from '../eql/index.ts';
import { correlationScanState, loadSigmaRules, type CorrelationRule, type SigmaOptions } from '../sigma/index.ts';
import { unionNeedles, type Needle } from '../scan/prefilter.ts';
import type { Detector, Evidence, RuleError, RuleFile, RuleMeta, ScanState } from './rule.ts';

export interface RulePack {
  readonly detector: Detector;
  /** Rules that could not be loaded: reported by `winsift rules lint` and logged at cold start. */
  readonly errors: readonly RuleError[];
  /** The Sigma correlation rules among `detector.rules`, with their type and windows. */
  readonly correlations: readonly CorrelationRule[];
}

export function loadRulePack(files: readonly RuleFile[], options: SigmaOptions = {}): RulePack {
  const sigma = loadSigmaRules(files.filter((f) => /\.ya?ml$/i.test(f.path)), options);
  const eql = loadEqlRules(files.filter((f) => /\.toml$/i.test(f.path)));
  const correlationRules = sigma.correlations.rules.map((c) => c.meta);
  const duplicate = duplicateIds([...sigma.detector.rules, ...eql.detector.rules, ...correlationRules]);
  return {
    detector: combineDetectors([sigma.detector, eql.detector], {
      correlationRules,
      startCorrelations: () => correlationScanState(sigma.correlations),
      hiddenRuleIds: sigma.correlations.hiddenRuleIds,
    }),
    errors: [...sigma.errors, ...eql.errors, ...duplicate],
    correlations: sigma.correlations.rules,
  };
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
    startScan(): ScanState | undefined {
      const states = [...active.map((d) => d.startScan?.()), correlations.startCorrelations()].filter(
        (s): s is ScanState => s !== undefined,
      );
      if (states.length <= 1) return states[0];
      return {
        observe: (event, matched, source) => states.forEach((s) => s.observe(event, matched, source)),
        finish: () => states.flatMap((s) => s.finish()),
      };
    },
    alertsAlone: (rule: RuleMeta) => !hiddenRuleIds.has(rule.id),
    needles: (): readonly Needle[] | undefined => needles,
  };
}
