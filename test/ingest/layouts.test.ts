/** Layout details beyond the shared 16403 event: CloudWatch messages, Fluent Bit names, overrides. */
import { describe, expect, it } from 'vitest';
import { collect, events, fixture, unreadable } from './support.ts';

const envelope = (...messages: unknown[]) =>
  JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: 'g',
    logStream: 's',
    subscriptionFilters: ['f'],
    logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 0, message })),
  });

describe('CloudWatch Logs subscription records', () => {
  it('decodes JSON messages again, and reports rendered text and non-strings by log event', async () => {
    const ecs = fixture('bits-16403.ecs.json').toString().trim();
    const read = await collect(envelope(ecs, 'An account was successfully logged on.', 42, '{"EventID": ') + '\n');
    expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable', 'unreadable', 'unreadable']);
    expect(events(read)[0]!.layout).toBe('ecs');
    const [text, number, json] = unreadable(read);
    expect(text!.error.location).toBe('line 1 (byte 0), logEvents[1]');
    expect(text!.error.reason).toMatch(/^CloudWatch message is rendered text, not Event XML or JSON/);
    expect(number!.error.reason).toBe('CloudWatch log event has no string message');
    expect(json!.error.reason).toMatch(/^invalid JSON in CloudWatch message: /);
  });
});

describe('Fluent Bit winevtlog', () => {
  const record = (provider: string, id: number, version: number, inserts: string[]) =>
    JSON.stringify({ ProviderName: provider, EventID: id, Version: version, Channel: 'c', Computer: 'h', StringInserts: inserts });

  it('names Bits-Client 3 by version: v0 and v2 have different fields', async () => {
    const bits = 'Microsoft-Windows-Bits-Client';
    const read = await collect(`${record(bits, 3, 0, ['a', 'b', 'c'])}\n${record(bits, 3, 2, ['t', 'id', 'o', 'p', '9'])}\n`);
    const [v0, v2] = events(read);
    expect(v0!.fields).toMatchObject({ string: 'a', string2: 'b', string3: 'c' });
    expect(v2!.fields).toMatchObject({ jobTitle: 't', jobId: 'id', jobOwner: 'o', processPath: 'p', processId: '9' });
  });

  it('names an older version of an event by the prefix it has, and unknown events param1..', async () => {
    const read = await collect(
      `${record('Microsoft-Windows-Security-Auditing', 4688, 1, ['S', 'U', 'D', 'L', '0x1', 'C:\\x.exe'])}\n` +
        `${record('Some-Provider', 1, 0, ['x', 'y'])}\n`,
    );
    const [old, unknown] = events(read);
    expect(old!.fields).toMatchObject({ SubjectUserSid: 'S', NewProcessName: 'C:\\x.exe' });
    expect(old!.fields['CommandLine']).toBeUndefined();
    expect(unknown!.fields).toMatchObject({ param1: 'x', param2: 'y' });
  });
});

describe('Datadog archives', () => {
  it('accepts attributes as @-prefixed keys and EventData as a list of named items', async () => {
    const record = {
      host: 'fallback-host',
      attributes: {
        Event: {
          System: { Provider: { '@Name': 'P' }, EventID: { value: '4688', '@Qualifiers': '0' }, Channel: 'Security' },
          EventData: { Data: [{ Name: 'CommandLine', '#text': 'cmd /c x' }, { '@Name': 'NewProcessName', value: 'C:\\cmd.exe' }] },
        },
      },
    };
    const [e] = events(await collect(JSON.stringify(record)));
    expect(e!.fields).toMatchObject({
      Provider_Name: 'P',
      EventID: 4688,
      EventID_Qualifiers: '0',
      Computer: 'fallback-host',
      CommandLine: 'cmd /c x',
      NewProcessName: 'C:\\cmd.exe',
    });
  });
});

describe('layout override', () => {
  // An NXLog record whose EventData happens to carry an item named ExtraEventData looks Panther-style.
  const ambiguous = JSON.stringify({
    EventID: 1,
    Hostname: 'H',
    SourceName: 'P',
    Channel: 'c',
    ExtraEventData: 'x',
    Image: 'a.exe',
  });

  it('detection picks the decisive key; forcing a layout reads every record as that layout', async () => {
    expect(events(await collect(ambiguous))[0]!.layout).toBe('panther');
    const forced = events(await collect(ambiguous, { layout: 'nxlog' }))[0]!;
    expect(forced.layout).toBe('nxlog');
    expect(forced.fields).toMatchObject({ Computer: 'H', Provider_Name: 'P', Image: 'a.exe' });
  });

  it('a record that does not fit the forced layout is unreadable, with the reason', async () => {
    const read = await collect(`${ambiguous}\n${fixture('bits-16403.ecs.json').toString()}`, { layout: 'nxlog' });
    expect(read.items.map((i) => i.kind)).toEqual(['event', 'unreadable']);
    expect(unreadable(read)[0]!.error.reason).toMatch(/^record is not in the forced layout nxlog \(keys: @timestamp, agent/);
    const xml = await collect(fixture('bits-16403.xml'), { layout: 'ecs' });
    expect(unreadable(xml)[0]!.error.reason).toBe('record is Event XML, not the forced layout ecs');
  });
});

describe('NXLog: the Sigma view is built in the parsed record, raw stays as written', () => {
  it('adds the Sigma names to fields, and raw gives back the record with its own EventID and names', async () => {
    const written = {
      EventTime: '2026-11-20 00:00:00',
      Hostname: 'WKS-1',
      EventID: '16403',
      SourceName: 'Microsoft-Windows-Bits-Client',
      Provider_Name: 'a stray EventData item',
      Channel: 'Microsoft-Windows-Bits-Client/Operational',
      ExecutionProcessID: 2880,
      RemoteName: 'http://203.0.113.7/a.exe',
    };
    const [event] = events(await collect(`${JSON.stringify(written)}\n`));
    expect(event!.layout).toBe('nxlog');
    expect(event!.fields).toMatchObject({ EventID: 16403, Provider_Name: 'Microsoft-Windows-Bits-Client', Computer: 'WKS-1', Execution_ProcessID: 2880 });
    expect(event!.raw).toEqual(written);
    expect(Object.keys(event!.raw as object)).toEqual(Object.keys(written));
    // Asked twice, the same object.
    expect(event!.raw).toBe(event!.raw);
  });
});
