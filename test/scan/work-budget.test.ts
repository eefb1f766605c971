/**
 * The work budget as the scan sees it (issue 16): a record that cannot be read or matched costs
 * itself only, and a deadline reached inside CPU-bound work stops the scan with what was found
 * delivered. Deadlines here are driven by what the scan has done, never by the clock.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Deadline } from '../../lib/ingest/deadline.ts';
import type { Detector } from '../../lib/rules/rule.ts';
import { bundledRuleFiles } from '../../lib/rules/bundled.ts';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';
import { ScanDeferredError, scanStream } from '../../lib/scan/scan-stream.ts';
import { ecsBitsJob, ecsLogon } from '../support/bits-events.ts';
import { CollectingSink } from '../support/collecting-sink.ts';

const DIRECT_IP = '90f138c1-f578-4ac3-8c49-eecfd847c8b7';
const pack = loadRulePack(bundledRuleFiles());
const lines = (...records: unknown[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

async function* chunks(data: Uint8Array, size = 64 * 1024): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

/** A deadline that passes once `passed()` says so: deterministic, whatever the machine's speed. */
function deadlineWhen(passed: () => boolean): Deadline {
  return {
    get at() {
      return passed() ? 0 : Number.MAX_SAFE_INTEGER;
    },
    reason: 'test deadline',
  };
}

