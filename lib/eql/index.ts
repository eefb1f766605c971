/**
 * Elastic EQL rules: load Elastic detection-rule TOML files and compile their EQL queries
 * (single-event queries and sequences) into one Detector. Rules that cannot be used come back
 * as RuleErrors naming the file, the rule id, where in the query, and why; the others still load.
 */
import type { Detector, RuleError, RuleFile, SequenceRuleShape } from '../rules/rule.ts';
import { EqlDetector, type EqlRule } from './eql-detector.ts';
import { EqlError, locate } from './eql-error.ts';
import { ElasticRuleError, readElasticRule } from './elastic-rule.ts';
import { parseStatement } from './parser.ts';
import { compileEventQuery } from './query.ts';
import { SequenceMatcher } from './sequence.ts';

export { EqlDetector } from './eql-detector.ts';
export { compileQuery, type CompiledQuery } from './query.ts';
export { EqlError } from './eql-error.ts';
export { SequenceMatcher } from './sequence.ts';

export function loadEqlRules(files: readonly RuleFile[]): { detector: Detector; errors: RuleError[]; sequences: SequenceRuleShape[] } {
  const rules: EqlRule[] = [];
  const errors: RuleError[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let ruleId: string | undefined;
    try {
      const { meta, query } = readElasticRule(file);
      ruleId = meta.id;
      const earlier = seen.get(meta.id);
      if (earlier !== undefined) {
        errors.push({ file: file.path, ruleId, reason: `duplicate rule_id: already loaded from ${earlier}` });
        continue;
      }
      const statement = parseStatement(query);
      rules.push(
        statement.kind === 'event'
          ? { meta, kind: 'event', query: compileEventQuery(statement) }
          : { meta, kind: 'sequence', sequence: new SequenceMatcher(statement) },
      );
      seen.set(meta.id, file.path);
    } catch (error) {
      errors.push(toRuleError(file, ruleId, error));
    }
  }
  const detector = new EqlDetector(rules);
  return { detector, errors, sequences: detector.sequenceRules() };
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
