/**
 * What the scan's main thread and its worker threads (`scan --threads N`) say to each other.
 * Everything here crosses `postMessage`, so it is plain data (structured clone): the rule pack
 * goes as compiled-pack JSON text, the settings without the `--state` store (never used with
 * workers: run-scan.ts), alerts and reports as the plain objects they are.
 */
import type { Alert } from '../../alerts/alert.ts';
import type { FileReport, FileScanSettings } from './scan-file.ts';
import type { InputFile } from './inputs.ts';
import type { ObjectPiece, PieceContext, ScannedPiece } from '../../scan/scan-piece.ts';

/** Given to each worker at start (`workerData`). */
export interface WorkerSetup {
  /** The main thread's pack as a compiled pack (lib/rules/compiled-pack.ts): no YAML in workers. */
  readonly packText: string;
  /** The main thread's pack version: every alert names the same pack on any thread. */
  readonly packVersion: string;
  readonly settings: Omit<FileScanSettings, 'crossObject'>;
  /** Send progress messages (only when a progress line is drawn). */
  readonly progress: boolean;
}

/** Alerts go in batches of this many (or fewer, at the end of a file). */
export const ALERT_BATCH = 64;
/**
 * A worker pauses its scan (the emit it awaits does not return) once more than this many of a
 * file's batches wait for the main thread to write them: what bounds a file's alerts in memory.
 */
export const MAX_UNACKED_BATCHES = 16;

export type ToWorker =
  /** Scan this file; one at a time per worker. */
  | { readonly type: 'scan'; readonly job: number; readonly file: InputFile }
  /** One batch of the job's alerts was written: the worker may send one more. */
  | { readonly type: 'ack'; readonly job: number }
  /** Read and match one piece of a file the main thread is splitting (lib/scan/scan-piece.ts); never while scanning a file. */
  | { readonly type: 'piece'; readonly id: number; readonly piece: ObjectPiece; readonly context: PieceContext };

export type FromWorker =
  /** The pack is loaded: send files. */
  | { readonly type: 'ready' }
  | { readonly type: 'alerts'; readonly job: number; readonly alerts: readonly Alert[] }
  | { readonly type: 'progress'; readonly job: number; readonly bytes: number; readonly records: number }
  | { readonly type: 'done'; readonly job: number; readonly report: FileReport; readonly bytes: number; readonly records: number }
  /** scanFile threw (a bug, an alert that cannot be cloned): the file is failed, the worker goes on. */
  | { readonly type: 'failed'; readonly job: number; readonly reason: string }
  | { readonly type: 'piece-done'; readonly id: number; readonly scanned: ScannedPiece }
  /** scanPiece threw (a bug): the file being split fails with the reason. */
  | { readonly type: 'piece-failed'; readonly id: number; readonly reason: string };
