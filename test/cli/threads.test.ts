/**
 * `winsift scan --threads N`: the files scanned in worker threads give exactly the output of one
 * thread, in the same order (jsonl, table, csv, timeline, the HTML report, the summary, the exit
 * status), with bad files among them; the option's values are checked; --state keeps one thread;
 * a worker that dies fails its own file, by name, and no other file's alerts are lost.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../lib/alerts/alert.ts';
import { DEFAULT_AGGREGATION } from '../../lib/alerts/aggregator.ts';
import { bundledRuleFiles } from '../../lib/rules/bundled.ts';
import { writeCompiledPack } from '../../lib/rules/compiled-pack.ts';
import { loadRulePackContent } from '../../lib/rules/rule-pack.ts';
import { planInputs } from '../../lib/cli/scan/inputs.ts';
import { RunStats } from '../../lib/cli/scan/run-stats.ts';
import { scanFile, type FileScanSettings } from '../../lib/cli/scan/scan-file.ts';
import { startWorkerPool } from '../../lib/cli/scan/worker-pool.ts';
import { ALERT_BATCH, MAX_UNACKED_BATCHES } from '../../lib/cli/scan/worker-protocol.ts';
import { jsonLines, ROOT, runCli } from './support/run-cli.ts';

const SAMPLE = join(ROOT, 'samples/winlogbeat-bits.ndjson');
const FIXTURES = join(ROOT, 'test/fixtures/ingest');
const SETTINGS: FileScanSettings = {
  ingest: { limits: {} },
  prefilter: true,
  aggregation: { grouping: 'event', maxEventsPerAlert: DEFAULT_AGGREGATION.maxEventsPerAlert },
  filter: { rules: [], excludeRules: [], tags: [] },
};

/** Several logs, two with alerts, one with an unreadable record, one cut short, one no log at all. */
function logDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'winsift-threads-'));
  const sample = readFileSync(SAMPLE);
  copyFileSync(SAMPLE, join(dir, 'a-bits.ndjson'));
  for (const name of ['bits-16403.ecs.json', 'bits-16403.nxlog.json', 'bits-16403.xml', 'defender-1116.ecs.json', 'elastic-agent-sysmon-1.json']) {
    copyFileSync(join(FIXTURES, name), join(dir, `b-${name}`));
  }
  writeFileSync(join(dir, 'c-bits.ndjson.gz'), gzipSync(sample));
  writeFileSync(join(dir, 'd-bad.json'), '{"winlog": nope\n');
  // Cut inside the deflate stream: read until there, then "not read whole".
  writeFileSync(join(dir, 'e-cut.ndjson.gz'), gzipSync(Buffer.concat([sample, sample])).subarray(0, 400));
  writeFileSync(join(dir, 'README.md'), '# not a log\n');
  return dir;
}

/** What differs between any two runs whatever the threads: durations and rates. */
const timeless = (text: string) =>
  text
    .replace(/ in [\d.,]+ (ms|s|min)( \([\d,]+ records\/s\))?/g, ' in T')
    .replace(/generated \d{4}-\d\d-\d\dT[\d:.]+Z/g, 'generated T');

