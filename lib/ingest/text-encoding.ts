/**
 * Byte order marks: a UTF-8 BOM is dropped (JSON.parse rejects it); UTF-16 text (PowerShell's
 * `> file` and `wevtutil` exports on Windows write UTF-16LE with a BOM) is transcoded to UTF-8,
 * streaming, so every framing works on UTF-8 bytes. UTF-16 without a BOM (.NET's
 * `Encoding.Unicode` writers, some exports) is recognised by its zero bytes: a log starts with
 * `{`, `[`, `<` or whitespace, which in UTF-16 is that byte beside a zero, and so is the next
 * (ASCII) character.
 */
import { StringDecoder } from 'node:string_decoder';

export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'utf-16le-no-bom' | 'utf-16be-no-bom';

/** Bytes `detectTextEncoding` needs. */
export const TEXT_ENCODING_HEAD_BYTES = 4;

export function detectTextEncoding(head: Uint8Array): TextEncodingName {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.length >= 4) {
    if (isLogStart(head[0]!) && head[1] === 0 && head[2] !== 0 && head[3] === 0) return 'utf-16le-no-bom';
    if (head[0] === 0 && isLogStart(head[1]!) && head[2] === 0 && head[3] !== 0) return 'utf-16be-no-bom';
  }
  return 'utf-8';
}

/** `{ [ < " ` and whitespace: what the first characters of a text log can be. */
function isLogStart(b: number): boolean {
  return b === 0x7b || b === 0x5b || b === 0x3c || b === 0x22 || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export async function* toUtf8(input: AsyncIterable<Uint8Array>, encoding: TextEncodingName): AsyncGenerator<Uint8Array> {
  if (encoding === 'utf-8') {
    yield* input;
    return;
  }
  let skip = encoding === 'utf-8-bom' ? 3 : encoding.endsWith('-no-bom') ? 0 : 2;
  // StringDecoder keeps a surrogate pair or odd byte split across chunks for the next write.
  const decoder = encoding === 'utf-8-bom' ? undefined : new StringDecoder('utf16le');
  let odd: number | undefined; // UTF-16BE: a byte left over from the previous chunk
  let pendingHigh = '';
  for await (const chunk of input) {
    let bytes = chunk;
    if (skip > 0) {
      const dropped = Math.min(skip, bytes.length);
      bytes = bytes.subarray(dropped);
      skip -= dropped;
    }
    if (bytes.length === 0) continue;
    if (!decoder) {
      yield bytes;
      continue;
    }
    let units = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (encoding === 'utf-16be' || encoding === 'utf-16be-no-bom') {
      // Swap to little-endian pairs, carrying an odd byte over the chunk boundary.
      const joined = odd === undefined ? Buffer.from(units) : Buffer.concat([Buffer.from([odd]), units]);
      const even = joined.length - (joined.length % 2);
      odd = even < joined.length ? joined[even] : undefined;
      units = joined.subarray(0, even).swap16();
    }
    let text = pendingHigh + decoder.write(units);
    pendingHigh = '';
    // StringDecoder may end a write on a lone high surrogate: hold it for its low half, or
    // encoding it to UTF-8 alone would turn the character into U+FFFD.
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      pendingHigh = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text) yield Buffer.from(text, 'utf8');
  }
  if (decoder) {
    const rest = pendingHigh + decoder.end();
    if (rest) yield Buffer.from(rest, 'utf8');
  }
}
