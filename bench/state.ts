/**
 * What keeping detection state across objects costs (lib/state): the same objects scanned with
 * state off, with SQLite (the CLI's store, a file), and with DynamoDB (dynalite on 127.0.0.1, through
 * the real SDK), interleaved run by run. The pack is the bundled one (and SigmaHQ's when ../shared
 * is present) plus two correlations over the generated failed logons, and a 1-hour suppression
 * window for every rule, so every kind of state is exercised.
 *
 * Figures: events/s per mode and the ratio to state off; DynamoDB requests, items and billing
 * units per 1,000 events, counted in the store; and what those units cost per TB scanned.
 * dynalite's speed says nothing about DynamoDB's (a JavaScript emulator in this process), so its
 * throughput is reported but only its request counts are used for cost.
 *
 * Prices: DynamoDB on-demand, US East (N. Virginia): $0.625 per million write request units,
 * $0.125 per million read request units (one strongly consistent read of up to 4 KB). Source: the
 * DynamoDB pricing page https://aws.amazon.com/dynamodb/pricing/on-demand/ as transcribed in
 * https://airbyte.com/data-engineering-resources/dynamodb-pricing; looked up 2026-12-01.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleFile } from '../lib/rules/rule.ts';
import type { StateStore, StoreStats } from '../lib/state/state-store.ts';
import { CountingSink } from './counting-sink.ts';
import { chunksOf, generateGzipBuffer, type BenchLayout } from './generate.ts';
import { MB, median, timed } from './measure.ts';

export const WRU_USD_PER_MILLION = 0.625;
export const RRU_USD_PER_MILLION = 0.125;

/** Correlations the generated events can meet: failed logons per account, and from how many addresses. */
export const BENCH_CORRELATIONS: RuleFile = {
  path: 'bench-correlations.yml',
  text: `title: Failed logon (bench)
id: 50000000-0000-4000-8000-000000000001
name: bench_failed_logon
author: winsift bench
level: low
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4625
  condition: selection
---
title: Many failed logons for one account (bench)
id: 50000000-0000-4000-8000-000000000002
author: winsift bench
level: medium
correlation:
  type: event_count
  rules: [bench_failed_logon]
  group-by: [TargetUserName]
  timespan: 5m
  condition:
    gte: 20
---
title: Failed logons for one account from many addresses (bench)
id: 50000000-0000-4000-8000-000000000003
author: winsift bench
level: high
correlation:
  type: value_count
  rules: [bench_failed_logon]
  group-by: [TargetUserName]
  timespan: 10m
  condition:
    field: IpAddress
    gte: 10
`,
};

export type StateMode = 'off' | 'sqlite' | 'dynamodb';

export interface StateFigure {
  readonly pack: string;
  readonly mode: StateMode;
  readonly objects: number;
  readonly events: number;
  readonly bytes: number;
  readonly samples: number[];
  eventsPerSecond?: number;
  ratioToOff?: number;
  matches?: number;
  /** Per 1,000 events, from the store's own counts (last run). */
  perThousandEvents?: { requests: number; reads: number; writes: number; itemsWritten: number; readUnits: number; writeUnits: number };
  dynamoUsdPerTB?: number;
  counters?: Record<string, number>;
  notes: string[];
}

interface Deps {
  readonly layout: BenchLayout;
  readonly seed: number;
  readonly objects: number;
  readonly objectMb: number;
  readonly runs: number;
  readonly packs: ReadonlyArray<{ name: string; files: () => Promise<RuleFile[] | { skipped: string }> }>;
  readonly log: (message: string) => void;
}