describe('scan --threads 2 writes what --threads 1 writes', () => {
  const dir = logDir();
  const cases: [string, string[]][] = [
    ['jsonl', ['--format', 'jsonl']],
    ['table', ['--format', 'table', '--width', '120']],
    ['csv', ['--format', 'csv']],
    ['timeline', ['--timeline', '--format', 'jsonl']],
  ];
  it.each(cases)('%s: same bytes on stdout, same summary, same exit status (2: bad files)', async (_name, args) => {
    const one = await runCli(['scan', '--threads', '1', ...args, dir]);
    const two = await runCli(['scan', '--threads', '2', ...args, dir]);
    expect(one.code, one.stderr).toBe(2);
    expect(two.code, two.stderr).toBe(2);
    expect(two.stdout).toBe(one.stdout);
    expect(timeless(two.stderr)).toBe(timeless(one.stderr));
    expect(one.stdout.length).toBeGreaterThan(0);
  }, 60_000);

  it('jsonl: the alerts of every good file, in plan order, and each bad file named once', async () => {
    const { stdout, stderr } = await runCli(['scan', '--threads', '2', '--format', 'jsonl', dir]);
    const uris = jsonLines(stdout).map((l) => l.source.uri as string);
    expect([...new Set(uris)]).toEqual([join(dir, 'a-bits.ndjson'), join(dir, 'b-bits-16403.ecs.json'), join(dir, 'b-bits-16403.nxlog.json'), join(dir, 'b-bits-16403.xml'), join(dir, 'c-bits.ndjson.gz')]);
    expect(uris.filter((u) => u.endsWith('a-bits.ndjson'))).toHaveLength(8);
    expect(stderr).toContain(`${join(dir, 'd-bad.json')}: 1 unreadable record(s)`);
    expect(stderr).toMatch(/e-cut\.ndjson\.gz.*\(\d+ events read before\)/);
    expect(stderr.match(/winsift: .*d-bad\.json: /g)).toHaveLength(1);
  }, 60_000);

  it('the HTML report is the same but for when it was made and how long it took', async () => {
    const out = mkdtempSync(join(tmpdir(), 'winsift-threads-report-'));
    await runCli(['scan', '--threads', '1', '--quiet', '--report', join(out, '1.html'), dir]);
    await runCli(['scan', '--threads', '2', '--quiet', '--report', join(out, '2.html'), dir]);
    const one = readFileSync(join(out, '1.html'), 'utf8');
    expect(one).toContain('a-bits.ndjson');
    expect(timeless(readFileSync(join(out, '2.html'), 'utf8'))).toBe(timeless(one));
  }, 60_000);

  it('stdin among the files is read in its turn', async () => {
    const input = readFileSync(SAMPLE);
    const one = await runCli(['scan', '--threads', '1', '--format', 'jsonl', join(dir, 'a-bits.ndjson'), '-', join(dir, 'c-bits.ndjson.gz')], { input });
    const two = await runCli(['scan', '--threads', '2', '--format', 'jsonl', join(dir, 'a-bits.ndjson'), '-', join(dir, 'c-bits.ndjson.gz')], { input });
    expect(one.code, one.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(jsonLines(two.stdout).map((l) => l.source.uri as string)).toContain('-');
  }, 60_000);
});

describe('--threads values', () => {
  it.each(['0', '-1', '1.5', 'two', ''])('--threads=%s is a usage error naming the option (exit 1)', async (value) => {
    const { code, stderr, stdout } = await runCli(['scan', `--threads=${value}`, SAMPLE]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--threads must be a whole number of at least 1/);
    expect(stdout).toBe('');
  });

  it('--state uses one thread and says so when more were asked for; without --threads it says nothing', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'winsift-threads-state-')), 'state.db');
    const asked = await runCli(['scan', '--threads', '2', '--state', state, '--format', 'jsonl', SAMPLE, SAMPLE]);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).toContain('with --state, correlations and suppression see the files in order on one thread (--threads ignored)');
    const quiet = await runCli(['scan', '--state', `${state}2`, '--format', 'jsonl', SAMPLE]);
    expect(quiet.stderr).not.toContain('--threads ignored');
  }, 60_000);
});

