/**
 * The real scan worker (lib/cli/scan/scan-worker.ts), except that it dies, as a worker thread
 * dies of a bug or out of memory, when it is sent a file whose name contains `crash-me`: what
 * test/cli/threads.test.ts runs to see a crash reported against its file with nothing else lost.
 */
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (message: { type: string; file?: { path: string } }) => {
  if (message.type === 'scan' && message.file?.path.includes('crash-me')) {
    setImmediate(() => {
      throw new Error('worker bug on purpose');
    });
  }
});
await import('../../../lib/cli/scan/scan-worker.ts');
