import { bundledRuleFiles } from './bundled.ts';
import { loadRulePack, type RulePack } from './rule-pack.ts';

/** The rules shipped with winsift, compiled once (cold start) and shared by every scan. */
let cached: RulePack | undefined;

export function loadBundledPack(): RulePack {
  cached ??= loadRulePack(bundledRuleFiles());
  return cached;
}
