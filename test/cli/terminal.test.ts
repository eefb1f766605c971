/**
 * On a terminal (a real pseudo-terminal from util-linux `script`): the table by default, sized to
 * the terminal, and a progress line on stderr that is erased before the summary. Off a terminal:
 * no progress line, jsonl.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli } from './support/run-cli.ts';

const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.log('SKIPPED test/cli/terminal.test.ts (pty part): util-linux `script` is not installed');

function onTerminal(args: string[], columns: number): string {
  const command = `stty cols ${columns} rows 50; "${process.execPath}" "${CLI}" ${args.map((a) => `'${a}'`).join(' ')}`;
  return execFileSync('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
}

/** What the terminal shows: per line, what follows the last carriage return, escapes removed. */
function screen(out: string): string[] {
  return out
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => (line.split('\r').at(-1) ?? '').replaceAll('\x1b[2K', ''));
}

describe.skipIf(!hasScript)('on a terminal', () => {
  it.each([80, 120])('prints the table fitted to %i columns, with a progress line erased before the summary', (columns) => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-tty-'));
    writeFileSync(join(dir, 'big.ndjson'), readFileSync(join(ROOT, 'samples/winlogbeat-bits.ndjson'), 'utf8').repeat(200));
    const out = onTerminal(['scan', join(dir, 'big.ndjson')], columns);
    const visible = screen(out);
    expect(visible[0]).toMatch(/^LEVEL\s+TIME\s+RECORD\s+COUNT/);
    // The progress line: drawn, then erased (\r + erase-line) before anything else is written.
    expect(out).toMatch(/\r\x1b\[2K\[1\/1\] · [^\r\n]*big\.ndjson/);
    expect(visible).toContainEqual(expect.stringMatching(/^winsift: 6 alerts \(1,600 matches\)/));
    for (const line of visible) expect(Array.from(line).length, line).toBeLessThanOrEqual(columns);
  });

  it('--quiet: no progress line and no summary', () => {
    const out = onTerminal(['scan', '-q', 'samples/'], 100);
    expect(out).not.toContain('\x1b[2K');
    expect(out).not.toMatch(/winsift: \d+ alerts/);
    expect(screen(out)[0]).toMatch(/^LEVEL/);
  });
});

describe('off a terminal', () => {
  it('no progress line on stderr and jsonl on stdout', async () => {
    const { stdout, stderr } = await runCli(['scan', 'samples/']);
    expect(stderr).not.toMatch(/[\r\x1b]/);
    expect(stdout.split('\n')[0]).toMatch(/^\{"rule":/);
  });
});
