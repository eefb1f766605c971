/**
 * One file's scan, the unit a worker thread can run: a task and serialisable settings in, the
 * file's alerts out through `emit` (folded the way the function folds them, filtered) and a
 * plain-data report back. The caller writes alerts in task order, so output is the same however
 * many files are scanned at once.
 */
import { createReadStream } from 'node:fs';
import { hasEvtxSignature } from '../../evtx/read-evtx.ts';
import { type PieceRunner, PieceThreadError, scanPieces } from '../../scan/scan-pieces.ts';
import { createAggregator, type AggregationOptions } from '../../alerts/aggregator.ts';
import type { Alert } from '../../alerts/alert.ts';
import type { AlertSink } from '../../alerts/alert-sink.ts';
import type { IngestOptions } from '../../ingest/ingest-item.ts';
import type { Detector } from '../../rules/rule.ts';
import { deadlineIn } from '../../ingest/deadline.ts';
import { resolveLimits } from '../../ingest/limits.ts';
import { ScanDeferredError, ScanFailedError, scanStream } from '../../scan/scan-stream.ts';
import type { ScanSummary } from '../../scan/scan-summary.ts';
import type { CrossObjectState } from '../../state/cross-object-state.ts';
import type { InputFile } from './inputs.ts';
import { ruleSelector, type RuleFilterSpec } from './rule-filter.ts';
import { sniffLog } from './sniff-log.ts';
import { readFileHead } from './file-head.ts';
import { workAtLeast } from './work-size.ts';

export interface FileScanSettings {
  readonly ingest: Omit<IngestOptions, 'uri' | 'mayMatch'>;
  readonly prefilter: boolean;
  readonly aggregation: AggregationOptions;
  readonly filter: RuleFilterSpec;
  /** Stop reading a file after this long (`--time-limit`): it is reported as not read whole. */
  readonly timeLimitMs?: number;
  readonly timeLimitLabel?: string;
  /**
   * `--state FILE`: correlations and suppression across files and runs (lib/state). It holds an
   * open store, so unlike the rest it is not serialisable: a worker would open its own.
   */
  readonly crossObject?: CrossObjectState;
}

export type FileReport =
  /** Read (whole, or until `stopped`): the scan's summary. */
  | {
      readonly kind: 'scanned';
      readonly path: string;
      readonly summary: ScanSummary;
      readonly alerts: number;
      /** Matches of rules the filter hides. */
      readonly hiddenMatches: number;
      /** Why reading stopped before the end, when it did. */
      readonly stopped?: string;
      /** What the cross-object state did for this file (late events, suppressed repeats...), with --state. */
      readonly state?: Readonly<Record<string, number>>;
    }
  /** Found in a directory and not a log (README.md, a screenshot): skipped and counted. */
  | { readonly kind: 'not-a-log'; readonly path: string; readonly reason: string }
  /** Could not be opened (permissions, vanished): bad input. */
  | { readonly kind: 'unopened'; readonly path: string; readonly reason: string }
  /**
   * The scan itself failed (`--threads`: the worker thread threw or died while on this file):
   * counted as a failed file (exit 2); alerts it emitted before were already written.
   */
  | { readonly kind: 'failed'; readonly path: string; readonly reason: string };

export interface FileScanHooks {
  /** Every alert of the file, in order; awaited (back-pressure reaches the scan). */
  readonly emit: (alert: Alert) => Promise<void> | void;
  /** Compressed bytes read so far and records read so far, for the progress line. */
  readonly progress?: (bytes: number, records: number) => void;
  /**
   * Threads to split the file's work with (`--threads`, worker-pool.ts), and the size from which
   * a file is split: see `splitsFile` for which files are.
   */
  readonly split?: { readonly runner: PieceRunner; readonly fromBytes: number };
}

/**
 * Whether the file is scanned in pieces by several threads (lib/scan/scan-pieces.ts) rather than
 * read whole by one: it must be large enough to pay for it (`workBytes`: a compressed file
 * counts ten times its size), not stdin (its bytes cannot be read
 * by offset, nor is its size known), and its answers must not depend on the order events are
 * matched in: not with `--state` (suppression and correlations across files), nor with a pack
 * whose rules keep state from one event to the next (EQL sequences, Sigma correlations), whose
 * `match` must see the file's events in order on one thread.
 */
export function splitsFile(file: InputFile, detector: Detector, settings: FileScanSettings, fromBytes: number): boolean {
  return file.path !== '-' && settings.crossObject === undefined && detector.keepsState?.() !== true && workAtLeast([file], fromBytes);
}

