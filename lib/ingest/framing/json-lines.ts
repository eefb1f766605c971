/**
 * JSON lines (NDJSON): one record per `\n`-terminated line. Lines are cut on bytes with
 * `indexOf`, never by concatenating strings; a bad or oversized line costs only itself.
 */
import { asBuffer } from '../byte-source.ts';
import type { FramedRecord } from './framed-record.ts';
import { joinPieces } from './framed-record.ts';

const NEWLINE = 0x0a;

export async function* splitJsonLines(
  input: AsyncIterable<Uint8Array>,
  maxRecordBytes: number,
): AsyncGenerator<FramedRecord> {
  let line = 1;
  let lineStart = 0; // byte offset of the current line in the decompressed object
  let offset = 0; // byte offset of the current chunk
  let pieces: Buffer[] = [];
  let pending = 0;
  let oversized = false;

  const finishLine = (last: Buffer | undefined): FramedRecord | undefined => {
    const length = pending + (last?.length ?? 0);
    if (last) pieces.push(last);
    const location = `line ${line} (byte ${lineStart})`;
    const wasOversized = oversized;
    const bytes = wasOversized ? undefined : joinPieces(pieces, length);
    pieces = [];
    pending = 0;
    oversized = false;
    if (wasOversized) {
      return { kind: 'bad', location, reason: `line is longer than maxRecordBytes (${maxRecordBytes} bytes)` };
    }
    return bytes && !isBlank(bytes) ? { kind: 'record', bytes, location } : undefined;
  };

  for await (const raw of input) {
    const chunk = asBuffer(raw);
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, pos);
      const end = nl === -1 ? chunk.length : nl;
      if (!oversized && pending + (end - pos) > maxRecordBytes) {
        oversized = true;
        pieces = [];
        pending = 0;
      }
      if (nl === -1) {
        if (!oversized && end > pos) {
          pieces.push(chunk.subarray(pos, end));
          pending += end - pos;
        }
        break;
      }
      const record = finishLine(oversized ? undefined : chunk.subarray(pos, nl));
      if (record) yield record;
      line++;
      lineStart = offset + nl + 1;
      pos = nl + 1;
    }
    offset += chunk.length;
  }
  if (pending > 0 || oversized) {
    const record = finishLine(undefined);
    if (record) yield record;
  }
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}
