/**
 * Correlations and suppression across objects, against both real stores: SQLite (node:sqlite, in
 * memory) and DynamoDB (dynalite on 127.0.0.1 through the real SDK). Objects are scanned one by
 * one with scanStream, as the function and the CLI do, some of them twice (redelivery).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRulePack, type RulePack } from '../../lib/rules/rule-pack.ts';
import type { Match } from '../../lib/scan/match.ts';
import { scanStream } from '../../lib/scan/scan-stream.ts';
import { crossObjectState, type CrossObjectOptions } from '../../lib/state/cross-object-state.ts';
import { createDynamoStateStore } from '../../lib/state/dynamodb-state-store.ts';
import { openSqliteStateStore } from '../../lib/state/sqlite-state-store.ts';
import type { StateStore } from '../../lib/state/state-store.ts';
import { CollectingSink } from '../support/collecting-sink.ts';
import { startDynalite, type Dynalite } from '../support/dynalite.ts';

const BASE = `title: Failed logon
id: 20000000-0000-4000-8000-000000000001
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
title: Explicit credentials
id: 20000000-0000-4000-8000-000000000003
name: explicit_creds
author: winsift tests
level: low
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4648
  condition: selection
`;

function correlation(type: string, condition: string, extra = ''): string {
  return `${BASE}---
title: Correlated
id: 20000000-0000-4000-8000-000000000002
author: winsift tests
level: high
correlation:
  type: ${type}
  rules: ${type.startsWith('temporal') ? '[failed_logon, explicit_creds]' : '[failed_logon]'}
  group-by: [TargetUserName]
  timespan: 10m
${extra}  condition:
${condition}
`;
}

const NOISY = `title: Noisy service install
id: 20000000-0000-4000-8000-000000000009
author: winsift tests
level: medium
suppress: 1h
logsource:
  product: windows
  service: system
detection:
  selection:
    EventID: 7045
  condition: selection
`;

let clock = 0;
function event(id: number, user: string, minute: number, extra: Record<string, unknown> = {}): string {
  const at = new Date(Date.UTC(2026, 10, 20, 9, 0, 0) + minute * 60_000 + clock++);
  return JSON.stringify({
    EventID: id,
    Channel: id === 7045 ? 'System' : 'Security',
    SourceName: 'Microsoft-Windows-Security-Auditing',
    Hostname: 'DC01',
    EventTime: at.toISOString().replace('T', ' ').replace('Z', ''),
    TargetUserName: user,
    ...extra,
  });
}

type StoreKind = 'sqlite' | 'dynamodb';
let dynamo: Dynalite;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => dynamo?.stop());

async function openStore(kind: StoreKind): Promise<StateStore> {
  if (kind === 'sqlite') return openSqliteStateStore({ path: ':memory:' });
  const table = `winsift-state-${++tables}`;
  await dynamo.createStateTable(table);
  return createDynamoStateStore({ client: dynamo.client, table });
}

function scanner(pack: RulePack, store: StateStore, options: Omit<CrossObjectOptions, 'store'> = {}) {
  const state = crossObjectState(pack, { store, ...options });
  return async (key: string, lines: readonly string[], sink = new CollectingSink()) => {
    const object = { bucket: 'logs', key, etag: `etag-${key}` };
    async function* input() {
      yield Buffer.from(lines.join('\n'));
    }
    const { summary, delivery } = await scanStream(input(), {
      uri: `s3://logs/${key}`,
      detector: pack.detector,
      sink: state.wrapSink(sink, { ...object, uri: `s3://logs/${key}` }),
      object,
      crossObject: state,
    });
    return { matches: sink.matches, summary, delivery };
  };
}

const titles = (matches: readonly Match[]) => matches.map((m) => m.rule.title);

describe.each<StoreKind>(['sqlite', 'dynamodb'])('across objects (%s)', (kind) => {
  it('an event_count burst split across three objects, one delivered twice, alerts exactly once', async () => {
    const pack = loadRulePack([{ path: 'c.yml', text: correlation('event_count', '    gte: 3\n') }]);
    expect(pack.errors).toEqual([]);
    const store = await openStore(kind);
    const scan = scanner(pack, store);
    // The same bytes each time an object is delivered.
    const objects = { a: [event(4625, 'alice', 0), event(4625, 'bob', 0)], b: [event(4625, 'alice', 2)], c: [event(4625, 'alice', 4)] };
    const a = await scan('a.json', objects.a);
    const aAgain = await scan('a.json', objects.a);
    const b = await scan('b.json', objects.b);
    const c = await scan('c.json', objects.c);
    const cAgain = await scan('c.json', objects.c);
    const bAgain = await scan('b.json', objects.b);
    for (const r of [a, aAgain, b, bAgain, cAgain]) expect(titles(r.matches)).toEqual([]);
    expect(titles(c.matches)).toEqual(['Correlated']);
    const [fire] = c.matches;
    expect(fire!.event.fields).toMatchObject({ TargetUserName: 'alice', EventCount: 3, CorrelationValue: 3 });
    // Sourced at the burst's first event, in the first object.
    expect(fire!.source).toMatchObject({ uri: 's3://logs/a.json', index: 0 });
    expect(c.summary.state).toMatchObject({ correlationFired: 1, correlationLate: 0 });
    await store.close();
  });

  it('a retry of the object that fired before its alert was delivered fires it again (the publish record dedupes), then never', async () => {
    const pack = loadRulePack([{ path: 'c.yml', text: correlation('event_count', '    gte: 2\n') }]);
    const store = await openStore(kind);
    const scan = scanner(pack, store);
    await scan('a.json', [event(4625, 'carol', 0)]);
    const failing = new CollectingSink();
    failing.failNext = 1;
    const b = [event(4625, 'carol', 1)];
    await expect(scan('b.json', b, failing)).rejects.toThrow(/could not be delivered/);
    expect(titles(failing.matches)).toEqual(['Correlated']);
    const retry = await scan('b.json', b);
    expect(titles(retry.matches)).toEqual(['Correlated']);
    expect(retry.matches[0]!.source).toEqual(failing.matches[0]!.source);
    expect(retry.summary.state).toMatchObject({ correlationFired: 0, correlationRefired: 1 });
    const again = await scan('b.json', b);
    expect(titles(again.matches)).toEqual([]);
    await store.close();
  });

  it.each([
    ['value_count', '    gte: 3\n    field: IpAddress\n', (i: number) => ({ IpAddress: `10.0.0.${i}` })],
    // 5, 10, 15: the sum reaches 30, the average and the median 10, only with the third object.
    ['value_sum', '    gte: 30\n    field: Bytes\n', (i: number) => ({ Bytes: 5 * (i + 1) })],
    ['value_avg', '    gte: 10\n    field: Bytes\n', (i: number) => ({ Bytes: 5 * (i + 1) })],
    ['value_percentile', '    gte: 10\n    field: Bytes\n    percentile: 50\n', (i: number) => ({ Bytes: String(5 * (i + 1)) })],
  ])('%s aggregates its field over events of several objects', async (type, condition, fields) => {
    const pack = loadRulePack([{ path: 'c.yml', text: correlation(type, condition) }]);
    expect(pack.errors).toEqual([]);
    const store = await openStore(kind);
    const scan = scanner(pack, store);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await scan(`${type}-${i}.json`, [event(4625, 'dave', i, fields(i))]));
    const fired = results.flatMap((r) => titles(r.matches));
    expect(fired).toEqual(['Correlated']);
    expect(results[2]!.matches).toHaveLength(1);
    await store.close();
  });

  it.each(['temporal', 'temporal_ordered'])('%s joins different rules seen in different objects', async (type) => {
    const pack = loadRulePack([{ path: 'c.yml', text: correlation(type, '    gte: 2\n') }]);
    const store = await openStore(kind);
    const scan = scanner(pack, store);
    // For temporal_ordered, explicit_creds before failed_logon does not count; the later failed_logon... after it does.
    const one = await scan('t1.json', [event(4625, 'erin', 0)]);
    const two = await scan('t2.json', [event(4648, 'erin', 1)]);
    expect(titles(one.matches)).toEqual([]);
    expect(titles(two.matches)).toEqual(['Correlated']);
    await store.close();
  });

  it('temporal_ordered does not fire when the rules arrive in the wrong order of event time', async () => {
    const pack = loadRulePack([{ path: 'c.yml', text: correlation('temporal_ordered', '    gte: 2\n') }]);
    const store = await openStore(kind);
    const scan = scanner(pack, store);
    // The second object is scanned later but its event is earlier: order is event time, not arrival.
    await scan('o1.json', [event(4625, 'frank', 5)]);
    const late = await scan('o2.json', [event(4648, 'frank', 1)]);
    expect(titles(late.matches)).toEqual([]);
    await store.close();
  });

  it('counts and reports events later than the lateness bound instead of joining them', async () => {
    const pack = loadRulePack([{ path: 'c.yml', text: correlation('event_count', '    gte: 2\n') }]);
    const store = await openStore(kind);
    const scan = scanner(pack, store, { limits: { latenessMs: 60_000 } });
    await scan('new.json', [event(4625, 'gina', 60)]);
    const old = await scan('old.json', [event(4625, 'gina', 0), event(4625, 'gina', 1)]);
    expect(titles(old.matches)).toEqual([]);
    expect(old.summary.state).toMatchObject({ correlationLate: 2, correlationObserved: 2 });
    await store.close();
  });

  it('bounds what one group holds and counts what the cap evicts', async () => {
    const pack = loadRulePack([{ path: 'c.yml', text: correlation('event_count', '    gte: 100\n') }]);
    const store = await openStore(kind);
    const scan = scanner(pack, store, { limits: { maxObservationsPerGroup: 5, maxGroupsPerRule: 2 } });
    const lines = Array.from({ length: 8 }, (_, i) => event(4625, 'henry', i / 10));
    const r = await scan('cap.json', [...lines, event(4625, 'ian', 1), event(4625, 'jo', 1)]);
    // 3 of henry's 8 over the per-group cap; jo is a third group over the per-rule cap of 2.
    expect(r.summary.state).toMatchObject({ correlationObserved: 6, correlationEvicted: 4 });
    const more = await scan('cap2.json', lines.slice(0, 3).map((_, i) => event(4625, 'henry', 1 + i / 10)));
    // The group now holds 8 observations; the read keeps the newest 5 and counts the 3 left out.
    expect(more.summary.state).toMatchObject({ correlationEvicted: 3 });
    await store.close();
  });

  it('a noisy rule repeating on one host across 20 objects gives one alert, then one "N more" with the count', async () => {
    const pack = loadRulePack([{ path: 'n.yml', text: NOISY }]);
    expect(pack.errors).toEqual([]);
    const store = await openStore(kind);
    const scan = scanner(pack, store);
    const published: Match[] = [];
    for (let i = 0; i < 20; i++) {
      const lines = [event(7045, 'svc', i * 2), event(7045, 'svc', i * 2 + 1)];
      published.push(...(await scan(`noisy-${i}.json`, lines)).matches);
      if (i === 7) published.push(...(await scan(`noisy-${i}.json`, lines)).matches); // redelivered
    }
    expect(published).toHaveLength(1);
    expect(published[0]!.suppressed).toBeUndefined();
    // The next match after the window (1h from minute 0) opens a new one and closes the first.
    const next = await scan('noisy-next.json', [event(7045, 'svc', 70)]);
    const summary = next.matches.find((m) => m.suppressed);
    expect(summary?.suppressed?.count).toBe(39);
    expect(summary?.event.fields).toMatchObject({ Computer: 'DC01', SuppressedCount: 39 });
    expect(next.matches.filter((m) => !m.suppressed)).toHaveLength(1);
    await store.close();
  });

  it('a window nobody matches again is closed by a later scan past its end + lateness', async () => {
    const other = NOISY.replace('20000000-0000-4000-8000-000000000009', '20000000-0000-4000-8000-00000000000a').replace('Noisy service install', 'Other host noise');
    const pack = loadRulePack([{ path: 'n.yml', text: `${NOISY}---\n${other}` }]);
    const store = await openStore(kind);
    const scan = scanner(pack, store, { limits: { latenessMs: 60_000 } });
    const first = await scan('w1.json', [event(7045, 'svc', 0), event(7045, 'svc', 1), event(7045, 'svc', 2)]);
    expect(first.matches).toHaveLength(2); // both rules open a window on DC01
    // Another host, two hours later: DC01's windows are over; the sweep summarises them.
    const w2 = [event(7045, 'svc', 120, { Hostname: 'WS07' })];
    const later = await scan('w2.json', w2);
    const summaries = later.matches.filter((m) => m.suppressed);
    expect(summaries.map((m) => [m.rule.title, m.suppressed?.count]).sort()).toEqual([
      ['Noisy service install', 2],
      ['Other host noise', 2],
    ]);
    const again = await scan('w2.json', w2);
    expect(again.matches).toEqual([]);
    await store.close();
  });
});

describe('concurrent scans of one group (dynamodb)', () => {
  it('never lose an observation nor fire twice', async () => {
    const pack = loadRulePack([{ path: 'c.yml', text: correlation('event_count', '    gte: 4\n') }]);
    const store = await openStore('dynamodb');
    const scan = scanner(pack, store);
    let fires = 0;
    for (let round = 0; round < 8; round++) {
      const user = `race-${round}`;
      // Four objects of one group at once: together they make the burst; alone none does.
      const results = await Promise.all([0, 1, 2, 3].map((i) => scan(`race-${round}-${i}.json`, [event(4625, user, i)])));
      const fired = results.flatMap((r) => r.matches);
      expect(fired).toHaveLength(1);
      expect(fired[0]!.event.fields).toMatchObject({ EventCount: 4 });
      fires += fired.length;
    }
    expect(fires).toBe(8);
    expect(store.stats().conflicts).toBeGreaterThanOrEqual(0);
    await store.close();
  });
});

describe('the suppress custom attribute', () => {
  const rule = (suppress: string) => NOISY.replace('suppress: 1h', suppress);
  it('reads a window, {window, by} and false; names the rule when it cannot', () => {
    const meta = (text: string) => loadRulePack([{ path: 'n.yml', text }]).detector.rules[0];
    expect(meta(rule('suppress: 90m'))?.suppress).toEqual({ windowMs: 90 * 60_000 });
    expect(meta(rule('suppress:\n  window: 1h\n  by: [Computer, User]'))?.suppress).toEqual({ windowMs: 3_600_000, by: ['Computer', 'User'] });
    expect(meta(rule('suppress: false'))?.suppress).toBe('never');
    const bad = loadRulePack([{ path: 'n.yml', text: rule('suppress: hourly') }]);
    expect(bad.errors).toEqual([expect.objectContaining({ file: 'n.yml', item: 'suppress', reason: expect.stringMatching(/timespan 'hourly'/) })]);
    // A window of nothing, or a key of no fields, is a mistake (and a precompiled pack could not carry it).
    expect(loadRulePack([{ path: 'n.yml', text: rule('suppress: 0m') }]).errors).toEqual([expect.objectContaining({ item: 'suppress', reason: expect.stringMatching(/longer than 0/) })]);
    expect(loadRulePack([{ path: 'n.yml', text: rule('suppress: { window: 1h, by: [] }') }]).errors).toEqual([expect.objectContaining({ item: 'suppress' })]);
  });

  it('suppress: false opts a rule out of the global default', async () => {
    const pack = loadRulePack([{ path: 'n.yml', text: rule('suppress: false') }]);
    const store = await openStore('sqlite');
    const scan = scanner(pack, store, { defaultSuppressMs: 3_600_000 });
    const one = await scan('x1.json', [event(7045, 'svc', 0), event(7045, 'svc', 1)]);
    const two = await scan('x2.json', [event(7045, 'svc', 2)]);
    expect(one.matches.length + two.matches.length).toBe(3);
    await store.close();
  });
});
