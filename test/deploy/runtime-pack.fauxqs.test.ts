/**
 * Runtime rule packs over HTTP against fauxqs, with the real function (functions/scan/index.ts)
 * and the real CLI commands: a pack published with `winsift rules publish` is picked up by a
 * warm function after the refresh interval, without a redeploy; a broken pack published after
 * it is refused, and the function keeps alerting with the last good one.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { messageAttributes } from '../../lib/alerts/message-attributes.ts';
import { run as rules } from '../../lib/cli/commands/rules.ts';
import { loadBundledPack } from '../../lib/rules/bundled-pack.ts';
import { PACK_FORMAT_VERSION, readCompiledPack } from '../../lib/rules/compiled-pack.ts';
import { createS3PackSource } from '../../lib/rules/s3-pack-source.ts';
import { bitsRule, tempTree, type TempTree } from '../rules/support.ts';
import { s3Notification } from './aws-events.ts';
import { lambdaContext, ruleOf, startHarness, type Harness } from './fauxqs-harness.ts';
import { bits16403, gzipLines } from './winlogbeat-events.ts';

const PACK_URI = 's3://rule-packs/winsift.json';
const ALPHA = '00000000-0000-4000-8000-0000000000a1';
const BETA = '00000000-0000-4000-8000-0000000000b2';

let aws: Harness;
let tree: TempTree;
let handler: (event: unknown, context: unknown) => Promise<{ matches: number }>;

/** `winsift rules pack` then `winsift rules publish`, as a user runs them; returns the pack version. */
async function packAndPublish(name: string, ruleId: string, needle: string): Promise<string> {
  tree.write(`${name}/rules/r.yml`, bitsRule(ruleId, needle));
  const config = tree.write(`${name}/pack.yml`, `winsift-rule-pack: 1\nname: ${name}\nrules: [rules]\nbundled: false\n`);
  const out = join(tree.dir, `${name}.json`);
  const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await rules(['pack', '--config', config, '-o', out])).toBe(0);
    expect(await rules(['publish', out, PACK_URI])).toBe(0);
  } finally {
    quiet.mockRestore();
  }
  return readCompiledPack(readFileSync(out, 'utf8'), out).version;
}

let objects = 0;
/** Uploads one BITS event downloading from `url` and hands the function its notification. */
async function scanBitsEvent(url: string): Promise<Record<string, unknown>[]> {
  const key = `ecs/object-${++objects}.json.gz`;
  await aws.put('logs', key, gzipLines([bits16403(url)]));
  await handler(s3Notification([{ bucket: 'logs', key, size: 100 }]), lambdaContext());
  return aws.drainAlerts();
}

const packOf = (finding: Record<string, unknown>) => (finding['metadata'] as { labels?: string[] }).labels?.find((l) => l.startsWith('winsift-rule-pack:'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  tree = tempTree();
  aws = await startHarness({ RULES_S3_URI: PACK_URI, RULES_REFRESH_SECONDS: '1', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  await aws.createBucket('rule-packs');
  await aws.createBucket('logs');
}, 60_000);
afterAll(async () => {
  await aws?.stop();
  tree?.remove();
});

describe('a warm function and a runtime pack in S3', () => {
  it('loads the pack at cold start, swaps to a newer one after the refresh interval, and refuses a broken one', async () => {
    const alpha = await packAndPublish('alpha', ALPHA, 'alpha-c2.example');
    ({ handler } = (await import('../../functions/scan/index.ts')) as unknown as { handler: typeof handler });

    const first = await scanBitsEvent('https://alpha-c2.example/a.exe');
    expect(first.map(ruleOf)).toEqual([ALPHA]);
    expect(packOf(first[0]!)).toBe(`winsift-rule-pack:${alpha}`);
    expect((first[0]!['unmapped'] as { winsift: { rule: { pack: string } } }).winsift.rule.pack).toBe(alpha);

    // A new pack, published while the function is warm: no redeploy, picked up after the interval.
    const beta = await packAndPublish('beta', BETA, 'beta-c2.example');
    expect(beta).not.toBe(alpha);
    await sleep(1100);
    const second = await scanBitsEvent('https://beta-c2.example/b.exe');
    expect(second.map(ruleOf)).toEqual([BETA]);
    expect(packOf(second[0]!)).toBe(`winsift-rule-pack:${beta}`);
    expect(await scanBitsEvent('https://alpha-c2.example/a.exe')).toEqual([]);

    // A broken pack: the CLI refuses to publish it, and one uploaded anyway is refused by the function.
    const broken = join(tree.dir, 'broken.json');
    writeFileSync(broken, readFileSync(join(tree.dir, 'beta.json'), 'utf8').replace('"formatVersion":1', '"formatVersion":7'));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await rules(['publish', broken, PACK_URI])).toBe(2);
      expect(String(err.mock.calls.at(-1)?.[0])).toMatch(new RegExp(`pack format version 7 .* newer than ${PACK_FORMAT_VERSION}`));
    } finally {
      err.mockRestore();
    }
    await aws.s3.send(new PutObjectCommand({ Bucket: 'rule-packs', Key: 'winsift.json', Body: readFileSync(broken) }));
    await sleep(1100);
    const third = await scanBitsEvent('https://beta-c2.example/c.exe');
    expect(third.map(ruleOf)).toEqual([BETA]);
    expect(packOf(third[0]!)).toBe(`winsift-rule-pack:${beta}`);
  }, 120_000);
});

