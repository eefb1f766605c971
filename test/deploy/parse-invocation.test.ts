import { describe, expect, it } from 'vitest';
import { InvocationError } from '../../lib/invocation/invocation.ts';
import { parseInvocation } from '../../lib/invocation/parse-invocation.ts';
import { objectsFromSqsRecord } from '../../lib/invocation/sqs-event.ts';
import {
  batchOperations10,
  batchOperations20,
  distributedMapBatch,
  eventBridgeObjectCreated,
  formEncodeKey,
  selectedItemsBatch,
  s3Notification,
  s3NotificationRecord,
  s3TestEvent,
  snsEnvelope,
  snsEvent,
  sqsEvent,
  sqsRecord,
} from './aws-events.ts';

const bucket = 'corp-logs';
const awkwardKey = 'winlogbeat/dt=20261124/host a+b (1)/événements 100%.json.gz';

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe('S3 event notifications', () => {
  it('decodes form-encoded keys: + is a space, %2B a plus, %3D an equals sign', () => {
    expect(formEncodeKey(awkwardKey)).toContain('host+a%2Bb');
    const inv = parseInvocation(s3Notification([{ bucket, key: awkwardKey, size: 123, etag: 'abc', versionId: 'v1' }]));
    expect(inv.shape).toBe('s3-notification');
    if (inv.shape === 'sqs') throw new Error('unreachable');
    expect(only(inv.items).objects).toEqual([{ bucket, key: awkwardKey, size: 123, etag: 'abc', versionId: 'v1' }]);
  });

  it('reads every record, and skips folder markers and removals with a reason', () => {
    const event = {
      Records: [
        s3NotificationRecord({ bucket, key: 'a.json', size: 1 }),
        s3NotificationRecord({ bucket, key: 'folder/', size: 0 }),
        s3NotificationRecord({ bucket, key: 'gone.json', size: 1 }, 'ObjectRemoved:Delete'),
        s3NotificationRecord({ bucket, key: 'b.json', size: 2 }),
      ],
    };
    const inv = parseInvocation(event);
    if (inv.shape === 'sqs') throw new Error('unreachable');
    const item = only(inv.items);
    expect(item.objects.map((o) => o.key)).toEqual(['a.json', 'b.json']);
    expect(item.skipped.map((s) => [s.key, s.reason])).toEqual([
      ['folder/', 'zero-byte folder marker'],
      ['gone.json', 'ObjectRemoved:Delete does not create an object'],
    ]);
  });

  it('treats s3:TestEvent as nothing to scan, with a reason', () => {
    const inv = parseInvocation(s3TestEvent(bucket));
    if (inv.shape === 'sqs') throw new Error('unreachable');
    const item = only(inv.items);
    expect(item.objects).toEqual([]);
    expect(item.skipped[0]?.reason).toMatch(/s3:TestEvent/);
  });

  it('names the record and field when a notification is malformed', () => {
    const event = s3Notification([{ bucket, key: 'a', size: 1 }]);
    (event.Records[0]!.s3.object as { key: unknown }).key = 42;
    expect(() => parseInvocation(event)).toThrow(/Records\[0\]\.s3\.object\.key: expected a non-empty string/);
    const badEncoding = s3Notification([{ bucket, key: 'a', size: 1 }]);
    badEncoding.Records[0]!.s3.object.key = 'bad%zzkey';
    expect(() => parseInvocation(badEncoding)).toThrow(InvocationError);
  });
});

