/**
 * NXLog `im_msvistalog` + `to_json`: System fields and EventData flattened together at the top
 * level. Every key is kept as written (EventData names, NXLog's own metadata) and the Sigma names
 * for NXLog's System fields are added beside them.
 */
import { endsWithZone, zonedTimeMs } from '../../events/event-time.ts';
import type { FieldValue, WinEvent } from '../../events/win-event.ts';
import { eventIdValue, type MutableFields } from './canonical-fields.ts';
import { nameMap } from './record.ts';
import { stripSpacedNames } from './spaced-names.ts';

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

/**
 * NXLog's `EventTime` is the sender's wall clock without a zone (`2020-06-09 22:50:54`). The
 * event's time (`TimeCreated_SystemTime`) is taken only from a field that says its zone: `EventTime`
 * when NXLog was told to write one, else `TimeCreated` or the pipeline's `@timestamp` (in the
 * Security-Datasets corpus set on receipt, seconds after the event). With none, the event has no
 * `TimeCreated_SystemTime` and alerts show `EventTime` as unzoned (lib/events/event-time.ts).
 */
const ZONED_TIME_FIELDS = ['EventTime', 'TimeCreated', '@timestamp'] as const;

export function isNxlog(record: Record<string, unknown>): boolean {
  return 'EventID' in record && ('SourceName' in record || 'Hostname' in record || 'SourceModuleType' in record);
}

export function fromNxlog(record: Record<string, unknown>): WinEvent {
  // The parsed record becomes the Sigma view in place: copying its ~50 keys cost more than the
  // whole mapping. The Sigma names are added beside NXLog's; `raw` gives the record back as
  // written (without them, and with the values they replaced) when an alert asks for it.
  // JSON.parse makes every key an own property (`__proto__` included, never the prototype), so
  // the names are safe as they are; lookups go through Object.hasOwn (the rule engines do).
  // Re-parenting the record to inherit nothing cost 15-40% of reading it, so it keeps its prototype.
  const fields = record as MutableFields;
  const added: string[] = [];
  let replaced: Array<[string, unknown]> | undefined;
  const eventId = eventIdValue(record['EventID']);
  if (eventId !== record['EventID']) {
    replaced = [['EventID', record['EventID']]];
    fields['EventID'] = eventId;
  }
  for (const [from, to] of RENAMED) {
    const value = record[from];
    if (value === undefined) continue;
    // None of these names is an Object.prototype property, and JSON has no undefined values.
    const had = record[to];
    if (had === undefined) added.push(to);
    else if (had !== value) (replaced ??= []).push([to, had]);
    fields[to] = value as FieldValue;
  }
  for (const [from, to] of ALIASED) {
    const value = record[from];
    if (value === undefined || fields[to] !== undefined) continue;
    added.push(to);
    fields[to] = value as FieldValue;
  }
  if (record['TimeCreated_SystemTime'] === undefined) {
    for (const name of ZONED_TIME_FIELDS) {
      const time = zonedTime(record[name]);
      if (time === undefined) continue;
      added.push('TimeCreated_SystemTime');
      fields['TimeCreated_SystemTime'] = time;
      break;
    }
  }
  // Spaced EventData names (Defender's `Source Name`) join the view without spaces; `raw` gets
  // the spaced name, and whatever the stripped one replaced (NXLog's own `SourceName`), back.
  for (const rename of stripSpacedNames(fields) ?? []) {
    (replaced ??= []).push([rename.spaced, fields[rename.stripped]]);
    if ('replaced' in rename) replaced.push([rename.stripped, rename.replaced]);
    else added.push(rename.stripped);
  }
  return new NxlogEvent(fields, added, replaced);
}

/** ISO 8601 with a zone as written (the common case, no parsing); other zoned forms as UTC ISO. */
function zonedTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || !endsWithZone(value)) return undefined;
  if (value.charCodeAt(10) === 0x54 /* T */) return value;
  const ms = zonedTimeMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** An NXLog event whose fields are its parsed record, with the Sigma names added in place. */
class NxlogEvent implements WinEvent {
  readonly fields: MutableFields;
  readonly layout = 'nxlog' as const;
  readonly #added: readonly string[];
  readonly #replaced: ReadonlyArray<[string, unknown]> | undefined;
  #written: Record<string, unknown> | undefined;

  constructor(fields: MutableFields, added: readonly string[], replaced: ReadonlyArray<[string, unknown]> | undefined) {
    this.fields = fields;
    this.#added = added;
    this.#replaced = replaced;
  }

  /** The record as NXLog wrote it: built on first use (alerts), without the added names. */
  get raw(): Record<string, unknown> {
    if (this.#written) return this.#written;
    const out = nameMap<unknown>();
    for (const key in this.fields) if (!this.#added.includes(key)) out[key] = this.fields[key];
    for (const [key, value] of this.#replaced ?? []) out[key] = value;
    return (this.#written = out);
  }
}
