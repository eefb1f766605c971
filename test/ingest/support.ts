/** Helpers for ingest tests: feed bytes the way S3 or a file stream would, collect what comes out. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IngestItem, IngestOptions } from '../../lib/ingest/ingest-item.ts';
import { InputError } from '../../lib/ingest/ingest-item.ts';
import { readEvents } from '../../lib/ingest/read-events.ts';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/ingest');

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** The bytes as a stream of chunks of `size` bytes (1 finds every chunk-boundary bug). */
export async function* chunked(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface Collected {
  readonly items: IngestItem[];
  /** What ended the stream, when something did. */
  readonly thrown?: InputError;
}

/** Reads everything; an InputError ending the stream is returned, anything else fails the test. */
export async function collect(
  bytes: Uint8Array | string,
  options: Partial<IngestOptions> = {},
  chunkSize?: number,
): Promise<Collected> {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const items: IngestItem[] = [];
  try {
    for await (const item of readEvents(chunked(data, chunkSize), { uri: 's3://bucket/test.log', ...options })) {
      items.push(item);
    }
  } catch (error) {
    if (error instanceof InputError) return { items, thrown: error };
    throw error;
  }
  return { items };
}

export function events(collected: Collected) {
  return collected.items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
}

export function unreadable(collected: Collected) {
  return collected.items.flatMap((item) => (item.kind === 'unreadable' ? [item] : []));
}
