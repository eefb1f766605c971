/**
 * Issue 16 row 2: templates whose substitutions are referenced many times render far more text
 * than the file holds (68 KB rendering ~480 M characters per record took 4.3 GB). Rendering is
 * counted per record (that record unreadable, the rest read) and per object (the file stops).
 */
import { describe, expect, it } from 'vitest';
import { ExpansionBudget } from '../../lib/evtx/expansion-budget.ts';
import { readEvtx } from '../../lib/evtx/read-evtx.ts';
import { InputError } from '../../lib/ingest/ingest-item.ts';
import { DEFAULT_LIMITS } from '../../lib/ingest/limits.ts';
import { readEvents } from '../../lib/ingest/read-events.ts';
import { Bytes, buildEvtx, FRAGMENT_HEADER, templateDefinition } from './evtx-builder.ts';
import { pieces, readAll } from './evtx-samples.ts';

const TEMPLATE_AT = 0xf000;
/** A template that is nothing but `slots` references to its substitution 0. */
const repeatingTemplate = (slots: number) => {
  const body = new Bytes().u8(...FRAGMENT_HEADER);
  for (let i = 0; i < slots; i++) body.u8(0x0d).u16(0).u8(0x01);
  return { offset: TEMPLATE_AT, bytes: templateDefinition(body.u8(0x00)) };
};

/** A template instance with string values (type 0x01, UTF-16). */
function instanceWith(definitionOffset: number, values: string[], into = new Bytes()): Bytes {
  into.u8(0x0c, 0x01).u32(0).u32(definitionOffset).u32(values.length);
  for (const value of values) into.u16(value.length * 2).u8(0x01).u8(0);
  for (const value of values) into.utf16(value);
  return into;
}

const recordOf = (...instances: string[][]) => {
  const body = new Bytes().u8(...FRAGMENT_HEADER);
  for (const values of instances) instanceWith(TEMPLATE_AT, values, body);
  return body.u8(0x00).bytes();
};

/** A plain `<E>x</E>` record written inline, for the record at chunk offset `recordOffset`. */
function plainRecordAt(recordOffset: number): Uint8Array {
  const nameOffset = recordOffset + 24 + 4 + 1 + 4 + 4;
  return new Bytes()
    .u8(...FRAGMENT_HEADER)
    .u8(0x01).u32(0).u32(nameOffset)
    .u32(0).u16(0).u16(1).utf16('E').u16(0)
    .u8(0x02)
    .u8(0x05, 0x01).u16(1).utf16('x')
    .u8(0x04, 0x00)
    .bytes();
}

describe('EVTX expansion budget', () => {
  it('a record whose one value is repeated past maxRecordExpansion is unreadable; the next record is read', async () => {
    // 1,000 references to an 8,000-character value: 8 M characters from a 24 KB record.
    const hostile = recordOf(['a'.repeat(8000)]);
    const fanOut = recordOf(...Array.from({ length: 5 }, () => ['b'.repeat(1000)]));
    const plainAt = 512 + (24 + hostile.length + 4) + (24 + fanOut.length + 4);
    const file = buildEvtx([hostile, fanOut, plainRecordAt(plainAt)], [repeatingTemplate(1000)]);
    const result = await readAll(pieces(file, [4096, 65536]));
    expect(result.records.map((r) => [r.recordId, r.value])).toEqual([[3, { E: 'x' }]]);
    const reason = `record renders to more than maxRecordExpansion (${DEFAULT_LIMITS.maxRecordExpansion} characters); stopped there`;
    expect(result.unreadable.map((u) => [u.error.location, u.error.reason, u.lostRecords])).toEqual([
      ['chunk 0 at offset 0x1000, record 1 at offset 0x200 in chunk', reason, 1],
      [`chunk 0 at offset 0x1000, record 2 at offset 0x${(512 + 24 + hostile.length + 4).toString(16)} in chunk`, reason, 1],
    ]);
  });

  it('records under their budget that together render out of proportion to the file stop the object', async () => {
    // Each record renders ~3.9 M characters (under 4 Mi); the file is 69,632 bytes.
    const records = Array.from({ length: 4 }, () => recordOf(['c'.repeat(3900)]));
    const file = buildEvtx(records, [repeatingTemplate(1000)]);
    const budget = new ExpansionBudget({ maxRecordExpansion: DEFAULT_LIMITS.maxRecordExpansion, maxExpansionRatio: 50 });
    const seen: string[] = [];
    const thrown = await (async () => {
      try {
        for await (const item of readEvtx(pieces(file), 'bomb.evtx', budget)) seen.push(item.kind === 'record' ? `record ${item.recordId}` : item.error.reason);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(seen).toEqual(['record 1', 'record 2', 'record 3']);
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).location).toBe('chunk 0 at offset 0x1000');
    expect((thrown as InputError).reason).toMatch(/^EVTX templates render \d+ characters from 69632 bytes \(\d+:1\), above maxExpansionRatio \(50:1\); treated as an expansion bomb$/);
  });

  it('through ingest: the limits come from IngestOptions, the bad record keeps its number', async () => {
    const hostile = recordOf(['a'.repeat(100)]); // 100,000 characters
    const file = buildEvtx([hostile, plainRecordAt(512 + 24 + hostile.length + 4)], [repeatingTemplate(1000)]);
    const items = [];
    for await (const item of readEvents(pieces(file), { uri: 'small.evtx', limits: { maxRecordExpansion: 50_000 } })) items.push(item);
    expect(items.map((i) => [i.index, i.kind])).toEqual([
      [0, 'unreadable'],
      [1, 'unreadable'], // the plain record holds no <Event>: read, and reported for that
    ]);
    expect(items[0]!.kind === 'unreadable' && items[0]!.error.reason).toBe('record renders to more than maxRecordExpansion (50000 characters); stopped there');
    const defaults = [];
    for await (const item of readEvents(pieces(file), { uri: 'small.evtx' })) defaults.push(item.kind === 'unreadable' ? item.error.reason : item.kind);
    expect(defaults[0]).toBe('EVTX record does not hold an <Event> with a <System> element');
  });
});
