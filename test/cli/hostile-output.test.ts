/**
 * Issue 16 row 8 through the CLI as a user runs it: a file name and record content carrying
 * terminal escapes (ESC, BEL) and bidi or invisible characters reach the terminal only as
 * visible `\u{...}` escapes, on stderr (diagnostics) and in the table; `--format jsonl` keeps
 * the exact value (JSON escaping is the only change).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/run-cli.ts';


/** The real CLI (lib/cli/start.mjs) as a child process. */
const winsift = (...args: string[]) => runCli(args);

/** What must never reach a terminal raw: C0/C1 controls but newline, bidi and invisible characters. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2066-\u2069\u3164\ufe0f\u{e0000}-\u{e007f}]/u;
const HOSTILE = '\u001b]0;pwned\u0007\u202e\u061c\u3164\u00ad\u180e\ufe0f\u{e0041}';

describe('hostile bytes reach the terminal escaped', () => {
  it('in stderr diagnostics: a file name and a JSON error snippet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-hostile-'));
    const name = join(dir, `evil${HOSTILE}.json`);
    writeFileSync(name, `{"winlog": "${HOSTILE}" nope\n`);
    const { stderr, code } = await winsift('scan', '--format', 'jsonl', name, join(dir, `missing${HOSTILE}.json`));
    expect(code).toBe(2);
    expect(stderr).not.toMatch(RAW);
    expect(stderr).toContain('evil\\u{1B}]0;pwned\\u{7}\\u{202E}\\u{61C}\\u{3164}\\u{AD}\\u{180E}\\u{FE0F}\\u{E0041}.json');
    expect(stderr).toMatch(/missing\\u\{1B\}.*ENOENT/);
  });

  it('in the table; jsonl keeps the exact value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-hostile-'));
    const file = join(dir, 'bits.ndjson');
    const sample = readFileSync(join(ROOT, 'samples/winlogbeat-bits.ndjson'), 'utf8').split('\n')[0]!;
    const record = JSON.parse(sample);
    record.winlog.computer_name = `WKS${HOSTILE}\r\nFAKE`;
    record.host.name = record.winlog.computer_name;
    writeFileSync(file, JSON.stringify(record) + '\n');

    const table = await winsift('scan', '--format', 'table', file);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).not.toMatch(RAW);
    expect(table.stdout).toContain('WKS\\u{1B}]0;pwned\\u{7}\\u{202E}');

    const jsonl = await winsift('scan', '--format', 'jsonl', file);
    const hosts = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l).event.Computer);
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) expect(host).toBe(`WKS${HOSTILE}\r\nFAKE`);
  });
});