describe('memory: what waits to be written is bounded', () => {
  it('a worker stops sending a file\'s alerts once MAX_UNACKED_BATCHES wait, and sends the rest when they are written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-threads-bound-'));
    // 8 alerts per copy of the sample: 2,400 alerts per file, more than one file may hold.
    const many = Buffer.concat(Array.from({ length: 300 }, () => readFileSync(SAMPLE)));
    for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, `${name}.ndjson`), many);
    const { pack, content } = loadRulePackContent(bundledRuleFiles());
    const plan = planInputs([dir]);
    const pool = startWorkerPool(plan.files, () => true, {
      threads: 3,
      setup: { packText: writeCompiledPack(content, { name: 'local', config: null, now: null }), packVersion: pack.version, settings: SETTINGS, progress: false },
    });
    try {
      // Nothing is taken: each of the two workers scans a file and must stop. Wait until no more comes.
      let last = -1;
      while (pool.waiting() !== last || last === 0) {
        last = pool.waiting();
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(pool.waiting()).toBeGreaterThan(0);
      expect(pool.waiting()).toBeLessThanOrEqual(2 * (MAX_UNACKED_BATCHES + 1) * ALERT_BATCH);
      // As runScan does: the first file no worker took is scanned here, the others taken.
      const counts = [];
      for (const [index, file] of plan.files.entries()) {
        let n = 0;
        const count = async () => void n++;
        const { kind } = pool.claim(index) ? await scanFile(file, pack.detector, SETTINGS, { emit: count }) : (await pool.take(index, count)).report;
        counts.push([kind, n]);
      }
      expect(counts).toEqual([['scanned', 2400], ['scanned', 2400], ['scanned', 2400]]);
      expect(pool.waiting()).toBe(0);
    } finally {
      await pool.close();
    }
  }, 120_000);
});

describe('a worker thread that dies', () => {
  // The pool alone, every file taken (none claimed to scan in this thread), so the crash is surely
  // a worker's. (Safe here only because no file has enough alerts to make its worker wait.)
  it('fails the file it had, by name; a new worker scans the rest and no other file loses an alert', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-threads-crash-'));
    for (const name of ['a', 'b', 'c', 'crash-me', 'd']) copyFileSync(SAMPLE, join(dir, `${name}.ndjson`));
    const { pack, content } = loadRulePackContent(bundledRuleFiles());
    const plan = planInputs([dir]);
    const pool = startWorkerPool(plan.files, () => true, {
      threads: 3,
      setup: {
        packText: writeCompiledPack(content, { name: 'local', config: null, now: null }),
        packVersion: pack.version,
        settings: SETTINGS,
        progress: false,
      },
      workerUrl: new URL('./support/crashing-scan-worker.ts', import.meta.url),
    });
    const alerts: Alert[] = [];
    const reports = [];
    try {
      for (const index of plan.files.keys()) reports.push((await pool.take(index, async (a) => void alerts.push(a))).report);
    } finally {
      await pool.close();
    }
    expect(reports.map((r) => [r.path, r.kind])).toEqual(['a', 'b', 'c', 'crash-me', 'd'].map((n) => [join(dir, `${n}.ndjson`), n === 'crash-me' ? 'failed' : 'scanned']));
    expect(reports[3]).toMatchObject({ reason: expect.stringMatching(/^worker thread died while scanning it: worker bug on purpose/) });
    const byFile = new Map<string, number>();
    for (const a of alerts) byFile.set(a.object.uri, (byFile.get(a.object.uri) ?? 0) + 1);
    expect([...byFile]).toEqual(['a', 'b', 'c', 'd'].map((n) => [join(dir, `${n}.ndjson`), 8]));
    // The same alerts, in the same order, as this thread finds.
    const here: Alert[] = [];
    for (const file of plan.files.filter((f) => !f.path.includes('crash-me'))) await scanFile(file, pack.detector, SETTINGS, { emit: (a) => void here.push(a) });
    expect(JSON.stringify(alerts)).toBe(JSON.stringify(here));
  }, 60_000);

  it('a failed file is a failed input in the run: named on stderr, exit 2', () => {
    const stats = new RunStats(planInputs([]));
    stats.addFile({ kind: 'failed', path: 'x.evtx', reason: 'worker thread died while scanning it: out of memory' });
    expect(stats.badInput).toBe(true);
    expect(stats.failed).toEqual([{ path: 'x.evtx', reason: 'worker thread died while scanning it: out of memory' }]);
  });
});
