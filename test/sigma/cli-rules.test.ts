/** `winsift rules list` and `winsift rules lint` over real files in a temporary directory. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../lib/cli/commands/rules.ts';
import { capture, ruleText } from './support.ts';

afterEach(() => vi.restoreAllMocks());

function ruleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'winsift-rules-'));
  writeFileSync(join(dir, 'good.yml'), ruleText('sel:\n  A: 1\ncondition: sel').replace('Test rule', 'Good rule'));
  writeFileSync(join(dir, 'bad.yml'), ruleText('sel:\n  A|frobnicate: 1\ncondition: sel').replace('000000000001', '000000000002'));
  return dir;
}

describe('winsift rules lint', () => {
  it('prints each error on one line (file, rule id, item, reason) and exits 2', async () => {
    const dir = ruleDir();
    const io = capture();
    expect(await run(['lint', dir])).toBe(2);
    expect(io.out()).toBe(`${join(dir, 'bad.yml')}: 00000000-0000-4000-8000-000000000002: sel: A|frobnicate: unsupported modifier 'frobnicate'\n`);
  });
  it('lists a Sigma re only a backtracking engine could run, with the reason; a nested quantifier is fine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-rules-'));
    writeFileSync(join(dir, 'backref.yml'), ruleText("sel:\n  CommandLine|re: '(\\w+) \\1'\ncondition: sel"));
    writeFileSync(join(dir, 'lookahead.yml'), ruleText("sel:\n  CommandLine|re: 'powershell(?!\\.exe)'\ncondition: sel").replace('000000000001', '000000000003'));
    writeFileSync(join(dir, 'fine.yml'), ruleText("sel:\n  CommandLine|re: '(a+)+$'\ncondition: sel").replace('000000000001', '000000000004'));
    const io = capture();
    expect(await run(['lint', dir])).toBe(2); // rules that do not load: bad input
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/backref\.yml: .*sel: CommandLine\|re: regex a backreference at offset 6 needs a backtracking engine/);
    expect(lines[1]).toMatch(/lookahead\.yml: .*regex lookahead at offset 10 needs a backtracking engine/);
  });
  it('exits 0 on the bundled pack', async () => {
    const io = capture();
    expect(await run(['lint'])).toBe(0);
    expect(io.out()).toBe('');
  });
  it('exits 1 (usage) on a missing directory, naming it', async () => {
    const io = capture();
    expect(await run(['lint', '/nonexistent/winsift'])).toBe(1);
    expect(io.err()).toMatch(/\/nonexistent\/winsift: no such file or directory/);
  });
});

describe('winsift rules list', () => {
  it('lists bundled rules plus --rules directories, and counts what did not load', async () => {
    const io = capture();
    expect(await run(['list', '--rules', ruleDir()])).toBe(0);
    expect(io.out()).toMatch(/^90f138c1-f578-4ac3-8c49-eecfd847c8b7\tsigma\thigh\tBITS Transfer Job Download From Direct IP\t/m);
    expect(io.out()).toMatch(/^00000000-0000-4000-8000-000000000001\tsigma\tmedium\tGood rule\t/m);
    expect(io.err()).toMatch(/1 not loaded:\n.*bad\.yml: 00000000-0000-4000-8000-000000000002: .*unsupported modifier 'frobnicate'/);
  });
  it('lists correlation rules with their type', async () => {
    const dir = ruleDir();
    writeFileSync(join(dir, 'corr.yml'), 'title: Burst\nid: 40000000-0000-4000-8000-000000000001\nlevel: high\ncorrelation:\n  type: event_count\n  rules: [00000000-0000-4000-8000-000000000001]\n  group-by: [Computer]\n  timespan: 5m\n  condition:\n    gte: 10\n');
    const io = capture();
    expect(await run(['list', '--rules', dir])).toBe(0);
    expect(io.out()).toMatch(/^40000000-0000-4000-8000-000000000001\tsigma-correlation:event_count\thigh\tBurst\t/m);
    expect(io.out().match(/^40000000-0000-4000-8000-000000000001\t/gm)).toHaveLength(1);
  });
  it('rejects an unknown sub-command', async () => {
    const io = capture();
    expect(await run(['frob'])).toBe(1);
    expect(io.err()).toMatch(/unknown command 'frob'/);
  });
});
