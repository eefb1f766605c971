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
const times: number[] = [];
for (let r = 0; r < Number(args.runs); r++) {
  const started = performance.now();
  for (let i = 0; i < events.length; i++) detector.match(events[i]!);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(`match only: ${Math.round((events.length / median) * 1000).toLocaleString('en')} events/s (median of ${times.length}), ${answers.filter((a) => a).length} events matched`);
