/**
 * Bundles a benchmark child with esbuild the way the Lambda is bundled (ES module for Node 24,
 * with a `require` for the CommonJS dependencies, the bundled rules and built-in pipelines
 * embedded), so its figures are the bundle's and not Node's TypeScript stripper's. The callers add
 * what is theirs: entry or stdin, outfile, minify, more plugins.
 *
 * The embedding matters for answers, not only speed: a bundle in dist/bench/ that read the
 * pipelines from disk found none there, and until 2026-12-02 the peers bench scanned without them.
 */
import type { BuildOptions } from 'esbuild';
import { embedBundledRules } from '../scripts/build.ts';

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
    plugins: [embedBundledRules, ...(options.plugins ?? [])],
  });
}
