/**
 * Exactly-once across attempts, end to end: fauxqs SNS -> SQS for delivery, fauxqs S3 for the
 * publish record, faults injected into PublishBatch responses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3PublishRecordStore } from '../../lib/alerts/s3-publish-record.ts';
import { createSnsSinkFactory, type SnsDeliveryReport } from '../../lib/alerts/sns-sink.ts';
import { alertBody, startFauxAws, type FauxAws } from './support/fauxqs-env.ts';
import { bitsEvent, match, S3_OBJECT, summary } from './support/fixtures.ts';
import { injectPublishFaults } from './support/sns-faults.ts';

let aws: FauxAws;
const BUCKET = 'winsift-state';

beforeAll(async () => {
  aws = await startFauxAws();
  await aws.createBucket(BUCKET);
});
afterAll(async () => {
  await aws?.stop();
});

const noWait = { maxAttempts: 3, sleep: async () => {} };

async function scanOnce(topicArn: string, prefix: string, events: number) {
  const store = createS3PublishRecordStore({ s3: aws.s3, bucket: BUCKET, prefix });
  const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, store, grouping: 'event', retry: noWait })(S3_OBJECT);
  for (let i = 0; i < events; i++) await sink.add(match(i));
  return sink.finish(summary(S3_OBJECT.uri, events));
}

function indexesOf(received: Awaited<ReturnType<FauxAws['drain']>>): number[] {
  return received.map((e) => (alertBody(e)['unmapped'] as any).winsift.event_indexes[0] as number).sort((a, b) => a - b);
}

describe('exactly-once delivery across attempts', () => {
  it('retries entries SNS reported in Failed within one attempt, publishing each once', async () => {
    const topicArn = await aws.createTopic('eo-transient');
    const queueUrl = await aws.subscribeQueue(topicArn, 'eo-transient-q');
    // Every third entry fails on its first request only, like a throttled burst.
    let n = 0;
    const faults = injectPublishFaults(aws.sns, { fail: (_e, attempt) => attempt === 1 && n++ % 3 === 0 });
    try {
      const report = await scanOnce(topicArn, 'transient', 25);
      expect(faults.injected()).toBeGreaterThan(0);
      expect(report).toMatchObject({ delivered: 25, failed: 0, alreadyDelivered: 0 });
    } finally {
      faults.remove();
    }
    expect(indexesOf(await aws.drain(queueUrl))).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('after a partial failure, the retried object publishes only what was not published', async () => {
    const topicArn = await aws.createTopic('eo-partial');
    const queueUrl = await aws.subscribeQueue(topicArn, 'eo-partial-q');

    // Attempt 1: the alerts of events 4, 9, 14, ... fail on every request until retries run out.
    const failing = new Set([4, 9, 14, 19, 24]);
    const faults = injectPublishFaults(aws.sns, {
      fail: (entry) => failing.has((JSON.parse(JSON.parse(entry.Message ?? '{}').default).unmapped.winsift.event_indexes[0]) as number),
    });
    const first = await scanOnce(topicArn, 'partial', 25);
    faults.remove();
    expect(first).toMatchObject({ delivered: 20, failed: 5, alreadyDelivered: 0 });
    expect((first as SnsDeliveryReport).failures.map((f) => f.code)).toEqual(Array(5).fill('InternalError'));
    const afterFirst = indexesOf(await aws.drain(queueUrl));
    expect(afterFirst).toEqual(Array.from({ length: 25 }, (_, i) => i).filter((i) => !failing.has(i)));

    // Attempt 2 (Lambda retry, new sink, same record): only the five missing alerts go out.
    const second = await scanOnce(topicArn, 'partial', 25);
    expect(second).toMatchObject({ delivered: 5, alreadyDelivered: 20, failed: 0 });
    expect(indexesOf(await aws.drain(queueUrl))).toEqual([...failing]);

    // Attempt 3 (backfill re-scan of the unchanged object): nothing is published again.
    const third = await scanOnce(topicArn, 'partial', 25);
    expect(third).toMatchObject({ delivered: 0, alreadyDelivered: 25, failed: 0 });
    expect(await aws.drain(queueUrl)).toHaveLength(0);
  });

  it('treats a new version of the object as new content', async () => {
    const topicArn = await aws.createTopic('eo-version');
    const queueUrl = await aws.subscribeQueue(topicArn, 'eo-version-q');
    const store = createS3PublishRecordStore({ s3: aws.s3, bucket: BUCKET, prefix: 'versions' });
    for (const etag of ['"v1"', '"v1"', '"v2"']) {
      const object = { ...S3_OBJECT, etag };
      const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, store, retry: noWait })(object);
      await sink.add(match(0, { object }));
      await sink.finish(summary());
    }
    expect(await aws.drain(queueUrl)).toHaveLength(2);
  });

  it('does not deduplicate an S3 object known only by key (new content could hide under it)', async () => {
    const topicArn = await aws.createTopic('eo-no-identity');
    const queueUrl = await aws.subscribeQueue(topicArn, 'eo-no-identity-q');
    const store = createS3PublishRecordStore({ s3: aws.s3, bucket: BUCKET, prefix: 'no-identity' });
    const { etag: _etag, ...keyOnly } = S3_OBJECT;
    for (let run = 0; run < 2; run++) {
      const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, store, retry: noWait })(keyOnly);
      await sink.add(match(0, { object: keyOnly }));
      expect(await sink.finish(summary())).toMatchObject({ delivered: 1, alreadyDelivered: 0, deduplicated: false });
    }
    expect(await aws.drain(queueUrl)).toHaveLength(2);
    expect((await store.published(keyOnly)).size).toBe(0);
  });

  it('fails the object at once when SNS rejects a whole request as the sender\'s fault', async () => {
    const topicArn = await aws.createTopic('eo-missing');
    const missing = topicArn.replace('eo-missing', 'eo-does-not-exist');
    const sink = createSnsSinkFactory({ sns: aws.sns, topicArn: missing, retry: noWait })(S3_OBJECT);
    await sink.add(match(0));
    const report = (await sink.finish(summary())) as SnsDeliveryReport;
    expect(report).toMatchObject({ delivered: 0, failed: 1, requests: 1 });
    expect(report.failures[0]?.code).toMatch(/NotFound/);
  });
});

describe('entries SNS rejects as the sender\'s fault', () => {
  it('are not retried: fauxqs rejects a message over 256 KiB in Failed with SenderFault', async () => {
    const topicArn = await aws.createTopic('eo-too-big');
    const queueUrl = await aws.subscribeQueue(topicArn, 'eo-too-big-q');
    // A sink told the topic takes 1 MiB does not trim a 300 KB alert; this topic takes 256 KiB.
    const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, grouping: 'event', maxMessageBytes: 1_048_576, retry: noWait })(S3_OBJECT);
    await sink.add(match(0, { event: bitsEvent({ CommandLine: 'x'.repeat(300_000) }) }));
    await sink.add(match(1));
    const report = (await sink.finish(summary())) as SnsDeliveryReport;
    expect(report).toMatchObject({ delivered: 1, failed: 1, requests: 1 }); // both in one request, no retry
    expect(report.failures[0]).toMatchObject({ code: 'InvalidParameter' });
    expect(await aws.drain(queueUrl)).toHaveLength(1);
  });
});

describe('whole-request failures', () => {
  it('retries a throttled request with backoff and delivers', async () => {
    const topicArn = await aws.createTopic('eo-throttled');
    const queueUrl = await aws.subscribeQueue(topicArn, 'eo-throttled-q');
    let calls = 0;
    aws.sns.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PublishBatchCommand' && ++calls <= 2) {
          throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $retryable: { throttling: true } });
        }
        return next(args);
      },
      { step: 'initialize', name: 'throttle-twice' },
    );
    const delays: number[] = [];
    try {
      const sink = createSnsSinkFactory({
        sns: aws.sns,
        topicArn,
        retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, sleep: async (ms) => void delays.push(ms) },
      })(S3_OBJECT);
      await sink.add(match(0));
      expect(await sink.finish(summary())).toMatchObject({ delivered: 1, failed: 0, requests: 3 });
    } finally {
      aws.sns.middlewareStack.remove('throttle-twice');
    }
    // Exponential with jitter: the second wait's ceiling is twice the first's.
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
    expect(await aws.drain(queueUrl)).toHaveLength(1);
  });
});
