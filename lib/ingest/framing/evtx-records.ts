/**
 * Raw `.evtx` objects (`ElfFile\0`): read by lib/evtx's streaming reader, whose records are in
 * evtx_dump's JSON shape and go through `fromEvtxJson` like any evtx_dump export.
 */
import { ExpansionBudget } from '../../evtx/expansion-budget.ts';
import { type EvtxFileHeader, type EvtxItem, readEvtxBatches, readEvtxFileHeader } from '../../evtx/read-evtx.ts';
import { checkDeadline } from '../deadline.ts';
import { InputError, type IngestItem, type IngestLimits, type IngestOptions } from '../ingest-item.ts';
import { fromEvtxJson, isEvtxJson } from '../layouts/evtx-json.ts';

/** A damaged chunk that lost n records yields n unreadable items, so the count and the later
 *  numbering stay true; a problem that lost none (a bad header checksum) still takes one number,
 *  so it is reported and the object is marked partial rather than clean. */
export async function* readEvtxItems(
  bytes: AsyncIterable<Uint8Array>,
  options: IngestOptions,
  limits: IngestLimits,
): AsyncGenerator<IngestItem> {
  let index = 0;
  // A chunk's records at a time: one asynchronous step per chunk on the reader's side.
  for await (const batch of readEvtxBatches(bytes, options.uri, new ExpansionBudget(limits))) {
    for (const item of batch) {
      checkDeadline(options.deadline, options.uri, () => `record ${index}`);
      if (item.kind === 'record') {
        yield evtxRecordItem(item, options, index++);
        continue;
      }
      for (let lost = 0; lost < Math.max(1, item.lostRecords); lost++) {
        yield { kind: 'unreadable', index: index++, error: item.error };
      }
    }
  }
}

/**
 * One EVTX record as an ingest item: an event (with a warning and the first-wins reading when a
 * `<Data Name>` repeats), or unreadable when it is no event or the layout was forced to another.
 */
export function evtxRecordItem(item: Extract<EvtxItem, { kind: 'record' }>, options: Pick<IngestOptions, 'uri' | 'layout'>, index: number): IngestItem {
  if (options.layout !== undefined && options.layout !== 'evtx-json') {
    const reason = `record is native EVTX, not the forced layout ${options.layout}`;
    return { kind: 'unreadable', index, error: new InputError(options.uri, `record ${item.recordId}`, reason) };
  }
  if (!isEvtxJson(item.value)) {
    const reason = 'EVTX record does not hold an <Event> with a <System> element';
    return { kind: 'unreadable', index, error: new InputError(options.uri, `record ${item.recordId}`, reason) };
  }
  if (item.repeated === undefined) return { kind: 'event', index, event: fromEvtxJson(item.value) };
  // A repeated <Data Name>: read as Event XML's are (the last value, and the first matched too).
  const names = item.repeated.names.slice(0, 5).map((name) => JSON.stringify(name.slice(0, 40)));
  const reason = `EventData item name repeated (${names.join(', ')}): the last value is the event's, the first is matched too`;
  return {
    kind: 'event',
    index,
    event: fromEvtxJson(item.value),
    warning: new InputError(options.uri, `record ${item.recordId}`, reason),
    alternates: [fromEvtxJson(item.repeated.firstWins)],
    duplicateKeys: item.repeated.names.slice(0, 8).map((name) => `EventData.${name.slice(0, 64)}`),
  };
}

/** The file header's facts for `inspect`; undefined when it does not read (the reader reports
 *  that as an unreadable item itself). */
export function evtxHeaderOf(head: Uint8Array, uri: string): EvtxFileHeader | undefined {
  try {
    return readEvtxFileHeader(head.subarray(0, 4096), uri);
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}
