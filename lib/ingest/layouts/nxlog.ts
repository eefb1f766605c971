/**
 * NXLog `im_msvistalog` + `to_json`: System fields and EventData flattened together at the top
 * level. Every key is kept as written (EventData names, NXLog's own metadata) and the Sigma names
 * for NXLog's System fields are added beside them.
 */
import type { FieldValue, WinEvent } from '../../events/win-event.ts';
import { eventIdValue, type MutableFields } from './canonical-fields.ts';

/** NXLog name -> Sigma name. The renamed System fields always win. */
const RENAMED: readonly (readonly [string, string])[] = [
  ['SourceName', 'Provider_Name'],
  ['Hostname', 'Computer'],
  ['ProviderGuid', 'Provider_Guid'],
  ['RecordNumber', 'EventRecordID'],
];

/** NXLog name -> Sigma alias, added only when free: EventData items of the same name
 *  (`ProcessID`) overwrite NXLog's System field in its flattening, so rules may mean either. */
const ALIASED: readonly (readonly [string, string])[] = [
  ['ExecutionProcessID', 'Execution_ProcessID'],
  ['ExecutionThreadID', 'Execution_ThreadID'],
  ['ProcessID', 'Execution_ProcessID'],
  ['ThreadID', 'Execution_ThreadID'],
  ['UserID', 'Security_UserID'],
  ['ActivityID', 'Correlation_ActivityID'],
];

export function isNxlog(record: Record<string, unknown>): boolean {
  return 'EventID' in record && ('SourceName' in record || 'Hostname' in record || 'SourceModuleType' in record);
}

export function fromNxlog(record: Record<string, unknown>): WinEvent {
  // Parsed JSON is already made of field values: one shallow copy, no per-key conversion. This
  // is the hot path for NXLog batches.
  const fields: MutableFields = { ...(record as Record<string, FieldValue>) };
  fields['EventID'] = eventIdValue(record['EventID']);
  for (const [from, to] of RENAMED) {
    const value = record[from];
    if (value !== undefined) fields[to] = value as FieldValue;
  }
  for (const [from, to] of ALIASED) {
    const value = record[from];
    if (value !== undefined && fields[to] === undefined) fields[to] = value as FieldValue;
  }
  return { fields, raw: record, layout: 'nxlog' };
}
