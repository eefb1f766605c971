/**
 * Peak RSS of scanning one large generated object, measured in a child process
 * (peak-rss-child.ts). The child is bundled with esbuild first, as the Lambda is, so the figure
 * is not inflated by Node's TypeScript stripper; it goes to dist/bench/ (ignored by git), from
 * where the bundled rule pack's `rules/` directory resolves as from lib/rules/.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CHILD_SOURCE = fileURLToPath(new URL('./peak-rss-child.ts', import.meta.url));
const CHILD_BUNDLE = fileURLToPath(new URL('../dist/bench/peak-rss-child.mjs', import.meta.url));

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
  const { build } = await import('esbuild');
  await build({
    entryPoints: [CHILD_SOURCE],
    outfile: CHILD_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    banner: { js: `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);` },
    logLevel: 'error',
  });
  const { stdout } = await promisify(execFile)(process.execPath, [CHILD_BUNDLE, '--bytes', String(bytes)], { maxBuffer: 1 << 20 });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as PeakRss;
}
