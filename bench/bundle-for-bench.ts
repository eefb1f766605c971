/**
 * Bundles a benchmark child with esbuild the way the Lambda is bundled (ES module for Node 24,
 * with a `require` for the CommonJS dependencies), so its figures are the bundle's and not Node's
 * TypeScript stripper's. The callers add what is theirs: entry or stdin, outfile, minify, plugins.
 */
import type { BuildOptions } from 'esbuild';

export async function bundleForBench(options: BuildOptions): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    banner: { js: `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);` },
    logLevel: 'error',
    ...options,
  });
}
