/**
 * winsift beside the Rust peers in ../shared/peers (issue 18), on the same real data in the same
 * run, interleaved run by run so a busy machine slows both alike:
 *
 * - **Sigma**: SigmaHQ `rules/windows` over every real NXLog event of `corpus/nxlog` (the zips
 *   unpacked and concatenated once into dist/bench/), winsift (its bundled child, the Lambda's
 *   code path with the prefilter) against `rsigma engine eval -p sysmon`. winsift twice: from the
 *   YAML, as `scan --rules DIR` reads it (the ratio), and from the same rules compiled once into a
 *   pack, as a deployment with `-c rulePack` or `RULES_S3_URI` loads them. CPU seconds and peak
 *   RSS of each process (GNU time's figures for rsigma, resourceUsage() for winsift), and the
 *   rule-by-rule match counts of both, with each difference put in a class.
 * - **EVTX**: winsift's reader against `evtx_dump -t 1 -o jsonl` over the corpus `.evtx` files
 *   above 300 KB, several passes.
 *
 *   node bench/peers.ts [--runs N] [--passes N] [--only sigma,evtx]
 *
 * Targets (issue 18): Sigma CPU <= 0.5 x rsigma with <= 200 MB peak; EVTX CPU <= 1.5 x evtx_dump.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_HEAP_FLAGS } from '../lib/scan/heap-limits.ts';
import { bundleForBench } from './bundle-for-bench.ts';
import { bigEvtxFiles, EVTX, NXLOG, nxlogMembers, PEERS, readNxlogMember, ROOT, SIGMA_RULES } from './shared-paths.ts';

const CACHE = join(ROOT, 'dist/bench');
const CHILD = join(CACHE, 'peers-child.mjs');

export const TARGETS = { sigmaCpuRatio: 0.5, sigmaPeakMB: 200, evtxCpuRatio: 1.5 } as const;

export interface ProcessRun {
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
}

export interface SideFigures {
  readonly tool: string;
  readonly medianCpuSeconds: number;
  readonly maxPeakRssMB: number;
  readonly runs: readonly ProcessRun[];
}

export interface RuleDifference {
  readonly ruleId: string;
  readonly winsift: number;
  readonly rsigma: number;
  /** Why the counts differ, as far as the logsources tell. */
  readonly why: string;
}

export interface SigmaPeerFigures {
  readonly events: number;
  readonly megabytes: number;
  readonly winsift: SideFigures;
  readonly rsigma: SideFigures;
  readonly cpuRatio: number;
  readonly winsiftLoadCpuSeconds: number;
  /** winsift from the compiled pack (the function's way with a user's rules); its own ratio. */
  readonly fromPack: { readonly winsift: SideFigures; readonly cpuRatio: number; readonly loadCpuSeconds: number; readonly packMB: number };
  readonly matches: { readonly winsift: number; readonly rsigma: number };
  readonly rulesAgreeing: number;
  readonly differences: readonly RuleDifference[];
  readonly differencesByReason: Readonly<Record<string, number>>;
}

export interface EvtxPeerFigures {
  readonly files: number;
  readonly megabytes: number;
  readonly passes: number;
  readonly records: { readonly winsift: number; readonly evtxDump: number };
  readonly winsift: SideFigures;
  readonly evtxDump: SideFigures;
  readonly cpuRatio: number;
}

export interface PeerFigures {
  readonly sigma: SigmaPeerFigures | { skipped: string };
  readonly evtx: EvtxPeerFigures | { skipped: string };
}

