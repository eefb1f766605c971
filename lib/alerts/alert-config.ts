/**
 * Alert settings from the function's environment, so the handler wires the SNS sink in one call:
 *   ALERT_STATE_BUCKET   bucket for the publish record (exactly-once across retries); unset =
 *                        remembered per process only, so retries may repeat alerts
 *   ALERT_STATE_PREFIX   key prefix for the record (default `published-alerts`)
 *   ALERT_GROUPING       object-rule-host (default) | object-rule | event
 *   ALERT_MAX_EVENTS     events carried in full by a folded alert (default 10)
 *   ALERT_MAX_MESSAGE_BYTES  the topic's MaximumMessageSize when raised above 256 KiB
 *   ALERT_CLAIM_LEASE_MS how long an object's claim holds if its holder dies (default 900000,
 *                        15 minutes: Lambda's longest timeout; shorter than the function's
 *                        timeout would let a takeover publish alongside a live holder)
 * A bad value stops the cold start with its name, like the other settings.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SnsSender } from './batch-publisher.ts';
import type { Grouping } from './aggregator.ts';
import { observeDelivery } from './alert-metrics.ts';
import { createS3PublishRecordStore } from './s3-publish-record.ts';
import type { SnsSinkOptions } from './sns-sink.ts';

type Env = Readonly<Record<string, string | undefined>>;

const GROUPINGS: readonly Grouping[] = ['object-rule-host', 'object-rule', 'event'];
/** SNS's largest MaximumMessageSize. */
const SNS_MAX_MESSAGE_SIZE_LIMIT = 1_048_576;

export interface AlertConfig {
  readonly stateBucket?: string;
  readonly statePrefix?: string;
  readonly grouping: Grouping;
  readonly maxEventsPerAlert: number;
  readonly maxMessageBytes?: number;
  readonly claimLeaseMs?: number;
}

export function readAlertConfig(env: Env): AlertConfig {
  const grouping = env['ALERT_GROUPING'] || 'object-rule-host';
  if (!GROUPINGS.includes(grouping as Grouping)) {
    throw new Error(`ALERT_GROUPING '${grouping}' is not one of ${GROUPINGS.join(', ')}`);
  }
  const maxEvents = wholeNumber(env, 'ALERT_MAX_EVENTS', 1, 1_000);
  const maxBytes = wholeNumber(env, 'ALERT_MAX_MESSAGE_BYTES', 16_384, SNS_MAX_MESSAGE_SIZE_LIMIT);
  // From one second (tests, experiments) to a day.
  const claimLeaseMs = wholeNumber(env, 'ALERT_CLAIM_LEASE_MS', 1_000, 86_400_000);
  const bucket = env['ALERT_STATE_BUCKET'] || undefined;
  const prefix = env['ALERT_STATE_PREFIX'] || undefined;
  return {
    grouping: grouping as Grouping,
    maxEventsPerAlert: maxEvents ?? 10,
    ...(bucket === undefined ? {} : { stateBucket: bucket }),
    ...(prefix === undefined ? {} : { statePrefix: prefix }),
    ...(maxBytes === undefined ? {} : { maxMessageBytes: maxBytes }),
    ...(claimLeaseMs === undefined ? {} : { claimLeaseMs }),
  };
}

/** Options for `createSnsSinkFactory`: the record in S3 when configured, logs and metrics per object. */
export function snsSinkOptions(deps: {
  sns: SnsSender;
  s3: S3Client;
  topicArn: string;
  config: AlertConfig;
  logger?: Logger;
  metrics?: Metrics;
}): SnsSinkOptions {
  const { config } = deps;
  return {
    sns: deps.sns,
    topicArn: deps.topicArn,
    grouping: config.grouping,
    maxEventsPerAlert: config.maxEventsPerAlert,
    ...(config.maxMessageBytes === undefined ? {} : { maxMessageBytes: config.maxMessageBytes }),
    ...(config.claimLeaseMs === undefined ? {} : { claimLeaseMs: config.claimLeaseMs }),
    ...(config.stateBucket === undefined
      ? {}
      : {
          store: createS3PublishRecordStore({
            s3: deps.s3,
            bucket: config.stateBucket,
            ...(config.statePrefix === undefined ? {} : { prefix: config.statePrefix }),
          }),
        }),
    onReport: observeDelivery({
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
  };
}

function wholeNumber(env: Env, name: string, min: number, max: number): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not '${text}'`);
  }
  return value;
}
