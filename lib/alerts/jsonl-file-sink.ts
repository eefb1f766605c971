/**
 * Matches to a local JSON-lines file (the same lines as `--format jsonl`). Appends, so one file
 * can collect the matches of every scanned object; each object's lines are written at finish in
 * one append, so a crash mid-object leaves no half-written object behind.
 */
import { appendFile } from 'node:fs/promises';
import type { Match } from '../scan/match.ts';
import type { ScanSummary } from '../scan/scan-summary.ts';
import type { AlertSink, DeliveryReport } from './alert-sink.ts';
import { formatMatchLine } from './match-line.ts';

export function createJsonlFileSink(path: string): AlertSink {
  const lines: string[] = [];
  return {
    add(match: Match) {
      lines.push(formatMatchLine(match));
    },
    async finish(_summary: ScanSummary): Promise<DeliveryReport> {
      if (lines.length === 0) return { delivered: 0, alreadyDelivered: 0, failed: 0 };
      try {
        await appendFile(path, lines.join(''));
      } catch (error) {
        throw new Error(`cannot write alerts to ${path}: ${(error as Error).message}`, { cause: error });
      }
      return { delivered: lines.length, alreadyDelivered: 0, failed: 0 };
    },
  };
}
