/** The rule-pack configuration: every key read and checked, errors naming file, key and reason. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPack } from '../../lib/rules/build-pack.ts';
import { PackConfigError, parsePackConfig, readPackConfig } from '../../lib/rules/pack-config.ts';
import { compileGlob } from '../../lib/rules/path-glob.ts';
import { bitsRule, tempTree } from './support.ts';

const tree = tempTree({
  'ours/a.yml': bitsRule('00000000-0000-4000-8000-00000000000a', 'alpha.example', { level: 'low', tags: ['attack.t1197', 'attack.defense-evasion'] }),
  'ours/b.yml': bitsRule('00000000-0000-4000-8000-00000000000b', 'beta.example', { level: 'high', status: 'experimental' }),
  'ours/noisy/c.yml': bitsRule('00000000-0000-4000-8000-00000000000c', 'gamma.example', { level: 'medium' }),
  'ours/expand.yml': `title: Known DC
id: 00000000-0000-4000-8000-00000000000d
logsource: { product: windows, service: bits-client }
detection:
  selection:
    Computer|expand: '%known_cdcs%'
  condition: selection
`,
});
afterAll(() => tree.remove());

function config(text: string) {
  const file = tree.write('pack.yml', text);
  return { file, config: parsePackConfig(text, file) };
}

function expectError(text: string, key: string, reason: RegExp): void {
  const file = join(tree.dir, 'pack.yml');
  let error: unknown;
  try {
    parsePackConfig(text, file);
  } catch (e) {
    error = e;
  }
  expect(error, `expected an error for key ${key}`).toBeInstanceOf(PackConfigError);
  const e = error as PackConfigError;
  expect(e.file).toBe(file);
  expect(e.key).toBe(key);
  expect(e.reason).toMatch(reason);
  expect(e.message).toContain(`${file}: ${key}: `);
}

describe('parsePackConfig', () => {
  it('reads every section, paths relative to the file', () => {
    const { config: c } = config(`winsift-rule-pack: 1
name: corp
rules: [ours]
bundled: false
placeholders:
  known_cdcs: [DC01, DC02]
select:
  min-level: medium
  status: [test, Stable]
  include: { tags: ['attack.t1197'] }
  exclude: { ids: [x], paths: ['ours/noisy/**'] }
  noisy: [y]
  include-noisy: true
levels:
  00000000-0000-4000-8000-00000000000a: critical
`);
    expect(c.name).toBe('corp');
    expect(c.rules).toEqual([join(tree.dir, 'ours')]);
    expect(c.bundled).toBe(false);
    expect(c.pipelines).toEqual({ builtin: true, use: [] });
    expect(c.placeholders).toEqual({ known_cdcs: ['DC01', 'DC02'] });
    expect(c.select).toEqual({
      minLevel: 'medium',
      status: ['test', 'stable'],
      include: { ids: [], tags: ['attack.t1197'], paths: [] },
      exclude: { ids: ['x'], tags: [], paths: ['ours/noisy/**'] },
      noisy: ['y'],
      includeNoisy: true,
    });
    expect(c.levels).toEqual({ '00000000-0000-4000-8000-00000000000a': 'critical' });
  });

  it('refuses bad input with the file, the key and the reason', () => {
    expectError('rules: [ours]\n', 'winsift-rule-pack', /missing/);
    expectError('winsift-rule-pack: 2\n', 'winsift-rule-pack', /schema version 2/);
    expectError('winsift-rule-pack: 1\nrule: [ours]\n', 'rule', /unknown key/);
    expectError('winsift-rule-pack: 1\nrules: ours\n', 'rules', /expected a list/);
    expectError('winsift-rule-pack: 1\nrules: [missing-dir]\n', 'rules[0]', /does not exist/);
    expectError('winsift-rule-pack: 1\nbundled: yes please\n', 'bundled', /true or false/);
    expectError('winsift-rule-pack: 1\nselect: { min-level: severe }\n', 'select.min-level', /one of informational/);
    expectError('winsift-rule-pack: 1\nselect: { minlevel: high }\n', 'select.minlevel', /unknown key/);
    expectError('winsift-rule-pack: 1\nselect: { include: { id: [a] } }\n', 'select.include.id', /unknown key/);
    expectError('winsift-rule-pack: 1\nlevels: { abc: urgent }\n', 'levels.abc', /one of/);
    expectError('winsift-rule-pack: 1\npipelines: { use: [./nope.yml] }\n', 'pipelines.use[0]', /does not exist/);
    expectError('winsift-rule-pack: 1\nplaceholders: { known: [{a: 1}] }\n', 'placeholders.known[0]', /non-empty string/);
    expectError('winsift-rule-pack: 1\nname: "bad name!"\n', 'name', /letters, digits/);
    expectError('[1, 2]\n', '-', /YAML map/);
    expectError('winsift-rule-pack: 1\nrules: [\n', '-', /not YAML/);
  });

  it('a rule directory stands for a configuration of that directory', () => {
    const c = readPackConfig(join(tree.dir, 'ours'));
    expect(c.rules).toEqual([join(tree.dir, 'ours')]);
    expect(c.bundled).toBe(true);
    expect(c.name).toBe('ours');
  });
});

describe('buildPack: selection, levels, placeholders', () => {
  const ids = (text: string) => {
    const { file } = config(text);
    const built = buildPack(file);
    return { built, ids: [...built.content.sigma.map((r) => r.meta.id), ...built.content.eql.map((r) => r.meta.id)].sort() };
  };
  const A = '00000000-0000-4000-8000-00000000000a';
  const B = '00000000-0000-4000-8000-00000000000b';
  const C = '00000000-0000-4000-8000-00000000000c';
  const D = '00000000-0000-4000-8000-00000000000d';

  it('placeholders feed |expand; without them the rule is reported, not silently dropped', () => {
    const withValues = ids('winsift-rule-pack: 1\nrules: [ours]\nbundled: false\nplaceholders: { known_cdcs: [DC01] }\n');
    expect(withValues.ids).toEqual([A, B, C, D]);
    const without = ids('winsift-rule-pack: 1\nrules: [ours]\nbundled: false\n');
    expect(without.ids).toEqual([A, B, C]);
    expect(without.built.content.errors.map((e) => e.ruleId)).toEqual([D]);
  });

  it('min-level after level overrides, status, include by tag, exclude by path glob, noisy', () => {
    const base = 'winsift-rule-pack: 1\nrules: [ours]\nbundled: false\nplaceholders: { known_cdcs: [DC01] }\n';
    expect(ids(`${base}select: { min-level: medium }\n`).ids).toEqual([B, C, D]);
    const raised = ids(`${base}select: { min-level: high }\nlevels: { ${A}: critical, nobody: low }\n`);
    expect(raised.ids).toEqual([A, B]);
    expect(raised.built.content.sigma.find((r) => r.meta.id === A)!.meta.level).toBe('critical');
    expect(raised.built.selection.unknownLevelIds).toEqual(['nobody']);
    expect(ids(`${base}select: { status: [test] }\n`).ids).toEqual([A, C, D]);
    expect(ids(`${base}select: { include: { tags: ['attack.t11*'] } }\n`).ids).toEqual([A]);
    expect(ids(`${base}select: { exclude: { paths: ['ours/noisy/**'] } }\n`).ids).toEqual([A, B, D]);
    const noisy = ids(`${base}select: { noisy: [${B}] }\n`);
    expect(noisy.ids).toEqual([A, C, D]);
    expect(noisy.built.selection.leftOut.noisy).toBe(1);
    expect(ids(`${base}select: { noisy: [${B}], include-noisy: true }\n`).ids).toEqual([A, B, C, D]);
  });

  it('bundled: true adds the bundled rules under bundled: paths', () => {
    const { built } = ids('winsift-rule-pack: 1\nrules: [ours]\nselect: { include: { paths: ["bundled:*"] } }\n');
    expect(built.content.sigma.every((r) => r.meta.source.startsWith('bundled:'))).toBe(true);
    expect(built.content.sigma.length + built.content.eql.length).toBeGreaterThanOrEqual(4);
  });
});

describe('compileGlob', () => {
  it('* stays within a directory, ** crosses them, ? is one character', () => {
    expect(compileGlob('rules/*.yml')('rules/a.yml')).toBe(true);
    expect(compileGlob('rules/*.yml')('rules/x/a.yml')).toBe(false);
    expect(compileGlob('rules/**/*.yml')('rules/a.yml')).toBe(true);
    expect(compileGlob('rules/**/*.yml')('rules/x/y/a.yml')).toBe(true);
    expect(compileGlob('RULES/?.YML')('rules/a.yml')).toBe(true);
    expect(compileGlob('rules\\a.yml')('rules/a.yml')).toBe(false); // a backslash in a glob is literal...
    expect(compileGlob('rules/a.yml')('rules\\a.yml')).toBe(true); // ...but paths are read with either separator
  });
  it('a hostile pattern costs pattern x text, not exponential time', () => {
    const glob = compileGlob(`${'*a'.repeat(200)}b`);
    expect(glob('a'.repeat(5000))).toBe(false);
  });
});

