/**
 * One EQL query, ready to run: parse, optimise, compile. `matches` is the hot path;
 * `explain` re-walks the query as written to say which tests held, for the alert.
 */
import type { Evidence } from '../rules/rule.ts';
import type { EventQuery, FieldNode } from './ast.ts';
import { distinctFields } from './alert-fields.ts';
import { condition as compileCondition } from './compile.ts';
import { categoryIncludes, eventCategory } from './ecs-document.ts';
import { explainCondition, fieldsOf } from './explain.ts';
import { optimise } from './optimise.ts';
import { parseEql } from './parser.ts';

export interface CompiledQuery {
  readonly kind: 'event';
  /** `null` for `any`. */
  readonly category: string | null;
  readonly parsed: EventQuery;
  /** Whether an ECS document matches. */
  matches(doc: unknown): boolean;
  /** Same, when the caller already read `event.category` once for many rules. */
  matchesWithCategory(doc: unknown, category: unknown): boolean;
  /** The condition alone, for a caller that has already checked the category. */
  matchesCondition(doc: unknown): boolean;
  explain(doc: unknown): Evidence[];
  /** Every field the condition reads, once each, in query order: what an alert shows. */
  readonly fields: readonly FieldNode[];
}

/** Throws `EqlError` (with the offset into `text`) when the query cannot be parsed or compiled. */
export function compileQuery(text: string): CompiledQuery {
  return compileEventQuery(parseEql(text));
}

export function compileEventQuery(parsed: EventQuery): CompiledQuery {
  const condition = compileCondition(optimise(parsed.condition));
  const category = parsed.category;
  const matchesCondition = (doc: unknown): boolean => condition(doc) === true;
  const matchesWithCategory = (doc: unknown, docCategory: unknown): boolean =>
    (category === null || categoryIncludes(docCategory as never, category)) && matchesCondition(doc);
  return {
    kind: 'event',
    category,
    parsed,
    fields: distinctFields(fieldsOf(parsed.condition)),
    matchesCondition,
    matchesWithCategory,
    matches: (doc) => matchesWithCategory(doc, category === null ? undefined : eventCategory(doc)),
    explain: (doc) => {
      const evidence: Evidence[] = [];
      if (category !== null) {
        evidence.push({ field: 'event.category', value: eventCategory(doc) ?? null, test: `includes "${category}" (${category} where)` });
      }
      evidence.push(...explainCondition(parsed.condition, parsed.source, doc));
      return evidence;
    },
  };
}
