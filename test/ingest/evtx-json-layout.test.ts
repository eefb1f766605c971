import { describe, expect, it } from 'vitest';
import { fromEvtxJson, isEvtxJson } from '../../lib/ingest/layouts/evtx-json.ts';

const system = {
  Provider: { '#attributes': { Name: 'Microsoft-Windows-Bits-Client', Guid: '{EF1CC15B-46C1-414E-BB95-E76B077BD51E}' } },
  EventID: { '#attributes': { Qualifiers: 0 }, '#text': '16403' },
  TimeCreated: { '#attributes': { SystemTime: '2026-11-20T09:01:01.000000Z' } },
  Execution: { '#attributes': { ProcessID: 1144, ThreadID: 2204 } },
  Channel: 'Microsoft-Windows-Bits-Client/Operational',
  Computer: 'WKS-0142',
  Security: { '#attributes': { UserID: 'S-1-5-18' } },
};

describe('evtx_dump JSON layout', () => {
  it('names System attributes Element_Attribute and reads EventID with qualifiers as a number', () => {
    const record = { Event: { System: system, EventData: { RemoteName: 'http://45.77.1.2/a', fileCount: 1 } } };
    expect(isEvtxJson(record)).toBe(true);
    expect(fromEvtxJson(record).fields).toMatchObject({
      EventID: 16403,
      EventID_Qualifiers: 0,
      Provider_Name: 'Microsoft-Windows-Bits-Client',
      Execution_ProcessID: 1144,
      TimeCreated_SystemTime: '2026-11-20T09:01:01.000000Z',
      Security_UserID: 'S-1-5-18',
      RemoteName: 'http://45.77.1.2/a',
      fileCount: 1,
    });
  });

  it('keeps unnamed data and text standing directly in EventData under Data', () => {
    const unnamed = { Event: { System: system, EventData: { Data: { '#text': ['a', 'b'] } } } };
    expect(fromEvtxJson(unnamed).fields['Data']).toEqual(['a', 'b']);
    const text = { Event: { System: system, EventData: 'raw text' } };
    expect(fromEvtxJson(text).fields['Data']).toBe('raw text');
  });

  it('reads UserData children by their own names without overriding System fields', () => {
    const record = { Event: { System: system, UserData: { LogFileCleared: { SubjectUserName: 'bob', Channel: 'x' } } } };
    const fields = fromEvtxJson(record).fields;
    expect(fields['SubjectUserName']).toBe('bob');
    expect(fields['Channel']).toBe('Microsoft-Windows-Bits-Client/Operational');
  });
});
