/**
 * `npm run bench`: generates batches, then measures, in one process and interleaved run by run
 * (so a noisy neighbour slows every figure alike and the ratios hold): L1 gunzip, L2 gunzip +
 * JSON.parse, winsift with the bundled pack, winsift with the SigmaHQ corpus; then cold start and
 * peak RSS in child processes, cost per TB, and the EVTX reader's figures when bench/evtx.ts
 * exports them. Prints a table; writes everything to bench/results.json.
 *
 * Options: --mb N (batch size, default 64), --runs N (timed runs, default 5, after one warm-up),
 * --corpus-mb N and --corpus-runs N (default 10 and 5: the corpus scan is the slow one, so it
 * gets a smaller batch of the same seed), --layouts ecs,nxlog,event-xml,
 * --only l1,l2,bundled,prefilter,corpus,state,cold,packcold,rss,evtx,threads,peers, --rss-mb N (default 256),
 * --full (peak RSS at 2 GiB), --peer-runs N (default 3: the Rust peers' section, bench/peers.ts),
 * --state-objects N and --state-mb N (default 8 objects of 2 MB: the cost of state across
 * objects, bench/state.ts); --state-scale N,N (events per object, default 1500,10000,100000) and
 * --state-scale-objects N (default 3) for `statescale`: DynamoDB requests per 1,000 events as
 * objects grow (not in the default --only: the 100k-event objects take minutes);
 * --thread-runs N (default 3: scan --threads 1 vs the cores, bench/threads.ts).
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Detector } from '../lib/rules/rule.ts';
import { measureColdStart, type ColdStart } from './cold-start.ts';
import { measurePackColdStart, type PackColdStart } from './pack-cold-start.ts';
import { costPerTB } from './cost.ts';
import { loadEvtxFigures } from './evtx-figures.ts';
import { throughput, type Figure, type FigureKind } from './figures.ts';
import { BENCH_LAYOUTS, chunksOf, generateGzipBuffer, type BatchFacts, type BenchLayout } from './generate.ts';
import { gunzipAndParse, gunzipOnly } from './limits.ts';
import { MB, timed } from './measure.ts';
import { measurePeakRss, type PeakRss } from './peak-rss.ts';
import { benchPeers, peersReport, type PeerFigures } from './peers.ts';
import { printReport } from './report.ts';
import { loadBundled, loadCorpus, type LoadedPack } from './rule-packs.ts';
import { scanBatch, type ScanOutcome } from './scan-batch.ts';
import { measureState, measureStateScaling, type StateFigure, type StateScaleFigure } from './state.ts';
import { measureThreadScaling, threadScalingLines, type ThreadScaling } from './threads.ts';
import { CORPUS_DIRS, SHARED_SIGMA } from './rule-packs.ts';

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const SEED = 20261124;

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '64' },
    runs: { type: 'string', default: '5' },
    'corpus-runs': { type: 'string', default: '5' },
    'corpus-mb': { type: 'string', default: '10' },
    layouts: { type: 'string', default: BENCH_LAYOUTS.join(',') },
    only: { type: 'string', default: 'l1,l2,bundled,prefilter,corpus,state,cold,packcold,rss,evtx,threads,peers' },
    'thread-runs': { type: 'string', default: '3' },
    'peer-runs': { type: 'string', default: '3' },
    'rss-mb': { type: 'string', default: '256' },
    full: { type: 'boolean', default: false },
    'state-objects': { type: 'string', default: '8' },
    'state-mb': { type: 'string', default: '2' },
    'state-scale': { type: 'string', default: '1500,10000,100000' },
    'state-scale-objects': { type: 'string', default: '3' },
  },
});
const runs = Number(args.runs);
const corpusRuns = Number(args['corpus-runs']);
const only = new Set(args.only.split(','));
const layouts = args.layouts.split(',') as BenchLayout[];
for (const l of layouts) if (!BENCH_LAYOUTS.includes(l)) throw new Error(`--layouts: unknown layout ${l} (know ${BENCH_LAYOUTS.join(', ')})`);

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// 1. Batches: the first layout by size, the others with the same events (same seed, same count).
type Batch = { gzip: Buffer; facts: BatchFacts };
async function makeBatches(mb: number, what: string): Promise<Map<BenchLayout, Batch>> {
  const made = new Map<BenchLayout, Batch>();
  for (const layout of layouts) {
    const first = made.values().next().value;
    const options = first ? { seed: SEED, layout, bytes: 0, events: first.facts.events } : { seed: SEED, layout, bytes: mb * MB };
    const batch = await generateGzipBuffer(options);
    made.set(layout, batch);
    log(`generated ${what} ${layout}: ${batch.facts.events} events, ${(batch.facts.bytes / MB).toFixed(1)} MB (${(batch.gzip.byteLength / MB).toFixed(1)} MB gzip)`);
  }
  return made;
}
const batches = await makeBatches(Number(args.mb), 'batch');
const corpusBatches = only.has('corpus') ? await makeBatches(Number(args['corpus-mb']), 'corpus batch') : new Map<BenchLayout, Batch>();

// 2. Rule packs.
async function tryLoad(what: string, load: () => Promise<LoadedPack | { skipped: string }>): Promise<LoadedPack | { skipped: string }> {
  try {
    const pack = await load();
    if ('detector' in pack) log(`${what}: ${pack.rules} rules from ${pack.files} files compiled in ${pack.compileMs.toFixed(0)} ms, ${pack.errors.length} errors`);
    else log(`${what}: SKIPPED, ${pack.skipped}`);
    return pack;
  } catch (error) {
    const reason = `not available yet: ${(error as Error).message.split('\n')[0]}`;
    log(`${what}: ${reason}`);
    return { skipped: reason };
  }
}
const bundled = only.has('bundled') || only.has('prefilter') || only.has('corpus') ? await tryLoad('bundled pack', loadBundled) : { skipped: 'not selected (--only)' };
const corpus = only.has('corpus') ? await tryLoad('SigmaHQ corpus', loadCorpus) : { skipped: 'not selected (--only)' };
if (only.has('prefilter') && 'detector' in bundled) {
  const needles = bundled.detector.needles?.();
  log(needles ? `prefilter needles: ${needles.map((n) => (n.caseInsensitive ? `"${n.text}"/i` : `"${n.text}"`)).join(', ')}` : 'prefilter: the bundled pack has a rule that may match any record');
}

// 3. Throughput, interleaved: run 0 warms up (JIT, caches) and is not kept.
const figures: Figure[] = [];
function figure(kind: FigureKind, layout: BenchLayout, from = batches): Figure {
  const facts = from.get(layout)!.facts;
  const f: Figure = { kind, layout, bytes: facts.bytes, events: facts.events, samples: [], notes: [] };
  figures.push(f);
  return f;
}

interface Measured {
  readonly figure: Figure;
  readonly runs: number;
  run(): Promise<void>;
}
const plan: Measured[] = [];
for (const layout of layouts) {
  const { gzip, facts } = batches.get(layout)!;
  if (only.has('l1')) {
    const f = figure('L1 gunzip', layout);
    plan.push({ figure: f, runs, run: async () => void (await gunzipOnly(chunksOf(gzip))) });
  }
  if (only.has('l2') && layout !== 'event-xml') {
    const f = figure('L2 gunzip+JSON.parse', layout);
    plan.push({ figure: f, runs, run: async () => void (await gunzipAndParse(chunksOf(gzip))) });
  }
  const addScan = (kind: FigureKind, pack: LoadedPack | { skipped: string }, count: number, from = batches, prefilter = true): void => {
    const f = figure(kind, layout, from);
    if (!('detector' in pack)) {
      f.notes.push(pack.skipped);
      return;
    }
    const batch = from.get(layout)!;
    plan.push({ figure: f, runs: count, run: () => scanInto(f, () => scanBatch(batch.gzip, pack.detector, `generated:${layout}`, prefilter), batch.facts) });
  };
  // Every record parsed (--parse-all): what the engine costs without the prefilter.
  if (only.has('bundled')) addScan('winsift bundled pack', bundled, runs, batches, false);
  // The default path. XML is always parsed (lib/scan/prefilter.ts): the prefilter has nothing to skip there.
  if (only.has('prefilter') && layout !== 'event-xml') addScan('bundled + prefilter', bundled, runs);
  if (only.has('corpus')) addScan('winsift SigmaHQ corpus', corpus, corpusRuns, corpusBatches);
}

/** A scan run; also checks the answer: every event read, the same matches every run. */
async function scanInto(f: Figure, scan: () => Promise<ScanOutcome>, facts: BatchFacts): Promise<void> {
  const outcome = await scan();
  const note = (text: string): void => void (f.notes.includes(text) || f.notes.push(text));
  if (outcome.events !== facts.events) note(`read ${outcome.events} events of ${facts.events}`);
  if (outcome.unreadable > 0) note(`${outcome.unreadable} records unreadable`);
  if (outcome.skipped > 0) note(`${((100 * outcome.skipped) / facts.events).toFixed(1)}% of records skipped unparsed`);
  if (f.matches !== undefined && f.matches !== outcome.matches) note(`matches changed between runs (${f.matches} then ${outcome.matches})`);
  f.matches = outcome.matches;
  f.matchesByRule = outcome.matchesByRule;
}

