/**
 * Random and mutated bytes: ingest never crashes with anything but InputError, never hangs
 * (inputs are bounded and each run must finish within the test timeout), numbers records
 * 0..n-1, and never returns silently empty-handed: every input yields items or an error.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, zstdCompressSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicateKeysOf, keysWritten, MAX_PATHS } from '../../lib/ingest/duplicate-keys.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';
import { type Collected, collect, fixture } from './support.ts';

function checkOutcome(read: Collected): void {
  expect(read.items.map((i) => i.index)).toEqual(read.items.map((_, n) => n));
  for (const item of read.items) {
    if (item.kind === 'unreadable') {
      expect(item.error.uri).toBe('s3://bucket/test.log');
      expect(item.error.location.length).toBeGreaterThan(0);
      expect(item.error.reason.length).toBeGreaterThan(0);
    }
  }
  if (read.thrown) expect(read.thrown.location.length).toBeGreaterThan(0);
  expect(read.items.length > 0 || read.thrown !== undefined).toBe(true);
}

const compact = (name: string) => JSON.stringify(JSON.parse(fixture(name).toString()));
/** One ECS record with a key written twice (issue 16 row 10), so mutations reach the exact pass too. */
const repeatedKey = compact('bits-16403.ecs.json').replace('"event_data":{', '"event_data":{"RemoteName":"https://benign.example/","RemoteName":"x",');
const ndjson = [fixture('bits-16403.ecs.json'), fixture('bits-16403.nxlog.json'), fixture('bits-16403.fluentbit.json')]
  .map((b) => b.toString().trim())
  .concat(repeatedKey)
  .join('\n');
/** The XML inside `<Events>`, one `<Event>` element. */
const xmlEvent = fixture('bits-16403.xml').toString().replace(/^[\s\S]*?(<Event[\s>])/, '$1').replace(/<\/Events>\s*$/, '').trim();
/**
 * CloudWatch Logs subscription records as Firehose writes them to S3: one envelope per line
 * (`{"messageType","owner","logGroup","logStream","subscriptionFilters","logEvents":[{id,timestamp,message}]}`),
 * the messages Event XML (the agent's `event_format: xml`) or JSON; CloudWatch gzips each batch and
 * Firehose may gzip again.
 */
function cloudWatch(messages: readonly string[]): string {
  return JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: 'windows-security',
    logStream: 'i-0abc',
    subscriptionFilters: ['to-firehose'],
    logEvents: messages.map((message, i) => ({ id: `3778${i}`, timestamp: 1715678467000 + i, message })),
  });
}
const cloudWatchLines = [
  cloudWatch([xmlEvent, compact('bits-16403.evtx.json')]),
  JSON.stringify({ messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [], logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] }),
  cloudWatch([compact('bits-16403.ecs.json'), repeatedKey]),
].join('\n');
const SAMPLES: Record<string, Buffer> = {
  ndjson: Buffer.from(ndjson),
  'json-values': Buffer.concat([fixture('bits-16403.evtx.json'), fixture('bits-16403.datadog.json')]),
  'json-array': Buffer.from(`[${fixture('bits-16403.panther.json').toString().trim()},${fixture('bits-16403.ecs.json').toString().trim()}]`),
  xml: fixture('bits-16403.xml'),
  gzip: Buffer.concat([gzipSync(`${ndjson}\n`), gzipSync(fixture('bits-16403.nxlog.json'))]),
  'double-gzip': gzipSync(gzipSync(fixture('bits-16403.xml'))),
  zstd: zstdCompressSync(ndjson),
  cloudwatch: Buffer.from(cloudWatchLines),
  'cloudwatch-firehose-gzip': gzipSync(gzipSync(cloudWatchLines)),
  'utf-16le': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ndjson, 'utf16le')]),
  'utf-16le-no-bom': Buffer.from(fixture('bits-16403.nxlog.json').toString().trim(), 'utf16le'),
};

