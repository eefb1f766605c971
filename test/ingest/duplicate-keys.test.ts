/**
 * Issue 16 row 10, repeated JSON keys: `{"Image": "evil", ..., "Image": "benign"}` reads as the
 * benign value with JSON.parse and as the evil one with a first-wins reader. Every JSON layout
 * and the CloudWatch envelope report the repeat (record, key path) and carry the first-wins
 * reading as an alternate, so the scan matches both.
 */
import { describe, expect, it } from 'vitest';
import { duplicateKeysOf, findDuplicateKeys, keysParsed, keysWritten } from '../../lib/ingest/duplicate-keys.ts';
import type { IngestItem } from '../../lib/ingest/ingest-item.ts';
import { collect, fixture } from './support.ts';

type EventItem = Extract<IngestItem, { kind: 'event' }>;
const eventItems = (items: readonly IngestItem[]) => items.filter((i): i is EventItem => i.kind === 'event');

/** Inserts `"key":value` again right after the first `"key":...` value of `json` (a compact JSON text). */
function repeatKey(json: string, key: string, value: unknown, where: 'before' | 'after' = 'before'): string {
  const at = json.indexOf(`"${key}":`);
  if (at < 0) throw new Error(`no ${key} in ${json.slice(0, 80)}`);
  const inserted = `${JSON.stringify(key)}:${JSON.stringify(value)},`;
  // 'before': the planted value comes first (JSON.parse keeps the original); 'after' is the attack
  // of the issue: the original first, the planted benign value last.
  if (where === 'before') return json.slice(0, at) + inserted + json.slice(at);
  const end = afterValue(json, at + key.length + 3);
  return `${json.slice(0, end)},${inserted.slice(0, -1)}${json.slice(end)}`;
}

/** The index just after the JSON value starting at `i` (strings and flat values; enough for the fixtures). */
function afterValue(json: string, i: number): number {
  if (json[i] !== '"') return i + /^[^,}\]]*/.exec(json.slice(i))![0].length;
  for (let j = i + 1; j < json.length; j++) {
    if (json[j] === '\\') j++;
    else if (json[j] === '"') return j + 1;
  }
  throw new Error('unterminated string');
}

describe('the cheap test and the exact pass', () => {
  it('counts agree on records without repeats, whatever their strings hold', () => {
    for (const text of [
      '{"a":"C:\\\\Windows","t":"2020-06-09T22:50:54Z","m":"{\\"x\\":1,\\"y\\":\\"a:b\\"}"}',
      '{ "a" : 1 ,\n  "b"\t:\r\n [ { "c" : null } , "d:" ] }',
      '{"s":"ends in backslash\\\\","n":{"k":[1,2,{"k":3}]}}',
      '[1,"x:",{"a":{"a":{"a":1}}}]',
    ]) {
      const parsed = JSON.parse(text) as unknown;
      expect(keysWritten(text), text).toBe(keysParsed(parsed));
      expect(duplicateKeysOf(text, parsed)).toBeUndefined();
    }
  });

  it('a value that opens with ":" is told from a key after a key (IPv6 "::1"), over-counts in a list, and the exact pass clears that', () => {
    for (const text of ['{"SourceAddress":"::1","w":"\\":"}', '{"a" : ": x", "b":":"}']) {
      expect(keysWritten(text), text).toBe(keysParsed(JSON.parse(text)));
    }
    const text = '{"ip":["::1"]}';
    expect(keysWritten(text)).toBeGreaterThan(keysParsed(JSON.parse(text)));
    expect(duplicateKeysOf(text, JSON.parse(text))).toBeUndefined();
  });

  it('keys that end in ":" cannot cancel a repeat', () => {
    for (const text of ['{":":1,"Image":"evil","Image":"x"}', '{"Image:":1,"Image":"evil","Image":"x"}', '{"a": ":","a":2}', '{"a:" :":","a:":2}']) {
      expect(duplicateKeysOf(text, JSON.parse(text))?.count, text).toBe(1);
    }
  });

  it('finds repeats at any depth, in arrays, with blanks and escapes, and builds the first-wins reading', () => {
    const text = '{"a":1,"b":{"c":"x:y","d":[{"e":1 , "e"\n:\t2}]},"a":3,"q\\"":1,"q\\"":2,"__proto__":{"x":1},"__proto__":5}';
    const found = duplicateKeysOf(text, JSON.parse(text));
    expect(found?.paths).toEqual(['b.d[0].e', 'a', 'q"', '__proto__']);
    expect(found?.count).toBe(4);
    expect(found?.firstWins).toEqual(JSON.parse('{"a":1,"b":{"c":"x:y","d":[{"e":1}]},"q\\"":1,"__proto__":{"x":1}}'));
    // `__proto__` stays an own key, as JSON.parse makes it.
    const first = found!.firstWins as Record<string, unknown>;
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(Object.hasOwn(first, '__proto__')).toBe(true);
  });

  it('names at most 8 paths, counts them all, and bounds key names', () => {
    const long = 'k'.repeat(200);
    const text = `{${Array.from({ length: 12 }, (_, i) => `"k${i}":1,"k${i}":2`).join(',')},"${long}":1,"${long}":2}`;
    const found = findDuplicateKeys(text)!;
    expect(found.count).toBe(13);
    expect(found.paths).toHaveLength(8);
    expect(findDuplicateKeys(`{"${long}":1,"${long}":2}`)!.paths[0]).toBe(`${'k'.repeat(64)}...`);
  });

  it('is linear: 200,000 repeats in one 2 MB record', () => {
    const text = `{${Array.from({ length: 200_000 }, () => '"a":1').join(',')}}`;
    expect(duplicateKeysOf(text, JSON.parse(text))?.count).toBe(199_999);
  });
});