function log(message: string): void {
  process.stderr.write(`[peers ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function side(tool: string, runs: readonly ProcessRun[]): SideFigures {
  return { tool, runs, medianCpuSeconds: median(runs.map((r) => r.cpuSeconds)), maxPeakRssMB: Math.max(...runs.map((r) => r.peakRssMB)) };
}

/** Bundles the child as the Lambda is bundled, so its figures are not the TypeScript stripper's. */
async function buildChild(): Promise<void> {
  await bundleForBench({
    entryPoints: [fileURLToPath(new URL('./peers-child.ts', import.meta.url))],
    outfile: CHILD,
  });
}

function runChild(args: readonly string[]): ProcessRun & Record<string, unknown> {
  // With the function's NODE_OPTIONS heap flags, as it runs in Lambda.
  const result = spawnSync(process.execPath, [...NODE_HEAP_FLAGS, CHILD, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{')) throw new Error(`winsift child ${args[0]} exited ${result.status}: ${result.stderr.slice(0, 800)}`);
  return JSON.parse(line) as ProcessRun & Record<string, unknown>;
}

/** A peer under GNU time: its CPU (user + system) and peak RSS, and its stdout. */
function runTimed(command: string, args: readonly string[]): ProcessRun & { stdout: string } {
  const result = spawnSync('/usr/bin/time', ['-f', '@@time %U %S %M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const timing = /@@time ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
  if (result.status !== 0 || !timing) throw new Error(`${command} exited ${result.status}: ${result.stderr.slice(-800)}`);
  return { cpuSeconds: Number(timing[1]) + Number(timing[2]), peakRssMB: Number(timing[3]) / 1024, stdout: result.stdout };
}

function commandWorks(command: string, args: readonly string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Every NXLog event of the corpus in one NDJSON file, made once (the zips hold JSON-lines batches). */
async function nxlogCorpus(): Promise<string> {
  const target = join(CACHE, 'nxlog-corpus.ndjson');
  if (existsSync(target)) return target;
  mkdirSync(CACHE, { recursive: true });
  const partial = `${target}.partial`;
  const out = createWriteStream(partial);
  for (const entry of nxlogMembers()) {
    const bytes = readNxlogMember(entry);
    if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) out.write('\n');
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  renameSync(partial, target);
  return target;
}

/** The SigmaHQ rules compiled into a pack once, as `winsift rules build` or the CDK asset does. */
async function compiledPack(): Promise<string> {
  const { buildPack, recordedConfig } = await import('../lib/rules/build-pack.ts');
  const { writeCompiledPack } = await import('../lib/rules/compiled-pack.ts');
  const built = buildPack(SIGMA_RULES);
  const target = join(CACHE, 'sigmahq-windows.pack.json');
  writeFileSync(target, writeCompiledPack(built.content, { name: built.config.name, config: recordedConfig(built.config), now: null }));
  return target;
}

/** Lines holding a record (blank lines are not events for either tool). */
function countRecords(file: string): number {
  return Number(execFileSync('sh', ['-c', 'grep -c "[^[:space:]]" "$0" || true', file], { encoding: 'utf8' }).trim());
}

/** rsigma's NDJSON matches, counted per rule id. */
function rsigmaCounts(stdout: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const id = (JSON.parse(line) as { rule_id?: string }).rule_id ?? '(no id)';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** The logsource of each rule id, to put a count difference in a class. */
interface RuleFacts {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
  /** The rule reads a System field that NXLog names otherwise (SourceName for Provider_Name). */
  readonly readsRenamedField: boolean;
}

async function rulesById(): Promise<Map<string, RuleFacts>> {
  const { readRuleDir } = await import('../lib/rules/read-rule-dir.ts');
  const { parse } = await import('yaml');
  const byId = new Map<string, RuleFacts>();
  for (const file of readRuleDir(SIGMA_RULES)) {
    try {
      const doc = parse(file.text) as { id?: string; logsource?: Record<string, string> } | null;
      if (doc?.id && doc.logsource) byId.set(doc.id, { ...doc.logsource, readsRenamedField: /\bProvider_Name\b/.test(file.text) });
    } catch {
      // Multi-document files (correlations) are not classified; they are few.
    }
  }
  return byId;
}

/** rsigma's `sysmon` pipeline adds conditions to Sysmon categories only (peers/README.md). */
const SYSMON_ROUTED = new Set([
  'process_creation', 'file_change', 'network_connection', 'process_termination', 'driver_load', 'image_load',
  'create_remote_thread', 'raw_access_thread', 'process_access', 'file_event', 'registry_add', 'registry_delete',
  'registry_set', 'registry_rename', 'registry_event', 'create_stream_hash', 'pipe_created', 'wmi_event', 'dns_query',
  'file_delete', 'clipboard_capture', 'process_tampering', 'sysmon_status', 'sysmon_error', 'file_delete_detected',
  'file_block_executable', 'file_block_shredding', 'file_executable_detected',
]);

function classify(winsift: number, rsigma: number, logsource: RuleFacts | undefined): string {
  if (!logsource) return 'rule not classified (correlation or unparsable document)';
  if (winsift > rsigma && logsource.readsRenamedField) {
    return "the rule reads Provider_Name, which NXLog writes as SourceName: winsift's canonical view maps it, rsigma reads the raw record";
  }
  if (logsource.service && winsift < rsigma) {
    return `service logsource (${logsource.service}): rsigma's sysmon pipeline does not route it, so it also matches other channels' events`;
  }
  if (logsource.category && !SYSMON_ROUTED.has(logsource.category) && winsift < rsigma) {
    return `category ${logsource.category}: not routed by rsigma's sysmon pipeline, matches any channel there`;
  }
  if (winsift > rsigma) {
    return logsource.category === 'process_creation' || logsource.category?.startsWith('registry') || logsource.category === 'network_connection'
      ? `winsift's built-in pipelines also read ${logsource.category} from the Security log (4688/4657/5156)`
      : 'winsift matches more: look at the rule';
  }
  return 'winsift matches fewer: look at the rule';
}

