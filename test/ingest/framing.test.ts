/** Cutting decompressed bytes into records: lines, back-to-back values, arrays, and bad stretches. */
import { describe, expect, it } from 'vitest';
import { collect, events, fixture, unreadable } from './support.ts';

const nx = (id: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ EventID: id, Hostname: 'H1', SourceName: 'P', Channel: 'Security', ...extra });

describe('JSON lines', () => {
  it('reads every line, CRLF and blank lines included, at any chunk size', async () => {
    const text = `${nx(1)}\r\n\n${nx(2)}\n   \n${nx(3, { Note: 'a } { brace' })}`;
    for (const size of [1, 2, 7, 1024]) {
      const read = await collect(text, {}, size);
      expect(read.thrown).toBeUndefined();
      expect(events(read).map((e) => e.fields['EventID'])).toEqual([1, 2, 3]);
      expect(read.items.map((i) => i.index)).toEqual([0, 1, 2]);
    }
  });

  it('reports a bad line by line number and byte offset, and reads the lines around it', async () => {
    const text = [nx(1), '{"EventID": 2, "Hostname": ', nx(3)].join('\n') + '\n';
    const read = await collect(text);
    expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable', 'event']);
    const [bad] = unreadable(read);
    expect(bad!.index).toBe(1);
    expect(bad!.error.location).toBe(`line 2 (byte ${nx(1).length + 1})`);
    expect(bad!.error.message).toMatch(/^s3:\/\/bucket\/test\.log: line 2 .*invalid JSON/);
  });

  it('reports a line over the size limit without buffering it, and goes on', async () => {
    const long = nx(2, { Blob: 'x'.repeat(5000) });
    for (const size of [100, 65536]) {
      const read = await collect([nx(1), long, nx(3)].join('\n'), { limits: { maxRecordBytes: 1000 } }, size);
      expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable', 'event']);
      expect(unreadable(read)[0]!.error.reason).toBe('line is longer than maxRecordBytes (1000 bytes)');
    }
  });

  it('names records that are JSON but not a Windows event', async () => {
    const read = await collect(`${nx(1)}\n{"hello":"world"}\n[1,2]\n`);
    const reasons = unreadable(read).map((u) => u.error.reason);
    expect(reasons).toEqual([
      'record is not a Windows event in any known layout (keys: hello)',
      'expected a JSON object, found an array',
    ]);
  });
});

describe('back-to-back JSON values', () => {
  it('splits Firehose-style }{ with no separator, at any chunk size', async () => {
    // Escaped quotes, and a string ending in a backslash (JSON `"C:\\\\"`), at every chunk boundary.
    const text = nx(1) + nx(2, { S: 'with } and { and \\" inside', P: 'C:\\', Q: '\\\\"}{' }) + ' \n' + nx(3);
    for (const size of [1, 2, 3, 5, 4096]) {
      const read = await collect(text, {}, size);
      expect(events(read).map((e) => e.fields['EventID'])).toEqual([1, 2, 3]);
      expect(events(read)[1]!.fields['P']).toBe('C:\\');
    }
  });

  it('reads pretty-printed evtx_dump objects one after another', async () => {
    const one = fixture('bits-16403.evtx.json').toString();
    const read = await collect(`${one}\n${one.replace('"EventRecordID": 4821', '"EventRecordID": 4822')}`, {}, 13);
    expect(events(read).map((e) => e.fields['EventRecordID'])).toEqual([4821, 4822]);
  });

  it('reports a broken value by byte offset and keeps the ones after it', async () => {
    const text = `${nx(1)}{"EventID": 2, "Hostname": nope}${nx(3)}`;
    const read = await collect(text);
    expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable', 'event']);
    expect(unreadable(read)[0]!.error.location).toBe(`byte ${nx(1).length}`);
  });

  it('reports a value over the size limit, whether or not it spans chunks', async () => {
    const long = nx(2, { Blob: 'x'.repeat(5000) });
    for (const size of [100, 65536]) {
      const read = await collect(`${nx(1)}${long}${nx(3)}`, { limits: { maxRecordBytes: 1000 } }, size);
      expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable', 'event']);
      expect(unreadable(read)[0]!.error.reason).toBe('JSON value is longer than maxRecordBytes (1000 bytes)');
    }
  });

  it('reports bytes outside any object, and an unclosed last object', async () => {
    const read = await collect(`${nx(1)} garbage ${nx(2)}{"EventID": 3, "S": "unterminated`);
    expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable', 'event', 'unreadable']);
    const [garbage, unclosed] = unreadable(read);
    expect(garbage!.error.reason).toBe("unexpected byte 0x67 'g' where a JSON object should start");
    expect(unclosed!.error.reason).toBe('JSON value is not closed: the object ends inside a string');
  });
});

describe('JSON arrays', () => {
  it('reads the elements of one array, and of arrays one after another', async () => {
    const read = await collect(`[\n ${nx(1)},\n ${nx(2)}\n][${nx(3)}]`, {}, 5);
    expect(read.thrown).toBeUndefined();
    expect(events(read).map((e) => e.fields['EventID'])).toEqual([1, 2, 3]);
  });
});

describe('whole-object problems', () => {
  it('rejects an empty object and a folder marker with a clear reason', async () => {
    expect((await collect('')).thrown?.message).toBe('s3://bucket/test.log: byte 0: object is empty (0 bytes)');
    expect((await collect('', { uri: 's3://b/logs/' })).thrown?.reason).toMatch(/^folder marker/);
    expect((await collect(' \n\n')).thrown?.reason).toBe('object holds only whitespace: no records');
  });

  it('rejects a well-formed object that holds no records', async () => {
    expect((await collect('[ ]')).thrown?.message).toBe('s3://bucket/test.log: end of object: no records in the json-array framing');
    expect((await collect('<Events>\n</Events>')).thrown?.reason).toBe('no records in the event-xml framing');
  });

  it('rejects an unknown format naming its first bytes', async () => {
    const read = await collect('PK\u0003\u0004 not a log');
    expect(read.thrown?.reason).toMatch(/^not a recognised log format: starts with "PK\.\. not a log"/);
  });
});
