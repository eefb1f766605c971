/**
 * Issue 16, the ingest half: inputs built to make reading cost far more than their size, crash
 * the reader, or lose events silently. Each is generated here (no large fixtures) and must end
 * bounded: the record or object reported with its location and reason, the rest still read.
 */
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { IngestItem } from '../../lib/ingest/ingest-item.ts';
import { inheritsNothing } from '../../lib/ingest/layouts/record.ts';
import { DEFAULT_LIMITS } from '../../lib/ingest/limits.ts';
import { type Collected, collect, events, unreadable } from './support.ts';

const MiB = 1024 * 1024;

function line(id: number): string {
  return JSON.stringify({ Event: { System: { EventID: id, Channel: 'Security', Computer: 'wks' }, EventData: { N: `v${id}` } } }) + '\n';
}

function problems(read: Collected): { location: string; reason: string }[] {
  return unreadable(read).map(({ error }) => ({ location: error.location, reason: error.reason }));
}

function ids(items: readonly IngestItem[]): unknown[] {
  return items.flatMap((item) => (item.kind === 'event' ? [item.event.fields['EventID']] : []));
}

describe('row 1: nested compression with zero padding after the inner stream', () => {
  // The inner gzip member is followed by zeros, which the inner layer accepts as padding and
  // drops: only the outer layer's output shows them. 48 MiB of zeros gzip to ~48 KB.
  const inner = Buffer.concat([gzipSync(line(1)), Buffer.alloc(48 * MiB)]);
  const gzipOuter = gzipSync(inner, { level: 9 });

  it('counts the padding towards the ratio cap: the object fails, the event before is kept', async () => {
    expect(gzipOuter.length).toBeLessThan(100_000);
    const read = await collect(gzipOuter);
    expect(ids(read.items)).toEqual([1]);
    expect(read.thrown?.reason).toMatch(/^compression ratio \d+:1 exceeds maxCompressionRatio \(250:1\); treated as a decompression bomb/);
    expect(read.thrown?.location).toMatch(/^decompressed byte \d+ \(compressed byte \d+\)$/);
  });

  it('counts the padding towards the byte cap, whatever the outer codec', async () => {
    for (const outer of [gzipOuter, zstdCompressSync(inner)]) {
      const read = await collect(outer, { limits: { maxDecompressedBytes: 4 * MiB, maxCompressionRatio: 1e9 } });
      expect(ids(read.items)).toEqual([1]);
      expect(read.thrown?.reason).toBe(`object exceeds maxDecompressedBytes (${4 * MiB} bytes); treated as a decompression bomb`);
    }
  });

  it('still reads Firehose double gzip whole (both layers counted, far below the caps)', async () => {
    const body = gzipSync(gzipSync(line(1) + line(2)));
    const read = await collect(body);
    expect(read.thrown).toBeUndefined();
    expect(ids(read.items)).toEqual([1, 2]);
  });
});

