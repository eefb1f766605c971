/**
 * Template plans as code (lib/evtx/plan-code.ts): the shapes the generated code takes apart
 * (attributes some of whose values are empty, an element's own value and attributes, a BinXML
 * value holding another planned instance, a name the nested value would repeat) give the
 * answers the general walk gives, and one template stored at several offsets (as in every
 * chunk) shares one plan, while a template that differs in any name does not.
 */
import { describe, expect, it } from 'vitest';
import { ChunkTables, parseFragment, type TemplateInstance } from '../../lib/evtx/binxml.ts';
import { templatePlan } from '../../lib/evtx/template-plan.ts';
import { Bytes, buildEvtx, FRAGMENT_HEADER, templateDefinition } from './evtx-builder.ts';
import { pieces, readAll } from './evtx-samples.ts';

type Node = { sub: number; type?: number } | { name: string; attrs?: [string, string | { sub: number }][]; children?: Node[] } | string;

/** A template definition's BinXML (elements with dependency ids, names inline) for offset `at`. */
function templateBody(at: number, nodes: Node[]): Bytes {
  const bytes = new Bytes().u8(...FRAGMENT_HEADER);
  const base = at + 24;
  const name = (text: string) => {
    const offset = base + bytes.length + 4;
    bytes.u32(offset).u32(0).u16(0).u16(text.length).utf16(text).u16(0);
  };
  const node = (n: Node): void => {
    if (typeof n === 'string') {
      bytes.u8(0x05, 0x01).u16(n.length).utf16(n);
    } else if ('sub' in n) {
      bytes.u8(0x0d).u16(n.sub).u8(n.type ?? 0x01);
    } else {
      const attrs = n.attrs ?? [];
      bytes.u8(attrs.length > 0 ? 0x41 : 0x01).u16(0xffff).u32(0);
      name(n.name);
      if (attrs.length > 0) {
        bytes.u32(0);
        for (const [attrName, value] of attrs) {
          bytes.u8(0x06);
          name(attrName);
          node(value);
        }
      }
      const children = n.children ?? [];
      if (children.length === 0) bytes.u8(0x03);
      else {
        bytes.u8(0x02);
        children.forEach(node);
        bytes.u8(0x04);
      }
    }
  };
  nodes.forEach(node);
  return bytes.u8(0x00);
}

type Value = string | { binxml: Uint8Array } | null;

/** A template instance with string, BinXML and null values. */
function instance(definitionOffset: number, values: Value[], into = new Bytes()): Bytes {
  into.u8(0x0c, 0x01).u32(0).u32(definitionOffset).u32(values.length);
  for (const value of values) {
    if (value === null) into.u16(0).u8(0x00).u8(0);
    else if (typeof value === 'string') into.u16(value.length * 2).u8(0x01).u8(0);
    else into.u16(value.binxml.length).u8(0x21).u8(0);
  }
  for (const value of values) {
    if (typeof value === 'string') into.utf16(value);
    else if (value !== null) into.u8(...value.binxml);
  }
  return into;
}

const nested = (definitionOffset: number, values: Value[]) => ({
  binxml: instance(definitionOffset, values, new Bytes().u8(...FRAGMENT_HEADER)).u8(0x00).bytes(),
});
const record = (definitionOffset: number, values: Value[]) => instance(definitionOffset, values, new Bytes().u8(...FRAGMENT_HEADER)).u8(0x00).bytes();

const EVENT_AT = 0x6000;
const DATA_AT = 0x7000;
const DATA_COPY_AT = 0x7800;
const DATA_OTHER_AT = 0x8000;
const CLASH_AT = 0x8800;
const POSITIONAL_AT = 0x9000;

const event = templateBody(EVENT_AT, [
  {
    name: 'Event',
    attrs: [['xmlns', 'x']],
    children: [
      {
        name: 'System',
        children: [
          { name: 'Provider', attrs: [['Name', { sub: 0 }], ['Guid', { sub: 1 }]] },
          { name: 'EventID', attrs: [['Qualifiers', { sub: 2 }]], children: [{ sub: 3 }] },
        ],
      },
      { sub: 4, type: 0x21 },
    ],
  },
]);
const eventData = (at: number, second = 'B') =>
  templateBody(at, [{ name: 'EventData', children: [{ name: 'Data', attrs: [['Name', 'A']], children: [{ sub: 0 }] }, { name: 'Data', attrs: [['Name', second]], children: [{ sub: 1 }] }] }]);
