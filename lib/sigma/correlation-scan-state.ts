/**
 * Sigma correlations as the scanner sees them: a ScanState that observes every matched event of
 * one scan and, at its end, turns each correlation match into an ordinary Match, so alerts,
 * sinks and the CLI need nothing special for them.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { ScanState } from '../rules/rule.ts';
import type { Match } from '../scan/match.ts';
import type { CorrelationMatch, SigmaCorrelations } from './correlation.ts';

export function correlationScanState(correlations: SigmaCorrelations): ScanState | undefined {
  if (correlations.rules.length === 0) return undefined;
  const correlator = correlations.createCorrelator();
  return {
    observe: (event, matched, source) => correlator.observe(event, matched, source),
    finish: () => correlator.finish().matches.map(correlationMatchToMatch),
  };
}

/** A correlation match as an ordinary Match (its event the group-by values and the aggregate). */
export function correlationMatchToMatch(match: CorrelationMatch): Match {
  const fields: Record<string, FieldValue> = {
    ...match.group,
    EventCount: match.eventCount,
    CorrelationValue: match.value,
    FirstTime: match.firstTime,
    LastTime: match.lastTime,
  };
  return {
    rule: match.rule,
    event: { fields, raw: match, layout: 'correlation' },
    // The scanner gives every observation its source, so a match has at least one. The first
    // event's position makes the alert id deterministic across re-scans.
    source: match.sources[0]!,
    evidence: [
      ...Object.entries(match.group).map(([field, value]) => ({ field, value, test: 'shared by every correlated event (group-by)' })),
      { field: 'CorrelationValue', value: match.value, test: `met the correlation condition over ${match.eventCount} event(s)` },
    ],
  };
}
