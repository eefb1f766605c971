/**
 * All cores (issue 18): `winsift scan --threads 1` against `--threads 2` (this machine's cores) on
 * real files, each run a fresh process of the bundled CLI (dist/winsift.mjs, rebuilt first), the
 * two alternated run by run (1,2 then 2,1, ...) so a busy machine slows both alike. Wall time
 * and CPU (GNU time: user + system, all threads), medians; the speed-up is wall(1) / wall(2).
 * Each thread's CPU is sampled from /proc as well (main, workers, V8 and libuv helpers), which
 * gives the speed-up idle cores would give (`idleWallBound`): on this shared machine the
 * wall-clock figure mostly measures the neighbours. Every run's stdout must be the same bytes,
 * or the row says so.
 *
 * - EVTX: the corpus .evtx files above 300 KB (the peers' set), listed `passes` times, bundled pack.
 * - NXLog: each JSON file of the corpus's zips as one file (unpacked once into dist/bench/), bundled pack.
 * - NXLog with the SigmaHQ Windows rules: the same files; the rules are parsed from YAML on the
 *   main thread first, which no thread count shortens.
 *
 * One large file, split across the threads (lib/scan/scan-pieces.ts):
 * - big-evtx: one `.evtx` of the real chunks of every corpus file, repeated to 128 MiB (an .evtx
 *   cannot be concatenated, but its chunks are self-contained: a new file header counting them
 *   all makes one valid file), bundled pack and SigmaHQ's;
 * - big-gz: the NXLog corpus as one gzip NDJSON file (one member), bundled pack and SigmaHQ's.
 *
 *   node bench/threads.ts [--runs N] [--passes N] [--only evtx,nxlog,sigma,big-evtx,big-gz] [--threads N]
 *
 * Skipped with a visible line when ../shared (the corpus) is absent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { crc32, createGzip } from 'node:zlib';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NODE_HEAP_FLAGS } from '../lib/scan/heap-limits.ts';
import { median } from './measure.ts';
import { bigEvtxFiles, EVTX, NXLOG, nxlogMembers, readNxlogMember, ROOT, SHARED, SIGMA_RULES } from './shared-paths.ts';

const CLI = join(ROOT, 'dist/winsift.mjs');
const NXLOG_FILES = join(ROOT, 'dist/bench/nxlog-files');

/** The aim for 2 cores (issue 18). */
export const SCALING_AIM = 1.8;

export interface ThreadRun {
  readonly threads: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
  /** Per-thread CPU (Linux /proc), when it could be sampled. */
  readonly byThread?: ThreadCpu;
}

export interface ThreadScalingRow {
  readonly name: string;
  readonly files: number;
  readonly megabytes: number;
  readonly threads: readonly number[];
  readonly runs: readonly ThreadRun[];
  /** Medians per thread count. */
  readonly medians: Readonly<Record<string, { wallSeconds: number; cpuSeconds: number }>>;
  /** wall(1 thread) / wall(most threads): the speed-up. */
  readonly speedup: number;
  /** cpu(most threads) / cpu(1 thread): what the parallel run costs in CPU. */
  readonly cpuRatio: number;
  /**
   * The speed-up idle cores would give, from each run's per-thread CPU (idleWallBound), medians:
   * what this machine's neighbours do not let the wall-clock figure show.
   */
  readonly idleSpeedup?: number;
  /** Medians of the per-thread CPU, per thread count. */
  readonly threadCpu: Readonly<Record<string, ThreadCpu | undefined>>;
  readonly notes: readonly string[];
}

export type ThreadScaling = { readonly cores: number; readonly rows: readonly (ThreadScalingRow | { name: string; skipped: string })[] };

