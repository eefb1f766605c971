/**
 * State across objects end to end: the scan function's handler with STATE_TABLE set, S3, SNS and
 * the publish record on fauxqs, the state table on dynalite, all on 127.0.0.1 through the real SDK.
 * - The real function module (bundled pack, SUPPRESS_WINDOW=1h): one host downloading from an IP
 *   in 20 objects gives each rule one alert, then one "N more" carrying the count.
 * - The same wiring (createScanFunction) with a pack that adds a correlation over the bundled rule:
 *   a burst split across three objects, one delivered twice, alerts exactly once.
 * - A runtime pack (RULES_S3_URI) written by `winsift rules pack` from a configuration with a
 *   `suppress:` section: its default suppresses the bundled rules, its `off` keeps one alerting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScanFunction } from '../../lib/invocation/scan-function.ts';
import type { InvocationSummary } from '../../lib/invocation/responses.ts';
import { bundledRuleFiles } from '../../lib/rules/bundled.ts';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';
import { run as rules } from '../../lib/cli/commands/rules.ts';
import { loadBundledPack } from '../../lib/rules/bundled-pack.ts';
import { createS3PackSource } from '../../lib/rules/s3-pack-source.ts';
import { tempTree } from '../rules/support.ts';
import { startDynalite, type Dynalite } from '../support/dynalite.ts';
import { s3Notification } from './aws-events.ts';
import { lambdaContext, ruleOf, startHarness, type Harness } from './fauxqs-harness.ts';
import { bits16403, gzipLines } from './winlogbeat-events.ts';

const DIRECT_IP = '90f138c1-f578-4ac3-8c49-eecfd847c8b7';
const BURST = '30000000-0000-4000-8000-0000000000b1';
const bucket = 'state-logs';

let aws: Harness;
let dynamo: Dynalite;

const silentLogger = { info() {}, warn() {}, error() {}, debug() {}, addContext() {}, appendKeys() {} };

function download(host: string, minute: number): Record<string, unknown> {
  const event = bits16403(`http://45.77.12.${minute % 250}/payload.exe`, host);
  return { ...event, '@timestamp': new Date(Date.UTC(2026, 10, 24, 2, 0, 0) + minute * 60_000).toISOString() };
}

async function deliver(handler: (e: unknown, c: ReturnType<typeof lambdaContext>) => Promise<unknown>, keys: string[]): Promise<InvocationSummary> {
  return (await handler(s3Notification(keys.map((key) => ({ bucket, key, size: 1 }))), lambdaContext())) as InvocationSummary;
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createStateTable('winsift-state-suppress');
  await dynamo.createStateTable('winsift-state-correlate');
  await dynamo.createStateTable('winsift-state-pack');
  aws = await startHarness({
    ALERT_STATE_BUCKET: 'winsift-state',
    STATE_TABLE: 'winsift-state-suppress',
    SUPPRESS_WINDOW: '1h',
    STATE_LATENESS: '5m',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
  await aws.createBucket(bucket);
  await aws.createBucket('winsift-state');
});
afterAll(async () => {
  await aws?.stop();
  await dynamo?.stop();
});

describe('scan function with a state table', () => {
  it('a rule repeating on one host across 20 objects alerts once, then "N more" with the count', async () => {
    const { handler } = await import('../../functions/scan/index.ts');
    const keys: string[] = [];
    for (let i = 0; i < 20; i++) {
      const key = `noisy/${i}.ndjson.gz`;
      await aws.put(bucket, key, gzipLines([download('WS01.corp.example', i * 2), download('WS01.corp.example', i * 2 + 1)]));
      keys.push(key);
    }
    for (const key of keys) await deliver(handler, [key]);
    await deliver(handler, [keys[5]!]); // S3 delivers one notification twice
    const first = await aws.drainAlerts();
    const rules = [...new Set(first.map(ruleOf))];
    // Each bundled rule that matches alerts once for the host; the 39 repeats are counted.
    expect(first).toHaveLength(rules.length);
    expect(rules).toContain(DIRECT_IP);
    expect(first.every((a) => (a['count'] ?? (a['finding_info'] as { count?: number })?.count ?? 1) === 1)).toBe(true);

    // Two hours later the host matches again: a new window, and the old one's count goes out.
    await aws.put(bucket, 'noisy/later.ndjson.gz', gzipLines([download('WS01.corp.example', 130)]));
    const later = await deliver(handler, ['noisy/later.ndjson.gz']);
    expect(later.byStatus).toEqual({ matched: 1 });
    const after = await aws.drainAlerts();
    const summaries = after.filter((a) => JSON.stringify(a).includes('SuppressedCount'));
    expect(summaries.map(ruleOf).sort()).toEqual([...rules].sort());
    for (const s of summaries) expect(JSON.stringify(s)).toMatch(/"SuppressedCount":39/);
    expect(after).toHaveLength(rules.length * 2);
    // Redelivered, the later object publishes nothing again.
    await deliver(handler, ['noisy/later.ndjson.gz']);
    expect(await aws.drainAlerts()).toEqual([]);
  });

  it('a correlation whose events are split across three objects, one delivered twice, alerts exactly once', async () => {
    const correlation = {
      path: 'burst.yml',
      text: `title: Several downloads from IP addresses on one host
id: ${BURST}
author: winsift tests
level: high
correlation:
  type: event_count
  rules: [${DIRECT_IP}]
  group-by: [Computer]
  timespan: 15m
  condition:
    gte: 3
`,
    };
    const pack = loadRulePack([...bundledRuleFiles(), correlation]);
    expect(pack.errors).toEqual([]);
    const handler = await createScanFunction({ ...process.env, STATE_TABLE: 'winsift-state-correlate', SUPPRESS_WINDOW: '' }, pack, {
      logger: silentLogger as never,
    });
    const parts = ['burst/1.ndjson.gz', 'burst/2.ndjson.gz', 'burst/3.ndjson.gz'];
    for (const [i, key] of parts.entries()) await aws.put(bucket, key, gzipLines([download('WS09.corp.example', i * 3)]));
    await aws.drainAlerts();
    const summaries = [
      await deliver(handler, [parts[0]!]),
      await deliver(handler, [parts[1]!]),
      await deliver(handler, [parts[0]!]), // redelivered
      await deliver(handler, [parts[2]!]),
      await deliver(handler, [parts[2]!]), // the one that fired, redelivered
      await deliver(handler, [parts[1]!]),
    ];
    const alerts = await aws.drainAlerts();
    // The base rule is read by the correlation only (generate: false): the other bundled rules still alert per object.
    expect(alerts.filter((a) => ruleOf(a) === BURST)).toHaveLength(1);
    expect(alerts.filter((a) => ruleOf(a) === DIRECT_IP)).toHaveLength(0);
    const fired = summaries[3]!.reports[0]!;
    expect(fired.state).toMatchObject({ correlationFired: 1 });
    expect(fired.state?.['storeReads']).toBeGreaterThan(0);
    const burst = alerts.find((a) => ruleOf(a) === BURST)!;
    expect(JSON.stringify(burst)).toContain('WS09.corp.example');
  });

  it('a runtime pack carries its configuration\'s suppression: the default suppresses, off keeps a rule alerting', async () => {
    const tree = tempTree({
      'pack.yml': `winsift-rule-pack: 1
name: tuned
suppress:
  default: 1h
  rules:
    - match: { ids: [${DIRECT_IP}] }
      window: off
`,
    });
    try {
      const out = join(tree.dir, 'tuned.json');
      const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        expect(await rules(['pack', '--config', join(tree.dir, 'pack.yml'), '-o', out])).toBe(0);
      } finally {
        quiet.mockRestore();
      }
      await aws.createBucket('state-packs');
      await aws.put('state-packs', 'tuned.json', readFileSync(out));
      const source = createS3PackSource({ s3: aws.s3, uri: 's3://state-packs/tuned.json', refreshMs: 300_000, fallback: loadBundledPack, log: silentLogger });
      // No SUPPRESS_WINDOW: the default is the pack's own.
      const handler = await createScanFunction({ ...process.env, STATE_TABLE: 'winsift-state-pack', SUPPRESS_WINDOW: '' }, source, { logger: silentLogger as never });
      const keys: string[] = [];
      for (let i = 0; i < 5; i++) {
        const key = `tuned/${i}.ndjson.gz`;
        await aws.put(bucket, key, gzipLines([download('WS05.corp.example', i * 2), download('WS05.corp.example', i * 2 + 1)]));
        keys.push(key);
      }
      await aws.drainAlerts();
      for (const key of keys) await deliver(handler, [key]);
      const alerts = await aws.drainAlerts();
      expect(alerts.every((a) => JSON.stringify(a).includes('tuned@'))).toBe(true); // the runtime pack ran
      const byRule = new Map<string, number>();
      for (const a of alerts) byRule.set(ruleOf(a), (byRule.get(ruleOf(a)) ?? 0) + 1);
      // Switched off: one alert per object, as without state. Every other rule that matched: one in all.
      expect(byRule.get(DIRECT_IP)).toBe(5);
      const others = [...byRule].filter(([id]) => id !== DIRECT_IP);
      expect(others.length).toBeGreaterThan(0);
      for (const [, n] of others) expect(n).toBe(1);
    } finally {
      tree.remove();
    }
  });
});
