/**
 * The ingest pipeline for one object: sniff and undo compression, pick a framing, cut records,
 * parse each and read it through its layout. `readEvents` exposes the items; `inspectObject`
 * also reports what was detected.
 */
import type { LayoutName } from '../events/win-event.ts';
import { ByteSource } from './byte-source.ts';
import type { CompressionName } from './compression/codec.ts';
import { type ByteCounter, decompress } from './compression/decompress.ts';
import { detectFraming, FRAMING_HEAD_BYTES } from './framing/detect-framing.ts';
import type { FramedRecord, FramingName } from './framing/framed-record.ts';
import { splitJsonLines } from './framing/json-lines.ts';
import { splitJsonValues } from './framing/json-values.ts';
import { InputError, type IngestItem, type IngestLimits, type IngestOptions } from './ingest-item.ts';
import { readJsonRecord } from './layouts/detect-layout.ts';
import { resolveLimits } from './limits.ts';

export interface OpenedObject {
  /** Compression layers, outermost first; empty when none. */
  readonly compression: readonly CompressionName[];
  readonly framing: FramingName;
  /** Every record in object order; iterate once. */
  readonly items: AsyncIterable<IngestItem>;
}

export async function openObject(input: AsyncIterable<Uint8Array>, options: IngestOptions): Promise<OpenedObject> {
  const limits = resolveLimits(options);
  const { uri } = options;
  const compressedRead: ByteCounter = { bytes: 0 };
  const source = new ByteSource(countBytes(input, compressedRead));

  const first = await source.peek(1);
  if (first.length === 0) {
    throw uri.endsWith('/')
      ? new InputError(uri, 'byte 0', 'folder marker (zero-byte key ending in "/"), not a log object')
      : new InputError(uri, 'byte 0', 'object is empty (0 bytes)');
  }

  const { layers, bytes } = await decompress(source, compressedRead, options, limits);
  const head = await bytes.peek(FRAMING_HEAD_BYTES);
  const framing = detectFraming(head);
  if (framing === 'blank' || framing === 'unknown') bytes.throwIfPeekFailed();
  if (framing === 'blank') {
    const what = layers.length > 0 ? `decompresses (${layers.join(', ')}) to` : 'holds';
    throw new InputError(uri, 'byte 0', `object ${what} only whitespace: no records`);
  }
  if (framing === 'unknown') {
    throw new InputError(
      uri,
      'byte 0',
      `not a recognised log format${layers.length > 0 ? ` after ${layers.join(', ')}` : ''}: starts with ${preview(head)}`,
    );
  }
  if (framing === 'evtx' || framing === 'event-xml') {
    throw new InputError(uri, 'byte 0', `${framing} input is not supported yet`);
  }
  return { compression: layers, framing, items: readItems(frame(framing, bytes, limits), options) };
}

function frame(framing: FramingName, bytes: AsyncIterable<Uint8Array>, limits: IngestLimits): AsyncIterable<FramedRecord> {
  switch (framing) {
    case 'json-lines':
      return splitJsonLines(bytes, limits.maxRecordBytes);
    default:
      return splitJsonValues(bytes, limits.maxRecordBytes);
  }
}

async function* readItems(records: AsyncIterable<FramedRecord>, options: IngestOptions): AsyncGenerator<IngestItem> {
  const { uri, layout } = options;
  let index = 0;
  for await (const record of records) {
    if (record.kind === 'bad') {
      yield { kind: 'unreadable', index: index++, error: new InputError(uri, record.location, record.reason) };
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(record.bytes.toString('utf8'));
    } catch (error) {
      const reason = `invalid JSON: ${(error as Error).message}`;
      yield { kind: 'unreadable', index: index++, error: new InputError(uri, record.location, reason) };
      continue;
    }
    yield readParsed(parsed, record.location, index++, uri, layout);
  }
}

function readParsed(parsed: unknown, location: string, index: number, uri: string, layout: LayoutName | undefined): IngestItem {
  const result = readJsonRecord(parsed, layout);
  if ('event' in result) return { kind: 'event', index, event: result.event };
  return { kind: 'unreadable', index, error: new InputError(uri, location, result.reason) };
}

async function* countBytes(input: AsyncIterable<Uint8Array>, counter: ByteCounter): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    counter.bytes += chunk.length;
    yield chunk;
  }
}

function preview(head: Uint8Array): string {
  const sample = Buffer.from(head.subarray(0, 16));
  const text = sample.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return `"${text}" (${sample.toString('hex').replace(/(..)(?=.)/g, '$1 ')})`;
}
