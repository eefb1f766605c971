/**
 * Reads rule files into parsed rules, filters and correlations, turning every problem into a
 * RuleError naming the file, the rule id, the item and the reason. Filters are applied here, so
 * what comes out is ready to compile.
 */
import type { RuleError, RuleFile, RuleReplaced } from '../rules/rule.ts';
import type { Expr } from './ast.ts';
import { SigmaCompileError } from './compile-error.ts';
import { readDocuments } from './documents.ts';
import { parseCorrelation } from './correlation-rule.ts';
import { parseFilter, withFilters, type SigmaFilter } from './filters.ts';
import type { LogsourceConfig } from './logsource.ts';
import { parseRule, type ParsedRule } from './sigma-rule.ts';

export interface ParsedSigma {
  /** Rules with filters applied to `expr`. */
  readonly rules: ParsedRule[];
  readonly filters: SigmaFilter[];
  /** Correlation documents, raw, for correlation.ts. */
  readonly correlations: Array<{ body: Record<string, unknown>; source: string }>;
  readonly errors: RuleError[];
  /** The part of `errors` that came from correlation documents. */
  readonly correlationErrors: RuleError[];
  /** Rules a later layer's copy of the same id replaced (RuleFile.layer). */
  readonly replaced: RuleReplaced[];
}

export interface ParseOptions {
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
  readonly logsources?: LogsourceConfig;
}

export function parseSigmaFiles(files: readonly RuleFile[], options: ParseOptions = {}): ParsedSigma {
  const ctx = { placeholders: options.placeholders ?? {}, logsources: options.logsources ?? {} };
  const rules: ParsedRule[] = [];
  const filters: SigmaFilter[] = [];
  const correlations: Array<{ body: Record<string, unknown>; source: string }> = [];
  const errors: RuleError[] = [];
  const correlationErrors: RuleError[] = [];
  const replaced: RuleReplaced[] = [];
  // Per id, the index in `rules`, its file and layer: a later layer's copy replaces it in place.
  const seen = new Map<string, { index: number; path: string; layer: number }>();
  for (const file of files) {
    const layer = file.layer ?? 0;
    let documents;
    try {
      const read = readDocuments(file.text);
      documents = read.documents;
      for (const p of read.problems) errors.push({ file: file.path, item: `line ${p.line}`, reason: p.reason });
    } catch (error) {
      errors.push({ file: file.path, reason: `cannot read YAML: ${(error as Error).message}` });
      continue;
    }
    for (const doc of documents) {
      const id = typeof doc.body['id'] === 'string' ? doc.body['id'] : undefined;
      try {
        if ('correlation' in doc.body) {
          // Checked here so `rules lint` reports it; evaluated by correlation.ts across a scan.
          parseCorrelation(doc.body, file.path);
          correlations.push({ body: doc.body, source: file.path });
          continue;
        }
        if ('filter' in doc.body) {
          filters.push(parseFilter(doc.body, file.path, ctx));
          continue;
        }
        const rule = parseRule(doc.body, file.path, ctx);
        const previous = seen.get(rule.meta.id);
        if (previous !== undefined) {
          if (previous.layer >= layer) throw new SigmaCompileError(`duplicate rule id, first loaded from ${previous.path}`, 'id');
          replaced.push({ id: rule.meta.id, kept: file.path, dropped: previous.path });
          rules[previous.index] = rule;
          seen.set(rule.meta.id, { index: previous.index, path: file.path, layer });
          continue;
        }
        seen.set(rule.meta.id, { index: rules.length, path: file.path, layer });
        rules.push(rule);
      } catch (error) {
        if (!(error instanceof SigmaCompileError)) {
          errors.push({ file: file.path, ...(id ? { ruleId: id } : {}), item: `line ${doc.line}`, reason: `internal error: ${(error as Error).stack ?? String(error)}` });
          continue;
        }
        const ruleError = { file: file.path, ...(id ? { ruleId: id } : {}), ...(error.item ? { item: error.item } : {}), reason: error.message };
        errors.push(ruleError);
        if ('correlation' in doc.body) correlationErrors.push(ruleError);
      }
    }
  }
  const filtered = rules.map((rule): ParsedRule => {
    const expr: Expr = withFilters(rule, filters);
    return expr === rule.expr ? rule : { ...rule, expr };
  });
  return { rules: filtered, filters, correlations, errors, correlationErrors, replaced };
}
