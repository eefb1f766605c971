/**
 * NXLog `im_msvistalog` + `to_json`: System fields and EventData flattened together at the top
 * level. NXLog's names for System fields are renamed to the Sigma view; everything else (the
 * EventData names, NXLog's own metadata) is kept as written.
 */
import type { WinEvent } from '../../events/win-event.ts';
import { eventIdValue, type MutableFields, setField } from './canonical-fields.ts';
import { toFieldValue } from './evtx-json.ts';

/** NXLog name -> Sigma name; the NXLog name is dropped. */
const RENAMED: Readonly<Record<string, string>> = {
  SourceName: 'Provider_Name',
  Hostname: 'Computer',
  ProviderGuid: 'Provider_Guid',
  RecordNumber: 'EventRecordID',
};

/** NXLog name -> Sigma alias added beside it; the NXLog name is kept, as EventData items of the
 *  same name (`ProcessID`) overwrite it in NXLog's flattening and rules may mean either. */
const ALIASED: Readonly<Record<string, string>> = {
  ExecutionProcessID: 'Execution_ProcessID',
  ExecutionThreadID: 'Execution_ThreadID',
  ProcessID: 'Execution_ProcessID',
  ThreadID: 'Execution_ThreadID',
  UserID: 'Security_UserID',
  ActivityID: 'Correlation_ActivityID',
};

export function isNxlog(record: Record<string, unknown>): boolean {
  return 'EventID' in record && ('SourceName' in record || 'Hostname' in record || 'SourceModuleType' in record);
}

export function fromNxlog(record: Record<string, unknown>): WinEvent {
  const fields: MutableFields = {};
  for (const [name, value] of Object.entries(record)) {
    const renamed = RENAMED[name];
    if (renamed) {
      setField(fields, renamed, value);
      continue;
    }
    fields[name] = name === 'EventID' ? eventIdValue(value) : toFieldValue(value);
    const alias = ALIASED[name];
    if (alias && !(alias in fields)) fields[alias] = toFieldValue(value);
  }
  return { fields, raw: record, layout: 'nxlog' };
}

