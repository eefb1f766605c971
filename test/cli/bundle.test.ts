/** The built CLI and function carry the rule pack inside them: no rules/ directory needed at run time. */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAll } from '../../scripts/build.ts';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

describe('esbuild bundles', () => {
  beforeAll(async () => {
    await buildAll();
  }, 120_000);

  it('dist/winsift.mjs scans from a directory with no rules/ beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-bundle-'));
    copyFileSync(join(ROOT, 'dist/winsift.mjs'), join(dir, 'winsift.mjs'));
    const sample = join(ROOT, 'samples/winlogbeat-bits.ndjson');
    const { stdout } = await run(process.execPath, [join(dir, 'winsift.mjs'), 'scan', '--format', 'jsonl', sample], {
      cwd: dir,
    });
    const ids = new Set(stdout.trim().split('\n').map((l) => JSON.parse(l).rule.id));
    expect(ids).toContain('90f138c1-f578-4ac3-8c49-eecfd847c8b7');
  });

  it('the scan function embeds every bundled rule text', () => {
    const code = readFileSync(join(ROOT, 'dist/functions/scan/index.mjs'), 'utf8');
    expect(code).toContain('6d44fb93-e7d2-475c-9d3d-54c9c1e33427');
    expect(code).not.toMatch(/readdirSync\([^)]*rules/);
  });
});
