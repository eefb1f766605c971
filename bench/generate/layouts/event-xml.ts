/** Windows Event XML as `wevtutil qe /f:xml` and WEF forward it: one `<Event>` element per line. */
import type { SyntheticEvent } from '../synthetic-event.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>'"]/g, (c) => ESCAPES[c]!);
}

export function toEventXml(e: SyntheticEvent): string {
  let data = '';
  for (const [name, value] of Object.entries(e.data)) data += `<Data Name='${name}'>${escapeXml(value)}</Data>`;
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>` +
    `<Provider Name='${e.provider}' Guid='${e.providerGuid}'/><EventID>${e.eventId}</EventID><Version>${e.version}</Version>` +
    `<Level>${e.level}</Level><Task>${e.task}</Task><Opcode>${e.opcode}</Opcode><Keywords>${e.keywords}</Keywords>` +
    `<TimeCreated SystemTime='${new Date(e.timeMs).toISOString()}'/><EventRecordID>${e.recordId}</EventRecordID><Correlation/>` +
    `<Execution ProcessID='${e.processId}' ThreadID='${e.threadId}'/><Channel>${e.channel}</Channel><Computer>${e.computer}</Computer>` +
    `<Security UserID='${e.userSid}'/></System><EventData>${data}</EventData></Event>`
  );
}