describe('SQS', () => {
  it('reads S3 notifications directly, in an SNS envelope, and EventBridge events, per message', () => {
    const direct = sqsRecord('m-direct', JSON.stringify(s3Notification([{ bucket, key: awkwardKey, size: 9 }])));
    const wrapped = sqsRecord('m-sns', JSON.stringify(snsEnvelope(JSON.stringify(s3Notification([{ bucket, key: 'x y.json', size: 9 }])))));
    const viaEventBridge = sqsRecord('m-eb', JSON.stringify(eventBridgeObjectCreated({ bucket, key: 'raw+key.json', size: 9 })));
    const inv = parseInvocation(sqsEvent([direct, wrapped, viaEventBridge]));
    if (inv.shape !== 'sqs') throw new Error(`expected sqs, got ${inv.shape}`);
    expect(inv.records.map((r) => r.messageId)).toEqual(['m-direct', 'm-sns', 'm-eb']);
    expect(objectsFromSqsRecord(inv.records[0]!).objects[0]?.key).toBe(awkwardKey);
    expect(objectsFromSqsRecord(inv.records[1]!).objects[0]?.key).toBe('x y.json');
    // EventBridge keys are raw: a + stays a +.
    expect(objectsFromSqsRecord(inv.records[2]!).objects[0]?.key).toBe('raw+key.json');
  });

  it('names the message when its body is not something we read', () => {
    const inv = parseInvocation(sqsEvent([sqsRecord('m-bad', '{"hello":"world"}'), sqsRecord('m-notjson', 'nope')]));
    if (inv.shape !== 'sqs') throw new Error('unreachable');
    expect(() => objectsFromSqsRecord(inv.records[0]!)).toThrow(/SQS message m-bad: neither an S3 notification/);
    expect(() => objectsFromSqsRecord(inv.records[1]!)).toThrow(/SQS message m-notjson: not JSON/);
  });

  it('passes s3:TestEvent in a message through as skipped, not failed', () => {
    const inv = parseInvocation(sqsEvent([sqsRecord('m-test', JSON.stringify(s3TestEvent(bucket)))]));
    if (inv.shape !== 'sqs') throw new Error('unreachable');
    const list = objectsFromSqsRecord(inv.records[0]!);
    expect(list.objects).toEqual([]);
    expect(list.skipped).toHaveLength(1);
  });
});

describe('SNS and EventBridge', () => {
  it('reads SNS-wrapped notifications from every record', () => {
    const inv = parseInvocation(
      snsEvent([JSON.stringify(s3Notification([{ bucket, key: 'a b.json', size: 1 }])), JSON.stringify(s3Notification([{ bucket, key: 'c.json', size: 1 }]))]),
    );
    expect(inv.shape).toBe('sns');
    if (inv.shape === 'sqs') throw new Error('unreachable');
    expect(only(inv.items).objects.map((o) => o.key)).toEqual(['a b.json', 'c.json']);
  });

  it('reads EventBridge Object Created with the raw key, and skips other detail types', () => {
    const inv = parseInvocation(eventBridgeObjectCreated({ bucket, key: 'dt=20261124/a+b %41.json', size: 5, versionId: 'v9' }));
    expect(inv.shape).toBe('eventbridge');
    if (inv.shape === 'sqs') throw new Error('unreachable');
    expect(only(inv.items).objects).toEqual([{ bucket, key: 'dt=20261124/a+b %41.json', size: 5, versionId: 'v9', etag: 'b1946ac92492d2347c6235b4d2611184' }]);
    const deleted = parseInvocation(eventBridgeObjectCreated({ bucket, key: 'k', size: 1 }, 'Object Deleted'));
    if (deleted.shape === 'sqs') throw new Error('unreachable');
    expect(only(deleted.items).objects).toEqual([]);
  });
});

