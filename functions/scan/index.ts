/**
 * The scan Lambda: every S3-driven invocation shape in, alerts to SNS out. Only wiring lives
 * here (environment, clients, rules, logger, metrics); the behaviour is lib/invocation.
 * Environment: TOPIC_ARN (required), MAX_OBJECT_BYTES, TIME_RESERVE_MS, ABORT_MARGIN_MS,
 * INPUT_LAYOUT (lib/invocation/handler-config.ts); the ingest work budget MAX_RECORD_BYTES,
 * MAX_DECOMPRESSED_BYTES, MAX_COMPRESSION_RATIO, MAX_NESTING_DEPTH, MAX_RECORD_EXPANSION,
 * MAX_EXPANSION_RATIO (lib/ingest/limits.ts); ALERT_STATE_BUCKET / ALERT_STATE_PREFIX (where
 * published alert ids and per-object claims are kept so retries, re-scans and concurrent scans
 * do not alert twice), ALERT_GROUPING, ALERT_MAX_EVENTS, ALERT_CLAIM_LEASE_MS
 * (lib/alerts/alert-config.ts); and the Powertools POWERTOOLS_* settings.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { readAlertConfig, snsSinkOptions } from '../../lib/alerts/alert-config.ts';
import type { SnsSender } from '../../lib/alerts/batch-publisher.ts';
import { createSnsSinkFactory } from '../../lib/alerts/sns-sink.ts';
import { readHandlerConfig } from '../../lib/invocation/handler-config.ts';
import { createS3ObjectScanner } from '../../lib/invocation/s3-object-scanner.ts';
import { createScanHandler, type ScanHandlerResult } from '../../lib/invocation/scan-handler.ts';
import { loadBundledPack } from '../../lib/rules/bundled-pack.ts';

const logger = new Logger({ serviceName: 'winsift-scan' });
const metrics = new Metrics({ namespace: 'winsift', serviceName: 'winsift-scan' });

// Cold start: configuration and rules are read once; a broken rule is logged, never silently dropped.
const config = readHandlerConfig(process.env);
const alertConfig = readAlertConfig(process.env);
const pack = loadBundledPack();
for (const error of pack.errors) logger.error('bundled rule not loaded', { ...error });
logger.info('rules loaded', { rules: pack.detector.rules.length, errors: pack.errors.length });
if (!alertConfig.stateBucket) logger.warn('ALERT_STATE_BUCKET is not set: a retried or re-scanned object can alert again after a cold start');

const s3 = new S3Client({});
// The SNS client is made on the first alert: most objects have none, and its code (a chunk of
// its own in the bundle) is a tenth of the cold start.
let snsClient: Promise<SNSClient> | undefined;
const sns: SnsSender = {
  async send(command) {
    snsClient ??= import('@aws-sdk/client-sns').then(({ SNSClient }) => new SNSClient({}));
    return (await snsClient).send(command);
  },
};
const scan = createScanHandler({
  scanner: createS3ObjectScanner({
    s3,
    detector: pack.detector,
    // Without a state bucket, alerts are deduplicated only within one warm container.
    sinkFor: createSnsSinkFactory(snsSinkOptions({ sns, s3, topicArn: config.topicArn, config: alertConfig, logger, metrics })),
    ingest: { ...(config.layout ? { layout: config.layout } : {}), limits: config.limits },
  }),
  limits: {
    reserveMs: config.reserveMs,
    abortMarginMs: config.abortMarginMs,
    ...(config.maxObjectBytes === undefined ? {} : { maxObjectBytes: config.maxObjectBytes }),
  },
  log: logger,
  metrics,
});

export async function handler(event: unknown, context: Context): Promise<ScanHandlerResult> {
  logger.addContext(context);
  try {
    return await scan(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
}
