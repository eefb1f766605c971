/** The whole deployment: buckets -> queue -> scan function -> alert topic, the backfill, and alarms. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeFindings } from './acknowledgments.ts';
import { Alarms } from './alarms.ts';
import { AlertTopic } from './alert-topic.ts';
import { Backfill } from './backfill-state-machine.ts';
import { accessLogBucket, logBucket, rulePackBucket, stateBucket } from './buckets.ts';
import { ScanFunction, type RuntimePack } from './scan-function.ts';
import { StateTable } from './state-table.ts';
import { levelsFrom, type StackConfig } from './stack-config.ts';

export interface WinsiftStackProps extends StackProps {
  readonly config: StackConfig;
}

export class WinsiftStack extends Stack {
  readonly scan: ScanFunction;
  readonly backfill: Backfill;
  readonly alerts: AlertTopic;
  readonly state: StateTable;

  constructor(scope: Construct, id: string, props: WinsiftStackProps) {
    super(scope, id, props);
    const { config } = props;
    const accessLogs = accessLogBucket(this);
    const logs = logBucket(this, config.logBucketName, accessLogs);
    const state = stateBucket(this, config.publishRecordDays, accessLogs);
    this.alerts = new AlertTopic(this, 'Alerts', { emails: config.alertEmails, emailLevels: levelsFrom(config.emailMinSeverity) });
    this.state = new StateTable(this, 'DetectionState');
    const runtimePack = this.runtimePack(config, accessLogs);
    this.scan = new ScanFunction(this, 'Scan', { config, logs, state, alerts: this.alerts, stateTable: this.state.table, ...(runtimePack ? { runtimePack } : {}) });
    if (runtimePack) {
      new CfnOutput(this, 'RulePackUri', {
        description: 'Where `winsift rules publish` puts the runtime rule pack; the scan function re-checks it every rulesRefreshSeconds',
        value: `s3://${runtimePack.bucket.bucketName}/${runtimePack.key}`,
      });
    }
    this.backfill = new Backfill(this, 'Backfill', { config, logs, state, scanFunction: this.scan.function });
    new Alarms(this, 'Alarms', {
      topic: this.alerts.topic,
      scanFunction: this.scan.function,
      deadLetters: this.scan.deadLetters,
      backfill: this.backfill.stateMachine,
      rulePacks: runtimePack !== undefined,
    });
    new CfnOutput(this, 'AlertTopicArn', { description: 'Alerts (OCSF JSON, e-mail text) are published here', value: this.alerts.topic.topicArn });
    if (!config.logBucketName) new CfnOutput(this, 'LogBucketName', { description: 'Upload Windows event logs here', value: logs.bucketName });
    acknowledgeFindings(this, { scan: this.scan, backfill: this.backfill, logs, state, keyPrefix: config.keyPrefix });
  }

  /** The runtime pack's bucket and key: an existing object (rulesS3Uri), or a bucket made here. */
  private runtimePack(config: StackConfig, accessLogs: s3.IBucket): RuntimePack | undefined {
    const runtime = config.runtimePack;
    if (!runtime) return undefined;
    if ('createBucket' in runtime) return { bucket: rulePackBucket(this, accessLogs), key: runtime.key };
    const [, bucketName, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(runtime.uri)!;
    return {
      bucket: s3.Bucket.fromBucketName(this, 'RulePackSource', bucketName!),
      key: key!,
      ...(runtime.kmsKeyArn === undefined ? {} : { kmsKeyArn: runtime.kmsKeyArn }),
    };
  }
}
