/**
 * The deployable artifact itself: the esbuild bundle of the scan function, copied alone into an
 * empty directory (as Lambda unpacks it, with no rules/ folder beside it), handles an S3
 * notification against fauxqs and publishes the alerts: the rule pack is embedded.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureFunctionBundle } from '../infra/synth-stack.ts';
import { s3Notification } from './aws-events.ts';
import { lambdaContext, ruleOf, startHarness, type Harness } from './fauxqs-harness.ts';
import { bits16403, gzipLines } from './winlogbeat-events.ts';

let aws: Harness;
let dir: string;

beforeAll(async () => {
  const bundleDir = await ensureFunctionBundle();
  dir = mkdtempSync(join(tmpdir(), 'winsift-bundle-'));
  // The whole asset directory, as CDK zips it: the bundle, its source map and legal notices.
  cpSync(bundleDir, dir, { recursive: true });
  aws = await startHarness();
  await aws.createBucket('bundle-logs');
}, 120_000);
afterAll(async () => {
  await aws?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('runs from the bundle alone, with the rules embedded', async () => {
  expect(existsSync(join(dir, 'rules'))).toBe(false);
  const { handler } = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: (e: unknown, c: unknown) => Promise<{ matches: number }> };
  const key = 'ecs/dt=20261124/one event.json.gz';
  await aws.put('bundle-logs', key, gzipLines([bits16403('https://203.0.113.50/a.exe')]));
  const summary = await handler(s3Notification([{ bucket: 'bundle-logs', key, size: 10 }]), lambdaContext());
  expect(summary.matches).toBeGreaterThan(0);
  expect((await aws.drainAlerts()).map(ruleOf)).toContain('90f138c1-f578-4ac3-8c49-eecfd847c8b7');
});
