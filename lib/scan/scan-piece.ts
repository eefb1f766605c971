/**
 * One piece of one object, read and matched (in a worker thread of `winsift scan --threads`, or
 * in the main thread when every worker is busy): the expensive, stateless part of a scan. A piece
 * is either a batch of framed text records (the main thread decompressed and cut them, so each
 * carries its line and byte location) or a range of a raw `.evtx` file's chunks (the worker reads
 * them from the file: chunks are self-contained, their own string and template tables). What
 * spans pieces (numbering items, the EVTX loss counter and expansion ratio, the summary, alerts,
 * their order) is the ordering thread's work: scan-pieces.ts.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { type ChunkItem, readChunk } from '../evtx/chunk.ts';
import { CHUNK_SIZE } from '../evtx/chunk-stream.ts';
import { ExpansionBudget } from '../evtx/expansion-budget.ts';
import { FILE_HEADER_BLOCK_SIZE } from '../evtx/file-header.ts';
import { evtxRecordItem } from '../ingest/framing/evtx-records.ts';
import type { FramedRecord, FramingName } from '../ingest/framing/framed-record.ts';
import { InputError, type IngestItem, type IngestLimits, type IngestOptions } from '../ingest/ingest-item.ts';
import { recordItems } from '../ingest/record-items.ts';
import type { Detector } from '../rules/rule.ts';
import { prefilterOf } from './scan-stream.ts';
import { ScannedItemsBuilder, type ScannedItems } from './scanned-items.ts';

/** What every piece of one object shares. */
export interface PieceContext {
  readonly uri: string;
  readonly layout?: IngestOptions['layout'];
  readonly limits: IngestLimits;
  /** Whether JSON records no rule can match are skipped unparsed (scanStream's `prefilter`). */
  readonly prefilter: boolean;
}

export type ObjectPiece =
  | {
      readonly kind: 'records';
      readonly framing: Exclude<FramingName, 'evtx'>;
      /** The records' bytes back to back; record i is `bytes[ends[i-1] .. ends[i])`. */
      readonly bytes: Uint8Array;
      readonly ends: Uint32Array;
      readonly locations: readonly string[];
      /** Stretches the framing could not cut into a record (no bytes), by their place among the records. */
      readonly bad: readonly { readonly at: number; readonly reason: string }[];
    }
  | {
      readonly kind: 'evtx-chunks';
      readonly path: string;
      /** Chunks `first` to `end` - 1 (chunk 0 is at offset 0x1000). */
      readonly first: number;
      readonly end: number;
      readonly fileSize: number;
      /** The file header's chunk count (chunks past it may be free space); undefined when it did not read. */
      readonly chunkCount: number | undefined;
    };

export type ScannedPiece =
  | { readonly kind: 'records'; readonly items: ScannedItems }
  | { readonly kind: 'evtx-chunks'; readonly chunks: readonly ScannedChunk[] };

/** What one EVTX chunk held: every item `readChunk` gave, and the records' items matched. */
export interface ScannedChunk {
  readonly index: number;
  readonly offset: number;
  readonly length: number;
  /** Per chunk item, in order: the record id, or NaN for an unreadable stretch. */
  readonly recordIds: Float64Array;
  /** Per chunk item: the characters the chunk had rendered once it was read (for the object's ratio). */
  readonly chars: Float64Array;
  /** The unreadable stretches, by their place among the chunk items. */
  readonly stretches: readonly ChunkStretch[];
  /** One item per record, in order. */
  readonly items: ScannedItems;
}

export interface ChunkStretch {
  readonly at: number;
  readonly location: string;
  readonly reason: string;
  readonly lostRecords: number;
  readonly lossUnknown?: true;
}

export function scanPiece(piece: ObjectPiece, context: PieceContext, detector: Detector): ScannedPiece {
  return piece.kind === 'records' ? { kind: 'records', items: scanRecords(piece, context, detector) } : { kind: 'evtx-chunks', chunks: scanChunks(piece, context, detector) };
}

