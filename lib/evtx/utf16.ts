/**
 * UTF-16LE text as EVTX stores it. Strings are cut straight out of the chunk's Buffer by Node's
 * native decoder: one allocation per string (a char-code loop made one per character, and the
 * garbage collector showed it), for short names and long command lines alike.
 */

/** Decodes `units` UTF-16LE code units starting at `start`. The caller has checked the bounds. */
export function decodeUtf16(bytes: Buffer, start: number, units: number): string {
  return units <= 0 ? '' : bytes.toString('utf16le', start, start + units * 2);
}

/**
 * Substitution strings carry their byte size, and writers often include the terminating NUL
 * (sometimes followed by garbage): the value ends at the first NUL, as in evtx_dump.
 */
export function decodeUtf16UntilNul(bytes: Buffer, start: number, byteLength: number): string {
  const end = start + (byteLength & ~1);
  let i = start;
  while (i < end && (bytes[i] !== 0 || bytes[i + 1] !== 0)) i += 2;
  return decodeUtf16(bytes, start, (i - start) / 2);
}

/** Splits a UTF-16LE string array (NUL-terminated items, back to back). */
export function decodeUtf16Array(bytes: Buffer, start: number, byteLength: number): string[] {
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
export function decodeLatin1UntilNul(bytes: Buffer, start: number, byteLength: number): string {
  let end = start;
  while (end < start + byteLength && bytes[end] !== 0) end++;
  return bytes.toString('latin1', start, end);
}
