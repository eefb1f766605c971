/**
 * BinXML value types (MS-EVEN6 2.2.18, libyal "Value type") and their rendering as evtx_dump
 * writes them into JSON: integers and booleans stay JSON numbers and booleans; everything else
 * becomes text (GUIDs upper-case without braces, SIDs as `S-1-5-18`, times as ISO-8601 with
 * microseconds, binary as upper-case hex, hex integers as `0x` + lower-case hex).
 *
 * One normalisation of our own: a 64-bit integer outside JavaScript's safe range
 * (|n| > 2^53 - 1) is written as its exact decimal string instead of a rounded number.
 */
import { EvtxFormatError, need } from './evtx-format-error.ts';
import { FormattedCache } from './formatted-cache.ts';
import { decodeLatin1, decodeLatin1UntilNul, decodeUtf16Array, decodeUtf16UntilNul } from './utf16.ts';

export const VALUE_NULL = 0x00;
export const VALUE_STRING = 0x01;
export const VALUE_ANSI_STRING = 0x02;
export const VALUE_SIZE_T = 0x10;
export const VALUE_SID = 0x13;
export const VALUE_BINXML = 0x21;
export const VALUE_ARRAY_FLAG = 0x80;

/** A value as it is rendered: JSON numbers/booleans, or text. */
export type Scalar = string | number | boolean;

/** Byte size of one item of each fixed-size type, indexed by type code (0: not fixed-size). */
const FIXED_SIZE = new Uint8Array(256);
for (const [type, size] of [
  [0x03, 1], [0x04, 1], [0x05, 2], [0x06, 2], [0x07, 4], [0x08, 4], [0x09, 8], [0x0a, 8],
  [0x0b, 4], [0x0c, 8], [0x0d, 4], [0x0f, 16], [0x11, 8], [0x12, 16], [0x14, 4], [0x15, 8],
] as const) {
  FIXED_SIZE[type] = size;
}

const HEX_UPPER: string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).toUpperCase().padStart(2, '0'),
);
const TWO_POW_32 = 4294967296;
const FILETIME_UNIX_EPOCH_MS = 11644473600000;

/**
 * Decodes a value of `type` occupying `size` bytes at `start` (substitution values carry their
 * size). Returns a scalar, an array of scalars for array types, or null for the null type and for
 * empty strings/binaries. BinXML values (0x21) are handled by the BinXML parser, not here.
 */
export function decodeSizedValue(
  bytes: Buffer,
  view: DataView,
  type: number,
  start: number,
  size: number,
): Scalar | Scalar[] | null {
  need(start, size, bytes.length, 'value');
  if (type & VALUE_ARRAY_FLAG) return decodeArray(bytes, view, type & 0x7f, start, size);
  switch (type) {
    case VALUE_NULL:
      return null;
    case VALUE_STRING:
      return decodeUtf16UntilNul(bytes, start, size);
    case VALUE_ANSI_STRING:
      return decodeLatin1UntilNul(bytes, start, size);
    case 0x0e: // binary
    case 0x20: // EvtHandle: opaque, shown as its bytes
    case 0x23: // EvtXml: opaque, shown as its bytes
      return size === 0 ? null : hexUpper(bytes, start, size);
    case VALUE_SID:
      return size === 0 ? null : cachedSid(bytes, view, start, size);
    case VALUE_SIZE_T:
      if (size === 4) return '0x' + view.getUint32(start, true).toString(16);
      if (size === 8) return cachedHex64(bytes, view, start);
      throw new EvtxFormatError(start, `SizeT value of ${size} bytes (expected 4 or 8)`);
    default: {
      const itemSize = FIXED_SIZE[type]!;
      if (itemSize === 0) {
        throw new EvtxFormatError(start, `unknown value type 0x${type.toString(16)}`);
      }
      if (size < itemSize) {
        throw new EvtxFormatError(start, `value of type 0x${type.toString(16)} has ${size} bytes, needs ${itemSize}`);
      }
      return decodeFixed(bytes, view, type, start);
    }
  }
}

/**
 * Decodes a fixed-size value (one of FIXED_SIZE's types) at `start`; the caller has checked that
 * `fixedSize(type)` bytes are there.
 */