export async function scanFile(
  file: InputFile,
  detector: Detector,
  settings: FileScanSettings,
  hooks: FileScanHooks,
): Promise<FileReport> {
  const { path } = file;
  try {
    if (file.fromDirectory) {
      const sniff = await sniffLog(path);
      if (!sniff.log) return { kind: 'not-a-log', path, reason: sniff.reason };
    }
  } catch (error) {
    if (isFileSystemError(error)) return { kind: 'unopened', path, reason: fsReason(error) };
    throw error;
  }

  const shown = ruleSelector(settings.filter);
  const aggregator = createAggregator({ uri: path }, settings.aggregation);
  let alerts = 0;
  let hiddenMatches = 0;
  const emit = async (alert: Alert) => {
    alerts++;
    await hooks.emit(alert);
  };
  const shownSink: AlertSink = {
    async add(match) {
      if (!shown(match.rule)) {
        hiddenMatches++;
        return;
      }
      const alert = aggregator.add(match);
      if (alert) await emit(alert);
    },
    async finish() {
      for (const alert of aggregator.alerts()) await emit(alert);
      return { delivered: alerts, alreadyDelivered: 0, failed: 0 };
    },
  };
  // Suppression sits in front of the filter and the folding: a held repeat is never shown, and
  // its "N more" is folded and filtered like any other match.
  const { crossObject } = settings;
  const sink = crossObject ? crossObject.wrapSink(shownSink, { uri: path }) : shownSink;

  let records = 0;
  let bytes = 0;
  let split = hooks.split && splitsFile(file, detector, settings, hooks.split.fromBytes) ? hooks.split.runner : undefined;
  const evtx = split !== undefined && isRawEvtx(path);
  // A raw .evtx over maxDecompressedBytes stops where one thread's byte meter stops it: read whole.
  if (evtx && (file.size ?? 0) > resolveLimits(settings.ingest).maxDecompressedBytes) split = undefined;
  const input = evtx && split ? undefined : path === '-' ? process.stdin : createReadStream(path);
  const counted = input && hooks.progress ? countBytes(input, (n) => hooks.progress?.((bytes += n), records)) : input;
  try {
    const options = {
      uri: path,
      detector,
      sink,
      ingest: settings.ingest,
      prefilter: settings.prefilter,
      ...(settings.timeLimitMs === undefined ? {} : { deadline: deadlineIn(settings.timeLimitMs, settings.timeLimitLabel ?? 'time limit') }),
      ...(hooks.progress ? { onRecords: (n: number) => hooks.progress?.(bytes, (records = n)) } : {}),
    };
    const { summary, delivery } = split
      ? await scanPieces(evtx ? { kind: 'evtx-file', path, size: file.size ?? 0 } : { kind: 'stream', input: counted! }, {
          ...options,
          runner: split,
          ...(hooks.progress ? { onBytes: (n: number) => hooks.progress?.((bytes = n), records) } : {}),
        })
      : await scanStream(counted!, { ...options, ...(crossObject ? { crossObject } : {}) });
    const state = addCounts(summary.state, delivery.state);
    return { kind: 'scanned', path, summary, alerts, hiddenMatches, ...(state ? { state } : {}) };
  } catch (error) {
    if (error instanceof ScanFailedError || error instanceof ScanDeferredError) {
      const { summary } = error.result;
      return { kind: 'scanned', path, summary, alerts, hiddenMatches, stopped: error.cause.message, ...(summary.state ? { state: summary.state } : {}) };
    }
    // A missing or unreadable file is bad input like any other: report it, scan the rest.
    if (isFileSystemError(error)) return { kind: 'unopened', path, reason: fsReason(error) };
    // A thread scanning a piece of it died: the file failed, the run goes on.
    if (error instanceof PieceThreadError) return { kind: 'failed', path, reason: error.message };
    throw error;
  }
}

/** Whether the file starts as a raw `.evtx` does (`ElfFile\0`): its chunks can then be read by offset. */
function isRawEvtx(path: string): boolean {
  const head = readFileHead(path, 8);
  return head !== undefined && head.length === 8 && hasEvtxSignature(head);
}

function addCounts(...parts: (Readonly<Record<string, number>> | undefined)[]): Record<string, number> | undefined {
  let total: Record<string, number> | undefined;
  for (const part of parts) for (const [k, n] of Object.entries(part ?? {})) (total ??= {})[k] = (total[k] ?? 0) + n;
  return total;
}

async function* countBytes(input: AsyncIterable<Uint8Array>, add: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    add(chunk.byteLength);
    yield chunk;
  }
}

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

function fsReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file or directory (ENOENT)';
    case 'EACCES':
      return 'permission denied (EACCES)';
    case 'EISDIR':
      return 'is a directory (EISDIR)';
    default:
      return error.message;
  }
}
