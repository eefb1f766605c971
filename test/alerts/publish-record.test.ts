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
