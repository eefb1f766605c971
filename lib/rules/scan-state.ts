/** ScanStates composed: the detectors' own and the cross-object one (lib/state) act as one. */
import type { ScanState } from './rule.ts';

/** Several states as one: each observes every event; their findings are concatenated. */
export function combineStates(all: readonly (ScanState | undefined)[]): ScanState | undefined {
  const states = all.filter((s): s is ScanState => s !== undefined);
  if (states.length <= 1) return states[0];
  return {
    observe: (event, matched, source) => states.forEach((s) => s.observe(event, matched, source)),
    finish: async () => (await Promise.all(states.map((s) => s.finish()))).flat(),
    delivered: async () => {
      for (const s of states) await s.delivered?.();
    },
    report: () => Object.assign({}, ...states.map((s) => s.report?.() ?? {})) as Record<string, number>,
  };
}
