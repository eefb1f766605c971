/** The two stores keep one contract: the same test against SQLite and against DynamoDB (dynalite, real SDK). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStateStore } from '../../lib/state/dynamodb-state-store.ts';
import { openSqliteStateStore } from '../../lib/state/sqlite-state-store.ts';
import type { StateStore } from '../../lib/state/state-store.ts';
import { startDynalite, type Dynalite } from '../support/dynalite.ts';

let dynamo: Dynalite;
let tables = 0;
let clock = 1_000_000;
const nowSeconds = () => clock;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => dynamo?.stop());

async function open(kind: 'sqlite' | 'dynamodb'): Promise<StateStore> {
  if (kind === 'sqlite') return openSqliteStateStore({ path: ':memory:', nowSeconds });
  const table = `store-contract-${++tables}`;
  await dynamo.createStateTable(table);
  return createDynamoStateStore({ client: dynamo.client, table, nowSeconds });
}

describe.each(['sqlite', 'dynamodb'] as const)('state store contract (%s)', (kind) => {
  it('putIf creates once, then only on the version it read; a loser writes nothing', async () => {
    const store = await open(kind);
    expect(await store.putIf({ pk: 'g', sk: 'h', body: { n: 1 }, expiresAt: clock + 60 }, undefined)).toBe(true);
    expect(await store.putIf({ pk: 'g', sk: 'h', body: { n: 2 }, expiresAt: clock + 60 }, undefined)).toBe(false);
    const read = await store.get('g', 'h');
    expect(read).toMatchObject({ version: 1, body: { n: 1 } });
    expect(await store.putIf({ pk: 'g', sk: 'h', body: { n: 3 }, expiresAt: clock + 60 }, 1)).toBe(true);
    expect(await store.putIf({ pk: 'g', sk: 'h', body: { n: 4 }, expiresAt: clock + 60 }, 1)).toBe(false);
    expect(await store.get('g', 'h')).toMatchObject({ version: 2, body: { n: 3 } });
    expect(store.stats().conflicts).toBe(2);
  });

  it('putAll writes batches of any size (the same key twice in one batch: the last wins), queries in sk order within bounds', async () => {
    const store = await open(kind);
    const items = Array.from({ length: 60 }, (_, i) => ({ pk: 'p', sk: `o#${String(i).padStart(3, '0')}`, body: { i }, expiresAt: clock + 60 }));
    await store.putAll([...items, { ...items[5]!, body: { i: 'again' } }]);
    const all = await store.query('p');
    expect(all).toHaveLength(60);
    expect(all[5]!.body).toEqual({ i: 'again' });
    const some = await store.query('p', { from: 'o#010', to: 'o#019' });
    expect(some.map((x) => (x.body as { i: number }).i)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const newest = await store.query('p', { descending: true, limit: 3 });
    expect(newest.map((x) => x.sk)).toEqual(['o#059', 'o#058', 'o#057']);
    expect(await store.count('p', { from: 'o#050' })).toBe(10);
    if (kind === 'dynamodb') expect(store.stats().writes).toBe(3); // 25 + 25 + 10 items, one request each
  });

  it('treats an expired item as gone, and lets a new one take its key', async () => {
    const store = await open(kind);
    await store.putAll([{ pk: 'e', sk: 'old', body: 1, expiresAt: clock + 10 }]);
    expect(await store.putIf({ pk: 'e', sk: 'h', body: 1, expiresAt: clock + 10 }, undefined)).toBe(true);
    clock += 11;
    expect(await store.get('e', 'h')).toBeUndefined();
    expect(await store.query('e')).toEqual([]);
    expect(await store.putIf({ pk: 'e', sk: 'h', body: 2, expiresAt: clock + 10 }, undefined)).toBe(true);
    expect((await store.get('e', 'h'))?.body).toBe(2);
    await store.delete('e', 'h');
    expect(await store.get('e', 'h')).toBeUndefined();
  });
});

describe('store errors name the store', () => {
  it('a DynamoDB table that does not exist', async () => {
    const store = createDynamoStateStore({ client: dynamo.client, table: 'no-such-table' });
    await expect(store.get('a', 'b')).rejects.toThrow(/state table no-such-table: GetItem failed: .*/);
  });

  it('a SQLite file that cannot be opened', () => {
    expect(() => openSqliteStateStore({ path: '/nonexistent-dir/state.sqlite' })).toThrow(/\/nonexistent-dir\/state.sqlite: cannot open the state database/);
  });
});
