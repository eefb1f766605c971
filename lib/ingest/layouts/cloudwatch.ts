/**
 * CloudWatch Logs subscription records (CloudWatch agent -> Logs -> Firehose -> S3): an envelope
 * `{messageType, owner, logGroup, logStream, logEvents: [{id, timestamp, message}]}` whose
 * messages each hold one event, as Event XML (`event_format: xml`) or JSON.
 */
import { isRecord } from './record.ts';

export interface CloudWatchMessage {
  readonly message: unknown;
  /** `logEvents[3]`, for locations. */
  readonly where: string;
}

export function isCloudWatchEnvelope(record: unknown): record is Record<string, unknown> {
  return isRecord(record) && typeof record['messageType'] === 'string' && 'logEvents' in record;
}

/** `CONTROL_MESSAGE`s are CloudWatch's connectivity checks: no events, skipped. */
export function isControlMessage(record: Record<string, unknown>): boolean {
  return record['messageType'] === 'CONTROL_MESSAGE';
}

export function cloudWatchMessages(record: Record<string, unknown>): CloudWatchMessage[] {
  const logEvents = Array.isArray(record['logEvents']) ? record['logEvents'] : [];
  return logEvents.map((logEvent, i) => ({
    message: isRecord(logEvent) ? logEvent['message'] : undefined,
    where: `logEvents[${i}]`,
  }));
}