describe('Step Functions Distributed Map batches', () => {
  it('gives one work item per Item, raw keys, bucket from BatchInput, unquoted etags', () => {
    const inv = parseInvocation(distributedMapBatch(bucket, [{ key: 'a+b.json', size: 3 }, { key: 'dir/', size: 0 }]));
    expect(inv.shape).toBe('distributed-map');
    if (inv.shape === 'sqs') throw new Error('unreachable');
    expect(inv.items.map((i) => i.id)).toEqual(['0', '1']);
    expect(inv.items[0]?.objects).toEqual([{ bucket, key: 'a+b.json', size: 3, etag: 'd41d8cd98f00b204e9800998ecf8427e' }]);
    expect(inv.items[1]?.skipped[0]?.reason).toBe('zero-byte folder marker');
  });

  it('applies the dt= window from BatchInput and takes Bucket from inventory items', () => {
    const batch = distributedMapBatch(bucket, [
      { key: 'logs/dt=20261101/a.json', size: 1 },
      { key: 'logs/dt=20261115/b.json', size: 1 },
      { key: 'logs/dt=20261201/c.json', size: 1 },
    ], { since: '20261110', until: '20261130' });
    const inv = parseInvocation(batch);
    if (inv.shape === 'sqs') throw new Error('unreachable');
    expect(inv.items.map((i) => i.objects.length)).toEqual([0, 1, 0]);
    const inventory = parseInvocation({ Items: [{ Bucket: 'other', Key: 'k.json', Size: '12' }] });
    if (inventory.shape === 'sqs') throw new Error('unreachable');
    expect(inventory.items[0]?.objects).toEqual([{ bucket: 'other', key: 'k.json', size: 12 }]);
    expect(() => parseInvocation({ Items: [{ Key: 'k' }] })).toThrow(/Items\[0\]: no Bucket/);
  });
});

describe('our backfill state machine batches (ItemSelector)', () => {
  it('reads bucket and window from each item; empty since/until mean an open window', () => {
    const inv = parseInvocation(selectedItemsBatch(bucket, [{ key: 'dt=20261120/a', size: 1 }, { key: 'dt=20261125/b', size: 1 }], { since: '20261122', until: '' }));
    if (inv.shape === 'sqs') throw new Error('unreachable');
    expect(inv.items.map((i) => i.objects.map((o) => o.key))).toEqual([[], ['dt=20261125/b']]);
    expect(inv.items[0]?.skipped[0]?.reason).toBe('outside dt window 20261122..*');
    expect(() => parseInvocation(selectedItemsBatch(bucket, [{ key: 'k', size: 1 }], { since: '2026-11-22', until: '' }))).toThrow(
      /Items\[0\]: since must be a day as YYYYMMDD/,
    );
  });
});

describe('S3 Batch Operations', () => {
  it('reads schema 1.0 (bucket ARN) and 2.0 (bucket name), decoding keys', () => {
    for (const make of [batchOperations10, batchOperations20]) {
      const inv = parseInvocation(make(bucket, [{ taskId: 't1', key: awkwardKey, versionId: 'v2' }, { taskId: 't2', key: 'plain.json' }]));
      if (inv.shape !== 'batch-operations') throw new Error(`expected batch-operations, got ${inv.shape}`);
      expect(inv.batch.invocationId).toBe('YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo');
      expect(inv.items.map((i) => [i.id, i.objects])).toEqual([
        ['t1', [{ bucket, key: awkwardKey, versionId: 'v2' }]],
        ['t2', [{ bucket, key: 'plain.json' }]],
      ]);
    }
  });

  it('refuses unknown schema versions and bad bucket ARNs by name', () => {
    expect(() => parseInvocation({ ...batchOperations10(bucket, []), invocationSchemaVersion: '3.0' })).toThrow(/'3.0' is neither 1.0 nor 2.0/);
    const bad = batchOperations10(bucket, [{ taskId: 't', key: 'k' }]);
    bad.tasks[0]!.s3BucketArn = 'arn:aws:sqs:us-east-1:1:q';
    expect(() => parseInvocation(bad)).toThrow(/tasks\[0\]\.s3BucketArn: 'arn:aws:sqs:us-east-1:1:q' is not an S3 bucket ARN/);
  });
});

it('names the top-level keys of an event it does not recognise', () => {
  expect(() => parseInvocation({ foo: 1, bar: 2 })).toThrow(/not a shape the scanner accepts \(top-level keys: foo, bar\)/);
  expect(() => parseInvocation(null)).toThrow(/top-level keys: null/);
});
