/**
 * Datadog log archives: one JSON per line `{_id, date, host, service, message, attributes}`,
 * the event under `attributes.Event` in an XML-derived shape (field facts marked "inferred" in
 * the shipper notes, so attributes are accepted as plain keys, `@`-prefixed or `#attributes`).
 */
import type { WinEvent } from '../../events/win-event.ts';
import { type MutableFields, pathValue, setField } from './canonical-fields.ts';
import { toFieldValue } from './evtx-json.ts';
import { isRecord, nameMap } from './record.ts';
import { stripSpacedNames } from './spaced-names.ts';

export function isDatadog(record: Record<string, unknown>): boolean {
  return isRecord(pathValue(record, 'attributes', 'Event', 'System'));
}

export function fromDatadog(record: Record<string, unknown>): WinEvent {
  const fields: MutableFields = nameMap();
  const system = pathValue(record, 'attributes', 'Event', 'System') as Record<string, unknown>;
  for (const [name, value] of Object.entries(system)) {
    if (!isRecord(value)) {
      setField(fields, name, value);
      continue;
    }
    for (const [key, inner] of Object.entries(value)) {
      if (key === '#attributes' && isRecord(inner)) {
        for (const [attr, attrValue] of Object.entries(inner)) setField(fields, `${name}_${attr}`, attrValue);
      } else if (key === '#text' || key === 'value' || key === '#value') {
        setField(fields, name, inner);
      } else {
        setField(fields, `${name}_${key.replace(/^@/, '')}`, inner);
      }
    }
  }
  if (fields['Computer'] === undefined) setField(fields, 'Computer', record['host']);
  const data = pathValue(record, 'attributes', 'Event', 'EventData', 'Data') ?? pathValue(record, 'attributes', 'Event', 'EventData');
  if (addNamedData(fields, data)) stripSpacedNames(fields);
  return { fields, raw: record, layout: 'datadog' };
}

/** `{Name: value}` maps, or `[{Name, #text}]` lists as the XML had them. Returns whether a
 *  name holds a space. */
function addNamedData(fields: MutableFields, data: unknown): boolean {
  let spaced = false;
  if (Array.isArray(data)) {
    for (const item of data) {
      if (!isRecord(item)) continue;
      const name = item['Name'] ?? item['@Name'] ?? pathValue(item, '#attributes', 'Name');
      if (typeof name !== 'string') continue;
      fields[name] = toFieldValue(item['#text'] ?? item['value'] ?? '');
      spaced ||= name.includes(' ');
    }
    return spaced;
  }
  if (!isRecord(data)) return false;
  for (const [name, value] of Object.entries(data)) {
    if (name === '#attributes') continue;
    fields[name] = toFieldValue(isRecord(value) && '#text' in value ? value['#text'] : value);
    spaced ||= name.includes(' ');
  }
  return spaced;
}
