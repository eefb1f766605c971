/**
 * UTF-16LE text as EVTX stores it. Most strings in event logs are short ASCII names and values,
 * where building the string from char codes beats a TextDecoder call; long strings go through the
 * native decoder.
 */

const decoder = new TextDecoder('utf-16le');
/**
 * TextDecoder has a fixed cost per call; below this many code units (most names and values)
 * building the string from char codes avoids it.
 */
const SHORT_STRING_UNITS = 32;

/** Decodes `units` UTF-16LE code units starting at `start`. The caller has checked the bounds. */
export function decodeUtf16(bytes: Uint8Array, start: number, units: number): string {
  if (units <= 0) return '';
  if (units > SHORT_STRING_UNITS) return decoder.decode(bytes.subarray(start, start + units * 2));
  let text = '';
  for (let i = start, end = start + units * 2; i < end; i += 2) {
    const code = bytes[i]! | (bytes[i + 1]! << 8);
    // Surrogates need TextDecoder's pairing (and its U+FFFD for lone halves).
    if (code >= 0xd800 && code <= 0xdfff) {
      return decoder.decode(bytes.subarray(start, start + units * 2));
    }
    text += String.fromCharCode(code);
  }
  return text;
}

/**
 * Substitution strings carry their byte size, and writers often include the terminating NUL
 * (sometimes followed by garbage): the value ends at the first NUL, as in evtx_dump.
 */
export function decodeUtf16UntilNul(bytes: Uint8Array, start: number, byteLength: number): string {
  const end = start + (byteLength & ~1);
  let i = start;
  while (i < end && (bytes[i] !== 0 || bytes[i + 1] !== 0)) i += 2;
  return decodeUtf16(bytes, start, (i - start) / 2);
}

/** Splits a UTF-16LE string array (NUL-terminated items, back to back). */
export function decodeUtf16Array(bytes: Uint8Array, start: number, byteLength: number): string[] {
  const items: string[] = [];
  const end = start + (byteLength & ~1);
  let itemStart = start;
  for (let i = start; i < end; i += 2) {
    if (bytes[i] === 0 && bytes[i + 1] === 0) {
      items.push(decodeUtf16(bytes, itemStart, (i - itemStart) / 2));
      itemStart = i + 2;
    }
  }
  if (itemStart < end) items.push(decodeUtf16(bytes, itemStart, (end - itemStart) / 2));
  return items;
}

/** Single-byte strings (ANSI string values): read as Latin-1, ending at the first NUL. */
export function decodeLatin1UntilNul(bytes: Uint8Array, start: number, byteLength: number): string {
  let text = '';
  for (let i = start, end = start + byteLength; i < end; i++) {
    const code = bytes[i]!;
    if (code === 0) break;
    text += String.fromCharCode(code);
  }
  return text;
}
