/**
 * The 4096-byte file header (libyal "File header"): signature `ElfFile\0`, chunk numbers, the
 * next record id, format version, chunk count, flags and a CRC32 of its first 120 bytes.
 */
import { crc32 } from 'node:zlib';
import { InputError } from '../ingest/ingest-item.ts';

export const FILE_HEADER_BLOCK_SIZE = 4096;
const FILE_SIGNATURE = 'ElfFile\0';
const FLAG_DIRTY = 0x1;
const FLAG_FULL = 0x2;

export interface EvtxFileHeader {
  readonly firstChunkNumber: number;
  readonly lastChunkNumber: number;
  readonly nextRecordId: number;
  readonly majorVersion: number;
  readonly minorVersion: number;
  /** Chunks the header says are in use (a file may hold more, preallocated or unflushed). */
  readonly chunkCount: number;
  /** Set while the log is open for writing: the last chunk may be ahead of the header. */
  readonly dirty: boolean;
  /** The log reached its maximum size. */
  readonly full: boolean;
  readonly checksumOk: boolean;
}

/** True when the bytes start with the EVTX file signature. */
export function hasEvtxSignature(bytes: Uint8Array): boolean {
  if (bytes.length < FILE_SIGNATURE.length) return false;
  for (let i = 0; i < FILE_SIGNATURE.length; i++) {
    if (bytes[i] !== FILE_SIGNATURE.charCodeAt(i)) return false;
  }
  return true;
}

/** Reads the file header; throws InputError when the bytes are not an EVTX file header. */
export function readEvtxFileHeader(first4096: Uint8Array, uri: string): EvtxFileHeader {
  if (first4096.length < 128) {
    throw new InputError(uri, 'offset 0x0', `file header needs 128 bytes, the object has ${first4096.length}`);
  }
  if (!hasEvtxSignature(first4096)) {
    throw new InputError(uri, 'offset 0x0', 'not an EVTX file: no "ElfFile" signature');
  }
  const view = new DataView(first4096.buffer, first4096.byteOffset, 128);
  const flags = view.getUint32(120, true);
  return {
    firstChunkNumber: Number(view.getBigUint64(8, true)),
    lastChunkNumber: Number(view.getBigUint64(16, true)),
    nextRecordId: Number(view.getBigUint64(24, true)),
    minorVersion: view.getUint16(36, true),
    majorVersion: view.getUint16(38, true),
    chunkCount: view.getUint16(42, true),
    dirty: (flags & FLAG_DIRTY) !== 0,
    full: (flags & FLAG_FULL) !== 0,
    checksumOk: crc32(first4096.subarray(0, 120)) === view.getUint32(124, true),
  };
}
