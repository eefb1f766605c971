/**
 * Every invocation shape through the real handler against fauxqs: what each service gets back
 * (batchItemFailures, per-item results, Batch Operations results[], thrown errors) and which
 * alerts reach the topic. Objects: a malicious batch, a clean batch, a corrupt gzip, and keys
 * that do not exist.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InvocationSummary } from '../../lib/invocation/responses.ts';
import type { S3BatchResult, SQSBatchResponse } from 'aws-lambda';
import {
  batchOperations10,
  batchOperations20,
  distributedMapBatch,
  eventBridgeObjectCreated,
  s3Notification,
  s3TestEvent,
  snsEnvelope,
  snsEvent,
  sqsEvent,
  sqsRecord,
} from './aws-events.ts';
import { lambdaContext, ruleOf, startHarness, type Harness } from './fauxqs-harness.ts';
import { bits16403, gzipLines } from './winlogbeat-events.ts';

const DIRECT_IP = '90f138c1-f578-4ac3-8c49-eecfd847c8b7';
const bucket = 'shape-logs';
const stateBucket = 'winsift-state';
const keys = {
  bad: (n: string) => `in/dt=20261124/host ${n}+bad.ndjson.gz`,
  clean: 'in/dt=20261124/clean.ndjson.gz',
  corrupt: 'in/dt=20261124/corrupt.ndjson.gz',
  missing: 'in/dt=20261124/missing.ndjson.gz',
};

let aws: Harness;
type Handler = (typeof import('../../functions/scan/index.ts'))['handler'];
let handler: Handler;

/** A fresh cold start of the function with extra environment (e.g. a size cap). */
async function coldStart(env: Record<string, string> = {}): Promise<Handler> {
  Object.assign(process.env, env);
  vi.resetModules();
  const fresh = (await import('../../functions/scan/index.ts')).handler;
  for (const name of Object.keys(env)) delete process.env[name];
  return fresh;
}

async function putBad(n: string): Promise<string> {
  const key = keys.bad(n);
  await aws.put(bucket, key, gzipLines([bits16403(`http://198.51.100.${n.length + 10}/${n}.exe`, `${n}.corp.example`)]));
  return key;
}

beforeAll(async () => {
  aws = await startHarness({ ALERT_STATE_BUCKET: stateBucket });
  await aws.createBucket(bucket);
  await aws.createBucket(stateBucket);
  await aws.put(bucket, keys.clean, gzipLines([bits16403('https://go.microsoft.com/fwlink/?linkid=1', 'ok.corp.example')]));
  await aws.put(bucket, keys.corrupt, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 9, 9, 9, 9, 9, 9, 9, 9, 9]));
  handler = await coldStart();
});
afterAll(async () => aws?.stop());

describe('SQS', () => {
  it('returns batchItemFailures for exactly the messages whose objects failed', async () => {
    const direct = await putBad('sqsdirect');
    const wrapped = await putBad('sqssns');
    const event = sqsEvent([
      sqsRecord('m-direct', JSON.stringify(s3Notification([{ bucket, key: direct, size: 100 }]))),
      sqsRecord('m-sns', JSON.stringify(snsEnvelope(JSON.stringify(s3Notification([{ bucket, key: wrapped, size: 100 }]))))),
      sqsRecord('m-missing', JSON.stringify(s3Notification([{ bucket, key: keys.missing, size: 100 }]))),
      sqsRecord('m-clean-and-corrupt', JSON.stringify(s3Notification([{ bucket, key: keys.clean, size: 100 }, { bucket, key: keys.corrupt, size: 13 }]))),
      sqsRecord('m-garbage', 'this is not an S3 notification'),
      sqsRecord('m-test', JSON.stringify(s3TestEvent(bucket))),
    ]);
    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-missing' }, { itemIdentifier: 'm-clean-and-corrupt' }, { itemIdentifier: 'm-garbage' }],
    });
    const alerts = await aws.drainAlerts();
    expect(alerts.filter((a) => ruleOf(a) === DIRECT_IP).map((a) => JSON.stringify(a).match(/sqs(direct|sns)\.exe/)?.[0]).sort()).toEqual(['sqsdirect.exe', 'sqssns.exe']);
  });

  it('defers every message when the invocation is nearly out of time, so SQS redelivers them', async () => {
    const key = await putBad('late');
    const event = sqsEvent([
      sqsRecord('m-late-1', JSON.stringify(s3Notification([{ bucket, key, size: 100 }]))),
      sqsRecord('m-late-2', JSON.stringify(s3Notification([{ bucket, key: keys.clean, size: 100 }]))),
    ]);
    // 5 s left, 20 s reserved by default: nothing is started.
    const response = (await handler(event, lambdaContext(5_000))) as SQSBatchResponse;
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-late-1', 'm-late-2']);
    expect(await aws.drainAlerts()).toEqual([]);
  });
});

describe('SNS and EventBridge', () => {
  it('scans SNS-wrapped notifications and returns a summary', async () => {
    const key = await putBad('snsonly');
    const summary = (await handler(snsEvent([JSON.stringify(s3Notification([{ bucket, key, size: 100 }]))]), lambdaContext())) as InvocationSummary;
    expect(summary).toMatchObject({ shape: 'sns', objects: 1, byStatus: { matched: 1 } });
    expect((await aws.drainAlerts()).length).toBeGreaterThan(0);
  });

  it('scans EventBridge Object Created with the raw key (a + stays a +)', async () => {
    const key = await putBad('eb');
    expect(key).toContain('+');
    const summary = (await handler(eventBridgeObjectCreated({ bucket, key, size: 100 }), lambdaContext())) as InvocationSummary;
    expect(summary.reports.map((r) => [r.uri, r.status])).toEqual([[`s3://${bucket}/${key}`, 'matched']]);
    expect((await aws.drainAlerts()).length).toBeGreaterThan(0);
  });
});

