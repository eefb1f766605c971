/**
 * A Sigma correlation document (sigma-correlation-rules-specification.md, plus v2.1's value_sum,
 * value_avg and value_percentile), parsed and checked. Evaluation is in correlation.ts.
 */
import { SigmaCompileError } from './compile-error.ts';
import { readRuleMeta } from './rule-meta.ts';
import { parseTimespan } from './timespan.ts';
import type { RuleMeta } from '../rules/rule.ts';

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered' | 'value_sum' | 'value_avg' | 'value_percentile';
const TYPES: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile'];
export type Op = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
const OPS: readonly Op[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

export interface CorrelationRule {
  readonly meta: RuleMeta;
  readonly name?: string;
  readonly type: CorrelationType;
  /** Ids or names of the rules (or correlations) it correlates. */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespanMs: number;
  readonly condition: ReadonlyArray<{ readonly op: Op; readonly value: number }>;
  /** value_* types: the field aggregated. */
  readonly field?: string;
  readonly percentile?: number;
  /** alias -> rule id or name -> field. */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly generate: boolean;
}

export function parseCorrelation(body: Record<string, unknown>, source: string): CorrelationRule {
  const meta = readRuleMeta(body, source);
  const c = body['correlation'];
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new SigmaCompileError("'correlation' must be a map", 'correlation');
  const section = c as Record<string, unknown>;
  const type = section['type'];
  if (typeof type !== 'string' || !TYPES.includes(type as CorrelationType)) {
    throw new SigmaCompileError(`type '${String(type)}' is not one of ${TYPES.join(', ')}`, 'correlation: type');
  }
  const rules = toStrings(section['rules'], 'correlation: rules');
  if (rules.length === 0) throw new SigmaCompileError('names no rules', 'correlation: rules');
  const groupBy = section['group-by'] === undefined ? [] : toStrings(section['group-by'], 'correlation: group-by');
  const timespanMs = parseTimespan(section['timespan']);
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  const rawCondition = section['condition'];
  const conditionMap = rawCondition === undefined && temporal ? { gte: rules.length } : rawCondition;
  if (typeof conditionMap !== 'object' || conditionMap === null || Array.isArray(conditionMap)) {
    throw new SigmaCompileError('condition must be a map such as {gte: 10}', 'correlation: condition');
  }
  const condition: Array<{ op: Op; value: number }> = [];
  let field: string | undefined;
  let percentile: number | undefined;
  for (const [key, value] of Object.entries(conditionMap as Record<string, unknown>)) {
    if (key === 'field') {
      if (typeof value !== 'string') throw new SigmaCompileError("'field' must be a field name", 'correlation: condition');
      field = value;
    } else if (key === 'percentile') {
      if (typeof value !== 'number' || value < 0 || value > 100) throw new SigmaCompileError("'percentile' must be a number from 0 to 100", 'correlation: condition');
      percentile = value;
    } else if (OPS.includes(key as Op)) {
      if (typeof value !== 'number') throw new SigmaCompileError(`'${key}' needs a number`, 'correlation: condition');
      condition.push({ op: key as Op, value });
    } else {
      throw new SigmaCompileError(`unknown condition key '${key}'`, 'correlation: condition');
    }
  }
  if (condition.length === 0) throw new SigmaCompileError('condition has no gt/gte/lt/lte/eq/neq', 'correlation: condition');
  if (type.startsWith('value_') && !field) throw new SigmaCompileError(`${type} needs 'field' in its condition`, 'correlation: condition');
  if (type === 'value_percentile' && percentile === undefined) throw new SigmaCompileError("value_percentile needs 'percentile' in its condition", 'correlation: condition');
  const aliases = readAliases(section['aliases']);
  const generate = section['generate'] ?? body['generate'] ?? false;
  if (typeof generate !== 'boolean') throw new SigmaCompileError("'generate' must be true or false", 'correlation: generate');
  const name = body['name'];
  return {
    meta,
    ...(typeof name === 'string' ? { name } : {}),
    type: type as CorrelationType,
    rules,
    groupBy,
    timespanMs,
    condition,
    ...(field ? { field } : {}),
    ...(percentile !== undefined ? { percentile } : {}),
    aliases,
    generate,
  };
}

function toStrings(value: unknown, item: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new SigmaCompileError('must be a string or a list of strings', item);
}

function readAliases(value: unknown): Record<string, Record<string, string>> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new SigmaCompileError('aliases must be a map', 'correlation: aliases');
  const out: Record<string, Record<string, string>> = {};
  for (const [alias, mapping] of Object.entries(value as Record<string, unknown>)) {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping) || !Object.values(mapping).every((v) => typeof v === 'string')) {
      throw new SigmaCompileError(`alias '${alias}' must map rule names to field names`, 'correlation: aliases');
    }
    out[alias] = mapping as Record<string, string>;
  }
  return out;
}