function log(message: string): void {
  process.stderr.write(`[threads ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Each JSON file of the NXLog zips as a file of its own (the CLI scans files, not zips), made once. */
function nxlogFiles(): string[] {
  const done = join(NXLOG_FILES, '.complete');
  if (!existsSync(done)) {
    mkdirSync(NXLOG_FILES, { recursive: true });
    for (const entry of nxlogMembers()) {
      const target = join(NXLOG_FILES, basename(entry.member));
      writeFileSync(`${target}.partial`, readNxlogMember(entry));
      renameSync(`${target}.partial`, target);
    }
    writeFileSync(done, '');
  }
  return readdirSync(NXLOG_FILES)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => join(NXLOG_FILES, n));
}

/**
 * One `.evtx` file made of the chunks of every corpus `.evtx`, as they are, repeated until it
 * holds at least BIG_EVTX_BYTES, behind one new file header that counts them all. Made once.
 */
const BIG_EVTX_BYTES = 128 * 2 ** 20;

function bigEvtxFile(): string {
  const target = join(ROOT, 'dist/bench/big-corpus-chunks.evtx');
  if (existsSync(target)) return target;
  const chunks: Buffer[] = [];
  const files = (readdirSync(EVTX, { recursive: true, encoding: 'utf8' }) as string[]).filter((n) => n.toLowerCase().endsWith('.evtx')).sort();
  for (const name of files) {
    const bytes = readFileSync(join(EVTX, name));
    if (bytes.length < 4096 + 65536) continue;
    const inUse = bytes.readUInt16LE(42);
    for (let i = 0; i < inUse; i++) {
      const chunk = bytes.subarray(4096 + i * 65536, 4096 + (i + 1) * 65536);
      if (chunk.length === 65536 && chunk.subarray(0, 8).toString('latin1') === 'ElfChnk\0') chunks.push(chunk);
    }
  }
  const passes = Math.ceil(BIG_EVTX_BYTES / (chunks.length * 65536));
  const all = Array.from({ length: passes }, () => chunks).flat();
  if (all.length > 0xffff) throw new Error(`${all.length} chunks: more than a file header can count`);
  const header = Buffer.alloc(4096);
  header.write('ElfFile\0', 0, 'latin1');
  header.writeBigUInt64LE(BigInt(all.length - 1), 16); // last chunk number
  header.writeBigUInt64LE(BigInt(Number.MAX_SAFE_INTEGER), 24); // next record id: ids restart per source file
  header.writeUInt32LE(128, 32);
  header.writeUInt16LE(1, 36);
  header.writeUInt16LE(3, 38);
  header.writeUInt16LE(4096, 40);
  header.writeUInt16LE(all.length, 42);
  header.writeUInt32LE(crc32(header.subarray(0, 120)), 124);
  mkdirSync(join(ROOT, 'dist/bench'), { recursive: true });
  writeFileSync(`${target}.partial`, Buffer.concat([header, ...all]));
  renameSync(`${target}.partial`, target);
  return target;
}

/** The NXLog corpus (its JSON members one after another) as one gzip NDJSON file. Made once. */
async function nxlogGzipFile(): Promise<string> {
  const target = join(ROOT, 'dist/bench/nxlog-corpus.ndjson.gz');
  if (existsSync(target)) return target;
  mkdirSync(join(ROOT, 'dist/bench'), { recursive: true });
  const gzip = createGzip({ level: 6 });
  const done = pipeline(gzip, createWriteStream(`${target}.partial`));
  for (const entry of nxlogMembers()) {
    const bytes = readNxlogMember(entry);
    if (!gzip.write(bytes)) await new Promise<void>((resolve) => gzip.once('drain', () => resolve()));
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) gzip.write('\n');
  }
  gzip.end();
  await done;
  renameSync(`${target}.partial`, target);
  return target;
}

/** CPU seconds by thread kind, from /proc (Linux), sampled while the process runs. */
export interface ThreadCpu {
  /** The main JavaScript thread. */
  readonly main: number;
  /** Each worker thread (scan-worker.ts), largest first. */
  readonly workers: readonly number[];
  /** V8's helpers (GC, compiler), libuv's pool, the rest. */
  readonly helpers: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const SAMPLE_MS = 25;

/** Each thread's CPU so far (utime + stime, in ticks) and its name. */
function sampleThreads(pid: number, into: Map<number, { name: string; ticks: number }>): void {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // The name is in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      into.set(Number(tid), { name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the thread ended between the listing and the read: its last sample stands
    }
  }
}

function threadCpu(samples: Map<number, { name: string; ticks: number }>): ThreadCpu {
  let main = 0;
  let helpers = 0;
  const workers: number[] = [];
  for (const { name, ticks } of samples.values()) {
    const seconds = ticks / TICKS_PER_SECOND;
    if (name === 'MainThread' || name === 'node') main += seconds;
    else if (name === 'WorkerThread') workers.push(seconds);
    else helpers += seconds;
  }
  return { main, workers: workers.sort((a, b) => b - a), helpers };
}

/**
 * One scan in a fresh process under GNU time (wall, CPU, peak RSS, exact), its threads' CPU
 * sampled from /proc every 25 ms (the last few ms of each thread are missed), stdout hashed.
 */
async function runScan(threads: number, args: readonly string[]): Promise<ThreadRun & { stdoutHash: string; status: number | null }> {
  const child = spawn('/usr/bin/time', ['-f', '@@time %e %U %S %M', process.execPath, ...NODE_HEAP_FLAGS, CLI, 'scan', '--quiet', '--format', 'jsonl', '--threads', String(threads), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const hash = createHash('sha256');
  child.stdout.on('data', (c: Buffer) => hash.update(c));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => void (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const samples = new Map<number, { name: string; ticks: number }>();
  let nodePid: number | undefined;
  const timer = setInterval(() => {
    if (nodePid === undefined && child.pid !== undefined) {
      try {
        const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
        if (children) nodePid = Number(children.split(' ')[0]);
      } catch {
        // not started yet, or already gone
      }
    }
    if (nodePid !== undefined) sampleThreads(nodePid, samples);
  }, SAMPLE_MS);
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearInterval(timer);
  const timing = /@@time ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (!timing || (status !== 0 && status !== 2)) throw new Error(`winsift scan --threads ${threads} exited ${status}: ${stderr.slice(-800)}`);
  return {
    threads,
    wallSeconds: Number(timing[1]),
    cpuSeconds: Number(timing[2]) + Number(timing[3]),
    peakRssMB: Number(timing[4]) / 1024,
    ...(samples.size > 0 ? { byThread: threadCpu(samples) } : {}),
    stdoutHash: hash.digest('hex'),
    status,
  };
}

/**
 * The wall time this run would take on `cores` idle cores, from its threads' CPU: no JavaScript
 * thread finishes before its own CPU time, and all threads together need their CPU over the cores.
 */
export function idleWallBound(run: ThreadRun, cores: number): number | undefined {
  if (!run.byThread) return undefined;
  return Math.max(run.byThread.main, ...run.byThread.workers, run.cpuSeconds / cores);
}

async function measureRow(name: string, files: readonly string[], extraArgs: readonly string[], runs: number, threads: readonly number[], cores: number): Promise<ThreadScalingRow> {
  const megabytes = files.reduce((n, f) => n + statSync(f).size, 0) / 1e6;
  log(`${name}: ${files.length} files, ${megabytes.toFixed(0)} MB; threads ${threads.join(' vs ')}, ${runs} alternated runs each`);
  const all: ThreadRun[] = [];
  const hashes = new Set<string>();
  const statuses = new Set<number | null>();
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? threads : [...threads].reverse();
    for (const t of order) {
      const { stdoutHash, status, ...r } = await runScan(t, [...extraArgs, ...files]);
      hashes.add(stdoutHash);
      statuses.add(status);
      all.push(r);
      const b = r.byThread;
      const split = b ? `; main ${b.main.toFixed(2)} s, workers ${b.workers.map((w) => w.toFixed(2)).join(' + ') || '-'}, helpers ${b.helpers.toFixed(2)}` : '';
      log(`${name} run ${i + 1}: --threads ${t}: ${r.wallSeconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU${split}, ${r.peakRssMB.toFixed(0)} MB`);
    }
  }
  const medians: Record<string, { wallSeconds: number; cpuSeconds: number }> = {};
  const threadCpu: Record<string, ThreadCpu | undefined> = {};
  const bounds: Record<string, number | undefined> = {};
  for (const t of threads) {
    const mine = all.filter((r) => r.threads === t);
    medians[String(t)] = { wallSeconds: median(mine.map((r) => r.wallSeconds)), cpuSeconds: median(mine.map((r) => r.cpuSeconds)) };
    const split = mine.map((r) => r.byThread).filter((b): b is ThreadCpu => b !== undefined);
    threadCpu[String(t)] =
      split.length === mine.length
        ? {
            main: median(split.map((b) => b.main)),
            workers: (split[0]?.workers ?? []).map((_, k) => median(split.map((b) => b.workers[k] ?? 0))),
            helpers: median(split.map((b) => b.helpers)),
          }
        : undefined;
    const wallBounds = mine.map((r) => idleWallBound(r, cores));
    bounds[String(t)] = wallBounds.every((b) => b !== undefined) ? median(wallBounds as number[]) : undefined;
  }
  const [low, high] = [String(threads[0]), String(threads[threads.length - 1])];
  const first = medians[low]!;
  const last = medians[high]!;
  const notes: string[] = [];
  notes.push(hashes.size === 1 ? 'same stdout bytes in every run' : `STDOUT DIFFERS between runs (${hashes.size} versions)`);
  if (statuses.size > 1) notes.push(`exit statuses differ: ${[...statuses].join(', ')}`);
  const busy = last.cpuSeconds / last.wallSeconds;
  if (busy < threads[threads.length - 1]! * 0.8) notes.push(`the ${high}-thread runs got ${busy.toFixed(2)} cores on average (a busy machine)`);
  const idleSpeedup = bounds[low] !== undefined && bounds[high] !== undefined ? bounds[low]! / bounds[high]! : undefined;
  return {
    name,
    files: files.length,
    megabytes,
    threads,
    runs: all,
    medians,
    speedup: first.wallSeconds / last.wallSeconds,
    cpuRatio: last.cpuSeconds / first.cpuSeconds,
    ...(idleSpeedup === undefined ? {} : { idleSpeedup }),
    threadCpu,
    notes,
  };
}

export async function measureThreadScaling(options: { runs?: number; passes?: number; only?: ReadonlySet<string>; threads?: number } = {}): Promise<ThreadScaling | { skipped: string }> {
  if (!existsSync(SHARED)) return { skipped: `SKIPPED: ${SHARED} is absent (the corpus)` };
  if (spawnSync('/usr/bin/time', ['-f', '%e', 'true']).status !== 0) return { skipped: 'SKIPPED: GNU time (/usr/bin/time) is absent' };
  const only = options.only ?? new Set(['evtx', 'nxlog', 'sigma', 'big-evtx', 'big-gz']);
  const runs = options.runs ?? 3;
  const passes = options.passes ?? 5;
  const cores = availableParallelism();
  // `--threads N` measures N threads on these cores: the main thread's CPU then shows the part
  // no worker can take (what bounds a machine with N cores).
  const threads = [1, options.threads ?? Math.max(2, cores)];
  // Always rebuilt: a dist/ left from an older checkout would time old code.
  const { buildAll } = await import('../scripts/build.ts');
  await buildAll();
  const rows: ThreadScaling['rows'][number][] = [];
  if (only.has('evtx')) {
    if (!existsSync(EVTX)) rows.push({ name: 'EVTX', skipped: 'SKIPPED: corpus/evtx is absent' });
    else {
      const files = bigEvtxFiles();
      rows.push(await measureRow(`EVTX: ${files.length} corpus files x ${passes} passes, bundled pack`, Array.from({ length: passes }, () => files).flat(), [], runs, threads, cores));
    }
  }
  const nx = only.has('nxlog') || only.has('sigma') ? (existsSync(NXLOG) ? nxlogFiles() : undefined) : [];
  if (only.has('nxlog')) {
    if (!nx) rows.push({ name: 'NXLog', skipped: 'SKIPPED: corpus/nxlog is absent' });
    else rows.push(await measureRow(`NXLog: ${nx.length} corpus files, bundled pack`, nx, [], runs, threads, cores));
  }
  if (only.has('sigma')) {
    if (!nx || !existsSync(SIGMA_RULES)) rows.push({ name: 'NXLog + SigmaHQ', skipped: 'SKIPPED: corpus/nxlog or corpus/sigma is absent' });
    else rows.push(await measureRow(`NXLog: ${nx.length} corpus files, SigmaHQ rules/windows`, nx, ['--rules', SIGMA_RULES], runs, threads, cores));
  }
  if (only.has('big-evtx')) {
    if (!existsSync(EVTX)) rows.push({ name: 'One large .evtx', skipped: 'SKIPPED: corpus/evtx is absent' });
    else {
      const big = bigEvtxFile();
      rows.push(await measureRow('One .evtx of all corpus chunks (split), bundled pack', [big], [], runs, threads, cores));
      if (existsSync(SIGMA_RULES)) rows.push(await measureRow('One .evtx of all corpus chunks (split), SigmaHQ rules/windows', [big], ['--rules', SIGMA_RULES], runs, threads, cores));
    }
  }
  if (only.has('big-gz')) {
    if (!existsSync(NXLOG)) rows.push({ name: 'One large gzip NDJSON', skipped: 'SKIPPED: corpus/nxlog is absent' });
    else {
      const gz = await nxlogGzipFile();
      rows.push(await measureRow('The NXLog corpus as one gzip NDJSON (split), bundled pack', [gz], [], runs, threads, cores));
      if (existsSync(SIGMA_RULES)) rows.push(await measureRow('The NXLog corpus as one gzip NDJSON (split), SigmaHQ rules/windows', [gz], ['--rules', SIGMA_RULES], runs, threads, cores));
    }
  }
  return { cores, rows };
}

export function threadScalingLines(scaling: ThreadScaling | { skipped: string }): string[] {
  if ('skipped' in scaling) return ['', `Threads (scan --threads): ${scaling.skipped}`];
  const out = ['', `Threads (scan --threads, fresh bundled CLI processes, alternated, medians; ${scaling.cores} cores here, aim >= ${SCALING_AIM}x on 2):`];
  for (const row of scaling.rows) {
    if ('skipped' in row) {
      out.push(`  ${row.name}: ${row.skipped}`);
      continue;
    }
    const [a, b] = row.threads.map((t) => row.medians[String(t)]!);
    out.push(
      `  ${row.name} (${row.megabytes.toFixed(0)} MB): ${row.threads[0]} thread ${a!.wallSeconds.toFixed(2)} s wall / ${a!.cpuSeconds.toFixed(2)} s CPU; ` +
        `${row.threads[1]} threads ${b!.wallSeconds.toFixed(2)} s / ${b!.cpuSeconds.toFixed(2)} s CPU: speed-up ${row.speedup.toFixed(2)}x` +
        ` (aim ${row.speedup >= SCALING_AIM ? 'met' : 'NOT met'}), CPU x${row.cpuRatio.toFixed(2)}` +
        (row.idleSpeedup === undefined ? '' : `; on idle cores (per-thread CPU) ${row.idleSpeedup.toFixed(2)}x`) +
        `; ${row.notes.join('; ')}`,
    );
    for (const t of row.threads) {
      const c = row.threadCpu[String(t)];
      if (c) out.push(`    ${t} thread(s), CPU by thread (medians): main ${c.main.toFixed(2)} s, workers ${c.workers.map((w) => w.toFixed(2)).join(' + ') || '-'}, V8/libuv helpers ${c.helpers.toFixed(2)} s`);
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '3' }, passes: { type: 'string', default: '5' }, only: { type: 'string', default: 'evtx,nxlog,sigma,big-evtx,big-gz' }, threads: { type: 'string' } },
  });
  const scaling = await measureThreadScaling({
    runs: Number(values.runs),
    passes: Number(values.passes),
    only: new Set(values.only.split(',')),
    ...(values.threads === undefined ? {} : { threads: Number(values.threads) }),
  });
  process.stdout.write(`${threadScalingLines(scaling).join('\n')}\n`);
}