export async function benchSigmaPeer(runs: number): Promise<SigmaPeerFigures | { skipped: string }> {
  if (!existsSync(join(PEERS, 'rsigma'))) return { skipped: `${PEERS}/rsigma is absent` };
  if (!existsSync(SIGMA_RULES) || !existsSync(NXLOG)) return { skipped: 'the SigmaHQ rules or the NXLog corpus are absent from ../shared' };
  if (!commandWorks('unzip', ['-v'])) return { skipped: 'unzip is not installed (apt-get install unzip)' };
  if (!commandWorks('/usr/bin/time', ['true'])) return { skipped: 'GNU time is not installed (apt-get install time)' };
  const corpus = await nxlogCorpus();
  const events = countRecords(corpus);
  const megabytes = statSync(corpus).size / 1e6;
  log(`sigma: ${events} NXLog events, ${megabytes.toFixed(0)} MB; ${runs} interleaved runs each`);
  const pack = await compiledPack();
  const ours: ProcessRun[] = [];
  const ourPack: ProcessRun[] = [];
  const theirs: ProcessRun[] = [];
  let winsiftCounts: Record<string, number> = {};
  let rsigmaByRule = new Map<string, number>();
  let loadCpu: number[] = [];
  const packLoadCpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const p = runChild(['sigma-pack', pack, corpus]);
    ourPack.push({ cpuSeconds: p.cpuSeconds, peakRssMB: p.peakRssMB });
    packLoadCpu.push(p['loadCpuSeconds'] as number);
    const w = runChild(['sigma', SIGMA_RULES, corpus]);
    if (JSON.stringify(p['matchesByRule']) !== JSON.stringify(w['matchesByRule'])) throw new Error('winsift matched differently from the compiled pack than from the YAML');
    const read = (w['events'] as number) + (w['unreadable'] as number);
    if (read !== events) throw new Error(`winsift accounted for ${read} records of ${events}`);
    ours.push({ cpuSeconds: w.cpuSeconds, peakRssMB: w.peakRssMB });
    winsiftCounts = w['matchesByRule'] as Record<string, number>;
    loadCpu.push(w['loadCpuSeconds'] as number);
    const r = runTimed(join(PEERS, 'rsigma'), ['engine', 'eval', '-r', SIGMA_RULES, '-p', 'sysmon', '-e', `@${corpus}`, '-q']);
    theirs.push({ cpuSeconds: r.cpuSeconds, peakRssMB: r.peakRssMB });
    rsigmaByRule = rsigmaCounts(r.stdout);
    log(
      `sigma run ${i + 1}: winsift ${w.cpuSeconds.toFixed(2)} s CPU, ${w.peakRssMB.toFixed(0)} MB (from the pack ${p.cpuSeconds.toFixed(2)} s, ${p.peakRssMB.toFixed(0)} MB); rsigma ${r.cpuSeconds.toFixed(2)} s, ${r.peakRssMB.toFixed(0)} MB`,
    );
  }
  const logsources = await rulesById();
  const ids = new Set([...Object.keys(winsiftCounts), ...rsigmaByRule.keys()]);
  const differences: RuleDifference[] = [];
  let agreeing = 0;
  for (const id of [...ids].sort()) {
    const w = winsiftCounts[id] ?? 0;
    const r = rsigmaByRule.get(id) ?? 0;
    if (w === r) agreeing++;
    else differences.push({ ruleId: id, winsift: w, rsigma: r, why: classify(w, r, logsources.get(id)) });
  }
  const differencesByReason: Record<string, number> = {};
  for (const d of differences) {
    const key = d.why.replace(/\(([^)]*)\)/, '(...)').replace(/category \S+:/, 'category ...:');
    differencesByReason[key] = (differencesByReason[key] ?? 0) + 1;
  }
  const winsift = side('winsift (bundled child, prefilter on)', ours);
  const rsigma = side('rsigma engine eval -p sysmon', theirs);
  const fromPackSide = side('winsift from the compiled pack', ourPack);
  return {
    events,
    megabytes,
    winsift,
    rsigma,
    cpuRatio: winsift.medianCpuSeconds / rsigma.medianCpuSeconds,
    winsiftLoadCpuSeconds: median(loadCpu),
    fromPack: { winsift: fromPackSide, cpuRatio: fromPackSide.medianCpuSeconds / rsigma.medianCpuSeconds, loadCpuSeconds: median(packLoadCpu), packMB: statSync(pack).size / 1e6 },
    matches: { winsift: Object.values(winsiftCounts).reduce((a, b) => a + b, 0), rsigma: [...rsigmaByRule.values()].reduce((a, b) => a + b, 0) },
    rulesAgreeing: agreeing,
    differences,
    differencesByReason,
  };
}

