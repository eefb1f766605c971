/**
 * A worker thread of `winsift scan --threads N`: loads the main thread's compiled pack once, then
 * scans the files it is sent with `scanFile`, exactly as one thread would, and sends each file's
 * alerts back in batches. It waits for the main thread to write them (`ack`) when more than
 * MAX_UNACKED_BATCHES are outstanding, so a file with millions of alerts never piles them up.
 * Between files it also reads and matches pieces of a large file the main thread is splitting
 * (`scanPiece`, lib/scan/scan-piece.ts), one at a time, and sends back what they held.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Alert } from '../../alerts/alert.ts';
import { readCompiledPack } from '../../rules/compiled-pack.ts';
import { loadPackContent } from '../../rules/rule-pack.ts';
import type { InputFile } from './inputs.ts';
import { scanPiece } from '../../scan/scan-piece.ts';
import { scanFile } from './scan-file.ts';
import { ALERT_BATCH, MAX_UNACKED_BATCHES, type FromWorker, type ToWorker, type WorkerSetup } from './worker-protocol.ts';

const PROGRESS_MS = 200;

const port = parentPort;
if (!port) throw new Error('scan-worker.ts runs as a worker thread of winsift scan --threads');
const setup = workerData as WorkerSetup;
// The hash and shape checks run here too: cheap next to YAML, and a pack garbled in transit is refused.
const { detector } = loadPackContent(readCompiledPack(setup.packText, 'the scan\'s compiled pack').content, setup.packVersion);

interface Job {
  readonly job: number;
  unacked: number;
  wake: (() => void) | undefined;
}
let current: Job | undefined;

const send = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'ack') {
    if (current?.job !== message.job) return;
    current.unacked--;
    const wake = current.wake;
    current.wake = undefined;
    wake?.();
  } else if (message.type === 'piece') {
    // Synchronous: a piece is read and matched whole, then the next message is taken.
    try {
      send({ type: 'piece-done', id: message.id, scanned: scanPiece(message.piece, message.context, detector) });
    } catch (error) {
      send({ type: 'piece-failed', id: message.id, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  } else {
    void scan(message.job, message.file);
  }
});
send({ type: 'ready' });

async function scan(job: number, file: InputFile): Promise<void> {
  const state: Job = { job, unacked: 0, wake: undefined };
  current = state;
  let batch: Alert[] = [];
  const flush = async (wait: boolean) => {
    if (batch.length > 0) {
      send({ type: 'alerts', job, alerts: batch });
      batch = [];
      state.unacked++;
    }
    while (wait && state.unacked > MAX_UNACKED_BATCHES) await new Promise<void>((resolve) => (state.wake = resolve));
  };
  let bytes = 0;
  let records = 0;
  let drawn = 0;
  try {
    const report = await scanFile(file, detector, setup.settings, {
      emit: async (alert) => {
        batch.push(alert);
        if (batch.length >= ALERT_BATCH) await flush(true);
      },
      ...(setup.progress
        ? {
            progress: (b: number, r: number) => {
              bytes = b;
              records = r;
              const now = performance.now();
              if (now - drawn < PROGRESS_MS) return;
              drawn = now;
              send({ type: 'progress', job, bytes, records });
            },
          }
        : {}),
    });
    await flush(false);
    send({ type: 'done', job, report, bytes, records });
  } catch (error) {
    // What the file emitted before the failure still goes out, before the failure itself.
    try {
      await flush(false);
    } catch {
      // the batch itself could not be sent: the failure below says why the file stopped
    }
    send({ type: 'failed', job, reason: error instanceof Error ? error.message : String(error) });
  } finally {
    if (current === state) current = undefined;
  }
}
