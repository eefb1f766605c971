/**
 * Byte encodings for the `base64`, `base64offset`, `utf16*` and `wide` modifiers. A value that has
 * been UTF-16 encoded is carried as a "binary" string (one char per byte) so that a following
 * base64 encodes those bytes, not their UTF-8 form.
 */

export interface EncodedText {
  readonly text: string;
  /** `text` holds one byte per char (after utf16*), not characters. */
  readonly binary: boolean;
}

function bytesOf(value: EncodedText): Buffer {
  return value.binary ? Buffer.from(value.text, 'latin1') : Buffer.from(value.text, 'utf8');
}

export function base64(value: EncodedText): EncodedText {
  return { text: bytesOf(value).toString('base64'), binary: false };
}

/**
 * The three forms a value takes inside a longer base64 string, depending on its offset (0, 1 or
 * 2 bytes) from a 3-byte boundary, keeping only the characters that do not depend on neighbours.
 */
export function base64Offsets(value: EncodedText): EncodedText[] {
  const bytes = bytesOf(value);
  const out: EncodedText[] = [];
  const startTrim = [0, 2, 3];
  const endTrim = [0, 3, 2];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64');
    const cut = endTrim[(bytes.length + shift) % 3]!;
    const text = encoded.slice(startTrim[shift]!, cut === 0 ? undefined : encoded.length - cut);
    if (!out.some((o) => o.text === text)) out.push({ text, binary: false });
  }
  return out;
}

export function utf16le(value: EncodedText): EncodedText {
  return { text: Buffer.from(value.text, 'utf16le').toString('latin1'), binary: true };
}

export function utf16be(value: EncodedText): EncodedText {
  const le = Buffer.from(value.text, 'utf16le');
  le.swap16();
  return { text: le.toString('latin1'), binary: true };
}

/** `utf16`: little-endian with a byte order mark, as Windows writes it. */
export function utf16(value: EncodedText): EncodedText {
  return { text: '\xff\xfe' + utf16le(value).text, binary: true };
}
