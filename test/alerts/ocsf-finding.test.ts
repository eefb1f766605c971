import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAggregator, DEFAULT_AGGREGATION } from '../../lib/alerts/aggregator.ts';
import type { Alert } from '../../lib/alerts/alert.ts';
import { toOcsfFinding } from '../../lib/alerts/ocsf-finding.ts';
import { TRIM_STEPS } from '../../lib/alerts/render-limits.ts';
import { LEVELS, type RuleMeta } from '../../lib/rules/rule.ts';
import { validate, type Schema } from './support/json-schema.ts';
import { match, rule, S3_OBJECT } from './support/fixtures.ts';

const schema = JSON.parse(readFileSync(new URL('./support/ocsf-detection-finding.schema.json', import.meta.url), 'utf8')) as Schema;

function alertOf(count: number, r: RuleMeta = rule(), object = S3_OBJECT): Alert {
  const aggregator = createAggregator(object, DEFAULT_AGGREGATION);
  for (let i = 0; i < count; i++) aggregator.add(match(i + 3, { rule: r, object }));
  const [alert] = aggregator.alerts();
  return alert!;
}

describe('OCSF Detection Finding', () => {
  it('is valid against the schema for every level, folded or not, with or without ATT&CK tags', () => {
    for (const level of LEVELS) {
      for (const tags of [[], ['attack.persistence'], ['attack.t1059.001'], ['attack.execution', 'attack.t1197', 'attack.t1059.001', 'attack.stealth']]) {
        for (const count of [1, 40]) {
          const finding = toOcsfFinding(alertOf(count, rule({ level, tags })));
          expect(validate(schema, finding), `${level} ${tags.join(',')} x${count}`).toEqual([]);
        }
      }
    }
  });

  it('the schema check can fail', () => {
    const finding = toOcsfFinding(alertOf(1));
    const broken = { ...finding, class_uid: 2001, severity_id: 7, finding_info: { title: 'no uid' } };
    expect(validate(schema, broken)).toEqual([
      '$.class_uid: expected 2004, got 2001',
      '$.severity_id: 7 not in [0,1,2,3,4,5,6,99]',
      '$.finding_info: missing uid',
    ]);
  });

  it('carries the rule, the matched fields, the raw event and the S3 location', () => {
    const alert = alertOf(12, rule({ triage: ['Examine the job', 'Block the IP'] }));
    const finding = toOcsfFinding(alert) as any;
    expect(finding).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200401,
      severity_id: 4,
      severity: 'High',
      count: 12,
      time: Date.parse('2024-05-01T10:20:30.000Z'),
      metadata: { version: '1.3.0', product: { name: 'winsift' }, uid: alert.id },
      finding_info: {
        uid: alert.id,
        title: 'BITS Transfer Job Download From Direct IP',
        desc: 'Detects a BITS transfer job downloading file(s) from a direct IP address.',
        analytic: { uid: '90f138c1-f578-4ac3-8c49-eecfd847c8b7', type_id: 1, type: 'Rule' },
      },
      device: { hostname: 'WS-0042.corp.example' },
      remediation: { desc: 'Examine the job\nBlock the IP', references: ['https://isc.sans.edu/diary/22264'] },
      resources: [{ type: 'AWS::S3::Object', uid: S3_OBJECT.uri, data: { bucket: 'logs-bucket', key: S3_OBJECT.key, etag: S3_OBJECT.etag } }],
    });
    expect(finding.finding_info.attacks).toEqual([
      { technique: { uid: 'T1197', src_url: 'https://attack.mitre.org/techniques/T1197/' }, tactic: { name: 'Persistence', uid: 'TA0003', src_url: 'https://attack.mitre.org/tactics/TA0003/' } },
      { technique: { uid: 'T1197', src_url: 'https://attack.mitre.org/techniques/T1197/' }, tactic: { name: 'Execution', uid: 'TA0002', src_url: 'https://attack.mitre.org/tactics/TA0002/' } },
    ]);
    expect(finding.evidences).toHaveLength(10);
    expect(finding.evidences[0].data).toMatchObject({
      event_index: 3,
      matched: [
        { field: 'EventID', value: 16403, test: 'equals 16403' },
        { field: 'RemoteName', value: 'http://203.0.113.7/payload.exe', test: 'contains "http://2"' },
      ],
      fields: { RemoteName: 'http://203.0.113.7/payload.exe', EventID: 16403 },
      raw: { Event: { EventData: { RemoteName: 'http://203.0.113.7/payload.exe' } } },
    });
    expect(finding.unmapped.winsift).toMatchObject({
      alert_id: alert.id,
      source: { bucket: 'logs-bucket', key: S3_OBJECT.key, etag: S3_OBJECT.etag, uri: S3_OBJECT.uri },
      event_indexes: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      count: 12,
      truncated: false,
      rule: { author: 'Nasreddine Bencherchali (Nextron Systems)', license: 'DRL-1.1' },
    });
  });

  it('names a local file as a file resource', () => {
    const finding = toOcsfFinding(alertOf(1, rule(), { uri: 'samples/bits.jsonl' })) as any;
    expect(finding.resources).toEqual([{ type: 'File', uid: 'samples/bits.jsonl', name: 'samples/bits.jsonl' }]);
    expect(validate(schema, finding)).toEqual([]);
  });

  it('stays valid and says so when trimmed at every step', () => {
    for (const limits of TRIM_STEPS.slice(1)) {
      const finding = toOcsfFinding(alertOf(20), limits) as any;
      expect(validate(schema, finding)).toEqual([]);
      expect(finding.unmapped.winsift.truncated).toBe(true);
      expect(finding.evidences.length).toBeLessThanOrEqual(limits.maxEvents);
    }
  });

  it('gives the same alert id for the same object content, rule and first event, and a different one otherwise', () => {
    const id = alertOf(3).id;
    expect(alertOf(3).id).toBe(id);
    expect(alertOf(3, rule({ id: 'other-rule' })).id).not.toBe(id);
    expect(alertOf(3, rule(), { ...S3_OBJECT, etag: '"changed"' }).id).not.toBe(id);
    expect(alertOf(3, rule(), { ...S3_OBJECT, versionId: 'v2' }).id).not.toBe(id);
    expect(id).toMatch(/^ws-[0-9a-f]{40}$/);
  });
});
