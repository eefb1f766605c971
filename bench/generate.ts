/**
 * Deterministic batches of Windows events for the benchmark: a seeded mix of Security, Sysmon,
 * PowerShell and Bits-Client events (~1 KB each), laid out as a shipper writes them (Winlogbeat
 * ECS or NXLog JSON lines, or Event XML), gzip'd on the fly. Nothing is written to disk, so a
 * 2 GB object costs no disk and no memory beyond a chunk.
 */
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { makeEvent } from './generate/event-kinds.ts';
import { toEcsLine } from './generate/layouts/ecs-line.ts';
import { toEventXml } from './generate/layouts/event-xml.ts';
import { toNxlogLine } from './generate/layouts/nxlog-line.ts';
import { seededRandom } from './generate/random.ts';
import type { PlantedKind, SyntheticEvent } from './generate/synthetic-event.ts';

export type BenchLayout = 'ecs' | 'nxlog' | 'event-xml';
export const BENCH_LAYOUTS: readonly BenchLayout[] = ['ecs', 'nxlog', 'event-xml'];

export interface GenerateOptions {
  readonly seed: number;
  readonly layout: BenchLayout;
  /** Decompressed size to reach: generation stops at the first line that reaches it. */
  readonly bytes: number;
  /**
   * Stop after this many events instead. The same seed gives the same events in every layout,
   * so batches of one count hold the same events and must raise the same alerts.
   */
  readonly events?: number;
}

/** What a batch holds, counted while it is generated. */
export interface BatchFacts {
  events: number;
  /** Decompressed bytes, newlines included. */
  bytes: number;
  planted: Record<PlantedKind, number>;
}

const WRITERS: Record<BenchLayout, (e: SyntheticEvent) => string> = {
  ecs: toEcsLine,
  nxlog: toNxlogLine,
  'event-xml': toEventXml,
};

/** Hosts of the simulated fleet: a few servers and many workstations. */
const HOSTS = [
  'DC01.corp.example', 'DC02.corp.example', 'FILESERVER.corp.example', 'SQL01.corp.example',
  ...Array.from({ length: 200 }, (_, i) => `WKS-${String(i + 1).padStart(4, '0')}.corp.example`),
];

/** 2026-11-20T00:00:00Z: a fixed clock, so the same seed gives the same bytes on any day. */
const START_MS = Date.UTC(2026, 10, 20);

export function emptyFacts(): BatchFacts {
  return { events: 0, bytes: 0, planted: { 'bits-public-ip': 0, 'bits-private-ip': 0, 'bits-uncommon-tld': 0 } };
}

/** The batch's records one line at a time (newline included), counting into `facts`. */
export function* generateLines(options: GenerateOptions, facts: BatchFacts = emptyFacts()): Generator<string> {
  const random = seededRandom(options.seed);
  const write = WRITERS[options.layout];
  let timeMs = START_MS;
  const done = options.events === undefined ? () => facts.bytes >= options.bytes : () => facts.events >= options.events!;
  while (!done()) {
    timeMs += random.int(0, 10);
    const event = makeEvent({ random, timeMs, recordId: 100_000 + facts.events, computer: random.pick(HOSTS) });
    const line = `${write(event)}\n`;
    facts.events++;
    facts.bytes += Buffer.byteLength(line);
    if (event.planted) facts.planted[event.planted]++;
    yield line;
  }
}

/** The decompressed batch in ~64 KiB buffers, as a stream reader would see it. */
export async function* generateText(options: GenerateOptions, facts: BatchFacts = emptyFacts()): AsyncGenerator<Uint8Array> {
  let pending: string[] = [];
  let pendingLength = 0;
  for (const line of generateLines(options, facts)) {
    pending.push(line);
    pendingLength += line.length;
    if (pendingLength >= 65_536) {
      yield Buffer.from(pending.join(''));
      pending = [];
      pendingLength = 0;
    }
  }
  if (pending.length > 0) yield Buffer.from(pending.join(''));
}

/**
 * The batch gzip'd as it is generated, with backpressure: what S3 would stream for the object.
 * Level 1 is enough for the 2 GB run (decompression speed barely depends on the level).
 */
export function generateGzip(options: GenerateOptions, facts: BatchFacts = emptyFacts(), level = 6): AsyncIterable<Uint8Array> {
  return Readable.from(generateText(options, facts), { objectMode: false }).pipe(createGzip({ level }));
}

/** A whole gzip'd batch in memory, for repeated timed runs over the same bytes. */
export async function generateGzipBuffer(options: GenerateOptions): Promise<{ gzip: Buffer; facts: BatchFacts }> {
  const facts = emptyFacts();
  const parts: Buffer[] = [];
  for await (const chunk of generateGzip(options, facts)) parts.push(Buffer.from(chunk));
  return { gzip: Buffer.concat(parts), facts };
}

/** Replays bytes in S3-sized chunks (64 KiB), as `GetObject`'s body would arrive. */
export async function* chunksOf(bytes: Uint8Array, size = 65_536): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, offset + size);
}
