/**
 * Decide how an (already decompressed) object is cut into records, from its first bytes.
 */
import type { FramingName } from './framed-record.ts';
import { firstValueEnd } from './json-values.ts';

/** How much of the object framing detection may look at. */
export const FRAMING_HEAD_BYTES = 256 * 1024;

const EVTX_MAGIC = Buffer.from('ElfFile\0', 'latin1');

export function isEvtx(head: Uint8Array): boolean {
  return head.length >= 8 && Buffer.from(head.buffer, head.byteOffset, 8).equals(EVTX_MAGIC);
}

/** Index of the first byte that is not whitespace or a UTF-8 byte order mark, or -1. */
export function firstContentByte(head: Uint8Array): number {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return i < head.length ? i : -1;
}

export type FramingGuess = FramingName | 'blank' | 'unknown';

export function detectFraming(head: Uint8Array): FramingGuess {
  if (isEvtx(head)) return 'evtx';
  const start = firstContentByte(head);
  if (start < 0) return 'blank';
  const first = head[start];
  if (first === 0x5b /* [ */) return 'json-array';
  if (first === 0x3c /* < */) return 'event-xml';
  if (first !== 0x7b /* { */) return 'unknown';
  return looksLikeLines(head, start) ? 'json-lines' : 'json-values';
}

/**
 * JSON lines when the first record sits on one line and a newline follows it. Pretty-printed
 * (evtx_dump) and back-to-back (`}{`, Firehose) values are cut by brace matching instead.
 */
function looksLikeLines(head: Uint8Array, start: number): boolean {
  const first = firstValueEnd(head, start);
  if (!first) {
    // First record longer than the head, or broken: lines if its first line closes an object.
    const nl = head.indexOf(0x0a, start);
    if (nl < 0) return false;
    let j = nl - 1;
    while (j > start && (head[j] === 0x0d || head[j] === 0x20)) j--;
    return head[j] === 0x7d;
  }
  if (first.multiline) return false;
  let j = first.end;
  while (j < head.length && (head[j] === 0x20 || head[j] === 0x0d || head[j] === 0x09)) j++;
  return j === head.length || head[j] === 0x0a;
}
