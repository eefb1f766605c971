/**
 * A real SNS topic with SQS subscribers, on fauxqs bound to 127.0.0.1, driven through the real
 * AWS SDK. Subscribers read back what a deployment's subscribers would receive.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

export interface FauxAws {
  readonly endpoint: string;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  createTopic(name: string): Promise<string>;
  /** A queue subscribed to the topic, optionally with a filter policy on message attributes. */
  subscribeQueue(topicArn: string, name: string, filterPolicy?: unknown): Promise<string>;
  createBucket(name: string): Promise<void>;
  /** Every message currently in the queue, removed from it; SNS envelopes parsed. */
  drain(queueUrl: string): Promise<SnsEnvelope[]>;
  stop(): Promise<void>;
}

export interface SnsEnvelope {
  readonly Message: string;
  readonly Subject?: string;
  readonly MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export async function startFauxAws(): Promise<FauxAws> {
  // buildApp rather than startFauxqs: startFauxqs listens on every interface, tests only need loopback.
  const app = buildApp({ logger: false });
  const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
  const sns = new SNSClient({ endpoint, region, credentials });
  const sqs = new SQSClient({ endpoint, region, credentials });
  const s3 = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
  return {
    endpoint,
    sns,
    sqs,
    s3,
    async createTopic(name) {
      const out = await sns.send(new CreateTopicCommand({ Name: name }));
      return out.TopicArn as string;
    },
    async subscribeQueue(topicArn, name, filterPolicy) {
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      const queueUrl = queue.QueueUrl as string;
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: attrs.Attributes?.['QueueArn'],
          ...(filterPolicy === undefined ? {} : { Attributes: { FilterPolicy: JSON.stringify(filterPolicy) } }),
        }),
      );
      return queueUrl;
    },
    async createBucket(name) {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
    },
    async drain(queueUrl) {
      const out: SnsEnvelope[] = [];
      for (;;) {
        const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const messages = got.Messages ?? [];
        if (messages.length === 0) return out;
        for (const m of messages) out.push(JSON.parse(m.Body as string) as SnsEnvelope);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    },
    async stop() {
      sns.destroy();
      sqs.destroy();
      s3.destroy();
      await app.close();
    },
  };
}

/**
 * fauxqs does not apply `MessageStructure: json` (it delivers the whole structure as `Message`);
 * real SNS delivers the `sqs` key, else `default`. Read either way, taking `default`.
 */
export function alertBody(envelope: SnsEnvelope): Record<string, unknown> {
  const message = JSON.parse(envelope.Message) as Record<string, unknown>;
  const inner = typeof message['default'] === 'string' ? (JSON.parse(message['default']) as Record<string, unknown>) : message;
  return inner;
}

export function emailBody(envelope: SnsEnvelope): string | undefined {
  const message = JSON.parse(envelope.Message) as Record<string, unknown>;
  return typeof message['email'] === 'string' ? message['email'] : undefined;
}
