/** NXLog `im_msvistalog` + `to_json`: everything flat at the top level, EventData included. */
import type { SyntheticEvent } from '../synthetic-event.ts';

const SEVERITY = ['', 'CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'];

/** `2020-06-09 22:50:54`: NXLog's local time, no zone. */
function nxlogTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function toNxlogLine(e: SyntheticEvent): string {
  const record: Record<string, unknown> = {
    EventTime: nxlogTime(e.timeMs),
    Hostname: e.computer,
    Keywords: e.keywords,
    EventType: 'INFO',
    SeverityValue: e.level === 0 ? 2 : e.level,
    Severity: SEVERITY[e.level] ?? 'INFO',
    EventID: e.eventId,
    SourceName: e.provider,
    ProviderGuid: e.providerGuid,
    Version: e.version,
    Task: e.task,
    OpcodeValue: e.opcode,
    RecordNumber: e.recordId,
    ExecutionProcessID: e.processId,
    ThreadID: e.threadId,
    Channel: e.channel,
    UserID: e.userSid,
    Message: e.message,
    EventReceivedTime: nxlogTime(e.timeMs + 1000),
    SourceModuleName: 'eventlog',
    SourceModuleType: 'im_msvistalog',
  };
  // NXLog flattens EventData beside the System fields; a clash keeps the System value.
  for (const [name, value] of Object.entries(e.data)) if (!(name in record)) record[name] = value;
  return JSON.stringify(record);
}
