/**
 * Bad queries and bad rule files: each gives an error naming the file, the rule id, where in
 * the query, and why; the other rules in the batch still load.
 */
import { describe, expect, it } from 'vitest';
import { compileQuery, EqlError, loadEqlRules } from '../../lib/eql/index.ts';
import type { RuleFile } from '../../lib/rules/rule.ts';

function offsetOf(query: string): { reason: string; offset: number } {
  try {
    compileQuery(query);
  } catch (error) {
    if (error instanceof EqlError) return { reason: error.reason, offset: error.offset };
    throw error;
  }
  throw new Error(`no error for ${query}`);
}

describe('query errors name the offset and the reason', () => {
  it.each([
    ['process where a = "x"', 16, /`=` is not an EQL operator/],
    ["process where a == 'x'", 19, /single-quoted/],
    ['process where a < b <= c', 20, /cannot be chained/],
    ['process where a == "x', 19, /unterminated string/],
    ['process where a == "\\q"', 20, /unknown escape/],
    ['process where nosuch(a)', 14, /unknown function `nosuch`/],
    ['process where length~(a) > 1', 14, /no case-insensitive/],
    ['process where length(a, b) > 1', 14, /takes 1 argument/],
    ['process where cidrMatch(a, "10.0.0.0/33")', 27, /not a CIDR block/],
    ['process where a regex "x~y"', 22, /bad regex pattern "x~y": Lucene operator `~`/],
    ['process where a : b', 18, /expected a string after `:`/],
    ['process where a == 1 | head 5', 21, /pipes/],
    ['process where', 13, /expected a value/],
    ['where a == 1', 0, /event category/],
    ['process where (a == 1', 21, /expected `\)`/],
    ['process where a == 1 /* open', 21, /unterminated comment/],
    ['process where descendant of [process where true]', 25, /lineage/],
  ])('%s', (query, offset, reason) => {
    const error = offsetOf(query);
    expect(error.reason).toMatch(reason);
    expect(error.offset).toBe(offset);
  });

  it('compileQuery (single events) rejects sequences clearly; sample and join are refused everywhere', () => {
    expect(offsetOf('sequence by host.id with maxspan=1m [process where true] [file where true]').reason).toMatch(/sequence queries are not supported here/);
    expect(offsetOf('  sample by host.id [process where true] [file where true]')).toEqual({ reason: expect.stringMatching(/sample queries are not supported/), offset: 2 });
  });

  it('accepts escaped categories and any', () => {
    expect(compileQuery('"my-category" where true').category).toBe('my-category');
    expect(compileQuery('any where true').category).toBeNull();
    expect(compileQuery('any where true').matches({})).toBe(true);
    expect(compileQuery('"my-category" where true').matches({ event: { category: 'my-category' } })).toBe(true);
  });
});

const RULE = (over: { language?: string; query?: string; severity?: string; ruleId?: string; extra?: string } = {}): string => `
[metadata]
creation_date = "2026/11/24"

[rule]
author = ["Elastic", "Someone Else"]
description = "Test rule."
language = "${over.language ?? 'eql'}"
license = "Elastic License v2"
name = "Test rule"
risk_score = 47
rule_id = "${over.ruleId ?? 'aaaaaaaa-0000-0000-0000-000000000001'}"
severity = "${over.severity ?? 'medium'}"
type = "eql"
${over.extra ?? ''}
query = '''
process where process.name : "cmd.exe" and
  ${over.query ?? 'process.args : "/c"'}
'''
`;

