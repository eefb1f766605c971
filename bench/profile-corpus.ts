/**
 * Profiles only the corpus scan: rules compiled and the batch generated first, then a warm-up
 * and N timed scans, each printed (MB and events per CPU-second).
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-corpus.ts [ecs|nxlog] [mb] [runs]
 *   node bench/profile-summary.ts /tmp/prof/<file>.cpuprofile
 */
import { generateGzipBuffer, type BenchLayout } from './generate.ts';
import { loadCorpus } from './rule-packs.ts';
import { scanBatch } from './scan-batch.ts';

const [layout = 'ecs', mb = '4', runs = '3'] = process.argv.slice(2);
const batch = await generateGzipBuffer({ seed: 20261124, layout: layout as BenchLayout, bytes: Number(mb) * 1024 * 1024 });
const pack = await loadCorpus();
if (!('detector' in pack)) throw new Error(pack.skipped);
await scanBatch(batch.gzip, pack.detector, 'warmup');
for (let i = 0; i < Number(runs); i++) {
  const start = process.cpuUsage();
  const outcome = await scanBatch(batch.gzip, pack.detector, `generated:${layout}`);
  const cpu = process.cpuUsage(start);
  const s = (cpu.user + cpu.system) / 1e6;
  console.log(`${layout}: ${outcome.events} events, ${outcome.matches} matches, ${(batch.facts.bytes / 1e6 / s).toFixed(1)} MB/s, ${(outcome.events / s).toFixed(0)} events/s`);
}
