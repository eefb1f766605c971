/** On a Node older than 22, every way of starting winsift says so (and how to get one), exit 1. */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOldNode } from './support/old-node.ts';
import { ROOT, runCli } from './support/run-cli.ts';

const old = findOldNode();
if (!old) console.log('SKIPPED test/cli/node-version.test.ts: no Node older than 22 on this machine (/usr/bin/node, PATH)');

describe.skipIf(!old)(`on ${old?.version ?? 'an old Node'} (${old?.path ?? '-'})`, () => {
  it('node lib/cli/start.mjs (what npm run winsift runs) prints the Node version message', async () => {
    const { code, stdout, stderr } = await runCli(['scan', 'samples/'], { node: old!.path });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('winsift needs Node 22 or later');
    expect(stderr).toContain(old!.version);
    expect(stderr).toMatch(/nodejs\.org/);
    expect(stderr).toMatch(/scripts\/node24/);
    expect(stderr).not.toMatch(/Unknown file extension|does not provide an export|\n\s+at /);
  });

  it('npm run winsift with that Node first on PATH prints it too', async () => {
    const env = { ...process.env, PATH: `${dirname(old!.path)}:${process.env['PATH'] ?? ''}` };
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('npm', ['run', '--silent', 'winsift', '--', 'scan', 'samples/'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('winsift needs Node 22 or later');
    expect(result.stderr).toContain(old!.version);
  });
});
