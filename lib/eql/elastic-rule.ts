/**
 * Elastic detection-rule TOML (the elastic/detection-rules format: `[metadata]`, `[rule]` with
 * `query`, `language`, `threat`, ...) read into winsift's RuleMeta plus the query text.
 */
import { parse, TomlError } from 'smol-toml';
import type { Level, RuleFile, RuleMeta } from '../rules/rule.ts';
import { readInvestigationGuide, type OsqueryTransform } from './investigation-guide.ts';

export interface ElasticRule {
  readonly meta: RuleMeta;
  readonly query: string;
}

/** A rule file that is not a usable Elastic EQL rule; `ruleId` when the file got that far. */
export class ElasticRuleError extends Error {
  readonly ruleId: string | undefined;
  readonly item: string | undefined;
  readonly reason: string;
  constructor(reason: string, ruleId?: string, item?: string) {
    super(reason);
    this.name = 'ElasticRuleError';
    this.reason = reason;
    this.ruleId = ruleId;
    this.item = item;
  }
}

const SEVERITIES: Readonly<Record<string, Level>> = { low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

export function readElasticRule(file: RuleFile): ElasticRule {
  let document: Record<string, unknown>;
  try {
    document = parse(file.text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      throw new ElasticRuleError(`not valid TOML: ${error.message.split('\n')[0] ?? ''}`, undefined, `line ${error.line}, column ${error.column}`);
    }
    throw error;
  }
  const rule = document['rule'];
  if (!isTable(rule)) throw new ElasticRuleError('no [rule] table: not an Elastic detection rule');
  const ruleId = optionalString(rule, 'rule_id');
  if (ruleId === undefined) throw new ElasticRuleError('[rule] has no rule_id');
  const fail = (reason: string, item?: string): never => {
    throw new ElasticRuleError(reason, ruleId, item);
  };
  const language = optionalString(rule, 'language') ?? (rule['type'] === 'eql' ? 'eql' : undefined);
  if (language !== 'eql') {
    fail(`rule language is ${JSON.stringify(language ?? rule['type'] ?? 'unset')}, not "eql": only EQL rules are run`, 'rule.language');
  }
  const query = optionalString(rule, 'query');
  if (query === undefined || query.trim() === '') fail('[rule] has no query', 'rule.query');
  const name = optionalString(rule, 'name') ?? fail('[rule] has no name', 'rule.name');
  const severity = optionalString(rule, 'severity') ?? '';
  const level = SEVERITIES[severity.toLowerCase()] ?? fail(`severity ${JSON.stringify(severity)} is not low, medium, high or critical`, 'rule.severity');
  const osquery = readOsquery(document['transform']);
  const note = optionalString(rule, 'note');
  const guide = note === undefined ? { triage: [], falsePositives: [] } : readInvestigationGuide(note, osquery);
  const falsePositives = stringList(rule, 'false_positives');
  const license = optionalString(rule, 'license');
  const meta: RuleMeta = {
    id: ruleId,
    title: name,
    level,
    author: stringList(rule, 'author').join(', '),
    description: (optionalString(rule, 'description') ?? '').trim(),
    references: stringList(rule, 'references'),
    tags: attackTags(rule['threat']),
    triage: guide.triage,
    falsePositives: falsePositives.length > 0 ? falsePositives : guide.falsePositives,
    language: 'eql',
    source: file.path,
    ...(license === undefined ? {} : { license }),
  };
  return { meta, query: query as string };
}

/**
 * `[[rule.threat]]` as Sigma-style tags: the tactic name (`attack.command-and-control`), then each
 * technique and sub-technique id (`attack.t1105`, `attack.t1055.001`).
 */
export function attackTags(threat: unknown): string[] {
  const tags: string[] = [];
  const add = (tag: string): void => {
    if (!tags.includes(tag)) tags.push(tag);
  };
  for (const entry of Array.isArray(threat) ? threat : []) {
    if (!isTable(entry)) continue;
    const tactic = entry['tactic'];
    if (isTable(tactic) && typeof tactic['name'] === 'string') add(`attack.${slug(tactic['name'])}`);
    for (const technique of Array.isArray(entry['technique']) ? entry['technique'] : []) {
      if (!isTable(technique)) continue;
      if (typeof technique['id'] === 'string') add(`attack.${technique['id'].toLowerCase()}`);
      for (const sub of Array.isArray(technique['subtechnique']) ? technique['subtechnique'] : []) {
        if (isTable(sub) && typeof sub['id'] === 'string') add(`attack.${sub['id'].toLowerCase()}`);
      }
    }
  }
  return tags;
}

function slug(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function readOsquery(transform: unknown): OsqueryTransform[] {
  if (!isTable(transform) || !Array.isArray(transform['osquery'])) return [];
  return transform['osquery'].filter(isTable).map((t) => ({ label: String(t['label'] ?? ''), query: String(t['query'] ?? '') }));
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(table: Record<string, unknown>, key: string): string | undefined {
  const value = table[key];
  return typeof value === 'string' ? value : undefined;
}

function stringList(table: Record<string, unknown>, key: string): string[] {
  const value = table[key];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
