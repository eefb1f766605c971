/**
 * One 64 KiB chunk (libyal "Chunk"): a 512-byte header (signature `ElfChnk\0`, first/last record
 * numbers and ids, free space offset, CRC32s of the header and of the records), then the event
 * records back to back. Chunks are independent: names and templates never cross them.
 *
 * Damage handling: with a sound header we read the records between 512 and the free space
 * offset; a record whose framing is broken starts a scan for the next record signature, and the
 * records skipped are counted from the record id gap. With a damaged header we scan the whole
 * chunk the same way. Every skip is reported with the file, chunk, offset and records lost.
 */
import { crc32 } from 'node:zlib';
import { InputError } from '../ingest/ingest-item.ts';
import { ChunkTables, parseFragment } from './binxml.ts';
import { CHUNK_SIZE } from './chunk-stream.ts';
import { EvtxFormatError } from './evtx-format-error.ts';
import { type ExpansionBudget, RecordBudgetError } from './expansion-budget.ts';
import type { EvtxItem } from './evtx-item.ts';
import { renderInlineRecord } from './inline-record.ts';
import { renderRecord } from './render-record.ts';
import { firstWinsValue, type RepeatedData, repeatedNames } from './repeated-data.ts';

const CHUNK_HEADER_SIZE = 512;
/** Repeated `<Data Name>`s of the record being read (one map for all, nearly always empty). */
const repeats: RepeatedData = new Map();
const RECORD_HEADER_SIZE = 24;
const RECORD_SIGNATURE = 0x00002a2a; // "**\0\0"
const RECORD_SIGNATURE_BYTES = new Uint8Array([0x2a, 0x2a, 0, 0]);
/** More records than fit in a chunk (about 28 bytes each at the very least) means a bad header. */
export const MAX_RECORDS_PER_CHUNK = Math.floor((CHUNK_SIZE - CHUNK_HEADER_SIZE) / 28);

export interface ChunkHeader {
  readonly signatureOk: boolean;
  readonly firstRecordId: number;
  readonly lastRecordId: number;
  readonly freeSpaceOffset: number;
  readonly headerChecksumOk: boolean;
  /** Null when the chunk is truncated and the records' checksum cannot be computed. */
  readonly dataChecksumOk: boolean | null;
}

export interface ChunkPlace {
  readonly uri: string;
  /** Index of the chunk in the file (0 = the chunk at offset 0x1000). */
  readonly index: number;
  /** Offset of the chunk in the file. */
  readonly fileOffset: number;
  /** Whether the file header counts this chunk as in use. */
  readonly inUse: boolean;
}

export function readChunkHeader(bytes: Uint8Array): ChunkHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, CHUNK_HEADER_SIZE);
  const signatureOk =
    bytes[0] === 0x45 && bytes[1] === 0x6c && bytes[2] === 0x66 && bytes[3] === 0x43 &&
    bytes[4] === 0x68 && bytes[5] === 0x6e && bytes[6] === 0x6b && bytes[7] === 0;
  const freeSpaceOffset = view.getUint32(48, true);
  // The header checksum covers bytes 0-120 and 128-512 (the string and template tables).
  const headerChecksum = crc32(bytes.subarray(128, CHUNK_HEADER_SIZE), crc32(bytes.subarray(0, 120)));
  const dataEndKnown = freeSpaceOffset >= CHUNK_HEADER_SIZE && freeSpaceOffset <= bytes.length;
  return {
    signatureOk,
    firstRecordId: Number(view.getBigUint64(24, true)),
    lastRecordId: Number(view.getBigUint64(32, true)),
    freeSpaceOffset,
    headerChecksumOk: headerChecksum === view.getUint32(124, true),
    dataChecksumOk: dataEndKnown
      ? crc32(bytes.subarray(CHUNK_HEADER_SIZE, freeSpaceOffset)) === view.getUint32(52, true)
      : null,
  };
}

/**
 * An unreadable stretch whose record count the chunk cannot know (its header is gone); the file
 * reader works it out from the record ids on either side.
 */
export type ChunkItem = EvtxItem | (Extract<EvtxItem, { kind: 'unreadable' }> & { lossUnknown: true });

/**
 * Reads every record of one chunk that can be read and reports the rest, handing each item to
 * `emit` in order (a call, not a generator step per record). Throws only what `emit` throws: the
 * file reader's object budget check stops the chunk right after the record that broke it.
 */
