/**
 * The ingest pipeline for one object: sniff and undo compression, pick a framing, cut records,
 * parse each and read it through its layout. `readEvents` exposes the items; `inspectObject`
 * also reports what was detected.
 */
import type { EvtxFileHeader } from '../evtx/read-evtx.ts';
import { ByteSource } from './byte-source.ts';
import { checkDeadline } from './deadline.ts';
import type { CompressionName } from './compression/codec.ts';
import { type ByteCounter, decompress } from './compression/decompress.ts';
import { detectFraming, FRAMING_HEAD_BYTES } from './framing/detect-framing.ts';
import { evtxHeaderOf, readEvtxItems } from './framing/evtx-records.ts';
import type { FramedRecord, FramingName } from './framing/framed-record.ts';
import { splitJsonLines } from './framing/json-lines.ts';
import { splitJsonValues } from './framing/json-values.ts';
import { splitXmlEvents } from './framing/xml-events.ts';
import { InputError, type IngestItem, type IngestLimits, type IngestOptions } from './ingest-item.ts';
import { resolveLimits } from './limits.ts';
import { detectTextEncoding, TEXT_ENCODING_HEAD_BYTES, toUtf8 } from './text-encoding.ts';
import { recordItems, type RecordItemsContext } from './record-items.ts';

export interface OpenedObject {
  /** Compression layers, outermost first; empty when none. */
  readonly compression: readonly CompressionName[];
  readonly framing: FramingName;
  /** Every record in object order; iterate once. */
  readonly items: AsyncIterable<IngestItem>;
  /** For raw .evtx whose file header reads: its facts (the reader reports a bad header itself). */
  readonly evtxHeader?: EvtxFileHeader;
  /**
   * Text framings: the framed records themselves, not read into items (instead of `items`, never
   * both): for a scan that reads them in several threads (`recordItems` on each batch there).
   */
  readonly records: (() => AsyncIterable<FramedRecord>) | undefined;
}

export async function openObject(input: AsyncIterable<Uint8Array>, options: IngestOptions): Promise<OpenedObject> {
  const limits = resolveLimits(options);
  const compressedRead: ByteCounter = { bytes: 0 };
  const source = new ByteSource(countBytes(input, compressedRead));
  try {
    return await detect(source, compressedRead, options, limits);
  } catch (error) {
    // Given up before any record: release the S3 stream or file now.
    await source.close();
    throw error;
  }
}

async function detect(
  source: ByteSource,
  compressedRead: ByteCounter,
  options: IngestOptions,
  limits: IngestLimits,
): Promise<OpenedObject> {
  const { uri } = options;

  const first = await source.peek(1);
  if (first.length === 0) {
    // No bytes because reading failed (a missing file, a dropped connection) is not an empty object.
    source.throwIfPeekFailed();
    throw uri.endsWith('/')
      ? new InputError(uri, 'byte 0', 'folder marker (zero-byte key ending in "/"), not a log object')
      : new InputError(uri, 'byte 0', 'object is empty (0 bytes)');
  }

  const decompressed = await decompress(source, compressedRead, options, limits);
  const { layers } = decompressed;
  const encoding = detectTextEncoding(await decompressed.bytes.peek(TEXT_ENCODING_HEAD_BYTES));
  const bytes = encoding === 'utf-8' ? decompressed.bytes : new ByteSource(toUtf8(decompressed.bytes, encoding));
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
  if (framing === 'evtx') {
    const evtxHeader = evtxHeaderOf(head, uri);
    return { compression: layers, framing, items: readEvtxItems(bytes, options, limits), ...(evtxHeader ? { evtxHeader } : {}), records: undefined };
  }
  return { compression: layers, framing, items: readItems(frame(framing, bytes, limits), framing, options, limits), records: () => frame(framing, bytes, limits) };
}

function frame(framing: FramingName, bytes: AsyncIterable<Uint8Array>, limits: IngestLimits): AsyncIterable<FramedRecord> {
  switch (framing) {
    case 'json-lines':
      return splitJsonLines(bytes, limits.maxRecordBytes);
    case 'event-xml':
      return splitXmlEvents(bytes, limits.maxRecordBytes);
    default:
      return splitJsonValues(bytes, limits.maxRecordBytes);
  }
}

async function* readItems(
  records: AsyncIterable<FramedRecord>,
  framing: FramingName,
  options: IngestOptions,
  limits: IngestLimits,
): AsyncGenerator<IngestItem> {
  const { uri, deadline } = options;
  const context = recordItemsContext(framing, options, limits);
  const out: IngestItem[] = [];
  let index = 0;
  let framed = 0;
  for await (const record of records) {
    framed++;
    checkDeadline(deadline, uri, () => `record ${index} (${record.location})`);
    index = recordItems(record, context, index, out);
    for (const item of out) yield item;
    out.length = 0;
  }
  // `[]`, `<Events></Events>`: a well-formed object holding nothing is reported, not passed clean.
  if (framed === 0) throw noRecords(uri, framing);
}

/** What turning a framed record into items needs to know about the object. */
export function recordItemsContext(framing: FramingName, options: IngestOptions, limits: IngestLimits): RecordItemsContext {
  // XML text can be split by markup and still read as one value: only JSON records are prefiltered.
  return { uri: options.uri, framing, layout: options.layout, maxNestingDepth: limits.maxNestingDepth, mayMatch: framing === 'event-xml' ? undefined : options.mayMatch };
}

/** A well-formed object that holds no record. */
export function noRecords(uri: string, framing: FramingName): InputError {
  return new InputError(uri, 'end of object', `no records in the ${framing} framing`);
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
