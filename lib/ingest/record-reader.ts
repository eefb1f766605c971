/**
 * One framed record -> the events it holds: a JSON record is one event (or, as a CloudWatch
 * envelope, one per log event), an XML record is one event. Each result either is an event or
 * says, with its location, why it is not.
 */
import type { LayoutName, WinEvent } from '../events/win-event.ts';
import { type DuplicateKeys, duplicateKeysOf } from './duplicate-keys.ts';
import type { FramingName } from './framing/framed-record.ts';
import { cloudWatchMessages, isCloudWatchEnvelope, isControlMessage } from './layouts/cloudwatch.ts';
import { readJsonRecord } from './layouts/detect-layout.ts';
import { fromEventXml } from './layouts/event-xml.ts';
import { jsonTooDeepAt } from './nesting-depth.ts';

export type RecordResult = RecordEvent | { readonly location: string; readonly reason: string };

export interface RecordEvent {
  readonly event: WinEvent;
  /** Read, but not exactly as written (reported on the record, not counted unreadable). */
  readonly warning?: string;
  /**
   * Other readings of the same record, matched too: with a repeated JSON key, `event` keeps the
   * last value (as JSON.parse) and the alternate the first (as first-wins readers do).
   */
  readonly alternates?: readonly WinEvent[];
  /** Paths of the repeated JSON keys (`winlog.event_data.Image`), when there were any. */
  readonly duplicateKeys?: readonly string[];
}

export function readRecord(
  bytes: Buffer,
  location: string,
  framing: FramingName,
  layout: LayoutName | undefined,
  maxNestingDepth: number,
): RecordResult[] {
  const text = bytes.toString('utf8');
  if (framing === 'event-xml') return [fromXml(text, location, layout, maxNestingDepth)];
  // The depth check runs on the decoded text (String#indexOf is cheaper than Buffer#indexOf);
  // only a record too deep is scanned again for the byte offset its reason names.
  if (jsonTooDeepAt(text, maxNestingDepth) >= 0) {
    return [{ location, reason: nestingReason(jsonTooDeepAt(bytes, maxNestingDepth), 'byte', maxNestingDepth) }];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return [{ location, reason: `invalid JSON: ${(error as Error).message}` }];
  }
  const duplicates = duplicateKeysOf(text, parsed);
  const read = readParsed(parsed, location, layout, maxNestingDepth);
  return duplicates ? withDuplicates(read, readParsed(duplicates.firstWins, location, layout, maxNestingDepth), duplicates, location) : read;
}

/** A parsed JSON record: a CloudWatch envelope's log events, or one event. */
function readParsed(parsed: unknown, location: string, layout: LayoutName | undefined, maxNestingDepth: number): RecordResult[] {
  if (isCloudWatchEnvelope(parsed) && (layout === undefined || layout === 'cloudwatch')) {
    if (isControlMessage(parsed)) return [];
    const messages = cloudWatchMessages(parsed);
    if ('reason' in messages) return [{ location, reason: messages.reason }];
    return messages.map(({ message, where }) => readMessage(message, `${location}, ${where}`, where, maxNestingDepth));
  }
  if (layout === 'cloudwatch') return [{ location, reason: 'record is not a CloudWatch Logs subscription record (forced layout cloudwatch)' }];
  if (layout === 'event-xml') return [{ location, reason: 'record is JSON, not Event XML (forced layout event-xml)' }];
  return [withLocation(readJsonRecord(parsed, layout), location)];
}

/** A CloudWatch log event message: Event XML or JSON, decoded again; rendered text is not read. */
function readMessage(message: unknown, location: string, where: string, maxNestingDepth: number): RecordResult {
  if (typeof message !== 'string') return { location, reason: 'CloudWatch log event has no string message' };
  const text = message.trimStart();
  if (text.startsWith('<')) return fromXml(text, location, undefined, maxNestingDepth);
  if (text.startsWith('{')) {
    const tooDeep = jsonTooDeepAt(text, maxNestingDepth);
    if (tooDeep >= 0) return { location, reason: nestingReason(tooDeep, 'character', maxNestingDepth) };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { location, reason: `invalid JSON in CloudWatch message: ${(error as Error).message}` };
    }
    const duplicates = duplicateKeysOf(text, parsed);
    const read = withLocation(readJsonRecord(parsed), location);
    if (!duplicates) return read;
    const scoped = { ...duplicates, paths: duplicates.paths.map((path) => `${where}.message: ${path}`) };
    return withDuplicates([read], [withLocation(readJsonRecord(duplicates.firstWins), location)], scoped, location)[0]!;
  }
  return {
    location,
    reason: 'CloudWatch message is rendered text, not Event XML or JSON (set event_format: xml in the CloudWatch agent)',
  };
}

/**
 * A record with repeated keys, read both ways: `lastWins` as JSON.parse reads it, `firstWins`
 * keeping the first value of each repeat. Which one a reader keeps is the reader's choice, so an
 * attacker who repeats `Image` can show one reader a benign value and another the real one; the
 * scan matches both readings and alerts when either matches (it never loses an alert to the
 * trick). Merging the values into a list instead would let a rule's filter (`not` selection)
 * match the benign one and suppress the alert. The event's fields are the last-wins reading (the
 * one every JSON.parse-based tool shows); the first-wins one is an alternate. Results pair by
 * position (a CloudWatch envelope's log events); one only one reading has is still an event, and
 * a record only one reading can read is read through that one.
 */
function withDuplicates(lastWins: RecordResult[], firstWins: RecordResult[], duplicates: DuplicateKeys, location: string): RecordResult[] {
  const shown = duplicates.paths.join(', ') + (duplicates.count > duplicates.paths.length ? `, ... (${duplicates.count} repeats)` : '');
  const warning = `duplicate JSON keys (${shown}): the last value of each is the event's, the first is matched too`;
  const out: RecordResult[] = [];
  for (let i = 0; i < Math.max(lastWins.length, firstWins.length); i++) {
    const last = lastWins[i];
    const first = firstWins[i];
    const read = last !== undefined && 'event' in last ? last : first !== undefined && 'event' in first ? first : undefined;
    if (read === undefined) {
      out.push(last ?? first ?? { location, reason: 'no readable event' });
      continue;
    }
    const other = read === last ? first : undefined;
    const alternates = [...(read.alternates ?? [])];
    if (other !== undefined && 'event' in other) alternates.push(other.event, ...(other.alternates ?? []));
    const warnings = [read.warning, warning].filter((w) => w !== undefined).join('; ');
    out.push({
      event: read.event,
      warning: warnings,
      ...(alternates.length > 0 ? { alternates } : {}),
      duplicateKeys: [...(read.duplicateKeys ?? []), ...duplicates.paths],
    });
  }
  return out;
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