/** One BITS 16403 event per layout fixture, with `RemoteName` written twice: the real URL first, a benign one last. */
const LAYOUTS: [string, string, string][] = [
  ['ecs', 'bits-16403.ecs.json', 'winlog.event_data.RemoteName'],
  ['evtx-json', 'bits-16403.evtx.json', 'Event.EventData.RemoteName'],
  ['datadog', 'bits-16403.datadog.json', ''],
  ['fluentbit', 'bits-16403.fluentbit.json', ''],
  ['panther', 'bits-16403.panther.json', ''],
  ['nxlog', 'bits-16403.nxlog.json', 'RemoteName'],
];

describe('every JSON layout: the record is read with the last value, reported, and the first value kept as an alternate', () => {
  for (const [layout, file, path] of LAYOUTS) {
    it(layout, async () => {
      const compact = JSON.stringify(JSON.parse(fixture(file).toString()));
      const original = eventItems((await collect(`${compact}\n`)).items)[0]!;
      // Datadog and Panther hold the URL under other names: find the key holding it.
      const url = String(original.event.fields['RemoteName']);
      const benign = 'https://benign.example/update.cab';
      let key: string;
      let attacked: string;
      if (layout === 'fluentbit') {
        // Positional inserts: the whole list is written again, with the benign URL, at the end.
        key = 'StringInserts';
        const inserts = (JSON.parse(compact) as { StringInserts: string[] }).StringInserts.map((s) => (s === url ? benign : s));
        attacked = `${compact.slice(0, -1)},"StringInserts":${JSON.stringify(inserts)}}`;
      } else {
        key = path === '' ? keyHolding(compact, url) : path.split('.').at(-1)!;
        attacked = repeatKey(compact, key, benign, 'after');
      }
      const read = await collect(`${compact}\n${attacked}\n`);
      expect(read.items.map((i) => i.kind)).toEqual(['event', 'event']);
      const [clean, dup] = eventItems(read.items);
      expect(clean!.warning).toBeUndefined();
      expect(clean!.alternates).toBeUndefined();
      expect(dup!.event.layout).toBe(original.event.layout);
      expect(dup!.event.fields['RemoteName']).toBe(benign);
      expect(dup!.alternates?.map((e) => e.fields['RemoteName'])).toEqual([url]);
      expect(dup!.duplicateKeys?.[0]).toMatch(new RegExp(`(^|\\.)${key}$`));
      expect(dup!.warning?.location).toMatch(/^line 2 \(byte \d+\)$/);
      expect(dup!.warning?.reason).toMatch(/^duplicate JSON keys \(.*: the last value of each is the event's, the first is matched too$/);
      expect(dup!.warning?.uri).toBe('s3://bucket/test.log');
    });
  }

  it('pretty-printed values and arrays too', async () => {
    const pretty = `${JSON.stringify({ winlog: { channel: 'Security', event_id: 4688, event_data: { NewProcessName: 'C:\\evil.exe' } } }, null, 2).replace(
      '"NewProcessName": "C:\\\\evil.exe"',
      '"NewProcessName": "C:\\\\evil.exe",\n      "NewProcessName" : "C:\\\\Windows\\\\notepad.exe"',
    )}\n`;
    for (const body of [pretty, `[${pretty}]`]) {
      const [item] = eventItems((await collect(body)).items);
      expect(item!.event.fields['NewProcessName']).toBe('C:\\Windows\\notepad.exe');
      expect(item!.alternates?.[0]?.fields['NewProcessName']).toBe('C:\\evil.exe');
      expect(item!.duplicateKeys).toEqual(['winlog.event_data.NewProcessName']);
    }
  });

  it('a repeat that changes the layout: the reading that is a Windows event is the event', async () => {
    const text = '{"winlog":{"channel":"Security","event_id":4688,"event_data":{"NewProcessName":"C:\\\\evil.exe"}},"winlog":7}\n';
    const read = await collect(text);
    const [item] = eventItems(read.items);
    expect(item!.event.fields['NewProcessName']).toBe('C:\\evil.exe');
    expect(item!.duplicateKeys).toEqual(['winlog']);
  });

  it('invalid UTF-8 and a repeat: one warning naming both', async () => {
    const text = Buffer.concat([Buffer.from('{"winlog":{"channel":"Security","event_id":1,"event_data":{"A":"\u00e9","A":"'), Buffer.from([0xff]), Buffer.from('"}}}\n')]);
    const [item] = eventItems((await collect(text)).items);
    expect(item!.warning?.reason).toMatch(/^invalid UTF-8: .*; duplicate JSON keys \(winlog\.event_data\.A\)/);
  });
});

describe('CloudWatch envelopes', () => {
  const message = (url: string) => JSON.stringify({ Event: { System: { EventID: 16403, Channel: 'Microsoft-Windows-Bits-Client/Operational' }, EventData: { RemoteName: url } } });

  it('a repeated key inside a log event message: located at the log event', async () => {
    const inner = repeatKey(message('http://45.77.165.21/a.exe'), 'RemoteName', 'https://benign.example/', 'after');
    const envelope = JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup: 'g', logEvents: [{ id: '1', timestamp: 1, message: message('x') }, { id: '2', timestamp: 2, message: inner }] });
    const items = eventItems((await collect(`${envelope}\n`)).items);
    expect(items[0]!.warning).toBeUndefined();
    expect(items[1]!.event.fields['RemoteName']).toBe('https://benign.example/');
    expect(items[1]!.alternates?.[0]?.fields['RemoteName']).toBe('http://45.77.165.21/a.exe');
    expect(items[1]!.duplicateKeys).toEqual(['logEvents[1].message: Event.EventData.RemoteName']);
  });

  it('a repeated message or logEvents: every reading of the envelope is read', async () => {
    const logEvent = `{"id":"1","timestamp":1,"message":${JSON.stringify(message('http://45.77.165.21/a.exe'))},"message":${JSON.stringify(message('https://benign.example/'))}}`;
    const twice = `{"messageType":"DATA_MESSAGE","logEvents":[${logEvent}]}`;
    const [item] = eventItems((await collect(`${twice}\n`)).items);
    expect(item!.event.fields['RemoteName']).toBe('https://benign.example/');
    expect(item!.alternates?.[0]?.fields['RemoteName']).toBe('http://45.77.165.21/a.exe');
    expect(item!.duplicateKeys).toEqual(['logEvents[0].message']);

    // logEvents written twice, the first list longer: its extra events are read as well.
    const lists = `{"messageType":"DATA_MESSAGE","logEvents":[{"message":${JSON.stringify(message('a'))}},{"message":${JSON.stringify(message('b'))}}],"logEvents":[{"message":${JSON.stringify(message('c'))}}]}`;
    const read = await collect(`${lists}\n`);
    expect(eventItems(read.items).map((i) => [i.event.fields['RemoteName'], i.alternates?.map((a) => a.fields['RemoteName'])])).toEqual([
      ['c', ['a']],
      ['b', undefined],
    ]);
    expect(read.items.map((i) => i.index)).toEqual([0, 1]);
  });

  it('messageType repeated to pass as a control message: the data reading is read', async () => {
    const text = `{"messageType":"DATA_MESSAGE","logEvents":[{"message":${JSON.stringify(message('http://45.77.165.21/a.exe'))}}],"messageType":"CONTROL_MESSAGE"}`;
    const [item] = eventItems((await collect(`${text}\n`)).items);
    expect(item!.event.fields['RemoteName']).toBe('http://45.77.165.21/a.exe');
    expect(item!.duplicateKeys).toEqual(['messageType']);
  });
});

function keyHolding(json: string, value: string): string {
  const at = json.indexOf(`:${JSON.stringify(value)}`);
  if (at < 0) throw new Error(`no key holds ${value}`);
  const open = json.lastIndexOf('"', json.lastIndexOf('"', at - 1) - 1);
  return JSON.parse(json.slice(open, at)) as string;
}
