/**
 * The Sigma engine alone: generated events are parsed once, then only `detector.match` is timed
 * over them with every compilable SigmaHQ rule (no gunzip, no parsing), so engine changes can be
 * measured without the noise of ingest. Also writes every event's matched rule ids, so two
 * versions of the engine can be compared answer for answer. Usage:
 *   node bench/sigma-match.ts [--layout ecs] [--events 20000] [--runs 3] [--answers FILE] [--compare-native]
 * (add `node --cpu-prof --cpu-prof-dir=/tmp/prof` to profile; bench/profile-summary.ts reads it)
 * `--compare-native` then times the same rules with `re` on JavaScript's backtracking RegExp
 * (bench/native-regex.ts, in a child process started with bench/native-regex-hooks.ts), to give
 * the cost of the linear-time engine as a ratio measured in the same run, and compares answers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { WinEvent } from '../lib/events/win-event.ts';
import { readEvents } from '../lib/ingest/read-events.ts';
import { chunksOf, generateGzipBuffer, type BenchLayout } from './generate.ts';
import { loadCorpus } from './rule-packs.ts';

const { values: args } = parseArgs({
  options: {
    layout: { type: 'string', default: 'ecs' },
    events: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    answers: { type: 'string' },
    'compare-native': { type: 'boolean', default: false },
    /** Written by the child of --compare-native: the figures as JSON. */
    'figures-json': { type: 'string' },
  },
});
const layout = args.layout as BenchLayout;
const { gzip } = await generateGzipBuffer({ seed: 20261124, layout, bytes: 0, events: Number(args.events) });
const events: WinEvent[] = [];
for await (const item of readEvents(chunksOf(gzip), { uri: `bench://${layout}` })) if (item.kind === 'event') events.push(item.event);
const loaded = await loadCorpus();
if (!('detector' in loaded)) throw new Error(loaded.skipped);
const pack = loaded;
const { detector } = pack;
console.log(`${layout}: ${events.length} events, ${pack.rules} rules compiled in ${pack.compileMs.toFixed(0)} ms`);

const answers: string[] = events.map((e) => detector.match(e).map((m) => m.id).join(','));
if (args.answers) writeFileSync(args.answers, answers.join('\n'));
// Wall time and CPU time (CPU time moves less when neighbours load the machine).
const wall: number[] = [];
const cpu: number[] = [];
for (let r = 0; r < Number(args.runs); r++) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < events.length; i++) detector.match(events[i]!);
  const used = process.cpuUsage(cpuStarted);
  wall.push(performance.now() - started);
  cpu.push((used.user + used.system) / 1000);
}
const median = (ms: number[]): number => ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
const perSecond = (ms: number[]): number => Math.round((events.length / median(ms)) * 1000);
const rate = (ms: number[]): string => perSecond(ms).toLocaleString('en');
console.log(`match only: ${rate(wall)} events/s wall, ${rate(cpu)} events/s CPU (medians of ${wall.length}), ${answers.filter((a) => a).length} events matched`);
if (args['figures-json']) writeFileSync(args['figures-json'], JSON.stringify({ rules: pack.rules, cpuEventsPerSecond: perSecond(cpu) }));
if (args['compare-native']) compareNative();

/**
 * The same measurement in child processes, alternating the linear engine and the backtracking
 * RegExp (bench/native-regex-hooks.ts) so a busy machine slows both alike; prints the ratio of
 * the medians and how many events' answers differ.
 */
function compareNative(): void {
  const dir = mkdtempSync(join(tmpdir(), 'winsift-regex-'));
  const hooks = fileURLToPath(new URL('./native-regex-hooks.ts', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const child = (engine: 'linear' | 'native', round: number) => {
    const out = join(dir, `${engine}-${round}`);
    const common = ['--layout', layout, '--events', args.events, '--runs', args.runs, '--answers', `${out}.answers`, '--figures-json', `${out}.json`];
    execFileSync(process.execPath, engine === 'native' ? ['--import', hooks, self, ...common] : [self, ...common], { stdio: ['ignore', 'ignore', 'inherit'] });
    const figures = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { rules: number; cpuEventsPerSecond: number };
    const differing = readFileSync(`${out}.answers`, 'utf8').split('\n').filter((a, i) => a !== answers[i]).length;
    return { ...figures, differing };
  };
  const rounds = 3;
  const linear = [perSecond(cpu)];
  const native: number[] = [];
  let differing = 0;
  let nativeRules = 0;
  for (let round = 0; round < rounds; round++) {
    const n = child('native', round);
    native.push(n.cpuEventsPerSecond);
    differing = Math.max(differing, n.differing);
    nativeRules = n.rules;
    if (round < rounds - 1) linear.push(child('linear', round).cpuEventsPerSecond);
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `regex engine: linear (re2js) ${mid(linear).toLocaleString('en')} events/s CPU vs backtracking RegExp ${mid(native).toLocaleString('en')} ` +
      `(${(mid(linear) / mid(native)).toFixed(3)}x, medians of ${rounds} processes each, alternated; rules ${pack.rules} vs ${nativeRules}); ` +
      `events whose matches differ: ${differing}`,
  );
}

// Evidence for every match, as the scanner asks for it after each matching event.
const matched = events.map((e) => ({ event: e, rules: detector.match(e) })).filter((m) => m.rules.length > 0);
const explainMs: number[] = [];
let explained = 0;
for (let r = 0; r < Number(args.runs); r++) {
  const cpuStarted = process.cpuUsage();
  explained = 0;
  for (const { event, rules } of matched) {
    detector.match(event);
    for (const rule of rules) {
      detector.explain(rule, event);
      explained++;
    }
  }
  const used = process.cpuUsage(cpuStarted);
  explainMs.push((used.user + used.system) / 1000);
}
const explainMedian = explainMs.sort((a, b) => a - b)[Math.floor(explainMs.length / 2)]!;
console.log(`match + explain of matching events: ${((explainMedian * 1000) / explained).toFixed(1)} us CPU per explained match (${explained} matches)`);
