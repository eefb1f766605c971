/** Compression by magic bytes: gzip members, zstd frames, declared brotli, nesting, and bombs. */
import { brotliCompressSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collect, events } from './support.ts';

const line = (id: number) => `${JSON.stringify({ EventID: id, Hostname: 'H', SourceName: 'P', Channel: 'Security' })}\n`;
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i)).join('');
const ids = (read: Awaited<ReturnType<typeof collect>>) => events(read).map((e) => e.fields['EventID']);

describe('gzip', () => {
  it('reads every concatenated member, at any chunk size', async () => {
    const object = Buffer.concat([gzipSync(lines(1, 3)), gzipSync(lines(4, 4)), gzipSync(lines(5, 6))]);
    for (const size of [1, 5, 65536]) {
      const read = await collect(object, {}, size);
      expect(read.thrown).toBeUndefined();
      expect(ids(read)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('reads double gzip (Firehose over CloudWatch Logs)', async () => {
    const read = await collect(gzipSync(gzipSync(lines(1, 2))));
    expect(ids(read)).toEqual([1, 2]);
  });

  it('throws on a truncated stream after yielding the events before the cut', async () => {
    const whole = gzipSync(lines(1, 2000));
    const read = await collect(whole.subarray(0, whole.length - 10), {}, 512);
    expect(read.thrown?.reason).toBe('corrupt gzip data: truncated: the stream ends inside a compressed member');
    expect(read.thrown?.location).toBe(`gzip byte ${whole.length - 10}`);
    expect(ids(read)).toEqual(Array.from({ length: ids(read).length }, (_, i) => i + 1));
    expect(ids(read).length).toBeGreaterThan(1900);
  });

  it('throws on corrupt data naming the compressed offset', async () => {
    const bad = Buffer.from(gzipSync(lines(1, 50)));
    bad[40] = bad[40]! ^ 0xff;
    const read = await collect(bad);
    expect(read.thrown?.reason).toMatch(/^corrupt gzip (data|member 1): /);
    expect(read.thrown?.location).toMatch(/^gzip bytes? \d+(-\d+)?$/);
  });

  it('reports bytes after the last member instead of dropping them', async () => {
    const first = gzipSync(lines(1, 2));
    const read = await collect(Buffer.concat([first, Buffer.from('not gzip at all')]));
    expect(ids(read)).toEqual([1, 2]);
    expect(read.thrown?.location).toBe(`gzip byte ${first.length}`);
    expect(read.thrown?.reason).toBe('data after the end of gzip member 1 is not gzip (first bytes 6e 6f 74 20)');
  });

  it('checks each member trailer (CRC-32, length) and reports a cut trailer', async () => {
    const member = Buffer.from(gzipSync(lines(1, 2)));
    const crcBroken = Buffer.from(member);
    crcBroken[member.length - 8] = crcBroken[member.length - 8]! ^ 1;
    const read = await collect(crcBroken);
    expect(read.thrown?.reason).toMatch(/^corrupt gzip member 1: CRC-32 mismatch: trailer says 0x[0-9a-f]{8}, data gives 0x[0-9a-f]{8}$/);
    expect(read.thrown?.location).toBe(`gzip byte ${member.length - 8}`);
    const cut = await collect(member.subarray(0, member.length - 3));
    expect(cut.thrown?.reason).toBe('corrupt gzip data: truncated: member 1 ends without its 8-byte trailer');
  });

  it('reads members with optional header fields (name, comment, extra)', async () => {
    const plain = gzipSync(lines(1, 1));
    // FNAME + FCOMMENT + FEXTRA: flags 0x1c, then XLEN=3 + 3 bytes, "a.json\0", "note\0".
    const header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0x1c, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3]), Buffer.from('a.json\0note\0')]);
    const named = Buffer.concat([header, plain.subarray(10)]);
    for (const size of [1, 4096]) expect(ids(await collect(Buffer.concat([named, plain]), {}, size))).toEqual([1, 1]);
  });

  it('accepts zero padding after the last member', async () => {
    const read = await collect(Buffer.concat([gzipSync(lines(1, 2)), Buffer.alloc(100)]));
    expect(read.thrown).toBeUndefined();
    expect(ids(read)).toEqual([1, 2]);
  });
});