export function readChunk(bytes: Uint8Array, place: ChunkPlace, budget: ExpansionBudget, emit: (item: ChunkItem) => void): void {
  const where = `chunk ${place.index} at offset 0x${place.fileOffset.toString(16)}`;
  const unreadable = (location: string, reason: string, lostRecords: number): EvtxItem => ({
    kind: 'unreadable',
    error: new InputError(place.uri, location, reason),
    lostRecords,
  });

  if (bytes.length < CHUNK_HEADER_SIZE) {
    if (!isAllZero(bytes)) {
      emit({ ...unreadable(where, `file ends ${bytes.length} bytes into this chunk, before its header ends`, 0), lossUnknown: true } as ChunkItem);
    }
    return;
  }
  const header = readChunkHeader(bytes);
  if (!header.signatureOk) {
    // Preallocated space past the chunks in use is zeros (or stale bytes): not an error.
    if (!place.inUse || isAllZero(bytes)) return;
  }
  const headerSound =
    header.signatureOk &&
    header.headerChecksumOk &&
    header.freeSpaceOffset >= CHUNK_HEADER_SIZE &&
    header.freeSpaceOffset <= CHUNK_SIZE &&
    header.lastRecordId >= header.firstRecordId &&
    header.lastRecordId - header.firstRecordId < MAX_RECORDS_PER_CHUNK;

  if (!headerSound) {
    const why = !header.signatureOk ? 'no "ElfChnk" signature' : !header.headerChecksumOk ? 'header checksum mismatch' : 'header values out of range';
    emit({ ...unreadable(where, `chunk header is damaged (${why}); recovering records by their signatures`, 0), lossUnknown: true } as ChunkItem);
  } else if (header.dataChecksumOk === false) {
    emit(unreadable(where, 'event records checksum mismatch; records are read one by one and checked for structure', 0));
  }

  const tables = new ChunkTables(bytes);
  const end = headerSound ? Math.min(header.freeSpaceOffset, bytes.length) : bytes.length;
  const view = tables.view;
  let nextId = headerSound ? header.firstRecordId : -1;
  let damage: { offset: number; reason: string } | undefined;
  let offset = CHUNK_HEADER_SIZE;

  while (offset + RECORD_HEADER_SIZE <= end) {
    const size = view.getUint32(offset + 4, true);
    const framingFault =
      view.getUint32(offset, true) !== RECORD_SIGNATURE
        ? 'no record signature'
        : size < RECORD_HEADER_SIZE + 4 || offset + size > end
          ? `record size ${size} does not fit the chunk`
          : view.getUint32(offset + size - 4, true) !== size
            ? 'record size and its trailing copy differ'
            : undefined;
    const recordId = framingFault ? -1 : view.getUint32(offset + 12, true) * 0x100000000 + view.getUint32(offset + 8, true);
    // An id past 2^53 is damage too (it cannot be a JavaScript number exactly, and no log has one).
    const unsafeId = !framingFault && !Number.isSafeInteger(recordId);
    const idFault = !framingFault && (unsafeId || (headerSound && (recordId < nextId || recordId > header.lastRecordId)));
    if (framingFault || idFault) {
      damage ??= { offset, reason: framingFault ?? (unsafeId ? `record id ${recordId} past 2^53` : `record id ${recordId} outside the chunk's range`) };
      const next = findSignature(bytes, offset + 1, end);
      if (next < 0) break;
      offset = next;
      continue;
    }
    if (damage) {
      const item = unreadable(`${where}, offset 0x${damage.offset.toString(16)} in chunk`, `damaged records skipped (${damage.reason})`, headerSound ? recordId - nextId : 0);
      emit(headerSound ? item : ({ ...item, lossUnknown: true } as ChunkItem));
      damage = undefined;
    }

    let item: ChunkItem;
    try {
      tables.depth = 0;
      repeats.clear(); // also after a record that stopped half-way
      // A record written without templates is rendered from its bytes; a template instance
      // (or anything the inline reader gives back) is parsed and rendered from the tree.
      let value = renderInlineRecord(tables, offset + RECORD_HEADER_SIZE, offset + size - 4, budget, repeats);
      if (value === undefined) {
        const nodes = parseFragment(tables, offset + RECORD_HEADER_SIZE, offset + size - 4, false);
        repeats.clear();
        value = renderRecord(nodes, budget, repeats);
      }
      if (repeats.size === 0) item = { kind: 'record', recordId, chunk: place.index, value };
      else {
        const repeated = { names: repeatedNames(repeats), firstWins: firstWinsValue(value, repeats) as Record<string, unknown> };
        item = { kind: 'record', recordId, chunk: place.index, value, repeated };
      }
    } catch (error) {
      const location = `${where}, record ${recordId} at offset 0x${offset.toString(16)} in chunk`;
      item = unreadable(location, describe(error, offset), 1);
    }
    emit(item);
    nextId = recordId + 1;
    offset += size;
  }

  if (headerSound && nextId <= header.lastRecordId) {
    const at = damage?.offset ?? offset;
    const reason =
      bytes.length < CHUNK_SIZE
        ? `file ends ${bytes.length} bytes into this chunk`
        : damage
          ? `damaged records skipped (${damage.reason})`
          : 'records end before the last record the header names';
    emit(unreadable(`${where}, offset 0x${at.toString(16)} in chunk`, reason, header.lastRecordId - nextId + 1));
  } else if (damage && headerSound) {
    emit(unreadable(`${where}, offset 0x${damage.offset.toString(16)} in chunk`, `damaged bytes after the last record (${damage.reason})`, 0));
  }
}

function describe(error: unknown, recordOffset: number): string {
  if (error instanceof RecordBudgetError) return error.message;
  if (error instanceof EvtxFormatError) {
    return `${error.message} (at chunk offset 0x${error.offset.toString(16)})`;
  }
  // Anything else (a RangeError from a DataView read on hostile data, say) is still this
  // record's fault; it must not escape the reader.
  const message = error instanceof Error ? error.message : String(error);
  return `malformed record at chunk offset 0x${recordOffset.toString(16)}: ${message}`;
}

function findSignature(bytes: Uint8Array, from: number, end: number): number {
  const found = Buffer.from(bytes.buffer, bytes.byteOffset, end).indexOf(RECORD_SIGNATURE_BYTES, from);
  return found >= 0 && found + RECORD_HEADER_SIZE <= end ? found : -1;
}

function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
