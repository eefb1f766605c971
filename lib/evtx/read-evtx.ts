/**
 * Native reader for raw Windows `.evtx` files, streamed: the input is cut into the file header
 * and 64 KiB chunks, and each chunk is read on its own (names and templates never cross chunks),
 * so memory stays at one chunk whatever the file size.
 *
 * Records come out in evtx_dump's JSON shape (see render-record.ts) for `fromEvtxJson`.
 * Nothing is thrown for bad data: damaged headers, chunks and records become `unreadable` items
 * naming the file, chunk, offset and the number of records lost.
 */
import { InputError } from '../ingest/ingest-item.ts';
import { type ChunkItem, MAX_RECORDS_PER_CHUNK, readChunk } from './chunk.ts';
import { CHUNK_SIZE, splitBlocks } from './chunk-stream.ts';
import type { EvtxItem } from './evtx-item.ts';
import { defaultExpansionBudget, type ExpansionBudget } from './expansion-budget.ts';
import { type EvtxFileHeader, FILE_HEADER_BLOCK_SIZE, readEvtxFileHeader } from './file-header.ts';

export type { EvtxItem } from './evtx-item.ts';
export type { EvtxFileHeader } from './file-header.ts';
export { hasEvtxSignature, readEvtxFileHeader } from './file-header.ts';
export { type EvtxFacts, readEvtxFacts } from './evtx-facts.ts';
export { readEvtxFilePieces } from './file-pieces.ts';

type Unreadable = Extract<EvtxItem, { kind: 'unreadable' }>;

/**
 * `budget` bounds the text records render to (expansion-budget.ts): a record over it is
 * unreadable, a file over it throws `InputError` after the records before.
 *
 * Each piece of `input` is finished with before the next is asked for, and none is kept: a
 * producer may reuse its buffer (readEvtxFile does).
 */
export async function* readEvtx(
  input: AsyncIterable<Uint8Array>,
  uri: string,
  budget: ExpansionBudget = defaultExpansionBudget(),
): AsyncIterable<EvtxItem> {
  for await (const batch of readEvtxBatches(input, uri, budget)) yield* batch;
}

/**
 * The same items as `readEvtx`, one array per chunk (chunks with nothing to say give none): a
 * consumer that takes them a chunk at a time pays one asynchronous step per chunk rather than
 * one per record.
 */
export async function* readEvtxBatches(
  input: AsyncIterable<Uint8Array>,
  uri: string,
  budget: ExpansionBudget = defaultExpansionBudget(),
): AsyncGenerator<EvtxItem[]> {
  let header: EvtxFileHeader | undefined;
  let chunkIndex = 0;
  let sawBytes = false;
  const losses = new LossCounter<ChunkItem>();
  let batch: EvtxItem[] = [];
  let bytesRead = 0;
  let where = '';
  const emit = (item: ChunkItem): void => {
    losses.pass(item, batch);
    budget.checkObject(uri, bytesRead, where);
  };
  for await (const block of splitBlocks(input)) {
    sawBytes = true;
    if (block.offset === 0) {
      header = readHeaderBlock(block.bytes, uri, batch);
      continue;
    }
    // With no sound file header we cannot tell used chunks from free space: only chunks that
    // carry their signature are read.
    const inUse = header !== undefined && chunkIndex < header.chunkCount;
    where = `chunk ${chunkIndex} at offset 0x${block.offset.toString(16)}`;
    bytesRead = block.offset + block.bytes.length;
    try {
      readChunk(block.bytes, { uri, index: chunkIndex, fileOffset: block.offset, inUse }, budget, emit);
    } catch (error) {
      // Over the object's budget: the records before are still delivered.
      if (batch.length > 0) yield batch;
      throw error;
    }
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
    chunkIndex++;
  }
  if (!sawBytes) {
    yield [unreadable(uri, 'offset 0x0', 'the object is empty', 0)];
    return;
  }
  const missing = missingChunks(uri, header, chunkIndex);
  if (missing) losses.hold(missing);
  losses.finish(header, batch);
  if (batch.length > 0) yield batch;
}

