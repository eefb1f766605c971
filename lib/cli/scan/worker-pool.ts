/**
 * The worker threads of `winsift scan --threads N` and the order their results are written in.
 *
 * The main thread is one of the N scanners: it takes the files in plan order, and a file no
 * worker has started yet when its turn comes it scans itself (`claim`), writing its alerts as
 * they come. The N - 1 workers take the largest file not started yet (large files late would
 * leave one core working alone at the end); each scans one file at a time (scan-worker.ts) and
 * streams its alerts back in batches, which the main thread writes when that file's turn comes
 * (`take`). So the output is the same as one thread's, whichever finishes first, and the N - 1
 * workers cost one start-up (module import, pack load, JIT warm-up) fewer than N would.
 *
 * Memory: a worker on a file whose turn has not come stops once MAX_UNACKED_BATCHES of its
 * batches wait (only the file being written gets its batches acknowledged), and once
 * BUFFER_BUDGET alerts wait in all, no worker starts a new file until some are written. So the
 * main thread holds at most about BUFFER_BUDGET + (threads - 1) x 1,088 alerts of files not yet
 * written, plus one small report per finished file. It cannot deadlock: the file being written
 * is either done, running in a worker (whose batches are acknowledged), or scanned right here.
 *
 * A large file the caller splits (`pieceRunner`, lib/scan/scan-pieces.ts) is not a job: the
 * caller scans it in its turn and sends its pieces to workers that have no file, two at most
 * each (one scanned, one waiting), scanning a piece itself when every worker has two. While it
 * does, no worker starts a file, so workers finishing theirs take pieces.
 *
 * A worker that dies (an uncaught error, out of memory) fails the file it had, naming it; its
 * alerts already sent are kept, and a new worker takes its place. A worker that cannot start
 * (the entry file is missing, the pack does not load) is said once (`onStartFailure`), no more
 * are started, and the main thread scans what no worker has.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Alert } from '../../alerts/alert.ts';
import { WORKER_RESOURCE_LIMITS } from '../../scan/heap-limits.ts';
import type { InputFile } from './inputs.ts';
import type { FileReport } from './scan-file.ts';
import { scanWorkerUrl } from './scan-worker-url.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.ts';
import type { ObjectPiece, PieceContext, ScannedPiece } from '../../scan/scan-piece.ts';
import { type PieceRunner, PieceThreadError } from '../../scan/scan-pieces.ts';

/** Alerts waiting to be written past which no worker starts a new file. */
export const BUFFER_BUDGET = 8192;

export interface WorkerPoolOptions {
  readonly threads: number;
  readonly setup: WorkerSetup;
  /** The worker's entry (tests give one that fails on purpose); default scan-worker.ts / .mjs. */
  readonly workerUrl?: URL;
  /** Told once when a worker could not start: the files left are then scanned by the caller. */
  readonly onStartFailure?: (error: Error) => void;
  /** Some file will be split (`pieceRunner`): start every worker, even for a single file. */
  readonly splitting?: boolean;
}

export interface TakenFile {
  readonly report: FileReport;
  readonly bytes: number;
  readonly records: number;
}

export interface WorkerPool {
  /**
   * Whether the caller should scan the file at `index` itself: true when no worker has started
   * it (it is then no worker's). False: `take` it.
   */
  claim(index: number): boolean;
  /**
   * The file at `index` of the list the pool was given: each of its alerts through `emit`, in
   * order and awaited (the worker waits when the writer does), then its report. Call `claim`
   * first: a file no worker has started waits for a free worker, and every worker may be
   * waiting for its own file to be written.
   */
  take(index: number, emit: (alert: Alert) => Promise<void>, progress?: (bytes: number, records: number) => void): Promise<TakenFile>;
  /** Alerts received from workers and not yet written: what the bound above is about. */
  waiting(): number;
  /**
   * For a file the caller splits (lib/scan/scan-pieces.ts): pieces go to workers that have no
   * file, and are scanned by `here` (the caller's thread) when none can take one. No worker
   * starts another file until `end` is called, so workers finishing theirs join in.
   */
  pieceRunner(here: (piece: ObjectPiece, context: PieceContext) => ScannedPiece): PieceRunner & { end(): void };
  /** Resolves once a worker is ready for work, or none can start (tests: pieces then surely reach a worker). */
  whenReady(): Promise<void>;
  /** Stops every worker; safe to call twice. */
  close(): Promise<void>;
}

