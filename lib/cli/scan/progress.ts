/**
 * The progress line of a long scan, on stderr, only when stderr is a terminal (and not --quiet):
 * files done, bytes read of the total, records per second, time left, the current file. It is
 * redrawn at most a few times a second and erased before anything else is written to stderr.
 */
import { displayValue } from '../../alerts/sanitise.ts';
import { fit } from '../output/table.ts';
import { formatBytes, formatCount, formatDuration } from './run-stats.ts';

export interface Progress {
  /** A progress line is drawn (stderr is a terminal, not --quiet). */
  readonly enabled: boolean;
  fileStarted(path: string): void;
  /** Bytes and records read so far in the current file. */
  update(bytes: number, records: number): void;
  fileDone(bytes: number, records: number): void;
  /** Writes a line to stderr without garbling the progress line. */
  log(text: string): void;
  /** Erases the progress line (redrawn at the next update): before writing to the same terminal. */
  clear(): void;
  end(): void;
}

export interface ProgressPlan {
  readonly files: number;
  /** Sum of the files' sizes; undefined when unknown (stdin). */
  readonly bytes?: number;
}

const REDRAW_MS = 200;

export function createProgress(stream: NodeJS.WriteStream, plan: ProgressPlan, enabled: boolean): Progress {
  if (!enabled) {
    return { enabled: false, fileStarted() {}, update() {}, fileDone() {}, log: (text) => void stream.write(text), clear() {}, end() {} };
  }
  const started = performance.now();
  let filesDone = 0;
  let bytesDone = 0;
  let recordsDone = 0;
  let current = '';
  let bytesNow = 0;
  let recordsNow = 0;
  let lastDraw = 0;
  let shown = false;

  const draw = (force = false) => {
    const now = performance.now();
    if (!force && now - lastDraw < REDRAW_MS) return;
    lastDraw = now;
    stream.write(`\r\x1b[2K${progressLine(now - started)}`);
    shown = true;
  };
  const progressLine = (elapsedMs: number): string => {
    const bytes = bytesDone + bytesNow;
    const records = recordsDone + recordsNow;
    const seconds = elapsedMs / 1000;
    const parts = [`[${Math.min(filesDone + 1, plan.files)}/${plan.files}]`];
    parts.push(plan.bytes ? `${formatBytes(bytes)} / ${formatBytes(plan.bytes)}` : formatBytes(bytes));
    if (seconds > 0.5 && records > 0) parts.push(`${formatCount(Math.round(records / seconds))} records/s`);
    if (plan.bytes && bytes > 0 && seconds > 1) {
      parts.push(`ETA ${formatDuration(((plan.bytes - bytes) / bytes) * elapsedMs)}`);
    }
    parts.push(current);
    return fit(parts.join(' · '), Math.max(20, (stream.columns || 80) - 1));
  };
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    enabled: true,
    fileStarted(path) {
      current = displayValue(path, 200);
      bytesNow = 0;
      recordsNow = 0;
      draw();
    },
    update(bytes, records) {
      bytesNow = bytes;
      recordsNow = records;
      draw();
    },
    fileDone(bytes, records) {
      filesDone++;
      bytesDone += bytes;
      recordsDone += records;
      bytesNow = 0;
      recordsNow = 0;
    },
    log(text) {
      clear();
      stream.write(text);
    },
    clear,
    end: clear,
  };
}