export async function measureState(deps: Deps): Promise<StateFigure[]> {
  const { loadRulePack } = await import('../lib/rules/rule-pack.ts');
  const { scanStream } = await import('../lib/scan/scan-stream.ts');
  const { crossObjectState } = await import('../lib/state/cross-object-state.ts');
  const { openSqliteStateStore } = await import('../lib/state/sqlite-state-store.ts');
  const { createDynamoStateStore } = await import('../lib/state/dynamodb-state-store.ts');
  const { startDynalite } = await import('../test/support/dynalite.ts');

  // Objects of one stream: different seeds, the same hours, so windows span objects.
  const objects: Array<Awaited<ReturnType<typeof generateGzipBuffer>>> = [];
  for (let i = 0; i < deps.objects; i++) objects.push(await generateGzipBuffer({ seed: deps.seed + i, layout: deps.layout, bytes: deps.objectMb * MB }));
  const events = objects.reduce((n, o) => n + o.facts.events, 0);
  const bytes = objects.reduce((n, o) => n + o.facts.bytes, 0);
  deps.log(`state: ${objects.length} ${deps.layout} objects, ${events} events, ${(bytes / MB).toFixed(1)} MB`);

  const dynamo = await startDynalite();
  const scratch = mkdtempSync(join(tmpdir(), 'winsift-bench-state-'));
  let tables = 0;
  const figures: StateFigure[] = [];
  try {
    const plan: Array<{ figure: StateFigure; run: () => Promise<void> }> = [];
    for (const { name, files } of deps.packs) {
      const loaded = await files();
      if (!Array.isArray(loaded)) {
        for (const mode of ['off', 'sqlite', 'dynamodb'] as const) figures.push({ pack: name, mode, objects: objects.length, events, bytes, samples: [], notes: [loaded.skipped] });
        continue;
      }
      const pack = loadRulePack([...loaded, BENCH_CORRELATIONS]);
      for (const mode of ['off', 'sqlite', 'dynamodb'] as const) {
        const figure: StateFigure = { pack: name, mode, objects: objects.length, events, bytes, samples: [], notes: [] };
        figures.push(figure);
        const open = async (): Promise<StateStore | undefined> => {
          if (mode === 'sqlite') return openSqliteStateStore({ path: join(scratch, `state-${++tables}.sqlite`) });
          if (mode !== 'dynamodb') return undefined;
          const table = `bench-state-${++tables}`;
          await dynamo.createStateTable(table);
          return createDynamoStateStore({ client: dynamo.client, table });
        };
        plan.push({
          figure,
          async run() {
            // A fresh store per run: every run does the first-delivery work, none the cheaper re-scan.
            const store = await open();
            const state = store ? crossObjectState(pack, { store, defaultSuppressMs: 3_600_000 }) : undefined;
            let matches = 0;
            const counters: Record<string, number> = {};
            for (const [i, object] of objects.entries()) {
              const uri = `s3://bench/${name}/${i}.json.gz`;
              const identity = { bucket: 'bench', key: `${name}/${i}.json.gz`, etag: `e${i}` };
              const counting = new CountingSink();
              const sink = state ? state.wrapSink(counting, { ...identity, uri }) : counting;
              const { summary, delivery } = await scanStream(chunksOf(object.gzip), { uri, detector: pack.detector, sink, object: identity, ...(state ? { crossObject: state } : {}) });
              matches += counting.matches;
              for (const [k, n] of Object.entries({ ...summary.state, ...delivery.state })) counters[k] = (counters[k] ?? 0) + n;
            }
            if (figure.matches !== undefined && figure.matches !== matches) figure.notes.push(`alerts changed between runs (${figure.matches} then ${matches})`);
            figure.matches = matches;
            figure.counters = counters;
            if (store) {
              figure.perThousandEvents = perThousand(store.stats(), events);
              await store.close();
            }
          },
        });
      }
    }
    for (let round = 0; round <= deps.runs; round++) {
      for (const step of plan) {
        const { sample } = await timed(step.run);
        if (round > 0) step.figure.samples.push(sample.cpuMs);
      }
      deps.log(`state: round ${round}${round === 0 ? ' (warm-up)' : ''} of ${deps.runs} done`);
    }
  } finally {
    await dynamo.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const f of figures) {
    if (f.samples.length === 0) continue;
    const ms = median(f.samples);
    // Per CPU-second, as every bench figure: in dynamodb mode that includes dynalite's own work.
    f.eventsPerSecond = (f.events / ms) * 1000;
  }
  for (const f of figures) {
    const off = figures.find((x) => x.pack === f.pack && x.mode === 'off');
    if (f.eventsPerSecond && off?.eventsPerSecond) f.ratioToOff = f.eventsPerSecond / off.eventsPerSecond;
    if (f.mode === 'dynamodb' && f.perThousandEvents) {
      const perEvent = f.perThousandEvents;
      const eventsPerTB = (1e12 / f.bytes) * f.events;
      f.dynamoUsdPerTB = ((eventsPerTB / 1000) * (perEvent.writeUnits * WRU_USD_PER_MILLION + perEvent.readUnits * RRU_USD_PER_MILLION)) / 1e6;
      f.notes.push('dynalite (a JavaScript emulator in this process) is slower than DynamoDB: read its counts, not its speed');
    }
  }
  return figures;
}

function perThousand(stats: StoreStats, events: number) {
  const k = 1000 / events;
  const round = (n: number) => Math.round(n * k * 100) / 100;
  return {
    requests: round(stats.reads + stats.writes),
    reads: round(stats.reads),
    writes: round(stats.writes),
    itemsWritten: round(stats.itemsWritten),
    readUnits: round(stats.readUnits),
    writeUnits: round(stats.writeUnits),
  };
}

