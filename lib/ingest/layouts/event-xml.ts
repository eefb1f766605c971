/**
 * Windows Event XML (`<Event><System>..</System><EventData><Data Name="X">..</Data>..`). The
 * element is turned into evtx_dump's JSON shape and read by `fromEvtxJson`, so XML and JSON
 * exports of one event give the same fields by construction. Values stay text, as in the XML.
 */
import { XMLParser } from 'fast-xml-parser';
import type { WinEvent } from '../../events/win-event.ts';
import { fromEvtxJson } from './evtx-json.ts';
import { isRecord } from './record.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: '#attributes',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  // Leading and trailing spaces of a value (a command line) are data; whitespace-only text
  // between elements is dropped below instead.
  trimValues: false,
  removeNSPrefix: true,
  // Entities are decoded here in one pass: the parser leaves numeric references (`&#13;`) alone.
  processEntities: false,
  isArray: (_name, jpath) => jpath === 'Event.EventData.Data',
});

export type XmlResult = { readonly event: WinEvent } | { readonly reason: string };

export function fromEventXml(xml: string): XmlResult {
  let parsed: unknown;
  try {
    parsed = parser.parse(xml, true);
  } catch (error) {
    return { reason: `invalid Event XML: ${firstLine((error as Error).message)}` };
  }
  const event = isRecord(parsed) ? parsed['Event'] : undefined;
  if (!isRecord(event) || !isRecord(event['System'])) {
    return { reason: 'Event XML without an <Event><System> element' };
  }
  const shaped: Record<string, unknown> = { System: clean(event['System']) };
  if (event['EventData'] !== undefined) shaped['EventData'] = eventData(event['EventData']);
  if (event['UserData'] !== undefined) shaped['UserData'] = clean(event['UserData']);
  const read = fromEvtxJson({ Event: shaped });
  return { event: { fields: read.fields, raw: xml, layout: 'event-xml' } };
}

/** `<Data Name="X">v</Data>` items become `X: v`; unnamed items collect under `Data`. */
function eventData(node: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(node)) return out;
  const unnamed: unknown[] = [];
  for (const item of Array.isArray(node['Data']) ? node['Data'] : []) {
    const name = isRecord(item) && isRecord(item['#attributes']) ? item['#attributes']['Name'] : undefined;
    const value = textOf(item);
    if (typeof name === 'string') out[decodeEntities(name)] = value;
    else unnamed.push(value);
  }
  if (unnamed.length > 0) out['Data'] = { '#text': unnamed.length === 1 ? unnamed[0] : unnamed };
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'Data' && key !== '#attributes' && key !== '#text') out[key] = clean(value);
  }
  return out;
}

function textOf(item: unknown): string {
  if (typeof item === 'string') return decodeEntities(item);
  if (isRecord(item) && typeof item['#text'] === 'string') return decodeEntities(item['#text']);
  return '';
}

/** Decodes entities and drops whitespace-only text beside child elements, recursively. */
function clean(node: unknown): unknown {
  if (typeof node === 'string') return decodeEntities(node);
  if (Array.isArray(node)) return node.map(clean);
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(node);
  for (const key of keys) {
    const value = node[key];
    if (key === '#text' && keys.length > 1 && typeof value === 'string' && value.trim() === '') continue;
    out[key] = clean(value);
  }
  return out;
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, name: string) => {
    if (name[0] !== '#') return NAMED[name] ?? whole;
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
