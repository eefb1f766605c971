/**
 * Two attempts on the same object at the same moment (S3 delivers an event twice, two SQS
 * messages run at once): the object's claim lets one publish; the other publishes nothing, fails
 * the object, and its retry finds nothing left to send. fauxqs SNS -> SQS carries the alerts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryPublishRecordStore, type PublishRecordStore } from '../../lib/alerts/publish-record.ts';
import { createS3PublishRecordStore } from '../../lib/alerts/s3-publish-record.ts';
import { createSnsSinkFactory, type SnsDeliveryReport, type SnsSinkOptions } from '../../lib/alerts/sns-sink.ts';
import { alertBody, startFauxAws, type FauxAws } from './support/fauxqs-env.ts';
import { match, S3_OBJECT, summary } from './support/fixtures.ts';
import { s3WithConditionalWrites } from './support/s3-conditional-writes.ts';

let aws: FauxAws;
const BUCKET = 'winsift-concurrent';

beforeAll(async () => {
  aws = await startFauxAws();
  await aws.createBucket(BUCKET);
});
afterAll(async () => {
  await aws?.stop();
});

const noWait = { maxAttempts: 2, sleep: async () => {} };
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function sinkFactory(topicArn: string, store: PublishRecordStore, more: Partial<SnsSinkOptions> = {}) {
  return createSnsSinkFactory({ sns: aws.sns, topicArn, store, grouping: 'event', retry: noWait, ...more });
}

/** One whole attempt: every match added, then finish. */
async function scan(factory: ReturnType<typeof sinkFactory>, events: number): Promise<SnsDeliveryReport> {
  const sink = factory(S3_OBJECT);
  for (const i of range(events)) await sink.add(match(i));
  return (await sink.finish(summary(S3_OBJECT.uri, events))) as SnsDeliveryReport;
}

async function receivedIndexes(queueUrl: string): Promise<number[]> {
  const got = await aws.drain(queueUrl);
  return got.map((e) => (alertBody(e)['unmapped'] as any).winsift.event_indexes[0] as number).sort((a, b) => a - b);
}

async function topicWithQueue(name: string) {
  const topicArn = await aws.createTopic(name);
  return { topicArn, queueUrl: await aws.subscribeQueue(topicArn, `${name}-q`) };
}

