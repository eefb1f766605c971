/** Windows Event XML streams: bare or wrapped events, entities, fragments, text between events. */
import { describe, expect, it } from 'vitest';
import { collect, events, unreadable } from './support.ts';

const event = (id: number, data = '<Data Name="CommandLine">cmd.exe /c "a &amp; b"&#13;&#10;</Data>') =>
  `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='P'/>` +
  `<EventID Qualifiers='16384'>${id}</EventID><Channel>Security</Channel><Computer>H</Computer></System>` +
  `<EventData>${data}</EventData></Event>`;

describe('Event XML', () => {
  it('reads bare events one after another, at any chunk size', async () => {
    const text = `${event(1)}\r\n${event(2)}${event(3)}`;
    for (const size of [1, 5, 4096]) {
      const read = await collect(text, {}, size);
      expect(read.thrown).toBeUndefined();
      expect(events(read).map((e) => e.fields['EventID'])).toEqual([1, 2, 3]);
    }
  });

  it('decodes entities and numeric references, keeps qualifiers and spaces in values', async () => {
    const [e] = events(await collect(`<?xml version="1.0"?>\n<Events>${event(4688)}</Events>`));
    expect(e!.fields['CommandLine']).toBe('cmd.exe /c "a & b"\r\n');
    expect(e!.fields['EventID_Qualifiers']).toBe('16384');
    expect(e!.layout).toBe('event-xml');
    expect(typeof e!.raw).toBe('string');
  });

  it('reads UTF-16 exports (PowerShell, wevtutil) and UTF-8 with a byte order mark', async () => {
    const xml = `<Events>${event(1)}${event(2, '<Data Name="User">Jos\u00e9 \u{1F600}</Data>')}</Events>`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(xml, 'utf16le').swap16()]);
    for (const [bytes, size] of [[le, 1], [le, 3], [be, 1], [be, 5], [be, 4096]] as const) {
      const read = await collect(bytes, {}, size);
      expect(events(read).map((e) => e.fields['EventID'])).toEqual([1, 2]);
      expect(events(read)[1]!.fields['User']).toBe('Jos\u00e9 \u{1F600}');
    }
    const bom = await collect(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"EventID":5,"Hostname":"h"}\n')]), {}, 1);
    expect(events(bom).map((e) => e.fields['EventID'])).toEqual([5]);
  });

  it('reads CDATA, comments and UserData, and refuses DTDs', async () => {
    const userData =
      `<Event><System><EventID>1102</EventID><Channel>Security</Channel></System><!-- cleared -->` +
      `<UserData><LogFileCleared xmlns='x'><SubjectUserName><![CDATA[a<b]]></SubjectUserName></LogFileCleared></UserData></Event>`;
    const [e] = events(await collect(userData));
    expect(e!.fields).toMatchObject({ EventID: 1102, SubjectUserName: 'a<b' });
    const dtd = await collect(`<Event><!DOCTYPE x [<!ENTITY a "b">]><System/></Event>`);
    expect(unreadable(dtd)[0]!.error.reason).toMatch(/^invalid Event XML: DOCTYPE and other declarations are not accepted/);
  });

  it('collects unnamed Data items under Data', async () => {
    const [e] = events(await collect(event(7036, '<Data>Workstation</Data><Data>running</Data>')));
    expect(e!.fields['Data']).toEqual(['Workstation', 'running']);
  });

  it('reports a cut-off event and reads the next one', async () => {
    const cut = event(2).slice(0, 120);
    const read = await collect(`${event(1)}\n${cut}\n${event(3)}`, {}, 7);
    expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable', 'event']);
    const [bad] = unreadable(read);
    expect(bad!.error.location).toBe(`byte ${event(1).length + 1}`);
    expect(bad!.error.reason).toBe('XML fragment: this <Event> is not closed before the next <Event> starts');
  });

  it('reports malformed XML inside an event, text between events, and an unfinished last event', async () => {
    const broken = event(2).replace('</Channel>', '</Chanel>');
    const read = await collect(`${event(1)}${broken} stray text ${event(3)}<Event><System>`);
    expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable', 'unreadable', 'event', 'unreadable']);
    const reasons = unreadable(read).map((u) => u.error.reason);
    expect(reasons[0]).toMatch(/^invalid Event XML: /);
    expect(reasons[1]).toBe('unexpected text between events: "straytext"');
    expect(reasons[2]).toBe('XML fragment: the object ends inside an <Event> element');
  });

  it('reports an event over the size limit and keeps reading', async () => {
    const big = event(2, `<Data Name="Blob">${'x'.repeat(10_000)}</Data>`);
    const read = await collect(`${event(1)}${big}${event(3)}`, { limits: { maxRecordBytes: 2000 } }, 256);
    expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable', 'event']);
    expect(unreadable(read)[0]!.error.reason).toBe('<Event> element is longer than maxRecordBytes (2000 bytes)');
  });
});
