/**
 * Foundation end to end: an S3 object of Winlogbeat events lands, S3 notifies the scan function
 * (real-shaped event, URL-encoded key with a space), the real handler streams the object from
 * S3, matches the bundled rules and publishes to SNS; the alerts are read back from a queue
 * subscribed to the topic. Local AWS is fauxqs on 127.0.0.1, reached by the real AWS SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvocationSummary } from '../../lib/invocation/responses.ts';
import { seedRuleFiles } from '../../lib/rules/bundled.ts';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';
import { s3Notification, s3TestEvent } from './aws-events.ts';
import { lambdaContext, ruleOf, startHarness, type Harness } from './fauxqs-harness.ts';
import { bits16403, gzipLines } from './winlogbeat-events.ts';

const DIRECT_IP = '90f138c1-f578-4ac3-8c49-eecfd847c8b7';
const UNCOMMON_TLD = '6d44fb93-e7d2-475c-9d3d-54c9c1e33427';
const DATADOG_DIRECT_IP = '3f0b3b8e-5d0c-4c55-9a0e-6f1b7a3c2d41';
// The function runs everything in rules/; these tests judge the seed rules, whatever a user added.
const SEED_IDS = new Set(loadRulePack(seedRuleFiles()).detector.rules.map((r) => r.id));
const bucket = 'corp-winlogs';
const key = 'winlogbeat/dt=20261124/WS01 bits-client.ndjson.gz';

let aws: Harness;
let handler: (typeof import('../../functions/scan/index.ts'))['handler'];

beforeAll(async () => {
  aws = await startHarness();
  await aws.createBucket(bucket);
  // Imported after the environment is set: the function reads it at cold start, as in Lambda.
  ({ handler } = await import('../../functions/scan/index.ts'));
});
afterAll(async () => aws?.stop());

describe('S3 notification -> scan function -> SNS', () => {
  it('publishes an alert for the malicious 16403 event and none for the benign one', async () => {
    const malicious = bits16403('http://45.77.12.3/stage2/update.exe', 'WS01.corp.example');
    const benign = bits16403('https://download.windowsupdate.com/c/msdownload/update/kb5034441.cab', 'WS02.corp.example');
    await aws.put(bucket, key, gzipLines([benign, malicious, benign]));

    const event = s3Notification([{ bucket, key, size: 1 }]);
    expect(event.Records[0]?.s3.object.key).toBe('winlogbeat/dt%3D20261124/WS01+bits-client.ndjson.gz');
    const summary = (await handler(event, lambdaContext())) as InvocationSummary;

    expect(summary).toMatchObject({ shape: 's3-notification', objects: 1, byStatus: { matched: 1 }, events: 3 });
    expect(summary.reports[0]?.uri).toBe(`s3://${bucket}/${key}`);
    const all = await aws.drainAlerts();
    expect(summary.alertsDelivered).toBe(all.length);
    const alerts = all.filter((a) => SEED_IDS.has(ruleOf(a)));
    const rules = alerts.map(ruleOf).sort();
    // The three BITS rules fire on the direct-IP download, once each; the windowsupdate.com job raises nothing.
    expect(rules).toEqual([DATADOG_DIRECT_IP, DIRECT_IP, UNCOMMON_TLD].sort());
    for (const alert of alerts) {
      expect(JSON.stringify(alert)).toContain('45.77.12.3');
      expect(JSON.stringify(alert)).not.toContain('windowsupdate.com');
    }
  });

  it('does not alert twice when S3 delivers the same notification again', async () => {
    const summary = (await handler(s3Notification([{ bucket, key, size: 1 }]), lambdaContext())) as InvocationSummary;
    expect(summary.byStatus).toEqual({ matched: 1 });
    expect(summary.alertsDelivered).toBe(0);
    expect(await aws.drainAlerts()).toEqual([]);
  });

  it('skips s3:TestEvent and folder markers without touching S3', async () => {
    const test = (await handler(s3TestEvent(bucket), lambdaContext())) as InvocationSummary;
    expect(test.byStatus).toEqual({ skipped: 1 });
    const marker = (await handler(s3Notification([{ bucket, key: 'winlogbeat/dt=20261125/', size: 0 }]), lambdaContext())) as InvocationSummary;
    expect(marker.byStatus).toEqual({ skipped: 1 });
  });

  it('rethrows when an object cannot be scanned, naming it, so Lambda retries', async () => {
    await aws.put(bucket, 'winlogbeat/broken.ndjson.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]));
    const event = s3Notification([
      { bucket, key: 'winlogbeat/missing object.ndjson.gz', size: 10 },
      { bucket, key: 'winlogbeat/broken.ndjson.gz', size: 12 },
    ]);
    await expect(handler(event, lambdaContext())).rejects.toThrow(
      /2 of 2 object\(s\) not scanned: s3:\/\/corp-winlogs\/winlogbeat\/missing object\.ndjson\.gz \(failed: NoSuchKey.*s3:\/\/corp-winlogs\/winlogbeat\/broken\.ndjson\.gz \(failed/,
    );
  });
});
