/**
 * S3 -> SQS -> scan function. The queue absorbs bursts and retries: a message whose objects were
 * not all scanned comes back (`reportBatchItemFailures`) until `maxReceiveCount`, then waits in
 * the DLQ (alarmed) for a redrive. The visibility timeout is six times the function timeout, as
 * Lambda recommends, so a message is never redelivered while a batch holding it still runs.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NODE_HEAP_FLAGS } from '../lib/scan/heap-limits.ts';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { AlertTopic } from './alert-topic.ts';
import { STATE_TABLE_ACTIONS } from './state-table.ts';
import { PUBLISH_RECORD_PREFIX } from './buckets.ts';
import { functionAssetWithPack } from './rule-pack-asset.ts';
import type { StackConfig } from './stack-config.ts';

export const MAX_RECEIVE_COUNT = 5;

/** The runtime pack object the function reads, and the KMS key its bucket encrypts it with, if any. */
export interface RuntimePack {
  readonly bucket: s3.IBucket;
  readonly key: string;
  readonly kmsKeyArn?: string;
}

export interface ScanFunctionProps {
  readonly config: StackConfig;
  readonly logs: s3.IBucket;
  readonly state: s3.IBucket;
  readonly alerts: AlertTopic;
  /** Correlation and suppression state across objects (STATE_TABLE). */
  readonly stateTable: dynamodb.ITable;
  /** The runtime pack object the function reads (RULES_S3_URI), if any. */
  readonly runtimePack?: RuntimePack;
}

export class ScanFunction extends Construct {
  readonly function: lambda.Function;
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  /** The build-time pack's version (`-c rulePack`), when one is embedded. */
  readonly rulePackVersion: string | undefined;
  /** The directory deployed as the function's code. */
  readonly assetDir: string;

  constructor(scope: Construct, id: string, props: ScanFunctionProps) {
    super(scope, id);
    const { config } = props;
    const timeout = Duration.seconds(config.timeoutSeconds);

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue; it has no DLQ of its own. Its depth is alarmed.',
    });
    // SSE-SQS, not KMS: S3 event notifications cannot publish to a queue encrypted with the AWS-managed SQS key.
    this.queue = new sqs.Queue(this, 'Objects', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(config.timeoutSeconds * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    // Messages left in the DLQ go back to the source queue with a console or API redrive.
    this.deadLetters.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.AccountRootPrincipal()],
        actions: ['sqs:StartMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.deadLetters.queueArn],
      }),
    );

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'winsift scan function: read log objects, publish alerts, keep the publish record',
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [props.logs.arnForObjects(`${config.keyPrefix}*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.state.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${PUBLISH_RECORD_PREFIX}/*`] } },
      }),
    );
    role.addToPolicy(
      // Markers of published alerts (written once), and each object's claim: read to judge its lease, deleted on release.
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        resources: [props.state.arnForObjects(`${PUBLISH_RECORD_PREFIX}/*`)],
      }),
    );
    // Exactly what lib/state/dynamodb-state-store.ts calls, on the state table only.
    role.addToPolicy(new iam.PolicyStatement({ actions: STATE_TABLE_ACTIONS, resources: [props.stateTable.tableArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.alerts.topic.topicArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: [props.alerts.key.keyArn] }),
    );
    if (props.runtimePack) {
      // Exactly the one object: HeadObject (the ETag check) and GetObject both need s3:GetObject.
      const packArn = props.runtimePack.bucket.arnForObjects(props.runtimePack.key);
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [packArn] }));
      if (props.runtimePack.kmsKeyArn) {
        // SSE-KMS: S3 decrypts on the function's behalf. Only through S3, and only for that
        // object (S3's encryption context names it; with an S3 Bucket Key it names the bucket).
        role.addToPolicy(
          new iam.PolicyStatement({
            actions: ['kms:Decrypt'],
            resources: [props.runtimePack.kmsKeyArn],
            conditions: {
              StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` },
              'ForAnyValue:StringEquals': { 'kms:EncryptionContext:aws:s3:arn': [packArn, props.runtimePack.bucket.bucketArn] },
            },
          }),
        );
      }
    }
    // Built-time pack: precompiled beside the bundle, checked now (a broken rule fails the synth).
    const asset = config.rulePack === undefined ? undefined : functionAssetWithPack(config.functionAssetDir, config.rulePack);
    this.rulePackVersion = asset?.version;
    this.assetDir = asset?.dir ?? config.functionAssetDir;
    // IAM5 findings on this role are acknowledged one by one in winsift-stack.ts, where logical ids are known.

    this.function = new lambda.Function(this, 'Function', {
      description: 'winsift: scan Windows event logs landing in S3 with the bundled detection rules',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(asset?.dir ?? config.functionAssetDir),
      memorySize: config.memoryMb,
      timeout,
      role,
      logGroup,
      ...(config.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: config.reservedConcurrency }),
      environment: {
        TOPIC_ARN: props.alerts.topic.topicArn,
        ALERT_STATE_BUCKET: props.state.bucketName,
        ALERT_STATE_PREFIX: PUBLISH_RECORD_PREFIX,
        STATE_TABLE: props.stateTable.tableName,
        STATE_LATENESS: config.stateLateness,
        ...(config.suppressWindow === undefined ? {} : { SUPPRESS_WINDOW: config.suppressWindow }),
        MAX_OBJECT_BYTES: String(config.maxObjectBytes),
        // Stop starting objects with a fifth of the timeout left; abort one still running 5 s before the end.
        TIME_RESERVE_MS: String(Math.round((config.timeoutSeconds * 1000) / 5)),
        ABORT_MARGIN_MS: '5000',
        POWERTOOLS_SERVICE_NAME: 'winsift-scan',
        POWERTOOLS_METRICS_NAMESPACE: 'winsift',
        ...(props.runtimePack
          ? { RULES_S3_URI: `s3://${props.runtimePack.bucket.bucketName}/${props.runtimePack.key}`, RULES_REFRESH_SECONDS: String(config.rulesRefreshSeconds) }
          : {}),
        // The scan's young-generation cap (lib/scan/heap-limits.ts): ~90 MB less peak memory.
        NODE_OPTIONS: NODE_HEAP_FLAGS.join(' '),
        // No --enable-source-maps: measured locally it adds ~40-100 ms and ~20 MiB to every cold
        // start; errors name their object and cause without a mapped stack.
      },
    });
    // With reserved concurrency, cap the pollers at it: throttled batches go back to the queue and
    // count as receives, which would push healthy messages into the DLQ.
    const pollers = config.reservedConcurrency === undefined ? undefined : Math.max(2, Math.min(config.reservedConcurrency, 1000));
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        ...(pollers === undefined ? {} : { maxConcurrency: pollers }),
      }),
    );

    const filter = { ...(config.keyPrefix ? { prefix: config.keyPrefix } : {}), ...(config.keySuffix ? { suffix: config.keySuffix } : {}) };
    const filters = Object.keys(filter).length > 0 ? [filter] : [];
    props.logs.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), ...filters);
  }
}
