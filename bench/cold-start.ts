/**
 * Cold start: a fresh Node process imports the bundled Lambda (dist/functions/scan/index.mjs),
 * which reads its configuration and compiles the bundled rules at import, as Lambda's init phase
 * does. Measured inside the child: how long Node took to reach user code, the import (rules
 * included), and, from a separate bundle of the rule loader, the rule compilation alone.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './measure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FUNCTION_BUNDLE = join(ROOT, 'dist/functions/scan/index.mjs');
const RULES_BUNDLE = join(tmpdir(), `winsift-bench-rules-${process.pid}.mjs`);

export interface ColdStart {
  /** Process start to the first line of user code (Node's own bootstrap). */
  readonly nodeBootMs: number;
  /** `import()` of the function bundle: module evaluation, config, rule compilation. */
  readonly importMs: number;
  /** Compiling the bundled rules alone, in a fresh process. */
  readonly compileMs: number;
  /** Process start to handler ready. */
  readonly totalMs: number;
  readonly runs: number;
}

async function ensureBundles(): Promise<void> {
  if (!existsSync(FUNCTION_BUNDLE)) {
    const { buildAll } = await import('../scripts/build.ts');
    await buildAll();
  }
  // The rule loader on its own, bundled like the function (rule texts embedded, as
  // scripts/build.ts does), so the figure is compilation, not TS stripping or disk reads.
  const { build } = await import('esbuild');
  const { bundledRuleFiles } = await import('../lib/rules/bundled.ts');
  await build({
    stdin: {
      contents: `export { loadRulePack } from './lib/rules/rule-pack.ts'; export const files = ${JSON.stringify(bundledRuleFiles())};`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile: RULES_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    banner: { js: `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);` },
    logLevel: 'error',
  });
}

const CHILD = `
const boot = performance.now();
const env = process.env;
const t0 = performance.now();
await import(env.BENCH_FUNCTION);
const t1 = performance.now();
const rules = await import(env.BENCH_RULES);
const files = rules.files;
const t2 = performance.now();
rules.loadRulePack(files);
const t3 = performance.now();
process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify({ nodeBootMs: boot, importMs: t1 - t0, compileMs: t3 - t2, totalMs: t1 }) + '\\n');
`;

export async function measureColdStart(runs = 5): Promise<ColdStart> {
  await ensureBundles();
  const results: { nodeBootMs: number; importMs: number; compileMs: number; totalMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHILD], {
      env: {
        ...process.env,
        BENCH_FUNCTION: pathToFileURL(FUNCTION_BUNDLE).href,
        BENCH_RULES: pathToFileURL(RULES_BUNDLE).href,
        // What the function's configuration requires; nothing is called at import.
        TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:winsift-bench',
        AWS_REGION: 'us-east-1',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
    const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (!line) throw new Error(`cold-start child printed no result: ${stdout.slice(0, 500)}`);
    results.push(JSON.parse(line.slice('BENCH_RESULT '.length)));
  }
  rmSync(RULES_BUNDLE, { force: true });
  return {
    nodeBootMs: median(results.map((r) => r.nodeBootMs)),
    importMs: median(results.map((r) => r.importMs)),
    compileMs: median(results.map((r) => r.compileMs)),
    totalMs: median(results.map((r) => r.totalMs)),
    runs,
  };
}
