/**
 * Which suppression a rule gets when the pack configuration, the rule's own attribute and the
 * global default (--suppress, SUPPRESS_WINDOW) all have a say (lib/state/suppression-options.ts):
 * the options themselves, then the matches published when a configured pack, written and read
 * back as the function reads it, scans objects against a SQLite store.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPack, recordedConfig } from '../../lib/rules/build-pack.ts';
import { readCompiledPack, writeCompiledPack } from '../../lib/rules/compiled-pack.ts';
import { loadPackContent, type RulePack } from '../../lib/rules/rule-pack.ts';
import { scanStream } from '../../lib/scan/scan-stream.ts';
import { crossObjectState } from '../../lib/state/cross-object-state.ts';
import { openSqliteStateStore } from '../../lib/state/sqlite-state-store.ts';
import { suppressionOptions } from '../../lib/state/suppression-options.ts';
import { CollectingSink } from '../support/collecting-sink.ts';
import { tempTree } from '../rules/support.ts';

const rule = (n: number, eventId: number, extra = '') => `title: Rule ${n}
id: 30000000-0000-4000-8000-00000000000${n}
author: winsift tests
level: medium
${extra}logsource:
  product: windows
  service: system
detection:
  selection:
    EventID: ${eventId}
  condition: selection
`;

const tree = tempTree({
  // 1: no attribute; 2: its own 1h; 3: its own 1h; 4: no attribute.
  'rules/r.yml': [rule(1, 7001), rule(2, 7002, 'suppress: 1h\n'), rule(3, 7003, 'suppress: 1h\n'), rule(4, 7004)].join('---\n'),
});
afterAll(() => tree.remove());

/** Built from a configuration, then written and read back as a precompiled pack (the function's path). */
function packOf(suppress: string): RulePack {
  const file = tree.write(`pack-${Math.random().toString(36).slice(2)}.yml`, `winsift-rule-pack: 1\nrules: [rules]\nbundled: false\n${suppress}`);
  const built = buildPack(file);
  expect(built.content.errors).toEqual([]);
  const compiled = readCompiledPack(writeCompiledPack(built.content, { name: 'test', config: recordedConfig(built.config) }), join(tree.dir, 'pack.json'));
  return loadPackContent(compiled.content, compiled.version);
}

const RULE = (n: number) => `30000000-0000-4000-8000-00000000000${n}`;

describe('suppressionOptions', () => {
  it('the pack default fills in when no global default is given; a global one replaces its window, keeps its key', () => {
    const pack = { suppress: { default: { windowMs: 3_600_000, by: ['TargetUserName'] }, byRule: { [RULE(1)]: 'never' as const } } };
    expect(suppressionOptions(pack)).toEqual({ defaultSuppressMs: 3_600_000, defaultSuppressBy: ['TargetUserName'], suppressByRule: new Map([[RULE(1), 'never']]) });
    expect(suppressionOptions(pack, 600_000)).toEqual({ defaultSuppressMs: 600_000, defaultSuppressBy: ['TargetUserName'], suppressByRule: new Map([[RULE(1), 'never']]) });
    expect(suppressionOptions({}, 600_000)).toEqual({ defaultSuppressMs: 600_000 });
    expect(suppressionOptions({})).toEqual({});
  });
});

describe('precedence, scanning objects', () => {
  let clock = 0;
  const event = (id: number, minute: number, user = 'svc') =>
    JSON.stringify({
      EventID: id,
      Channel: 'System',
      Hostname: 'DC01',
      EventTime: new Date(Date.UTC(2026, 10, 20, 9, 0, 0) + minute * 60_000 + clock++).toISOString().replace('T', ' ').replace('Z', ''),
      TargetUserName: user,
    });

  /** How many matches of each rule were published over three objects, each with two events of every rule. */
  async function published(pack: RulePack, globalDefaultMs?: number, users: readonly string[] = ['svc']): Promise<Record<string, number>> {
    const store = openSqliteStateStore({ path: ':memory:' });
    const state = crossObjectState(pack, { store, ...suppressionOptions(pack, globalDefaultMs) });
    const counts: Record<string, number> = {};
    try {
      for (const n of [0, 1, 2]) {
        const key = `o${n}.json`;
        const lines = [7001, 7002, 7003, 7004].flatMap((id) => users.flatMap((u) => [event(id, n * 3, u), event(id, n * 3 + 1, u)]));
        const object = { bucket: 'logs', key, etag: `e-${key}`, uri: `s3://logs/${key}` };
        const sink = new CollectingSink();
        async function* input() {
          yield Buffer.from(lines.join('\n'));
        }
        await scanStream(input(), { uri: object.uri, detector: pack.detector, sink: state.wrapSink(sink, object), object, crossObject: state });
        for (const m of sink.matches) counts[m.rule.title] = (counts[m.rule.title] ?? 0) + 1;
      }
    } finally {
      await store.close();
    }
    return counts;
  }

  it('pack per-rule entry > the rule attribute > the default; off overrides an attribute', async () => {
    const pack = packOf(`suppress:
  rules:
    - match: { ids: [${RULE(1)}] }
      window: 1h
    - match: { ids: [${RULE(2)}] }
      window: off
`);
    // Rule 1 has no attribute: the pack's window suppresses it. Rule 2's own 1h is switched off by
    // the pack. Rule 3 keeps its own 1h. Rule 4 has nothing anywhere: every match published.
    expect(await published(pack)).toEqual({ 'Rule 1': 1, 'Rule 2': 6, 'Rule 3': 1, 'Rule 4': 6 });
    // A global default reaches only rule 4: the entries and the attributes are more specific.
    expect(await published(pack, 3_600_000)).toEqual({ 'Rule 1': 1, 'Rule 2': 6, 'Rule 3': 1, 'Rule 4': 1 });
  });

  it('the pack default and its key; a global window replaces the window, not the key', async () => {
    const pack = packOf('suppress:\n  default: { window: 1h, by: [TargetUserName] }\n');
    // Keyed by user: two users, one alert each for the rules the default reaches (1 and 4).
    expect(await published(pack, undefined, ['alice', 'bob'])).toEqual({ 'Rule 1': 2, 'Rule 2': 1, 'Rule 3': 1, 'Rule 4': 2 });
    // A 1-minute global window: events 1 minute apart open new windows per user (and the closed
    // windows' "N more" summaries come out too), so more than the 2 per rule of the 1h default.
    const short = await published(pack, 60_000, ['alice', 'bob']);
    expect(short['Rule 1']).toBeGreaterThan(2);
    expect(short['Rule 4']).toBeGreaterThan(2);
    expect({ r2: short['Rule 2'], r3: short['Rule 3'] }).toEqual({ r2: 1, r3: 1 });
  });
});
