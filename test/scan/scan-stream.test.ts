import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seedRuleFiles } from '../../lib/rules/bundled.ts';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';
import { DeliveryFailedError, ScanFailedError, scanStream } from '../../lib/scan/scan-stream.ts';
import { ecsBitsJob, ecsLogon } from '../support/bits-events.ts';
import { CollectingSink } from '../support/collecting-sink.ts';

const DIRECT_IP = '90f138c1-f578-4ac3-8c49-eecfd847c8b7';
const pack = loadRulePack(seedRuleFiles());

function lines(...records: unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

async function* chunks(data: Uint8Array, size = 7): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe('scanStream', () => {
  it('loads the bundled pack without errors', () => {
    expect(pack.errors).toEqual([]);
    expect(pack.detector.rules.map((r) => r.id)).toContain(DIRECT_IP);
  });

  it('matches gzip JSON lines delivered in small chunks and numbers events by position', async () => {
    const body = gzipSync(lines(ecsLogon(), ecsBitsJob('http://45.77.165.21/a.exe'), ecsLogon()));
    const sink = new CollectingSink();
    const { summary } = await scanStream(chunks(body), { uri: 'mem://batch', detector: pack.detector, sink });
    // The logons are on a channel no bundled rule reads: skipped unparsed, still counted.
    expect(summary).toMatchObject({ status: 'matched', events: 1, skipped: 2, unreadable: 0, bytesIn: body.length });
    const direct = sink.matches.filter((m) => m.rule.id === DIRECT_IP);
    expect(direct).toHaveLength(1);
    expect(direct[0]!.source).toEqual({ uri: 'mem://batch', index: 1 });
    expect(direct[0]!.evidence.some((e) => e.field === 'RemoteName')).toBe(true);
    expect(summary.matchesByRule[DIRECT_IP]).toBe(1);
  });

  it('parses every record when the prefilter is off', async () => {
    const body = gzipSync(lines(ecsLogon(), ecsBitsJob('http://45.77.165.21/a.exe'), ecsLogon()));
    const sink = new CollectingSink();
    const { summary } = await scanStream(chunks(body), { uri: 'mem://all', detector: pack.detector, sink, prefilter: false });
    expect(summary).toMatchObject({ events: 3, skipped: 0 });
    expect(sink.matches.find((m) => m.rule.id === DIRECT_IP)?.source.index).toBe(1);
  });

  it('reports a clean object as clean', async () => {
    const sink = new CollectingSink();
    const { summary } = await scanStream(chunks(Buffer.from(lines(ecsLogon()))), {
      uri: 'mem://clean',
      detector: pack.detector,
      sink,
    });
    expect(summary.status).toBe('clean');
    expect(sink.summary).toEqual(summary);
  });

  it('marks an object with an unreadable line partial, and still scans the lines after it', async () => {
    const text = lines(ecsLogon()) + '{"winlog": {broken\n' + lines(ecsBitsJob('http://45.77.165.21/a.exe'));
    const sink = new CollectingSink();
    const { summary } = await scanStream(chunks(Buffer.from(text)), { uri: 'mem://bad', detector: pack.detector, sink });
    expect(summary.status).toBe('partial');
    expect(summary.unreadable).toBe(1);
    expect(summary.errors[0]).toMatch(/mem:\/\/bad.*line 2/);
    expect(sink.matches.find((m) => m.rule.id === DIRECT_IP)?.source.index).toBe(2);
  });

  it('delivers what it found before a corrupt gzip tail, then fails the object', async () => {
    const good = gzipSync(lines(ecsBitsJob('http://45.77.165.21/a.exe')));
    const corrupt = Buffer.concat([good, Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef])]);
    const sink = new CollectingSink();
    const failure = await scanStream(chunks(corrupt), { uri: 'mem://corrupt', detector: pack.detector, sink }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ScanFailedError);
    expect((failure as ScanFailedError).result.summary.status).toBe('failed');
    expect(sink.summary?.status).toBe('failed');
    expect(sink.matches.some((m) => m.rule.id === DIRECT_IP)).toBe(true);
  });

  it('matches every event before a corrupt tail, in order: 700 events', async () => {
    const planted = [0, 255, 256, 257, 511, 512, 699];
    const records = Array.from({ length: 700 }, (_, i) => (planted.includes(i) ? ecsBitsJob(`http://45.77.165.${i % 250}/a.exe`) : ecsLogon()));
    const good = gzipSync(lines(...records));
    const corrupt = Buffer.concat([good, Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef])]);
    const sink = new CollectingSink();
    const failure = await scanStream(chunks(corrupt, 4096), { uri: 'mem://many', detector: pack.detector, sink, prefilter: false }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ScanFailedError);
    expect((failure as ScanFailedError).result.summary).toMatchObject({ status: 'failed', events: 700 });
    expect(sink.matches.filter((m) => m.rule.id === DIRECT_IP).map((m) => m.source.index)).toEqual(planted);
  });

  it('throws when the sink could not deliver, so the object is retried', async () => {
    const sink = new CollectingSink();
    sink.failNext = 1;
    const data = Buffer.from(lines(ecsBitsJob('http://45.77.165.21/a.exe')));
    await expect(scanStream(chunks(data), { uri: 'mem://x', detector: pack.detector, sink })).rejects.toBeInstanceOf(
      DeliveryFailedError,
    );
  });
});