function scanRecords(piece: Extract<ObjectPiece, { kind: 'records' }>, context: PieceContext, detector: Detector): ScannedItems {
  const builder = new ScannedItemsBuilder(detector);
  const mayMatch = context.prefilter && piece.framing !== 'event-xml' ? prefilterOf(detector)?.mayMatch : undefined;
  const recordContext = { uri: context.uri, framing: piece.framing, layout: context.layout, maxNestingDepth: context.limits.maxNestingDepth, mayMatch };
  const bytes = Buffer.from(piece.bytes.buffer, piece.bytes.byteOffset, piece.bytes.byteLength);
  const out: IngestItem[] = [];
  let bad = 0;
  let start = 0;
  for (let i = 0; i < piece.ends.length; i++) {
    const end = piece.ends[i]!;
    const location = piece.locations[i]!;
    const stretch = piece.bad[bad];
    const record: FramedRecord =
      stretch?.at === i ? (bad++, { kind: 'bad', location, reason: stretch.reason }) : { kind: 'record', bytes: bytes.subarray(start, end), location };
    start = end;
    recordItems(record, recordContext, 0, out);
    for (const item of out) builder.add(item);
    out.length = 0;
  }
  return builder.take();
}

/** One reused buffer per thread: a chunk is finished with before the next is read. */
const chunkBuffer = Buffer.allocUnsafeSlow(CHUNK_SIZE);

function scanChunks(piece: Extract<ObjectPiece, { kind: 'evtx-chunks' }>, context: PieceContext, detector: Detector): ScannedChunk[] {
  const { uri } = context;
  const budget = new ExpansionBudget(context.limits);
  const builder = new ScannedItemsBuilder(detector);
  const chunks: ScannedChunk[] = [];
  const fd = openSync(piece.path, 'r');
  try {
    for (let index = piece.first; index < piece.end; index++) {
      const offset = FILE_HEADER_BLOCK_SIZE + index * CHUNK_SIZE;
      const want = Math.min(CHUNK_SIZE, piece.fileSize - offset);
      if (want <= 0) break;
      let filled = 0;
      while (filled < want) {
        const n = readSync(fd, chunkBuffer, filled, want - filled, offset + filled);
        if (n === 0) break;
        filled += n;
      }
      const bytes = chunkBuffer.subarray(0, filled);
      const recordIds: number[] = [];
      const chars: number[] = [];
      const stretches: ChunkStretch[] = [];
      const before = budget.objectChars;
      const where = `chunk ${index} at offset 0x${offset.toString(16)}`;
      let stopped = false;
      const emit = (item: ChunkItem) => {
        if (item.kind === 'record') {
          recordIds.push(item.recordId);
          builder.add(evtxRecordItem(item, { uri, ...(context.layout ? { layout: context.layout } : {}) }, 0));
        } else {
          stretches.push({
            at: recordIds.length,
            location: item.error.location,
            reason: item.error.reason,
            lostRecords: item.lostRecords,
            ...('lossUnknown' in item ? { lossUnknown: true as const } : {}),
          });
          recordIds.push(Number.NaN);
        }
        chars.push(budget.objectChars - before);
        // The object's ratio is the ordering thread's to judge, over every chunk before; this
        // piece's characters alone are fewer, so when they break it the object breaks it too, at
        // this item or before: the rest of the piece need not be read.
        budget.checkObject(uri, offset + bytes.length, where);
      };
      try {
        readChunk(bytes, { uri, index, fileOffset: offset, inUse: piece.chunkCount !== undefined && index < piece.chunkCount }, budget, emit);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        stopped = true;
      }
      chunks.push({ index, offset, length: bytes.length, recordIds: Float64Array.from(recordIds), chars: Float64Array.from(chars), stretches, items: builder.take() });
      if (stopped) break;
    }
  } finally {
    closeSync(fd);
  }
  return chunks;
}