describe('row 5: nesting deeper than maxNestingDepth', () => {
  const deepJson = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const deepXml = (depth: number) =>
    `<Event><System><EventID>7</EventID></System><UserData>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</UserData></Event>`;

  it('a JSON line nested 5,000 deep is unreadable with its location; the lines around it are read', async () => {
    const prefix = '{"Event":{"System":{"EventID":2},"EventData":';
    const text = line(1) + `${prefix}${deepJson(5000)}}}\n` + line(3);
    const read = await collect(text);
    expect(read.thrown).toBeUndefined();
    expect(ids(read.items)).toEqual([1, 3]);
    expect(problems(read)).toEqual([
      { location: `line 2 (byte ${line(1).length})`, reason: `JSON nested deeper than maxNestingDepth (64 levels) at byte ${prefix.length + 62 * 5} of the record` },
    ]);
  });

  it('the same in pretty-printed values, arrays, and a CloudWatch message', async () => {
    const values = line(1) + `{"Event":{"System":{"EventID":2},"X":${'['.repeat(3000)}${']'.repeat(3000)}}}` + line(3);
    const framed = await collect(`[${values.trim().split('\n').join(',')}]`);
    expect(ids(framed.items)).toEqual([1, 3]);
    expect(problems(framed)[0]?.reason).toMatch(/^JSON nested deeper than maxNestingDepth \(64 levels\)/);

    const envelope = {
      messageType: 'DATA_MESSAGE',
      logEvents: [{ id: '1', message: line(1) }, { id: '2', message: deepJson(5000) }],
    };
    const cw = await collect(JSON.stringify(envelope) + '\n');
    expect(ids(cw.items)).toEqual([1]);
    expect(problems(cw)[0]).toMatchObject({ location: 'line 1 (byte 0), logEvents[1]', reason: expect.stringMatching(/at character \d+ of the record/) });
  });

  it('Event XML nested 5,000 deep is unreadable; the events around it are read', async () => {
    const ok = (id: number) => `<Event><System><EventID>${id}</EventID></System></Event>`;
    const read = await collect(ok(1) + deepXml(5000) + ok(3));
    expect(read.thrown).toBeUndefined();
    expect(ids(read.items)).toEqual(['1', '3'].map(Number));
    expect(problems(read)[0]?.reason).toMatch(/^invalid Event XML: elements nested deeper than maxNestingDepth \(64 levels\)/);
  });

  it('real depths read, and the limit is configurable', async () => {
    const at = (depth: number) => `{"Event":{"System":{"EventID":1},"X":${deepJson(depth - 2)}}}\n`;
    expect(problems(await collect(at(DEFAULT_LIMITS.maxNestingDepth)))).toEqual([]);
    expect(problems(await collect(at(DEFAULT_LIMITS.maxNestingDepth + 1)))).toHaveLength(1);
    expect(problems(await collect(at(200), { limits: { maxNestingDepth: 200 } }))).toEqual([]);
    // Brackets inside strings are not nesting.
    const brackets = `{"Event":{"System":{"EventID":1},"EventData":{"CommandLine":"${'[{'.repeat(500)}"}}}\n`;
    expect(events(await collect(brackets))).toHaveLength(1);
  });
});

describe('row 6: EventData names that are Object.prototype names', () => {
  const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;
  const data = () => Object.fromEntries(NAMES.map((name) => [name, `v-${name}`]));
  /** JSON text with the names as own keys (JSON.stringify of an object literal drops `__proto__`). */
  const json = (value: unknown) => JSON.stringify(value).replace('"__proto__x"', '"__proto__"');
  const withProto = (record: Record<string, unknown>) => json(record);
  const dataX = () => Object.fromEntries(NAMES.map((name) => [name === '__proto__' ? '__proto__x' : name, `v-${name}`]));

  const layouts: Record<string, string> = {
    'evtx-json': withProto({ Event: { System: { EventID: 1, Channel: 'Security' }, EventData: dataX() } }),
    ecs: withProto({ winlog: { event_id: 1, channel: 'Security', event_data: dataX() } }),
    datadog: withProto({ attributes: { Event: { System: { EventID: 1 }, EventData: { Data: dataX() } } } }),
    panther: withProto({ EventID: 1, EventData: dataX(), ExtraEventData: {} }),
    nxlog: withProto({ EventID: 1, SourceName: 'S', Hostname: 'h', ...dataX() }),
  };

  const expectOwnFields = (fields: Readonly<Record<string, unknown>>, parsedRecord = false) => {
    for (const name of NAMES) expect(Object.getOwnPropertyDescriptor(fields, name)?.value, name).toBe(`v-${name}`);
    // NXLog's view is its parsed record (own keys from JSON.parse, read with Object.hasOwn).
    if (parsedRecord) return;
    expect(inheritsNothing(fields)).toBe(true);
    for (const name of NAMES) {
      expect(Object.hasOwn(fields, name), name).toBe(true);
      expect(fields[name], name).toBe(`v-${name}`);
    }
    // Nothing inherited: a name the event does not have is absent.
    expect(fields['valueOf']).toBeUndefined();
    expect(fields['isPrototypeOf']).toBeUndefined();
    expect('propertyIsEnumerable' in fields).toBe(false);
  };

  for (const [layout, text] of Object.entries(layouts)) {
    it(`${layout}: each is an own field with its value, nothing is inherited`, async () => {
      expect(text).toContain('"__proto__"');
      const read = await collect(text + '\n', { layout: layout as never });
      expect(problems(read)).toEqual([]);
      expectOwnFields(events(read)[0]!.fields, layout === 'nxlog');
    });
  }

  it('event-xml and CloudWatch-wrapped XML: each is an own field with its value', async () => {
    const xml = `<Event><System><EventID>1</EventID></System><EventData>${NAMES.map((n) => `<Data Name="${n}">v-${n}</Data>`).join('')}</EventData></Event>`;
    expectOwnFields(events(await collect(xml))[0]!.fields);
    const cw = JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: [{ id: '1', message: xml }] });
    expectOwnFields(events(await collect(cw + '\n'))[0]!.fields);
  });

  it('fluentbit: unnamed inserts get param names, and the field map has no prototype', async () => {
    const text = JSON.stringify({ EventID: 1, ProviderName: 'Unknown', StringInserts: ['a', 'b'] });
    const fields = events(await collect(text + '\n'))[0]!.fields;
    expect(inheritsNothing(fields)).toBe(true);
    expect(fields['param2']).toBe('b');
    expect(fields['constructor']).toBeUndefined();
  });

  it('a repeated EventData name in XML is read (last value) with a warning on the record, and the first value as an alternate', async () => {
    const xml = `<Event><System><EventID>1</EventID></System><EventData><Data Name="C">evil</Data><Data Name="C">benign</Data><Data Name="D">d</Data></EventData></Event>`;
    const [item] = (await collect(xml)).items;
    expect(item).toMatchObject({
      kind: 'event',
      event: { fields: { C: 'benign', D: 'd' } },
      alternates: [{ fields: { C: 'evil', D: 'd', EventID: 1 } }],
      duplicateKeys: ['EventData.C'],
      warning: { location: 'byte 0', reason: 'EventData item name repeated ("C"): the last value is the event\'s, the first is matched too' },
    });
  });

  it('a repeated XML attribute is an error, not a silent overwrite', async () => {
    const xml = `<Event><System><Provider Name="a" Name="b"/><EventID>1</EventID></System></Event>`;
    expect(problems(await collect(xml))[0]?.reason).toMatch(/attribute Name repeated in <Provider>/);
  });
  void data;
});

