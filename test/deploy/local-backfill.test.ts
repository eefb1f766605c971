/**
 * A local backfill over a prefix of many small objects against fauxqs: every object in the
 * window is scanned exactly once (across ListObjectsV2 pages and concurrent scans), and every
 * other key is reported skipped with its reason. Then the same through `winsift backfill --local`.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDayWindow } from '../../lib/backfill/day-window.ts';
import { runLocalBackfill } from '../../lib/backfill/local-backfill.ts';
import { createS3ObjectScanner } from '../../lib/invocation/s3-object-scanner.ts';
import type { ObjectScanner } from '../../lib/invocation/scan-objects.ts';
import { seedRuleFiles } from '../../lib/rules/bundled.ts';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';

// The seed rules by name: what a user adds to rules/ does not change these tests.
const loadBundledPack = () => loadRulePack(seedRuleFiles(), { name: 'bundled' });
import type { AlertSink } from '../../lib/alerts/alert-sink.ts';
import { startHarness, type Harness } from './fauxqs-harness.ts';
import { bits16403, gzipLines } from './winlogbeat-events.ts';

const bucket = 'backfill-logs';
const days = ['20261120', '20261121', '20261122', '20261123'];
const perDay = 30;
let aws: Harness;
const inWindow: string[] = [];
let maliciousInWindow = 0;

beforeAll(async () => {
  aws = await startHarness();
  await aws.createBucket(bucket);
  const puts: Promise<void>[] = [];
  for (const day of days) {
    puts.push(aws.put(bucket, `dd/dt=${day}/`, new Uint8Array(0)));
    for (let i = 0; i < perDay; i++) {
      const key = `dd/dt=${day}/hour=${String(i % 24).padStart(2, '0')}/part ${i}.json.gz`;
      const malicious = i % 10 === 0;
      const event = malicious ? bits16403(`http://203.0.113.${i + 1}/p.exe`, `h${i}.corp.example`) : bits16403('https://dl.delivery.mp.microsoft.com/x.cab', `h${i}.corp.example`);
      puts.push(aws.put(bucket, key, gzipLines([event])));
      if (day >= '20261121' && day <= '20261122') {
        inWindow.push(key);
        if (malicious) maliciousInWindow++;
      }
    }
  }
  puts.push(aws.put(bucket, 'elsewhere/dt=20261121/not-under-prefix.json.gz', gzipLines([bits16403('http://203.0.113.9/x')])));
  await Promise.all(puts);
});
afterAll(async () => aws?.stop());

describe('local backfill', () => {
  it('scans every object in the window exactly once, across pages, and reports the rest as skipped', async () => {
    const pack = loadBundledPack();
    const scans = new Map<string, number>();
    let matchesSeen = 0;
    const countingSink = (): AlertSink => ({
      add: () => {
        matchesSeen++;
      },
      finish: async () => ({ delivered: 0, alreadyDelivered: 0, failed: 0 }),
    });
    const real = createS3ObjectScanner({ s3: aws.s3, detector: pack.detector, sinkFor: countingSink });
    const counting: ObjectScanner = {
      scan: (ref, signal) => {
        scans.set(ref.key, (scans.get(ref.key) ?? 0) + 1);
        return real.scan(ref, signal);
      },
      sizeOf: (ref) => real.sizeOf(ref),
    };
    const { listed, reports } = await runLocalBackfill({
      s3: aws.s3,
      scanner: counting,
      bucket,
      prefix: 'dd/',
      window: parseDayWindow('20261121', '20261122'),
      pageSize: 17,
      concurrency: 4,
      log: { info() {}, warn() {}, error() {} },
    });

    expect(listed).toBe(days.length * (perDay + 1));
    expect([...scans.keys()].sort()).toEqual([...inWindow].sort());
    expect([...scans.values()].every((n) => n === 1)).toBe(true);
    const byStatus = Object.groupBy(reports, (r) => r.status);
    expect(byStatus.matched?.length).toBe(maliciousInWindow);
    expect(byStatus.clean?.length).toBe(inWindow.length - maliciousInWindow);
    expect(byStatus.skipped?.length).toBe(listed - inWindow.length);
    expect(byStatus.skipped?.filter((r) => r.reason === 'zero-byte folder marker').length).toBe(days.length);
    expect(matchesSeen).toBeGreaterThanOrEqual(maliciousInWindow);
  });

  it('runs the same through `winsift backfill --local`, printing one jsonl line per alert', async () => {
    const { run } = await import('../../lib/cli/commands/backfill.ts');
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' ')));
    let code: number;
    try {
      code = await run(['--bucket', bucket, '--prefix', 'dd/', '--since', '20261121', '--until', '20261122', '--local', '--format', 'jsonl']);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(code).toBe(0);
    const lines = out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { source: { uri: string } });
    const alertedObjects = new Set(lines.map((l) => l.source.uri));
    expect(alertedObjects.size).toBe(maliciousInWindow);
    expect(err.at(-1)).toMatch(new RegExp(`${days.length * (perDay + 1)} listed, ${inWindow.length} scanned, ${days.length * (perDay + 1) - inWindow.length} skipped, 0 not scanned`));
  });

  it.skipIf(canResolve('@aws-sdk/client-sfn'))('says which package starting the state machine needs when it is not installed', async () => {
    const { run } = await import('../../lib/cli/commands/backfill.ts');
    await expect(run(['--bucket', bucket, '--state-machine', 'arn:aws:states:us-east-1:123456789012:stateMachine:winsift'])).rejects.toThrow(
      /needs the @aws-sdk\/client-sfn package, which is not installed; use --local/,
    );
  });

  it('refuses bad windows and a missing bucket as usage errors', async () => {
    const { run } = await import('../../lib/cli/commands/backfill.ts');
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await run(['--prefix', 'x', '--local'])).toBe(1);
      expect(await run(['--bucket', bucket, '--since', '2026-11-21', '--local'])).toBe(1);
      expect(await run(['--bucket', bucket])).toBe(1);
    } finally {
      stderr.mockRestore();
    }
  });
});

function canResolve(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
