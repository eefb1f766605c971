/**
 * Multi-chunk `.evtx` files built byte by byte (file header, chunks, records whose BinXML is
 * written inline, no templates), with correct signatures and checksums: for splitting a file
 * across threads without ../shared. Each record is `<Event><System><EventID>..</EventID>
 * <Channel>..</Channel><Computer>..</Computer></System></Event>`.
 */
import { crc32 } from 'node:zlib';
import { Bytes, FRAGMENT_HEADER } from '../../evtx/evtx-builder.ts';

export interface EventSpec {
  readonly eventId: number;
  readonly computer: string;
}

const CHUNK = 65536;

/** An element with inline name at chunk offset `at`: children, or a text value. */
function element(out: Bytes, at: () => number, name: string, content: string | (() => void)): void {
  const start = at();
  out.u8(0x01).u32(0).u32(start + 9); // open start element, data size (unused), name offset: inline, next
  out.u32(0).u16(0).u16(name.length).utf16(name).u16(0);
  out.u8(0x02); // close start tag
  if (typeof content === 'string') out.u8(0x05, 0x01).u16(content.length).utf16(content);
  else content();
  out.u8(0x04);
}

function eventBinXml(event: EventSpec, binxmlAt: number): Uint8Array {
  const out = new Bytes();
  const at = () => binxmlAt + out.length;
  out.u8(...FRAGMENT_HEADER);
  element(out, at, 'Event', () =>
    element(out, at, 'System', () => {
      element(out, at, 'EventID', String(event.eventId));
      element(out, at, 'Channel', 'Security');
      element(out, at, 'Computer', event.computer);
    }),
  );
  out.u8(0x00);
  return out.bytes();
}

/** One chunk of `events`, record ids from `firstId`. */
export function buildChunk(events: readonly EventSpec[], firstId: number, chunkNumber: number): Uint8Array {
  const chunk = new Uint8Array(CHUNK);
  const view = new DataView(chunk.buffer);
  chunk.set(new TextEncoder().encode('ElfChnk\0'), 0);
  let at = 512;
  events.forEach((event, i) => {
    const binxml = eventBinXml(event, at + 24);
    const size = 24 + binxml.length + 4;
    if (at + size > CHUNK) throw new Error('too many events for one chunk');
    chunk.set(new Bytes().u32(0x00002a2a).u32(size).u64(firstId + i).u64(0).bytes(), at);
    chunk.set(binxml, at + 24);
    view.setUint32(at + size - 4, size, true);
    at += size;
  });
  view.setBigUint64(8, BigInt(chunkNumber * 1000 + 1), true); // first/last record numbers (not read)
  view.setBigUint64(16, BigInt(chunkNumber * 1000 + events.length), true);
  view.setBigUint64(24, BigInt(firstId), true);
  view.setBigUint64(32, BigInt(firstId + events.length - 1), true);
  view.setUint32(40, 128, true);
  view.setUint32(48, at, true); // free space offset
  view.setUint32(52, crc32(chunk.subarray(512, at)), true);
  view.setUint32(124, crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), true);
  return chunk;
}

/** A file of `chunks` (each a list of events), record ids 1, 2, ... across them. */
export function buildEvtxFile(chunks: readonly (readonly EventSpec[])[], options: { chunkCount?: number } = {}): Uint8Array {
  const file = new Uint8Array(4096 + chunks.length * CHUNK);
  const view = new DataView(file.buffer);
  file.set(new TextEncoder().encode('ElfFile\0'), 0);
  let id = 1;
  chunks.forEach((events, i) => {
    file.set(buildChunk(events, id, i), 4096 + i * CHUNK);
    id += events.length;
  });
  view.setBigUint64(16, BigInt(chunks.length - 1), true); // last chunk number
  view.setBigUint64(24, BigInt(id), true); // next record id
  view.setUint32(32, 128, true);
  view.setUint16(36, 1, true);
  view.setUint16(38, 3, true);
  view.setUint16(40, 4096, true);
  view.setUint16(42, options.chunkCount ?? chunks.length, true);
  view.setUint32(124, crc32(file.subarray(0, 120)), true);
  return file;
}
