/**
 * Sigma takes field names as the log source writes them with all spaces stripped: the one
 * Defender 1116 event (`Threat Name`, `Source Name`, `Process Name`, ...), as each shipper writes
 * it, reaches the rules as `ThreatName`, `SourceName`, `ProcessName` in every layout, and a
 * Sigma rule written with those names fires on each.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FieldValue, WinEvent } from '../../lib/events/win-event.ts';
import { fromNxlog } from '../../lib/ingest/layouts/nxlog.ts';
import { stripSpacedNames } from '../../lib/ingest/layouts/spaced-names.ts';
import { loadSigmaRules } from '../../lib/sigma/index.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';
import { collect, events, fixture } from './support.ts';

const EXPECTED: Record<string, string> = {
  EventID: '1116',
  Channel: 'Microsoft-Windows-Windows Defender/Operational',
  Provider_Name: 'Microsoft-Windows-Windows Defender',
  Computer: 'WS-FIN-042.corp.example.com',
  ProductName: 'Microsoft Defender Antivirus',
  ThreatName: 'HackTool:Win64/Mimikatz.D',
  ThreatID: '2147729243',
  SeverityName: 'Severe',
  SourceName: 'Real-Time Protection',
  ProcessName: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  DetectionUser: 'CORP\\alice',
  Path: 'file:_C:\\Users\\alice\\AppData\\Local\\Temp\\m.exe',
  FWLink: 'https://go.microsoft.com/fwlink/?linkid=37020&name=HackTool:Win64/Mimikatz.D&threatid=2147729243&enterprise=1',
  ActionName: 'Not Applicable',
  SecurityintelligenceVersion: 'AV: 1.411.96.0, AS: 1.411.96.0, NIS: 1.411.96.0',
};

const RULE = `title: Mimikatz found by Defender real-time protection
id: 00000000-0000-4000-8000-00000000d116
level: high
logsource:
    product: windows
    service: windefend
detection:
    selection:
        EventID: 1116
        ThreatName|contains: 'Mimikatz'
        SourceName: 'Real-Time Protection'
        ProcessName|endswith: '\\powershell.exe'
    condition: selection
`;
const { detector } = loadSigmaRules([{ path: 'defender.yml', text: RULE }]);

function sigmaView(fields: Readonly<Record<string, FieldValue>>): Record<string, string> {
  const view: Record<string, string> = {};
  for (const name of Object.keys(EXPECTED)) if (fields[name] !== undefined) view[name] = String(fields[name]);
  return view;
}

function expectSpaceFree(event: WinEvent): void {
  expect(Object.keys(event.fields).filter((name) => name.includes(' '))).toEqual([]);
  expect(sigmaView(event.fields)).toEqual(EXPECTED);
  expect(detector.match(event).map((rule) => rule.title)).toEqual(['Mimikatz found by Defender real-time protection']);
}

const LAYOUTS = [
  { file: 'defender-1116.ecs.json', layout: 'ecs' },
  { file: 'defender-1116.nxlog.json', layout: 'nxlog' },
  { file: 'defender-1116.evtx.json', layout: 'evtx-json' },
  { file: 'defender-1116.xml', layout: 'event-xml' },
  { file: 'defender-1116.fluentbit.json', layout: 'fluentbit' },
  { file: 'defender-1116.datadog.json', layout: 'datadog' },
  { file: 'defender-1116.panther.json', layout: 'panther' },
] as const;

describe('the same Defender 1116 event in every layout: names without spaces', () => {
  for (const { file, layout } of LAYOUTS) {
    it(`${layout} (${file})`, async () => {
      const read = await collect(fixture(file));
      expect(read.thrown).toBeUndefined();
      const [event, ...rest] = events(read);
      expect(rest).toEqual([]);
      expect(event?.layout).toBe(layout);
      expectSpaceFree(event!);
    });
  }

  it('cloudwatch (the Event XML inside a gzipped subscription record)', async () => {
    const xml = fixture('defender-1116.xml').toString();
    const message = xml.slice(xml.indexOf('<Event '), xml.indexOf('</Events>'));
    const record = { messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: 'windows/defender', logStream: 'WS-FIN-042', subscriptionFilters: ['to-firehose'], logEvents: [{ id: '1', timestamp: 1715678465412, message }] };
    const [event, ...rest] = events(await collect(gzipSync(JSON.stringify(record))));
    expect(rest).toEqual([]);
    expectSpaceFree(event!);
  });

  it('keeps the record as written: spaced names stay in raw', async () => {
    const [ecs] = events(await collect(fixture('defender-1116.ecs.json')));
    expect((ecs!.raw as { winlog: { event_data: Record<string, string> } }).winlog.event_data['Threat Name']).toBe('HackTool:Win64/Mimikatz.D');
    const [nxlog] = events(await collect(fixture('defender-1116.nxlog.json')));
    const raw = nxlog!.raw as Record<string, unknown>;
    // NXLog's own SourceName (the provider) is given back in raw, beside Defender's `Source Name`.
    expect(raw['SourceName']).toBe('Microsoft-Windows-Windows Defender');
    expect(raw['Source Name']).toBe('Real-Time Protection');
    expect(raw['Threat Name']).toBe('HackTool:Win64/Mimikatz.D');
    expect(raw['ThreatName']).toBeUndefined();
    expect(JSON.parse(fixture('defender-1116.nxlog.json').toString())).toEqual(raw);
  });
});

describe('stripSpacedNames: collisions', () => {
  it("replaces a shipper's field of the stripped name with the event's item (NXLog SourceName)", () => {
    const event = fromNxlog({ EventID: 5007, SourceName: 'Microsoft-Windows-Windows Defender', Hostname: 'h', 'Source Name': 'AMSI' });
    expect(event.fields['SourceName']).toBe('AMSI');
    expect(event.fields['Provider_Name']).toBe('Microsoft-Windows-Windows Defender');
    expect(event.fields['Source Name']).toBeUndefined();
  });

  it('lets the spaced item win over an unspaced twin, and says what it replaced', () => {
    const fields: Record<string, FieldValue> = { ThreatName: 'twin', 'Threat Name': 'item' };
    expect(stripSpacedNames(fields)).toEqual([{ spaced: 'Threat Name', stripped: 'ThreatName', replaced: 'twin' }]);
    expect(fields).toEqual({ ThreatName: 'item' });
  });

  it('never replaces a System field: the item keeps its spaced name', () => {
    const fields: Record<string, FieldValue> = { EventID: 1116, Computer: 'real', 'Event ID': 4624, 'Comp uter': 'forged' };
    expect(stripSpacedNames(fields)).toBeUndefined();
    expect(fields).toEqual({ EventID: 1116, Computer: 'real', 'Event ID': 4624, 'Comp uter': 'forged' });
  });

  it('strips every space, and a name that is only spaces is left alone', () => {
    const fields: Record<string, FieldValue> = { 'Security intelligence Version': 'v', '  ': 'blank', '__proto __': 'x' };
    stripSpacedNames(fields);
    expect(Object.keys(fields).sort()).toEqual(['  ', 'SecurityintelligenceVersion', '__proto__']);
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
  });

  it('does nothing (and allocates nothing) when no name has a space', () => {
    const fields: Record<string, FieldValue> = { EventID: 1, ThreatName: 'x' };
    expect(stripSpacedNames(fields)).toBeUndefined();
    expect(fields).toEqual({ EventID: 1, ThreatName: 'x' });
  });
});

describeShared('native .evtx: Defender names without spaces, as evtx_dump names them with', () => {
  const file = sharedPath('corpus', 'evtx', 'EVTX-to-MITRE-Attack', 'Antivirus', 'ID1116-1117-Defender threat detected.evtx');
  it('every Data Name with a space arrives stripped, with the value evtx_dump reads', async () => {
    const read = await collect(readFileSync(file), { uri: file });
    const all = events(read);
    expect(all.length).toBeGreaterThan(0);
    for (const event of all) {
      expect(Object.keys(event.fields).filter((name) => name.includes(' '))).toEqual([]);
      const data = (event.raw as { Event: { EventData: Record<string, unknown> } }).Event.EventData;
      expect(event.fields['ThreatName']).toBe(data['Threat Name']);
      expect(event.fields['ProcessName']).toBe(data['Process Name']);
      expect(event.fields['SourceName']).toBe(data['Source Name']);
      expect(typeof event.fields['ThreatName']).toBe('string');
    }
  });
});
