/**
 * BITS 16403 events as Winlogbeat 8 writes them (ECS, one JSON object per line), built from the
 * field facts in ../shared/docs/input-formats.md: no public sample holds a 16403 event.
 */
import { gzipSync } from 'node:zlib';

let recordId = 1000;

export function bits16403(remoteName: string, host = 'WS01.corp.example'): Record<string, unknown> {
  recordId += 1;
  return {
    '@timestamp': '2026-11-24T02:15:07.412Z',
    agent: { type: 'winlogbeat', version: '8.15.0', name: host.split('.')[0] },
    ecs: { version: '8.0.0' },
    host: { name: host.toLowerCase(), hostname: host.split('.')[0] },
    event: {
      code: '16403',
      kind: 'event',
      provider: 'Microsoft-Windows-Bits-Client',
      created: '2026-11-24T02:15:08.001Z',
      action: 'BITS transfer job file',
    },
    log: { level: 'information' },
    message: `The BITS job has been created for file ${remoteName}.`,
    winlog: {
      channel: 'Microsoft-Windows-Bits-Client/Operational',
      event_id: '16403',
      provider_name: 'Microsoft-Windows-Bits-Client',
      provider_guid: '{EF1CC15B-46C1-414E-BB95-E76B077BD51E}',
      computer_name: host,
      record_id: recordId,
      task: '',
      opcode: 'Info',
      process: { pid: 1472, thread: { id: 6212 } },
      user: { identifier: 'S-1-5-21-3623811015-3361044348-30300820-1013', domain: 'CORP', name: 'jdoe', type: 'User' },
      event_data: {
        User: 'CORP\\jdoe',
        jobTitle: 'update',
        jobId: '{6F1E2B0C-3B4A-4C8E-9D1F-2A3B4C5D6E7F}',
        jobOwner: 'CORP\\jdoe',
        fileCount: '1',
        RemoteName: remoteName,
        LocalName: 'C:\\Users\\jdoe\\AppData\\Local\\Temp\\update.exe',
        processId: '5120',
        ClientProcessStartKey: '844424930131969',
      },
    },
  };
}

/** A gzip'd JSON-lines batch, as Winlogbeat's file output shipped to S3 (trailing newline included). */
export function gzipLines(events: readonly Record<string, unknown>[]): Buffer {
  return gzipSync(events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}
