/**
 * Records written without templates (whole elements inline) are rendered straight from their
 * bytes (lib/evtx/inline-record.ts). Its answers must be the tree walk's for the same bytes
 * (parseFragment + renderRecord, which the evtx_dump differential tests hold to evtx_dump), its
 * failures the walk's failures: hand-built records of every shape it takes, and of shapes it
 * hands back, compared record by record.
 */
import { describe, expect, it } from 'vitest';
import { ChunkTables, parseFragment } from '../../lib/evtx/binxml.ts';
import { ExpansionBudget } from '../../lib/evtx/expansion-budget.ts';
import { inlineRecordsGivenUp } from '../../lib/evtx/inline-record.ts';
import { readEvtx } from '../../lib/evtx/read-evtx.ts';
import { type JsonObject, renderRecord } from '../../lib/evtx/render-record.ts';
import { Bytes, buildEvtx, FRAGMENT_HEADER, templateDefinition } from './evtx-builder.ts';
import { pieces, readAll } from './evtx-samples.ts';

type Node =
  | string
  | { cdata: string }
  | { entity: string }
  | { charRef: number }
  | { instance: number }
  | { name: string; attrs?: [string, string][]; children?: Node[] };

/** Writes records' BinXML inline, names inline at first use in the chunk and referenced after. */
class InlineWriter {
  private readonly names = new Map<string, number>();
  private bytes = new Bytes();
  private base = 0;
  /** Chunk offset of the next record. */
  private recordAt = 512;
  readonly records: Uint8Array[] = [];

  record(nodes: Node[], cut = 0): this {
    this.base = this.recordAt + 24;
    this.bytes = new Bytes().u8(...FRAGMENT_HEADER);
    for (const node of nodes) this.node(node);
    this.bytes.u8(0x00);
    const binxml = this.bytes.bytes().subarray(0, this.bytes.length - cut);
    this.records.push(binxml);
    this.recordAt += 24 + binxml.length + 4;
    return this;
  }

  private at(): number {
    return this.base + this.bytes.length;
  }

  private name(name: string): void {
    const known = this.names.get(name);
    if (known !== undefined) {
      this.bytes.u32(known);
      return;
    }
    const at = this.at() + 4;
    this.bytes.u32(at).u32(0).u16(0).u16(name.length).utf16(name).u16(0);
    this.names.set(name, at);
  }

  private node(node: Node): void {
    if (typeof node === 'string') this.bytes.u8(0x05, 0x01).u16(node.length).utf16(node);
    else if ('cdata' in node) this.bytes.u8(0x07).u16(node.cdata.length).utf16(node.cdata);
    else if ('entity' in node) {
      this.bytes.u8(0x09);
      this.name(node.entity);
    } else if ('charRef' in node) this.bytes.u8(0x08).u16(node.charRef);
    else if ('instance' in node) this.bytes.u8(0x0c, 0x01).u32(0).u32(node.instance).u32(0);
    else {
      const attrs = node.attrs ?? [];
      this.bytes.u8(attrs.length > 0 ? 0x41 : 0x01).u32(0);
      this.name(node.name);
      if (attrs.length > 0) {
        this.bytes.u32(0);
        attrs.forEach(([name, value], i) => {
          this.bytes.u8(i < attrs.length - 1 ? 0x46 : 0x06);
          this.name(name);
          if (value !== '') this.node(value);
        });
      }
      const children = node.children ?? [];
      if (children.length === 0) {
        this.bytes.u8(0x03);
        return;
      }
      this.bytes.u8(0x02);
      for (const child of children) this.node(child);
      this.bytes.u8(0x04);
    }
  }
}

const el = (name: string, children: Node[] = [], attrs: [string, string][] = []): Node => ({ name, attrs, children });
const data = (name: string | undefined, value: string): Node => el('Data', value === '' ? [] : [value], name === undefined ? [] : [['Name', name]]);

/** What the tree walk renders for each record of the file's one chunk (an Error when it throws). */
function walked(file: Uint8Array, count: number): (JsonObject | string)[] {
  const chunk = file.subarray(4096, 4096 + 65536);
  const tables = new ChunkTables(chunk);
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const out: (JsonObject | string)[] = [];
  let offset = 512;
  for (let i = 0; i < count; i++) {
    const size = view.getUint32(offset + 4, true);
    try {
      tables.depth = 0;
      out.push(renderRecord(parseFragment(tables, offset + 24, offset + size - 4, false)));
    } catch (error) {
      out.push((error as Error).message);
    }
    offset += size;
  }
  return out;
}

async function read(file: Uint8Array, budget?: ExpansionBudget) {
  const records: { value: unknown; repeated?: unknown }[] = [];
  const reasons: string[] = [];
  for await (const item of readEvtx(pieces(file), 'inline.evtx', budget)) {
    if (item.kind === 'record') records.push(item.repeated ? { value: item.value, repeated: item.repeated } : { value: item.value });
    else reasons.push(item.error.reason);
  }
  return { records, reasons };
}

const SYSTEM = el('System', [
  el('Provider', [], [['Name', 'Microsoft-Windows-Windows Defender'], ['Guid', '{11cd958a-c507-4ef3-b3f2-5fd9dfbd2c78}']]),
  el('EventID', ['1151']),
  el('Correlation'),
  el('Channel', ['Microsoft-Windows-Windows Defender/Operational']),
  el('Security', [], [['UserID', 'S-1-5-18']]),
]);

