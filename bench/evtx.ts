/**
 * EVTX read speed: winsift's native reader next to libevtx's `evtxexport` (C) and python-evtx,
 * on the same files (the shared corpus of real .evtx files), in the same run.
 *
 *   node bench/evtx.ts            # table on stdout
 *   EVTX_BENCH_RUNS=5 node bench/evtx.ts
 *
 * MB/s counts whole file bytes (preallocated empty chunks included) for every tool alike;
 * records/s counts the records each tool actually produced (the others give up on files we
 * read, so their record totals are lower). Each figure is the median of the runs. CPU seconds
 * (this process and its children) are shown too: on a shared machine wall time mostly measures
 * the neighbours. evtxexport
 * runs once per file (it takes one file), so its time includes a process start per file;
 * python-evtx runs once per pass over all files. The external tools are installed with apt-get
 * when missing (Debian packages libevtx-utils and python3-evtx).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEvtx } from '../lib/evtx/read-evtx.ts';

export interface EvtxToolFigures {
  readonly tool: string;
  readonly available: boolean;
  /** Why the tool did not run, when it did not. */
  readonly note?: string;
  readonly records: number;
  /** Files the tool failed on (non-zero exit, exception, or unreadable items for winsift). */
  readonly failedFiles: number;
  readonly medianSeconds: number;
  readonly megabytesPerSecond: number;
  readonly recordsPerSecond: number;
  /** Median CPU seconds (user + system, this process and its children): fairer than wall time on a busy machine. */
  readonly medianCpuSeconds: number;
  readonly recordsPerCpuSecond: number;
}

export interface EvtxBenchFigures {
  readonly corpus: string;
  readonly files: number;
  readonly megabytes: number;
  readonly runs: number;
  readonly tools: readonly EvtxToolFigures[];
}

const DEFAULT_CORPUS = resolve(fileURLToPath(import.meta.url), '../../../shared/corpus/evtx');
/** python-evtx is in Debian's python3 (a pyenv python on PATH does not see it). */
const SYSTEM_PYTHON = '/usr/bin/python3';

export async function benchEvtx(options: { corpus?: string; runs?: number } = {}): Promise<EvtxBenchFigures> {
  const corpus = options.corpus ?? DEFAULT_CORPUS;
  const runs = options.runs ?? Number(process.env['EVTX_BENCH_RUNS'] ?? 3);
  const files = existsSync(corpus) ? listEvtx(corpus) : [];
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const megabytes = bytes / 1e6;
  if (files.length === 0) return { corpus, files: 0, megabytes: 0, runs, tools: [] };

  const tools: EvtxToolFigures[] = [];
  tools.push(figures('winsift readEvtx (TypeScript)', megabytes, await timeRuns(runs, () => runWinsift(files))));

  const evtxexport = ensureTool('evtxexport', 'libevtx-utils', () => commandExists('evtxexport'));
  tools.push(
    evtxexport.ok
      ? figures('libevtx evtxexport -f xml (C)', megabytes, await timeRuns(runs, async () => runEvtxexport(files)))
      : missing('libevtx evtxexport -f xml (C)', evtxexport.note),
  );

  const python = ensureTool('python-evtx', 'python3-evtx', pythonEvtxExists);
  tools.push(
    python.ok
      ? figures('python-evtx record.xml() (Python)', megabytes, await timeRuns(runs, async () => runPythonEvtx(files)))
      : missing('python-evtx record.xml() (Python)', python.note),
  );
  return { corpus, files: files.length, megabytes, runs, tools };
}

interface RunResult {
  readonly records: number;
  readonly failedFiles: number;
}

async function runWinsift(files: readonly string[]): Promise<RunResult> {
  let records = 0;
  let failedFiles = 0;
  for (const file of files) {
    let failed = false;
    for await (const item of readEvtx(createReadStream(file, { highWaterMark: 1 << 16 }), file)) {
      if (item.kind === 'record') records++;
      else failed = true;
    }
    if (failed) failedFiles++;
  }
  return { records, failedFiles };
}

function runEvtxexport(files: readonly string[]): RunResult {
  let records = 0;
  let failedFiles = 0;
  for (const file of files) {
    const result = spawnSync('evtxexport', ['-f', 'xml', file], { maxBuffer: 1 << 30, encoding: 'latin1' });
    records += countOccurrences(result.stdout ?? '', '<Event ');
    if (result.status !== 0) failedFiles++;
  }
  return { records, failedFiles };
}

const PYTHON_DRIVER = `
import sys, Evtx.Evtx as evtx
records = failed = 0
for path in sys.stdin.read().split("\\0"):
    if not path: continue
    try:
        with evtx.Evtx(path) as log:
            for record in log.records():
                record.xml(); records += 1
    except Exception:
        failed += 1
print(records, failed)
`;

