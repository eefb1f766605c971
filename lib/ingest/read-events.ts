/**
 * The ingest entry point: every record of one object as a canonical event or an unreadable
 * item, in object order, streamed with backpressure. Problems with one record are yielded as
 * `unreadable` (reading goes on); problems that end the object (corrupt compression, caps,
 * unknown format) are thrown as `InputError` after every event before them was yielded.
 */
import type { IngestItem, IngestOptions } from './ingest-item.ts';
import { openObject } from './open-object.ts';

export async function* readEvents(input: AsyncIterable<Uint8Array>, options: IngestOptions): AsyncIterable<IngestItem> {
  const opened = await openObject(input, options);
  yield* opened.items;
}