describe('createS3PackSource', () => {
  function source(uri: string, clock: { now: number }) {
    const logs: Array<{ level: string; message: string; details: Record<string, unknown> }> = [];
    const metrics: string[] = [];
    const log = (level: string) => (message: string, details: Record<string, unknown>) => void logs.push({ level, message, details });
    const packs = createS3PackSource({
      s3: aws.s3,
      uri,
      refreshMs: 60_000,
      fallback: loadBundledPack,
      log: { info: log('info'), warn: log('warn'), error: log('error') },
      metrics: { addMetric: (name) => void metrics.push(name) },
      now: () => clock.now,
    });
    return { packs, logs, metrics };
  }

  it('runs the built-in pack while there is no good pack, and keeps the last good one after that', async () => {
    await aws.createBucket('packs-unit');
    const clock = { now: 0 };
    const { packs, logs, metrics } = source('s3://packs-unit/p.json', clock);
    // No object yet: the function's own pack, with a metric and an error naming the object.
    expect((await packs.current()).version).toBe(loadBundledPack().version);
    expect(metrics).toEqual(['RulePackRejected']);
    expect(logs.at(-1)).toMatchObject({ level: 'error', details: { uri: 's3://packs-unit/p.json', running: loadBundledPack().version } });

    const good = readFileSync(join(tree.dir, 'alpha.json'));
    await aws.s3.send(new PutObjectCommand({ Bucket: 'packs-unit', Key: 'p.json', Body: good }));
    // Within the interval nothing is asked of S3.
    clock.now = 30_000;
    expect((await packs.current()).version).toBe(loadBundledPack().version);
    clock.now = 61_000;
    const loaded = await packs.current();
    expect(loaded.version).toMatch(/^alpha@/);
    expect(logs.at(-1)).toMatchObject({ level: 'info', message: 'rule pack loaded', details: { version: loaded.version } });

    // Truncated: refused, with the reason; the good pack stays, and stays counted while published.
    await aws.s3.send(new PutObjectCommand({ Bucket: 'packs-unit', Key: 'p.json', Body: good.subarray(0, 500) }));
    clock.now = 122_000;
    expect(await packs.current()).toBe(loaded);
    expect(metrics).toEqual(['RulePackRejected', 'RulePackRejected']);
    expect(logs.at(-1)).toMatchObject({ level: 'error', details: { reason: 'invalid pack', running: loaded.version } });
    expect(String((logs.at(-1)!.details['problems'] as string[])[0])).toMatch(/not JSON/);
    clock.now = 183_000;
    expect(await packs.current()).toBe(loaded);
    expect(metrics).toHaveLength(3);
  });

  it('names the pack in the SNS message attributes', async () => {
    const pack = readCompiledPack(readFileSync(join(tree.dir, 'alpha.json'), 'utf8'), 'alpha.json');
    const meta = { ...pack.content.sigma.at(-1)!.meta };
    const attributes = messageAttributes({ id: 'a', rule: meta, host: 'h', object: { uri: 's3://b/k' }, count: 1, matches: [] });
    expect(attributes['rule_pack']).toEqual({ DataType: 'String', StringValue: pack.version });
  });
});
