/**
 * The scan Lambda: every S3-driven invocation shape in, alerts to SNS out. Only the cold start
 * lives here (logger, metrics, the bundled rules); the wiring is lib/invocation/scan-function.ts.
 * Environment: TOPIC_ARN (required), MAX_OBJECT_BYTES, TIME_RESERVE_MS, ABORT_MARGIN_MS,
 * INPUT_LAYOUT (lib/invocation/handler-config.ts); the ingest work budget MAX_RECORD_BYTES,
 * MAX_DECOMPRESSED_BYTES, MAX_COMPRESSION_RATIO, MAX_NESTING_DEPTH, MAX_RECORD_EXPANSION,
 * MAX_EXPANSION_RATIO (lib/ingest/limits.ts); ALERT_STATE_BUCKET / ALERT_STATE_PREFIX (where
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
import { createScanFunction } from '../../lib/invocation/scan-function.ts';
import type { ScanHandlerResult } from '../../lib/invocation/scan-handler.ts';
import { loadBundledPack } from '../../lib/rules/bundled-pack.ts';

const logger = new Logger({ serviceName: 'winsift-scan' });
const metrics = new Metrics({ namespace: 'winsift', serviceName: 'winsift-scan' });

// Cold start: configuration and rules are read once; a broken rule is logged, never silently dropped.
const pack = loadBundledPack();
for (const error of pack.errors) logger.error('bundled rule not loaded', { ...error });
logger.info('rules loaded', { rules: pack.detector.rules.length, errors: pack.errors.length });
const scan = await createScanFunction(process.env, pack, { logger, metrics });

export async function handler(event: unknown, context: Context): Promise<ScanHandlerResult> {
  logger.addContext(context);
  try {
    return await scan(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
}
