/**
 * The scan Lambda: every S3-driven invocation shape in, alerts to SNS out. Only wiring lives
 * here (environment, clients, rules, logger, metrics); the behaviour is lib/invocation.
 * Environment: TOPIC_ARN (required), MAX_OBJECT_BYTES, TIME_RESERVE_MS, ABORT_MARGIN_MS,
 * INPUT_LAYOUT (lib/invocation/handler-config.ts); the ingest work budget MAX_RECORD_BYTES,
 * MAX_DECOMPRESSED_BYTES, MAX_COMPRESSION_RATIO, MAX_NESTING_DEPTH, MAX_RECORD_EXPANSION,
 * MAX_EXPANSION_RATIO (lib/ingest/limits.ts); RULES_S3_URI (a runtime rule pack, re-checked
 * every RULES_REFRESH_SECONDS, default 300: lib/rules/s3-pack-source.ts); ALERT_STATE_BUCKET / ALERT_STATE_PREFIX (where
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
import { loadFunctionPack } from '../../lib/rules/bundled-pack.ts';
import type { RulePack } from '../../lib/rules/rule-pack.ts';
import { createS3PackSource, type PackSource } from '../../lib/rules/s3-pack-source.ts';
import { readRulesSourceConfig } from '../../lib/rules/rules-source-config.ts';

const logger = new Logger({ serviceName: 'winsift-scan' });
const metrics = new Metrics({ namespace: 'winsift', serviceName: 'winsift-scan' });

// Cold start: configuration and rules are read once; a broken rule is logged, never silently dropped.
const config = readHandlerConfig(process.env);
const alertConfig = readAlertConfig(process.env);
const rulesSource = readRulesSourceConfig(process.env);
const built = loadFunctionPack(new URL('.', import.meta.url));
for (const error of built.pack.errors) logger.error('rule not loaded', { pack: built.pack.version, ...error });
logger.info('rules loaded', {
  pack: built.pack.version,
  from: built.origin,
  rules: built.pack.detector.rules.length,
  errors: built.pack.errors.length,
  // A later source's copy of a rule id wins (lib/rules/build-pack.ts): said once, here.
  ...(built.pack.replaced.length > 0 ? { replaced: built.pack.replaced.map((r) => `${r.id}: ${r.kept} replaces ${r.dropped}`) } : {}),
});
if (!alertConfig.stateBucket) logger.warn('ALERT_STATE_BUCKET is not set: a retried or re-scanned object can alert again after a cold start');

const s3 = new S3Client({});
// With RULES_S3_URI the runtime pack is fetched now, during init, and awaited by the first invocation.
const packs: PackSource = rulesSource.uri
  ? createS3PackSource({ s3, uri: rulesSource.uri, refreshMs: rulesSource.refreshMs, fallback: () => built.pack, log: logger, metrics })
  : { current: () => Promise.resolve(built.pack) };
void packs.current();
// The SNS client is made on the first alert: most objects have none, and its code (a chunk of
// its own in the bundle) is a tenth of the cold start.
let snsClient: Promise<SNSClient> | undefined;
const sns: SnsSender = {
  async send(command) {
    snsClient ??= import('@aws-sdk/client-sns').then(({ SNSClient }) => new SNSClient({}));
    return (await snsClient).send(command);
  },
};
/** One scan handler per pack: a pack swapped in between invocations never changes a running scan. */
const handlers = new WeakMap<RulePack, ReturnType<typeof createScanHandler>>();
function scanWith(pack: RulePack): ReturnType<typeof createScanHandler> {
  let scan = handlers.get(pack);
  if (!scan) {
    scan = createScanHandler({
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
    handlers.set(pack, scan);
  }
  return scan;
}

export async function handler(event: unknown, context: Context): Promise<ScanHandlerResult> {
  logger.addContext(context);
  try {
    const pack = await packs.current();
    logger.appendKeys({ rulePack: pack.version });
    return await scanWith(pack)(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
}
