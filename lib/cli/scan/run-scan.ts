/**
 * A whole `winsift scan`: plan the inputs, scan each file (scan-file.ts), hand every alert to the
 * outputs in file order, keep the run's statistics. Files are scanned one after another here; a
 * parallel runner would call `scanFile` in workers and replay each file's alerts in plan order,
 * so the output would not change.
 */
import { displayValue } from '../../alerts/sanitise.ts';
import type { Detector } from '../../rules/rule.ts';
import { type AlertRow, toAlertRow } from '../output/alert-row.ts';
import type { AlertOutput } from '../output/outputs.ts';
import type { InputPlan } from './inputs.ts';
import type { Progress } from './progress.ts';
import { RunStats } from './run-stats.ts';
import { type FileReport, type FileScanSettings, scanFile } from './scan-file.ts';

export interface ScanRun {
  readonly plan: InputPlan;
  readonly detector: Detector;
  readonly settings: FileScanSettings;
  readonly outputs: readonly AlertOutput[];
  readonly progress: Progress;
}

export async function runScan(run: ScanRun): Promise<RunStats> {
  const { plan, progress } = run;
  const stats = new RunStats(plan);
  for (const problem of plan.problems) progress.log(`winsift: ${displayValue(problem.path, 300)}: ${problem.reason}\n`);
  for (const file of plan.files) {
    progress.fileStarted(file.path);
    let bytes = 0;
    let records = 0;
    const report = await scanFile(file, run.detector, run.settings, {
      emit: async (alert) => {
        stats.addAlert(alert);
        let row: AlertRow | undefined;
        const rowOf = () => (row ??= toAlertRow(alert));
        for (const output of run.outputs) await output.alert(alert, rowOf);
      },
      progress: (b, r) => progress.update((bytes = b), (records = r)),
    });
    progress.fileDone(bytes, records);
    stats.addFile(report);
    const problem = describeProblem(report);
    if (problem) progress.log(`winsift: ${problem}\n`);
    const warning = describeWarnings(report);
    if (warning) progress.log(`winsift: ${warning}\n`);
  }
  for (const output of run.outputs) await output.finish?.();
  stats.finish();
  progress.end();
  return stats;
}

/** One line for a file that was bad input, naming it; undefined when it was read whole. */
function describeProblem(report: FileReport): string | undefined {
  const path = displayValue(report.path, 300);
  if (report.kind === 'unopened') return `${path}: ${report.reason}`;
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