/** The on-demand prices before AWS halved them (November 2024), us-east-1: the figure at both. */
export const WRU_USD_PER_MILLION_2024 = 1.25;
export const RRU_USD_PER_MILLION_2024 = 0.25;

export interface StateScaleFigure {
  readonly pack: string;
  readonly eventsPerObject: number;
  readonly objects: number;
  readonly events?: number;
  readonly bytes?: number;
  perThousandEvents?: StateFigure['perThousandEvents'];
  /** At the prices above ($0.625 / $0.125 per million units), and at the 2024 ones ($1.25 / $0.25). */
  dynamoUsdPerTB?: number;
  dynamoUsdPerTB2024?: number;
  matches?: number;
  notes: string[];
}

/**
 * How the DynamoDB requests per 1,000 events fall as objects grow (`--only statescale`): most
 * requests are per object and group or suppressed key, not per event. For each size, `objects`
 * objects of that many events each (one stream: the same hours, so every later object meets the
 * heads the first wrote) go through DynamoDB (dynalite) once, a fresh table per size; no timing,
 * only the store's counts, so one pass is enough and the 100k-event objects stay affordable.
 */
export async function measureStateScaling(deps: {
  readonly layout: BenchLayout;
  readonly seed: number;
  readonly sizes: readonly number[];
  readonly objects: number;
  readonly packs: Deps['packs'];
  readonly log: (message: string) => void;
}): Promise<StateScaleFigure[]> {
  const { loadRulePack } = await import('../lib/rules/rule-pack.ts');
  const { scanStream } = await import('../lib/scan/scan-stream.ts');
  const { crossObjectState } = await import('../lib/state/cross-object-state.ts');
  const { createDynamoStateStore } = await import('../lib/state/dynamodb-state-store.ts');
  const { startDynalite } = await import('../test/support/dynalite.ts');
  const dynamo = await startDynalite();
  const figures: StateScaleFigure[] = [];
  let tables = 0;
  try {
    for (const { name, files } of deps.packs) {
      const loaded = await files();
      if (!Array.isArray(loaded)) {
        for (const size of deps.sizes) figures.push({ pack: name, eventsPerObject: size, objects: deps.objects, notes: [loaded.skipped] });
        continue;
      }
      const pack = loadRulePack([...loaded, BENCH_CORRELATIONS]);
      for (const size of deps.sizes) {
        const table = `bench-scale-${++tables}`;
        await dynamo.createStateTable(table);
        const store = createDynamoStateStore({ client: dynamo.client, table });
        const state = crossObjectState(pack, { store, defaultSuppressMs: 3_600_000 });
        let events = 0;
        let bytes = 0;
        let matches = 0;
        for (let i = 0; i < deps.objects; i++) {
          // Generated one at a time: three 100k-event objects are ~400 MB decompressed.
          const object = await generateGzipBuffer({ seed: deps.seed + i, layout: deps.layout, bytes: Number.MAX_SAFE_INTEGER, events: size });
          events += object.facts.events;
          bytes += object.facts.bytes;
          const uri = `s3://bench/${name}/${size}/${i}.json.gz`;
          const identity = { bucket: 'bench', key: `${name}/${size}/${i}.json.gz`, etag: `e${i}` };
          const counting = new CountingSink();
          await scanStream(chunksOf(object.gzip), { uri, detector: pack.detector, sink: state.wrapSink(counting, { ...identity, uri }), object: identity, crossObject: state });
          matches += counting.matches;
        }
        const perThousandEvents = perThousand(store.stats(), events);
        const eventsPerTB = (1e12 / bytes) * events;
        const usd = (wru: number, rru: number) => ((eventsPerTB / 1000) * (perThousandEvents.writeUnits * wru + perThousandEvents.readUnits * rru)) / 1e6;
        figures.push({
          pack: name,
          eventsPerObject: size,
          objects: deps.objects,
          events,
          bytes,
          perThousandEvents,
          dynamoUsdPerTB: usd(WRU_USD_PER_MILLION, RRU_USD_PER_MILLION),
          dynamoUsdPerTB2024: usd(WRU_USD_PER_MILLION_2024, RRU_USD_PER_MILLION_2024),
          matches,
          notes: [],
        });
        await store.close();
        deps.log(`state scale: ${name}, ${deps.objects} objects of ${size} events: ${perThousandEvents.requests} requests per 1k events`);
      }
    }
  } finally {
    await dynamo.stop();
  }
  return figures;
}
