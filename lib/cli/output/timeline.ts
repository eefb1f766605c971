/**
 * `--timeline`: every alert of the run in event-time order, across files, like hayabusa's DFIR
 * timeline, as CSV (default) or JSONL. Sorting needs the whole run, so rows (sanitised and bounded,
 * a few hundred bytes each, no events) are kept until the end. Alerts with no event time come last.
 */
import type { AlertRow } from './alert-row.ts';
import { csvHeader, csvRow } from './csv.ts';
import type { AlertOutput } from './outputs.ts';
import type { TextWriter } from './writer.ts';

export type TimelineFormat = 'csv' | 'jsonl';

export function timelineOutput(out: TextWriter, format: TimelineFormat): AlertOutput {
  const rows: { row: AlertRow; seq: number }[] = [];
  return {
    alert(_alert, row) {
      rows.push({ row: row(), seq: rows.length });
    },
    async finish() {
      rows.sort(byTime);
      if (format === 'csv') await out.write(csvHeader());
      for (const { row } of rows) await out.write(format === 'csv' ? csvRow(row) : `${JSON.stringify(row)}\n`);
    },
  };
}

/** Event time, then the order the scan found them (file, record): the same input, the same timeline. */
function byTime(a: { row: AlertRow; seq: number }, b: { row: AlertRow; seq: number }): number {
  const ta = a.row.timeMs ?? Number.POSITIVE_INFINITY;
  const tb = b.row.timeMs ?? Number.POSITIVE_INFINITY;
  return ta === tb ? a.seq - b.seq : ta < tb ? -1 : 1;
}