export function decodeFixed(bytes: Buffer, view: DataView, type: number, start: number): Scalar {
  switch (type) {
    case 0x03: return view.getInt8(start);
    case 0x04: return bytes[start]!;
    case 0x05: return view.getInt16(start, true);
    case 0x06: return view.getUint16(start, true);
    case 0x07: return view.getInt32(start, true);
    case 0x08: return view.getUint32(start, true);
    case 0x09: return int64(view, start);
    case 0x0a: return uint64(view, start);
    case 0x0b: return formatFloat32(view.getFloat32(start, true));
    case 0x0c: return formatFloat(view.getFloat64(start, true));
    case 0x0d: return view.getUint32(start, true) !== 0;
    case 0x0f: return cachedGuid(bytes, start);
    case 0x11: return formatFiletime(view, start);
    case 0x12: return formatSystemtime(view, start);
    case 0x14: return '0x' + view.getUint32(start, true).toString(16);
    case 0x15: return cachedHex64(bytes, view, start);
    default:
      throw new EvtxFormatError(start, `value type 0x${type.toString(16)} is not fixed-size`);
  }
}

/** Size in bytes of a fixed-size type, or undefined for variable-size types. */
export function fixedSize(type: number): number | undefined {
  const size = FIXED_SIZE[type & 0xff]!;
  return size === 0 ? undefined : size;
}

function decodeArray(bytes: Buffer, view: DataView, itemType: number, start: number, size: number): Scalar[] {
  if (itemType === VALUE_STRING) return decodeUtf16Array(bytes, start, size);
  if (itemType === 0x13) return decodeSidArray(bytes, view, start, size);
  if (itemType === VALUE_SIZE_T) {
    const items: Scalar[] = [];
    for (let at = start; at + 8 <= start + size; at += 8) items.push(hex64(view, at));
    return items;
  }
  const itemSize = FIXED_SIZE[itemType]!;
  if (itemSize === 0) {
    throw new EvtxFormatError(start, `array of unsupported value type 0x${itemType.toString(16)}`);
  }
  const items: Scalar[] = [];
  for (let at = start; at + itemSize <= start + size; at += itemSize) {
    items.push(decodeFixed(bytes, view, itemType, at));
  }
  return items;
}

function decodeSidArray(bytes: Buffer, view: DataView, start: number, size: number): Scalar[] {
  const items: Scalar[] = [];
  let at = start;
  const end = start + size;
  while (at + 8 <= end) {
    const length = 8 + 4 * bytes[at + 1]!;
    if (at + length > end) break;
    items.push(formatSid(bytes, view, at, length));
    at += length;
  }
  return items;
}

// GUIDs, SIDs and 64-bit hex values repeat across records: formatted once (formatted-cache.ts).
const guids = new FormattedCache(16, 256);
const sids = new FormattedCache(68, 256); // 8 + 15 sub-authorities, the most Windows writes
const hex64s = new FormattedCache(8, 64);

function cachedGuid(bytes: Buffer, at: number): string {
  return guids.get(bytes, at, 16) ?? guids.set(bytes, at, 16, formatGuid(bytes, at));
}

function cachedSid(bytes: Buffer, view: DataView, start: number, size: number): string {
  if (size > 68) return formatSid(bytes, view, start, size);
  return sids.get(bytes, start, size) ?? sids.set(bytes, start, size, formatSid(bytes, view, start, size));
}

function cachedHex64(bytes: Buffer, view: DataView, at: number): string {
  return hex64s.get(bytes, at, 8) ?? hex64s.set(bytes, at, 8, hex64(view, at));
}

/** A SID value: revision, sub-authority count, 48-bit big-endian authority, 32-bit LE sub-authorities. */
function formatSid(bytes: Buffer, view: DataView, start: number, size: number): string {
  if (size < 8) throw new EvtxFormatError(start, `SID of ${size} bytes is shorter than its 8-byte header`);
  const count = bytes[start + 1]!;
  if (8 + 4 * count > size) {
    throw new EvtxFormatError(start, `SID declares ${count} sub-authorities but has ${size} bytes`);
  }
  const authority = view.getUint16(start + 2) * TWO_POW_32 + view.getUint32(start + 4);
  let text = `S-${bytes[start]!}-${authority}`;
  for (let i = 0; i < count; i++) text += '-' + view.getUint32(start + 8 + 4 * i, true);
  return text;
}


