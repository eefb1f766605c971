/**
 * Issue 16 row 5 from the user's side: a file that used to crash the CLI (stack overflow, exit 1,
 * no file named, later files not scanned) is reported with its name and the next file is scanned;
 * the work-budget flags reach ingest.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/run-cli.ts';

const SAMPLE = join(ROOT, 'samples/winlogbeat-bits.ndjson');

/** The real CLI (lib/cli/start.mjs) as a child process. */
const winsift = (...args: string[]) => runCli(args);

describe('winsift scan on hostile files', () => {
  it('a JSON file nested 5,000 deep and an XML one are reported by name; the files after them are scanned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-hostile-'));
    const first = readFileSync(SAMPLE, 'utf8').split('\n')[0]!;
    writeFileSync(join(dir, 'a-deep.json'), `${first}\n{"winlog":{"channel":"Microsoft-Windows-Bits-Client/Operational","event_data":${'['.repeat(5000)}${']'.repeat(5000)}}}\n`);
    writeFileSync(join(dir, 'b-deep.xml'), `<Event><System><EventID>1</EventID></System><UserData>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</UserData></Event>`);
    writeFileSync(join(dir, 'c-good.ndjson'), readFileSync(SAMPLE));
    const { stdout, stderr, code } = await winsift('scan', '--format', 'jsonl', dir);
    expect(code, stderr).toBe(2);
    expect(stderr).not.toMatch(/Maximum call stack/);
    expect(stderr).toMatch(/a-deep\.json: 1 unreadable record\(s\); first: .*line 2 \(byte \d+\): JSON nested deeper than maxNestingDepth \(64 levels\)/);
    expect(stderr).toMatch(/b-deep\.xml: 1 unreadable record\(s\); first: .*elements nested deeper than maxNestingDepth/);
    const sources = stdout.trim().split('\n').map((l) => JSON.parse(l).source.uri as string);
    // The good first event of the deep file alerted, and so did the file after it.
    expect(sources.some((s) => s.endsWith('a-deep.json'))).toBe(true);
    expect(sources.some((s) => s.endsWith('c-good.ndjson'))).toBe(true);
  });

  it('work-budget flags reach ingest, and a bad value is a usage error', async () => {
    const { stderr, code } = await winsift('scan', '--max-record-bytes', '100', SAMPLE);
    expect(code).toBe(2);
    expect(stderr).toMatch(/line is longer than maxRecordBytes \(100 bytes\)/);
    const bad = await winsift('scan', '--max-nesting-depth', 'deep', SAMPLE);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--max-nesting-depth must be a positive number, not 'deep'/);
  });

  it('a record with a repeated key is scanned with both values, named on stderr and counted in the stats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-dup-'));
    const first = readFileSync(SAMPLE, 'utf8').split('\n')[0]!;
    const remote = /"RemoteName":("(?:[^"\\]|\\.)*")/.exec(first)![0];
    // The real URL first, a benign one last: JSON.parse (and the event) keep the benign one.
    writeFileSync(join(dir, 'dup.ndjson'), `${first.replace(remote, `${remote},"RemoteName":"https://benign.example/x.cab"`)}\n`);
    const { stdout, stderr, code } = await winsift('scan', '--format', 'jsonl', dir);
    // Read whole: a warning is not bad input, the exit status stays 0.
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/dup\.ndjson: 1 record\(s\) read with a warning, 1 with duplicate JSON keys \(matched with each value\); first: .*dup\.ndjson: line 1 \(byte 0\): duplicate JSON keys \(winlog\.event_data\.RemoteName\)/);
    expect(stderr).toMatch(/warnings: 1 record read not exactly as written, 1 with duplicate JSON keys/);
    // The alert is raised on the first-wins reading, which holds the real URL.
    expect(stdout).toContain('http://45.77.165.21/update/svchost.exe');
  });
});

