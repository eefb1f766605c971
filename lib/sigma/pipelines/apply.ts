/**
 * Runs processing pipelines over a rule (pySigma's ProcessingPipeline.apply), between reading it
 * and resolving it. Pipelines run in priority order (stable for equal priority), each item in
 * order: when its rule conditions hold it is applied (recorded on the version), and its
 * transformation returns the next version.
 *
 * Variants (winsift): a pipeline with `variant: NAME` keeps every version it applies to as it was
 * and adds the transformed copy; a version none of its items' rule conditions held for (or that
 * its items left unchanged) is kept alone. A failure (rule_failure, a conflict, an unavailable field the rule needs) refuses the
 * rule in an in-place pipeline, and drops only the copy in a variant, with the reason kept.
 */
import type { RuleMeta } from '../../rules/rule.ts';
import { SigmaCompileError } from '../compile-error.ts';
import type { PipelineChange, RawRule } from '../sigma-rule.ts';
import { absencesOf } from './absence.ts';
import { holds } from './conditions/holds.ts';
import type { ProcessingPipeline } from './read-pipeline.ts';
import { TransformationFailure, type CorrelationFields, type ItemContext, type PipelineItem, type RuleSubject, type RuleVersion } from './pipeline.ts';

/** A rule may not split into more versions than this (variants of variants multiply). */
export const MAX_VERSIONS = 64;

/** A variant that was not added, and why: shown by lint and explain, not an error. */
export interface DroppedVariant {
  readonly meta: RuleMeta;
  readonly variant: string;
  readonly pipeline: string;
  readonly item?: string;
  readonly reason: string;
}

/** A pipeline item refused an in-place rule: a rule error naming pipeline and item. */
export class PipelineRuleError extends SigmaCompileError {
  constructor(pipeline: ProcessingPipeline, item: string | undefined, reason: string) {
    super(`pipeline '${pipeline.name}' (${pipeline.source})${item ? ` item ${item}` : ''}: ${reason}`, `pipeline ${pipeline.name}${item ? ` ${item}` : ''}`);
  }
}

/** Stable by priority, lowest first (pySigma's resolver). */
export function orderPipelines(pipelines: readonly ProcessingPipeline[]): ProcessingPipeline[] {
  return pipelines.map((p, i) => ({ p, i })).sort((a, b) => a.p.priority - b.p.priority || a.i - b.i).map(({ p }) => p);
}

type Placeholders = Readonly<Record<string, readonly string[]>>;

function contextOf(pipeline: ProcessingPipeline, item: PipelineItem, placeholders: Placeholders): ItemContext {
  const ctx: ItemContext = {
    pipeline,
    item,
    itemSelected: (di, version) =>
      holds(item.itemConditions, (c) => c.matches(di, version)) && ctx.fieldSelected(di.field, version),
    fieldSelected: (field, subject) => holds(item.fieldConditions, (c) => c.matches(field, subject)),
    placeholder: (name) => (Object.hasOwn(pipeline.vars, name) ? pipeline.vars[name] : Object.hasOwn(placeholders, name) ? placeholders[name] : undefined),
  };
  return ctx;
}

class ItemFailure extends Error {
  readonly item: string;
  constructor(item: string, reason: string) {
    super(reason);
    this.item = item;
  }
}

/** One pipeline over one version: the result, and whether any item's rule conditions held. */
function runPipeline(pipeline: ProcessingPipeline, start: RuleVersion, placeholders: Placeholders): { version: RuleVersion; held: boolean } {
  let version = start;
  let held = false;
  for (const item of pipeline.items) {
    if (!holds(item.ruleConditions, (c) => c.matches({ kind: 'rule', version }))) continue;
    held = true;
    if (!version.applied.includes(item.id)) version = { ...version, applied: [...version.applied, item.id] };
    try {
      version = item.transformation.apply(version, contextOf(pipeline, item, placeholders));
    } catch (error) {
      if (error instanceof TransformationFailure) throw new ItemFailure(item.id, error.message);
      throw error;
    }
  }
  // An unavailable field the rule needs in a way that fires on its absence: refuse here, per pipeline.
  const firing = absencesOf(version.rule.detection).filter((a) => a.firing);
  if (firing.length > 0) {
    const first = firing[0]!;
    throw new ItemFailure(first.item, `would fire on the absence of ${[...new Set(firing.map((a) => a.field))].join(', ')} (${first.label})`);
  }
  return { version, held };
}