describe('suppress: the pack configuration\'s suppression section', () => {
  const A = '00000000-0000-4000-8000-00000000000a';
  const B = '00000000-0000-4000-8000-00000000000b';
  const C = '00000000-0000-4000-8000-00000000000c';
  const base = 'winsift-rule-pack: 1\nrules: [ours]\nbundled: false\n';

  it('reads a default and entries: windows in the rule attribute\'s syntax, key fields, off', () => {
    const { config: c } = config(`${base}suppress:
  default: { window: 2h, by: [Computer, TargetUserName] }
  rules:
    - match: { ids: [${A}], tags: ['attack.t11*'], levels: [low, medium], paths: ['ours/noisy/**'] }
      window: 30m
    - match: { ids: [${B}] }
      window: 1d
      by: SubjectUserName
    - match: { ids: [${C}] }
      window: off
    - match: { ids: [${C}] }
      window: false
`);
    expect(c.suppress).toEqual({
      default: { windowMs: 7_200_000, by: ['Computer', 'TargetUserName'] },
      rules: [
        { match: { ids: [A], tags: ['attack.t11*'], levels: ['low', 'medium'], paths: ['ours/noisy/**'] }, setting: { windowMs: 1_800_000 } },
        { match: { ids: [B], tags: [], levels: [], paths: [] }, setting: { windowMs: 86_400_000, by: ['SubjectUserName'] } },
        { match: { ids: [C], tags: [], levels: [], paths: [] }, setting: 'never' },
        { match: { ids: [C], tags: [], levels: [], paths: [] }, setting: 'never' },
      ],
    });
    expect(config(`${base}suppress: { default: 15m }\n`).config.suppress).toEqual({ default: { windowMs: 900_000 }, rules: [] });
    // Without the section: nothing, and the configuration records as before.
    expect(config(base).config.suppress).toEqual({ rules: [] });
  });

  it('refuses a bad entry naming the file, the entry and the reason', () => {
    const s = `${base}suppress:\n`;
    expectError(`${s}  window: 1h\n`, 'suppress.window', /unknown key \(known: default, rules\)/);
    expectError(`${s}  default: hourly\n`, 'suppress.default', /expected a window such as 30m.*got "hourly"/);
    expectError(`${s}  default: 0m\n`, 'suppress.default', /expected a window/);
    expectError(`${s}  default: 3600\n`, 'suppress.default', /got 3600/);
    expectError(`${s}  default: off\n`, 'suppress.default', /cannot be off/);
    expectError(`${s}  default: 2y\n`, 'suppress.default', /longer than a year/);
    expectError(`${s}  default: { by: [Computer] }\n`, 'suppress.default.window', /missing/);
    expectError(`${s}  default: { window: 1h, key: [Computer] }\n`, 'suppress.default.key', /unknown key \(known: window, by\)/);
    expectError(`${s}  rules: { ids: [x] }\n`, 'suppress.rules', /expected a list/);
    expectError(`${s}  rules: [1h]\n`, 'suppress.rules[0]', /expected a map/);
    expectError(`${s}  rules:\n    - window: 1h\n`, 'suppress.rules[0].match', /missing: say which rules/);
    expectError(`${s}  rules:\n    - match: {}\n      window: 1h\n`, 'suppress.rules[0].match', /selects no rule/);
    expectError(`${s}  rules:\n    - match: { id: [x] }\n      window: 1h\n`, 'suppress.rules[0].match.id', /unknown key \(known: ids, tags, levels, paths\)/);
    expectError(`${s}  rules:\n    - match: { levels: [severe] }\n      window: 1h\n`, 'suppress.rules[0].match.levels[0]', /one of informational/);
    expectError(`${s}  rules:\n    - match: { ids: [x] }\n`, 'suppress.rules[0].window', /missing: a window .* or off/);
    expectError(`${s}  rules:\n    - match: { ids: [x] }\n      window: 1h\n    - match: { ids: [y] }\n      window: 5 minutes\n`, 'suppress.rules[1].window', /expected a window.*got "5 minutes"/);
    expectError(`${s}  rules:\n    - match: { ids: [x] }\n      window: off\n      by: [Computer]\n`, 'suppress.rules[0].by', /switched off has no key/);
    expectError(`${s}  rules:\n    - match: { ids: [x] }\n      window: 1h\n      by: []\n`, 'suppress.rules[0].by', /at least one field/);
    expectError(`${s}  rules:\n    - match: { ids: [x] }\n      window: 1h\n      by: [Computer, Computer]\n`, 'suppress.rules[0].by', /"Computer" is listed twice/);
    expectError(`${s}  rules:\n    - match: { ids: [x] }\n      window: 1h\n      key: [Computer]\n`, 'suppress.rules[0].key', /unknown key \(known: match, window, by\)/);
  });

  it('is resolved per rule when the pack is built: ids, tag globs, levels after overrides, path globs; the last entry wins', () => {
    const build = (text: string) => buildPack(config(text).file);
    const pack = build(`${base}placeholders: { known_cdcs: [DC01] }
levels: { ${B}: low }
suppress:
  default: 1h
  rules:
    - match: { tags: ['attack.t11*'] }
      window: 10m
    - match: { levels: [low] }
      window: 20m
      by: [User]
    - match: { paths: ['ours/noisy/*.yml'] }
      window: off
    - match: { ids: [nobody] }
      window: 5m
`);
    // A is tagged and low: the later entry (levels) wins; B is low after the override; C by path.
    expect(pack.content.suppress).toEqual({
      default: { windowMs: 3_600_000 },
      byRule: { [A]: { windowMs: 1_200_000, by: ['User'] }, [B]: { windowMs: 1_200_000, by: ['User'] }, [C]: 'never' },
    });
    expect(pack.suppression.unmatchedEntries).toEqual([3]);
    expect(pack.suppression.unknownIds).toEqual([{ entry: 3, id: 'nobody' }]);
    // The section is part of what the pack is: changing it changes the version.
    const other = build(`${base}placeholders: { known_cdcs: [DC01] }\nlevels: { ${B}: low }\nsuppress: { default: 2h }\n`);
    expect(other.version).not.toBe(pack.version);
    // Without the section the content carries nothing (and the pack format stays version 1).
    expect(build(base).content.suppress).toBeUndefined();
  });

  it('selects correlation rules by the id, tags and level their document declares', () => {
    const tree2 = tempTree({
      'rules/spray.yml': `${bitsRule('00000000-0000-4000-8000-0000000000e1', 'spray.example')}name: bits_spray
---
title: Many BITS downloads
id: 00000000-0000-4000-8000-0000000000e2
level: critical
tags: [attack.t1197]
correlation:
  type: event_count
  rules: [bits_spray]
  group-by: [Computer]
  timespan: 10m
  condition: { gte: 3 }
`,
      'pack.yml': 'winsift-rule-pack: 1\nrules: [rules]\nbundled: false\nsuppress:\n  rules:\n    - match: { levels: [critical] }\n      window: 6h\n',
    });
    try {
      const built = buildPack(join(tree2.dir, 'pack.yml'));
      expect(built.content.suppress?.byRule).toEqual({ '00000000-0000-4000-8000-0000000000e2': { windowMs: 21_600_000 } });
    } finally {
      tree2.remove();
    }
  });
});
