/**
 * What needs a human, sent to the alert topic (and so to the e-mail subscribers, whose filter
 * lets attribute-less alarm messages through): messages given up on (DLQ), function errors and
 * throttles, alerts found but not published, and failed backfills.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface AlarmsProps {
  readonly topic: sns.ITopic;
  readonly scanFunction: lambda.IFunction;
  readonly deadLetters: sqs.IQueue;
  readonly backfill: sfn.IStateMachine;
  /** A runtime rule pack is configured: alarm when one is refused. */
  readonly rulePacks?: boolean;
}

export class Alarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const anyAtAll = (name: string, description: string, metric: cloudwatch.IMetric): void => {
      const alarm = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(props.topic));
      this.alarms.push(alarm);
    };

    anyAtAll(
      'DeadLetters',
      'S3 object notifications were given up on after repeated scan failures: see the scan function logs, fix, then redrive the DLQ.',
      props.deadLetters.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    );
    anyAtAll('FunctionErrors', 'The scan function failed invocations.', props.scanFunction.metricErrors({ period, statistic: 'Sum' }));
    anyAtAll('FunctionThrottles', 'The scan function was throttled: raise reserved concurrency or the account limit.', props.scanFunction.metricThrottles({ period, statistic: 'Sum' }));
    anyAtAll(
      'AlertPublishFailures',
      'Alerts were found but could not be published to SNS (the objects are retried).',
      new cloudwatch.Metric({
        namespace: 'winsift',
        metricName: 'AlertPublishFailures',
        dimensionsMap: { service: 'winsift-scan' },
        period,
        statistic: 'Sum',
      }),
    );
    if (props.rulePacks) {
      anyAtAll(
        'RulePackRejected',
        'The runtime rule pack could not be downloaded, parsed or validated: the function keeps running the last good pack. See the "rule pack refused" log lines for every problem; publish a fixed pack.',
        new cloudwatch.Metric({ namespace: 'winsift', metricName: 'RulePackRejected', dimensionsMap: { service: 'winsift-scan' }, period, statistic: 'Sum' }),
      );
    }
    anyAtAll('BackfillFailed', 'A backfill run failed (more failed objects than tolerated, or bad input).', props.backfill.metricFailed({ period, statistic: 'Sum' }));
  }
}