describe('concurrent attempts on one object (memory record)', () => {
  it('the second attempt is held: it publishes nothing, fails, and its retry publishes nothing new', async () => {
    const { topicArn, queueUrl } = await topicWithQueue('cc-held');
    const factory = sinkFactory(topicArn, createMemoryPublishRecordStore(), { grouping: 'object-rule-host' });
    const first = factory(S3_OBJECT);
    const second = factory(S3_OBJECT);
    for (const i of range(3)) {
      await first.add(match(i));
      await second.add(match(i));
    }
    // Both finish at once; the first to claim publishes.
    const [a, b] = (await Promise.all([first.finish(summary()), second.finish(summary())])) as SnsDeliveryReport[];
    expect(a).toMatchObject({ claim: 'claimed', delivered: 1, failed: 0 });
    expect(b).toMatchObject({ claim: 'held', delivered: 0, alreadyDelivered: 0, failed: 1, requests: 0 });
    expect(b?.failures[0]).toMatchObject({ code: 'ClaimHeld', reason: expect.stringMatching(/another attempt is publishing.*lease until/) });
    expect(await aws.drain(queueUrl)).toHaveLength(1);

    const retry = await scan(factory, 3);
    expect(retry).toMatchObject({ claim: 'claimed', delivered: 0, alreadyDelivered: 1, failed: 0 });
    expect(await aws.drain(queueUrl)).toHaveLength(0);
  });

  it('a held attempt counts what the holder already published, and fails only the rest', async () => {
    const { topicArn, queueUrl } = await topicWithQueue('cc-overlap');
    const factory = sinkFactory(topicArn, createMemoryPublishRecordStore());
    // Per-event mode: the holder has sent events 0-9 and is still scanning when the duplicate finishes.
    const holder = factory(S3_OBJECT);
    for (const i of range(10)) await holder.add(match(i));
    const duplicate = await scan(factory, 12);
    expect(duplicate).toMatchObject({ claim: 'held', alerts: 12, delivered: 0, alreadyDelivered: 10, failed: 2 });

    for (const i of [10, 11]) await holder.add(match(i));
    expect(await holder.finish(summary())).toMatchObject({ claim: 'claimed', delivered: 12, failed: 0 });
    expect(await scan(factory, 12)).toMatchObject({ delivered: 0, alreadyDelivered: 12, failed: 0 });
    expect(await receivedIndexes(queueUrl)).toEqual(range(12));
  });

  it('takes over the claim of an attempt that died holding it once its lease has run out', async () => {
    const { topicArn, queueUrl } = await topicWithQueue('cc-expired');
    const store = createMemoryPublishRecordStore();
    const dead = await store.claim(S3_OBJECT, { owner: 'timed-out', leaseMs: 0 });
    expect(dead.status).toBe('claimed'); // never released
    expect(await scan(sinkFactory(topicArn, store), 3)).toMatchObject({ claim: 'claimed', delivered: 3, failed: 0 });
    expect(await receivedIndexes(queueUrl)).toEqual(range(3));
  });

  it('releases the claim when delivery throws, so the retry need not wait out the lease', async () => {
    const { topicArn } = await topicWithQueue('cc-throws');
    const memory = createMemoryPublishRecordStore();
    const unreadable: PublishRecordStore = { ...memory, published: async () => Promise.reject(new Error('S3 is down')) };
    const sink = sinkFactory(topicArn, unreadable)(S3_OBJECT);
    await sink.add(match(0));
    await expect(sink.finish(summary())).rejects.toThrow(/cannot read the publish record: S3 is down/);
    expect((await memory.claim(S3_OBJECT, { owner: 'retry', leaseMs: 60_000 })).status).toBe('claimed');
  });

  it('delivers without the claim when it cannot be taken, and says why', async () => {
    const { topicArn, queueUrl } = await topicWithQueue('cc-unavailable');
    const memory = createMemoryPublishRecordStore();
    const noClaims: PublishRecordStore = { ...memory, claim: async () => Promise.reject(new Error('AccessDenied: s3:GetObject')) };
    const report = await scan(sinkFactory(topicArn, noClaims), 2);
    expect(report).toMatchObject({ claim: 'unavailable', claimError: 'AccessDenied: s3:GetObject', delivered: 2, failed: 0 });
    expect(await receivedIndexes(queueUrl)).toEqual(range(2));
  });

  it('takes no claim for an object without alerts, nor for one that is not deduplicated', async () => {
    const { topicArn } = await topicWithQueue('cc-none');
    const memory = createMemoryPublishRecordStore();
    let claims = 0;
    const counting: PublishRecordStore = { ...memory, claim: (object, request) => (claims++, memory.claim(object, request)) };
    const clean = sinkFactory(topicArn, counting)(S3_OBJECT);
    expect(await clean.finish(summary())).toMatchObject({ claim: 'none', alerts: 0 });

    const { etag: _etag, ...keyOnly } = S3_OBJECT;
    const sink = sinkFactory(topicArn, counting)(keyOnly);
    await sink.add(match(0, { object: keyOnly }));
    expect(await sink.finish(summary())).toMatchObject({ claim: 'none', deduplicated: false, delivered: 1 });
    expect(claims).toBe(0);
  });
});

describe('concurrent attempts on one object (S3 record, conditional writes checked as S3 does)', () => {
  it('every alert reaches the subscriber once, however the two attempts interleave', async () => {
    const { topicArn, queueUrl } = await topicWithQueue('cc-s3');
    const s3 = s3WithConditionalWrites(aws.endpoint);
    try {
      // Two Lambdas: separate stores and sinks, one bucket.
      const lambda = () => sinkFactory(topicArn, createS3PublishRecordStore({ s3, bucket: BUCKET, prefix: 'cc' }));
      const reports = await Promise.all([scan(lambda(), 25), scan(lambda(), 25)]);
      expect(reports.reduce((n, r) => n + r.delivered, 0)).toBe(25);
      // The later attempt was either held (and fails the object) or came after the release (and found everything sent).
      for (const r of reports) {
        if (r.delivered === 0) expect(r.claim === 'held' ? r.failed + r.alreadyDelivered : r.alreadyDelivered).toBe(25);
      }
      expect(await receivedIndexes(queueUrl)).toEqual(range(25));

      // The failed attempt's retry: nothing new.
      expect(await scan(lambda(), 25)).toMatchObject({ claim: 'claimed', delivered: 0, alreadyDelivered: 25, failed: 0 });
      expect(await aws.drain(queueUrl)).toHaveLength(0);
    } finally {
      s3.destroy();
    }
  });
});
