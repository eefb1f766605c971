/**
 * Elastic EQL rules: load Elastic detection-rule TOML files and compile their EQL queries
 * (single-event queries and sequences) into one Detector. Rules that cannot be used come back
 * as RuleErrors naming the file, the rule id, where in the query, and why; the others still load.
 */
import type { Detector, RuleError, RuleFile, RuleReplaced, SequenceRuleShape } from '../rules/rule.ts';
import { EqlDetector, type EqlRule } from './eql-detector.ts';
import { EqlError, locate } from './eql-error.ts';
import { ElasticRuleError, readElasticRule, type ElasticRule } from './elastic-rule.ts';
import { parseStatement } from './parser.ts';
import { compileEventQuery } from './query.ts';
import { SequenceMatcher } from './sequence.ts';

export { EqlDetector } from './eql-detector.ts';
export { compileQuery, type CompiledQuery } from './query.ts';
export { EqlError } from './eql-error.ts';
export { SequenceMatcher } from './sequence.ts';
export type { ElasticRule } from './elastic-rule.ts';

export function loadEqlRules(files: readonly RuleFile[]): { detector: Detector; errors: RuleError[]; replaced: RuleReplaced[]; sequences: SequenceRuleShape[] } {
  const read = readEqlRules(files);
  const detector = new EqlDetector(read.compiled);
  return { detector, errors: read.errors, replaced: read.replaced, sequences: detector.sequenceRules() };
}

/**
 * Reads the TOML of each file into its metadata and query text (what a precompiled pack keeps);
 * the queries are checked to parse, so a broken one is reported here with its file position.
 * A rule id repeated in a later layer (RuleFile.layer) replaces the earlier copy.
 */
export function readEqlRules(files: readonly RuleFile[]): { rules: ElasticRule[]; compiled: EqlRule[]; errors: RuleError[]; replaced: RuleReplaced[] } {
  const rules: ElasticRule[] = [];
  const compiled: EqlRule[] = [];
  const errors: RuleError[] = [];
  const replaced: RuleReplaced[] = [];
  const seen = new Map<string, { index: number; path: string; layer: number }>();
  for (const file of files) {
    const layer = file.layer ?? 0;
    let ruleId: string | undefined;
    try {
      const rule = readElasticRule(file);
      ruleId = rule.meta.id;
      const eqlRule = compileRule(rule);
      const earlier = seen.get(ruleId);
      if (earlier !== undefined && earlier.layer >= layer) {
        errors.push({ file: file.path, ruleId, reason: `duplicate rule_id: already loaded from ${earlier.path}` });
        continue;
      }
      if (earlier !== undefined) {
        replaced.push({ id: ruleId, kept: file.path, dropped: earlier.path });
        rules[earlier.index] = rule;
        compiled[earlier.index] = eqlRule;
        seen.set(ruleId, { index: earlier.index, path: file.path, layer });
        continue;
      }
      seen.set(ruleId, { index: rules.length, path: file.path, layer });
      rules.push(rule);
      compiled.push(eqlRule);
    } catch (error) {
      errors.push(toRuleError(file, ruleId, error));
    }
  }
  return { rules, compiled, errors, replaced };
}

/** Compiles read rules (from TOML, or from a precompiled pack) into one detector. */
export function compileEqlRules(read: readonly ElasticRule[]): { detector: Detector; errors: RuleError[]; sequences: SequenceRuleShape[] } {
  const rules: EqlRule[] = [];
  const errors: RuleError[] = [];
  for (const rule of read) {
    const { meta } = rule;
    try {
      rules.push(compileRule(rule));
    } catch (error) {
      if (!(error instanceof EqlError)) throw error;
      errors.push({ file: meta.source, ruleId: meta.id, item: `query offset ${error.offset}`, reason: error.reason });
    }
  }
  const detector = new EqlDetector(rules);
  // The sequence rules' shapes, for replaying their stage hits across objects (lib/state).
  return { detector, errors, sequences: detector.sequenceRules() };
}

function compileRule({ meta, query }: ElasticRule): EqlRule {
  const statement = parseStatement(query);
  return statement.kind === 'event'
    ? { meta, kind: 'event', query: compileEventQuery(statement) }
    : { meta, kind: 'sequence', sequence: new SequenceMatcher(statement) };
}

function toRuleError(file: RuleFile, ruleId: string | undefined, error: unknown): RuleError {
  if (error instanceof ElasticRuleError) {
    return { file: file.path, ...optional('ruleId', error.ruleId ?? ruleId), ...optional('item', error.item), reason: error.reason };
  }
  if (error instanceof EqlError) {
    return { file: file.path, ...optional('ruleId', ruleId), item: queryPosition(file, error), reason: error.reason };
  }
  throw error; // a bug, not a bad rule: let it surface
}

/** `query line 3, column 12 (file line 140): <the line>`: the file line when the query is stored verbatim. */
function queryPosition(file: RuleFile, error: EqlError): string {
  const query = queryTextOf(file);
  if (query === undefined) return `query offset ${error.offset}`;
  const at = locate(query, error.offset);
  const inFile = file.text.indexOf(query);
  const fileLine = inFile === -1 ? '' : ` (file line ${locate(file.text, inFile + error.offset).line})`;
  return `query line ${at.line}, column ${at.column}${fileLine}: ${at.lineText.trim()}`;
}

function queryTextOf(file: RuleFile): string | undefined {
  try {
    return readElasticRule(file).query;
  } catch {
    return undefined;
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
