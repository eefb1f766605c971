/**
 * Cold start with the SigmaHQ Windows pack (../shared/corpus/sigma/rules/windows, 2,407 rules):
 * the function asset `cdk synth -c rulePack=<that directory>` makes (the bundle plus the
 * precompiled `rule-pack.json`, infra/rule-pack-asset.ts), imported in fresh Node processes as
 * Lambda's init does. Measured in the child: import CPU and wall time (pack read, checked and
 * indexed; no channel compiled yet), RSS after it, and then the CPU the first event of a
 * channel costs (its rules compiled on first sight: Sysmon, the biggest, and Security), with the
 * process's peak RSS after those. For comparison, in this process: the same rules from YAML
 * (parse + compile every rule), which is what a cold start cost before packs.
 *
 * Aim (issue 14): import + rule load <= 500 ms CPU and <= 200 MB RSS on this machine.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './measure.ts';
import { bundleForBench } from './bundle-for-bench.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SIGMAHQ_WINDOWS = fileURLToPath(new URL('../../shared/corpus/sigma/rules/windows', import.meta.url));

export interface PackColdStart {
  readonly rules: number;
  readonly packBytes: number;
  readonly version: string;
  /** import() of the asset's index.mjs: bundle evaluation, pack JSON read, hash and shape check, indexing. */
  readonly importCpuMs: number;
  readonly importMs: number;
  readonly rssAfterImportMB: number;
  /** First event on a channel: that channel's rules compiled (Sysmon: most of the pack). */
  readonly firstSysmonEventCpuMs: number;
  readonly firstSecurityEventCpuMs: number;
  readonly peakRssMB: number;
  /** In the parent, once: the same rules from YAML, parsed and compiled eagerly (the old cold start). */
  readonly yamlCpuMs: number;
  readonly runs: number;
}

const CHILD = `
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const c0 = cpu(); const t0 = performance.now();
await import(process.env.BENCH_ASSET);
const importCpuMs = cpu() - c0; const importMs = performance.now() - t0;
const rssAfterImportMB = process.memoryUsage().rss / 2 ** 20;
// The same pack the function loaded, from the same file, to time first sight of each channel.
const { loadFunctionPack } = await import(process.env.BENCH_LOADER);
const { pack } = loadFunctionPack(new URL('.', process.env.BENCH_ASSET));
const event = (Channel, EventID, extra) => ({ fields: { Channel, EventID, Computer: 'ws01', ...extra }, raw: {}, layout: 'evtx-json' });
let c = cpu();
pack.detector.match(event('Microsoft-Windows-Sysmon/Operational', 1, { Image: 'C:\\\\Windows\\\\System32\\\\cmd.exe', CommandLine: 'cmd /c whoami' }));
const firstSysmonEventCpuMs = cpu() - c;
c = cpu();
pack.detector.match(event('Security', 4688, { NewProcessName: 'C:\\\\Windows\\\\System32\\\\cmd.exe' }));
const firstSecurityEventCpuMs = cpu() - c;
const peakRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify({ importCpuMs, importMs, rssAfterImportMB, firstSysmonEventCpuMs, firstSecurityEventCpuMs, peakRssMB, version: pack.version, rules: pack.detector.rules.length }) + '\\n');
`;

export async function measurePackColdStart(runs = 5): Promise<PackColdStart | { skipped: string }> {
  if (!existsSync(SIGMAHQ_WINDOWS)) return { skipped: `SKIPPED: ${SIGMAHQ_WINDOWS} is absent (../shared)` };
  const { buildAll } = await import('../scripts/build.ts');
  await buildAll();
  const { functionAssetWithPack } = await import('../infra/rule-pack-asset.ts');
  const work = mkdtempSync(join(tmpdir(), 'winsift-bench-pack-'));
  const { cpSync, statSync } = await import('node:fs');
  const functionDir = join(work, 'scan');
  cpSync(join(ROOT, 'dist/functions/scan'), functionDir, { recursive: true });
  const asset = functionAssetWithPack(functionDir, SIGMAHQ_WINDOWS);
  // The loader the bundle holds, bundled alone, so the first-event figures run the same code.
  const loader = join(work, 'loader.mjs');
  await bundleForBench({
    stdin: { contents: `export { loadFunctionPack } from './lib/rules/bundled-pack.ts';`, resolveDir: ROOT, loader: 'ts' },
    outfile: loader,
    minify: true,
  });
  try {
    const results: Array<Omit<PackColdStart, 'runs' | 'yamlCpuMs' | 'packBytes'>> = [];
    for (let i = 0; i < runs; i++) {
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHILD], {
        maxBuffer: 16 * 2 ** 20,
        env: {
          ...process.env,
          BENCH_ASSET: pathToFileURL(join(asset.dir, 'index.mjs')).href,
          BENCH_LOADER: pathToFileURL(loader).href,
          TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:winsift-bench',
          AWS_REGION: 'us-east-1',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      });
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) throw new Error(`pack cold-start child printed no result: ${stdout.slice(0, 500)}`);
      results.push(JSON.parse(line.slice('BENCH_RESULT '.length)));
    }
    // The old way, for comparison: every rule parsed from YAML and compiled at cold start.
    const { buildPack } = await import('../lib/rules/build-pack.ts');
    const { loadPackContent } = await import('../lib/rules/rule-pack.ts');
    const before = process.cpuUsage();
    const built = buildPack(SIGMAHQ_WINDOWS);
    loadPackContent(built.content, built.version, { eager: true });
    const used = process.cpuUsage(before);
    const med = (key: keyof (typeof results)[number]): number => median(results.map((r) => r[key] as number));
    return {
      rules: results[0]!.rules,
      version: results[0]!.version,
      packBytes: statSync(join(asset.dir, 'rule-pack.json')).size,
      importCpuMs: med('importCpuMs'),
      importMs: med('importMs'),
      rssAfterImportMB: med('rssAfterImportMB'),
      firstSysmonEventCpuMs: med('firstSysmonEventCpuMs'),
      firstSecurityEventCpuMs: med('firstSecurityEventCpuMs'),
      peakRssMB: med('peakRssMB'),
      yamlCpuMs: (used.user + used.system) / 1000,
      runs,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(asset.dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await measurePackColdStart(Number(process.argv[2] ?? 3)), null, 2));
}
