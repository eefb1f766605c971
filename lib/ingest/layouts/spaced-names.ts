/**
 * The Sigma specification takes field names "as they appear in the log source, with all spaces
 * stripped": Defender's `Threat Name`, `Source Name`, `Process Name`, `New Value`, `Old Value`
 * are `ThreatName`, `SourceName`, ... in every rule. This is the one place that rule is applied;
 * every layout calls it once its Sigma view is filled, so the same event has the same names
 * whatever shipped it (only when it copied a name holding a space: a pass over every finished
 * view cost a fifth of ECS reading; NXLog, whose view is its record, always passes over it).
 *
 * When the stripped name is already a field:
 * - a System field of the Sigma view (`EventID`, `Channel`, `Provider_Name`, `Computer`, ...) is
 *   never replaced: the item keeps its spaced name (still readable, never lost), so event data
 *   cannot pose as the event's identity;
 * - any other field is replaced by the event's item. The spaced item is what the Windows event
 *   itself calls that name; what it replaces is a shipper's own name (NXLog writes the provider as
 *   `SourceName`, which the view also has as `Provider_Name`) or, in the unlikely event that
 *   one event holds both `Threat Name` and `ThreatName`, the unspaced twin. The record as written
 *   (`WinEvent.raw`) still holds both.
 */
import type { FieldValue } from '../../events/win-event.ts';

/** Names the layouts give the System part of the Sigma view. */
const SYSTEM_FIELDS: ReadonlySet<string> = new Set([
  'EventID', 'EventID_Qualifiers', 'Version', 'Level', 'Task', 'Opcode', 'Keywords', 'Channel', 'Computer',
  'EventRecordID', 'Provider_Name', 'Provider_Guid', 'Provider_EventSourceName', 'TimeCreated_SystemTime',
  'Execution_ProcessID', 'Execution_ThreadID', 'Security_UserID', 'Correlation_ActivityID',
  'Correlation_RelatedActivityID',
]);

/** One rename made: `spaced` left the view, `stripped` now holds its value. */
export interface SpacedRename {
  readonly spaced: string;
  readonly stripped: string;
  /** The value `stripped` held before, when it was a field already. */
  readonly replaced?: FieldValue;
}

/**
 * Renames, in place, every field whose name holds a space. Returns what it did (undefined when
 * nothing, the common case: one pass over the names, no allocation).
 */
export function stripSpacedNames(fields: Record<string, FieldValue>): SpacedRename[] | undefined {
  let spaced: string[] | undefined;
  for (const name in fields) if (name.includes(' ')) (spaced ??= []).push(name);
  if (spaced === undefined) return undefined;
  const renames: SpacedRename[] = [];
  for (const name of spaced) {
    const stripped = name.replaceAll(' ', '');
    if (stripped === '' || SYSTEM_FIELDS.has(stripped)) continue;
    const value = fields[name] as FieldValue;
    const had = Object.hasOwn(fields, stripped);
    const replaced = had ? fields[stripped] : undefined;
    delete fields[name];
    // `__proto__` as a field name would set the prototype, not a field.
    Object.defineProperty(fields, stripped, { value, enumerable: true, writable: true, configurable: true });
    renames.push(had ? { spaced: name, stripped, replaced: replaced as FieldValue } : { spaced: name, stripped });
  }
  return renames.length === 0 ? undefined : renames;
}