describe('row 7: CloudWatch envelopes whose logEvents is not a list', () => {
  for (const [what, logEvents, reason] of [
    ['an object', { 0: { id: '1', message: 'x' } }, 'CloudWatch Logs envelope whose logEvents is an object, not a list of log events'],
    ['null', null, 'CloudWatch Logs envelope whose logEvents is null, not a list of log events'],
    ['a string', 'x', 'CloudWatch Logs envelope whose logEvents is string, not a list of log events'],
    ['empty', [], 'CloudWatch Logs DATA_MESSAGE envelope with no log events'],
  ] as const) {
    it(`logEvents ${what}: one unreadable record with the reason, the next envelope read`, async () => {
      const bad = JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', logEvents });
      const good = JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: [{ id: '1', message: line(5) }] });
      const read = await collect(`${bad}\n${good}\n`);
      expect(problems(read)).toEqual([{ location: 'line 1 (byte 0)', reason }]);
      expect(ids(read.items)).toEqual([5]);
    });
  }

  it('an unknown messageType is reported, a CONTROL_MESSAGE is not', async () => {
    const odd = JSON.stringify({ messageType: 'SURPRISE', logEvents: [{ id: '1', message: line(5) }] });
    const control = JSON.stringify({ messageType: 'CONTROL_MESSAGE', logEvents: [{ id: '1', message: 'CWL CONTROL MESSAGE' }] });
    const read = await collect(`${odd}\n${control}\n${line(6)}`);
    expect(problems(read).map((u) => u.reason)).toEqual(['CloudWatch Logs envelope with messageType "SURPRISE", not DATA_MESSAGE or CONTROL_MESSAGE']);
    expect(ids(read.items)).toEqual([6]);
  });
});

