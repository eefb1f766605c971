/**
 * Matches built by hand from the BITS-Client 16403 field facts, so sink tests need neither the
 * engine nor ingest. Values are ours (documentation IP ranges, made-up hosts).
 */
import type { FieldValue, WinEvent } from '../../../lib/events/win-event.ts';
import type { Level, RuleMeta } from '../../../lib/rules/rule.ts';
import type { EventSource, Match } from '../../../lib/scan/match.ts';

export function rule(overrides: Partial<RuleMeta> = {}): RuleMeta {
  return {
    id: '90f138c1-f578-4ac3-8c49-eecfd847c8b7',
    title: 'BITS Transfer Job Download From Direct IP',
    level: 'high' as Level,
    author: 'Nasreddine Bencherchali (Nextron Systems)',
    description: 'Detects a BITS transfer job downloading file(s) from a direct IP address.',
    references: ['https://isc.sans.edu/diary/22264'],
    tags: ['attack.persistence', 'attack.execution', 'attack.t1197'],
    triage: [],
    falsePositives: [],
    language: 'sigma',
    source: 'bundled:sigma-bits-direct-ip.yml',
    license: 'DRL-1.1',
    ...overrides,
  };
}

export function bitsEvent(fields: Record<string, FieldValue> = {}): WinEvent {
  const all: Record<string, FieldValue> = {
    EventID: 16403,
    Channel: 'Microsoft-Windows-Bits-Client/Operational',
    Computer: 'WS-0042.corp.example',
    TimeCreated_SystemTime: '2024-05-01T10:20:30.000Z',
    RemoteName: 'http://203.0.113.7/payload.exe',
    LocalName: 'C:\\Users\\Public\\payload.exe',
    ...fields,
  };
  return { fields: all, raw: { Event: { System: { EventID: all['EventID'] }, EventData: { RemoteName: all['RemoteName'] } } }, layout: 'evtx-json' };
}

export interface ObjectShape {
  readonly uri: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  readonly etag?: string;
}

export const S3_OBJECT: ObjectShape = {
  uri: 's3://logs-bucket/winlogbeat/2024/05/01/batch-0001.json.gz',
  bucket: 'logs-bucket',
  key: 'winlogbeat/2024/05/01/batch-0001.json.gz',
  etag: '"9b2cf535f27731c974343645a3985328"',
};

export function match(index: number, options: { rule?: RuleMeta; event?: WinEvent; object?: ObjectShape } = {}): Match {
  const event = options.event ?? bitsEvent();
  const source: EventSource = { ...(options.object ?? S3_OBJECT), index };
  return {
    rule: options.rule ?? rule(),
    event,
    source,
    evidence: [
      { field: 'EventID', value: 16403, test: 'equals 16403' },
      { field: 'RemoteName', value: event.fields['RemoteName'] ?? null, test: 'contains "http://2"' },
    ],
  };
}

export function summary(uri = S3_OBJECT.uri, matches = 0) {
  return {
    uri,
    status: matches > 0 ? ('matched' as const) : ('clean' as const),
    bytesIn: 1000,
    events: 100,
    skipped: 0,
    unreadable: 0,
    matches,
    matchesByRule: {},
    errors: [],
    durationMs: 5,
  };
}
