/**
 * The precompiled pack: the same answers as the YAML it was built from (bundled pack always,
 * a SigmaHQ sample with ../shared), and a pack that is newer, changed, truncated or holds a
 * broken rule is refused as a whole with every problem listed.
 */
import { readdirSync, rmSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionAssetWithPack } from '../../infra/rule-pack-asset.ts';
import { FUNCTION_PACK_FILE, loadFunctionPack } from '../../lib/rules/bundled-pack.ts';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { WinEvent } from '../../lib/events/win-event.ts';
import { readEvents } from '../../lib/ingest/read-events.ts';
import { seedRuleFiles } from '../../lib/rules/bundled.ts';
import { buildPack, recordedConfig } from '../../lib/rules/build-pack.ts';
import { PACK_FORMAT_VERSION, readCompiledPack, RulePackError, writeCompiledPack } from '../../lib/rules/compiled-pack.ts';
import { defaultPackConfig } from '../../lib/rules/pack-config.ts';
import type { PackContent } from '../../lib/rules/pack-content.ts';
import { loadPackContent, loadRulePack, readRuleFiles } from '../../lib/rules/rule-pack.ts';
import type { Detector } from '../../lib/rules/rule.ts';
import { SigmaDetector } from '../../lib/sigma/detector.ts';
import { ecsBitsJob } from '../support/bits-events.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';
import { parseEcsForTest } from './ecs.ts';
import { tempTree } from './support.ts';

const roundTrip = (content: PackContent, name = 'test') => readCompiledPack(writeCompiledPack(content, { name, config: {} }), 'test.json');
const withoutPack = (content: PackContent) => ({
  ...content,
  sigma: content.sigma.map((r) => ({ ...r, meta: { ...r.meta, pack: undefined } })),
  eql: content.eql.map((r) => ({ ...r, meta: { ...r.meta, pack: undefined } })),
});
const answers = (detector: Detector, events: readonly WinEvent[]) => events.map((e) => detector.match(e).map((r) => r.id));

