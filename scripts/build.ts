/**
 * Bundles each Lambda entry point (functions/<name>/index.ts -> dist/functions/<name>/index.mjs)
 * and the CLI (dist/winsift.mjs) with esbuild. The bundled rule pack is embedded: the module
 * lib/rules/bundled.ts is replaced by one holding the rule files' text, so no YAML is read from
 * disk at run time and a deployed function always runs exactly the rules it was built with.
 * The built-in processing pipelines (pipelines/*.yml) are embedded the same way.
 */
import { build, type Plugin } from 'esbuild';
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledRuleFiles } from '../lib/rules/bundled.ts';
import { NODE_HEAP_FLAGS } from '../lib/scan/heap-limits.ts';
import { builtinPipelineDocuments, builtinPipelineFiles } from '../lib/sigma/pipelines/builtin-files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const embedBundledRules: Plugin = {
  name: 'embed-bundled-rules',
  setup(b) {
    b.onLoad({ filter: /[\\/]lib[\\/]rules[\\/]bundled\.ts$/ }, () => ({
      loader: 'js',
      contents: `export function bundledRuleFiles() { return ${JSON.stringify(bundledRuleFiles())}; }`,
    }));
    // The built-in processing pipelines (pipelines/*.yml), embedded as their YAML read as data, so
    // a cold start parses no YAML (it still checks them: readPipelineBody).
    b.onLoad({ filter: /[\\/]lib[\\/]sigma[\\/]pipelines[\\/]builtin-files\.ts$/ }, () => ({
      loader: 'js',
      contents:
        `export function builtinPipelineFiles() { return ${JSON.stringify(builtinPipelineFiles())}; }\n` +
        `export function builtinPipelineDocuments() { return ${JSON.stringify(builtinPipelineDocuments())}; }`,
    }));
  },
};

/** ESM bundles still meet CommonJS dependencies (the AWS SDK's): give them a `require`. */
const cjsShim = `import { createRequire as __winsiftCreateRequire } from 'node:module'; const require = __winsiftCreateRequire(import.meta.url);`;

/**
 * `split`: code reached only through `import()` (the SNS client: most scans raise no alert) goes
 * to chunks beside the entry, read when first needed instead of at every cold start.
 */
/** In the bin, `import('./winsift.ts')` loads the CLI bundle next to it. */
const cliAsSibling: Plugin = {
  name: 'cli-as-sibling',
  setup(b) {
    b.onResolve({ filter: /^\.\/winsift\.ts$/ }, () => ({ path: './winsift-cli.mjs', external: true }));
  },
};

/**
 * In the CLI bundle the scan's worker threads run dist/scan-worker.mjs (bundled below), beside
 * dist/winsift-cli.mjs; from the sources they run lib/cli/scan/scan-worker.ts.
 */
const scanWorkerBeside: Plugin = {
  name: 'scan-worker-beside',
  setup(b) {
    b.onLoad({ filter: /[\\/]lib[\\/]cli[\\/]scan[\\/]scan-worker-url\.ts$/ }, () => ({
      loader: 'js',
      contents: `export function scanWorkerUrl() { return new URL('./scan-worker.mjs', import.meta.url); }`,
    }));
  },
};

async function bundle(entry: string, outfile: string, banner = '', split = false, plugins: Plugin[] = []): Promise<void> {
  // Chunks load ES modules only: the packages' ES builds (`module`), so a lazily imported
  // package (the SNS client) keeps its named exports.
  const out = split
    ? { outdir: join(ROOT, dirname(outfile)), entryNames: basename(outfile, '.mjs'), chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' }, splitting: true, mainFields: ['module', 'main'] }
    : { outfile: join(ROOT, outfile) };
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    ...out,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    banner: { js: `${banner}${cjsShim}` },
    plugins: [embedBundledRules, ...plugins],
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  console.log(`built ${relative(ROOT, join(ROOT, outfile))} (${(bytes / 1024).toFixed(0)} KiB)`);
}

export async function buildAll(): Promise<void> {
  const functionsDir = join(ROOT, 'functions');
  const names = existsSync(functionsDir) ? readdirSync(functionsDir) : [];
  for (const name of names) {
    if (existsSync(join(functionsDir, name, 'index.ts'))) {
      rmSync(join(ROOT, 'dist/functions', name), { recursive: true, force: true });
      await bundle(`functions/${name}/index.ts`, `dist/functions/${name}/index.mjs`, '', true);
    }
  }
  // The bin is the Node-version check (lib/cli/start.mjs) alone; the CLI itself is a second file
  // it imports once the check passed, so an old Node says why it cannot run instead of failing
  // to link a node:zlib export.
  await bundle('lib/cli/winsift.ts', 'dist/winsift-cli.mjs', '', false, [scanWorkerBeside]);
  await bundle('lib/cli/scan/scan-worker.ts', 'dist/scan-worker.mjs');
  // `env -S` splits the line, so the bin starts Node with the scan's heap flags (heap-limits.ts).
  await bundle('lib/cli/start.mjs', 'dist/winsift.mjs', `#!/usr/bin/env -S node ${NODE_HEAP_FLAGS.join(' ')}\n`, false, [cliAsSibling]);
  chmodSync(join(ROOT, 'dist/winsift.mjs'), 0o755);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildAll();
}
