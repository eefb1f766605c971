/**
 * The CLI's sink: matches of one scanned file to a stream, as JSON lines (written as they come, so
 * a pipe sees them at once) or as a table (buffered, so columns can be aligned, printed at finish).
 */
import type { Match } from '../scan/match.ts';
import type { ScanSummary } from '../scan/scan-summary.ts';
import type { AlertSink, DeliveryReport } from './alert-sink.ts';
import { formatMatchLine } from './match-line.ts';
import { formatTable, tableRow } from './match-table.ts';

export type OutputFormat = 'table' | 'jsonl';

export function createStdoutSink(out: NodeJS.WritableStream, format: OutputFormat): AlertSink {
  return format === 'jsonl' ? jsonlSink(out) : tableSink(out);
}

function jsonlSink(out: NodeJS.WritableStream): AlertSink {
  let delivered = 0;
  return {
    async add(match: Match) {
      // Respect back-pressure: a slow pipe must not make us buffer a storm of matches in memory.
      if (!out.write(formatMatchLine(match))) await waitForDrain(out);
      delivered++;
    },
    async finish(_summary: ScanSummary): Promise<DeliveryReport> {
      return { delivered, alreadyDelivered: 0, failed: 0 };
    },
  };
}

function tableSink(out: NodeJS.WritableStream): AlertSink {
  const rows: string[][] = [];
  return {
    add(match: Match) {
      rows.push(tableRow(match));
    },
    async finish(_summary: ScanSummary): Promise<DeliveryReport> {
      if (rows.length > 0 && !out.write(formatTable(rows))) await waitForDrain(out);
      return { delivered: rows.length, alreadyDelivered: 0, failed: 0 };
    },
  };
}

function waitForDrain(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => out.once('drain', () => resolve()));
}
