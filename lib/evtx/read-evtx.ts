/**
 * Native reader for raw Windows `.evtx` files, streamed: the input is cut into the file header
 * and 64 KiB chunks, and each chunk is read on its own (names and templates never cross chunks),
 * so memory stays at one chunk whatever the file size.
 *
 * Records come out in evtx_dump's JSON shape (see evtx-dump-json.ts) for `fromEvtxJson`.
 * Nothing is thrown for bad data: damaged headers, chunks and records become `unreadable` items
 * naming the file, chunk, offset and the number of records lost.
 */
import { InputError } from '../ingest/ingest-item.ts';
import { type ChunkItem, MAX_RECORDS_PER_CHUNK, readChunk } from './chunk.ts';
import { splitBlocks } from './chunk-stream.ts';
import type { EvtxItem } from './evtx-item.ts';
import { defaultExpansionBudget, type ExpansionBudget } from './expansion-budget.ts';
import { type EvtxFileHeader, readEvtxFileHeader } from './file-header.ts';

export type { EvtxItem } from './evtx-item.ts';
export type { EvtxFileHeader } from './file-header.ts';
export { hasEvtxSignature, readEvtxFileHeader } from './file-header.ts';
export { type EvtxFacts, readEvtxFacts } from './evtx-facts.ts';

type Unreadable = Extract<EvtxItem, { kind: 'unreadable' }>;

/**
 * `budget` bounds the text records render to (expansion-budget.ts): a record over it is
 * unreadable, a file over it throws `InputError` after the records before.
 */
export async function* readEvtx(
  input: AsyncIterable<Uint8Array>,
  uri: string,
  budget: ExpansionBudget = defaultExpansionBudget(),
): AsyncIterable<EvtxItem> {
  let header: EvtxFileHeader | undefined;
  let chunkIndex = 0;
  let sawBytes = false;
  const losses = new LossCounter();
  for await (const block of splitBlocks(input)) {
    sawBytes = true;
    if (block.offset === 0) {
      try {
        header = readEvtxFileHeader(block.bytes, uri);
        if (!header.checksumOk) {
          yield unreadable(uri, 'file header', 'file header checksum mismatch; reading the chunks regardless', 0);
        }
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        yield { kind: 'unreadable', error, lostRecords: 0 };
      }
      continue;
    }
    // With no sound file header we cannot tell used chunks from free space: only chunks that
    // carry their signature are read.
    const inUse = header !== undefined && chunkIndex < header.chunkCount;
    const where = `chunk ${chunkIndex} at offset 0x${block.offset.toString(16)}`;
    for (const item of readChunk(block.bytes, { uri, index: chunkIndex, fileOffset: block.offset, inUse }, budget)) {
      yield* losses.pass(item);
      budget.checkObject(uri, block.offset + block.bytes.length, where);
    }
    chunkIndex++;
  }
  if (!sawBytes) {
    yield unreadable(uri, 'offset 0x0', 'the object is empty', 0);
    return;
  }
  if (header && chunkIndex < header.chunkCount) {
    const offset = 4096 + chunkIndex * 65536;
    const reason = `file ends after ${chunkIndex} chunks; its header counts ${header.chunkCount}`;
    losses.hold({ ...unreadable(uri, `chunk ${chunkIndex} at offset 0x${offset.toString(16)}`, reason, 0), lossUnknown: true });
  }
  yield* losses.finish(header);
}

/**
 * Works out how many records an unreadable stretch cost when the chunk could not tell (its
 * header was damaged, or the file ends early): record ids run on across chunks, so the gap
 * between the records read on either side, less the losses already counted, is the loss.
 * Logs that wrapped around restart their ids, so implausible gaps count as unknown (0).
 */
class LossCounter {
  private lastRecordId: number | undefined;
  private countedSinceLast = 0;
  private held: Unreadable[] = [];

  *pass(item: ChunkItem): Generator<EvtxItem> {
    if (item.kind === 'record') {
      if (this.held.length > 0) yield* this.release(item.recordId);
      this.lastRecordId = item.recordId;
      this.countedSinceLast = 0;
      yield item;
    } else if ('lossUnknown' in item) {
      this.hold(item);
    } else {
      this.countedSinceLast += item.lostRecords;
      yield item;
    }
  }

  hold(item: Unreadable & { lossUnknown: true }): void {
    const { lossUnknown: _, ...plain } = item;
    this.held.push(plain);
  }

  *finish(header: EvtxFileHeader | undefined): Generator<EvtxItem> {
    if (this.held.length > 0) yield* this.release(header?.checksumOk ? header.nextRecordId : undefined);
  }

  private *release(nextRecordId: number | undefined): Generator<EvtxItem> {
    const [first, ...rest] = this.held;
    this.held = [];
    if (!first) return;
    let lost = 0;
    if (nextRecordId !== undefined && this.lastRecordId !== undefined) {
      const gap = nextRecordId - this.lastRecordId - 1 - this.countedSinceLast;
      if (gap > 0 && gap <= (rest.length + 1) * MAX_RECORDS_PER_CHUNK) lost = gap;
    }
    this.countedSinceLast += lost;
    yield { ...first, lostRecords: lost };
    yield* rest;
  }
}

function unreadable(uri: string, location: string, reason: string, lostRecords: number): Unreadable {
  return { kind: 'unreadable', error: new InputError(uri, location, reason), lostRecords };
}
