/**
 * What pipelines did to rules, in words (pySigma's tracking, for `rules lint` and `rules explain`):
 * each version's changes (pipeline, item, what) and the variants not added with their reasons.
 */
import type { ParsedRule, PipelineChange } from '../sigma-rule.ts';
import type { DroppedVariant } from './apply.ts';

export function changeLine(change: PipelineChange): string {
  return `${change.pipeline} ${change.item}: ${change.what}`;
}

/** One line per change of one rule version, naming the variant it belongs to. */
export function versionLines(rule: ParsedRule): string[] {
  const version = rule.variant ? `variant ${rule.variant}` : 'rule';
  return (rule.changes ?? []).map((c) => `${version}: ${changeLine(c)}`);
}

export function droppedLine(d: DroppedVariant): string {
  return `variant ${d.variant} not added (${d.pipeline}${d.item ? ` ${d.item}` : ''}): ${d.reason}`;
}

export interface PipelineSummary {
  /** Rules at least one pipeline changed or varied. */
  readonly changed: number;
  /** Versions added by variant pipelines. */
  readonly variants: number;
  readonly dropped: number;
}

export function summarise(rules: readonly ParsedRule[], dropped: readonly DroppedVariant[]): PipelineSummary {
  const changed = new Set(rules.filter((r) => (r.changes?.length ?? 0) > 0).map((r) => r.meta.id)).size;
  return { changed, variants: rules.filter((r) => r.variant !== undefined).length, dropped: dropped.length };
}
