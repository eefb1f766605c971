/**
 * The S3 publish record's object claim against fauxqs. fauxqs ignores conditional headers (pinned
 * down first), so the claim tests run through s3WithConditionalWrites, which checks them as S3
 * does before each request reaches fauxqs. What that cannot show: S3's 409 for two conditional
 * writes racing inside S3 itself (the store treats 409 like 412), and real S3's clock.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3PublishRecordStore } from '../../lib/alerts/s3-publish-record.ts';
import { startFauxAws, type FauxAws } from './support/fauxqs-env.ts';
import { S3_OBJECT } from './support/fixtures.ts';
import { s3WithConditionalWrites } from './support/s3-conditional-writes.ts';

let aws: FauxAws;
let s3: S3Client;
const BUCKET = 'winsift-claims';
const LONG = 60_000;

beforeAll(async () => {
  aws = await startFauxAws();
  await aws.createBucket(BUCKET);
  s3 = s3WithConditionalWrites(aws.endpoint);
});
afterAll(async () => {
  s3?.destroy();
  await aws?.stop();
});

async function claimKeys(prefix: string): Promise<string[]> {
  const page = await aws.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
  return (page.Contents ?? []).map((c) => c.Key as string).filter((k) => k.endsWith('/claim'));
}

async function readBody(key: string): Promise<Record<string, unknown>> {
  const out = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? '{}') as Record<string, unknown>;
}

describe('what fauxqs does with conditional requests (why the claim tests add the checks)', () => {
  it('ignores If-Match on PutObject and DeleteObject', async () => {
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'pin/if-match', Body: 'first' }));
    await expect(aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'pin/if-match', Body: 'second', IfMatch: '"not-its-etag"' }))).resolves.toBeDefined();
    await expect(aws.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'pin/if-match', IfMatch: '"not-its-etag"' }))).resolves.toBeDefined();
    await expect(aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'pin/if-match' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('with the checks in front, a second create and a stale If-Match fail as on S3', async () => {
    const put = (input: { IfNoneMatch?: string; IfMatch?: string }) =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'pin/checked', Body: JSON.stringify(input), ...input }));
    const created = await put({ IfNoneMatch: '*' });
    await expect(put({ IfNoneMatch: '*' })).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(put({ IfMatch: '"stale"' })).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(put({ IfMatch: created.ETag as string })).resolves.toBeDefined();
  });
});

describe('S3 object claim', () => {
  it('is held by one attempt at a time, not listed as a published alert, and freed on release', async () => {
    const store = createS3PublishRecordStore({ s3, bucket: BUCKET, prefix: 'basic' });
    const first = await store.claim(S3_OBJECT, { owner: 'attempt-1', leaseMs: LONG });
    expect(first.status).toBe('claimed');
    const [key] = await claimKeys('basic');
    expect(key).toBeDefined();
    expect(await readBody(key as string)).toMatchObject({ owner: 'attempt-1', uri: S3_OBJECT.uri });

    const second = await store.claim(S3_OBJECT, { owner: 'attempt-2', leaseMs: LONG });
    expect(second).toMatchObject({ status: 'held', owner: 'attempt-1' });
    if (second.status === 'held') expect(second.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    await store.record(S3_OBJECT, ['ws-a']);
    expect([...(await store.published(S3_OBJECT))]).toEqual(['ws-a']);

    if (first.status === 'claimed') await first.release();
    expect(await claimKeys('basic')).toEqual([]);
    expect((await store.claim(S3_OBJECT, { owner: 'attempt-2', leaseMs: LONG })).status).toBe('claimed');
  });

  it('of two attempts claiming at once, exactly one wins', async () => {
    const store = createS3PublishRecordStore({ s3, bucket: BUCKET, prefix: 'race' });
    const outcomes = await Promise.all(['a', 'b', 'c'].map((owner) => store.claim(S3_OBJECT, { owner, leaseMs: LONG })));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['claimed', 'held', 'held']);
  });

  it('an expired lease is taken over by one of two attempts, and the stale holder cannot release it', async () => {
    const store = createS3PublishRecordStore({ s3, bucket: BUCKET, prefix: 'expired' });
    const stale = await store.claim(S3_OBJECT, { owner: 'timed-out', leaseMs: 0 }); // expired at once: a crashed holder
    expect(stale.status).toBe('claimed');
    const takers = await Promise.all(['retry-1', 'retry-2'].map((owner) => store.claim(S3_OBJECT, { owner, leaseMs: LONG })));
    expect(takers.map((t) => t.status).sort()).toEqual(['claimed', 'held']);
    const winner = takers.findIndex((t) => t.status === 'claimed') === 0 ? 'retry-1' : 'retry-2';

    if (stale.status === 'claimed') await stale.release(); // its ETag is gone: nothing freed
    expect(await store.claim(S3_OBJECT, { owner: 'third', leaseMs: LONG })).toMatchObject({ status: 'held', owner: winner });
  });

  it('names the claim and the reason when the stored claim is not one', async () => {
    const store = createS3PublishRecordStore({ s3, bucket: BUCKET, prefix: 'garbled' });
    await store.claim(S3_OBJECT, { owner: 'x', leaseMs: LONG });
    const [key] = await claimKeys('garbled');
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key as string, Body: '{"owner": 42}' }));
    await expect(store.claim(S3_OBJECT, { owner: 'y', leaseMs: LONG })).rejects.toThrow(
      new RegExp(`s3://${BUCKET}/garbled/[0-9a-f]{32}/claim is not a winsift claim: expected`),
    );
  });

  it('names the bucket when the claim cannot be written', async () => {
    const store = createS3PublishRecordStore({ s3, bucket: 'no-such-bucket', prefix: 'x' });
    await expect(store.claim(S3_OBJECT, { owner: 'y', leaseMs: LONG })).rejects.toThrow(/cannot write the claim s3:\/\/no-such-bucket\/x\/.*\/claim: NoSuchBucket/);
  });
});
