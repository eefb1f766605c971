/**
 * Real-shaped invocation events, field for field as AWS documents them (S3 notification
 * structure, SQS/SNS Lambda events, EventBridge S3 events, Distributed Map ItemBatcher input,
 * S3 Batch Operations schema 1.0/2.0). Keys are passed in already encoded where AWS encodes them.
 */

/** S3's form encoding of keys in notifications: `encodeURIComponent`, but `+` for space and `/` kept. */
export function formEncodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

export interface ObjectFacts {
  bucket: string;
  key: string;
  size: number;
  etag?: string;
  versionId?: string;
}

export function s3NotificationRecord(o: ObjectFacts, eventName = 'ObjectCreated:Put') {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-24T03:00:00.000Z',
    eventName,
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '203.0.113.7' },
    responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'winsift-logs',
      bucket: { name: o.bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${o.bucket}` },
      object: {
        key: formEncodeKey(o.key),
        size: o.size,
        eTag: o.etag ?? 'd41d8cd98f00b204e9800998ecf8427e',
        ...(o.versionId ? { versionId: o.versionId } : {}),
        sequencer: '0055AED6DCD90281E5',
      },
    },
  };
}

export function s3Notification(objects: ObjectFacts[]) {
  return { Records: objects.map((o) => s3NotificationRecord(o)) };
}

export function s3TestEvent(bucket: string) {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: '2026-11-24T03:00:00.000Z',
    Bucket: bucket,
    RequestId: '5582815E1AEA5ADF',
    HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
  };
}

export function snsEnvelope(message: string, messageId = 'da41e39f-ea4d-435a-b922-c6aae3915ebe') {
  return {
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:log-landing',
    Subject: 'Amazon S3 Notification',
    Message: message,
    Timestamp: '2026-11-24T03:00:01.000Z',
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=EXAMPLE',
  };
}

export function snsEvent(messages: string[]) {
  return {
    Records: messages.map((message, i) => ({
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:log-landing:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55',
      EventSource: 'aws:sns',
      Sns: { ...snsEnvelope(message, `sns-${i}`), MessageAttributes: {} },
    })),
  };
}

export function sqsRecord(messageId: string, body: string) {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1764000000000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1764000000001',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:winsift-objects',
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(records: ReturnType<typeof sqsRecord>[]) {
  return { Records: records };
}

export function eventBridgeObjectCreated(o: ObjectFacts, detailType = 'Object Created') {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': detailType,
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-11-24T03:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${o.bucket}`],
    detail: {
      version: '0',
      bucket: { name: o.bucket },
      object: { key: o.key, size: o.size, etag: o.etag ?? 'b1946ac92492d2347c6235b4d2611184', ...(o.versionId ? { 'version-id': o.versionId } : {}), sequencer: '00617F08299329D189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      'source-ip-address': '1.2.3.4',
      reason: 'PutObject',
    },
  };
}

/** ItemBatcher input from an S3 ListObjectsV2 ItemReader: Etag quoted, no bucket per item. */
export function distributedMapBatch(bucket: string, objects: { key: string; size: number }[], window: { since?: string; until?: string } = {}) {
  return {
    Items: objects.map((o) => ({
      Etag: '"d41d8cd98f00b204e9800998ecf8427e"',
      Key: o.key,
      LastModified: 1764000000,
      Size: o.size,
      StorageClass: 'STANDARD',
    })),
    BatchInput: { bucket, ...window },
  };
}

export function batchOperations10(bucket: string, tasks: { taskId: string; key: string; versionId?: string }[]) {
  return {
    invocationSchemaVersion: '1.0',
    invocationId: 'YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo',
    job: { id: 'f3cc4f60-61f6-4a2b-8a21-d07600c373ce' },
    tasks: tasks.map((t) => ({ taskId: t.taskId, s3Key: formEncodeKey(t.key), s3VersionId: t.versionId ?? null, s3BucketArn: `arn:aws:s3:::${bucket}` })),
  };
}

export function batchOperations20(bucket: string, tasks: { taskId: string; key: string; versionId?: string }[]) {
  return {
    invocationSchemaVersion: '2.0',
    invocationId: 'YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo',
    job: { id: 'f3cc4f60-61f6-4a2b-8a21-d07600c373ce', userArguments: { reason: 'rules changed' } },
    tasks: tasks.map((t) => ({ taskId: t.taskId, s3Key: formEncodeKey(t.key), s3VersionId: t.versionId ?? null, s3Bucket: bucket })),
  };
}

/** What our state machine's ItemSelector + ItemBatcher send: each item names its bucket and the run's window. */
export function selectedItemsBatch(bucket: string, objects: { key: string; size: number }[], window: { since: string; until: string }) {
  return {
    Items: objects.map((o) => ({ Bucket: bucket, Key: o.key, Size: o.size, Etag: '"d41d8cd98f00b204e9800998ecf8427e"', ...window })),
  };
}
