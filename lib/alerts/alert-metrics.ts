/**
 * Alert delivery in logs and metrics. lib/alerts owns these names; the handler passes its
 * Powertools Logger and Metrics and publishes the metrics at the end of the invocation.
 * Logs carry counts, ids and codes only, never event payloads (they are attacker-controlled
 * and may be sensitive).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { SnsDeliveryReport } from './sns-sink.ts';

export const ALERT_METRICS = {
  published: 'AlertsPublished',
  alreadyPublished: 'AlertsAlreadyPublished',
  failed: 'AlertPublishFailures',
  trimmed: 'AlertsTrimmed',
  /** Alerts sent as a minimal alert because the full one could not be rendered. */
  degraded: 'AlertsDegraded',
  requests: 'AlertPublishRequests',
  unrecorded: 'AlertPublishRecordFailures',
  /** Objects left to a concurrent attempt that held their claim (retried later; not an outage). */
  claimHeld: 'AlertClaimsHeld',
} as const;

export function recordDeliveryMetrics(metrics: Metrics, report: SnsDeliveryReport): void {
  metrics.addMetric(ALERT_METRICS.published, MetricUnit.Count, report.delivered);
  metrics.addMetric(ALERT_METRICS.alreadyPublished, MetricUnit.Count, report.alreadyDelivered);
  metrics.addMetric(ALERT_METRICS.failed, MetricUnit.Count, report.failed);
  metrics.addMetric(ALERT_METRICS.trimmed, MetricUnit.Count, report.trimmed);
  metrics.addMetric(ALERT_METRICS.degraded, MetricUnit.Count, report.degraded);
  metrics.addMetric(ALERT_METRICS.requests, MetricUnit.Count, report.requests);
  metrics.addMetric(ALERT_METRICS.unrecorded, MetricUnit.Count, report.unrecorded);
  metrics.addMetric(ALERT_METRICS.claimHeld, MetricUnit.Count, report.claim === 'held' ? 1 : 0);
}

export function logDelivery(logger: Logger, report: SnsDeliveryReport): void {
  const counts = {
    uri: report.uri,
    alerts: report.alerts,
    delivered: report.delivered,
    alreadyDelivered: report.alreadyDelivered,
    failed: report.failed,
    trimmed: report.trimmed,
    requests: report.requests,
  };
  if (report.claim === 'held' && report.failed > 0) {
    // Expected when S3 delivers one event twice: the other attempt publishes, this one retries.
    logger.warn('another attempt holds this object\'s claim; its alerts are left to it and the object will be retried', {
      ...counts,
      reason: report.failures[0]?.reason,
    });
  } else if (report.failed > 0) {
    logger.error('alerts not delivered; the object will be retried', {
      ...counts,
      failures: report.failures.slice(0, 10).map((f) => ({ alertId: f.alertId, code: f.code, reason: f.reason })),
    });
  } else {
    logger.info('alerts delivered', counts);
  }
  if (report.degraded > 0) {
    logger.warn('alerts sent as minimal alerts: the full alert could not be rendered', {
      uri: report.uri,
      degraded: report.degraded,
      reasons: report.degradedReasons,
    });
  }
  if (!report.deduplicated && report.alerts > 0) {
    logger.warn('object has no version id or ETag: its alerts are not deduplicated across retries', { uri: report.uri });
  }
  if (report.claimError !== undefined) {
    logger.warn('object claim not taken or not released: concurrent attempts may repeat alerts, or retries wait for the lease', {
      uri: report.uri,
      claim: report.claim,
      error: report.claimError,
    });
  }
  if (report.unrecorded > 0) {
    logger.warn('alerts delivered but not recorded; a retry of this object may repeat them', {
      uri: report.uri,
      unrecorded: report.unrecorded,
      errors: report.recordErrors.slice(0, 3),
    });
  }
}

/** The `onReport` for `createSnsSinkFactory`: logs and counts every object's delivery. */
export function observeDelivery(tools: { logger?: Logger; metrics?: Metrics }): (report: SnsDeliveryReport) => void {
  return (report) => {
    if (tools.logger) logDelivery(tools.logger, report);
    if (tools.metrics) recordDeliveryMetrics(tools.metrics, report);
  };
}
