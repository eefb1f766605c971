import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_HEAP_FLAGS } from '../../lib/scan/heap-limits.ts';
import { readStackConfig } from '../../infra/stack-config.ts';
import { ensureFunctionBundle, synthStack, type Synthesised } from './synth-stack.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function only(template: Template, type: string, props: Record<string, unknown> = {}): [string, Resources[string]] {
  const found = Object.entries(template.findResources(type, props.Properties ? props : { Properties: props }) as Resources);
  expect(found, `${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
}

function ref(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

let created: Synthesised;
let imported: Synthesised;

beforeAll(async () => {
  await ensureFunctionBundle();
  created = synthStack({
    keyPrefix: 'winlogbeat/',
    keySuffix: '.gz',
    alertEmails: 'soc@example.com, oncall@example.com',
    emailMinSeverity: 'high',
    reservedConcurrency: 20,
    memoryMb: 2048,
    timeoutSeconds: 120,
    backfillSchedule: 'cron(0 3 ? * SUN *)',
    backfillMaxConcurrency: 25,
    backfillToleratedFailurePercent: 2,
  });
  imported = synthStack({ logBucketName: 'corp-winlogs', keyPrefix: 'wef/' });
}, 120_000);

describe('the synthesized stack (bucket created)', () => {
  it('runs the bundled function on ARM64 nodejs24.x with its settings from context', () => {
    const { template, stack } = created;
    const [, fn] = only(template, 'AWS::Lambda::Function', { Runtime: 'nodejs24.x' });
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 2048,
      Timeout: 120,
      ReservedConcurrentExecutions: 20,
    });
    const env = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      TOPIC_ARN: { Ref: ref(stack, stack.alerts.topic) },
      ALERT_STATE_BUCKET: { Ref: expect.stringMatching(/^StateBucket/) },
      ALERT_STATE_PREFIX: 'published-alerts',
      TIME_RESERVE_MS: '24000',
      ABORT_MARGIN_MS: '5000',
      // The scan's young-generation cap (lib/scan/heap-limits.ts), which NODE_OPTIONS allows.
      NODE_OPTIONS: NODE_HEAP_FLAGS.join(' '),
    });
  });

  it('wires S3 -> SQS (visibility 6x the timeout, DLQ after 5 receives) -> the function with partial batch responses', () => {
    const { template, stack } = created;
    const queueId = ref(stack, stack.scan.queue);
    const dlqId = ref(stack, stack.scan.deadLetters);
    expect(template.toJSON().Resources[queueId].Properties).toMatchObject({
      VisibilityTimeout: 720,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: ref(stack, stack.scan.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // Pollers capped at the reserved concurrency (20), so throttling cannot push messages to the DLQ.
      ScalingConfig: { MaximumConcurrency: 20 },
    });
    const [, notifications] = only(template, 'Custom::S3BucketNotifications');
    expect(notifications.Properties['NotificationConfiguration']).toEqual({
      QueueConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          QueueArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          Filter: { Key: { FilterRules: expect.arrayContaining([{ Name: 'prefix', Value: 'winlogbeat/' }, { Name: 'suffix', Value: '.gz' }]) } },
        },
      ],
    });
    // S3 may send to the queue only on behalf of this bucket.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Principal: { Service: 's3.amazonaws.com' },
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogBucket'), 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('gives the function exactly the permissions it needs, on exactly its resources', () => {
    const { template, stack } = created;
    const [, policy] = only(template, 'AWS::IAM::Policy', { Roles: [{ Ref: ref(stack, stack.scan.function.role as never) }] });
    const state = ref(stack, stack.node.findChild('StateBucket') as never);
    const statements = (policy.Properties['PolicyDocument'] as { Statement: unknown[] }).Statement;
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ScanLogs/), 'Arn'] } },
      { Action: ['s3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^LogBucket/), 'Arn'] }, '/winlogbeat/*']] } },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['published-alerts/*'] } }, Effect: 'Allow', Resource: { 'Fn::GetAtt': [state, 'Arn'] } },
      { Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [state, 'Arn'] }, '/published-alerts/*']] } },
      {
        Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [ref(stack, stack.state.table), 'Arn'] },
      },
      { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: ref(stack, stack.alerts.topic) } },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [ref(stack, stack.alerts.key), 'Arn'] } },
      {
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [ref(stack, stack.scan.queue), 'Arn'] },
      },
    ]);
    // No AWS managed policy on the function's role.
    const role = template.toJSON().Resources[ref(stack, stack.scan.function.role as never)];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('encrypts the topic with a rotated key and e-mails high and critical alerts (and alarms) only', () => {
    const { template, stack } = created;
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [ref(stack, stack.alerts.key), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Resource: '*',
            // Only this account's alarms: no confused deputy.
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
            },
          },
        ]),
      },
    });
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription') as Resources);
    expect(subscriptions.map((s) => s.Properties['Endpoint']).sort()).toEqual(['oncall@example.com', 'soc@example.com']);
    for (const s of subscriptions) {
      expect(s.Properties).toMatchObject({
        Protocol: 'email',
        FilterPolicyScope: 'MessageAttributes',
        FilterPolicy: { $or: [{ severity: ['high', 'critical'] }, { severity: [{ exists: false }] }] },
      });
    }
  });

  it('backfills with a Distributed Map over the prefix: bounded concurrency, tolerated failures, summary to S3, retries only what can pass', () => {
    const { template, stack } = created;
    const [, machine] = only(template, 'AWS::StepFunctions::StateMachine');
    const definition = resolveDefinition(machine.Properties['DefinitionString']);
    const map = definition.States['Scan prefix'];
    expect(map).toMatchObject({
      Type: 'Map',
      MaxConcurrency: 25,
      ToleratedFailurePercentage: 2,
      ItemReader: { Resource: 'arn:${AWS::Partition}:states:::s3:listObjectsV2', Parameters: { Bucket: '${LogBucket}', 'Prefix.$': '$.prefix' } },
      ItemSelector: {
        Bucket: '${LogBucket}',
        'Key.$': '$$.Map.Item.Value.Key',
        'Size.$': '$$.Map.Item.Value.Size',
        'Etag.$': '$$.Map.Item.Value.Etag',
        'since.$': '$.since',
        'until.$': '$.until',
      },
      ItemBatcher: { MaxItemsPerBatch: 20 },
      ResultWriter: { Resource: 'arn:${AWS::Partition}:states:::s3:putObject', Parameters: { Bucket: '${StateBucket}', Prefix: 'backfill-results' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    const task = map.ItemProcessor.States['Scan batch'];
    expect(task.Retry.map((r: { ErrorEquals: string[] }) => r.ErrorEquals)).toContainEqual(['ObjectsRetryableError']);
    expect(JSON.stringify(task.Retry)).not.toContain('ObjectsFailedError');
    expect(definition.States['Check input'].Choices[0].And).toContainEqual({ Variable: '$.prefix', StringMatches: 'winlogbeat/*' });
    // The backfill writes its results and nothing else of the state bucket (which holds the
    // published-alert records): an explicit deny on every other key.
    const statements = Object.values(template.findResources('AWS::IAM::Policy') as Resources)
      .filter((p) => JSON.stringify(p.Properties['Roles']).includes('BackfillStateMachineRole'))
      .flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Array<Record<string, unknown>> }).Statement);
    expect(statements).toContainEqual({
      Effect: 'Deny',
      Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'],
      NotResource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^StateBucket/), 'Arn'] }, '/backfill-results/*']] },
    });
    expect(machine.Properties['TracingConfiguration']).toEqual({ Enabled: true });
    expect(machine.Properties['LoggingConfiguration']).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const [, schedule] = only(template, 'AWS::Scheduler::Schedule');
    expect(schedule.Properties).toMatchObject({ ScheduleExpression: 'cron(0 3 ? * SUN *)', Target: { Arn: { Ref: ref(stack, stack.backfill.stateMachine) } } });
    // The input is JSON with the bucket name spliced in by CloudFormation.
    const input = (schedule.Properties['Target'] as { Input: { 'Fn::Join': [string, unknown[]] } }).Input['Fn::Join'][1];
    const inputText = input.map((p) => (typeof p === 'string' ? p : 'LOG-BUCKET')).join('');
    expect(JSON.parse(inputText)).toEqual({ bucket: 'LOG-BUCKET', prefix: 'winlogbeat/', since: '', until: '' });
    expect(input.filter((p) => typeof p !== 'string')).toEqual([{ Ref: expect.stringMatching(/^LogBucket/) }]);
  });

  it('alarms on DLQ depth, function errors and throttles, publish failures and failed backfills, to the topic', () => {
    const { template, stack } = created;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources);
    expect(alarms.map((a) => a.Properties['MetricName']).sort()).toEqual(
      ['AlertPublishFailures', 'ApproximateNumberOfMessagesVisible', 'Errors', 'ExecutionsFailed', 'Throttles'].sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [{ Ref: ref(stack, stack.alerts.topic) }] });
    }
    const publish = alarms.find((a) => a.Properties['MetricName'] === 'AlertPublishFailures')!;
    expect(publish.Properties).toMatchObject({ Namespace: 'winsift', Dimensions: [{ Name: 'service', Value: 'winsift-scan' }] });
  });
});

describe('the synthesized stack (bucket imported)', () => {
  it('creates no log bucket, and scopes reads and notifications to the named bucket and prefix', () => {
    const { template, stack } = imported;
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).some((id) => id.startsWith('LogBucket'))).toBe(false);
    const [, notifications] = only(template, 'Custom::S3BucketNotifications');
    expect(notifications.Properties).toMatchObject({ BucketName: 'corp-winlogs', Managed: false });
    const [, policy] = only(template, 'AWS::IAM::Policy', { Roles: [{ Ref: ref(stack, stack.scan.function.role as never) }] });
    expect((policy.Properties['PolicyDocument'] as { Statement: unknown[] }).Statement).toContainEqual({
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::corp-winlogs/wef/*']] },
    });
    expect(template.findResources('AWS::Scheduler::Schedule')).toEqual({});
  });
});

describe('the state table', () => {
  it('is on-demand, expires items by TTL, is KMS-encrypted with point-in-time recovery, and named to the function', () => {
    const { template, stack } = created;
    const [id, table] = only(template, 'AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const [, fn] = only(template, 'AWS::Lambda::Function', { Runtime: 'nodejs24.x' });
    const env = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ STATE_TABLE: { Ref: id }, STATE_LATENESS: '15m' });
    const [, policy] = only(template, 'AWS::IAM::Policy', { Roles: [{ Ref: ref(stack, stack.scan.function.role as never) }] });
    const statements = (policy.Properties['PolicyDocument'] as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement;
    const onTable = statements.filter((st) => JSON.stringify(st.Resource).includes(id));
    // Exactly the calls the store makes, on the table itself (no index, no stream, no wildcard).
    expect(onTable).toEqual([
      { Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [id, 'Arn'] } },
    ]);
  });

  it('takes a default suppression window from context', () => {
    const { template } = synthStack({ suppressWindow: '1h' });
    const [, fn] = only(template, 'AWS::Lambda::Function', { Runtime: 'nodejs24.x' });
    expect((fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables).toMatchObject({ SUPPRESS_WINDOW: '1h' });
    expect(() => readStackConfig((key) => ({ suppressWindow: 'hourly' })[key])).toThrow(/context suppressWindow: 'hourly'/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('stops synthesis on a finding nobody acknowledged (the checks really run)', () => {
    expect(() => synthStack({}, (stack) => new sqs.Queue(stack, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED }))).toThrow(/AwsSolutions-SQS2/);
  });
});

describe('context', () => {
  const read = (context: Record<string, unknown>) => readStackConfig((key) => context[key]);

  it('defaults to a created bucket, high-severity e-mail, no schedule', () => {
    expect(read({})).toMatchObject({ keyPrefix: '', alertEmails: [], emailMinSeverity: 'high', memoryMb: 1024, timeoutSeconds: 300 });
    expect(read({}).backfillSchedule).toBeUndefined();
    expect(read({ backfillSchedule: 'none' }).backfillSchedule).toBeUndefined();
  });

  it('names the key of every bad value', () => {
    expect(() => read({ emailMinSeverity: 'urgent' })).toThrow(/context emailMinSeverity: 'urgent' is not one of informational, low, medium, high, critical/);
    expect(() => read({ alertEmails: 'soc@example.com,not-an-address' })).toThrow(/context alertEmails: 'not-an-address'/);
    expect(() => read({ timeoutSeconds: 1200 })).toThrow(/context timeoutSeconds: '1200' is not a whole number from 30 to 900/);
    expect(() => read({ backfillSchedule: 'every sunday' })).toThrow(/context backfillSchedule/);
    expect(() => read({ reservedConcurrency: 0 })).toThrow(/context reservedConcurrency/);
  });
});

/** The state machine definition with CloudFormation references replaced by `${LogicalIdPrefix}` placeholders. */
function resolveDefinition(definition: unknown): any {
  const parts = (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const r = p as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      const id = r.Ref ?? r['Fn::GetAtt']?.[0] ?? '?';
      return `\${${id.replace(/^(AWS::Partition)$/, '$1').replace(/[0-9A-F]{8}$/, '')}}`;
    })
    .join('');
  return JSON.parse(text);
}
