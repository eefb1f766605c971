/**
 * The alert path with real parts upstream: the shipped Winlogbeat sample, real ingest, the
 * bundled rule pack and its explanations, through the SNS sink to an SQS subscriber. Checks that
 * what real matches become is valid OCSF and a readable email, not only what fixtures become.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createSnsSinkFactory } from '../../lib/alerts/sns-sink.ts';
import { seedRuleFiles } from '../../lib/rules/bundled.ts';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';

// The seed rules by name: what a user adds to rules/ does not change these tests.
const loadBundledPack = () => loadRulePack(seedRuleFiles(), { name: 'bundled' });
import { scanStream } from '../../lib/scan/scan-stream.ts';
import { alertBody, emailBody, startFauxAws, type FauxAws } from './support/fauxqs-env.ts';
import { validate, type Schema } from './support/json-schema.ts';

const SAMPLE = fileURLToPath(new URL('../../samples/winlogbeat-bits.ndjson', import.meta.url));
const schema = JSON.parse(readFileSync(new URL('./support/ocsf-detection-finding.schema.json', import.meta.url), 'utf8')) as Schema;

let aws: FauxAws;
beforeAll(async () => {
  aws = await startFauxAws();
});
afterAll(async () => {
  await aws?.stop();
});

describe('bundled rules over the shipped sample, to SNS', () => {
  it('every alert is a valid OCSF finding with an email naming the matched field', async () => {
    const topicArn = await aws.createTopic('bundled');
    const queueUrl = await aws.subscribeQueue(topicArn, 'bundled-all');
    const pack = loadBundledPack();
    expect(pack.errors).toEqual([]);
    const object = { bucket: 'logs', key: 'winlogbeat/bits.ndjson', etag: 'e-1' };
    const uri = 's3://logs/winlogbeat/bits.ndjson';
    const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, grouping: 'event', retry: { sleep: async () => {} } })({ ...object, uri });

    const result = await scanStream(createReadStream(SAMPLE), { uri, detector: pack.detector, sink, object });
    expect(result.summary.matches).toBeGreaterThan(0);
    expect(result.delivery).toMatchObject({ delivered: result.summary.matches, failed: 0 });

    const received = await aws.drain(queueUrl);
    expect(received).toHaveLength(result.summary.matches);
    for (const envelope of received) {
      const finding = alertBody(envelope) as any;
      expect(validate(schema, finding), finding.finding_info?.title).toEqual([]);
      expect(finding.unmapped.winsift.source).toEqual({ bucket: 'logs', key: 'winlogbeat/bits.ndjson', etag: 'e-1', uri });
      expect(finding.finding_info.analytic.uid).toBe(finding.unmapped.winsift.rule.id);
      const email = emailBody(envelope) ?? '';
      expect(email).toMatch(/^\s+RemoteName = "http/m);
      expect(email).toContain(`Author:  ${finding.unmapped.winsift.rule.author}`);
      expect(envelope.Subject).toMatch(/^\[(HIGH|MEDIUM)\] .+ on [A-Z0-9-]+\.corp\.example$/);
    }
  });
});
