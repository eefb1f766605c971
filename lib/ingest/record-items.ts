/**
 * One framed text record -> its ingest items: the prefilter's skip, an unreadable record, or the
 * event(s) it holds with their warnings. `readItems` (open-object.ts) numbers them as it goes;
 * a scan that reads records in several threads (`winsift scan --threads`, lib/scan/scan-pieces.ts)
 * runs the same step on a batch of records and numbers them from the batch's first item.
 */
import { isUtf8 } from 'node:buffer';
import type { FramedRecord, FramingName } from './framing/framed-record.ts';
import { InputError, type IngestItem, type IngestOptions } from './ingest-item.ts';
import { readRecord, type RecordResult } from './record-reader.ts';

export interface RecordItemsContext {
  readonly uri: string;
  readonly framing: FramingName;
  readonly layout: IngestOptions['layout'];
  readonly maxNestingDepth: number;
  /** Already cleared for Event XML: XML text can be split by markup and still read as one value. */
  readonly mayMatch: ((record: Uint8Array) => boolean) | undefined;
}

/** The items of `record`, numbered from `index`, appended to `out`; returns the next number. */
export function recordItems(record: FramedRecord, context: RecordItemsContext, index: number, out: IngestItem[]): number {
  const { uri } = context;
  if (record.kind === 'bad') {
    out.push({ kind: 'unreadable', index: index++, error: new InputError(uri, record.location, record.reason) });
    return index;
  }
  if (context.mayMatch && !context.mayMatch(record.bytes)) {
    out.push({ kind: 'skipped', index: index++ });
    return index;
  }
  // Bytes that are not UTF-8 are read as U+FFFD (as every JSON and XML reader would), and the
  // record says so: one warning on its first item, never a second count.
  let invalidUtf8 = isUtf8(record.bytes) ? undefined : 'invalid UTF-8: the bad bytes were read as U+FFFD';
  for (const result of readRecordSafely(record.bytes, record.location, context)) {
    if ('event' in result) {
      if (invalidUtf8 === undefined && result.warning === undefined && result.alternates === undefined) {
        out.push({ kind: 'event', index: index++, event: result.event });
      } else {
        const reasons = [invalidUtf8, result.warning].filter((w) => w !== undefined);
        out.push({
          kind: 'event',
          index: index++,
          event: result.event,
          ...(reasons.length > 0 ? { warning: new InputError(uri, record.location, reasons.join('; ')) } : {}),
          ...(result.alternates ? { alternates: result.alternates } : {}),
          ...(result.duplicateKeys ? { duplicateKeys: result.duplicateKeys } : {}),
        });
      }
    } else {
      out.push({ kind: 'unreadable', index: index++, error: new InputError(uri, result.location, result.reason) });
    }
    invalidUtf8 = undefined;
  }
  return index;
}

/**
 * A record that breaks a layout in a way no check foresaw (a RangeError, a stack overflow) is
 * that record's problem: it is reported unreadable with the error, and the object reads on.
 */
function readRecordSafely(bytes: Buffer, location: string, context: RecordItemsContext): RecordResult[] {
  try {
    return readRecord(bytes, location, context.framing, context.layout, context.maxNestingDepth);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return [{ location, reason: `record could not be read (${message})` }];
  }
}