export async function benchEvtxPeer(runs: number, passes: number): Promise<EvtxPeerFigures | { skipped: string }> {
  if (!existsSync(join(PEERS, 'evtx_dump'))) return { skipped: `${PEERS}/evtx_dump is absent` };
  if (!existsSync(EVTX)) return { skipped: 'corpus/evtx is absent from ../shared' };
  if (!commandWorks('/usr/bin/time', ['true'])) return { skipped: 'GNU time is not installed (apt-get install time)' };
  const files = bigEvtxFiles();
  const megabytes = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1e6;
  log(`evtx: ${files.length} files, ${megabytes.toFixed(1)} MB, ${passes} passes; ${runs} interleaved runs each`);
  // One shell runs evtx_dump over every file, every pass: one process per file, as the tool takes one file.
  const script = `for p in $(seq 1 ${passes}); do for f in "$@"; do "${join(PEERS, 'evtx_dump')}" -t 1 -o jsonl "$f" || true; done; done | grep -c '^{' || true`;
  const ours: ProcessRun[] = [];
  const theirs: ProcessRun[] = [];
  let records = { winsift: 0, evtxDump: 0 };
  for (let i = 0; i < runs; i++) {
    const w = runChild(['evtx', String(passes), ...files]);
    ours.push({ cpuSeconds: w.cpuSeconds, peakRssMB: w.peakRssMB });
    const d = runTimed('sh', ['-c', script, 'sh', ...files]);
    theirs.push({ cpuSeconds: d.cpuSeconds, peakRssMB: d.peakRssMB });
    records = { winsift: w['records'] as number, evtxDump: Number(d.stdout.trim()) };
    log(`evtx run ${i + 1}: winsift ${w.cpuSeconds.toFixed(2)} s CPU; evtx_dump ${d.cpuSeconds.toFixed(2)} s`);
  }
  const winsift = side('winsift readEvtx (bundled child)', ours);
  const evtxDump = side('evtx_dump -t 1 -o jsonl', theirs);
  return { files: files.length, megabytes, passes, records, winsift, evtxDump, cpuRatio: winsift.medianCpuSeconds / evtxDump.medianCpuSeconds };
}

