/** Sigma correlation rules across the events of one scan: each type, group-by, timespan, aliases, generate, chaining. */
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { loadSigmaRules } from '../../lib/sigma/index.ts';
import { loadSigmaCorrelations } from '../../lib/sigma/correlation.ts';
import { event } from './support.ts';

const failedLogon = `title: Failed logon
id: 10000000-0000-4000-8000-000000000001
name: failed_logon
logsource:
  product: windows
  service: security
detection:
  sel:
    EventID: 4625
  condition: sel
---
title: Successful logon
id: 10000000-0000-4000-8000-000000000002
name: successful_logon
logsource:
  product: windows
  service: security
detection:
  sel:
    EventID: 4624
  condition: sel
`;

function correlate(correlation: string, events: Array<Record<string, FieldValue>>) {
  const files = [{ path: 'c.yml', text: `${failedLogon}---\ntitle: Correlation\nid: 20000000-0000-4000-8000-000000000001\nlevel: high\n${correlation}` }];
  const { detector, errors } = loadSigmaRules(files);
  expect(errors).toEqual([]);
  const correlations = loadSigmaCorrelations(files);
  expect(correlations.errors).toEqual([]);
  const correlator = correlations.createCorrelator();
  events.forEach((fields, index) => {
    const e = event({ Channel: 'Security', ...fields });
    correlator.observe(e, detector.match(e), { uri: 'test', index });
  });
  return { ...correlator.finish(), hidden: correlations.hiddenRuleIds };
}

const at = (second: number) => `2024-05-01T10:00:${String(second).padStart(2, '0')}Z`;
const fail = (second: number, user = 'alice', host = 'WS1') => ({ EventID: 4625, TargetUserName: user, Computer: host, TimeCreated_SystemTime: at(second) });
const ok = (second: number, user = 'alice') => ({ EventID: 4624, TargetUserName: user, Computer: 'WS1', TimeCreated_SystemTime: at(second) });

describe('event_count', () => {
  const rule = 'correlation:\n  type: event_count\n  rules: [failed_logon]\n  group-by: [TargetUserName]\n  timespan: 10s\n  condition:\n    gte: 3\n';
  it('fires when enough events of one group fall in the timespan', () => {
    const { matches } = correlate(rule, [fail(0), fail(2), fail(4)]);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ group: { TargetUserName: 'alice' }, value: 3, eventCount: 3, firstTime: '2024-05-01T10:00:00.000Z', lastTime: '2024-05-01T10:00:04.000Z' });
    expect(matches[0]!.sources.map((s) => s.index)).toEqual([0, 1, 2]);
  });
  it('not when they are spread wider than the timespan', () => expect(correlate(rule, [fail(0), fail(20), fail(40)]).matches).toEqual([]));
  it('not across groups', () => expect(correlate(rule, [fail(0, 'a'), fail(1, 'b'), fail(2, 'c')]).matches).toEqual([]));
  it('the base rule is hidden unless generate is true', () => {
    expect([...correlate(rule, []).hidden]).toEqual(['10000000-0000-4000-8000-000000000001']);
    expect([...correlate(`${rule}  generate: true\n`, []).hidden]).toEqual([]);
  });
  it('untimed events are counted, not guessed', () => {
    const { untimed } = correlate(rule, [{ EventID: 4625, TargetUserName: 'x' }]);
    expect(untimed).toBe(1);
  });
});

describe('value_count', () => {
  const rule = 'correlation:\n  type: value_count\n  rules: [failed_logon]\n  group-by: [Computer]\n  timespan: 1m\n  condition:\n    field: TargetUserName\n    gte: 3\n';
  it('counts distinct values', () => expect(correlate(rule, [fail(0, 'a'), fail(1, 'b'), fail(2, 'c')]).matches[0]?.value).toBe(3));
  it('repeats of one value do not count', () => expect(correlate(rule, [fail(0, 'a'), fail(1, 'a'), fail(2, 'b')]).matches).toEqual([]));
});

describe('temporal', () => {
  const rule = 'correlation:\n  type: temporal\n  rules: [failed_logon, successful_logon]\n  group-by: [TargetUserName]\n  timespan: 10s\n';
  it('every rule within the timespan, any order', () => expect(correlate(rule, [ok(0), fail(5)]).matches).toHaveLength(1));
  it('not when one rule is missing', () => expect(correlate(rule, [fail(0), fail(5)]).matches).toEqual([]));
});

describe('temporal_ordered', () => {
  const rule = 'correlation:\n  type: temporal_ordered\n  rules: [failed_logon, successful_logon]\n  group-by: [TargetUserName]\n  timespan: 10s\n';
  it('in the listed order', () => expect(correlate(rule, [fail(0), ok(5)]).matches).toHaveLength(1));
  it('not in the other order', () => expect(correlate(rule, [ok(0), fail(5)]).matches).toEqual([]));
});

describe('value_sum / value_avg / value_percentile', () => {
  const events = [1, 2, 3, 10].map((n, i) => ({ ...fail(i), Bytes: n }));
  const rule = (type: string, extra: string) => `correlation:\n  type: ${type}\n  rules: [failed_logon]\n  group-by: [Computer]\n  timespan: 1m\n  condition:\n    field: Bytes\n${extra}`;
  it('sum', () => expect(correlate(rule('value_sum', '    gte: 16\n'), events).matches[0]?.value).toBe(16));
  it('sum below', () => expect(correlate(rule('value_sum', '    gte: 17\n'), events).matches).toEqual([]));
  it('avg', () => expect(correlate(rule('value_avg', '    gt: 3.9\n'), events).matches[0]?.value).toBe(4));
  it('percentile', () => expect(correlate(rule('value_percentile', '    percentile: 75\n    gte: 3\n'), events).matches[0]?.value).toBe(3));
});

describe('aliases', () => {
  it('group by an alias that names different fields per rule', () => {
    const rule = 'correlation:\n  type: temporal\n  rules: [failed_logon, successful_logon]\n  group-by: [account]\n  timespan: 10s\n  aliases:\n    account:\n      failed_logon: TargetUserName\n      successful_logon: SubjectUserName\n';
    const okOther = { EventID: 4624, SubjectUserName: 'alice', TimeCreated_SystemTime: at(3) };
    expect(correlate(rule, [fail(0), okOther]).matches[0]?.group).toEqual({ account: 'alice' });
    expect(correlate(rule, [fail(0), { ...okOther, SubjectUserName: 'bob' }]).matches).toEqual([]);
  });
});

describe('errors', () => {
  it('an unknown rule reference and a bad timespan are reported', () => {
    const files = [{ path: 'c.yml', text: `${failedLogon}---\ntitle: C\nid: 30000000-0000-4000-8000-000000000001\ncorrelation:\n  type: event_count\n  rules: [nope]\n  timespan: 10s\n  condition:\n    gte: 1\n---\ntitle: D\nid: 30000000-0000-4000-8000-000000000002\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: soon\n  condition:\n    gte: 1\n` }];
    const { errors } = loadSigmaCorrelations(files);
    expect(errors.map((e) => [e.ruleId, e.item])).toEqual([
      ['30000000-0000-4000-8000-000000000002', 'correlation: timespan'],
      ['30000000-0000-4000-8000-000000000001', 'correlation: rules'],
    ]);
    // The rule loader reports both too: nothing it cannot use goes unmentioned.
    expect(loadSigmaRules(files).errors.map((e) => e.item)).toEqual(['correlation: timespan', 'correlation: rules']);
  });
});
