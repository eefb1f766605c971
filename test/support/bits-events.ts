/** Bits-Client 16403 events built from the field facts (no public sample holds one). */
export const BITS_CHANNEL = 'Microsoft-Windows-Bits-Client/Operational';

export function ecsBitsJob(remoteName: string, overrides: { host?: string; channel?: string; eventId?: string | number } = {}) {
  const host = overrides.host ?? 'WKS-0142.corp.example';
  return {
    '@timestamp': '2026-11-20T09:01:01.000Z',
    host: { name: host },
    event: { code: '16403', provider: 'Microsoft-Windows-Bits-Client', kind: 'event' },
    winlog: {
      channel: overrides.channel ?? BITS_CHANNEL,
      provider_name: 'Microsoft-Windows-Bits-Client',
      computer_name: host,
      event_id: overrides.eventId ?? '16403',
      record_id: 4100,
      event_data: {
        User: 'CORP\\svc-update',
        jobTitle: 'update',
        jobId: '{6E2A5D7C-0000-4000-8000-000000000001}',
        jobOwner: 'CORP\\svc-update',
        fileCount: '1',
        RemoteName: remoteName,
        LocalName: 'C:\\Users\\Public\\payload.exe',
        processId: '4242',
        ClientProcessStartKey: '8444249301314',
      },
    },
  };
}

export function ecsLogon(host = 'WKS-0142.corp.example') {
  return {
    '@timestamp': '2026-11-20T09:01:02.000Z',
    winlog: {
      channel: 'Security',
      provider_name: 'Microsoft-Windows-Security-Auditing',
      computer_name: host,
      event_id: 4624,
      event_data: { TargetUserName: 'alice', LogonType: '3' },
    },
  };
}
