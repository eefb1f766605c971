/**
 * Bundles each Lambda entry point (functions/<name>/index.ts -> dist/functions/<name>/index.mjs)
 * and the CLI (dist/winsift.mjs) with esbuild. The bundled rule pack is embedded: the module
 * lib/rules/bundled.ts is replaced by one holding the rule files' text, so no YAML is read from
 * disk at run time and a deployed function always runs exactly the rules it was built with.
 */
import { build, type Plugin } from 'esbuild';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledRuleFiles } from '../lib/rules/bundled.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const embedBundledRules: Plugin = {
  name: 'embed-bundled-rules',
  setup(b) {
    b.onLoad({ filter: /[\\/]lib[\\/]rules[\\/]bundled\.ts$/ }, () => ({
      loader: 'js',
      contents: `export function bundledRuleFiles() { return ${JSON.stringify(bundledRuleFiles())}; }`,
    }));
  },
};

/** ESM bundles still meet CommonJS dependencies (the AWS SDK's): give them a `require`. */
const cjsShim = `import { createRequire as __winsiftCreateRequire } from 'node:module'; const require = __winsiftCreateRequire(import.meta.url);`;

async function bundle(entry: string, outfile: string, banner = ''): Promise<void> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    outfile: join(ROOT, outfile),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    banner: { js: `${banner}${cjsShim}` },
    plugins: [embedBundledRules],
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
      await bundle(`functions/${name}/index.ts`, `dist/functions/${name}/index.mjs`);
    }
  }
  await bundle('lib/cli/winsift.ts', 'dist/winsift.mjs', '#!/usr/bin/env node\n');
  chmodSync(join(ROOT, 'dist/winsift.mjs'), 0o755);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildAll();
}