describe('zstd', () => {
  it('reads every frame of a multi-frame object, even within one chunk', async () => {
    const object = Buffer.concat([zstdCompressSync(lines(1, 2)), zstdCompressSync(lines(3, 5))]);
    for (const size of [1, 7, 65536]) expect(ids(await collect(object, {}, size))).toEqual([1, 2, 3, 4, 5]);
  });

  it('reports bytes after the last frame by offset', async () => {
    const first = zstdCompressSync(lines(1, 2));
    const read = await collect(Buffer.concat([first, Buffer.from('junk!')]));
    expect(ids(read)).toEqual([1, 2]);
    expect(read.thrown?.location).toBe(`zstd byte ${first.length}`);
    expect(read.thrown?.reason).toBe('data after the end of zstd member 1 is not zstd (first bytes 6a 75 6e 6b)');
  });

  it('reads gzip inside zstd', async () => {
    expect(ids(await collect(zstdCompressSync(gzipSync(lines(1, 3)))))).toEqual([1, 2, 3]);
  });

  it('throws on a truncated frame', async () => {
    const whole = zstdCompressSync(lines(1, 100));
    const read = await collect(whole.subarray(0, whole.length - 4));
    expect(read.thrown?.reason).toMatch(/^corrupt zstd data: /);
  });
});

describe('brotli', () => {
  it('is read only when Content-Encoding declares it (it has no magic bytes)', async () => {
    const object = brotliCompressSync(lines(1, 3));
    expect(ids(await collect(object, { contentEncoding: 'br' }))).toEqual([1, 2, 3]);
    expect((await collect(object)).thrown?.reason).toMatch(/^not a recognised log format/);
  });
});

describe('decompression bomb caps', () => {
  it('stops at the absolute cap', async () => {
    const read = await collect(gzipSync(lines(1, 1000)), { limits: { maxDecompressedBytes: 10_000 } });
    expect(read.thrown?.reason).toBe('object exceeds maxDecompressedBytes (10000 bytes); treated as a decompression bomb');
    expect(read.thrown?.location).toBe('decompressed byte 10000');
  });

  it('stops at the ratio cap once enough has been decompressed to judge', async () => {
    // One event, then 10 members of 1 MiB of spaces: about 1000:1, past the 8 MiB judged
    // before. One long blank line keeps the test about decompression, not parsing.
    const member = gzipSync(Buffer.alloc(1024 * 1024, ' '));
    const bomb = Buffer.concat([gzipSync(line(7)), ...Array.from({ length: 10 }, () => member)]);
    const read = await collect(bomb, { limits: { maxCompressionRatio: 100 } });
    expect(read.thrown?.reason).toMatch(/^compression ratio \d+:1 exceeds maxCompressionRatio \(100:1\)/);
  });

  it('stops a zstd run-length bomb, whose few bytes expand ~30000:1 within one write', async () => {
    const bomb = zstdCompressSync(Buffer.alloc(32 * 1024 * 1024));
    const read = await collect(Buffer.concat([zstdCompressSync(line(1)), bomb]));
    expect(ids(read)).toEqual([1]);
    expect(read.thrown?.reason).toMatch(/^compression ratio \d+:1 exceeds maxCompressionRatio \(250:1\)/);
  });

  it('rejects limits that are not positive numbers', async () => {
    await expect(collect(line(1), { limits: { maxRecordBytes: 0 } })).rejects.toThrow(/maxRecordBytes must be a positive number/);
  });
});

describe('stopping early', () => {
  it('releases the source when the consumer stops after the first event', async () => {
    const { readEvents } = await import('../../lib/ingest/read-events.ts');
    const object = gzipSync(lines(1, 5000));
    let released = false;
    async function* source() {
      try {
        for (let i = 0; i < object.length; i += 1024) yield object.subarray(i, i + 1024);
      } finally {
        released = true;
      }
    }
    for await (const item of readEvents(source(), { uri: 'early' })) {
      expect(item.kind).toBe('event');
      break;
    }
    expect(released).toBe(true);
  });

  it('releases the source when the object is given up before any record', async () => {
    const { readEvents } = await import('../../lib/ingest/read-events.ts');
    let released = false;
    async function* source() {
      try {
        yield Buffer.from('%PDF-1.7 ');
        yield Buffer.alloc(300 * 1024, 0x41);
        yield Buffer.from('never read');
      } finally {
        released = true;
      }
    }
    await expect(async () => {
      for await (const _ of readEvents(source(), { uri: 'pdf' })) void _;
    }).rejects.toThrow(/not a recognised log format/);
    expect(released).toBe(true);
  });
});
