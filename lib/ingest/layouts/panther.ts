/**
 * Panther-style flat Windows events: System fields at the top level, named data in `EventData`,
 * and whatever the schema did not name in `ExtraEventData`; both maps join the Sigma view.
 */
import type { WinEvent } from '../../events/win-event.ts';
import { addDataItems, type MutableFields, setField } from './canonical-fields.ts';
import { nameMap } from './record.ts';
import { stripSpacedNames } from './spaced-names.ts';

/** Accepted top-level names -> Sigma name (first present wins). */
const SYSTEM: readonly (readonly [string, readonly string[]])[] = [
  ['EventID', ['EventID', 'EventId']],
  ['Channel', ['Channel']],
  ['Provider_Name', ['ProviderName', 'Provider', 'SourceName']],
  ['Provider_Guid', ['ProviderGuid']],
  ['Computer', ['Computer', 'Hostname']],
  ['Version', ['Version']],
  ['Level', ['Level']],
  ['Task', ['Task']],
  ['Opcode', ['Opcode']],
  ['Keywords', ['Keywords']],
  ['EventRecordID', ['EventRecordID', 'RecordNumber']],
  ['TimeCreated_SystemTime', ['TimeCreated', 'SystemTime']],
  ['Execution_ProcessID', ['ProcessID', 'ExecutionProcessID']],
  ['Execution_ThreadID', ['ThreadID', 'ExecutionThreadID']],
  ['Security_UserID', ['UserID', 'UserSID']],
];

export function isPanther(record: Record<string, unknown>): boolean {
  return 'ExtraEventData' in record;
}

export function fromPanther(record: Record<string, unknown>): WinEvent {
  const fields: MutableFields = nameMap();
  for (const [to, names] of SYSTEM) {
    const from = names.find((name) => Object.hasOwn(record, name) && record[name] !== undefined);
    if (from) setField(fields, to, record[from]);
  }
  const spaced = addDataItems(fields, record['EventData']);
  if (addDataItems(fields, record['ExtraEventData'], false) || spaced) stripSpacedNames(fields);
  return { fields, raw: record, layout: 'panther' };
}