/** Flip, overwrite, insert or delete a few bytes, or cut the tail. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Buffer, mutations: Mutation[]): Buffer {
  let bytes = Buffer.from(input);
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    if (m.kind === 'flip') bytes[at] = bytes[at]! ^ (1 << m.bit);
    else if (m.kind === 'set') bytes[at] = m.byte;
    else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    else if (m.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.count)]);
    else bytes = bytes.subarray(0, at);
  }
  return bytes;
}

/** FUZZ_SCALE=20 runs twenty times as many cases, for a longer hunt than CI affords. */
const SCALE = Number(process.env['FUZZ_SCALE'] ?? 1);
const runs = (n: number) => ({ numRuns: Math.round(n * SCALE) });

const chunkSize = fc.oneof(fc.constant(65536), fc.integer({ min: 1, max: 64 }));

describe('fuzz', () => {
  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), chunkSize, async (bytes, size) => {
        checkOutcome(await collect(Buffer.from(bytes), {}, size));
      }),
      runs(300),
    );
  });

  it('random text made of JSON and XML punctuation', async () => {
    const alphabet = fc.constantFrom(...'{}[]<>/"\\:,\n \r\tEvent=ID01a'.split(''));
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 400 }), chunkSize, async (chars, size) => {
        checkOutcome(await collect(chars.join(''), {}, size));
      }),
      runs(300),
    );
  });

  it('every sample reads whole before it is mutated (so the mutations start from real input)', async () => {
    for (const [name, sample] of Object.entries(SAMPLES)) {
      const read = await collect(sample);
      expect(read.thrown, name).toBeUndefined();
      expect(read.items.every((i) => i.kind === 'event'), name).toBe(true);
      expect(read.items.length, name).toBeGreaterThan(0);
    }
    const cw = await collect(SAMPLES['cloudwatch-firehose-gzip']!);
    expect(cw.items).toHaveLength(4);
    expect(cw.items.filter((i) => i.kind === 'event' && i.duplicateKeys !== undefined)).toHaveLength(1);
  });

  for (const [name, sample] of Object.entries(SAMPLES)) {
    it(`mutated ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), chunkSize, async (mutations, size) => {
          checkOutcome(await collect(mutate(sample, mutations), {}, size));
        }),
        runs(150),
      );
    });
  }

  it('CloudWatch envelopes of any shape: every log event counted, a bad shape reported, the next record read', async () => {
    const message = fc.oneof(fc.constant(xmlEvent), fc.constant(compact('bits-16403.evtx.json')), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }));
    const logEvent = fc.oneof(fc.record({ id: fc.string({ maxLength: 4 }), timestamp: fc.nat(), message }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 }));
    const envelope = fc.record(
      {
        messageType: fc.oneof(fc.constantFrom('DATA_MESSAGE', 'CONTROL_MESSAGE'), fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })),
        logGroup: fc.string({ maxLength: 8 }),
        logEvents: fc.oneof(fc.array(logEvent, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
      },
      { requiredKeys: ['messageType'] },
    );
    const good = compact('bits-16403.ecs.json');
    await fc.assert(
      fc.asyncProperty(fc.array(envelope, { minLength: 1, maxLength: 3 }), chunkSize, async (envelopes, size) => {
        const read = await collect(`${envelopes.map((e) => JSON.stringify(e)).join('\n')}\n${good}\n`, {}, size);
        checkOutcome(read);
        expect(read.thrown).toBeUndefined();
        let at = 0;
        for (const e of envelopes) {
          const isEnvelope = typeof e.messageType === 'string' && 'logEvents' in e;
          const expected = !isEnvelope ? 1 : e.messageType === 'CONTROL_MESSAGE' ? 0 : e.messageType === 'DATA_MESSAGE' && Array.isArray(e.logEvents) && e.logEvents.length > 0 ? e.logEvents.length : 1;
          const mine = read.items.slice(at, at + expected);
          // Row 7: a DATA_MESSAGE whose logEvents is not a non-empty list is one unreadable record, never clean.
          if (isEnvelope && e.messageType === 'DATA_MESSAGE' && !(Array.isArray(e.logEvents) && e.logEvents.length > 0)) {
            expect(mine.map((i) => i.kind)).toEqual(['unreadable']);
          }
          at += expected;
        }
        expect(read.items).toHaveLength(at + 1);
        expect(read.items.at(-1)).toMatchObject({ kind: 'event', event: { fields: { EventID: 16403 } } });
      }),
      runs(150),
    );
  });

  it('repeated keys: found exactly, with the first-wins reading, whatever the blanks and nesting', () => {
    // Objects written as entry lists from a small key alphabet, so keys repeat often.
    type Tree = number | string | Tree[] | { entries: [string, Tree][] };
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer(),
        fc.constantFrom('x', 'C:\\Windows', ':', '::1', ': x', '"q":', '\\', 'a:b', '\\":', 'a:b:c:d', '{"a":1,"b":"x:y"}'),
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.record({ entries: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'Image', '__proto__', 'k"', 'c:', ':', ': ', 'k\\', 'k:k:k:'), tie('tree')), { maxLength: 4 }) }),
      ),
    }));
    const blank = fc.constantFrom('', ' ', '\n  ', '\t');
    fc.assert(
      fc.property(tree, blank, (t, ws) => {
        const repeats: string[] = [];
        const write = (v: Tree): string =>
          typeof v !== 'object' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(write).join(`,${ws}`)}]` : `{${v.entries.map(([k, x]) => `${ws}${JSON.stringify(k)}${ws}:${ws}${write(x)}`).join(',')}${ws}}`;
        const firstWins = (v: Tree): unknown => {
          if (typeof v !== 'object') return v;
          if (Array.isArray(v)) return v.map(firstWins);
          const out: Record<string, unknown> = {};
          for (const [k, x] of v.entries) if (!Object.hasOwn(out, k)) Object.defineProperty(out, k, { value: firstWins(x), enumerable: true, writable: true, configurable: true });
          return out;
        };
        const count = (v: Tree): void => {
          if (typeof v !== 'object') return;
          if (Array.isArray(v)) return v.forEach(count);
          const seen = new Set<string>();
          for (const [k, x] of v.entries) {
            if (seen.has(k)) repeats.push(k);
            seen.add(k);
            count(x);
          }
        };
        count(t);
        const text = write(t);
        const written = (v: Tree): number => (typeof v !== 'object' ? 0 : Array.isArray(v) ? v.reduce((n: number, x) => n + written(x), 0) : v.entries.reduce((n, [, x]) => n + 1 + written(x), 0));
        // The cheap count never misses a key (else a repeat could hide behind it).
        expect(keysWritten(text)).toBeGreaterThanOrEqual(written(t));
        const found = duplicateKeysOf(text, JSON.parse(text));
        if (repeats.length === 0) return found === undefined;
        expect(found?.count).toBe(repeats.length);
        expect(found?.paths.map((p) => p.split(/[.\]]/).at(-1))).toEqual(repeats.slice(0, MAX_PATHS));
        expect(found?.firstWins).toEqual(firstWins(t));
        return true;
      }),
      runs(500),
    );
  });

  it('mutated brotli, declared', async () => {
    const sample = brotliCompressSync(ndjson);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        checkOutcome(await collect(mutate(sample, mutations), { contentEncoding: 'br' }));
      }),
      runs(100),
    );
  });
});

describeShared('fuzz raw .evtx', () => {
  it('mutated .evtx files go through the EVTX reader without crashing', async () => {
    const dir = sharedPath('corpus/evtx/EVTX-to-MITRE-Attack/TA0003-Persistence/T1197-BITS jobs');
    const file = join(dir, readdirSync(dir).filter((f) => f.endsWith('.evtx')).sort()[0]!);
    const chunks: Buffer[] = [];
    for await (const chunk of createReadStream(file)) chunks.push(chunk as Buffer);
    const sample = Buffer.concat(chunks);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        checkOutcome(await collect(mutate(sample, mutations)));
      }),
      runs(60),
    );
  });
});
