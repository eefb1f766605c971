/** Peak RSS of scanning one large generated object, measured in a child process (peak-rss-child.ts). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CHILD = fileURLToPath(new URL('./peak-rss-child.ts', import.meta.url));

export interface PeakRss {
  readonly bytes: number;
  readonly events: number;
  readonly matches: number;
  readonly seconds: number;
  /** After imports and rule compilation, before the scan. */
  readonly baselineRssMB: number;
  readonly peakRssMB: number;
}

export async function measurePeakRss(bytes: number): Promise<PeakRss> {
  const { stdout } = await promisify(execFile)(process.execPath, [CHILD, '--bytes', String(bytes)], { maxBuffer: 1 << 20 });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as PeakRss;
}
