/**
 * The one Bits-Client 16403 event, as each shipper writes it, must reach the rules as the same
 * canonical fields: a rule written once works whatever shipped the event.
 */
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
] as const;

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

  it('keeps the record as written for alerts and EQL (ECS fields reachable)', async () => {
    const [event] = events(await collect(fixture('bits-16403.ecs.json')));
    const raw = event!.raw as { winlog: { event_id: string }; event: { code: string } };
    expect(raw.winlog.event_id).toBe('16403');
    expect(raw.event.code).toBe('16403');
  });

  it('NXLog keeps its own metadata and drops only the names it renamed', async () => {
    const [event] = events(await collect(fixture('bits-16403.nxlog.json')));
    expect(event!.fields['SourceModuleType']).toBe('im_msvistalog');
    expect(event!.fields['SourceName']).toBeUndefined();
    expect(event!.fields['Hostname']).toBeUndefined();
  });
});
