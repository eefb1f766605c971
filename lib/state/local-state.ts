/**
 * `winsift scan --state FILE`: cross-object state in a SQLite file, so correlations and
 * suppression windows carry over between files and between runs. Each file is identified by its
 * path (as its alerts are): scanning the same file again adds nothing, and a file rewritten under
 * the same name replaces the observations it contributed.
 */
import type { RulePack } from '../rules/rule-pack.ts';
import { crossObjectState, type CrossObjectState } from './cross-object-state.ts';
import { openSqliteStateStore } from './sqlite-state-store.ts';
import { timespanSetting } from './state-config.ts';
import { suppressionOptions } from './suppression-options.ts';

export interface LocalStateOptions {
  readonly path: string;
  /** `--suppress 1h`: the window for rules without their own (over the pack configuration's default; suppression-options.ts). */
  readonly suppress?: string;
  /** `--lateness 15m`. */
  readonly lateness?: string;
}

export function openLocalState(pack: RulePack, options: LocalStateOptions): CrossObjectState {
  const suppress = options.suppress === undefined ? undefined : timespanSetting(options.suppress, '--suppress');
  const lateness = options.lateness === undefined ? undefined : timespanSetting(options.lateness, '--lateness');
  return crossObjectState(pack, {
    store: openSqliteStateStore({ path: options.path }),
    ...(lateness === undefined ? {} : { limits: { latenessMs: lateness } }),
    ...suppressionOptions(pack, suppress),
  });
}

/** One stderr line of what the state did over a run, when it did anything worth saying. */
export function describeStateTotals(totals: Readonly<Record<string, number>>): string {
  const say = (key: string, words: string) => ((totals[key] ?? 0) > 0 ? [`${totals[key]} ${words}`] : []);
  const parts = [
    ...say('correlationFired', 'correlation(s) fired across files'),
    ...say('correlationLate', 'event(s) later than the lateness bound, not correlated'),
    ...say('correlationEvicted', 'observation(s) evicted by the state caps'),
    ...say('correlationUntimed', 'untimed event(s) not correlated'),
    ...say('suppressed', 'repeat(s) suppressed'),
    ...say('suppressionSummaries', '"N more" summary(ies)'),
    ...say('suppressionLate', 'late repeat(s) published unsuppressed'),
    ...say('suppressionEvicted', 'suppression entry(ies) over the caps'),
  ];
  return parts.length === 0 ? '' : `winsift: state: ${parts.join(', ')}`;
}
