/** Correlation rules through the scanner: one alert per correlated burst, per object, and `generate: false` rules stay silent. */
import { describe, expect, it } from 'vitest';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';
import { scanStream } from '../../lib/scan/scan-stream.ts';
import { CollectingSink } from '../support/collecting-sink.ts';

const rules = (generate: boolean) => [
  {
    path: 'failed-logon.yml',
    text: `title: Failed logon
id: 10000000-0000-4000-8000-000000000001
name: failed_logon
author: winsift tests
level: low
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4625
  condition: selection
---
title: Many failed logons for one account
id: 10000000-0000-4000-8000-000000000002
author: winsift tests
level: high
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 5m
  generate: ${generate}
  condition:
    gte: 3
`,
  },
];

function failedLogon(user: string, second: number): string {
  return JSON.stringify({
    EventID: 4625,
    Channel: 'Security',
    SourceName: 'Microsoft-Windows-Security-Auditing',
    Hostname: 'DC01',
    EventTime: `2026-11-20 09:00:${String(second).padStart(2, '0')}`,
    EventType: 'AUDIT_FAILURE',
    TargetUserName: user,
  });
}

const batch = [1, 2, 3, 4].map((s) => failedLogon('alice', s)).concat([failedLogon('bob', 5)]).join('\n');

async function scan(generate: boolean) {
  const pack = loadRulePack(rules(generate));
  expect(pack.errors).toEqual([]);
  const sink = new CollectingSink();
  async function* input() {
    yield Buffer.from(batch);
  }
  const { summary } = await scanStream(input(), { uri: 'mem://logons', detector: pack.detector, sink });
  return { sink, summary, pack };
}

describe('correlations in a scan', () => {
  it('raise one alert for the burst, sourced at its first event, and keep generate:false rules silent', async () => {
    const { sink, summary, pack } = await scan(false);
    expect(pack.detector.rules.map((r) => r.id)).toContain('10000000-0000-4000-8000-000000000002');
    expect(sink.matches.map((m) => m.rule.title)).toEqual(['Many failed logons for one account']);
    const [alert] = sink.matches;
    expect(alert!.event.fields).toMatchObject({ TargetUserName: 'alice', CorrelationValue: 3 });
    expect(alert!.source).toEqual({ uri: 'mem://logons', index: 0 });
    expect(summary).toMatchObject({ status: 'matched', matches: 1, events: 5 });
  });

  it('with generate:true the base rule alerts for every event as well', async () => {
    const { sink } = await scan(true);
    expect(sink.matches.filter((m) => m.rule.title === 'Failed logon')).toHaveLength(5);
    expect(sink.matches.filter((m) => m.rule.title.startsWith('Many'))).toHaveLength(1);
  });

  it('never joins events of two scans', async () => {
    const pack = loadRulePack(rules(false));
    let total = 0;
    for (const part of [batch.split('\n').slice(0, 2), batch.split('\n').slice(2, 4)]) {
      const sink = new CollectingSink();
      async function* input() {
        yield Buffer.from(part.join('\n'));
      }
      await scanStream(input(), { uri: 'mem://part', detector: pack.detector, sink });
      total += sink.matches.length;
    }
    expect(total).toBe(0);
  });
});
