import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnsSinkFactory } from '../../lib/alerts/sns-sink.ts';
import { alertBody, emailBody, startFauxAws, type FauxAws } from './support/fauxqs-env.ts';
import { bitsEvent, match, S3_OBJECT, summary } from './support/fixtures.ts';

const noWait = { sleep: async () => {} };
let aws: FauxAws;

beforeAll(async () => {
  aws = await startFauxAws();
});
afterAll(async () => {
  await aws?.stop();
});

describe('SNS sink through fauxqs', () => {
  it('publishes one alert per match in per-event mode, read back from an SQS subscriber', async () => {
    const topicArn = await aws.createTopic('alerts-per-event');
    const queueUrl = await aws.subscribeQueue(topicArn, 'per-event-all');
    const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, grouping: 'event', retry: noWait })(S3_OBJECT);
    for (let i = 0; i < 23; i++) await sink.add(match(i * 2));
    const report = await sink.finish(summary(S3_OBJECT.uri, 23));

    expect(report).toMatchObject({ delivered: 23, alreadyDelivered: 0, failed: 0 });
    expect((report as unknown as { requests: number }).requests).toBe(3); // 10 + 10 + 3

    const received = await aws.drain(queueUrl);
    expect(received).toHaveLength(23);
    const indexes = received.map((e) => (alertBody(e)['unmapped'] as any).winsift.event_indexes[0]).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 23 }, (_, i) => i * 2));

    const first = received[0]!;
    expect(first.Subject).toBe('[HIGH] BITS Transfer Job Download From Direct IP on WS-0042.corp.example');
    const finding = alertBody(first);
    expect(finding).toMatchObject({ class_uid: 2004, severity_id: 4, finding_info: { title: 'BITS Transfer Job Download From Direct IP' } });
    expect(emailBody(first)).toContain('Nasreddine Bencherchali');
  });

  it('in per-event mode sends each full request as the scan goes, not all at the end', async () => {
    const topicArn = await aws.createTopic('alerts-streaming');
    const queueUrl = await aws.subscribeQueue(topicArn, 'streaming-all');
    const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, grouping: 'event', retry: noWait })(S3_OBJECT);
    for (let i = 0; i < 14; i++) await sink.add(match(i));
    expect(await aws.drain(queueUrl)).toHaveLength(10);
    expect(await sink.finish(summary())).toMatchObject({ alerts: 14, delivered: 14, requests: 2 });
    expect(await aws.drain(queueUrl)).toHaveLength(4);
  });

  it('folds a storm of one rule on one host into one alert with the count', async () => {
    const topicArn = await aws.createTopic('alerts-storm');
    const queueUrl = await aws.subscribeQueue(topicArn, 'storm-all');
    const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, maxEventsPerAlert: 5, retry: noWait })(S3_OBJECT);
    for (let i = 0; i < 500; i++) await sink.add(match(i));
    await sink.add(match(500, { event: bitsEvent({ Computer: 'OTHER-HOST' }) }));
    const report = await sink.finish(summary(S3_OBJECT.uri, 501));

    expect(report.delivered).toBe(2);
    const received = await aws.drain(queueUrl);
    expect(received.map((e) => e.Subject).sort()).toEqual([
      '[HIGH] BITS Transfer Job Download From Direct IP on OTHER-HOST',
      '[HIGH] BITS Transfer Job Download From Direct IP on WS-0042.corp.example (x500)',
    ]);
    const storm = received.map(alertBody).find((f) => f['count'] === 500)!;
    expect((storm['evidences'] as unknown[]).length).toBe(5);
    expect((storm['unmapped'] as any).winsift.event_indexes).toEqual([0, 1, 2, 3, 4]);
  });
});
