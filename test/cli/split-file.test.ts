/**
 * One large file split across threads (`scan --threads N`, lib/scan/scan-pieces.ts): the same
 * alerts in the same order, the same summary, the same errors naming the same lines, offsets
 * and records as one thread reading it whole. For a generated `.evtx` (damaged chunks whose
 * losses are worked out across pieces, a cut in the last chunk, chunks the header counts that
 * the file lacks), a real one from ../shared, and a gzip NDJSON file with bad records at a piece
 * boundary. The pieces are scanned by a runner that answers out of order, by real worker
 * threads, and through the CLI; a pack whose rules span events is not split; a worker that dies
 * on a piece fails the file by name.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../lib/alerts/alert.ts';
import { DEFAULT_AGGREGATION } from '../../lib/alerts/aggregator.ts';
import { planInputs, type InputFile } from '../../lib/cli/scan/inputs.ts';
import { scanFile, splitsFile, type FileReport, type FileScanSettings } from '../../lib/cli/scan/scan-file.ts';
import { startWorkerPool } from '../../lib/cli/scan/worker-pool.ts';
import { workAtLeast, workBytes } from '../../lib/cli/scan/work-size.ts';
import { bundledRuleFiles } from '../../lib/rules/bundled.ts';
import { writeCompiledPack } from '../../lib/rules/compiled-pack.ts';
import { loadRulePackContent } from '../../lib/rules/rule-pack.ts';
import type { Detector, RuleFile } from '../../lib/rules/rule.ts';
import { EVTX_CHUNKS_PER_PIECE, RECORDS_PER_PIECE, type PieceRunner } from '../../lib/scan/scan-pieces.ts';
import { scanPiece } from '../../lib/scan/scan-piece.ts';
import { hasShared, sharedPath } from '../support/shared-corpus.ts';
import { buildEvtxFile, type EventSpec } from './support/evtx-events.ts';
import { Bytes, buildEvtx, FRAGMENT_HEADER, templateDefinition } from '../evtx/evtx-builder.ts';
import { ROOT, runCli } from './support/run-cli.ts';

const SAMPLE = join(ROOT, 'samples/winlogbeat-bits.ndjson');
const CHUNK = 65536;

const MARKER_RULE: RuleFile = {
  path: 'marker.yml',
  text: `title: Split test marker event
id: 5b1e2c3d-0000-4000-8000-000000000001
author: winsift tests
status: test
level: high
logsource:
  product: windows
detection:
  selection:
    EventID: 4242
  condition: selection
`,
};

const SETTINGS: FileScanSettings = {
  ingest: { limits: {} },
  prefilter: true,
  aggregation: { grouping: 'event', maxEventsPerAlert: DEFAULT_AGGREGATION.maxEventsPerAlert },
  filter: { rules: [], excludeRules: [], tags: [] },
};
const FOLDED: FileScanSettings = { ...SETTINGS, aggregation: DEFAULT_AGGREGATION };

const dir = mkdtempSync(join(tmpdir(), 'winsift-split-'));

/**
 * 40 chunks of 30 events (3 pieces of 16 chunks), every 7th a marker event, damaged: chunk 3's
 * header checksum (its records recovered by their signatures), chunk 15 (the last of the first
 * piece) with its header and every record signature gone, so its loss is only known from the
 * first record of chunk 16, in the next piece; the file cut inside chunk 39 while its header
 * counts 42 chunks.
 */
function damagedEvtx(): string {
  const chunks: EventSpec[][] = Array.from({ length: 40 }, (_, c) =>
    Array.from({ length: 30 }, (_, i) => ({ eventId: (c * 30 + i) % 7 === 0 ? 4242 : 4624, computer: `host-${(c + i) % 3}` })),
  );
  const file = buildEvtxFile(chunks, { chunkCount: 42 });
  const at = (chunk: number) => 4096 + chunk * CHUNK;
  file[at(3) + 100] = file[at(3) + 100]! ^ 0xff;
  const fifteen = file.subarray(at(15), at(16));
  fifteen[100] = fifteen[100]! ^ 0xff;
  for (let i = 512; i + 4 <= CHUNK; i++) if (fifteen[i] === 0x2a && fifteen[i + 1] === 0x2a && fifteen[i + 2] === 0 && fifteen[i + 3] === 0) fifteen[i] = 0x2b;
  const path = join(dir, 'damaged.evtx');
  writeFileSync(path, file.subarray(0, at(39) + 512 + 700));
  return path;
}

