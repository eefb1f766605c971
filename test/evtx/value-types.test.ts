/** Each BinXML value type rendered as evtx_dump writes it, from hand-made bytes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSizedValue } from '../../lib/evtx/value-types.ts';

function decode(type: number, bytes: number[] | Uint8Array): unknown {
  const data = Buffer.from(Uint8Array.from(bytes));
  return decodeSizedValue(data, new DataView(data.buffer, data.byteOffset, data.length), type, 0, data.length);
}
const le = (value: bigint, size: number): number[] =>
  Array.from({ length: size }, (_, i) => Number((BigInt.asUintN(size * 8, value) >> BigInt(8 * i)) & 0xffn));
const utf16 = (text: string): number[] => [...text].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]);

describe('BinXML value types', () => {
  it('strings end at the first NUL; ANSI strings too', () => {
    expect(decode(0x01, [...utf16('cmd.exe'), 0, 0, 0x41, 0])).toBe('cmd.exe');
    expect(decode(0x01, utf16('é—ü'))).toBe('é—ü');
    expect(decode(0x02, [0x61, 0x62, 0, 0x63])).toBe('ab');
    expect(decode(0x01, [])).toBe('');
  });

  it('integers of every size are JSON numbers, 64-bit beyond 2^53 exact decimal strings', () => {
    expect(decode(0x03, [0xff])).toBe(-1);
    expect(decode(0x04, [0xff])).toBe(255);
    expect(decode(0x05, le(-2n, 2))).toBe(-2);
    expect(decode(0x06, le(65535n, 2))).toBe(65535);
    expect(decode(0x07, le(-70000n, 4))).toBe(-70000);
    expect(decode(0x08, le(4294967295n, 4))).toBe(4294967295);
    expect(decode(0x09, le(-5n, 8))).toBe(-5);
    expect(decode(0x09, le(-(2n ** 60n), 8))).toBe('-1152921504606846976');
    expect(decode(0x0a, le(9007199254740991n, 8))).toBe(9007199254740991);
    expect(decode(0x0a, le(18446744073709551615n, 8))).toBe('18446744073709551615');
  });

  it('floats in shortest round-trip form, whole numbers with .0', () => {
    const f32 = new Uint8Array(new Float32Array([0.1]).buffer);
    expect(decode(0x0b, f32)).toBe('0.1');
    const f64 = new Uint8Array(new Float64Array([1]).buffer);
    expect(decode(0x0c, f64)).toBe('1.0');
    expect(decode(0x0c, new Uint8Array(new Float64Array([2.5e-7]).buffer))).toBe('2.5e-7');
  });

  it('booleans, GUIDs, hex integers, SizeT and binary', () => {
    expect(decode(0x0d, [1, 0, 0, 0])).toBe(true);
    expect(decode(0x0d, [0, 0, 0, 0])).toBe(false);
    // {5770385F-C22A-43E0-BF4C-06F5698FFBD9} as stored: first three fields little-endian.
    const guid = [0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9];
    expect(decode(0x0f, guid)).toBe('5770385F-C22A-43E0-BF4C-06F5698FFBD9');
    expect(decode(0x14, le(0x529ae3n, 4))).toBe('0x529ae3');
    expect(decode(0x15, le(0x8000000000000000n, 8))).toBe('0x8000000000000000');
    expect(decode(0x15, le(0n, 8))).toBe('0x0');
    expect(decode(0x10, le(0x1f4n, 8))).toBe('0x1f4');
    expect(decode(0x10, le(0x1f4n, 4))).toBe('0x1f4');
    expect(decode(0x0e, [0x00, 0xab, 0x10])).toBe('00AB10');
    expect(decode(0x0e, Array.from({ length: 100 }, () => 0xfe))).toBe('FE'.repeat(100));
  });

  it('FILETIME and SYSTEMTIME as ISO-8601 UTC with microseconds', () => {
    const unixMs = BigInt(Date.UTC(2025, 10, 27, 7, 40, 10, 165));
    const ticks = (unixMs + 11644473600000n) * 10000n + 3249n; // + 324.9 µs
    expect(decode(0x11, le(ticks, 8))).toBe('2025-11-27T07:40:10.165324Z');
    expect(decode(0x11, le(0n, 8))).toBe('1601-01-01T00:00:00.000000Z');
    const systemtime = [2020, 12, 5, 11, 12, 28, 1, 177].flatMap((field) => le(BigInt(field), 2));
    expect(decode(0x12, systemtime)).toBe('2020-12-11T12:28:01.177000Z');
  });

  it('FILETIME agrees with exact BigInt arithmetic over the whole 64-bit range', () => {
    const reference = (ticks: bigint): string => {
      const ms = ticks / 10000n - 11644473600000n;
      const iso = new Date(Number(ms)).toISOString();
      return `${iso.slice(0, -1)}${String((ticks / 10n) % 1000n).padStart(3, '0')}Z`;
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (ticks) => {
        expect(decode(0x11, le(ticks, 8))).toBe(reference(ticks));
      }),
      { numRuns: 300 },
    );
  });

  it('SIDs as S-R-A-S1-...', () => {
    const sid = [1, 5, 0, 0, 0, 0, 0, 5, ...le(21n, 4), ...le(4230534742n, 4), ...le(1n, 4), ...le(2n, 4), ...le(1111n, 4)];
    expect(decode(0x13, sid)).toBe('S-1-5-21-4230534742-1-2-1111');
    expect(decode(0x13, [1, 1, 0, 0, 0, 0, 0, 5, ...le(18n, 4)])).toBe('S-1-5-18');
    expect(() => decode(0x13, [1, 4, 0, 0, 0, 0, 0, 5])).toThrow(/4 sub-authorities/);
  });

  it('arrays decode item by item', () => {
    expect(decode(0x81, [...utf16('a'), 0, 0, ...utf16('bc'), 0, 0, 0, 0])).toEqual(['a', 'bc', '']);
    expect(decode(0x88, [...le(1n, 4), ...le(2n, 4)])).toEqual([1, 2]);
    expect(decode(0x94, [...le(255n, 4)])).toEqual(['0xff']);
  });

  it('refuses unknown types and values too short for their type', () => {
    expect(() => decode(0x1f, [0])).toThrow(/unknown value type 0x1f/);
    expect(() => decode(0x08, [1, 2])).toThrow(/has 2 bytes, needs 4/);
  });
});