/**
 * The file header block (the first 4 KiB): its facts, or undefined when it does not read; what
 * is wrong with it goes to `out` as an unreadable item (no record lost).
 */
export function readHeaderBlock(bytes: Uint8Array, uri: string, out: { push(item: Unreadable): unknown }): EvtxFileHeader | undefined {
  try {
    const header = readEvtxFileHeader(bytes, uri);
    if (!header.checksumOk) out.push(unreadable(uri, 'file header', 'file header checksum mismatch; reading the chunks regardless', 0));
    return header;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    out.push({ kind: 'unreadable', error, lostRecords: 0 });
    return undefined;
  }
}

/** The file ended before the chunks its header counts: the stretch lost, its size worked out later. */
export function missingChunks(uri: string, header: EvtxFileHeader | undefined, chunksRead: number): (Unreadable & { lossUnknown: true }) | undefined {
  if (!header || chunksRead >= header.chunkCount) return undefined;
  const offset = FILE_HEADER_BLOCK_SIZE + chunksRead * CHUNK_SIZE;
  const reason = `file ends after ${chunksRead} chunks; its header counts ${header.chunkCount}`;
  return { ...unreadable(uri, `chunk ${chunksRead} at offset 0x${offset.toString(16)}`, reason, 0), lossUnknown: true };
}

/** What the loss counter needs of an item: a record's id, or a stretch's loss (maybe unknown). */
export type LossItem =
  | { readonly kind: 'record'; readonly recordId: number }
  | { readonly kind: 'unreadable'; readonly lostRecords: number; readonly lossUnknown?: true };

/**
 * Works out how many records an unreadable stretch cost when the chunk could not tell (its
 * header was damaged, or the file ends early): record ids run on across chunks, so the gap
 * between the records read on either side, less the losses already counted, is the loss.
 * Logs that wrapped around restart their ids, so implausible gaps count as unknown (0).
 * Generic over the items: a scan split across threads (lib/scan/evtx-pieces.ts) runs it on the
 * main thread over what its workers say of each chunk.
 */
export class LossCounter<T extends LossItem = ChunkItem> {
  private lastRecordId: number | undefined;
  private countedSinceLast = 0;
  private held: T[] = [];

  /** Adds `item` to `out`, or holds it until its loss is known. */
  pass(item: T, out: { push(item: T): unknown }): void {
    if (item.kind === 'record') {
      if (this.held.length > 0) this.release(item.recordId, out);
      this.lastRecordId = item.recordId;
      this.countedSinceLast = 0;
      out.push(item);
    } else if (item.lossUnknown) {
      this.hold(item);
    } else {
      this.countedSinceLast += item.lostRecords;
      out.push(item);
    }
  }

  /**
   * A run of records whose last has `lastRecordId`, when nothing is held: what `pass` does to
   * each of them, without the items. False (nothing done) when a stretch is held.
   */
  passRun(lastRecordId: number): boolean {
    if (this.held.length > 0) return false;
    this.lastRecordId = lastRecordId;
    this.countedSinceLast = 0;
    return true;
  }

  hold(item: T): void {
    const { lossUnknown: _, ...plain } = item as T & { lossUnknown?: true };
    this.held.push(plain as T);
  }

  finish(header: EvtxFileHeader | undefined, out: { push(item: T): unknown }): void {
    if (this.held.length > 0) this.release(header?.checksumOk ? header.nextRecordId : undefined, out);
  }

  private release(nextRecordId: number | undefined, out: { push(item: T): unknown }): void {
    const [first, ...rest] = this.held;
    this.held = [];
    if (!first) return;
    let lost = 0;
    if (nextRecordId !== undefined && this.lastRecordId !== undefined) {
      const gap = nextRecordId - this.lastRecordId - 1 - this.countedSinceLast;
      if (gap > 0 && gap <= (rest.length + 1) * MAX_RECORDS_PER_CHUNK) lost = gap;
    }
    this.countedSinceLast += lost;
    out.push({ ...first, lostRecords: lost });
    for (const item of rest) out.push(item);
  }
}

function unreadable(uri: string, location: string, reason: string, lostRecords: number): Unreadable {
  return { kind: 'unreadable', error: new InputError(uri, location, reason), lostRecords };
}
