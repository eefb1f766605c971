/** Real .evtx files from ../shared chosen by their structure, and helpers to read bytes with readEvtx. */
import { readFileSync } from 'node:fs';
import { readEvtx, readEvtxFileHeader, type EvtxItem } from '../../lib/evtx/read-evtx.ts';
import { sharedPath } from '../support/shared-corpus.ts';
import { findFiles } from './evtx-dump-pairs.ts';

export function corpusEvtxFiles(): string[] {
  return findFiles(sharedPath('corpus/evtx'), '.evtx');
}

/** The smallest corpus file whose header says it uses at least `chunks` chunks. */
export function sampleWithChunks(chunks: number): { path: string; bytes: Uint8Array } {
  let best: { path: string; bytes: Uint8Array } | undefined;
  for (const path of corpusEvtxFiles()) {
    const bytes = new Uint8Array(readFileSync(path));
    const header = readEvtxFileHeader(bytes.subarray(0, 4096), path);
    if (header.chunkCount >= chunks && (!best || bytes.length < best.bytes.length)) best = { path, bytes };
  }
  if (!best) throw new Error(`no corpus file with ${chunks} chunks`);
  return best;
}

/** Feeds `bytes` to the reader in pieces of the given sizes (cycled), as a stream would. */
export async function* pieces(bytes: Uint8Array, sizes: readonly number[] = [bytes.length]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

export interface ReadSummary {
  readonly records: Extract<EvtxItem, { kind: 'record' }>[];
  readonly unreadable: Extract<EvtxItem, { kind: 'unreadable' }>[];
  readonly lost: number;
}

export async function readAll(input: AsyncIterable<Uint8Array>, uri = 'test.evtx'): Promise<ReadSummary> {
  const records: ReadSummary['records'] = [];
  const unreadable: ReadSummary['unreadable'] = [];
  for await (const item of readEvtx(input, uri)) {
    if (item.kind === 'record') records.push(item);
    else unreadable.push(item);
  }
  return { records, unreadable, lost: unreadable.reduce((sum, item) => sum + item.lostRecords, 0) };
}

/** Chunk-relative offsets of the records of chunk `index`, read from the intact bytes. */
export function recordOffsets(bytes: Uint8Array, index: number): number[] {
  const chunkStart = 4096 + index * 65536;
  const view = new DataView(bytes.buffer, bytes.byteOffset + chunkStart, 65536);
  const free = view.getUint32(48, true);
  const offsets: number[] = [];
  for (let at = 512; at < free; at += view.getUint32(at + 4, true)) offsets.push(at);
  return offsets;
}
