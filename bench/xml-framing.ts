/**
 * `node bench/xml-framing.ts [--big N] [--mib M] [--runs R]`: Event XML cost per byte with large
 * records against the same bytes as small records, in one process, interleaved run by run
 * (issue 16 row 9: ten 15 MiB events took 12x the time of small ones when the framing joined its
 * buffer and searched from the event's start on every chunk). Two figures per shape: framing
 * alone (`splitXmlEvents`) and the whole ingest (`readEvents`: framing, XML, layout). A linear
 * reader keeps both ratios near 1; only the parse of one 15 MiB text differs in kind.
 */
import { parseArgs } from 'node:util';
import { splitXmlEvents } from '../lib/ingest/framing/xml-events.ts';
import { readEvents } from '../lib/ingest/read-events.ts';
import { median, timed } from './measure.ts';

const { values: args } = parseArgs({
  options: { big: { type: 'string', default: '10' }, mib: { type: 'string', default: '15' }, runs: { type: 'string', default: '3' } },
});
const bigCount = Number(args.big);
const bigBytes = Number(args.mib) * 1024 * 1024;
const runs = Number(args.runs);
const CHUNK = 64 * 1024; // what S3 and file streams hand out

const event = (id: number, padding: number) =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="P"/><EventID>${id}</EventID>` +
  `<Channel>Security</Channel><Computer>wks</Computer></System><EventData><Data Name="D">${'x'.repeat(padding)}</Data></EventData></Event>\n`;
const overhead = event(0, 0).length;

function shape(count: number, each: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(event(i, each - overhead));
  return Buffer.from(parts.join(''));
}
const big = shape(bigCount, bigBytes);
const small = shape(Math.round(big.length / 1500), 1500);

async function* chunks(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
}

async function frameOnly(bytes: Buffer): Promise<number> {
  let records = 0;
  for await (const record of splitXmlEvents(chunks(bytes), 16 * 1024 * 1024)) if (record.kind === 'record') records++;
  return records;
}

async function ingest(bytes: Buffer): Promise<number> {
  let events = 0;
  for await (const item of readEvents(chunks(bytes), { uri: 'bench.xml' })) if (item.kind === 'event') events++;
  return events;
}

const samples: Record<string, number[]> = { 'frame big': [], 'frame small': [], 'ingest big': [], 'ingest small': [] };
for (let run = 0; run <= runs; run++) {
  for (const [name, measure, bytes, expected] of [
    ['frame big', frameOnly, big, bigCount],
    ['frame small', frameOnly, small, undefined],
    ['ingest big', ingest, big, bigCount],
    ['ingest small', ingest, small, undefined],
  ] as const) {
    const { sample, value } = await timed(() => measure(bytes));
    if (expected !== undefined && value !== expected) throw new Error(`${name}: ${value} records, expected ${expected}`);
    if (run > 0) samples[name]!.push(sample.cpuMs); // run 0 warms up
  }
}
const ms = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
const mb = big.length / 1e6;
console.log(`${bigCount} events of ${args.mib} MiB vs ${Math.round(big.length / 1500)} of ~1.5 KB, ${mb.toFixed(0)} MB each, median of ${runs} runs (CPU ms):`);
for (const step of ['frame', 'ingest']) {
  const b = ms[`${step} big`]!;
  const s = ms[`${step} small`]!;
  console.log(`  ${step.padEnd(7)} big ${b.toFixed(0).padStart(6)} ms (${(mb / (b / 1000)).toFixed(0)} MB/s)  small ${s.toFixed(0).padStart(6)} ms (${(mb / (s / 1000)).toFixed(0)} MB/s)  big/small ${(b / s).toFixed(2)}`);
}
