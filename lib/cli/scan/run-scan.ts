/**
 * A whole `winsift scan`: plan the inputs, scan each file (scan-file.ts), hand every alert to the
 * outputs in file order, keep the run's statistics. With `threads` > 1 the files are scanned in
 * worker threads and this one (worker-pool.ts) and taken back in plan order, so the output, the
 * statistics and the exit status are the same as one thread's; stdin is always scanned here.
 */
import { displayValue } from '../../alerts/sanitise.ts';
import type { Alert } from '../../alerts/alert.ts';
import type { Detector } from '../../rules/rule.ts';
import { type AlertRow, toAlertRow } from '../output/alert-row.ts';
import type { AlertOutput } from '../output/outputs.ts';
import type { InputFile, InputPlan } from './inputs.ts';
import type { Progress } from './progress.ts';
import { RunStats } from './run-stats.ts';
import { scanPiece } from '../../scan/scan-piece.ts';
import { type FileReport, type FileScanSettings, scanFile, splitsFile } from './scan-file.ts';
import { startWorkerPool, type WorkerPool } from './worker-pool.ts';
import type { WorkerSetup } from './worker-protocol.ts';

export interface ScanRun {
  readonly plan: InputPlan;
  readonly detector: Detector;
  readonly settings: FileScanSettings;
  readonly outputs: readonly AlertOutput[];
  readonly progress: Progress;
  /**
   * Worker threads (default 1: all in this thread). Ignored with `settings.crossObject`: state
   * across files is kept in event order, which one thread gives (see whyOneThread).
   */
  readonly threads?: number;
  /** The compiled pack for the workers, made only if workers are started. */
  readonly workerPack?: () => Pick<WorkerSetup, 'packText' | 'packVersion'>;
  /** The worker's entry file (tests); default scan-worker.ts, or dist/scan-worker.mjs in the bundle. */
  readonly workerUrl?: URL;
  /** Files from this many bytes are split across the threads (`--split-from`; default SPLIT_FROM_BYTES). */
  readonly splitFromBytes?: number;
}

/** Why a run with these settings uses one thread whatever `--threads` says; undefined when it need not. */
export function whyOneThread(settings: FileScanSettings): string | undefined {
  return settings.crossObject
    ? 'with --state, correlations and suppression see the files in order on one thread (--threads ignored)'
    : undefined;
}

/** Files from this size are split across the threads (`--split-from`): see splitsFile. */
export const SPLIT_FROM_BYTES = 64 * 2 ** 20;

export async function runScan(run: ScanRun): Promise<RunStats> {
  const { plan, progress } = run;
  const stats = new RunStats(plan);
  for (const problem of plan.problems) progress.log(`winsift: ${displayValue(problem.path, 300)}: ${problem.reason}\n`);
  const threads = whyOneThread(run.settings) ? 1 : (run.threads ?? 1);
  const splitFrom = run.splitFromBytes ?? SPLIT_FROM_BYTES;
  // A file split across the threads is scanned from here, its pieces in the workers; stdin too.
  const split = (file: InputFile) => threads > 1 && splitsFile(file, run.detector, run.settings, splitFrom);
  const inWorker = (file: InputFile) => file.path !== '-' && !split(file);
  const splitting = plan.files.some(split);
  // One file is scanned here: a worker's start-up would buy nothing, unless it is split.
  const pool =
    threads > 1 && run.workerPack && (plan.files.filter(inWorker).length > 1 || splitting)
      ? startWorkerPool(plan.files, inWorker, {
          threads,
          splitting,
          setup: { ...run.workerPack(), settings: settingsForWorkers(run.settings), progress: progress.enabled },
          ...(run.workerUrl ? { workerUrl: run.workerUrl } : {}),
          onStartFailure: (error) => progress.log(`winsift: a worker thread could not start (${displayValue(error.message, 300)}): the files left are scanned on the main thread\n`),
        })
      : undefined;
  try {
    const emit = async (alert: Alert) => {
      stats.addAlert(alert);
      let row: AlertRow | undefined;
      const rowOf = () => (row ??= toAlertRow(alert));
      for (const output of run.outputs) await output.alert(alert, rowOf);
    };
    for (const [index, file] of plan.files.entries()) {
      progress.fileStarted(file.path);
      const { report, bytes, records } = await scanOne(run, pool, index, file, emit, inWorker(file), split(file) ? splitFrom : undefined);
      progress.fileDone(bytes, records);
      stats.addFile(report);
      const problem = describeProblem(report);
      if (problem) progress.log(`winsift: ${problem}\n`);
      const warning = describeWarnings(report);
      if (warning) progress.log(`winsift: ${warning}\n`);
    }
  } finally {
    await pool?.close();
  }
  for (const output of run.outputs) await output.finish?.();
  stats.finish();
  progress.end();
  return stats;
}

async function scanOne(
  run: ScanRun,
  pool: WorkerPool | undefined,
  index: number,
  file: InputFile,
  emit: (alert: Alert) => Promise<void>,
  inWorker: boolean,
  splitFrom: number | undefined,
): Promise<{ report: FileReport; bytes: number; records: number }> {
  const update = (b: number, r: number) => run.progress.update(b, r);
  if (pool && inWorker && !pool.claim(index)) return pool.take(index, emit, update);
  let bytes = 0;
  let records = 0;
  // The file's pieces go to the workers, or are scanned here when every worker has two.
  const runner = pool && splitFrom !== undefined ? pool.pieceRunner((piece, context) => scanPiece(piece, context, run.detector)) : undefined;
  try {
    const report = await scanFile(file, run.detector, run.settings, {
      emit,
      progress: (b, r) => update((bytes = b), (records = r)),
      ...(runner && splitFrom !== undefined ? { split: { runner, fromBytes: splitFrom } } : {}),
    });
    return { report, bytes, records };
  } finally {
    runner?.end();
  }
}

function settingsForWorkers(settings: FileScanSettings): WorkerSetup['settings'] {
  const { crossObject: _state, ...plain } = settings;
  return plain;
}

/** One line for a file that was bad input, naming it; undefined when it was read whole. */
function describeProblem(report: FileReport): string | undefined {
  const path = displayValue(report.path, 300);
  if (report.kind === 'unopened') return `${path}: ${report.reason}`;
  if (report.kind === 'failed') return `${path}: ${displayValue(report.reason, 600)}`;
  if (report.kind === 'not-a-log') return undefined;
  const { summary } = report;
  // InputError messages start with the file name already.
  if (report.stopped !== undefined) return `${displayValue(report.stopped, 600)} (${summary.events} events read before)`;
  if (summary.unreadable > 0) {
    return `${path}: ${summary.unreadable} unreadable record(s); first: ${displayValue(summary.errors[0] ?? '?', 400)}`;
  }
  return undefined;
}

/**
 * One line for a file whose records were read, but not exactly as written (invalid UTF-8, a
 * repeated JSON key): they were scanned, and the first warning names the record and the keys.
 */
function describeWarnings(report: FileReport): string | undefined {
  if (report.kind !== 'scanned' || !report.summary.warnings) return undefined;
  const { summary } = report;
  const first = summary.errors.find((e) => e.startsWith('warning: '))?.slice('warning: '.length) ?? '?';
  const duplicates = summary.duplicateKeys ? `, ${summary.duplicateKeys} with duplicate JSON keys (matched with each value)` : '';
  return `${displayValue(report.path, 300)}: ${summary.warnings} record(s) read with a warning${duplicates}; first: ${displayValue(first, 400)}`;
}
