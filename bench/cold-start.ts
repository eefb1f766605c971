/**
 * Cold start: a fresh Node process imports the bundled Lambda (dist/functions/scan/index.mjs),
 * which reads its configuration and compiles the bundled rules at import, as Lambda's init phase
 * does. Measured inside the child: how long Node took to reach user code, the import (rules
 * included), and, from a separate bundle of the rule loader, the rule compilation alone.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './measure.ts';
import { bundleForBench } from './bundle-for-bench.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FUNCTION_BUNDLE = join(ROOT, 'dist/functions/scan/index.mjs');
const RULES_BUNDLE = join(tmpdir(), `winsift-bench-rules-${process.pid}.mjs`);

export interface ColdStart {
  /** Process start to the first line of user code (Node's own bootstrap). */
  readonly nodeBootMs: number;
  /** `import()` of the function bundle: module evaluation, config, rule compilation. */
  readonly importMs: number;
  /** Compiling the bundled rules alone, in a fresh process (with the built-in pipelines, the default). */
  readonly compileMs: number;
  /**
   * The same with no pipelines (`pipelines: []`), in fresh processes alternating with the ones
   * above: compileCpuMs / compileNoBuiltinsCpuMs is what the built-in pipelines cost at cold start.
   */
  readonly compileNoBuiltinsMs: number;
  readonly compileNoBuiltinsCpuMs: number;
  /** Process start to handler ready. */
  readonly totalMs: number;
  /**
   * The same in CPU time: on a dedicated vCPU (Lambda) init is CPU-bound and wall ~ CPU, while
   * on a shared machine wall time mostly measures the neighbours.
   */
  readonly nodeBootCpuMs: number;
  readonly importCpuMs: number;
  readonly compileCpuMs: number;
  readonly totalCpuMs: number;
  readonly runs: number;
}

async function ensureBundles(): Promise<void> {
  // Always rebuilt: a dist/ left from an older checkout would time old code.
  const { buildAll } = await import('../scripts/build.ts');
  await buildAll();
  // The rule loader on its own, bundled like the function (rule texts and the built-in
  // pipelines embedded by scripts/build.ts's plugin), so the figure is compilation, not TS
  // stripping or disk reads.
  const { bundledRuleFiles } = await import('../lib/rules/bundled.ts');
  await bundleForBench({
    stdin: {
      contents: `export { loadRulePack } from './lib/rules/rule-pack.ts'; export const files = ${JSON.stringify(bundledRuleFiles())};`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile: RULES_BUNDLE,
    minify: true,
  });
}

const CHILD = `
const boot = performance.now();
const bootCpu = process.cpuUsage();
const env = process.env;
const cpuMs = (since) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
const t0 = performance.now();
const c0 = process.cpuUsage();
await import(env.BENCH_FUNCTION);
const t1 = performance.now();
const importCpuMs = cpuMs(c0);
const rules = await import(env.BENCH_RULES);
const t2 = performance.now();
const c2 = process.cpuUsage();
rules.loadRulePack(rules.files, env.BENCH_NO_PIPELINES ? { pipelines: [] } : {});
const t3 = performance.now();
const compileCpuMs = cpuMs(c2);
process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify({
  nodeBootMs: boot, importMs: t1 - t0, compileMs: t3 - t2, totalMs: t1,
  nodeBootCpuMs: (bootCpu.user + bootCpu.system) / 1000, importCpuMs, compileCpuMs, totalCpuMs: (bootCpu.user + bootCpu.system) / 1000 + importCpuMs,
}) + '\\n');
`;

type ChildResult = Omit<ColdStart, 'runs' | 'compileNoBuiltinsMs' | 'compileNoBuiltinsCpuMs'>;

async function child(noPipelines: boolean): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: {
      ...process.env,
      ...(noPipelines ? { BENCH_NO_PIPELINES: '1' } : {}),
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
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildResult;
}

export async function measureColdStart(runs = 5): Promise<ColdStart> {
  await ensureBundles();
  const results: ChildResult[] = [];
  const without: ChildResult[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternating, so a noisy neighbour slows both kinds alike and the ratio holds.
    if (i % 2 === 0) {
      results.push(await child(false));
      without.push(await child(true));
    } else {
      without.push(await child(true));
      results.push(await child(false));
    }
  }
  rmSync(RULES_BUNDLE, { force: true });
  const med = (key: keyof ChildResult): number => median(results.map((r) => r[key]));
  return {
    compileNoBuiltinsMs: median(without.map((r) => r.compileMs)),
    compileNoBuiltinsCpuMs: median(without.map((r) => r.compileCpuMs)),
    nodeBootMs: med('nodeBootMs'),
    importMs: med('importMs'),
    compileMs: med('compileMs'),
    totalMs: med('totalMs'),
    nodeBootCpuMs: med('nodeBootCpuMs'),
    importCpuMs: med('importCpuMs'),
    compileCpuMs: med('compileCpuMs'),
    totalCpuMs: med('totalCpuMs'),
    runs,
  };
}
