/** The benchmark's generator must give the same bytes for the same seed, in every layout. */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BENCH_LAYOUTS, emptyFacts, generateGzipBuffer, generateLines, generateText, type BenchLayout } from '../../bench/generate.ts';

function digest(seed: number, layout: BenchLayout, bytes = 200_000): string {
  const hash = createHash('sha256');
  for (const line of generateLines({ seed, layout, bytes })) hash.update(line);
  return hash.digest('hex');
}

describe('bench generator', () => {
  it.each(BENCH_LAYOUTS)('gives the same %s batch for the same seed and another for another seed', (layout) => {
    expect(digest(7, layout)).toBe(digest(7, layout));
    expect(digest(7, layout)).not.toBe(digest(8, layout));
  });

  it('writes one JSON record per line for the JSON layouts, one <Event> per line for XML', () => {
    for (const layout of ['ecs', 'nxlog'] as const) {
      for (const line of generateLines({ seed: 3, layout, bytes: 100_000 })) {
        expect(line.endsWith('\n')).toBe(true);
        expect(() => JSON.parse(line)).not.toThrow();
      }
    }
    for (const line of generateLines({ seed: 3, layout: 'event-xml', bytes: 100_000 })) {
      expect(line).toMatch(/^<Event xmlns='[^']+'><System>.*<\/Event>\n$/);
    }
  });

  it('puts the same events in every layout when asked for a count', () => {
    const ecs = [...generateLines({ seed: 5, layout: 'ecs', bytes: 0, events: 300 })].map((l) => Number(JSON.parse(l).winlog.event_id));
    const nxlog = [...generateLines({ seed: 5, layout: 'nxlog', bytes: 0, events: 300 })].map((l) => JSON.parse(l).EventID as number);
    const xml = [...generateLines({ seed: 5, layout: 'event-xml', bytes: 0, events: 300 })].map((l) => Number(/<EventID>(\d+)</.exec(l)?.[1]));
    expect(ecs).toHaveLength(300);
    expect(nxlog).toEqual(ecs);
    expect(xml).toEqual(ecs);
    // The mix: Security, Sysmon and PowerShell all present.
    for (const id of [4624, 4688, 1, 3, 7]) expect(ecs).toContain(id);
  });

  it('counts what it generated, and the gzip stream decompresses to exactly the text', async () => {
    const options = { seed: 11, layout: 'nxlog' as const, bytes: 300_000 };
    const text: Buffer[] = [];
    const textFacts = emptyFacts();
    for await (const chunk of generateText(options, textFacts)) text.push(Buffer.from(chunk));
    const { gzip, facts } = await generateGzipBuffer(options);
    expect(gunzipSync(gzip).equals(Buffer.concat(text))).toBe(true);
    expect(facts).toEqual(textFacts);
    expect(facts.bytes).toBe(Buffer.concat(text).byteLength);
    expect(facts.bytes).toBeGreaterThanOrEqual(300_000);
    expect(facts.bytes / facts.events).toBeGreaterThan(500);
    expect(facts.bytes / facts.events).toBeLessThan(2500);
  });
});
