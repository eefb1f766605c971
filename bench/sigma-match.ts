/**
 * The Sigma engine alone: generated events are parsed once, then only `detector.match` is timed
 * over them with every compilable SigmaHQ rule (no gunzip, no parsing), so engine changes can be
 * measured without the noise of ingest. Also writes every event's matched rule ids, so two
 * versions of the engine can be compared answer for answer. Usage:
 *   node bench/sigma-match.ts [--layout ecs] [--events 20000] [--runs 3] [--answers FILE]
 * (add `node --cpu-prof --cpu-prof-dir=/tmp/prof` to profile; bench/profile-summary.ts reads it)
 */
import { writeFileSync } from 'node:fs';
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
  },
});
const layout = args.layout as BenchLayout;
const { gzip } = await generateGzipBuffer({ seed: 20261124, layout, bytes: 0, events: Number(args.events) });
const events: WinEvent[] = [];
for await (const item of readEvents(chunksOf(gzip), { uri: `bench://${layout}` })) if (item.kind === 'event') events.push(item.event);
const pack = await loadCorpus();
if (!('detector' in pack)) throw new Error(pack.skipped);
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
const rate = (ms: number[]): string => Math.round((events.length / ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!) * 1000).toLocaleString('en');
console.log(`match only: ${rate(wall)} events/s wall, ${rate(cpu)} events/s CPU (medians of ${wall.length}), ${answers.filter((a) => a).length} events matched`);

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
