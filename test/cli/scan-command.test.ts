/** The README's main job, run as a user would: the CLI as a child process over the shipped sample. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

async function winsift(...args: string[]) {
  return run(process.execPath, [join(ROOT, 'lib/cli/winsift.ts'), ...args], { cwd: ROOT }).then(
    (r) => ({ ...r, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }),
  );
}

describe('winsift scan', () => {
  it('prints one JSON line per match for the shipped sample, with the rule author', async () => {
    const { stdout, stderr, code } = await winsift('scan', '--format', 'jsonl', 'samples/winlogbeat-bits.ndjson');
    expect(code, stderr).toBe(0);
    const matches = stdout.trim().split('\n').map((l) => JSON.parse(l));
    const byRule = (id: string) => matches.filter((m) => m.rule.id === id).map((m) => m.event.RemoteName);
    expect(byRule('90f138c1-f578-4ac3-8c49-eecfd847c8b7')).toEqual([
      'http://45.77.165.21/update/svchost.exe',
      'http://1drv.ms/u/s!AbCdEf', // the upstream substring list takes 1drv.ms for an IP
    ]);
    expect(byRule('3f0b3b8e-5d0c-4c55-9a0e-6f1b7a3c2d41')).toEqual(['http://45.77.165.21/update/svchost.exe']);
    const first = matches.find((m) => m.rule.id === '90f138c1-f578-4ac3-8c49-eecfd847c8b7');
    expect(Object.keys(first).sort()).toEqual(['event', 'rule', 'source']);
    expect(first.rule).toEqual({
      id: '90f138c1-f578-4ac3-8c49-eecfd847c8b7',
      title: 'BITS Transfer Job Download From Direct IP',
      level: 'high',
      author: 'Nasreddine Bencherchali (Nextron Systems)',
    });
    expect(first.source).toEqual({ uri: 'samples/winlogbeat-bits.ndjson', index: 0 });
    expect(stderr).toMatch(/scanned 1 file\(s\), 6 event\(s\) \(\+6 record\(s\) no rule can match, skipped unparsed\)/);
  });

  it('exits 2 naming each unreadable file, and still scans the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-cli-'));
    writeFileSync(join(dir, 'bad.json'), '{"winlog": nope\n');
    const { stdout, stderr, code } = await winsift(
      'scan',
      '--format',
      'jsonl',
      join(dir, 'bad.json'),
      join(dir, 'missing.json'),
      'samples/winlogbeat-bits.ndjson',
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(dir, 'bad.json')}: 1 unreadable record(s)`);
    expect(stderr).toMatch(/missing\.json: ENOENT/);
    expect(stdout.trim().split('\n').length).toBeGreaterThan(3);
  });

  it('rejects an unknown format with usage', async () => {
    const { code, stderr } = await winsift('scan', '--format', 'xml', 'samples');
    expect(code).toBe(1);
    expect(stderr).toMatch(/--format must be table or jsonl/);
  });
});
