/**
 * Builds small .evtx files byte by byte (file header, one chunk, records with given BinXML), with
 * correct signatures and checksums, for inputs no real file has: hostile template structures.
 */
import { crc32 } from 'node:zlib';

export class Bytes {
  private readonly parts: number[] = [];
  get length(): number {
    return this.parts.length;
  }
  u8(...values: number[]): this {
    this.parts.push(...values);
    return this;
  }
  u16(value: number): this {
    return this.u8(value & 0xff, (value >> 8) & 0xff);
  }
  u32(value: number): this {
    return this.u16(value & 0xffff).u16(Math.floor(value / 0x10000) & 0xffff);
  }
  u64(value: number): this {
    return this.u32(value % 0x100000000).u32(Math.floor(value / 0x100000000));
  }
  utf16(text: string): this {
    for (const ch of text) this.u16(ch.charCodeAt(0));
    return this;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/**
 * One chunk holding `records` (their BinXML), numbered from 1, and `extra` bytes placed at given
 * chunk offsets after the records (template definitions referenced by offset).
 */
export function buildEvtx(records: Uint8Array[], extra: { offset: number; bytes: Uint8Array }[] = []): Uint8Array {
  const file = new Uint8Array(4096 + 65536);
  const view = new DataView(file.buffer);
  file.set(new TextEncoder().encode('ElfFile\0'), 0);
  view.setUint32(24, records.length + 1, true); // next record id
  view.setUint32(32, 128, true);
  view.setUint16(36, 1, true);
  view.setUint16(38, 3, true);
  view.setUint16(40, 4096, true);
  view.setUint16(42, 1, true); // chunk count
  view.setUint32(124, crc32(file.subarray(0, 120)), true);

  const chunk = file.subarray(4096);
  const chunkView = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  chunk.set(new TextEncoder().encode('ElfChnk\0'), 0);
  let at = 512;
  records.forEach((binxml, i) => {
    const size = 24 + binxml.length + 4;
    const record = new Bytes().u32(0x00002a2a).u32(size).u64(i + 1).u64(0).bytes();
    chunk.set(record, at);
    chunk.set(binxml, at + 24);
    chunkView.setUint32(at + size - 4, size, true);
    at += size;
  });
  for (const { offset, bytes } of extra) chunk.set(bytes, offset);
  chunkView.setUint32(8, 1, true); // first record number
  chunkView.setUint32(16, records.length, true);
  chunkView.setUint32(24, 1, true); // first record id
  chunkView.setUint32(32, records.length, true);
  chunkView.setUint32(40, 128, true);
  chunkView.setUint32(48, at, true); // free space offset
  chunkView.setUint32(52, crc32(chunk.subarray(512, at)), true);
  chunkView.setUint32(124, crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), true);
  return file;
}

/** A template definition (next offset, GUID, size, then its BinXML) to place at `offset`. */
export function templateDefinition(binxml: Bytes): Uint8Array {
  const body = binxml.bytes();
  return new Bytes().u32(0).u8(...new Array<number>(16).fill(0x11)).u32(body.length).u8(...body).bytes();
}

/** A template instance token referring to the definition at `definitionOffset`, with no values. */
export function instanceOf(definitionOffset: number, into: Bytes = new Bytes()): Bytes {
  return into.u8(0x0c, 0x01).u32(0).u32(definitionOffset).u32(0);
}

export const FRAGMENT_HEADER = [0x0f, 0x01, 0x01, 0x00];