describe('one bad record costs itself only', () => {
  it('JSON nested 5,000 deep between two BITS events: both alert, the deep one is unreadable', async () => {
    const bits = ecsBitsJob('http://45.77.165.21/a.exe');
    const deep = `{"winlog":{"channel":"Microsoft-Windows-Bits-Client/Operational","event_data":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const sink = new CollectingSink();
    const { summary } = await scanStream(chunks(Buffer.from(lines(bits, deep, bits))), { uri: 'mem://deep', detector: pack.detector, sink });
    expect(summary).toMatchObject({ status: 'partial', events: 2, unreadable: 1 });
    expect(summary.errors[0]).toMatch(/^mem:\/\/deep: line 2 \(byte \d+\): JSON nested deeper than maxNestingDepth \(64 levels\)/);
    expect(sink.matches.filter((m) => m.rule.id === DIRECT_IP).map((m) => m.source.index)).toEqual([0, 2]);
  });

  it('an event that makes the detector throw is unreadable with the reason; the others are matched', async () => {
    const detector: Detector = {
      ...pack.detector,
      match(event) {
        if (event.fields['Computer'] === 'POISON') throw new RangeError('Maximum call stack size exceeded');
        return pack.detector.match(event);
      },
      explain: (rule, event) => pack.detector.explain(rule, event),
    };
    const body = lines(ecsBitsJob('http://45.77.165.21/a.exe', { host: 'POISON' }), ecsBitsJob('http://45.77.165.21/b.exe'));
    const sink = new CollectingSink();
    const { summary } = await scanStream(chunks(Buffer.from(body)), { uri: 'mem://poison', detector, sink });
    expect(summary).toMatchObject({ status: 'partial', events: 1, unreadable: 1 });
    expect(summary.errors).toEqual(['mem://poison: record 0: rules could not be evaluated on this event (RangeError: Maximum call stack size exceeded)']);
    expect(sink.matches.some((m) => m.source.index === 1)).toBe(true);
  });

  it('invalid UTF-8 is counted as a warning on the summary, not as unreadable', async () => {
    const bits = Buffer.from(lines(ecsBitsJob('http://45.77.165.21/a.exe')));
    const altered = Buffer.from(lines(ecsLogon()).replace('alice', 'al\u0000ce'));
    altered[altered.indexOf(0)] = 0xc3; // a lead byte with no continuation
    const sink = new CollectingSink();
    const { summary } = await scanStream(chunks(Buffer.concat([altered, bits])), { uri: 'mem://utf8', detector: pack.detector, sink, prefilter: false });
    expect(summary).toMatchObject({ status: 'matched', events: 2, unreadable: 0, warnings: 1 });
    expect(summary.errors).toEqual(['warning: mem://utf8: line 1 (byte 0): invalid UTF-8: the bad bytes were read as U+FFFD']);
  });
});

describe('the cooperative deadline', () => {
  it('stops between records: the alert found is delivered, the object is deferred with its counts', async () => {
    const bits = ecsBitsJob('http://45.77.165.21/a.exe');
    const sink = new CollectingSink();
    const deadline = deadlineWhen(() => sink.matches.length > 0);
    const error = await scanStream(chunks(Buffer.from(lines(bits, bits, bits))), { uri: 'mem://late', detector: pack.detector, sink, deadline }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanDeferredError);
    const deferred = error as ScanDeferredError;
    expect(deferred.cause.location).toBe('record 1 (line 2 (byte ' + (lines(bits).length) + '))');
    expect(deferred.result.summary).toMatchObject({ status: 'failed', events: 1 });
    // What was found was handed to the sink and finished: with deterministic ids the retry
    // publishes only what this attempt did not.
    expect(sink.summary).toBe(deferred.result.summary);
    expect(deferred.result.delivery.delivered).toBe(sink.matches.length);
    expect(sink.matches.every((m) => m.source.index === 0)).toBe(true);
  });

  it('stops inside decompression that yields no record at all (a padding bomb under generous caps)', async () => {
    const body = gzipSync(Buffer.concat([gzipSync(lines(ecsLogon())), Buffer.alloc(64 * 1024 * 1024)]));
    let checks = 0;
    const deadline = deadlineWhen(() => ++checks > 16);
    const sink = new CollectingSink();
    const error = await scanStream(chunks(body), {
      uri: 'mem://padding',
      detector: pack.detector,
      sink,
      deadline,
      ingest: { limits: { maxCompressionRatio: 1e9 } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanDeferredError);
    // The meter asked at every 64 KiB of output and stopped the inflation there: the 64 MiB of
    // padding (1,024 chunks) was not inflated. (Framing detection holds the error until the
    // record read before it is handed out, so the scan may stop at that record.)
    expect((error as ScanDeferredError).cause.location).toMatch(/^decompressed byte \d+$|^record 0 /);
    expect(checks).toBeLessThan(40);
  });

  it('is not reached by an ordinary scan', async () => {
    const sink = new CollectingSink();
    const { summary } = await scanStream(chunks(Buffer.from(lines(ecsLogon()))), {
      uri: 'mem://fine',
      detector: pack.detector,
      sink,
      deadline: deadlineWhen(() => false),
    });
    expect(summary.status).toBe('clean');
  });
});

describe('row 10: a repeated JSON key cannot hide a match', () => {
  const evil = 'http://45.77.165.21/a.exe';
  const benign = 'https://benign.example/update.cab';
  /** The BITS job with `RemoteName` written twice, `first` then `last`. */
  const twice = (first: string, last: string) =>
    JSON.stringify(ecsBitsJob(first)).replace(`"RemoteName":${JSON.stringify(first)}`, `"RemoteName":${JSON.stringify(first)},"RemoteName":${JSON.stringify(last)}`);

  for (const [order, first, last] of [
    ['the real value first, a benign one last (JSON.parse sees the benign one)', evil, benign],
    ['a benign value first, the real one last', benign, evil],
  ] as const) {
    it(`${order}: alerts once, counted and reported with the key path`, async () => {
      const sink = new CollectingSink();
      const body = lines(ecsLogon(), twice(first, last));
      const { summary } = await scanStream(chunks(Buffer.from(body)), { uri: 'mem://dup', detector: pack.detector, sink });
      expect(summary).toMatchObject({ status: 'matched', unreadable: 0, warnings: 1, duplicateKeys: 1 });
      expect(summary.events + summary.skipped).toBe(2);
      expect(summary.errors).toEqual([
        `warning: mem://dup: line 2 (byte ${JSON.stringify(ecsLogon()).length + 1}): duplicate JSON keys (winlog.event_data.RemoteName): the last value of each is the event's, the first is matched too`,
      ]);
      const direct = sink.matches.filter((m) => m.rule.id === DIRECT_IP);
      expect(direct.map((m) => [m.source.index, m.event.fields['RemoteName']])).toEqual([[1, evil]]);
    });
  }

  it('both readings match the same rule: one alert, on the event as JSON.parse reads it', async () => {
    const sink = new CollectingSink();
    const body = lines(JSON.stringify(ecsBitsJob(evil)).replace('"jobTitle":"update"', '"jobTitle":"update","jobTitle":"other"'));
    const { summary } = await scanStream(chunks(Buffer.from(body)), { uri: 'mem://dup', detector: pack.detector, sink });
    expect(summary).toMatchObject({ events: 1, duplicateKeys: 1 });
    const direct = sink.matches.filter((m) => m.rule.id === DIRECT_IP);
    expect(direct).toHaveLength(1);
    expect(direct[0]!.event.fields['jobTitle']).toBe('other');
  });

  it('records without repeats carry no count', async () => {
    const { summary } = await scanStream(chunks(Buffer.from(lines(ecsLogon()))), { uri: 'mem://ok', detector: pack.detector, sink: new CollectingSink() });
    expect(summary.duplicateKeys).toBeUndefined();
    expect(summary.warnings).toBe(0);
  });
});