/** A clean generated file: two pieces and a bit. */
function cleanEvtx(): string {
  const chunks = Array.from({ length: EVTX_CHUNKS_PER_PIECE * 2 + 3 }, (_, c) => Array.from({ length: 20 }, (_, i) => ({ eventId: i % 5 === 0 ? 4242 : 4688, computer: `pc-${c % 4}` })));
  const path = join(dir, 'clean.evtx');
  writeFileSync(path, buildEvtxFile(chunks));
  return path;
}

/**
 * The BITS sample 400 times (4,800 records, three pieces), in two gzip members, with bad records
 * around the first piece boundary: broken JSON, invalid UTF-8, a blank line, a repeated key.
 */
function ndjsonGz(): string {
  const lines = readFileSync(SAMPLE, 'utf8').split('\n').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < 400; i++) out.push(...lines);
  // Records the prefilter lets through: a BITS event with a repeated key, one with a bad byte.
  const repeated = lines[0]!.replace(/^\{/, '{"event":{"code":"0"},');
  const badByte = lines[1]!.replace(/"([^"]{3})/, '"caf\uFFFD');
  out.splice(RECORDS_PER_PIECE - 2, 0, '{"winlog": nope', '', '{"a":1,"a":2}', repeated);
  out.splice(RECORDS_PER_PIECE + 1, 0, '{"message": "caf\uFFFD"}', badByte);
  const text = Buffer.from(`${out.join('\n')}\n`, 'utf8');
  // Real invalid UTF-8 bytes in place of the replacement characters.
  const replacement = Buffer.from('\uFFFD');
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = text.indexOf(replacement); at >= 0; at = text.indexOf(replacement, from)) {
    parts.push(text.subarray(from, at), Buffer.from([0xff]));
    from = at + replacement.length;
  }
  const bytes = Buffer.concat([...parts, text.subarray(from)]);
  const half = bytes.indexOf(0x0a, bytes.length >> 1) + 1;
  const path = join(dir, 'events.ndjson.gz');
  writeFileSync(path, Buffer.concat([gzipSync(bytes.subarray(0, half)), gzipSync(bytes.subarray(half))]));
  return path;
}

/**
 * 40 generated chunks with, as chunk 20 (the second piece), one whose four records each render
 * ~3.9 M characters from one template (test/evtx/expansion-budget.test.ts): with
 * --max-expansion-ratio 5 the file stops at its third record, after every item before it.
 */
function expansionBomb(): string {
  const template = new Bytes().u8(...FRAGMENT_HEADER);
  for (let i = 0; i < 1000; i++) template.u8(0x0d).u16(0).u8(0x01);
  const value = 'c'.repeat(3900);
  const record = () => {
    const body = new Bytes().u8(...FRAGMENT_HEADER).u8(0x0c, 0x01).u32(0).u32(0xf000).u32(1).u16(value.length * 2).u8(0x01).u8(0).utf16(value);
    return body.u8(0x00).bytes();
  };
  const bomb = buildEvtx([record(), record(), record(), record()], [{ offset: 0xf000, bytes: templateDefinition(template.u8(0x00)) }]).subarray(4096);
  const file = buildEvtxFile(Array.from({ length: 40 }, (_, c) => Array.from({ length: 20 }, (_, i) => ({ eventId: i % 5 === 0 ? 4242 : 4688, computer: `pc-${c % 4}` }))));
  file.set(bomb, 4096 + 20 * CHUNK);
  const path = join(dir, 'bomb.evtx');
  writeFileSync(path, file);
  return path;
}

/** The gzip NDJSON file cut inside its second member: read up to there, then "not read whole". */
function cutGz(): string {
  const whole = readFileSync(ndjsonGz());
  const path = join(dir, 'cut.ndjson.gz');
  writeFileSync(path, whole.subarray(0, whole.length - 5000));
  return path;
}

