/**
 * The one Bits-Client 16403 event, as each shipper writes it, must reach the rules as the same
 * canonical fields: a rule written once works whatever shipped the event.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { collect, events, fixture } from './support.ts';

/** The event's System and EventData, in the Sigma view. */
const EXPECTED: Record<string, FieldValue> = {
  EventID: 16403,
  Channel: 'Microsoft-Windows-Bits-Client/Operational',
  Provider_Name: 'Microsoft-Windows-Bits-Client',
  Provider_Guid: '{EF1CC15B-46C1-414E-BB95-E76B077BD51E}',
  Computer: 'WS-FIN-042.corp.example.com',
  EventRecordID: '4821',
  Version: '0',
  Execution_ProcessID: '1234',
  Execution_ThreadID: '5678',
  Security_UserID: 'S-1-5-18',
  User: 'CORP\\alice',
  jobTitle: 'Update Job',
  jobId: '{2C1A9F0E-6B2D-4C8E-9F3A-1B2C3D4E5F60}',
  jobOwner: 'CORP\\alice',
  fileCount: '1',
  RemoteName: 'http://45.155.205.233/payload.exe',
  LocalName: 'C:\\Users\\alice\\AppData\\Local\\Temp\\payload.exe',
  processId: '4242',
  ClientProcessStartKey: '844424930131970',
};

/**
 * Shippers disagree on JSON types (evtx_dump writes UInt32 data as numbers, XML and Winlogbeat
 * as text); the engine compares values as text, so the comparison does too, except for EventID,
 * which must be a number everywhere.
 */
function sigmaView(fields: Readonly<Record<string, FieldValue>>): Record<string, FieldValue> {
  const view: Record<string, FieldValue> = {};
  for (const name of Object.keys(EXPECTED)) {
    const value = fields[name];
    if (value === undefined) continue;
    view[name] = name === 'EventID' || value === null ? value : String(value);
  }
  return view;
}

const LAYOUTS = [
  { file: 'bits-16403.ecs.json', layout: 'ecs' },
  { file: 'bits-16403.nxlog.json', layout: 'nxlog' },
  { file: 'bits-16403.evtx.json', layout: 'evtx-json' },
  { file: 'bits-16403.xml', layout: 'event-xml' },
  { file: 'bits-16403.fluentbit.json', layout: 'fluentbit' },
  { file: 'bits-16403.datadog.json', layout: 'datadog' },
  { file: 'bits-16403.panther.json', layout: 'panther' },
] as const;

/** The XML event as the CloudWatch agent ships it: a control message, then the event inside a
 *  subscription record, back to back (Firehose adds no separator), gzipped twice. */
function cloudWatchObject(): Buffer {
  const xml = fixture('bits-16403.xml').toString();
  const event = xml.slice(xml.indexOf('<Event '), xml.indexOf('</Events>'));
  const control = { messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [], logEvents: [{ id: '', timestamp: 1715678467000, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] };
  const data = { messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: 'windows/bits', logStream: 'WS-FIN-042', subscriptionFilters: ['to-firehose'], logEvents: [{ id: '38261783742018211962890123456789', timestamp: 1715678467123, message: event }] };
  return gzipSync(gzipSync(JSON.stringify(control) + JSON.stringify(data)));
}

describe('the same 16403 event in every layout', () => {
  for (const { file, layout } of LAYOUTS) {
    it(`${layout} (${file}) reads to the canonical fields`, async () => {
      const read = await collect(fixture(file));
      expect(read.thrown).toBeUndefined();
      const [event, ...rest] = events(read);
      expect(rest).toEqual([]);
      expect(event?.layout).toBe(layout);
      expect(sigmaView(event!.fields)).toEqual(EXPECTED);
      expect(typeof event!.fields['EventID']).toBe('number');
    });
  }

  it('cloudwatch (Event XML inside a double-gzipped subscription record) reads to the canonical fields', async () => {
    const read = await collect(cloudWatchObject());
    expect(read.thrown).toBeUndefined();
    const [event, ...rest] = events(read);
    expect(rest).toEqual([]);
    expect(read.items.map((i) => i.index)).toEqual([0]); // the control message holds no event
    expect(event?.layout).toBe('event-xml');
    expect(sigmaView(event!.fields)).toEqual(EXPECTED);
  });

  it('XML, evtx_dump JSON and Datadog agree on every System field, not only the Sigma ones', async () => {
    const [xml] = events(await collect(fixture('bits-16403.xml')));
    const [dump] = events(await collect(fixture('bits-16403.evtx.json')));
    const [datadog] = events(await collect(fixture('bits-16403.datadog.json')));
    const text = (fields: Readonly<Record<string, FieldValue>>) =>
      Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, k === 'EventID' || v === null ? v : String(v)]));
    // The fixtures differ in sub-second digits only as the shippers write them.
    const { TimeCreated_SystemTime: _a, Correlation: _b, ...xmlRest } = text(xml!.fields);
    const { TimeCreated_SystemTime: _c, Correlation: _d, ...dumpRest } = text(dump!.fields);
    const { TimeCreated_SystemTime: _e, Correlation: _f, ...ddRest } = text(datadog!.fields);
    expect(xmlRest).toEqual(dumpRest);
    expect(ddRest).toEqual(dumpRest);
  });

  it('keeps the record as written for alerts and EQL (ECS fields reachable)', async () => {
    const [event] = events(await collect(fixture('bits-16403.ecs.json')));
    const raw = event!.raw as { winlog: { event_id: string }; event: { code: string } };
    expect(raw.winlog.event_id).toBe('16403');
    expect(raw.event.code).toBe('16403');
  });

  it('NXLog keeps every key as written and adds the Sigma names beside them', async () => {
    const [event] = events(await collect(fixture('bits-16403.nxlog.json')));
    expect(event!.fields['SourceModuleType']).toBe('im_msvistalog');
    expect(event!.fields['SourceName']).toBe('Microsoft-Windows-Bits-Client');
    expect(event!.fields['Hostname']).toBe('WS-FIN-042.corp.example.com');
  });
});
