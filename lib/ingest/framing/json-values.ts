/**
 * JSON values one after another, with or without whitespace between them (Firehose writes
 * `{..}{..}`, evtx_dump writes pretty-printed objects), and JSON arrays of records (`[{..},{..}]`,
 * possibly several). A record is cut where its braces balance, tracking strings so a brace inside
 * a string does not count; only then is it parsed.
 */
import { asBuffer } from '../byte-source.ts';
import type { FramedRecord } from './framed-record.ts';
import { joinPieces } from './framed-record.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

export async function* splitJsonValues(
  input: AsyncIterable<Uint8Array>,
  maxRecordBytes: number,
): AsyncGenerator<FramedRecord> {
  let offset = 0; // byte offset of the current chunk in the object
  let inArray = false; // between the records of a top-level array
  let depth = 0; // nesting inside the current record; 0 = between records
  let inString = false;
  let escaped = false;
  let recordStart = 0;
  let pieces: Buffer[] = [];
  let pending = 0;
  let oversized = false;
  let garbageStart = -1; // offset of a run of bytes that are not JSON records
  let garbageFirst = 0;

  const reportGarbage = (): FramedRecord => {
    const record: FramedRecord = {
      kind: 'bad',
      location: `byte ${garbageStart}`,
      reason: `unexpected ${describeByte(garbageFirst)} where a JSON object should start`,
    };
    garbageStart = -1;
    return record;
  };

  for await (const raw of input) {
    const chunk = asBuffer(raw);
    let segmentStart = 0; // where the current record's bytes start within this chunk
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (depth === 0) {
        if (b === OPEN_BRACE) {
          if (garbageStart >= 0) yield reportGarbage();
          depth = 1;
          recordStart = offset + i;
          segmentStart = i;
          continue;
        }
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
        if (b === OPEN_BRACKET && !inArray) {
          if (garbageStart >= 0) yield reportGarbage();
          inArray = true;
          continue;
        }
        if (inArray && (b === COMMA || b === CLOSE_BRACKET)) {
          if (b === CLOSE_BRACKET) inArray = false;
          continue;
        }
        if (garbageStart < 0) {
          garbageStart = offset + i;
          garbageFirst = b;
        }
        continue;
      }
      if (inString) {
        // Strings are most of the bytes: jump to the closing quote with indexOf.
        const end = stringEnd(chunk, i, escaped);
        escaped = end.escaped;
        if (end.at < 0) {
          i = chunk.length - 1;
        } else {
          inString = false;
          i = end.at;
        }
        continue;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          const location = `byte ${recordStart}`;
          if (oversized || pending + (i + 1 - segmentStart) > maxRecordBytes) {
            yield { kind: 'bad', location, reason: `JSON value is longer than maxRecordBytes (${maxRecordBytes} bytes)` };
          } else {
            const tail = chunk.subarray(segmentStart, i + 1);
            pieces.push(tail);
            yield { kind: 'record', bytes: joinPieces(pieces, pending + tail.length), location };
          }
          pieces = [];
          pending = 0;
          oversized = false;
        }
      }
    }
    if (depth > 0 && !oversized) {
      const rest = chunk.subarray(segmentStart);
      pending += rest.length;
      if (pending > maxRecordBytes) {
        // Keep scanning for the record's end, without keeping its bytes.
        oversized = true;
        pieces = [];
        pending = 0;
      } else {
        pieces.push(rest);
      }
    }
    offset += chunk.length;
  }
  if (garbageStart >= 0) yield reportGarbage();
  if (depth > 0) {
    yield {
      kind: 'bad',
      location: `byte ${recordStart}`,
      reason: `JSON value is not closed: the object ends ${inString ? 'inside a string' : `${depth} level(s) deep`}`,
    };
  }
}

/**
 * The closing quote of a string that continues at `from` (`escaped`: the byte at `from` is
 * escaped by a backslash at the end of the previous chunk). `at` is -1 when the chunk ends
 * first; `escaped` then says whether it ends on an unpaired backslash.
 */
function stringEnd(chunk: Buffer, from: number, escaped: boolean): { at: number; escaped: boolean } {
  let start = escaped ? from + 1 : from; // the escaped byte, whatever it is, is skipped
  for (;;) {
    const quote = chunk.indexOf(QUOTE, start);
    const limit = quote < 0 ? chunk.length : quote;
    let backslashes = 0;
    for (let k = limit - 1; k >= start && chunk[k] === BACKSLASH; k--) backslashes++;
    if (quote < 0) return { at: -1, escaped: backslashes % 2 === 1 };
    if (backslashes % 2 === 0) return { at: quote, escaped: false };
    start = quote + 1;
  }
}

/** Where the first record of the head ends, if it is complete there; for framing detection. */
export function firstValueEnd(head: Uint8Array, start: number): { end: number; multiline: boolean } | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let multiline = false;
  for (let i = start; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0x0a) multiline = true;
    if (inString) {
      if (escaped) escaped = false;
      else if (b === BACKSLASH) escaped = true;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return { end: i + 1, multiline };
    }
  }
  return undefined;
}

function describeByte(b: number): string {
  const printable = b >= 0x20 && b < 0x7f ? ` '${String.fromCharCode(b)}'` : '';
  return `byte 0x${b.toString(16).padStart(2, '0')}${printable}`;
}