export async function benchPeers(options: { runs?: number; passes?: number; only?: ReadonlySet<string> } = {}): Promise<PeerFigures> {
  const runs = options.runs ?? 3;
  const only = options.only ?? new Set(['sigma', 'evtx']);
  if (!existsSync(PEERS)) {
    const skipped = `SKIPPED: ${PEERS} is absent, so winsift was not measured against the Rust peers`;
    log(skipped);
    return { sigma: { skipped }, evtx: { skipped } };
  }
  mkdirSync(dirname(CHILD), { recursive: true });
  await buildChild();
  const sigma = only.has('sigma') ? await benchSigmaPeer(runs) : { skipped: 'not selected' };
  const evtx = only.has('evtx') ? await benchEvtxPeer(runs, options.passes ?? 5) : { skipped: 'not selected' };
  return { sigma, evtx };
}

export function peersReport(p: PeerFigures): string[] {
  const out: string[] = ['', 'Against the Rust peers (../shared/peers), CPU seconds, median of interleaved runs:'];
  if ('skipped' in p.sigma) out.push(`  sigma: ${p.sigma.skipped}`);
  else {
    const s = p.sigma;
    out.push(
      `  SigmaHQ rules/windows over ${s.events.toLocaleString('en-US')} NXLog events (${s.megabytes.toFixed(0)} MB):`,
      `    winsift ${s.winsift.medianCpuSeconds.toFixed(2)} s (rule load ${s.winsiftLoadCpuSeconds.toFixed(2)} s), peak ${s.winsift.maxPeakRssMB.toFixed(0)} MB; rsigma ${s.rsigma.medianCpuSeconds.toFixed(2)} s, peak ${s.rsigma.maxPeakRssMB.toFixed(0)} MB`,
      `    ratio ${s.cpuRatio.toFixed(2)} x rsigma (target <= ${TARGETS.sigmaCpuRatio}: ${s.cpuRatio <= TARGETS.sigmaCpuRatio ? 'met' : 'NOT met'}); peak ${s.winsift.maxPeakRssMB <= TARGETS.sigmaPeakMB ? 'within' : 'ABOVE'} ${TARGETS.sigmaPeakMB} MB`,
      `    from the compiled pack (${s.fromPack.packMB.toFixed(1)} MB, as a deployment loads it): ${s.fromPack.winsift.medianCpuSeconds.toFixed(2)} s (rule load ${s.fromPack.loadCpuSeconds.toFixed(2)} s), peak ${s.fromPack.winsift.maxPeakRssMB.toFixed(0)} MB, ratio ${s.fromPack.cpuRatio.toFixed(2)}`,
      `    matches: winsift ${s.matches.winsift}, rsigma ${s.matches.rsigma}; ${s.rulesAgreeing} rules agree, ${s.differences.length} differ:`,
      ...Object.entries(s.differencesByReason).map(([why, n]) => `      ${String(n).padStart(4)}  ${why}`),
    );
  }
  if ('skipped' in p.evtx) out.push(`  evtx: ${p.evtx.skipped}`);
  else {
    const e = p.evtx;
    out.push(
      `  EVTX: ${e.files} files (${e.megabytes.toFixed(1)} MB) x ${e.passes} passes: winsift ${e.winsift.medianCpuSeconds.toFixed(2)} s (${e.records.winsift} records), evtx_dump -t 1 ${e.evtxDump.medianCpuSeconds.toFixed(2)} s (${e.records.evtxDump} records)`,
      `    ratio ${e.cpuRatio.toFixed(2)} x evtx_dump (target <= ${TARGETS.evtxCpuRatio}: ${e.cpuRatio <= TARGETS.evtxCpuRatio ? 'met' : 'NOT met'})`,
    );
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, passes: { type: 'string', default: '5' }, only: { type: 'string', default: 'sigma,evtx' } } });
  const figures = await benchPeers({ runs: Number(values.runs), passes: Number(values.passes), only: new Set(values.only.split(',')) });
  console.log(peersReport(figures).join('\n'));
  if (!('skipped' in figures.sigma)) {
    for (const d of figures.sigma.differences) console.log(`    ${d.ruleId}: winsift ${d.winsift}, rsigma ${d.rsigma} (${d.why})`);
  }
}
