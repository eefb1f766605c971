/** The whole deployment: buckets -> queue -> scan function -> alert topic, the backfill, and alarms. */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { acknowledgeFindings } from './acknowledgments.ts';
import { Alarms } from './alarms.ts';
import { AlertTopic } from './alert-topic.ts';
import { Backfill } from './backfill-state-machine.ts';
import { accessLogBucket, logBucket, stateBucket } from './buckets.ts';
import { ScanFunction } from './scan-function.ts';
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
    this.scan = new ScanFunction(this, 'Scan', { config, logs, state, alerts: this.alerts, stateTable: this.state.table });
    this.backfill = new Backfill(this, 'Backfill', { config, logs, state, scanFunction: this.scan.function });
    new Alarms(this, 'Alarms', {
      topic: this.alerts.topic,
      scanFunction: this.scan.function,
      deadLetters: this.scan.deadLetters,
      backfill: this.backfill.stateMachine,
    });
    acknowledgeFindings(this, { scan: this.scan, backfill: this.backfill, logs, state, keyPrefix: config.keyPrefix });
  }
}
