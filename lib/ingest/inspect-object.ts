/**
 * What ingest makes of one object, for `winsift inspect`: compression layers, framing, layouts
 * seen, event and unreadable counts, the first event and the first problems.
 */
import type { LayoutName, WinEvent } from '../events/win-event.ts';
import type { EvtxFileHeader } from '../evtx/read-evtx.ts';
import type { CompressionName } from './compression/codec.ts';
import type { FramingName } from './framing/framed-record.ts';
import { InputError, type IngestOptions } from './ingest-item.ts';
import { openObject } from './open-object.ts';

export interface Inspection {
  readonly uri: string;
  readonly compression: readonly CompressionName[];
  /** Undefined when the object could not even be opened (empty, unknown format). */
  readonly framing?: FramingName;
  readonly layouts: Readonly<Partial<Record<LayoutName, number>>>;
  readonly events: number;
  readonly unreadable: number;
  readonly firstEvent?: WinEvent;
  /** The first few unreadable records' messages. */
  readonly problems: readonly string[];
  /** What ended reading early, if anything. */
  readonly stoppedBy?: InputError;
  readonly evtxHeader?: EvtxFileHeader;
}

const MAX_PROBLEMS = 5;

export async function inspectObject(input: AsyncIterable<Uint8Array>, options: IngestOptions): Promise<Inspection> {
  const layouts: Partial<Record<LayoutName, number>> = {};
  const problems: string[] = [];
  let events = 0;
  let unreadable = 0;
  let firstEvent: WinEvent | undefined;
  let opened: Awaited<ReturnType<typeof openObject>> | undefined;
  let stoppedBy: InputError | undefined;
  try {
    opened = await openObject(input, options);
    for await (const item of opened.items) {
      if (item.kind === 'event') {
        events++;
        firstEvent ??= item.event;
        layouts[item.event.layout] = (layouts[item.event.layout] ?? 0) + 1;
      } else if (item.kind === 'unreadable') {
        unreadable++;
        if (problems.length < MAX_PROBLEMS) problems.push(item.error.message);
      }
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    stoppedBy = error;
  }
  return {
    uri: options.uri,
    compression: opened?.compression ?? [],
    ...(opened ? { framing: opened.framing } : {}),
    layouts,
    events,
    unreadable,
    ...(firstEvent ? { firstEvent } : {}),
    problems,
    ...(stoppedBy ? { stoppedBy } : {}),
    ...(opened?.evtxHeader ? { evtxHeader: opened.evtxHeader } : {}),
  };
}
