/**
 * Reads rule files into parsed rules, filters and correlations, turning every problem into a
 * RuleError naming the file, the rule id, the item and the reason. The stages, per rule:
 * read (detection items) -> filters ANDed on -> processing pipelines (maybe several versions) ->
 * resolve (routes, field tests). What comes out is ready to compile.
 */
import type { RuleError, RuleFile, RuleReplaced } from '../rules/rule.ts';
import { simplify } from './compile.ts';
import { SigmaCompileError } from './compile-error.ts';
import { readDocuments } from './documents.ts';
import { parseCorrelation } from './correlation-rule.ts';
import { parseFilter, withFilters, type SigmaFilter } from './filters.ts';
import type { LogsourceConfig } from './logsource.ts';
import { absencesOf } from './pipelines/absence.ts';
import { applyPipelines, applyPipelinesToCorrelation, type DroppedVariant } from './pipelines/apply.ts';
import type { ProcessingPipeline } from './pipelines/read-pipeline.ts';
import { readRule, resolveRule, type ParsedRule, type PipelineChange, type RawRule } from './sigma-rule.ts';

export interface ParsedSigma {
  /** Rules with filters and pipelines applied; a rule a variant pipeline varied appears once per version, sharing `meta`. */
  readonly rules: ParsedRule[];
  readonly filters: SigmaFilter[];
  /** Correlation documents, raw (after pipelines), for correlation.ts. */
  readonly correlations: Array<{ body: Record<string, unknown>; source: string; changes?: readonly PipelineChange[] }>;
  readonly errors: RuleError[];
  /** The part of `errors` that came from correlation documents. */
  readonly correlationErrors: RuleError[];
  /** Variants a pipeline did not add, and why (information for lint/explain, not errors). */
  readonly dropped: DroppedVariant[];
  /** Rules a later layer's copy of the same id replaced (RuleFile.layer). */
  readonly replaced: RuleReplaced[];
}

export interface ParseOptions {
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
  readonly logsources?: LogsourceConfig;
  /** Processing pipelines, already in the order to apply them (see orderPipelines). */
  readonly pipelines?: readonly ProcessingPipeline[];
}

function toRuleError(error: unknown, file: string, id: string | undefined, fallbackItem?: string): RuleError {
  if (!(error instanceof SigmaCompileError)) {
    return { file, ...(id ? { ruleId: id } : {}), ...(fallbackItem ? { item: fallbackItem } : {}), reason: `internal error: ${(error as Error).stack ?? String(error)}` };
  }
  return { file, ...(id ? { ruleId: id } : {}), ...(error.item ? { item: error.item } : {}), reason: error.message };
}

export function parseSigmaFiles(files: readonly RuleFile[], options: ParseOptions = {}): ParsedSigma {
  const ctx = { placeholders: options.placeholders ?? {}, logsources: options.logsources ?? {} };
  const pipelines = options.pipelines ?? [];
  const raws: Array<{ rule: RawRule; at: number }> = [];
  const filters: SigmaFilter[] = [];
  const correlations: ParsedSigma['correlations'] = [];
  // Errors in file and document order, though rules are resolved once every filter is known.
  const ordered: Array<{ at: number; error: RuleError }> = [];
  let at = 0;
  const correlationErrors: RuleError[] = [];
  const dropped: DroppedVariant[] = [];
  const replaced: RuleReplaced[] = [];
  // Per id, the index in `raws`, its file and layer: a later layer's copy replaces it in place.
  const seen = new Map<string, { index: number; path: string; layer: number }>();
  for (const file of files) {
    const layer = file.layer ?? 0;
    let documents;
    try {
      const read = readDocuments(file.text);
      documents = read.documents;
      for (const p of read.problems) ordered.push({ at: ++at, error: { file: file.path, item: `line ${p.line}`, reason: p.reason } });
    } catch (error) {
      ordered.push({ at: ++at, error: { file: file.path, reason: `cannot read YAML: ${(error as Error).message}` } });
      continue;
    }
    for (const doc of documents) {
      at++;
      const id = typeof doc.body['id'] === 'string' ? doc.body['id'] : undefined;
      try {
        if ('correlation' in doc.body) {
          // Checked here so `rules lint` reports it; evaluated by correlation.ts across a scan.
          const { body, changes } = applyPipelinesToCorrelation(doc.body, pipelines, ctx.placeholders);
          parseCorrelation(body, file.path);
          correlations.push({ body, source: file.path, ...(changes.length > 0 ? { changes } : {}) });
          continue;
        }
        if ('filter' in doc.body) {
          filters.push(parseFilter(doc.body, file.path, ctx));
          continue;
        }
        const rule = readRule(doc.body, file.path);
        const previous = seen.get(rule.meta.id);
        if (previous !== undefined) {
          if (previous.layer >= layer) throw new SigmaCompileError(`duplicate rule id, first loaded from ${previous.path}`, 'id');
          replaced.push({ id: rule.meta.id, kept: file.path, dropped: previous.path });
          raws[previous.index] = { rule, at };
          seen.set(rule.meta.id, { index: previous.index, path: file.path, layer });
          continue;
        }
        seen.set(rule.meta.id, { index: raws.length, path: file.path, layer });
        raws.push({ rule, at });
      } catch (error) {
        const ruleError = toRuleError(error, file.path, id, `line ${doc.line}`);
        ordered.push({ at, error: ruleError });
        if ('correlation' in doc.body) correlationErrors.push(ruleError);
      }
    }
  }
  const rules: ParsedRule[] = [];
  for (const { rule: raw, at: rawAt } of raws) {
    try {
      const applied = applyPipelines(withFilters(raw, filters), pipelines, ctx.placeholders);
      dropped.push(...applied.dropped);
      for (const version of applied.versions) {
        const variant = version.variants.length > 0 ? version.variants.join('+') : undefined;
        // Blamed on the last pipeline that changed the version, or the one that made a field unavailable.
        let blame = { pipeline: version.changes.at(-1)?.pipeline ?? variant ?? '', item: version.changes.at(-1)?.item };
        let parsed: ParsedRule;
        try {
          parsed = resolveRule(version.rule, ctx);
          const absences = absencesOf(version.rule.detection);
          const result = absences.length > 0 ? simplify(parsed.expr) : undefined;
          if (result?.kind === 'const' && !result.value) {
            blame = { pipeline: absences[0]!.pipeline, item: absences[0]!.item };
            throw new SigmaCompileError(`can never match: needs ${[...new Set(absences.map((a) => a.field))].join(', ')} (unavailable per pipeline '${blame.pipeline}' item ${blame.item})`, 'pipelines');
          }
        } catch (error) {
          if (variant === undefined || !(error instanceof SigmaCompileError)) throw error;
          dropped.push({ meta: raw.meta, variant, pipeline: blame.pipeline, ...(blame.item ? { item: blame.item } : {}), reason: error.message });
          continue;
        }
        rules.push({ ...parsed, ...(variant !== undefined ? { variant } : {}), ...(version.changes.length > 0 ? { changes: version.changes } : {}) });
      }
    } catch (error) {
      ordered.push({ at: rawAt, error: toRuleError(error, raw.meta.source, raw.meta.id) });
    }
  }
  const errors = ordered.sort((a, b) => a.at - b.at).map((e) => e.error);
  return { rules, filters, correlations, errors, correlationErrors, dropped, replaced };
}