const failed = new Set<Measured>();
const maxRuns = Math.max(0, ...plan.map((p) => p.runs));
for (let round = 0; round <= maxRuns; round++) {
  for (const step of plan) {
    if (round > step.runs || failed.has(step)) continue;
    try {
      const { sample } = await timed(step.run);
      if (round > 0) step.figure.samples.push(sample);
    } catch (error) {
      failed.add(step);
      step.figure.samples.length = 0;
      step.figure.notes.push(`failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  log(`round ${round}${round === 0 ? ' (warm-up)' : ''} of ${maxRuns} done`);
}

// The same events in every layout must raise the same alerts; the prefilter must change none.
const sameMatches = (a: Figure, b: Figure): boolean => JSON.stringify(sortKeys(a.matchesByRule!)) === JSON.stringify(sortKeys(b.matchesByRule!));
for (const kind of ['winsift bundled pack', 'winsift SigmaHQ corpus'] as const) {
  const scanned = figures.filter((f) => f.kind === kind && f.matchesByRule);
  const reference = scanned[0];
  for (const f of scanned.slice(1)) if (!sameMatches(f, reference!)) f.notes.push(`matches per rule differ from ${reference!.layout} (same events)`);
}
for (const f of figures.filter((x) => x.kind === 'bundled + prefilter' && x.matchesByRule)) {
  const full = figures.find((x) => x.kind === 'winsift bundled pack' && x.layout === f.layout && x.matchesByRule);
  if (full) f.notes.push(sameMatches(f, full) ? 'same matches per rule as without' : 'MATCHES DIFFER from the scan without prefilter');
}
function sortKeys(record: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
}

// 3b. State across objects: off, SQLite, DynamoDB (dynalite), with the bundled pack and the corpus.
let state: StateFigure[] | { skipped: string } = { skipped: 'not selected (--only)' };
if (only.has('state')) {
  try {
    state = await measureState({
      layout: layouts.includes('nxlog') ? 'nxlog' : layouts[0]!,
      seed: SEED,
      objects: Number(args['state-objects']),
      objectMb: Number(args['state-mb']),
      runs: Math.min(runs, 3),
      log,
      packs: await statePacks(),
    });
  } catch (error) {
    state = { skipped: `failed: ${(error as Error).message.split('\n')[0]}` };
    log(`state: ${state.skipped}`);
  }
}

/** The packs the state rows measure: the bundled one, and the SigmaHQ corpus when ../shared has it. */
async function statePacks(): Promise<Parameters<typeof measureState>[0]['packs']> {
  const { bundledRuleFiles } = await import('../lib/rules/bundled.ts');
  const { readRuleDir } = await import('../lib/rules/read-rule-dir.ts');
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const corpusDirs = CORPUS_DIRS.map((d) => join(SHARED_SIGMA, d));
  return [
    { name: 'bundled', files: async () => bundledRuleFiles() },
    {
      name: 'SigmaHQ',
      files: async () =>
        corpusDirs.every((d) => existsSync(d)) ? corpusDirs.flatMap((d) => readRuleDir(d)) : { skipped: `SKIPPED: SigmaHQ corpus absent (${SHARED_SIGMA})` },
    },
  ];
}

// 3c. DynamoDB requests as objects grow (selected explicitly: --only statescale).
let stateScale: StateScaleFigure[] | { skipped: string } = { skipped: 'not selected (--only statescale)' };
if (only.has('statescale')) {
  try {
    stateScale = await measureStateScaling({
      layout: layouts.includes('nxlog') ? 'nxlog' : layouts[0]!,
      seed: SEED,
      sizes: args['state-scale'].split(',').map(Number),
      objects: Number(args['state-scale-objects']),
      log,
      packs: await statePacks(),
    });
  } catch (error) {
    stateScale = { skipped: `failed: ${(error as Error).message.split('\n')[0]}` };
    log(`state scale: ${stateScale.skipped}`);
  }
}

// 4. Cold start and peak RSS, each in fresh child processes.
async function attempt<T>(what: string, selected: boolean, measure: () => Promise<T>): Promise<T | { skipped: string }> {
  if (!selected) return { skipped: 'not selected (--only)' };
  log(`${what}...`);
  try {
    return await measure();
  } catch (error) {
    const reason = `failed: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`;
    log(`${what}: ${reason}`);
    return { skipped: reason };
  }
}
const coldStart: ColdStart | { skipped: string } = await attempt('cold start', only.has('cold'), () => measureColdStart());
const packColdStart: PackColdStart | { skipped: string } = await attempt('cold start with the SigmaHQ Windows pack', only.has('packcold'), () => measurePackColdStart());
if ('skipped' in packColdStart) log(`cold start with the SigmaHQ Windows pack: ${packColdStart.skipped}`);
const rssBytes = args.full ? 2 * 2 ** 30 : Number(args['rss-mb']) * MB;
const peakRss: PeakRss | { skipped: string } = await attempt(`peak RSS at ${(rssBytes / MB).toFixed(0)} MB`, only.has('rss'), () => measurePeakRss(rssBytes));
const evtx = await attempt('EVTX reader', only.has('evtx'), () => loadEvtxFigures(args.full ? 3 : 1));
const threads: ThreadScaling | { skipped: string } = await attempt('threads (scan --threads 1 vs the cores)', only.has('threads'), () =>
  measureThreadScaling({ runs: Number(args['thread-runs']) }),
);
// Last: the peers' section runs child processes for minutes, after everything measured in this process.
const peers: PeerFigures | { skipped: string } = await attempt('Rust peers', only.has('peers'), () => benchPeers({ runs: Number(args['peer-runs']) }));

// 5. Report.
const objectBytes = [...batches.values()][0]?.gzip.byteLength ?? MB;
const results = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGB: totalmem() / 2 ** 30, platform: `${process.platform}-${process.arch}` },
  node: process.version,
  seed: SEED,
  options: args,
  batches: Object.fromEntries([...batches].map(([layout, b]) => [layout, { ...b.facts, gzipBytes: b.gzip.byteLength }])),
  corpusBatches: Object.fromEntries([...corpusBatches].map(([layout, b]) => [layout, { ...b.facts, gzipBytes: b.gzip.byteLength }])),
  prefilter: { needles: 'detector' in bundled ? (bundled.detector.needles?.() ?? null) : null },
  packs: {
    bundled: 'detector' in bundled ? { rules: bundled.rules, files: bundled.files, errors: bundled.errors.length, compileMs: bundled.compileMs } : bundled,
    corpus: 'detector' in corpus ? { rules: corpus.rules, files: corpus.files, errors: corpus.errors.length, compileMs: corpus.compileMs } : corpus,
  },
  figures: figures.map((f) => {
    const t = throughput(f);
    return { ...f, ...t, costPerTB: t ? costPerTB(t.mbPerCoreSecond * MB, objectBytes) : undefined };
  }),
  state,
  stateScale,
  coldStart,
  packColdStart,
  peakRss,
  evtx,
  threads,
  peers,
};
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
printReport(results);
process.stdout.write(`${threadScalingLines(threads).join('\n')}\n`);
process.stdout.write(`${('skipped' in peers ? ['', `Rust peers: ${peers.skipped}`] : peersReport(peers)).join('\n')}\n`);
log(`wrote ${RESULTS}`);
