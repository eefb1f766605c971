/**
 * Where a scan's alerts go: one output for stdout (table, jsonl, csv, ocsf, or the timeline) and
 * any number of collectors beside it (the HTML report, the summary). Each sees every alert of the
 * run in file order, as an `Alert` (exact values) and as an `AlertRow` (sanitised, for people).
 */
import type { Alert } from '../../alerts/alert.ts';
import { toSnsMessage } from '../../alerts/sns-message.ts';
import { formatAlertLine } from './alert-line.ts';
import type { AlertRow } from './alert-row.ts';
import { csvHeader, csvRow } from './csv.ts';
import { fileHeading, tableHeader, tableRow, type TableLayout } from './table.ts';
import type { TextWriter } from './writer.ts';

export const OUTPUT_FORMATS = ['table', 'jsonl', 'csv', 'ocsf'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface AlertOutput {
  /** `row()` builds the sanitised row on first call (machine formats never pay for it). */
  alert(alert: Alert, row: () => AlertRow): Promise<void> | void;
  /** Once, after the last file. */
  finish?(): Promise<void> | void;
}

export function tableOutput(out: TextWriter, layout: TableLayout): AlertOutput {
  let file: string | undefined;
  return {
    async alert(_alert, rowOf) {
      const row = rowOf();
      if (file === undefined) await out.write(tableHeader(layout));
      if (row.file !== file) {
        file = row.file;
        await out.write(fileHeading(row.file, undefined, layout));
      }
      await out.write(tableRow(row, layout));
    },
  };
}

export function jsonlOutput(out: TextWriter): AlertOutput {
  return { alert: (alert) => out.write(formatAlertLine(alert)) };
}

export function csvOutput(out: TextWriter): AlertOutput {
  let started = false;
  const header = () => {
    if (started) return;
    started = true;
    return out.write(csvHeader());
  };
  return {
    async alert(_alert, row) {
      await header();
      await out.write(csvRow(row()));
    },
    // A CSV with no alerts still has its header, so a spreadsheet or `xsv` reads it.
    finish: header,
  };
}

/**
 * The OCSF Detection Findings the function publishes (its SNS message's `default`), one per
 * line: the same rendering, including the step-down trimming that keeps one under 256 KiB.
 */
export function ocsfOutput(out: TextWriter, now: () => number = Date.now): AlertOutput {
  return {
    alert(alert) {
      const { message } = toSnsMessage(alert, undefined, now);
      return out.write(`${(JSON.parse(message) as { default: string }).default}\n`);
    },
  };
}
