/**
 * `node bench/ingest-checks.ts [--mib N] [--runs R]`: what each of issue 16's per-record checks
 * costs against reading the same records (`readEvents`: gunzip, framing, JSON.parse, layout), in
 * one process, interleaved run by run. Each check is timed alone over the batch's records (as
 * the reader calls it) and printed as a share of the read. Batches: synthetic ECS and NXLog
 * (`generate.ts`), and the first records of the NXLog corpus when ../shared holds it.
 *
 * Timed alone, a check runs over records that are no longer in cache, so its share is an upper
 * bound of what it adds to the read; for the cost inside a scan with rules, compare versions as
 * lib/ingest/README.md describes.
 */
import { isUtf8 } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { keysParsed, keysWritten } from '../lib/ingest/duplicate-keys.ts';
import { jsonTooDeepAt } from '../lib/ingest/nesting-depth.ts';
import { readEvents } from '../lib/ingest/read-events.ts';
import { chunksOf, generateLines } from './generate.ts';

const { values: args } = parseArgs({ options: { mib: { type: 'string', default: '8' }, runs: { type: 'string', default: '11' } } });
const bytes = Number(args.mib) * 1024 * 1024;
const runs = Number(args.runs);
const CORPUS = new URL('../../shared/corpus/nxlog/', import.meta.url).pathname;
const CORPUS_NDJSON = new URL('../dist/bench/nxlog-corpus.ndjson', import.meta.url).pathname;

interface Batch {
  readonly name: string;
  readonly lines: readonly string[];
}

const batches: Batch[] = [
  { name: 'synthetic ECS', lines: [...generateLines({ seed: 7, layout: 'ecs', bytes })].map((l) => l.trimEnd()) },
  { name: 'synthetic NXLog', lines: [...generateLines({ seed: 7, layout: 'nxlog', bytes })].map((l) => l.trimEnd()) },
];
if (existsSync(CORPUS_NDJSON)) {
  // The file bench/peers.ts unzips once from ../shared; its first records, about `bytes` of them.
  const text = readFileSync(CORPUS_NDJSON, { encoding: 'utf8', flag: 'r' }).slice(0, bytes);
  batches.push({ name: 'NXLog corpus', lines: text.split('\n').slice(0, -1).filter((l) => l.trim() !== '') });
} else {
  console.log(`NXLog corpus: SKIPPED (${existsSync(CORPUS) ? 'run `node bench/peers.ts` once to unzip it' : '../shared absent'})`);
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

for (const { name, lines } of batches) {
  const records = lines.map((line) => Buffer.from(line));
  const parsed = lines.map((line) => JSON.parse(line) as unknown);
  const gzip = gzipSync(`${lines.join('\n')}\n`);
  const checks: Record<string, () => number> = {
    'isUtf8 (bytes)': () => records.reduce((n, b) => n + (isUtf8(b) ? 1 : 0), 0),
    'depth precheck on bytes (before)': () => records.reduce((n, b) => n + jsonTooDeepAt(b, 64), 0),
    'depth precheck on text (now)': () => lines.reduce((n, l) => n + jsonTooDeepAt(l, 64), 0),
    'repeated keys: keys written (text)': () => lines.reduce((n, l) => n + keysWritten(l), 0),
    'repeated keys: keys parsed (tree)': () => parsed.reduce((n: number, p) => n + keysParsed(p), 0),
  };
  const read: number[] = [];
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(checks).map((k) => [k, []]));
  for (let run = 0; run < runs; run++) {
    const started = process.cpuUsage();
    let items = 0;
    for await (const _ of readEvents(chunksOf(gzip), { uri: 'bench' })) items++;
    read.push(cpuMs(started));
    if (items !== lines.length) throw new Error(`${name}: read ${items} items of ${lines.length} records`);
    for (const [check, run] of Object.entries(checks)) {
      const began = process.cpuUsage();
      run();
      times[check]!.push(cpuMs(began));
    }
  }
  const base = median(read);
  console.log(`${name}: ${lines.length} records, ${(Buffer.byteLength(lines.join('\n')) / 1e6).toFixed(1)} MB; readEvents ${base.toFixed(1)} ms (median of ${runs})`);
  for (const [check, values] of Object.entries(times)) {
    const ms = median(values);
    console.log(`  ${check.padEnd(36)} ${ms.toFixed(1).padStart(6)} ms  ${((ms / base) * 100).toFixed(1).padStart(5)}% of the read`);
  }
}
