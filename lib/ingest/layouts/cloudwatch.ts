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

/**
 * The log events of a DATA_MESSAGE, or why the envelope holds none that can be read: an envelope
 * whose `logEvents` is not a non-empty list would otherwise drop its events without a trace.
 */
export function cloudWatchMessages(record: Record<string, unknown>): CloudWatchMessage[] | { readonly reason: string } {
  const messageType = record['messageType'];
  if (messageType !== 'DATA_MESSAGE') {
    return { reason: `CloudWatch Logs envelope with messageType ${JSON.stringify(messageType).slice(0, 40)}, not DATA_MESSAGE or CONTROL_MESSAGE` };
  }
  const logEvents = record['logEvents'];
  if (!Array.isArray(logEvents)) {
    const found = logEvents === null ? 'null' : typeof logEvents === 'object' ? 'an object' : typeof logEvents;
    return { reason: `CloudWatch Logs envelope whose logEvents is ${found}, not a list of log events` };
  }
  if (logEvents.length === 0) return { reason: 'CloudWatch Logs DATA_MESSAGE envelope with no log events' };
  return logEvents.map((logEvent, i) => ({
    message: isRecord(logEvent) ? logEvent['message'] : undefined,
    where: `logEvents[${i}]`,
  }));
}
