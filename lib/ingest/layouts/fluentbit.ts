/**
 * Fluent Bit `winevtlog`: System fields at the top level under Windows API names, EventData
 * only as the positional `StringInserts` array. Inserts are named through `insertNames`; events
 * the table does not know get `param1`, `param2`, ... (as Winlogbeat names unnamed data).
 */
import type { WinEvent } from '../../events/win-event.ts';
import { eventIdValue, type MutableFields, setField } from './canonical-fields.ts';
import { toFieldValue } from './evtx-json.ts';
import { insertNames } from './insert-names.ts';
import { nameMap } from './record.ts';
import { stripSpacedNames } from './spaced-names.ts';

/** Fluent Bit name -> Sigma name. */
const SYSTEM: Readonly<Record<string, string>> = {
  EventID: 'EventID',
  Qualifiers: 'EventID_Qualifiers',
  ProviderName: 'Provider_Name',
  ProviderGuid: 'Provider_Guid',
  Channel: 'Channel',
  Computer: 'Computer',
  Version: 'Version',
  Level: 'Level',
  Task: 'Task',
  Opcode: 'Opcode',
  Keywords: 'Keywords',
  TimeCreated: 'TimeCreated_SystemTime',
  EventRecordID: 'EventRecordID',
  ActivityID: 'Correlation_ActivityID',
  RelatedActivityID: 'Correlation_RelatedActivityID',
  ProcessID: 'Execution_ProcessID',
  ThreadID: 'Execution_ThreadID',
  UserID: 'Security_UserID',
};

export function isFluentBit(record: Record<string, unknown>): boolean {
  return Array.isArray(record['StringInserts']) && 'EventID' in record;
}

export function fromFluentBit(record: Record<string, unknown>): WinEvent {
  const fields: MutableFields = nameMap();
  for (const [from, to] of Object.entries(SYSTEM)) setField(fields, to, record[from]);
  const inserts = Array.isArray(record['StringInserts']) ? record['StringInserts'] : [];
  const eventId = eventIdValue(record['EventID']);
  const version = Number(record['Version']);
  const names =
    typeof record['ProviderName'] === 'string' && typeof eventId === 'number'
      ? insertNames(record['ProviderName'], eventId, Number.isInteger(version) ? version : undefined)
      : undefined;
  inserts.forEach((value, i) => {
    fields[names?.[i] ?? `param${i + 1}`] = toFieldValue(value);
  });
  // Only the name table can give a spaced name (Defender's, as the provider writes them).
  if (names?.some((name) => name.includes(' '))) stripSpacedNames(fields);
  return { fields, raw: record, layout: 'fluentbit' };
}
