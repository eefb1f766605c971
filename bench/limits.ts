/**
 * The two limits winsift is measured against. L1: gunzip alone, the most any scanner of gzip'd
 * objects can do. L2: gunzip, split lines and `JSON.parse` every one: what a scanner that looks
 * at every record pays before evaluating a single rule.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

function gunzip(input: AsyncIterable<Uint8Array>): AsyncIterable<Buffer> {
  return Readable.from(input, { objectMode: false }).pipe(createGunzip());
}

/** L1: decompressed bytes out, nothing looked at. */
export async function gunzipOnly(input: AsyncIterable<Uint8Array>): Promise<{ bytes: number }> {
  let bytes = 0;
  for await (const chunk of gunzip(input)) bytes += chunk.byteLength;
  return { bytes };
}

/**
 * L2: every line parsed. Lines are found on bytes (newline is one byte in UTF-8) and decoded
 * once each; a line cut by a chunk boundary is joined with the next chunk's head.
 */
export async function gunzipAndParse(input: AsyncIterable<Uint8Array>): Promise<{ bytes: number; records: number }> {
  let bytes = 0;
  let records = 0;
  let carry: Buffer | undefined;
  const parse = (line: Buffer, start: number, end: number): void => {
    if (end > start) {
      JSON.parse(line.toString('utf8', start, end));
      records++;
    }
  };
  for await (const chunk of gunzip(input)) {
    bytes += chunk.byteLength;
    let start = 0;
    let newline = chunk.indexOf(10);
    if (newline >= 0 && carry) {
      const joined = Buffer.concat([carry, chunk.subarray(0, newline)]);
      parse(joined, 0, joined.byteLength);
      carry = undefined;
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    while (newline >= 0) {
      parse(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.byteLength) carry = carry ? Buffer.concat([carry, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
  }
  if (carry) parse(carry, 0, carry.byteLength);
  return { bytes, records };
}
