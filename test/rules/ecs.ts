/** One ECS document read through the real ingest path, as the scanner would see it. */
import type { WinEvent } from '../../lib/events/win-event.ts';
import { readEvents } from '../../lib/ingest/read-events.ts';

export async function parseEcsForTest(document: unknown): Promise<WinEvent> {
  const bytes = new TextEncoder().encode(`${JSON.stringify(document)}\n`);
  async function* once(): AsyncIterable<Uint8Array> {
    yield bytes;
  }
  for await (const item of readEvents(once(), { uri: 'test:ecs' })) if (item.kind === 'event') return item.event;
  throw new Error('the document was not read as an event');
}