describe('loadEqlRules', () => {
  it('loads good rules and reports bad ones, naming file, rule id, query position and reason', () => {
    const files: RuleFile[] = [
      { path: 'rules/good.toml', text: RULE() },
      { path: 'rules/bad-query.toml', text: RULE({ ruleId: 'bad-query', query: 'length(process.args) = 3' }) },
    ];
    const { detector, errors } = loadEqlRules(files);
    expect(detector.rules.map((r) => r.id)).toEqual(['aaaaaaaa-0000-0000-0000-000000000001']);
    expect(detector.rules[0]).toMatchObject({ author: 'Elastic, Someone Else', level: 'medium', triage: [], tags: [] });
    expect(errors).toEqual([
      {
        file: 'rules/bad-query.toml',
        ruleId: 'bad-query',
        item: 'query line 2, column 24 (file line 18): length(process.args) = 3',
        reason: '`=` is not an EQL operator: use `==` or `:`',
      },
    ]);
  });

  it('refuses rules in other languages', () => {
    const { errors } = loadEqlRules([{ path: 'k.toml', text: RULE({ language: 'kuery' }) }]);
    expect(errors[0]).toMatchObject({ file: 'k.toml', ruleId: 'aaaaaaaa-0000-0000-0000-000000000001', reason: expect.stringMatching(/"kuery", not "eql"/) });
  });

  it('refuses the sequence forms it does not run, with the reason and position', () => {
    const text = RULE().replace(/query = '''[\s\S]*'''/, "query = '''\nsequence with maxspan=1m\n [process where true]\n ![file where true]\n'''");
    const { errors } = loadEqlRules([{ path: 's.toml', text }]);
    expect(errors[0]?.reason).toMatch(/missing-event stages/);
    expect(errors[0]?.item).toMatch(/^query line 3, column 2/);
  });

  it('reports TOML syntax errors with line and column', () => {
    const { errors } = loadEqlRules([{ path: 'broken.toml', text: '[rule]\nname = "unterminated\n' }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'broken.toml', reason: expect.stringMatching(/^not valid TOML/) });
    expect(errors[0]?.item).toMatch(/^line 2, column \d+$/);
  });

  it('reports missing pieces and bad severities', () => {
    const { errors } = loadEqlRules([
      { path: 'no-rule.toml', text: '[metadata]\nx = 1\n' },
      { path: 'no-id.toml', text: RULE().replace(/rule_id = .*\n/, '') },
      { path: 'sev.toml', text: RULE({ severity: 'urgent' }) },
    ]);
    expect(errors.map((e) => [e.file, e.reason])).toEqual([
      ['no-rule.toml', 'no [rule] table: not an Elastic detection rule'],
      ['no-id.toml', '[rule] has no rule_id'],
      ['sev.toml', 'severity "urgent" is not low, medium, high or critical'],
    ]);
  });

  it('refuses a second rule with the same rule_id', () => {
    const { detector, errors } = loadEqlRules([
      { path: 'a.toml', text: RULE() },
      { path: 'b.toml', text: RULE() },
    ]);
    expect(detector.rules).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'b.toml', reason: 'duplicate rule_id: already loaded from a.toml' });
  });

  it('takes false_positives when the rule lists them, and tags from sub-techniques', () => {
    const extra = `false_positives = ["Admins running scripts"]
[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1059"
name = "Command and Scripting Interpreter"
[[rule.threat.technique.subtechnique]]
id = "T1059.003"
name = "Windows Command Shell"
[rule.threat.tactic]
id = "TA0002"
name = "Execution"
[rule]
`;
    // The threat tables close [rule]; re-open it is not valid TOML, so place them after the query.
    const text = `${RULE()}\n${extra.replace('[rule]\n', '')}`.replace('severity = "medium"', 'severity = "medium"\nfalse_positives = ["Admins running scripts"]').replace(/false_positives = \["Admins running scripts"\]\n\[\[rule\.threat\]\]/, '[[rule.threat]]');
    const { detector, errors } = loadEqlRules([{ path: 't.toml', text }]);
    expect(errors).toEqual([]);
    expect(detector.rules[0]?.tags).toEqual(['attack.execution', 'attack.t1059', 'attack.t1059.003']);
    expect(detector.rules[0]?.falsePositives).toEqual(['Admins running scripts']);
  });
});
