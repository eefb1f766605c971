/** Winlogbeat 8 / Elastic Agent (ECS): System facts under `winlog`, EventData under `winlog.event_data`. */
import type { SyntheticEvent } from '../synthetic-event.ts';

const LEVEL_NAMES = ['', 'critical', 'error', 'warning', 'information', 'verbose'];

export function toEcsLine(e: SyntheticEvent): string {
  return JSON.stringify({
    '@timestamp': new Date(e.timeMs).toISOString(),
    agent: { type: 'winlogbeat', version: '8.15.0', name: e.computer.split('.')[0] },
    ecs: { version: '8.0.0' },
    host: { name: e.computer, hostname: e.computer.split('.')[0], os: { family: 'windows', platform: 'windows' } },
    event: { code: String(e.eventId), provider: e.provider, kind: 'event', created: new Date(e.timeMs + 1500).toISOString(), module: e.channel === 'Security' ? 'security' : undefined },
    log: { level: LEVEL_NAMES[e.level] ?? 'information' },
    winlog: {
      channel: e.channel,
      provider_name: e.provider,
      provider_guid: e.providerGuid,
      computer_name: e.computer,
      // Winlogbeat 8 writes the id as a string; ingest must accept both.
      event_id: String(e.eventId),
      record_id: e.recordId,
      api: 'wineventlog',
      version: e.version,
      task: String(e.task),
      opcode: 'Info',
      keywords: [e.keywords],
      process: { pid: e.processId, thread: { id: e.threadId } },
      user: { identifier: e.userSid },
      event_data: e.data,
    },
    message: e.message,
  });
}