const clash = templateBody(CLASH_AT, [{ name: 'System', children: [{ sub: 0 }] }]);
const positional = templateBody(POSITIONAL_AT, [{ name: 'EventData', children: [{ name: 'Data', children: [{ sub: 0 }] }, { name: 'Data', children: [{ sub: 1 }] }] }]);

const extra = [
  { offset: EVENT_AT, bytes: templateDefinition(event) },
  { offset: DATA_AT, bytes: templateDefinition(eventData(DATA_AT)) },
  { offset: DATA_COPY_AT, bytes: templateDefinition(eventData(DATA_COPY_AT)) },
  { offset: DATA_OTHER_AT, bytes: templateDefinition(eventData(DATA_OTHER_AT, 'C')) },
  { offset: CLASH_AT, bytes: templateDefinition(clash) },
  { offset: POSITIONAL_AT, bytes: templateDefinition(positional) },
];

describe('template plans as code', () => {
  it('render every shape as the walk does', async () => {
    const records = [
      record(EVENT_AT, ['P', 'G', '', ' 7 ', nested(DATA_AT, ['a', 'b'])]),
      record(EVENT_AT, ['P', '', '0', '8', null]),
      record(EVENT_AT, ['', '', '', '', nested(DATA_COPY_AT, ['', 'd'])]),
      record(EVENT_AT, ['P', 'G', '1', '9', nested(CLASH_AT, ['s'])]), // a second System: the walk's suffix
      record(EVENT_AT, ['P', 'G', '1', '10', nested(POSITIONAL_AT, ['p', 'q'])]),
    ];
    const { records: read, unreadable } = await readAll(pieces(buildEvtx(records, extra)));
    expect(unreadable).toEqual([]);
    expect(read.map((r) => r.value)).toEqual([
      { Event: { '#attributes': { xmlns: 'x' }, System: { Provider: { '#attributes': { Name: 'P', Guid: 'G' } }, EventID: '7' }, EventData: { A: 'a', B: 'b' } } },
      { Event: { '#attributes': { xmlns: 'x' }, System: { Provider: { '#attributes': { Name: 'P' } }, EventID: { '#attributes': { Qualifiers: '0' }, '#text': '8' } } } },
      { Event: { '#attributes': { xmlns: 'x' }, System: { Provider: null, EventID: null }, EventData: { A: '', B: 'd' } } },
      { Event: { '#attributes': { xmlns: 'x' }, System: { Provider: { '#attributes': { Name: 'P', Guid: 'G' } }, EventID: { '#attributes': { Qualifiers: '1' }, '#text': '9' } }, System_1: 's' } },
      { Event: { '#attributes': { xmlns: 'x' }, System: { Provider: { '#attributes': { Name: 'P', Guid: 'G' } }, EventID: { '#attributes': { Qualifiers: '1' }, '#text': '10' } }, EventData: { Data: { '#text': ['p', 'q'] } } } },
    ]);
  });

  it('share one plan between copies of a template, not between templates that differ', () => {
    const records = [
      record(EVENT_AT, ['P', 'G', '', '1', nested(DATA_AT, ['a', 'b'])]),
      record(EVENT_AT, ['P', 'G', '', '2', nested(DATA_COPY_AT, ['a', 'b'])]),
      record(EVENT_AT, ['P', 'G', '', '3', nested(DATA_OTHER_AT, ['a', 'b'])]),
    ];
    const chunk = buildEvtx(records, extra).subarray(4096, 4096 + 65536);
    const tables = new ChunkTables(chunk);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const nestedTemplates = [];
    let offset = 512;
    for (let i = 0; i < records.length; i++) {
      const size = view.getUint32(offset + 4, true);
      const top = parseFragment(tables, offset + 24, offset + size - 4, false)[0] as TemplateInstance;
      const value = top.values[4] as { nodes: readonly TemplateInstance[] };
      nestedTemplates.push(value.nodes[0]!.template);
      offset += size;
    }
    const [first, copy, other] = nestedTemplates.map((t) => templatePlan(t, true));
    expect(first).not.toBeNull();
    expect(copy).toBe(first);
    expect(other).not.toBe(first);
    expect(other!.roots).toHaveLength(1);
  });
});