function int64(view: DataView, at: number): number | string {
  const lo = view.getUint32(at, true);
  const hi = view.getInt32(at + 4, true);
  if (hi >= -0x200000 && hi < 0x200000) return hi * TWO_POW_32 + lo;
  return view.getBigInt64(at, true).toString();
}

function uint64(view: DataView, at: number): number | string {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  if (hi < 0x200000) return hi * TWO_POW_32 + lo;
  return view.getBigUint64(at, true).toString();
}

function hex64(view: DataView, at: number): string {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  if (hi === 0) return '0x' + lo.toString(16);
  return '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

function hexUpper(bytes: Buffer, start: number, size: number): string {
  if (size > 64) return bytes.toString('hex', start, start + size).toUpperCase();
  let text = '';
  for (let i = start; i < start + size; i++) text += HEX_UPPER[bytes[i]!];
  return text;
}

/** GUID fields 1-3 are little-endian, the last 8 bytes are in order: `D1-D2-D3-D4a-D4b`. */
function formatGuid(bytes: Buffer, at: number): string {
  let out = 0;
  for (let k = 0; k < GUID_BYTE_ORDER.length; k++) {
    const i = GUID_BYTE_ORDER[k]!;
    if (i < 0) {
      GUID_TEXT[out++] = 0x2d; // '-'
      continue;
    }
    const byte = bytes[at + i]!;
    GUID_TEXT[out++] = HEX_DIGITS[byte >> 4]!;
    GUID_TEXT[out++] = HEX_DIGITS[byte & 15]!;
  }
  return decodeLatin1(GUID_TEXT, 0, 36);
}
/** Byte order of the GUID's text, -1 for a dash. */
const GUID_BYTE_ORDER = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];
const HEX_DIGITS = Uint8Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));
const GUID_TEXT = Buffer.alloc(36);

/**
 * FILETIME: 100 ns ticks since 1601-01-01 UTC, shown to the microsecond like evtx_dump.
 * Tick counts pass 2^53, so the milliseconds are split out of the two 32-bit halves exactly
 * (2^32 = 429496 * 10000 + 7296) instead of going through BigInt on every record.
 */
function formatFiletime(view: DataView, at: number): string {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  const low = hi * 7296 + lo; // < 2^45, exact
  const msSince1601 = hi * 429496 + Math.floor(low / 10000);
  const microsWithinMs = Math.floor((low % 10000) / 10);
  const ms = msSince1601 - FILETIME_UNIX_EPOCH_MS;
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = new Date(second * 1000).toISOString().slice(0, -4); // "YYYY-MM-DDTHH:MM:SS."
  }
  const microsWithinSecond = (ms - second * 1000) * 1000 + microsWithinMs;
  return lastSecondText + String(microsWithinSecond).padStart(6, '0') + 'Z';
}
/** Records of one chunk are written within seconds of each other: reuse the date text. */
let lastSecond = Number.NaN;
let lastSecondText = '';

/** SYSTEMTIME: eight u16 fields (year, month, weekday, day, hour, minute, second, millisecond). */
function formatSystemtime(view: DataView, at: number): string {
  const f = (i: number, width: number): string => String(view.getUint16(at + 2 * i, true)).padStart(width, '0');
  return `${f(0, 4)}-${f(1, 2)}-${f(3, 2)}T${f(4, 2)}:${f(5, 2)}:${f(6, 2)}.${f(7, 3)}000Z`;
}

/** Floats as Rust prints them: shortest round-trip digits, and `1.0` rather than `1`. */
function formatFloat(value: number): string {
  const text = String(value);
  return Number.isInteger(value) && !text.includes('e') ? text + '.0' : text;
}

function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  for (let precision = 1; precision < 10; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return formatFloat(candidate);
  }
  return formatFloat(value);
}