interface Job {
  readonly index: number;
  readonly file: InputFile;
  state: 'pending' | 'running' | 'done';
  readonly batches: (readonly Alert[])[];
  worker?: Slot;
  outcome?: TakenFile;
  bytes: number;
  records: number;
  /** Resolves the `take` waiting for this job's next message. */
  wake?: () => void;
  progress?: (bytes: number, records: number) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  job?: Job;
  gone: boolean;
  /** Pieces sent and not answered, by id. */
  readonly pieces: Set<number>;
}

interface PendingPiece {
  readonly resolve: (scanned: ScannedPiece) => void;
  readonly reject: (error: Error) => void;
}

/** Pieces a worker holds at once: one being scanned and one waiting, so it never waits for the next. */
const PIECES_PER_WORKER = 2;

/** `files[i]` may be scanned by a worker unless `inWorker(files[i])` is false (stdin: the caller's). */
export function startWorkerPool(files: readonly InputFile[], inWorker: (file: InputFile) => boolean, options: WorkerPoolOptions): WorkerPool {
  const url = options.workerUrl ?? scanWorkerUrl();
  const jobs: (Job | undefined)[] = files.map((file, index) =>
    inWorker(file) ? { index, file, state: 'pending', batches: [], bytes: 0, records: 0 } : undefined,
  );
  const workerJobs = jobs.filter((j): j is Job => j !== undefined);
  // Largest first; of equal sizes the last in plan order, the farthest from the main thread,
  // which works from the front: so it rarely waits for a file a worker still has.
  const bySize = [...workerJobs].sort((a, b) => (b.file.size ?? 0) - (a.file.size ?? 0) || b.index - a.index);
  const slots = new Set<Slot>();
  const pieces = new Map<number, PendingPiece>();
  let nextPiece = 0;
  /** Files being split: while one is, workers are kept for its pieces. */
  let splitting = 0;
  let buffered = 0;
  let readyNow: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (readyNow = resolve));
  let startFailed = false;
  let closed = false;

  const wake = (job: Job) => {
    const w = job.wake;
    job.wake = undefined;
    w?.();
  };

  const finish = (job: Job, report: FileReport, bytes = job.bytes, records = job.records) => {
    job.state = 'done';
    job.outcome = { report, bytes, records };
    if (job.worker?.job === job) job.worker.job = undefined;
    wake(job);
  };

  const spawn = () => {
    const slot: Slot = { worker: new Worker(url, { workerData: options.setup, resourceLimits: WORKER_RESOURCE_LIMITS }), ready: false, gone: false, pieces: new Set() };
    slots.add(slot);
    slot.worker.on('message', (message: FromWorker) => onMessage(slot, message));
    slot.worker.on('error', (error) => onGone(slot, error));
    slot.worker.on('exit', (code) => onGone(slot, new Error(`worker thread exited with code ${code}`)));
  };

  const onMessage = (slot: Slot, message: FromWorker) => {
    if (message.type === 'ready') {
      slot.ready = true;
      readyNow();
      dispatch();
      return;
    }
    if (message.type === 'piece-done' || message.type === 'piece-failed') {
      const pending = pieces.get(message.id);
      pieces.delete(message.id);
      slot.pieces.delete(message.id);
      if (message.type === 'piece-done') pending?.resolve(message.scanned);
      else pending?.reject(new PieceThreadError(`scan failed: ${message.reason}`));
      return;
    }
    const job = jobs[message.job];
    if (!job || job.state === 'done') return;
    switch (message.type) {
      case 'alerts':
        job.batches.push(message.alerts);
        buffered += message.alerts.length;
        wake(job);
        break;
      case 'progress':
        job.bytes = message.bytes;
        job.records = message.records;
        job.progress?.(message.bytes, message.records);
        break;
      case 'done':
        finish(job, message.report, message.bytes, message.records);
        dispatch();
        break;
      case 'failed':
        finish(job, { kind: 'failed', path: job.file.path, reason: `scan failed: ${message.reason}` });
        dispatch();
        break;
    }
  };

  const onGone = (slot: Slot, error: Error) => {
    if (slot.gone) return;
    slot.gone = true;
    slots.delete(slot);
    if (closed) return;
    const job = slot.job;
    if (!slot.ready && !job) {
      // It never started: any other would fail the same way (the pack, the entry file). No more
      // are started; the caller claims what no worker has.
      if (!startFailed) options.onStartFailure?.(error);
      startFailed = true;
      readyNow();
      return;
    }
    if (job) finish(job, { kind: 'failed', path: job.file.path, reason: `worker thread died while scanning it: ${error.message}` });
    for (const id of slot.pieces) {
      pieces.get(id)?.reject(new PieceThreadError(`worker thread died while scanning it: ${error.message}`));
      pieces.delete(id);
    }
    void slot.worker.terminate();
    if (!startFailed && (largestPending() || splitting > 0)) spawn();
    dispatch();
  };

  // A job never becomes pending again, so the search resumes where it stopped: linear in all.
  let cursor = 0;
  const largestPending = (): Job | undefined => {
    while (cursor < bySize.length && bySize[cursor]!.state !== 'pending') cursor++;
    return bySize[cursor];
  };
  const nextJob = (): Job | undefined => (buffered >= BUFFER_BUDGET || splitting > 0 ? undefined : largestPending());

  const dispatch = () => {
    if (closed) return;
    for (const slot of slots) {
      if (!slot.ready || slot.job || slot.gone || slot.pieces.size > 0) continue;
      const job = nextJob();
      if (!job) return;
      job.state = 'running';
      job.worker = slot;
      slot.job = job;
      slot.worker.postMessage({ type: 'scan', job: job.index, file: job.file } satisfies ToWorker);
    }
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all([...slots].map((s) => s.worker.terminate()));
  };

  // A missing entry file is said at once: a worker's start-up error may otherwise come after
  // the main thread has scanned every file, and the run would not say why it used one thread.
  const entry = url.protocol === 'file:' ? fileURLToPath(url) : undefined;
  if (entry !== undefined && !existsSync(entry)) {
    startFailed = true;
    options.onStartFailure?.(new Error(`${entry} is missing`));
  }
  // The main thread is the N-th scanner; the first file is its own, so workers start on the rest
  // (all N - 1 when a file is to be split: its pieces keep them busy).
  const wanted = options.splitting ? options.threads - 1 : Math.min(options.threads - 1, workerJobs.length - 1);
  if (!startFailed) for (let i = 0; i < wanted; i++) spawn();

  const pieceRunner = (here: (piece: ObjectPiece, context: PieceContext) => ScannedPiece): PieceRunner & { end(): void } => {
    splitting++;
    let ended = false;
    return {
      maxInFlight: Math.max(1, options.threads - 1) * PIECES_PER_WORKER + 2,
      run(piece, context) {
        let free: Slot | undefined;
        for (const slot of slots) {
          if (!slot.ready || slot.job || slot.gone || slot.pieces.size >= PIECES_PER_WORKER) continue;
          if (!free || slot.pieces.size < free.pieces.size) free = slot;
        }
        if (!free || closed) {
          try {
            return Promise.resolve(here(piece, context));
          } catch (error) {
            return Promise.reject(error as Error);
          }
        }
        const id = nextPiece++;
        const slot = free;
        slot.pieces.add(id);
        return new Promise<ScannedPiece>((resolve, reject) => {
          pieces.set(id, { resolve, reject });
          // A batch of records has a buffer of its own (scan-pieces.ts): moved, not copied.
          const transfer = piece.kind === 'records' && piece.bytes.byteOffset === 0 ? [piece.bytes.buffer as ArrayBuffer] : [];
          slot.worker.postMessage({ type: 'piece', id, piece, context } satisfies ToWorker, transfer);
        });
      },
      end() {
        if (ended) return;
        ended = true;
        splitting--;
        dispatch();
      },
    };
  };

  return {
    claim(index) {
      const job = jobs[index];
      if (!job || job.state !== 'pending') return false;
      job.state = 'done';
      return true;
    },
    async take(index, emit, progress) {
      const job = jobs[index];
      if (!job) throw new Error(`file ${index} is not scanned in a worker`);
      if (progress) {
        job.progress = progress;
        if (job.bytes > 0 || job.records > 0) progress(job.bytes, job.records);
      }
      for (;;) {
        const batch = job.batches.shift();
        if (batch) {
          buffered -= batch.length;
          for (const alert of batch) await emit(alert);
          if (job.state === 'running' && job.worker && !job.worker.gone) job.worker.worker.postMessage({ type: 'ack', job: index } satisfies ToWorker);
          dispatch();
          continue;
        }
        if (job.state === 'done' && job.outcome) return job.outcome;
        await new Promise<void>((resolve) => (job.wake = resolve));
      }
    },
    waiting: () => buffered,
    pieceRunner,
    whenReady: () => (startFailed ? Promise.resolve() : ready),
    close,
  };
}
