import { describe, expect, it } from 'vitest';
import { createMemoryPublishRecordStore } from '../../lib/alerts/publish-record.ts';
import { S3_OBJECT } from './support/fixtures.ts';

const object = (n: number) => ({ ...S3_OBJECT, etag: `"e${n}"` });

describe('memory publish record', () => {
  it('remembers ids per object content', async () => {
    const store = createMemoryPublishRecordStore();
    await store.record(object(1), ['a', 'b']);
    await store.record(object(1), ['c']);
    expect([...(await store.published(object(1)))].sort()).toEqual(['a', 'b', 'c']);
    expect((await store.published(object(2))).size).toBe(0);
  });

  it('forgets the least recently recorded objects beyond its bound', async () => {
    const store = createMemoryPublishRecordStore(2);
    await store.record(object(1), ['a']);
    await store.record(object(2), ['b']);
    await store.record(object(1), ['c']); // object 1 is now the most recent
    await store.record(object(3), ['d']);
    expect((await store.published(object(2))).size).toBe(0);
    expect([...(await store.published(object(1)))].sort()).toEqual(['a', 'c']);
    expect([...(await store.published(object(3)))]).toEqual(['d']);
  });
});

describe('memory claim', () => {
  it('gives an object to one claimant at a time and frees it on release', async () => {
    const store = createMemoryPublishRecordStore();
    const first = await store.claim(object(1), { owner: 'a', leaseMs: 60_000 });
    expect(first.status).toBe('claimed');
    const second = await store.claim(object(1), { owner: 'b', leaseMs: 60_000 });
    expect(second).toMatchObject({ status: 'held', owner: 'a' });
    expect((await store.claim(object(2), { owner: 'b', leaseMs: 60_000 })).status).toBe('claimed'); // other content, other claim
    if (first.status === 'claimed') await first.release();
    expect((await store.claim(object(1), { owner: 'b', leaseMs: 60_000 })).status).toBe('claimed');
  });

  it('decides two claims made at once in call order', async () => {
    const store = createMemoryPublishRecordStore();
    const [a, b] = await Promise.all([
      store.claim(object(1), { owner: 'a', leaseMs: 60_000 }),
      store.claim(object(1), { owner: 'b', leaseMs: 60_000 }),
    ]);
    expect([a.status, b.status]).toEqual(['claimed', 'held']);
  });

  it('lets an expired lease be taken over, and the late release does not free the new holder', async () => {
    const store = createMemoryPublishRecordStore();
    const stale = await store.claim(object(1), { owner: 'crashed', leaseMs: 0 }); // expires at once
    const taker = await store.claim(object(1), { owner: 'retry', leaseMs: 60_000 });
    expect(taker.status).toBe('claimed');
    if (stale.status === 'claimed') await stale.release();
    expect(await store.claim(object(1), { owner: 'third', leaseMs: 60_000 })).toMatchObject({ status: 'held', owner: 'retry' });
  });
});
