/**
 * A rule pack: Sigma and EQL rules loaded through one loader into one detector, so the scanner,
 * the alerts and the CLI never care which language a rule was written in.
 */
import type { WinEvent } from '../events/win-event.ts';
import { loadEqlRules } from '../eql/index.ts';
import { loadSigmaRules, type SigmaOptions } from '../sigma/index.ts';
import type { Detector, Evidence, RuleError, RuleFile, RuleMeta } from './rule.ts';

export interface RulePack {
  readonly detector: Detector;
  /** Rules that could not be loaded: reported by `winsift rules lint` and logged at cold start. */
  readonly errors: readonly RuleError[];
}

export function loadRulePack(files: readonly RuleFile[], options: SigmaOptions = {}): RulePack {
  const sigma = loadSigmaRules(files.filter((f) => /\.ya?ml$/i.test(f.path)), options);
  const eql = loadEqlRules(files.filter((f) => /\.toml$/i.test(f.path)));
  const duplicate = duplicateIds([...sigma.detector.rules, ...eql.detector.rules]);
  return {
    detector: combineDetectors([sigma.detector, eql.detector]),
    errors: [...sigma.errors, ...eql.errors, ...duplicate],
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

function combineDetectors(detectors: readonly Detector[]): Detector {
  const active = detectors.filter((d) => d.rules.length > 0);
  if (active.length === 1) return active[0]!;
  const owner = new Map<RuleMeta, Detector>();
  for (const d of active) for (const rule of d.rules) owner.set(rule, d);
  const none: readonly RuleMeta[] = [];
  return {
    rules: active.flatMap((d) => d.rules),
    match(event: WinEvent): readonly RuleMeta[] {
      let found: RuleMeta[] | undefined;
      for (const d of active) {
        const hits = d.match(event);
        if (hits.length > 0) (found ??= []).push(...hits);
      }
      return found ?? none;
    },
    explain(rule: RuleMeta, event: WinEvent): readonly Evidence[] {
      return owner.get(rule)?.explain(rule, event) ?? [];
    },
  };
}
