/**
 * The prefilter may only skip records that no rule can match: these tests try to hide a needle
 * from it every way JSON allows, and check a real scan finds the same matches with and without it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldString } from '../../lib/sigma/case-fold.ts';
import { categoryNeedles, channelNeedles, createPrefilter, unionNeedles } from '../../lib/scan/prefilter.ts';
import { generateGzipBuffer } from '../../bench/generate.ts';

const BITS = 'Microsoft-Windows-Bits-Client/Operational';
const bitsFilter = createPrefilter([{ text: BITS, caseInsensitive: true }, { text: 'file', caseInsensitive: false }])!;
const line = (record: unknown): Buffer => Buffer.from(JSON.stringify(record));

describe('needles', () => {
  it('come from Sigma routes, and are none when one rule may match any channel', () => {
    expect(channelNeedles([{ channels: ['Security'], foreign: false }, { channels: null, foreign: true }])).toEqual([{ text: 'Security', caseInsensitive: true }]);
    expect(channelNeedles([{ channels: ['Security'], foreign: false }, { channels: null, foreign: false }])).toBeUndefined();
  });

  it('come from EQL categories, and are none for `any where`', () => {
    expect(categoryNeedles(['file', 'file'])).toEqual([{ text: 'file', caseInsensitive: false }]);
    expect(categoryNeedles(['file', null])).toBeUndefined();
  });

  it('of several detectors are none when one detector has none', () => {
    expect(unionNeedles([[{ text: 'a', caseInsensitive: true }], undefined])).toBeUndefined();
  });

  it('that cannot be searched for provably give no prefilter', () => {
    expect(createPrefilter([{ text: 'Sécurité', caseInsensitive: true }])).toBeUndefined();
    expect(createPrefilter([{ text: 'a"b', caseInsensitive: true }])).toBeUndefined();
    expect(createPrefilter([])).toBeUndefined();
  });
});

describe('mayMatch', () => {
  it('keeps records holding a needle in any case, skips the others', () => {
    expect(bitsFilter.mayMatch(line({ winlog: { channel: BITS, event_id: '16403' } }))).toBe(true);
    expect(bitsFilter.mayMatch(line({ Channel: BITS.toUpperCase() }))).toBe(true);
    expect(bitsFilter.mayMatch(line({ Channel: BITS.toLowerCase() }))).toBe(true);
    expect(bitsFilter.mayMatch(line({ event: { category: 'file' } }))).toBe(true);
    expect(bitsFilter.mayMatch(line({ Channel: 'Security', EventID: 4624, Image: 'C:\\Windows\\System32\\svchost.exe' }))).toBe(false);
    // The EQL category is an exact term: `File` cannot be `file`.
    expect(bitsFilter.mayMatch(line({ event: { category: 'File' } }))).toBe(false);
  });

  it('keeps records whose escaping could hide a needle', () => {
    expect(bitsFilter.mayMatch(Buffer.from('{"Channel":"Microsoft-Windows-Bits-Client\\/Operational"}'))).toBe(true);
    expect(bitsFilter.mayMatch(Buffer.from('{"Channel":"\\u004dicrosoft-Windows-Bits-Client/Operational"}'))).toBe(true);
    expect(bitsFilter.mayMatch(Buffer.from('<Event><System><Channel>&#77;icrosoft-Windows-Bits-Client/Operational</Channel></System></Event>'))).toBe(true);
    expect(bitsFilter.mayMatch(Buffer.from('<Event><Channel>Microsoft-Windows-Bits-<!---->Client/Operational</Channel></Event>'))).toBe(true);
    expect(bitsFilter.mayMatch(line({ Channel: 'Microsoft-Windows-Bits-Client/Operational'.replace('k', '\u212a') }))).toBe(true);
    // XML text split by a child element still reads as one value, alone or inside a JSON string.
    expect(bitsFilter.mayMatch(Buffer.from('<Event><System><Channel>Microsoft-Windows-Bits-<b/>Client/Operational</Channel></System></Event>'))).toBe(true);
    expect(bitsFilter.mayMatch(line({ logEvents: [{ message: '<Event><Channel>Microsoft-Windows-Bits-<b/>Client/Operational</Channel></Event>' }] }))).toBe(true);
  });

  it('keeps records that may hold several events, so event numbering never shifts', () => {
    const envelope = { messageType: 'DATA_MESSAGE', logGroup: 'g', logEvents: [{ id: '1', timestamp: 1, message: JSON.stringify({ Channel: 'Security' }) }] };
    expect(bitsFilter.mayMatch(line(envelope))).toBe(true);
  });

  it('keeps records that are not one whole object, so ingest still reports them', () => {
    expect(bitsFilter.mayMatch(Buffer.from('{"Channel":"Security","EventID":46'))).toBe(true);
    expect(bitsFilter.mayMatch(Buffer.from('garbage'))).toBe(true);
    expect(bitsFilter.mayMatch(Buffer.from(''))).toBe(true);
  });

  it('never skips a record whose Channel folds to the needle, however it is spelled and escaped', () => {
    // A spelling of the needle: each character in either case (or the Kelvin sign for k).
    const spelling = fc.array(fc.constantFrom('lower', 'upper', 'kelvin'), { minLength: BITS.length, maxLength: BITS.length }).map((cases) =>
      [...BITS].map((c, i) => (cases[i] === 'upper' ? c.toUpperCase() : cases[i] === 'kelvin' && c.toLowerCase() === 'k' ? '\u212a' : c.toLowerCase())).join(''),
    );
    // JSON text of a record, each character of each string escaped as \uXXXX (or `/` as `\/`) at random.
    const escapes = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 400, maxLength: 400 });
    const other = fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30, unit: 'grapheme' }), fc.integer()), { maxKeys: 6 });
    fc.assert(
      fc.property(spelling, escapes, other, fc.boolean(), (channel, dice, extra, nested) => {
        const record = nested ? { ...extra, winlog: { channel } } : { ...extra, Channel: channel };
        let d = 0;
        const text = toJson(record, (c) => {
          const roll = dice[d++ % dice.length]!;
          if (roll === 0) return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
          if (roll === 1 && c === '/') return '\\/';
          return JSON.stringify(c).slice(1, -1);
        });
        const parsed = JSON.parse(text) as { Channel?: string; winlog?: { channel: string } };
        const value = parsed.Channel ?? parsed.winlog?.channel ?? '';
        expect(foldString(value)).toBe(foldString(BITS));
        expect(bitsFilter.mayMatch(Buffer.from(text))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('a scan with the prefilter', () => {
  it.each(['ecs', 'nxlog'] as const)('finds exactly the matches of a full parse, at the same indexes (%s, bundled pack)', async (layout) => {
    const { seedRuleFiles } = await import('../../lib/rules/bundled.ts');
    const { loadRulePack } = await import('../../lib/rules/rule-pack.ts');
    const { scanStream } = await import('../../lib/scan/scan-stream.ts');
    const { CollectingSink } = await import('../support/collecting-sink.ts');
    const { chunksOf } = await import('../../bench/generate.ts');
    const { detector } = loadRulePack(seedRuleFiles());
    expect(detector.needles?.()).toBeDefined();
    const { gzip, facts } = await generateGzipBuffer({ seed: 42, layout, bytes: 8_000_000 });
    const scan = async (prefilter: boolean) => {
      const sink = new CollectingSink();
      const { summary } = await scanStream(chunksOf(gzip), { uri: 'test:batch', detector, sink, prefilter });
      return { summary, found: sink.matches.map((m) => `${m.rule.id}@${m.source.index}`) };
    };
    const full = await scan(false);
    const filtered = await scan(true);
    expect(facts.planted['bits-public-ip']).toBeGreaterThan(0);
    expect(full.found.length).toBeGreaterThan(0);
    expect(filtered.found).toEqual(full.found);
    expect(full.summary.skipped).toBe(0);
    expect(filtered.summary.events + filtered.summary.skipped).toBe(full.summary.events);
    expect(filtered.summary.skipped).toBeGreaterThan(facts.events / 2);
  });
});

/** JSON text with each character of each string written by `char` (plain, or escaped). */
function toJson(value: unknown, char: (c: string) => string): string {
  if (typeof value === 'string') return `"${[...value].map((c) => (c.length > 1 ? JSON.stringify(c).slice(1, -1) : char(c))).join('')}"`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => toJson(v, char)).join(',')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${toJson(k, char)}:${toJson(v, char)}`).join(',')}}`;
}
