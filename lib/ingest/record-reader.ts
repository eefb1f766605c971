/**
 * One framed record -> the events it holds: a JSON record is one event (or, as a CloudWatch
 * envelope, one per log event), an XML record is one event. Each result either is an event or
 * says, with its location, why it is not.
 */
import type { LayoutName, WinEvent } from '../events/win-event.ts';
import type { FramingName } from './framing/framed-record.ts';
import { cloudWatchMessages, isCloudWatchEnvelope, isControlMessage } from './layouts/cloudwatch.ts';
import { readJsonRecord } from './layouts/detect-layout.ts';
import { fromEventXml } from './layouts/event-xml.ts';
import { jsonTooDeepAt } from './nesting-depth.ts';

export type RecordResult =
  /** `warning`: read, but not exactly as written (reported on the record, not counted unreadable). */
  | { readonly event: WinEvent; readonly warning?: string }
  | { readonly location: string; readonly reason: string };

export function readRecord(
  bytes: Buffer,
  location: string,
  framing: FramingName,
  layout: LayoutName | undefined,
  maxNestingDepth: number,
): RecordResult[] {
  if (framing === 'event-xml') return [fromXml(bytes.toString('utf8'), location, layout, maxNestingDepth)];
  const tooDeep = jsonTooDeepAt(bytes, maxNestingDepth);
  if (tooDeep >= 0) return [{ location, reason: nestingReason(tooDeep, 'byte', maxNestingDepth) }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return [{ location, reason: `invalid JSON: ${(error as Error).message}` }];
  }
  if (isCloudWatchEnvelope(parsed) && (layout === undefined || layout === 'cloudwatch')) {
    if (isControlMessage(parsed)) return [];
    const messages = cloudWatchMessages(parsed);
    if ('reason' in messages) return [{ location, reason: messages.reason }];
    return messages.map(({ message, where }) => readMessage(message, `${location}, ${where}`, maxNestingDepth));
  }
  if (layout === 'cloudwatch') return [{ location, reason: 'record is not a CloudWatch Logs subscription record (forced layout cloudwatch)' }];
  if (layout === 'event-xml') return [{ location, reason: 'record is JSON, not Event XML (forced layout event-xml)' }];
  return [withLocation(readJsonRecord(parsed, layout), location)];
}

/** A CloudWatch log event message: Event XML or JSON, decoded again; rendered text is not read. */
function readMessage(message: unknown, location: string, maxNestingDepth: number): RecordResult {
  if (typeof message !== 'string') return { location, reason: 'CloudWatch log event has no string message' };
  const text = message.trimStart();
  if (text.startsWith('<')) return fromXml(text, location, undefined, maxNestingDepth);
  if (text.startsWith('{')) {
    const tooDeep = jsonTooDeepAt(text, maxNestingDepth);
    if (tooDeep >= 0) return { location, reason: nestingReason(tooDeep, 'character', maxNestingDepth) };
    try {
      return withLocation(readJsonRecord(JSON.parse(text)), location);
    } catch (error) {
      return { location, reason: `invalid JSON in CloudWatch message: ${(error as Error).message}` };
    }
  }
  return {
    location,
    reason: 'CloudWatch message is rendered text, not Event XML or JSON (set event_format: xml in the CloudWatch agent)',
  };
}

function fromXml(xml: string, location: string, layout: LayoutName | undefined, maxNestingDepth: number): RecordResult {
  if (layout !== undefined && layout !== 'event-xml') {
    return { location, reason: `record is Event XML, not the forced layout ${layout}` };
  }
  return withLocation(fromEventXml(xml, maxNestingDepth), location);
}

function nestingReason(at: number, unit: string, max: number): string {
  return `JSON nested deeper than maxNestingDepth (${max} levels) at ${unit} ${at} of the record`;
}

function withLocation(result: { event: WinEvent; warning?: string } | { reason: string }, location: string): RecordResult {
  return 'event' in result ? result : { location, reason: result.reason };
}
