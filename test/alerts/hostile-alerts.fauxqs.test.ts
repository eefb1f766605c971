/**
 * Issue 16 row 4 end to end: an object whose events include one with a 130,000-character
 * `Computer`, and one that cannot be rendered at all, still delivers every alert through SNS
 * (fauxqs, real SDK): the odd ones bounded or minimal, the other host's untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnsSinkFactory, type SnsDeliveryReport } from '../../lib/alerts/sns-sink.ts';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { alertBody, emailBody, startFauxAws, type FauxAws } from './support/fauxqs-env.ts';
import { bitsEvent, match, rule, S3_OBJECT, summary } from './support/fixtures.ts';

let aws: FauxAws;
beforeAll(async () => {
  aws = await startFauxAws();
});
afterAll(async () => {
  await aws?.stop();
});

describe('one bad record never costs the other alerts of the object', () => {
  it('a huge host and an unrenderable event: every alert is delivered, the odd one degraded and counted', async () => {
    const topicArn = await aws.createTopic('alerts-hostile');
    const queueUrl = await aws.subscribeQueue(topicArn, 'hostile-all');
    const reports: SnsDeliveryReport[] = [];
    const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, retry: { sleep: async () => {} }, onReport: (r) => reports.push(r) })(S3_OBJECT);
    const hugeHost = `EVIL-${'A'.repeat(130_000)}`;
    await sink.add(match(0, { event: bitsEvent({ Computer: hugeHost }) }));
    await sink.add(match(1, { event: bitsEvent({ Computer: 'WS-0042.corp.example' }) }));
    await sink.add(match(2, { rule: rule({ id: 'other-rule', title: 'Other rule' }), event: bitsEvent({ Computer: 'WS-7.corp.example', Odd: 7n as unknown as FieldValue }) }));
    const report = (await sink.finish(summary(S3_OBJECT.uri, 3))) as SnsDeliveryReport;

    expect(report).toMatchObject({ alerts: 3, delivered: 3, failed: 0, degraded: 1 });
    expect(report.degradedReasons[0]?.reason).toMatch(/BigInt/);
    expect(reports).toHaveLength(1);

    const received = await aws.drain(queueUrl);
    expect(received).toHaveLength(3);
    const byHost = new Map(received.map((e) => [String((alertBody(e)['device'] as { hostname: string }).hostname).slice(0, 20), e]));
    const normal = byHost.get('WS-0042.corp.example')!;
    expect((alertBody(normal)['evidences'] as unknown[]).length).toBe(1);
    expect(normal.Subject).toBe('[HIGH] BITS Transfer Job Download From Direct IP on WS-0042.corp.example');

    const huge = [...byHost.entries()].find(([h]) => h.startsWith('EVIL-'))![1];
    expect(huge.Message.length).toBeLessThan(256 * 1024);
    expect(emailBody(huge)).toContain('…[truncated]');

    const minimal = alertBody(byHost.get('WS-7.corp.example')!);
    expect((minimal['unmapped'] as any).winsift.degraded).toMatch(/rendering failed/);
  });
});
