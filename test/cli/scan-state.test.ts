/** `winsift scan --state FILE` as a user runs it: correlations and suppression carried across files and runs in SQLite. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/run-cli.ts';


/** The real CLI (lib/cli/start.mjs) as a child process. */
const winsift = (...args: string[]) => runCli(args);

const RULES = `title: Failed logon
id: 40000000-0000-4000-8000-000000000001
name: failed_logon
author: winsift tests
level: low
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4625
  condition: selection
---
title: Password spray on one account
id: 40000000-0000-4000-8000-000000000002
author: winsift tests
level: high
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 10m
  condition:
    gte: 3
---
title: Service installed
id: 40000000-0000-4000-8000-000000000003
author: winsift tests
level: medium
logsource:
  product: windows
  service: system
detection:
  selection:
    EventID: 7045
  condition: selection
`;

function line(id: number, minute: number, second = 0): string {
  const at = new Date(Date.UTC(2026, 10, 20, 9, minute, second)).toISOString().replace('T', ' ').replace('Z', '');
  return JSON.stringify({ EventID: id, Channel: id === 7045 ? 'System' : 'Security', Hostname: 'DC01', EventTime: at, TargetUserName: 'alice' }) + '\n';
}

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'winsift-state-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'spray.yml'), RULES);
  return dir;
}

/** The jsonl format (test/cli/scan-command.test.ts): one object per match with --group event, the default for jsonl. */
interface JsonlLine {
  rule: { id: string; title: string; author: string };
  source: { uri: string; index: number };
  event: Record<string, unknown>;
  evidence: { field: string; value: unknown; test: string }[];
  host: string;
  id: string;
  count: number;
}
const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonlLine);

