/**
 * Template structures built to hang or exhaust a naive reader: each costs its own record only,
 * with a clear reason, and the reader finishes.
 */
import { describe, expect, it } from 'vitest';
import { Bytes, buildEvtx, FRAGMENT_HEADER, instanceOf, templateDefinition } from './evtx-builder.ts';
import { pieces, readAll } from './evtx-samples.ts';

/** A plain record: fragment, <E>x</E> written inline with the name inline too. */
function plainRecordAt(recordOffset: number): Uint8Array {
  const binxmlStart = recordOffset + 24;
  const nameOffset = binxmlStart + 4 + 1 + 4 + 4; // after fragment header, token, data size, name offset
  return new Bytes()
    .u8(...FRAGMENT_HEADER)
    .u8(0x01).u32(0).u32(nameOffset) // open <E> (no dependency id outside templates), name inline:
    .u32(0).u16(0).u16(1).utf16('E').u16(0)
    .u8(0x02) // close start tag
    .u8(0x05, 0x01).u16(1).utf16('x') // value "x"
    .u8(0x04, 0x00) // end element, end of fragment
    .bytes();
}

describe('readEvtx on hostile template structures (hand-built files)', () => {
  it('reads a hand-built plain record', async () => {
    const result = await readAll(pieces(buildEvtx([plainRecordAt(512)])));
    expect(result.unreadable).toEqual([]);
    expect(result.records.map((r) => r.value)).toEqual([{ E: 'x' }]);
  });

  it('a template that instantiates itself costs its record, not a stack overflow', async () => {
    const definitionAt = 0x8000;
    const selfReferring = templateDefinition(instanceOf(definitionAt, new Bytes().u8(...FRAGMENT_HEADER)).u8(0x00));
    const looping = instanceOf(definitionAt, new Bytes().u8(...FRAGMENT_HEADER)).u8(0x00).bytes();
    const plainAt = 512 + 24 + looping.length + 4;
    const result = await readAll(pieces(buildEvtx([looping, plainRecordAt(plainAt)], [{ offset: definitionAt, bytes: selfReferring }])));
    expect(result.records.map((r) => r.recordId)).toEqual([2]);
    expect(result.unreadable).toHaveLength(1);
    expect(result.unreadable[0]!.lostRecords).toBe(1);
    expect(result.unreadable[0]!.error.location).toBe('chunk 0 at offset 0x1000, record 1 at offset 0x200 in chunk');
    expect(result.unreadable[0]!.error.reason).toMatch(/template definition refers to itself/);
  });

  it('templates fanning out tenfold per level stop at the node budget', async () => {
    // Level 0 is a text value; level k holds ten instances of level k-1: 10^6 nodes at level 6.
    const extra: { offset: number; bytes: Uint8Array }[] = [];
    let previous = 0x4000;
    extra.push({ offset: previous, bytes: templateDefinition(new Bytes().u8(...FRAGMENT_HEADER).u8(0x05, 0x01).u16(1).utf16('a').u8(0x00)) });
    for (let level = 1; level <= 6; level++) {
      const offset = 0x4000 + level * 0x400;
      const body = new Bytes().u8(...FRAGMENT_HEADER);
      for (let i = 0; i < 10; i++) instanceOf(previous, body);
      extra.push({ offset, bytes: templateDefinition(body.u8(0x00)) });
      previous = offset;
    }
    const fanOut = instanceOf(previous, new Bytes().u8(...FRAGMENT_HEADER)).u8(0x00).bytes();
    const result = await readAll(pieces(buildEvtx([fanOut], extra)));
    expect(result.records).toEqual([]);
    expect(result.unreadable.map((u) => u.error.reason)).toEqual([
      expect.stringMatching(/record expands to more than 100000 nodes/),
    ]);
  });
});
