/**
 * evtx_dump-style JSON (SigmaHQ regression data, chainsaw, hayabusa, and our own .evtx reader):
 * `{"Event": {"System": {...}, "EventData": {...}}}` with XML attributes under `#attributes`
 * and element text under `#text`.
 */
import type { FieldValue, WinEvent } from '../../events/win-event.ts';
import { isRecord, nameMap } from './record.ts';
import { stripSpacedNames } from './spaced-names.ts';

export function isEvtxJson(record: unknown): boolean {
  return isRecord(record) && isRecord(record['Event']) && isRecord(record['Event']['System']);
}

export function fromEvtxJson(record: Record<string, unknown>): WinEvent {
  const event = record['Event'] as Record<string, unknown>;
  const fields = nameMap<FieldValue>();
  flattenSystem(event['System'] as Record<string, unknown>, fields);
  const spaced = addEventData(event['EventData'], fields);
  if (addUserData(event['UserData'], fields) || spaced) stripSpacedNames(fields);
  return { fields, raw: record, layout: 'evtx-json' };
}

/**
 * `<System>` children become their element name; their XML attributes become
 * `Element_Attribute` (`Provider_Name`, `Execution_ProcessID`, `TimeCreated_SystemTime`), as the
 * Sigma specification names them. `EventID` with qualifiers arrives as `{#text, #attributes}`.
 */
function flattenSystem(system: Record<string, unknown>, fields: Record<string, FieldValue>): void {
  for (const [name, value] of Object.entries(system)) {
    if (isRecord(value)) {
      const attributes = value['#attributes'];
      if (isRecord(attributes)) {
        for (const [attr, attrValue] of Object.entries(attributes)) {
          fields[`${name}_${attr}`] = toFieldValue(attrValue);
        }
      }
      if ('#text' in value) fields[name] = toFieldValue(value['#text']);
    } else {
      fields[name] = toFieldValue(value);
    }
  }
  const eventId = fields['EventID'];
  if (typeof eventId === 'string' && /^\d+$/.test(eventId)) fields['EventID'] = Number(eventId);
}

/**
 * `<EventData>`: named `<Data Name="X">` items arrive as `X: value`; unnamed items as
 * `Data: {"#text": [...]}` or `Data: "..."`, which Sigma rules address as `Data`; so is text
 * standing directly in `<EventData>`.
 */
function addEventData(eventData: unknown, fields: Record<string, FieldValue>): boolean {
  if (eventData === undefined || eventData === null) return false;
  // `<EventData>text</EventData>` with no <Data> children: keep the text where rules look for unnamed data.
  if (!isRecord(eventData)) {
    fields['Data'] = toFieldValue(eventData);
    return false;
  }
  let spaced = false;
  for (const [name, value] of Object.entries(eventData)) {
    if (name === '#attributes') continue;
    if (isRecord(value) && '#text' in value) fields[name] = toFieldValue(value['#text']);
    else fields[name] = toFieldValue(value);
    spaced ||= name.includes(' ');
  }
  return spaced;
}

/** `<UserData><Root>children</Root></UserData>`: the children are addressed by their own names. */
function addUserData(userData: unknown, fields: Record<string, FieldValue>): boolean {
  if (!isRecord(userData)) return false;
  let spaced = false;
  for (const root of Object.values(userData)) {
    if (!isRecord(root)) continue;
    for (const [name, value] of Object.entries(root)) {
      if (name === '#attributes' || name in fields) continue;
      fields[name] = toFieldValue(isRecord(value) && '#text' in value ? value['#text'] : value);
      spaced ||= name.includes(' ');
    }
  }
  return spaced;
}

export function toFieldValue(value: unknown): FieldValue {
  if (value === undefined) return null;
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toFieldValue);
  if (isRecord(value)) {
    const out = nameMap<FieldValue>();
    for (const [k, v] of Object.entries(value)) out[k] = toFieldValue(v);
    return out;
  }
  return String(value);
}
