/**
 * Run in its own process by peak-rss.ts: scans one generated object of `--bytes` decompressed
 * bytes with the bundled pack, the object gzip'd and streamed as it is generated (never on disk,
 * never whole in memory), then prints its own peak RSS. A separate process so the figure is this
 * scan's alone, not the benchmark's batches and the corpus rules.
 */
import { parseArgs } from 'node:util';
import { CountingSink } from './counting-sink.ts';
import { emptyFacts, generateGzip } from './generate.ts';

const { values } = parseArgs({ options: { bytes: { type: 'string' }, seed: { type: 'string', default: '9' } } });
const bytes = Number(values.bytes);
if (!Number.isFinite(bytes) || bytes <= 0) throw new Error(`peak-rss-child: --bytes must be a positive number, got ${values.bytes}`);

const { scanStream } = await import('../lib/scan/scan-stream.ts');
const { loadBundledPack } = await import('../lib/rules/bundled-pack.ts');
const { detector } = loadBundledPack();
const baselineRss = process.memoryUsage.rss();

const facts = emptyFacts();
const started = performance.now();
// Level 1: the generator's compression is not what is measured, and level 6 would double the run.
const { summary } = await scanStream(generateGzip({ seed: Number(values.seed), layout: 'ecs', bytes }, facts, 1), {
  uri: `generated:ecs-${bytes}`,
  detector,
  sink: new CountingSink(),
});
process.stdout.write(
  `${JSON.stringify({
    bytes: facts.bytes,
    events: summary.events,
    matches: summary.matches,
    seconds: (performance.now() - started) / 1000,
    baselineRssMB: baselineRss / 2 ** 20,
    // resourceUsage().maxRSS is in kilobytes (KiB).
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