export interface AppliedRule {
  readonly versions: readonly RuleVersion[];
  readonly dropped: readonly DroppedVariant[];
}

export function applyPipelines(rule: RawRule, pipelines: readonly ProcessingPipeline[], placeholders: Placeholders = {}): AppliedRule {
  let versions: RuleVersion[] = [{ rule, variants: [], applied: [], state: {}, changes: [] }];
  const dropped: DroppedVariant[] = [];
  for (const pipeline of pipelines) {
    const next: RuleVersion[] = [];
    for (const version of versions) {
      if (pipeline.variant === undefined) {
        try {
          next.push(runPipeline(pipeline, version, placeholders).version);
        } catch (error) {
          if (error instanceof ItemFailure) throw new PipelineRuleError(pipeline, error.item, error.message);
          throw error;
        }
        continue;
      }
      next.push(version);
      const variant = [...version.variants, pipeline.variant].join('+');
      try {
        const result = runPipeline(pipeline, version, placeholders);
        // A copy the pipeline left unchanged would only match twice what the version matches.
        if (result.held && result.version.rule !== version.rule) next.push({ ...result.version, variants: [...version.variants, pipeline.variant] });
      } catch (error) {
        if (!(error instanceof ItemFailure)) throw error;
        dropped.push({ meta: rule.meta, variant, pipeline: pipeline.name, item: error.item, reason: error.message });
      }
    }
    if (next.length > MAX_VERSIONS) throw new PipelineRuleError(pipeline, undefined, `the rule would split into ${next.length} versions (at most ${MAX_VERSIONS})`);
    versions = next;
  }
  return { versions, dropped };
}

/**
 * A correlation rule through the in-place pipelines: field-name transformations rename its
 * `group-by`, alias fields and aggregated field (variants describe other log sources of base
 * rules; they do not apply to correlations).
 */
export function applyPipelinesToCorrelation(body: Readonly<Record<string, unknown>>, pipelines: readonly ProcessingPipeline[], placeholders: Placeholders = {}): { body: Record<string, unknown>; changes: PipelineChange[] } {
  const section = body['correlation'];
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return { body: { ...body }, changes: [] };
  const c = section as Record<string, unknown>;
  const condition = typeof c['condition'] === 'object' && c['condition'] !== null && !Array.isArray(c['condition']) ? (c['condition'] as Record<string, unknown>) : undefined;
  const groupBy = typeof c['group-by'] === 'string' ? [c['group-by']] : Array.isArray(c['group-by']) ? (c['group-by'] as unknown[]).filter((g): g is string => typeof g === 'string') : [];
  const aliasesRaw = typeof c['aliases'] === 'object' && c['aliases'] !== null ? (c['aliases'] as Record<string, Record<string, string>>) : {};
  const startFields: CorrelationFields = { groupBy, aliases: aliasesRaw, ...(typeof condition?.['field'] === 'string' ? { field: condition['field'] } : {}) };
  let fields = startFields;
  let applied: string[] = [];
  const changes: PipelineChange[] = [];
  for (const pipeline of pipelines) {
    if (pipeline.variant !== undefined) continue;
    for (const item of pipeline.items) {
      const subject: RuleSubject & { kind: 'correlation' } = { kind: 'correlation', body, applied, state: {} };
      if (!holds(item.ruleConditions, (cond) => cond.matches(subject))) continue;
      applied = [...applied, item.id];
      const transform = item.transformation.applyCorrelation;
      if (!transform) continue;
      let after: CorrelationFields;
      try {
        after = transform(fields, contextOf(pipeline, item, placeholders), subject);
      } catch (error) {
        if (error instanceof TransformationFailure) throw new PipelineRuleError(pipeline, item.id, error.message);
        throw error;
      }
      if (JSON.stringify(after) !== JSON.stringify(fields)) changes.push({ pipeline: pipeline.name, item: item.id, what: `correlation fields → group-by ${after.groupBy.join(', ') || '(none)'}${after.field ? `, field ${after.field}` : ''}` });
      fields = after;
    }
  }
  if (fields === startFields) return { body: { ...body }, changes };
  const nextSection: Record<string, unknown> = { ...c };
  if (c['group-by'] !== undefined) nextSection['group-by'] = fields.groupBy;
  if (c['aliases'] !== undefined) nextSection['aliases'] = fields.aliases;
  if (condition && fields.field !== undefined) nextSection['condition'] = { ...condition, field: fields.field };
  return { body: { ...body, correlation: nextSection }, changes };
}