function largestCorpusEvtx(): string | undefined {
  if (!hasShared) return undefined;
  const root = sharedPath('corpus/evtx');
  const files = (readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[]).filter((n) => n.endsWith('.evtx')).map((n) => join(root, n));
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

const bundledWithMarker = () => loadRulePackContent([...bundledRuleFiles(), MARKER_RULE]);

/** Runs pieces here, answering them in a scrambled order: the fold must put them back. */
function scrambledRunner(detector: Detector): PieceRunner & { pieces: number } {
  const runner = {
    pieces: 0,
    maxInFlight: 5,
    run(piece: Parameters<PieceRunner['run']>[0], context: Parameters<PieceRunner['run']>[1]) {
      runner.pieces++;
      const scanned = scanPiece(piece, context, detector);
      return new Promise<ReturnType<typeof scanPiece>>((resolve) => setTimeout(() => resolve(scanned), Math.floor(Math.random() * 8)));
    },
  };
  return runner;
}

async function scan(file: InputFile, detector: Detector, settings: FileScanSettings, runner?: PieceRunner): Promise<{ alerts: Alert[]; report: FileReport }> {
  const alerts: Alert[] = [];
  const report = await scanFile(file, detector, settings, { emit: (a) => void alerts.push(a), ...(runner ? { split: { runner, fromBytes: 1 } } : {}) });
  return { alerts, report };
}

/** What must not differ: every alert, and the report but for how long it took. */
const comparable = ({ alerts, report }: { alerts: Alert[]; report: FileReport }) => {
  const { summary, ...rest } = report as Extract<FileReport, { kind: 'scanned' }>;
  return JSON.stringify({ ...rest, alertList: alerts, summary: summary ? { ...summary, durationMs: 0 } : undefined });
};

const inputFile = (path: string): InputFile => planInputs([path]).files[0]!;

describe('a file scanned in pieces gives what one thread gives (pieces answered out of order)', () => {
  const { pack } = bundledWithMarker();
  const cases: [string, () => string | undefined, FileScanSettings][] = [
    ['generated .evtx, damaged across a piece boundary, cut, chunks missing', damagedEvtx, SETTINGS],
    ['generated .evtx, clean, alerts folded per host', cleanEvtx, FOLDED],
    ['gzip NDJSON in two members, bad records at a piece boundary', ndjsonGz, SETTINGS],
    ['the same, prefilter off (every record parsed)', ndjsonGz, { ...SETTINGS, prefilter: false }],
    ['the same cut inside its second member (stops where one thread stops)', cutGz, SETTINGS],
  ];
  it.each(cases)('%s', async (_name, make, settings) => {
    const file = inputFile(make()!);
    const one = await scan(file, pack.detector, settings);
    const runner = scrambledRunner(pack.detector);
    const split = await scan(file, pack.detector, settings, runner);
    expect(runner.pieces).toBeGreaterThanOrEqual(3);
    expect(comparable(split)).toBe(comparable(one));
    expect(one.alerts.length).toBeGreaterThan(0);
  }, 60_000);

  it('the NDJSON file\'s bad records are counted and named (so the comparison above compares them)', async () => {
    const { report } = await scan(inputFile(ndjsonGz()), bundledWithMarker().pack.detector, SETTINGS, scrambledRunner(bundledWithMarker().pack.detector));
    if (report.kind !== 'scanned') throw new Error(report.kind);
    expect(report.summary).toMatchObject({ unreadable: 3, warnings: 2, duplicateKeys: 1 });
    // The records around the first piece boundary (record 2,048 is line 2,049: line 2,048 is blank).
    const at = (line: number) => `events\\.ndjson\\.gz: line ${line} \\(byte \\d+\\): `;
    expect(report.summary.errors).toEqual([
      expect.stringMatching(new RegExp(`${at(2047)}invalid JSON`)),
      expect.stringMatching(new RegExp(`${at(2049)}record is not a Windows event in any known layout \\(keys: a\\)`)),
      expect.stringMatching(new RegExp(`${at(2050)}record is not a Windows event in any known layout \\(keys: message\\)`)),
      expect.stringMatching(new RegExp(`^warning: .*${at(2051)}invalid UTF-8`)),
      expect.stringMatching(new RegExp(`^warning: .*${at(2052)}duplicate JSON keys \\(event\\)`)),
    ]);
  }, 60_000);

  it('the damaged file reports each loss where one thread does: the stretch held across pieces, the cut, the missing chunks', async () => {
    const { report } = await scan(inputFile(damagedEvtx()), pack.detector, SETTINGS, scrambledRunner(pack.detector));
    if (report.kind !== 'scanned') throw new Error(report.kind);
    const { summary } = report;
    expect(summary.errors).toEqual([
      expect.stringMatching(/damaged\.evtx: chunk 3 at offset 0x31000: chunk header is damaged \(header checksum mismatch\)/),
      ...Array.from({ length: 30 }, () => expect.stringMatching(/chunk 15 at offset 0xf1000: chunk header is damaged/)),
      expect.stringMatching(/chunk 39 at offset 0x271000, record \d+ at offset 0x[0-9a-f]+ in chunk: /),
    ].slice(0, 20));
    // 40 chunks of 30: chunk 15's 30 lost and counted; chunk 39 cut after a few records.
    expect(summary.events + summary.unreadable).toBeGreaterThan(39 * 30);
    expect(summary.unreadable).toBeGreaterThanOrEqual(32);
  }, 60_000);

  it.skipIf(!hasShared)('the largest corpus .evtx, SigmaHQ-free bundled pack plus the marker (../shared corpus)', async () => {
    const file = inputFile(largestCorpusEvtx()!);
    const one = await scan(file, pack.detector, SETTINGS);
    const split = await scan(file, pack.detector, SETTINGS, scrambledRunner(pack.detector));
    expect(comparable(split)).toBe(comparable(one));
    expect((one.report as Extract<FileReport, { kind: 'scanned' }>).summary.events).toBeGreaterThan(900);
  }, 60_000);
  if (!hasShared) it('SKIPPED: ../shared is absent: the corpus .evtx case does not run', () => console.warn('SKIPPED: ../shared/corpus/evtx is absent'));
});

describe('pieces in real worker threads', () => {
  const { pack, content } = bundledWithMarker();
  const setup = { packText: writeCompiledPack(content, { name: 'local', config: null, now: null }), packVersion: pack.version, settings: SETTINGS, progress: false };

  it.each([
    ['generated .evtx', damagedEvtx],
    ['gzip NDJSON', ndjsonGz],
  ])('%s: a worker takes pieces, this thread the rest, and the result is one thread\'s', async (_name, make) => {
    const file = inputFile(make());
    const one = await scan(file, pack.detector, SETTINGS);
    const pool = startWorkerPool([file], () => false, { threads: 2, splitting: true, setup });
    try {
      await pool.whenReady();
      let here = 0;
      const runner = pool.pieceRunner((piece, context) => (here++, scanPiece(piece, context, pack.detector)));
      const split = await scan(file, pack.detector, SETTINGS, runner);
      runner.end();
      expect(comparable(split)).toBe(comparable(one));
      // The worker had two pieces before this thread took one.
      expect(here).toBeLessThan(3);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('a worker that dies on a piece fails the file, naming why', async () => {
    const path = join(dir, 'crash-me.evtx');
    writeFileSync(path, buildEvtxFile(Array.from({ length: 40 }, () => [{ eventId: 4242, computer: 'x' }])));
    const file = inputFile(path);
    const pool = startWorkerPool([file], () => false, { threads: 2, splitting: true, setup, workerUrl: new URL('./support/crashing-scan-worker.ts', import.meta.url) });
    try {
      await pool.whenReady();
      const runner = pool.pieceRunner((piece, context) => scanPiece(piece, context, pack.detector));
      const { report } = await scan(file, pack.detector, SETTINGS, runner);
      runner.end();
      expect(report).toEqual({ kind: 'failed', path, reason: expect.stringMatching(/^worker thread died while scanning it: worker bug on purpose/) });
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('how much work a file is (--split-from, the --threads default)', () => {
  it('a gzip file counts ten times its size, a plain one its size; files are opened only when that can change the answer', () => {
    const gz = inputFile(ndjsonGz());
    const plain = inputFile(cleanEvtx());
    expect(workBytes(gz)).toBe(10 * gz.size!);
    expect(workBytes(plain)).toBe(plain.size);
    expect(workAtLeast([gz], 10 * gz.size!)).toBe(true);
    expect(workAtLeast([gz], 10 * gz.size! + 1)).toBe(false);
    expect(workAtLeast([plain], plain.size! + 1)).toBe(false);
    // Never opened (they do not exist): their sizes alone settle it.
    expect(workAtLeast([{ path: join(dir, 'absent-a'), fromDirectory: false, size: 100 }], 50)).toBe(true);
    expect(workAtLeast([{ path: join(dir, 'absent-b'), fromDirectory: false, size: 1 }], 50)).toBe(false);
  });
});

describe('what is not split', () => {
  it('a pack whose rules span events (a Sigma correlation) keeps every file whole, and says so', async () => {
    const correlation: RuleFile = {
      path: 'burst.yml',
      text: `title: Several BITS downloads from IP addresses on one host
id: 5b1e2c3d-0000-4000-8000-000000000002
author: winsift tests
level: high
correlation:
  type: event_count
  rules: [90f138c1-f578-4ac3-8c49-eecfd847c8b7]
  group-by: [Computer]
  timespan: 1d
  condition:
    gte: 2
`,
    };
    const stateful = loadRulePackContent([...bundledRuleFiles(), correlation]).pack;
    const file = inputFile(ndjsonGz());
    expect(stateful.detector.keepsState?.()).toBe(true);
    expect(splitsFile(file, stateful.detector, SETTINGS, 1)).toBe(false);
    expect(splitsFile(file, bundledWithMarker().pack.detector, SETTINGS, 1)).toBe(true);
    // Given a runner anyway, scanFile reads the file whole: the runner is never asked.
    const runner = scrambledRunner(stateful.detector);
    const split = await scan(file, stateful.detector, SETTINGS, runner);
    expect(runner.pieces).toBe(0);
    expect(split.alerts.some((a) => a.rule.id === '5b1e2c3d-0000-4000-8000-000000000002')).toBe(true);

    const rules = mkdtempSync(join(tmpdir(), 'winsift-split-rules-'));
    writeFileSync(join(rules, 'burst.yml'), correlation.text);
    const args = ['scan', '--format', 'jsonl', '--rules', rules, file.path];
    const one = await runCli(['scan', '--threads', '1', ...args.slice(1)]);
    const two = await runCli(['scan', '--threads', '2', '--split-from', '1', ...args.slice(1)]);
    expect(two.stderr).toContain("no file is split across threads");
    expect(two.stdout).toBe(one.stdout);
    expect(one.stdout).toContain('5b1e2c3d-0000-4000-8000-000000000002');
  }, 60_000);

  it('--state: one thread, as before (correlations across files)', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'winsift-split-state-')), 'state.db');
    const two = await runCli(['scan', '--threads', '2', '--split-from', '1', '--state', state, '--format', 'jsonl', ndjsonGz()]);
    expect(two.stderr).toContain('--threads ignored');
  }, 60_000);
});

/** What differs between any two runs whatever the threads: durations and rates. */
const timeless = (text: string) => text.replace(/ in [\d.,]+ (ms|s|min)( \([\d,]+ records\/s\))?/g, ' in T');

describe('scan --threads 2 --split-from 1 writes what --threads 1 writes (the CLI, real workers)', () => {
  const rules = mkdtempSync(join(tmpdir(), 'winsift-split-marker-'));
  writeFileSync(join(rules, 'marker.yml'), MARKER_RULE.text);
  const cases: [string, () => string | undefined, string[]][] = [
    ['generated damaged .evtx, jsonl', damagedEvtx, ['--format', 'jsonl']],
    ['generated .evtx, table', cleanEvtx, ['--format', 'table', '--width', '120']],
    ['gzip NDJSON, csv', ndjsonGz, ['--format', 'csv']],
    ['gzip NDJSON cut short, jsonl', cutGz, ['--format', 'jsonl']],
  ];
  it.each(cases)('%s: same stdout, same summary and warnings, same exit status', async (_name, make, args) => {
    const path = make()!;
    const one = await runCli(['scan', '--threads', '1', '--rules', rules, ...args, path]);
    const two = await runCli(['scan', '--threads', '2', '--split-from', '1', '--rules', rules, ...args, path]);
    expect(two.code).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    expect(timeless(two.stderr)).toBe(timeless(one.stderr));
    expect(one.stdout.length).toBeGreaterThan(0);
  }, 60_000);

  it('an .evtx that renders out of proportion stops where one thread stops, with the same error and counts', async () => {
    const path = expansionBomb();
    const args = ['--rules', rules, '--format', 'jsonl', '--max-expansion-ratio', '5', path];
    const one = await runCli(['scan', '--threads', '1', ...args]);
    const two = await runCli(['scan', '--threads', '2', '--split-from', '1', ...args]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/bomb\.evtx: chunk 20 at offset 0x141000: EVTX templates render \d+ characters from 1380352 bytes .* \(400 events read before\)/);
    expect(two.code).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    expect(timeless(two.stderr)).toBe(timeless(one.stderr));
  }, 60_000);

  it.skipIf(!hasShared)('the largest corpus .evtx with the SigmaHQ Windows rules (../shared corpus)', async () => {
    const path = largestCorpusEvtx()!;
    const sigma = sharedPath('corpus/sigma/rules/windows');
    const one = await runCli(['scan', '--threads', '1', '--rules', sigma, '--format', 'jsonl', path]);
    const two = await runCli(['scan', '--threads', '2', '--split-from', '1', '--rules', sigma, '--format', 'jsonl', path]);
    expect(two.code).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    expect(timeless(two.stderr)).toBe(timeless(one.stderr));
    expect(one.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(0);
  }, 120_000);

  it('--split-from must be a whole number', async () => {
    const { code, stderr } = await runCli(['scan', '--split-from', 'big', SAMPLE]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--split-from/);
  });
});

