import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3PublishRecordStore } from '../../lib/alerts/s3-publish-record.ts';
import { startFauxAws, type FauxAws } from './support/fauxqs-env.ts';
import { S3_OBJECT } from './support/fixtures.ts';

let aws: FauxAws;
const BUCKET = 'winsift-record';

beforeAll(async () => {
  aws = await startFauxAws();
  await aws.createBucket(BUCKET);
});
afterAll(async () => {
  await aws?.stop();
});

describe('S3 publish record', () => {
  it('remembers ids per object content, across store instances, over more than one list page', async () => {
    const ids = Array.from({ length: 1005 }, (_, i) => `ws-${String(i).padStart(5, '0')}`);
    const writer = createS3PublishRecordStore({ s3: aws.s3, bucket: BUCKET, prefix: 'pages/' });
    for (let i = 0; i < ids.length; i += 100) await writer.record(S3_OBJECT, ids.slice(i, i + 100));

    const reader = createS3PublishRecordStore({ s3: aws.s3, bucket: BUCKET, prefix: 'pages' });
    const seen = await reader.published(S3_OBJECT);
    expect(seen.size).toBe(1005);
    expect(seen.has('ws-01004')).toBe(true);
    expect((await reader.published({ ...S3_OBJECT, etag: '"other-content"' })).size).toBe(0);
  });

  it('recording an id twice is harmless', async () => {
    const store = createS3PublishRecordStore({ s3: aws.s3, bucket: BUCKET, prefix: 'twice' });
    await store.record(S3_OBJECT, ['ws-a']);
    await store.record(S3_OBJECT, ['ws-a', 'ws-b']);
    expect([...(await store.published(S3_OBJECT))].sort()).toEqual(['ws-a', 'ws-b']);
  });

  it('names the bucket and the reason when it cannot record', async () => {
    const store = createS3PublishRecordStore({ s3: aws.s3, bucket: 'no-such-bucket', prefix: 'x' });
    await expect(store.record(S3_OBJECT, ['ws-a'])).rejects.toThrow(/cannot record 1 published alert.*s3:\/\/no-such-bucket\/x\//);
  });

  // What the test backend does with S3 conditional writes, so nobody reads more into the tests
  // above than they show: fauxqs accepts `If-None-Match: *` but does not enforce it (it overwrites).
  // Real S3 answers 412, which the store treats as "already recorded". If this starts failing,
  // fauxqs enforces the condition and a race test can be added.
  it('fauxqs does not enforce If-None-Match on PutObject', async () => {
    const put = (body: string) => aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'conditional', Body: body, IfNoneMatch: '*' }));
    await put('first');
    await expect(put('second')).resolves.toBeDefined();
  });
});
