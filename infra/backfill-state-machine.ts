/**
 * Backfills: a Step Functions Distributed Map lists the log bucket under a prefix (S3
 * ListObjectsV2 reader), batches the keys and fans them out to the scan function with bounded
 * concurrency and a tolerated failure percentage; the run's summary is written to the state
 * bucket (ResultWriter). EventBridge Scheduler can run it on a schedule; `winsift backfill`
 * starts it on demand.
 *
 * Input: `{"bucket": "<the log bucket>", "prefix": "...", "since": "YYYYMMDD" | "", "until": "YYYYMMDD" | ""}`;
 * each Lambda batch is `{"Items": [{"Bucket","Key","Size","Etag","since","until"}, ...]}`.
 * The state machine scans only the bucket and prefix it was deployed for and says so otherwise.
 * A batch fails with `ObjectsRetryableError` (retried here) or `ObjectsFailedError` (broken input,
 * too large: not retried, counted against the tolerated failures).
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { BACKFILL_RESULTS_PREFIX } from './buckets.ts';
import type { StackConfig } from './stack-config.ts';

/** Keys per Lambda invocation: small enough to finish well inside the function timeout. */
export const ITEMS_PER_BATCH = 20;

export interface BackfillProps {
  readonly config: StackConfig;
  readonly logs: s3.IBucket;
  readonly state: s3.IBucket;
  readonly scanFunction: lambda.IFunction;
}

export class Backfill extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly schedule?: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: BackfillProps) {
    super(scope, id);
    const { config } = props;

    const scanBatch = new tasks.LambdaInvoke(this, 'Scan batch', {
      lambdaFunction: props.scanFunction,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    scanBatch.addRetry({ errors: ['ObjectsRetryableError'], interval: Duration.seconds(30), maxAttempts: 3, backoffRate: 2 });

    const map = new sfn.DistributedMap(this, 'Scan prefix', {
      itemReader: new sfn.S3ObjectsItemReader({ bucket: props.logs, prefix: sfn.JsonPath.stringAt('$.prefix') }),
      // Each listed object, with what the scan function needs to read it: the bucket (ListObjectsV2
      // items do not name it) and the run's day window. ItemSelector paths see the state input as `$`.
      itemSelector: {
        Bucket: props.logs.bucketName,
        Key: sfn.JsonPath.stringAt('$$.Map.Item.Value.Key'),
        Size: sfn.JsonPath.numberAt('$$.Map.Item.Value.Size'),
        Etag: sfn.JsonPath.stringAt('$$.Map.Item.Value.Etag'),
        since: sfn.JsonPath.stringAt('$.since'),
        until: sfn.JsonPath.stringAt('$.until'),
      },
      itemBatcher: new sfn.ItemBatcher({ maxItemsPerBatch: ITEMS_PER_BATCH }),
      maxConcurrency: config.backfillMaxConcurrency,
      toleratedFailurePercentage: config.backfillToleratedFailurePercent,
      resultWriterV2: new sfn.ResultWriterV2({ bucket: props.state, prefix: BACKFILL_RESULTS_PREFIX }),
    });
    map.itemProcessor(scanBatch);

    const wrongTarget = new sfn.Fail(this, 'Not this bucket or prefix', {
      error: 'BackfillInputError',
      cause: `This state machine scans s3://${props.logs.bucketName}/${config.keyPrefix}* only, with input {"bucket","prefix","since","until"} (since/until YYYYMMDD or "")`,
    });
    const check = new sfn.Choice(this, 'Check input')
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent('$.bucket'),
          sfn.Condition.stringEquals('$.bucket', props.logs.bucketName),
          sfn.Condition.isPresent('$.prefix'),
          sfn.Condition.stringMatches('$.prefix', `${escapeWildcards(config.keyPrefix)}*`),
          sfn.Condition.isPresent('$.since'),
          sfn.Condition.isPresent('$.until'),
        ),
        map,
      )
      .otherwise(wrongTarget);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'winsift backfill: re-scan an S3 prefix with the scan function',
      definitionBody: sfn.DefinitionBody.fromChainable(check),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    // The result writer's grant covers every key of the state bucket, and that bucket also holds
    // the published-alert records: a role able to write those could silence alerts. An explicit
    // deny leaves the backfill its own results prefix only.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
        notResources: [props.state.arnForObjects(`${BACKFILL_RESULTS_PREFIX}/*`)],
      }),
    );

    if (config.backfillSchedule !== undefined) {
      this.schedule = new scheduler.Schedule(this, 'Schedule', {
        description: 'winsift scheduled backfill of the configured prefix',
        schedule: scheduler.ScheduleExpression.expression(config.backfillSchedule),
        target: new targets.StepFunctionsStartExecution(this.stateMachine, {
          input: scheduler.ScheduleTargetInput.fromObject({ bucket: props.logs.bucketName, prefix: config.keyPrefix, since: '', until: '' }),
        }),
      });
    }
  }
}

/** Choice `StringMatches` treats `*` as a wildcard and `\\` as escape. */
function escapeWildcards(text: string): string {
  return text.replace(/[\\*]/g, (c) => `\\${c}`);
}