describe('a precompiled pack', () => {
  const seed = readRuleFiles(seedRuleFiles());

  it('holds exactly the rules read from YAML and TOML (the seed rules)', () => {
    expect(seed.errors).toEqual([]);
    const pack = roundTrip(seed);
    expect(isDeepStrictEqual(withoutPack(pack.content), withoutPack(seed))).toBe(true);
    expect(pack.version).toMatch(/^test@[0-9a-f]{12}$/);
    // Every rule names the pack it came from: alerts carry it.
    for (const r of [...pack.content.sigma, ...pack.content.eql]) expect(r.meta.pack).toBe(pack.version);
  });

  it('answers as the YAML does, Sigma and EQL, alert for alert', async () => {
    const events = await Promise.all(
      ['http://45.33.32.156/a.exe', 'https://update.example.zip/x', 'http://10.0.0.5/x', 'https://cdn.example.com/a'].map((url) => parseEcsForTest(ecsBitsJob(url))),
    );
    const fromYaml = loadRulePack(seedRuleFiles());
    const compiled = roundTrip(seed);
    const fromPack = loadPackContent(compiled.content, compiled.version);
    expect(answers(fromPack.detector, events)).toEqual(answers(fromYaml.detector, events));
    expect(answers(fromPack.detector, events).flat().length).toBeGreaterThan(3);
    expect(fromPack.detector.match(events[0]!).every((r) => r.pack === compiled.version)).toBe(true);
  });

  it('is refused when written for a newer pack format, naming both versions', () => {
    // A pack without suppression is written as version 1 (the lowest that reads it as meant).
    const text = writeCompiledPack(seed, { name: 'future', config: {} }).replace('"formatVersion":1,', `"formatVersion":${PACK_FORMAT_VERSION + 1},`);
    expect(() => readCompiledPack(text, 's3://packs/future.json')).toThrow(
      new RegExp(`s3://packs/future.json: rule pack refused: pack format version ${PACK_FORMAT_VERSION + 1} .* newer than ${PACK_FORMAT_VERSION}`),
    );
  });

  it('is refused when changed or truncated after it was written', () => {
    const text = writeCompiledPack(seed, { name: 'x', config: {} });
    expect(() => readCompiledPack(text.replace('"level":"high"', '"level":"low"'), 'p.json')).toThrow(/content hash is sha256:[0-9a-f]+, the header says/);
    expect(() => readCompiledPack(text.slice(0, text.length / 2), 'p.json')).toThrow(/not JSON/);
    expect(() => readCompiledPack('{"format":"something-else"}', 'p.json')).toThrow(/'format' is "something-else"/);
  });

  it('with broken rules is refused as a whole, listing every broken rule', () => {
    const broken: PackContent = {
      ...seed,
      sigma: seed.sigma.map((r, i) =>
        i === 0 ? { ...r, expr: { kind: 'xor', items: [] } as never } : i === 1 ? { ...r, route: { channels: 'Security', eventIds: null, foreign: false } as never } : r,
      ),
    };
    let error: unknown;
    try {
      roundTrip(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RulePackError);
    const problems = (error as RulePackError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`rule ${seed.sigma[0]!.meta.id}`);
    expect(problems[0]).toContain('unknown expression kind "xor"');
    expect(problems[1]).toContain(`rule ${seed.sigma[1]!.meta.id}`);
    expect(problems[1]).toContain('route');
  });
});

describe('a precompiled pack with the configuration\'s suppression', () => {
  const tree = tempTree({
    'pack.yml': `winsift-rule-pack: 1
name: tuned
suppress:
  default: { window: 1h, by: [Computer] }
  rules:
    - match: { tags: ['attack.t1197'] }
      window: 30m
      by: [Computer, RemoteName]
    - match: { ids: [90f138c1-f578-4ac3-8c49-eecfd847c8b7] }
      window: off
`,
  });
  afterAll(() => tree.remove());
  const built = buildPack(join(tree.dir, 'pack.yml'));

  it('carries it through writing and reading: as built, format version 2, on the loaded pack', () => {
    expect(built.content.suppress?.byRule['90f138c1-f578-4ac3-8c49-eecfd847c8b7']).toBe('never');
    expect(Object.keys(built.content.suppress?.byRule ?? {}).length).toBeGreaterThan(1);
    const text = writeCompiledPack(built.content, { name: built.config.name, config: recordedConfig(built.config) });
    const compiled = readCompiledPack(text, 'tuned.json');
    expect(compiled.header.formatVersion).toBe(2);
    expect(compiled.content.suppress).toEqual(built.content.suppress);
    expect(isDeepStrictEqual(withoutPack(compiled.content), withoutPack(built.content))).toBe(true);
    // The configuration is recorded in the header as well, for a person reading the pack.
    expect((compiled.header.config as { suppress?: unknown }).suppress).toEqual(built.config.suppress);
    const pack = loadPackContent(compiled.content, compiled.version);
    expect(pack.suppress).toEqual(built.content.suppress);
    // A pack without the section stays version 1, as every pack before it.
    expect(readCompiledPack(writeCompiledPack(readRuleFiles(seedRuleFiles()), { name: 'plain', config: {} }), 'plain.json').header.formatVersion).toBe(1);
  });

  it('the build-time pack (cdk -c rulePack=config) carries it into the function asset, and the function reads it', () => {
    const fakeBundle = tree.write('dist/scan/index.mjs', '// stands for the bundle\n');
    const asset = functionAssetWithPack(dirname(fakeBundle), join(tree.dir, 'pack.yml'));
    try {
      const { pack, origin } = loadFunctionPack(pathToFileURL(`${asset.dir}/`));
      expect(origin).toBe(FUNCTION_PACK_FILE);
      expect(pack.suppress).toEqual(built.content.suppress);
    } finally {
      rmSync(asset.dir, { recursive: true, force: true });
    }
  });

  it('is refused when its suppression is malformed, or claims format version 1', () => {
    const refused = (content: PackContent, edit: (text: string) => string = (t) => t): string[] => {
      try {
        readCompiledPack(edit(writeCompiledPack(content, { name: 'bad', config: {} })), 'bad.json');
      } catch (error) {
        expect(error).toBeInstanceOf(RulePackError);
        return [...(error as RulePackError).problems];
      }
      throw new Error('the pack was accepted');
    };
    const suppress = built.content.suppress!;
    expect(refused(built.content, (t) => t.replace('"formatVersion":2,', '"formatVersion":1,'))).toEqual([
      'content.suppress is in a pack of format version 1; it needs version 2',
    ]);
    const bad = { ...suppress, byRule: { ...suppress.byRule, x: { windowMs: -5 }, y: 'sometimes', z: { windowMs: 60_000, by: [] } } } as never;
    expect(refused({ ...built.content, suppress: bad })).toEqual([
      'content.suppress.byRule["x"]: not "never" or { windowMs: a positive whole number, by?: [field, ...] }',
      'content.suppress.byRule["y"]: not "never" or { windowMs: a positive whole number, by?: [field, ...] }',
      'content.suppress.byRule["z"]: not "never" or { windowMs: a positive whole number, by?: [field, ...] }',
    ]);
    expect(refused({ ...built.content, suppress: { ...suppress, default: 'never' } as never })).toEqual([
      'content.suppress.default: not { windowMs: a positive whole number, by?: [field, ...] }',
    ]);
    // A rule's own attribute is checked as well.
    const first = built.content.sigma[0]!;
    const odd = { ...built.content, sigma: [{ ...first, meta: { ...first.meta, suppress: { windowMs: '1h' } as never } }, ...built.content.sigma.slice(1)] };
    expect(refused(odd)[0]).toMatch(/\(rule [^)]+\): 'suppress': not "never" or \{ windowMs/);
  });
});

describe('repeated rule ids across sources', () => {
  it('a later source wins, once, reported as replaced rather than as an error', () => {
    const seedFiles = seedRuleFiles();
    const direct = seedFiles.find((f) => f.path === 'bundled:sigma-bits-direct-ip.yml')!;
    const userCopy = { path: 'mine/direct-ip.yml', text: direct.text.replace(/^level: .*$/m, 'level: critical'), layer: 2 };
    const pack = loadRulePack([...seedFiles, userCopy]);
    expect(pack.errors).toEqual([]);
    expect(pack.replaced).toEqual([{ id: '90f138c1-f578-4ac3-8c49-eecfd847c8b7', kept: 'mine/direct-ip.yml', dropped: 'bundled:sigma-bits-direct-ip.yml' }]);
    const rule = pack.detector.rules.find((r) => r.id === '90f138c1-f578-4ac3-8c49-eecfd847c8b7')!;
    expect(rule.level).toBe('critical');
    expect(pack.detector.rules.filter((r) => r.id === rule.id)).toHaveLength(1);
  });

  it('two copies in one source are still an error', () => {
    const direct = seedRuleFiles().find((f) => f.path === 'bundled:sigma-bits-direct-ip.yml')!;
    const pack = loadRulePack([direct, { ...direct, path: 'bundled:copy.yml' }]);
    expect(pack.errors.map((e) => e.reason)).toEqual([expect.stringContaining('duplicate rule id')]);
  });
});

describeShared('SigmaHQ rules/windows as a precompiled pack', () => {
  it('holds every rule exactly, and answers as the YAML does on the regression events', async () => {
    const windows = sharedPath('corpus', 'sigma', 'rules', 'windows');
    const built = buildPack({ ...defaultPackConfig([windows], sharedPath('corpus', 'sigma', 'rules'), 'sigmahq'), bundled: false });
    expect(built.content.sigma.length).toBeGreaterThan(2300);
    const compiled = readCompiledPack(writeCompiledPack(built.content, { name: 'sigmahq', config: recordedConfig(built.config) }), 'sigmahq.json');
    expect(isDeepStrictEqual(withoutPack(compiled.content), withoutPack(built.content))).toBe(true);

    const events: WinEvent[] = [];
    for (const json of regressionJson(sharedPath('corpus', 'sigma', 'regression_data', 'rules', 'windows'))) {
      for await (const item of readEvents(createReadStream(json), { uri: json })) if (item.kind === 'event') events.push(item.event);
    }
    expect(events.length).toBeGreaterThan(50);
    const eager = new SigmaDetector(built.content.sigma);
    const fromPack = loadPackContent(compiled.content, compiled.version).detector;
    const expected = answers(eager, events);
    expect(answers(fromPack, events)).toEqual(expected);
    expect(expected.flat().length).toBeGreaterThan(50);
  }, 300_000);
});

function regressionJson(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.json'))
    .sort()
    .map((p) => join(dir, p));
}
