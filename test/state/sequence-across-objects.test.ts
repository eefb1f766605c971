/**
 * EQL `sequence by` across objects: stage hits stored per join key and replayed by EQL's own state
 * machine, with maxspan and until, exactly once under redelivery; SQLite and DynamoDB (dynalite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';
import type { Match } from '../../lib/scan/match.ts';
import { scanStream } from '../../lib/scan/scan-stream.ts';
import { crossObjectState } from '../../lib/state/cross-object-state.ts';
import { createDynamoStateStore } from '../../lib/state/dynamodb-state-store.ts';
import { openSqliteStateStore } from '../../lib/state/sqlite-state-store.ts';
import type { StateStore } from '../../lib/state/state-store.ts';
import { CollectingSink } from '../support/collecting-sink.ts';
import { startDynalite, type Dynalite } from '../support/dynalite.ts';

const RULE = `[rule]
author = ["winsift tests"]
description = "cmd.exe, then an executable written, on one host."
language = "eql"
name = "Shell then dropped executable"
rule_id = "60000000-0000-4000-8000-000000000001"
severity = "high"
type = "eql"
query = '''
sequence by host.id with maxspan=5m
  [process where process.name == "cmd.exe"]
  [file where file.extension == "exe"]
until [process where process.name == "logoff.exe"]
'''
`;

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);
function ecs(category: string, host: string, seconds: number, fields: Record<string, unknown>): string {
  return JSON.stringify({
    '@timestamp': new Date(T0 + seconds * 1000).toISOString(),
    event: { category: [category], code: '1' },
    host: { id: host, name: host },
    agent: { type: 'endpoint' },
    ecs: { version: '8.11.0' },
    ...fields,
  });
}
const cmd = (host: string, s: number) => ecs('process', host, s, { process: { name: 'cmd.exe' } });
const exe = (host: string, s: number) => ecs('file', host, s, { file: { extension: 'exe', name: `x${s}.exe` } });
const logoff = (host: string, s: number) => ecs('process', host, s, { process: { name: 'logoff.exe' } });

let dynamo: Dynalite;
let tables = 0;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => dynamo?.stop());

async function openStore(kind: 'sqlite' | 'dynamodb'): Promise<StateStore> {
  if (kind === 'sqlite') return openSqliteStateStore({ path: ':memory:' });
  const table = `sequence-state-${++tables}`;
  await dynamo.createStateTable(table);
  return createDynamoStateStore({ client: dynamo.client, table });
}

describe.each(['sqlite', 'dynamodb'] as const)('EQL sequences across objects (%s)', (kind) => {
  const pack = loadRulePack([{ path: 'seq.toml', text: RULE }]);
  const scanWith = (store: StateStore) => {
    const state = crossObjectState(pack, { store });
    return async (key: string, lines: readonly string[]): Promise<Match[]> => {
      const sink = new CollectingSink();
      const object = { bucket: 'b', key, etag: `e-${key}` };
      const uri = `s3://b/${key}`;
      async function* input() {
        yield Buffer.from(lines.join('\n'));
      }
      await scanStream(input(), { uri, detector: pack.detector, sink: state.wrapSink(sink, { ...object, uri }), object, crossObject: state });
      return sink.matches;
    };
  };

  it('completes a sequence whose stages are in different objects, once, however often they are delivered', async () => {
    expect(pack.errors).toEqual([]);
    const store = await openStore(kind);
    const scan = scanWith(store);
    const a = [cmd('h1', 0), cmd('h2', 1)];
    const b = [exe('h1', 30)];
    expect(await scan('a.json', a)).toEqual([]);
    expect(await scan('a.json', a)).toEqual([]);
    const fired = await scan('b.json', b);
    expect(fired.map((m) => m.rule.title)).toEqual(['Shell then dropped executable']);
    expect(fired[0]!.event.fields).toMatchObject({ SequenceKey: ['h1'], EventCount: 2 });
    expect(fired[0]!.source).toMatchObject({ uri: 's3://b/a.json', index: 0 });
    expect(await scan('b.json', b)).toEqual([]);
    expect(await scan('a.json', a)).toEqual([]);
    await store.close();
  });

  it('keeps maxspan and until across objects, and the order of event time', async () => {
    const store = await openStore(kind);
    const scan = scanWith(store);
    // maxspan: the file comes 10 minutes after the shell.
    await scan('m1.json', [cmd('h3', 0)]);
    expect(await scan('m2.json', [exe('h3', 600)])).toEqual([]);
    // until: a logoff between them, in a third object.
    await scan('u1.json', [cmd('h4', 0)]);
    await scan('u2.json', [logoff('h4', 10)]);
    expect(await scan('u3.json', [exe('h4', 20)])).toEqual([]);
    // Stages in the wrong order of event time, though delivered in the right order.
    await scan('o1.json', [exe('h5', 0)]);
    expect(await scan('o2.json', [cmd('h5', 10)])).toEqual([]);
    await store.close();
  });
});

describe('without a store', () => {
  it('sequences stay within one object, as before', async () => {
    const pack = loadRulePack([{ path: 'seq.toml', text: RULE }]);
    const run = async (lines: string[]) => {
      const sink = new CollectingSink();
      async function* input() {
        yield Buffer.from(lines.join('\n'));
      }
      await scanStream(input(), { uri: 'mem://x', detector: pack.detector, sink });
      return sink.matches.length;
    };
    expect(await run([cmd('h1', 0), exe('h1', 30)])).toBe(1);
    expect((await run([cmd('h1', 0)])) + (await run([exe('h1', 30)]))).toBe(0);
  });
});