describe('winsift scan --state', () => {
  it('correlates a burst split across three files, one given twice and again in a later run, exactly once', async () => {
    const dir = setUp();
    for (const [i, name] of ['a.json', 'b.json', 'c.json'].entries()) writeFileSync(join(dir, name), line(4625, i * 2));
    const state = join(dir, 'state.sqlite');
    const args = ['scan', '--format', 'jsonl', '--rules', join(dir, 'rules'), '--state', state];
    const first = await winsift(...args, join(dir, 'a.json'), join(dir, 'b.json'), join(dir, 'a.json'));
    expect(first.code, first.stderr).toBe(0);
    expect(lines(first.stdout).map((m) => m.rule.title)).toEqual([]);
    const second = await winsift(...args, join(dir, 'c.json'), join(dir, 'b.json'));
    expect(lines(second.stdout).map((m) => m.rule.title)).toEqual(['Password spray on one account']);
    const fired = lines(second.stdout)[0]!;
    expect(fired.event).toMatchObject({ TargetUserName: 'alice', EventCount: 3 });
    expect(fired.rule).toMatchObject({ id: '40000000-0000-4000-8000-000000000002', author: 'winsift tests' });
    expect(second.stderr).toMatch(/state: 1 correlation\(s\) fired across files/);
    const third = await winsift(...args, join(dir, 'a.json'), join(dir, 'b.json'), join(dir, 'c.json'));
    expect(lines(third.stdout)).toEqual([]);
    // Without --state each file is its own scan: nothing correlates.
    const without = await winsift('scan', '--format', 'jsonl', '--rules', join(dir, 'rules'), join(dir, 'a.json'), join(dir, 'b.json'), join(dir, 'c.json'));
    expect(lines(without.stdout)).toEqual([]);
  });

  it('suppresses a noisy rule on one host across 20 files: one alert, then "N more" when the window closes', async () => {
    const dir = setUp();
    const files = Array.from({ length: 20 }, (_, i) => {
      const path = join(dir, `noisy-${String(i).padStart(2, '0')}.json`);
      writeFileSync(path, line(7045, i * 2) + line(7045, i * 2 + 1));
      return path;
    });
    const state = join(dir, 'state.sqlite');
    const args = ['scan', '--format', 'jsonl', '--rules', join(dir, 'rules'), '--state', state, '--suppress', '1h'];
    const first = await winsift(...args, ...files);
    expect(first.code, first.stderr).toBe(0);
    const published = lines(first.stdout).filter((m) => m.rule.title === 'Service installed');
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ host: 'DC01', count: 1, source: { uri: files[0], index: 0 } });
    expect(first.stderr).toMatch(/39 repeat\(s\) suppressed/);
    writeFileSync(join(dir, 'later.json'), line(7045, 75));
    const later = await winsift(...args, join(dir, 'later.json'), files[3]!);
    const out = lines(later.stdout);
    expect(out.map((m) => [m.rule.title, m.event['SuppressedCount']])).toEqual([
      ['Service installed', undefined],
      ['Service installed', 39],
    ]);
    // The "N more": an alert of its own whose count is the repeats, said in its evidence, pointing at the window's opener.
    const summary = out[1]!;
    expect(summary).toMatchObject({ host: 'DC01', count: 39, source: { uri: files[0], index: 0 } });
    expect(summary.evidence[0]).toMatchObject({ field: 'SuppressedCount', value: 39 });
    expect(summary.event).toMatchObject({ WindowStart: '2026-11-20T09:00:00.000Z', WindowEnd: '2026-11-20T10:00:00.000Z' });
    expect(summary.id).not.toBe(published[0]!.id);
    expect(later.stderr).toMatch(/state: .*\b1 "N more" summary\(ies\)/);
  });

  it('--config with a suppress: section: its window suppresses a rule that has no attribute, its off overrides a rule\'s own', async () => {
    const dir = setUp();
    // A second rule that asks for suppression itself.
    writeFileSync(
      join(dir, 'rules', 'task.yml'),
      `title: Scheduled task created
id: 40000000-0000-4000-8000-000000000004
author: winsift tests
level: medium
suppress: 1h
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4698
  condition: selection
`,
    );
    const config = (suppress: string) => {
      const path = join(dir, `pack-${Math.random().toString(36).slice(2)}.yml`);
      writeFileSync(path, `winsift-rule-pack: 1\nname: tuned\nrules: [rules]\nbundled: false\n${suppress}`);
      return path;
    };
    const tuned = config(`suppress:
  rules:
    - match: { ids: [40000000-0000-4000-8000-000000000003] }
      window: 1h
    - match: { tags: [], levels: [], paths: ['rules/task.yml'] }
      window: off
`);
    const files = Array.from({ length: 5 }, (_, i) => {
      const path = join(dir, `o-${i}.json`);
      writeFileSync(path, line(7045, i * 2) + line(7045, i * 2 + 1) + line(4698, i * 2) + line(4698, i * 2 + 1));
      return path;
    });
    const titles = (stdout: string) => lines(stdout).map((m) => m.rule.title);
    const count = (stdout: string, title: string) => titles(stdout).filter((t) => t === title).length;

    const scan = await winsift('scan', '--format', 'jsonl', '--config', tuned, '--state', join(dir, 'tuned.sqlite'), ...files);
    expect(scan.code, scan.stderr).toBe(0);
    expect(count(scan.stdout, 'Service installed')).toBe(1); // the pack's 1h window: no attribute of its own
    expect(count(scan.stdout, 'Scheduled task created')).toBe(10); // its own 1h, switched off by the pack
    expect(scan.stderr).toMatch(/9 repeat\(s\) suppressed/);

    // The same rules without the section: the attribute suppresses the task, nothing suppresses the service.
    const plain = await winsift('scan', '--format', 'jsonl', '--config', config(''), '--state', join(dir, 'plain.sqlite'), ...files);
    expect([count(plain.stdout, 'Service installed'), count(plain.stdout, 'Scheduled task created')]).toEqual([10, 1]);

    // Without --state the section cannot apply, and says so.
    const stateless = await winsift('scan', '--format', 'jsonl', '--config', tuned, files[0]!);
    expect(stateless.stderr).toMatch(/suppress: section applies only with --state FILE/);
    expect(count(stateless.stdout, 'Service installed')).toBe(2);

    // rules pack carries it, and says what it set.
    const packed = await winsift('rules', 'pack', '--config', tuned, '-o', join(dir, 'tuned.json'));
    expect(packed.code, packed.stderr).toBe(0);
    expect(packed.stderr).toMatch(/suppression set for 2 rule\(s\)/);
    const typo = await winsift('rules', 'pack', '--config', config('suppress:\n  rules:\n    - match: { ids: [no-such-rule] }\n      window: 1h\n'), '-o', join(dir, 'typo.json'));
    expect(typo.stderr).toMatch(/suppress\.rules\[0\]\.match\.ids: no-such-rule names no rule/);
    expect(typo.stderr).toMatch(/suppress\.rules\[0\] matches no rule/);

    // A bad entry is a usage error naming the file, the entry and the reason.
    const badFile = config('suppress:\n  rules:\n    - match: { ids: [x] }\n      window: soon\n');
    const bad = await winsift('scan', '--config', badFile, '--state', join(dir, 'bad.sqlite'), files[0]!);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${badFile}: suppress.rules[0].window: expected a window such as 30m`);
  });

  it('refuses --suppress without --state, and names a bad window', async () => {
    expect((await winsift('scan', '--suppress', '1h', 'samples/')).code).toBe(1);
    const dir = setUp();
    const bad = await winsift('scan', '--state', join(dir, 's.sqlite'), '--suppress', 'hourly', 'samples/');
    expect(bad.code).not.toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--suppress must be a timespan such as 15m or 1h, not 'hourly'/);
    expect((await winsift('scan', '--state', join(dir, 'no', 'such', 's.sqlite'), 'samples/')).stderr).toMatch(/--state .*: no such directory/);
  });
});