describe('Step Functions Distributed Map', () => {
  it('returns one result per item, skipping folder markers and days outside the window', async () => {
    const key = await putBad('dmap');
    const batch = distributedMapBatch(bucket, [
      { key, size: 100 },
      { key: keys.clean, size: 100 },
      { key: 'in/dt=20261124/', size: 0 },
      { key: 'in/dt=20250101/old.ndjson.gz', size: 100 },
    ], { since: '20261101' });
    const summary = (await handler(batch, lambdaContext())) as InvocationSummary;
    expect(summary.shape).toBe('distributed-map');
    expect(summary.reports.map((r) => r.status)).toEqual(['matched', 'clean', 'skipped', 'skipped']);
    expect(summary.reports[3]?.reason).toBe('outside dt window 20261101..*');
    expect((await aws.drainAlerts()).length).toBeGreaterThan(0);
  });

  it('fails the batch with a named error: retryable when deferred, permanent for broken input', async () => {
    await expect(handler(distributedMapBatch(bucket, [{ key: keys.clean, size: 100 }, { key: keys.corrupt, size: 13 }]), lambdaContext())).rejects.toMatchObject({
      name: 'ObjectsFailedError',
      message: expect.stringContaining(`s3://${bucket}/${keys.corrupt} (failed: ScanFailedError`),
    });
    await expect(handler(distributedMapBatch(bucket, [{ key: keys.clean, size: 100 }]), lambdaContext(1_000))).rejects.toMatchObject({
      name: 'ObjectsRetryableError',
    });
  });
});

describe('S3 Batch Operations', () => {
  it('answers schema 1.0 with a result code per task', async () => {
    const key = await putBad('batch10');
    const result = (await handler(
      batchOperations10(bucket, [
        { taskId: 't-bad', key },
        { taskId: 't-missing', key: keys.missing },
        { taskId: 't-corrupt', key: keys.corrupt },
      ]),
      lambdaContext(),
    )) as S3BatchResult;
    expect(result.invocationSchemaVersion).toBe('1.0');
    expect(result.invocationId).toBe('YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo');
    expect(result.treatMissingKeysAs).toBe('PermanentFailure');
    expect(result.results.map((r) => [r.taskId, r.resultCode])).toEqual([
      ['t-bad', 'Succeeded'],
      ['t-missing', 'PermanentFailure'],
      ['t-corrupt', 'PermanentFailure'],
    ]);
    expect(result.results[0]?.resultString).toMatch(/^matched events=1 matches=\d+$/);
    expect(result.results[1]?.resultString).toMatch(/NoSuchKey/);
    expect((await aws.drainAlerts()).length).toBeGreaterThan(0);
  });

  it('answers schema 2.0 with TemporaryFailure when out of time', async () => {
    const result = (await handler(batchOperations20(bucket, [{ taskId: 't-late', key: keys.clean }]), lambdaContext(1_000))) as S3BatchResult;
    expect(result.invocationSchemaVersion).toBe('2.0');
    expect(result.results).toEqual([{ taskId: 't-late', resultCode: 'TemporaryFailure', resultString: expect.stringMatching(/^deferred: not started: 1000 ms left/) }]);
  });

  it('refuses objects above MAX_OBJECT_BYTES, asking S3 for the size Batch Operations does not give', async () => {
    const capped = await coldStart({ MAX_OBJECT_BYTES: '100' });
    const key = await putBad('toolarge');
    const result = (await capped(batchOperations10(bucket, [{ taskId: 't-big', key }]), lambdaContext())) as S3BatchResult;
    expect(result.results[0]).toMatchObject({ taskId: 't-big', resultCode: 'PermanentFailure', resultString: expect.stringMatching(/^refused: object is \d+ bytes, above the 100-byte cap/) });
  });
});

it('does not alert again when another cold start re-scans the same objects (publish record in S3)', async () => {
  const key = await putBad('rescan');
  await handler(s3Notification([{ bucket, key, size: 100 }]), lambdaContext());
  const first = await aws.drainAlerts();
  expect(first.length).toBeGreaterThan(0);
  const again = await coldStart();
  const summary = (await again(distributedMapBatch(bucket, [{ key, size: 100 }]), lambdaContext())) as InvocationSummary;
  expect(summary.byStatus).toEqual({ matched: 1 });
  expect(summary.alertsDelivered).toBe(0);
  expect(await aws.drainAlerts()).toEqual([]);
});

it('asks SQS to redeliver a message whose alerts could not be published, and only that one', async () => {
  // A topic that does not exist: SNS refuses every publish, as during an outage or a policy mistake.
  const broken = await coldStart({ TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:no-such-topic' });
  const key = await putBad('unpublished');
  const event = sqsEvent([
    sqsRecord('m-alerts', JSON.stringify(s3Notification([{ bucket, key, size: 100 }]))),
    sqsRecord('m-quiet', JSON.stringify(s3Notification([{ bucket, key: keys.clean, size: 100 }]))),
  ]);
  const response = (await broken(event, lambdaContext())) as SQSBatchResponse;
  expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-alerts' }]);
  // The same object notified directly: the thrown error says why, and that a retry can help.
  await expect(broken(s3Notification([{ bucket, key, size: 100 }]), lambdaContext())).rejects.toMatchObject({
    name: 'ObjectsRetryableError',
    message: expect.stringMatching(/\(failed: DeliveryFailedError: .*: \d+ alert\(s\) could not be delivered\)/),
  });
});

it('rejects an event of no known shape by naming its keys', async () => {
  await expect(handler({ detail: 'x' }, lambdaContext())).rejects.toThrow(/not a shape the scanner accepts \(top-level keys: detail\)/);
});
