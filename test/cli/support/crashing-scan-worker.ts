/**
 * The real scan worker (lib/cli/scan/scan-worker.ts), except that it dies, as a worker thread
 * dies of a bug or out of memory, when it is sent a file, or a piece of one, whose name contains
 * `crash-me`: what test/cli/threads.test.ts and split-file.test.ts run to see a crash reported
 * against its file with nothing else lost.
 */
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (message: { type: string; file?: { path: string }; context?: { uri: string } }) => {
  // A piece is scanned at once when its message comes: die before it is answered.
  if (message.type === 'piece' && message.context?.uri.includes('crash-me')) throw new Error('worker bug on purpose');
  if (message.type === 'scan' && message.file?.path.includes('crash-me')) {
    setImmediate(() => {
      throw new Error('worker bug on purpose');
    });
  }
});
await import('../../../lib/cli/scan/scan-worker.ts');