function runPythonEvtx(files: readonly string[]): RunResult {
  const result = spawnSync(SYSTEM_PYTHON, ['-c', PYTHON_DRIVER], { input: files.join('\0'), encoding: 'utf8', maxBuffer: 1 << 20 });
  const [records, failed] = (result.stdout ?? '').trim().split(/\s+/).map(Number);
  if (result.status !== 0 || records === undefined || failed === undefined || Number.isNaN(records)) {
    throw new Error(`python-evtx driver failed: ${result.stderr}`);
  }
  return { records, failedFiles: failed };
}

interface Timed {
  readonly seconds: number[];
  readonly cpuSeconds: number[];
  readonly result: RunResult;
}

async function timeRuns(runs: number, run: () => Promise<RunResult>): Promise<Timed> {
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let result: RunResult = { records: 0, failedFiles: 0 };
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const cpuStart = cpuSecondsSoFar();
    result = await run();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    cpuSeconds.push(cpuSecondsSoFar() - cpuStart);
  }
  return { seconds, cpuSeconds, result };
}

/**
 * CPU time of this process plus its finished children. Children's time comes from
 * /proc/self/stat (cutime, cstime, in 1/100 s); where there is no /proc it is left out.
 */
function cpuSecondsSoFar(): number {
  const self = process.cpuUsage();
  let children = 0;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
    children = (Number(fields[13]) + Number(fields[14])) / 100; // #16 cutime, #17 cstime
  } catch {
    children = 0;
  }
  return (self.user + self.system) / 1e6 + children;
}

function figures(tool: string, megabytes: number, timed: Timed): EvtxToolFigures {
  const medianSeconds = median(timed.seconds);
  const medianCpuSeconds = median(timed.cpuSeconds);
  return {
    tool,
    available: true,
    records: timed.result.records,
    failedFiles: timed.result.failedFiles,
    medianSeconds,
    megabytesPerSecond: megabytes / medianSeconds,
    recordsPerSecond: timed.result.records / medianSeconds,
    medianCpuSeconds,
    recordsPerCpuSecond: medianCpuSeconds > 0 ? timed.result.records / medianCpuSeconds : 0,
  };
}

function missing(tool: string, note: string): EvtxToolFigures {
  return {
    tool, available: false, note, records: 0, failedFiles: 0,
    medianSeconds: 0, megabytesPerSecond: 0, recordsPerSecond: 0, medianCpuSeconds: 0, recordsPerCpuSecond: 0,
  };
}

/** Installs the Debian package when the tool is missing; reports why when that is not possible. */
function ensureTool(name: string, debianPackage: string, present: () => boolean): { ok: boolean; note: string } {
  if (present()) return { ok: true, note: '' };
  if (!commandExists('apt-get')) return { ok: false, note: `${name} missing and apt-get unavailable` };
  console.error(`${name} missing: apt-get install -y ${debianPackage}`);
  spawnSync('apt-get', ['update'], { stdio: 'ignore' });
  const install = spawnSync('apt-get', ['install', '-y', debianPackage], { stdio: 'ignore' });
  if (present()) return { ok: true, note: '' };
  return { ok: false, note: `apt-get install ${debianPackage} failed (exit ${install.status})` };
}

function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function pythonEvtxExists(): boolean {
  return existsSync(SYSTEM_PYTHON) && spawnSync(SYSTEM_PYTHON, ['-c', 'import Evtx.Evtx'], { stdio: 'ignore' }).status === 0;
}

function listEvtx(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.evtx'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function formatEvtxBench(figures: EvtxBenchFigures): string {
  if (figures.files === 0) return `EVTX bench skipped: no .evtx files under ${figures.corpus}`;
  const lines = [
    `EVTX read speed: ${figures.files} files, ${figures.megabytes.toFixed(1)} MB, median of ${figures.runs} runs`,
    `${'tool'.padEnd(36)} ${'MB/s'.padStart(8)} ${'records/s'.padStart(11)} ${'records/CPU s'.padStart(14)} ${'records'.padStart(8)} ${'failed files'.padStart(13)} ${'wall s'.padStart(8)} ${'CPU s'.padStart(8)}`,
  ];
  for (const tool of figures.tools) {
    lines.push(
      tool.available
        ? [
            tool.tool.padEnd(36),
            tool.megabytesPerSecond.toFixed(1).padStart(8),
            Math.round(tool.recordsPerSecond).toString().padStart(11),
            Math.round(tool.recordsPerCpuSecond).toString().padStart(14),
            tool.records.toString().padStart(8),
            tool.failedFiles.toString().padStart(13),
            tool.medianSeconds.toFixed(3).padStart(8),
            tool.medianCpuSeconds.toFixed(3).padStart(8),
          ].join(' ')
        : `${tool.tool.padEnd(36)} not run: ${tool.note}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatEvtxBench(await benchEvtx()));
}