describe('records written without templates', () => {
  it('render from their bytes as the tree walk renders them', async () => {
    const writer = new InlineWriter()
      .record([el('Event', [SYSTEM, el('EventData', [data('Product Name', '%%827'), data('Unused', ''), data(undefined, 'dropped'), data('Engine version', '  1.1.17100.2 ')])], [['xmlns', 'http://schemas.microsoft.com/win/2004/08/events/event']])])
      .record([el('Event', [SYSTEM, el('EventData', [data(undefined, 'a'), data(undefined, ''), data(undefined, 'c')])])])
      .record([el('Event', [el('EventData', [data(undefined, 'only')]), el('UserData', [el('Header', ['1']), el('Header', ['2']), el('Header', ['3']), el('Header_1', ['x'])])])])
      .record([el('Event', [el('EventData', [data('Same', 'first'), data('Other', 'o'), data('Same', 'second')])])])
      .record(['top text', el('Event', [' lead ', el('Child', ['c']), { entity: 'amp' }, { entity: 'nbsp' }, { charRef: 0x41 }, { cdata: '' }, 'tail '], [['A', ''], ['B', ' b ']]), el('Event', ['second wins'])])
      .record([el('E', [el('Data', ['not in a container'], [['Name', 'N']]), el('__proto__', ['p']), el('#text', ['t'])])]);
    const file = buildEvtx(writer.records);
    const before = inlineRecordsGivenUp();
    const { records, reasons } = await read(file);
    expect(reasons).toEqual([]);
    expect(inlineRecordsGivenUp()).toBe(before); // every one of these took the inline reader
    expect(records.map((r) => r.value)).toEqual(walked(file, writer.records.length));

    // And a few answers spelled out, so that both ways being wrong alike would show.
    const first = records[0]!.value as { Event: Record<string, unknown> };
    expect(first.Event['#attributes']).toEqual({ xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' });
    expect(first.Event['System']).toMatchObject({ EventID: '1151', Correlation: null, Security: { '#attributes': { UserID: 'S-1-5-18' } } });
    expect(first.Event['EventData']).toEqual({ 'Product Name': '%%827', Unused: '', 'Engine version': '1.1.17100.2' });
    expect((records[1]!.value as { Event: { EventData: unknown } }).Event.EventData).toEqual({ Data: { '#text': ['a', '', 'c'] } });
    expect((records[2]!.value as { Event: { UserData: unknown } }).Event.UserData).toEqual({ Header: '1', Header_1: '2', Header_1_1: 'x', Header_2: '3' });
    expect(records[3]).toEqual({
      value: { Event: { EventData: { Same: 'second', Other: 'o' } } },
      repeated: { names: ['Same'], firstWins: { Event: { EventData: { Same: 'first', Other: 'o' } } } },
    });
    expect(records[4]!.value).toEqual({ Event: 'second wins' });
    const e = (records[5]!.value as { E: Record<string, unknown> }).E;
    expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
    expect(Object.keys(e)).toEqual(['Data', '__proto__', '#text']);
  });

  it('hand a template instance among their elements back to the walk, with the same answer', async () => {
    const definitionAt = 0x8000;
    const writer = new InlineWriter().record([el('Event', [el('System', [el('EventID', ['4'])]), { instance: definitionAt }])]);
    const definition = templateDefinition(new Bytes().u8(...FRAGMENT_HEADER).u8(0x01).u16(0xffff).u32(0).u32(definitionAt + 24 + 4 + 11).u32(0).u16(0).u16(1).utf16('U').u16(0).u8(0x03).u8(0x00));
    const file = buildEvtx(writer.records, [{ offset: definitionAt, bytes: definition }]);
    const before = inlineRecordsGivenUp();
    const { records, reasons } = await read(file);
    expect(reasons).toEqual([]);
    expect(inlineRecordsGivenUp()).toBe(before + 1);
    expect(records.map((r) => r.value)).toEqual(walked(file, 1));
    expect(records[0]!.value).toEqual({ Event: { System: { EventID: '4' }, U: null } });
  });

  it('fail as the walk fails: a record cut short, one over its budget', async () => {
    const writer = new InlineWriter()
      .record([el('Event', [el('System', [el('EventID', ['1'])])])], 3) // the last end tags and EOF cut off
      .record([el('Event', [el('EventData', [data('Long', 'x'.repeat(400))])])])
      .record([el('Event', ['fine'])]);
    const file = buildEvtx(writer.records);
    const walk = walked(file, 3);
    expect(walk[0]).toMatch(/BinXML ends in the middle of an element/);
    const { records, reasons } = await read(file, new ExpansionBudget({ maxRecordExpansion: 300, maxExpansionRatio: 1e9 }));
    expect(reasons).toEqual([
      expect.stringContaining('BinXML ends in the middle of an element'),
      expect.stringContaining('maxRecordExpansion (300 characters)'),
    ]);
    expect(records.map((r) => r.value)).toEqual([{ Event: 'fine' }]);
  });

  it('count the characters the walk counts, for the object budget', async () => {
    const writer = new InlineWriter().record([el('Event', [SYSTEM, el('EventData', [data('A', 'abc'), { entity: 'lt' }])], [['xmlns', 'x']])]);
    const file = buildEvtx(writer.records);
    const budget = new ExpansionBudget({ maxRecordExpansion: 1e6, maxExpansionRatio: 1e9 });
    expect((await readAll(pieces(file))).records).toHaveLength(1);
    for await (const _ of readEvtx(pieces(file), 'inline.evtx', budget)) {
      // read it all
    }
    const walkBudget = new ExpansionBudget({ maxRecordExpansion: 1e6, maxExpansionRatio: 1e9 });
    const chunk = file.subarray(4096, 4096 + 65536);
    const size = new DataView(chunk.buffer, chunk.byteOffset).getUint32(512 + 4, true);
    renderRecord(parseFragment(new ChunkTables(chunk), 512 + 24, 512 + size - 4, false), walkBudget);
    expect(budget.objectChars).toBe(walkBudget.objectChars);
    expect(budget.objectChars).toBeGreaterThan(100);
  });
});
