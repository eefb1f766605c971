/**
 * Peak RSS of scanning one large generated object, measured in a child process
 * (peak-rss-child.ts) that reads the object from stdin while this process generates it, gzip'd
 * on the fly with backpressure: never on disk, never whole in memory. The child is bundled with esbuild first, as the Lambda is, so the figure
 * is not inflated by Node's TypeScript stripper; it goes to dist/bench/ (ignored by git), from
 * where the bundled rule pack's `rules/` directory resolves as from lib/rules/.
 */
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { emptyFacts, generateGzip } from './generate.ts';
import { NODE_HEAP_FLAGS } from '../lib/scan/heap-limits.ts';
import { bundleForBench } from './bundle-for-bench.ts';

const CHILD_SOURCE = fileURLToPath(new URL('./peak-rss-child.ts', import.meta.url));
const CHILD_BUNDLE = fileURLToPath(new URL('../dist/bench/peak-rss-child.mjs', import.meta.url));

export interface PeakRss {
  /** Decompressed bytes of the object. */
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly events: number;
  readonly unreadable: number;
  readonly matches: number;
  readonly seconds: number;
  /** After imports and rule compilation, before the scan. */
  readonly baselineRssMB: number;
  readonly peakRssMB: number;
}

export async function measurePeakRss(bytes: number): Promise<PeakRss> {
  await bundleForBench({
    entryPoints: [CHILD_SOURCE],
    outfile: CHILD_BUNDLE,
  });
  // With the function's NODE_OPTIONS heap flags, as it runs in Lambda.
  const child = spawn(process.execPath, [...NODE_HEAP_FLAGS, CHILD_BUNDLE], { stdio: ['pipe', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const facts = emptyFacts();
  // Level 1: the generator's compression is not what is measured, and level 6 would double the run.
  await pipeline(generateGzip({ seed: 9, layout: 'ecs', bytes }, facts, 1), child.stdin);
  const code = await exited;
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`peak-RSS child exited with ${code}: ${stdout.slice(0, 500)}`);
  const result = JSON.parse(line) as Omit<PeakRss, 'bytes'>;
  if (result.events !== facts.events) throw new Error(`peak-RSS child read ${result.events} events of ${facts.events}`);
  return { bytes: facts.bytes, ...result };
}