describe('row 9: Event XML framing is linear in the bytes', () => {
  const event = (id: number, padding: number) =>
    `<Event><System><EventID>${id}</EventID></System><EventData><Data Name="P">${'x'.repeat(padding)}</Data></EventData></Event>\n`;

  it('large events spanning many chunks come out whole and in order, at any chunk size', async () => {
    const text = `<Events>${event(1, 300_000)}<!-- c -->${event(2, 10)}${event(3, 200_000)}</Events>`;
    for (const size of [1009, 4096, 65536]) {
      const read = await collect(text, {}, size);
      expect(problems(read)).toEqual([]);
      expect(ids(read.items)).toEqual([1, 2, 3]);
      expect((events(read)[0]!.fields['P'] as string).length).toBe(300_000);
      expect(events(read)[2]!.raw).toBe(event(3, 200_000).trim());
    }
  });

  it('tags split across chunk boundaries are found, offsets stay exact', async () => {
    const text = `${event(1, 5)}garbage${event(2, 5)}<Event><System><EventID>3</EventID></System>${event(4, 5)}`;
    const expected = await collect(text, {}, text.length);
    for (const size of [1, 2, 3, 5, 7, 8, 9, 13]) {
      const read = await collect(text, {}, size);
      expect(read.items).toEqual(expected.items);
    }
    expect(ids(expected.items)).toEqual([1, 2, 4]);
    expect(problems(expected).map((u) => u.location)).toEqual([`byte ${event(1, 5).length}`, `byte ${event(1, 5).length + 7 + event(2, 5).length}`]);
  });

  it('an event over maxRecordBytes is reported without being kept, and the next is read', async () => {
    const text = event(1, 3 * MiB) + event(2, 5);
    const read = await collect(text, { limits: { maxRecordBytes: MiB } }, 64 * 1024);
    expect(problems(read)).toEqual([{ location: 'byte 0', reason: `<Event> element is longer than maxRecordBytes (${MiB} bytes)` }]);
    expect(ids(read.items)).toEqual([2]);
  });
});

describe('row 10: encodings and one count per record', () => {
  it('invalid UTF-8 is read as U+FFFD and the event carries a warning naming the record', async () => {
    const bad = Buffer.concat([Buffer.from('{"Event":{"System":{"EventID":1},"EventData":{"C":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}}}\n')]);
    const read = await collect(Buffer.concat([Buffer.from(line(0)), bad]));
    const [first, second] = read.items;
    expect(first).toMatchObject({ kind: 'event' });
    expect(first && 'warning' in first ? first.warning : undefined).toBeUndefined();
    expect(second).toMatchObject({ kind: 'event', warning: { location: `line 2 (byte ${line(0).length})`, reason: 'invalid UTF-8: the bad bytes were read as U+FFFD' } });
    expect(events(read)[1]!.fields['C']).toBe('a\uFFFD\uFFFDb');
  });

  it('an unreadable record with invalid UTF-8 counts once, as unreadable', async () => {
    const read = await collect(Buffer.concat([Buffer.from('{"a":1,"b":'), Buffer.from([0xff]), Buffer.from('}\n'), Buffer.from(line(2))]));
    expect(read.items.map((i) => i.kind)).toEqual(['unreadable', 'event']);
    expect(read.items[1]).not.toHaveProperty('warning');
  });

  for (const [name, encode] of [
    ['UTF-16LE', (text: string) => Buffer.from(text, 'utf16le')],
    ['UTF-16BE', (text: string) => Buffer.from(text, 'utf16le').swap16()],
  ] as const) {
    it(`${name} without a byte order mark is recognised by its zero bytes and read whole`, async () => {
      for (const text of [line(1) + line(2), `<Events>\n<Event><System><EventID>1</EventID></System></Event></Events>`]) {
        const read = await collect(encode(text), {}, 5);
        expect(read.thrown).toBeUndefined();
        expect(problems(read)).toEqual([]);
        expect(read.items.every((item) => item.kind === 'event')).toBe(true);
        expect(ids(read.items)[0]).toBe(1);
      }
    });
  }

  it('every framed record gives exactly one item (event, unreadable or skipped), numbered in order', async () => {
    const text = line(1) + 'garbage\n' + line(2) + '{"Event": 3}\n';
    const read = await collect(text, { mayMatch: (bytes) => !Buffer.from(bytes).includes('"EventID":2') });
    expect(read.items.map((i) => [i.index, i.kind])).toEqual([
      [0, 'event'],
      [1, 'unreadable'],
      [2, 'skipped'],
      [3, 'unreadable'],
    ]);
  });
});
