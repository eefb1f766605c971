/**
 * Windows Event XML (`<Event><System>..</System><EventData><Data Name="X">..</Data>..`). The
 * element is turned into evtx_dump's JSON shape and read by `fromEvtxJson`, so XML and JSON
 * exports of one event give the same fields by construction. Values stay text, as in the XML.
 */
import type { WinEvent } from '../../events/win-event.ts';
import { fromEvtxJson } from './evtx-json.ts';
import { nameMap } from './record.ts';
import { parseXmlElement, type XmlNode, XmlSyntaxError } from './xml-element.ts';

/**
 * `warning`: read, but not exactly as written. An EventData name repeated is read as JSON keys
 * repeated are (record-reader.ts): the event has the last value, `alternates` the first, and the
 * scan matches both, so the repeat cannot hide a value from the rules.
 */
export type XmlResult =
  | { readonly event: WinEvent; readonly warning?: string; readonly alternates?: readonly WinEvent[]; readonly duplicateKeys?: readonly string[] }
  | { readonly reason: string };

export function fromEventXml(xml: string, maxDepth: number): XmlResult {
  let root: XmlNode;
  try {
    root = parseXmlElement(xml, maxDepth);
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    return { reason: `invalid Event XML: ${error.message}` };
  }
  const system = root.name === 'Event' ? root.children.find((c) => c.name === 'System') : undefined;
  if (!system) return { reason: 'Event XML without an <Event><System> element' };
  const shaped = nameMap<unknown>();
  shaped['System'] = systemShape(system);
  const repeated: string[] = [];
  for (const child of root.children) {
    if (child.name === 'EventData') shaped['EventData'] = eventDataShape(child, repeated);
    else if (child.name === 'UserData') shaped['UserData'] = genericShape(child);
  }
  const read = fromEvtxJson({ Event: shaped });
  const event: WinEvent = { fields: read.fields, raw: xml, layout: 'event-xml' };
  if (repeated.length === 0) return { event };
  const distinct = [...new Set(repeated)];
  const names = distinct.slice(0, 5).map((name) => JSON.stringify(name.slice(0, 40)));
  // The first-wins reading: the same shape with each repeated item's first value.
  const first = nameMap<unknown>();
  first['System'] = shaped['System'];
  if ('UserData' in shaped) first['UserData'] = shaped['UserData'];
  first['EventData'] = eventDataShape(root.children.find((c) => c.name === 'EventData')!, [], true);
  const alternate: WinEvent = { fields: fromEvtxJson({ Event: first }).fields, raw: xml, layout: 'event-xml' };
  return {
    event,
    warning: `EventData item name repeated (${names.join(', ')}): the last value is the event's, the first is matched too`,
    alternates: [alternate],
    duplicateKeys: distinct.slice(0, 8).map((name) => `EventData.${name.slice(0, 64)}`),
  };
}

/** `<EventID Qualifiers="0">4625</EventID>` -> `{#attributes, #text}`, as evtx_dump writes it. */
function systemShape(system: XmlNode): Record<string, unknown> {
  const out = nameMap<unknown>();
  for (const child of system.children) out[child.name] = leafShape(child);
  return out;
}

function leafShape(node: XmlNode): unknown {
  const hasAttributes = Object.keys(node.attributes).length > 0;
  if (!hasAttributes) return node.text === '' ? null : node.text;
  const out = nameMap<unknown>();
  out['#attributes'] = node.attributes;
  if (node.text !== '') out['#text'] = node.text;
  return out;
}

/** `<Data Name="X">v</Data>` items become `X: v`; unnamed items collect under `Data`. */
function eventDataShape(node: XmlNode, repeated: string[], firstWins = false): Record<string, unknown> {
  const out = nameMap<unknown>();
  const unnamed: string[] = [];
  for (const child of node.children) {
    const name = child.name === 'Data' ? child.attributes['Name'] : undefined;
    const again = name !== undefined && Object.hasOwn(out, name);
    if (again) repeated.push(name);
    if (name !== undefined) {
      if (!(again && firstWins)) out[name] = child.text;
    }
    else if (child.name === 'Data') unnamed.push(child.text);
    else out[child.name] = child.text;
  }
  if (unnamed.length > 0) out['Data'] = { '#text': unnamed.length === 1 ? unnamed[0] : unnamed };
  return out;
}

/** `<UserData>` trees: children by name (repeated names as lists), attributes under `#attributes`. */
function genericShape(node: XmlNode): unknown {
  if (node.children.length === 0) return leafShape(node);
  const out = nameMap<unknown>();
  if (Object.keys(node.attributes).length > 0) out['#attributes'] = node.attributes;
  for (const child of node.children) {
    const value = genericShape(child);
    const existing = out[child.name];
    if (existing === undefined) out[child.name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[child.name] = [existing, value];
  }
  return out;
}
