/**
 * A local AWS for end-to-end tests: fauxqs (S3 + SQS + SNS) on 127.0.0.1 and a random port, an
 * alert topic with an SQS subscriber, and the environment the scan function reads, so the real
 * handler (functions/scan/index.ts) runs unchanged with the real AWS SDK.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { startFauxqs } from 'fauxqs';

export interface Harness {
  readonly endpoint: string;
  readonly s3: S3Client;
  readonly topicArn: string;
  put(bucket: string, key: string, body: Uint8Array | string): Promise<void>;
  createBucket(bucket: string): Promise<void>;
  /** Every alert published so far, read from the subscribed queue: the OCSF finding of each. */
  drainAlerts(): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const server = await startFauxqs({ port: 0, logger: false });
  const endpoint = server.address;
  const client = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const s3 = new S3Client({ ...client, forcePathStyle: true });
  const sns = new SNSClient(client);
  const sqs = new SQSClient(client);

  const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: 'winsift-alerts' }));
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'alert-inbox' }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  if (!topicArn || !queueUrl || !Attributes?.['QueueArn']) throw new Error('fauxqs did not create the topic and queue');
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes['QueueArn'] }));

  // What the Lambda runtime would provide, pointed at fauxqs: the SDK reads AWS_ENDPOINT_URL.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    TOPIC_ARN: topicArn,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...env,
  });

  return {
    endpoint,
    s3,
    topicArn,
    async createBucket(bucket) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async put(bucket, key, body) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async drainAlerts() {
      const alerts: Record<string, unknown>[] = [];
      for (;;) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (Messages.length === 0) return alerts;
        for (const m of Messages) {
          const envelope = JSON.parse(m.Body ?? '{}') as { Message?: string };
          const message = JSON.parse(envelope.Message ?? '{}') as Record<string, unknown>;
          // SNS gives SQS subscribers the `default` member of a MessageStructure=json publish;
          // fauxqs 2.4 ignores MessageStructure and forwards the whole JSON, so pick it here.
          const body = typeof message['default'] === 'string' ? (JSON.parse(message['default']) as Record<string, unknown>) : message;
          alerts.push(body);
        }
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
      }
    },
    async stop() {
      await server.stop();
    },
  };
}

/** A Lambda context with a fixed amount of time left. */
export function lambdaContext(remainingMs = 300_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'winsift-scan',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:winsift-scan',
    memoryLimitInMB: '1024',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/winsift-scan',
    logStreamName: '2026/11/24/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The rule id of an OCSF finding. */
export function ruleOf(finding: Record<string, unknown>): string {
  const info = finding['finding_info'] as { analytic?: { uid?: string } } | undefined;
  return info?.analytic?.uid ?? '(none)';
}
