/**
 * The scan Lambda: every S3-driven invocation shape in, alerts to SNS out. Only the cold start
 * lives here (logger, metrics, the bundled rules); the wiring is lib/invocation/scan-function.ts.
 * Environment: TOPIC_ARN (required), MAX_OBJECT_BYTES, TIME_RESERVE_MS, ABORT_MARGIN_MS,
 * INPUT_LAYOUT (lib/invocation/handler-config.ts); the ingest work budget MAX_RECORD_BYTES,
 * MAX_DECOMPRESSED_BYTES, MAX_COMPRESSION_RATIO, MAX_NESTING_DEPTH, MAX_RECORD_EXPANSION,
 * MAX_EXPANSION_RATIO (lib/ingest/limits.ts); RULES_S3_URI (a runtime rule pack, re-checked
 * every RULES_REFRESH_SECONDS, default 300: lib/rules/s3-pack-source.ts); ALERT_STATE_BUCKET / ALERT_STATE_PREFIX (where
 * published alert ids and per-object claims are kept so retries, re-scans and concurrent scans
 * do not alert twice), ALERT_GROUPING, ALERT_MAX_EVENTS, ALERT_CLAIM_LEASE_MS
 * (lib/alerts/alert-config.ts); STATE_TABLE (the DynamoDB table that carries correlations and
 * suppression across objects; unset, correlations stay within one object), STATE_LATENESS,
 * SUPPRESS_WINDOW, STATE_MAX_OBSERVATIONS, STATE_MAX_GROUPS (lib/state/state-config.ts); and the
 * Powertools POWERTOOLS_* settings.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { createScanFunction } from '../../lib/invocation/scan-function.ts';
import type { ScanHandlerResult } from '../../lib/invocation/scan-handler.ts';
import { loadFunctionPack } from '../../lib/rules/bundled-pack.ts';
import { createS3PackSource, type PackSource } from '../../lib/rules/s3-pack-source.ts';
import { readRulesSourceConfig } from '../../lib/rules/rules-source-config.ts';

const logger = new Logger({ serviceName: 'winsift-scan' });
const metrics = new Metrics({ namespace: 'winsift', serviceName: 'winsift-scan' });

// Cold start: configuration and rules are read once; a broken rule is logged, never silently dropped.
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

const s3 = new S3Client({});
// With RULES_S3_URI the runtime pack is fetched now, during init, and awaited by the first invocation.
const packs: PackSource = rulesSource.uri
  ? createS3PackSource({ s3, uri: rulesSource.uri, refreshMs: rulesSource.refreshMs, fallback: () => built.pack, log: logger, metrics })
  : { current: () => Promise.resolve(built.pack) };
void packs.current();
// One scan handler per pack (lib/invocation/scan-function.ts); STATE_TABLE turns on state across objects.
const scan = await createScanFunction(process.env, packs, { logger, metrics, s3 });

export async function handler(event: unknown, context: Context): Promise<ScanHandlerResult> {
  logger.addContext(context);
  try {
    return await scan(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
}
