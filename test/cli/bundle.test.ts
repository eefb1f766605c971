/** The built CLI and function carry the rule pack inside them: no rules/ directory needed at run time. */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_HEAP_FLAGS } from '../../lib/scan/heap-limits.ts';
import { buildAll } from '../../scripts/build.ts';
import { findOldNode } from './support/old-node.ts';

const run = promisify(execFile);
const old = findOldNode();
if (!old) console.log('SKIPPED dist/winsift.mjs on an old Node: no Node older than 22 on this machine');
const ROOT = new URL('../..', import.meta.url).pathname;

describe('esbuild bundles', () => {
  // `npm test` builds dist/ before vitest starts; rebuilding here would delete the function
  // bundle under the feet of the CDK synth tests running beside this file. Built only if absent.
  beforeAll(async () => {
    const built = ['dist/winsift.mjs', 'dist/scan-worker.mjs', 'dist/functions/scan/index.mjs'].every((f) => existsSync(join(ROOT, f)));
    if (!built) await buildAll();
  }, 120_000);

  it('dist/winsift.mjs scans from a directory with no rules/ beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-bundle-'));
    // The bin (the Node version check) and the CLI it loads: the whole of what is installed.
    copyFileSync(join(ROOT, 'dist/winsift.mjs'), join(dir, 'winsift.mjs'));
    copyFileSync(join(ROOT, 'dist/winsift-cli.mjs'), join(dir, 'winsift-cli.mjs'));
    const sample = join(ROOT, 'samples/winlogbeat-bits.ndjson');
    const { stdout } = await run(process.execPath, [join(dir, 'winsift.mjs'), 'scan', '--format', 'jsonl', sample], {
      cwd: dir,
    });
    const ids = new Set(stdout.trim().split('\n').map((l) => JSON.parse(l).rule.id));
    expect(ids).toContain('90f138c1-f578-4ac3-8c49-eecfd847c8b7');
  });

  it('the bin starts Node with the scan\'s heap flags (its shebang), and so does `npm run winsift`', async () => {
    const bin = join(ROOT, 'dist/winsift.mjs');
    expect(readFileSync(bin, 'utf8').split('\n', 1)[0]).toBe(`#!/usr/bin/env -S node ${NODE_HEAP_FLAGS.join(' ')}`);
    // Run as a program, the way npx and a shell run a bin: the kernel reads that line.
    const sample = join(ROOT, 'samples/winlogbeat-bits.ndjson');
    const { stdout } = await run(bin, ['scan', '--format', 'jsonl', sample], {
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` },
    });
    expect(stdout).toContain('90f138c1-f578-4ac3-8c49-eecfd847c8b7');
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['winsift'];
    expect(script).toBe(`node ${NODE_HEAP_FLAGS.join(' ')} lib/cli/start.mjs`);
  });

  it('dist/winsift.mjs --threads 2 runs its workers from dist/scan-worker.mjs; without it, says so and scans on one thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-bundle-threads-'));
    copyFileSync(join(ROOT, 'dist/winsift.mjs'), join(dir, 'winsift.mjs'));
    copyFileSync(join(ROOT, 'dist/winsift-cli.mjs'), join(dir, 'winsift-cli.mjs'));
    const sample = join(ROOT, 'samples/winlogbeat-bits.ndjson');
    const files = [sample, sample, sample];
    const scan = (threads: string) => run(process.execPath, [join(dir, 'winsift.mjs'), 'scan', '--threads', threads, '--format', 'jsonl', ...files], { cwd: dir });
    const one = await scan('1');
    const missing = await scan('2');
    expect(missing.stderr).toMatch(/a worker thread could not start \(.*scan-worker\.mjs.*\): the files left are scanned on the main thread/);
    expect(missing.stdout).toBe(one.stdout);
    copyFileSync(join(ROOT, 'dist/scan-worker.mjs'), join(dir, 'scan-worker.mjs'));
    const two = await scan('2');
    expect(two.stderr).not.toContain('could not start');
    expect(two.stdout).toBe(one.stdout);
    expect(one.stdout.trim().split('\n')).toHaveLength(24);
  });

  it.skipIf(!old)(`dist/winsift.mjs on ${old?.version ?? 'an old Node'} says it needs Node 22, not a link error`, async () => {
    const result = await run(old!.path, [join(ROOT, 'dist/winsift.mjs'), 'scan', 'samples/'], { cwd: ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('winsift needs Node 22 or later');
    expect(result.stderr).not.toMatch(/does not provide an export|SyntaxError/);
  });

  it('the scan function embeds every bundled rule text', () => {
    const code = readFileSync(join(ROOT, 'dist/functions/scan/index.mjs'), 'utf8');
    expect(code).toContain('6d44fb93-e7d2-475c-9d3d-54c9c1e33427');
    expect(code).not.toMatch(/readdirSync\([^)]*rules/);
  });
});
