/**
 * Routing by subscription filter policies on our message attributes, through fauxqs's SNS filter
 * implementation (attribute scope, the SNS default). This checks our attributes and the
 * policies we document; whether real SNS filters attributes on MessageStructure json publishes
 * is a documentation reading (see lib/alerts/message-attributes.ts), not something fauxqs shows.
 *
 * Not covered here: `{"tactic": ["persistence"]}` against our String.Array `tactic` attribute.
 * SNS matches a String.Array attribute when any element matches (the SNS docs' example policies);
 * fauxqs 2.4 compares the whole JSON string instead, so such a policy matches nothing there.
 * The attribute's exact value is checked in sns-message.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnsSinkFactory } from '../../lib/alerts/sns-sink.ts';
import { LEVELS } from '../../lib/rules/rule.ts';
import { startFauxAws, type FauxAws } from './support/fauxqs-env.ts';
import { bitsEvent, match, rule, S3_OBJECT, summary } from './support/fixtures.ts';

let aws: FauxAws;
beforeAll(async () => {
  aws = await startFauxAws();
});
afterAll(async () => {
  await aws?.stop();
});

describe('subscription filter policies on alert attributes', () => {
  it('route by severity, tactic, numeric severity and host', async () => {
    const topicArn = await aws.createTopic('routing');
    const queues = {
      all: await aws.subscribeQueue(topicArn, 'r-all'),
      oncall: await aws.subscribeQueue(topicArn, 'r-oncall', { severity: ['high', 'critical'] }),
      numeric: await aws.subscribeQueue(topicArn, 'r-numeric', { severity_id: [{ numeric: ['>=', 4] }] }),
      untagged: await aws.subscribeQueue(topicArn, 'r-untagged', { tactic: [{ exists: false }] }),
      dcs: await aws.subscribeQueue(topicArn, 'r-dcs', { host: [{ prefix: 'DC-' }] }),
      oneRule: await aws.subscribeQueue(topicArn, 'r-one-rule', { rule_id: ['rule-medium'] }),
    };

    const sink = createSnsSinkFactory({ sns: aws.sns, topicArn, retry: { sleep: async () => {} } })(S3_OBJECT);
    let index = 0;
    for (const level of LEVELS) {
      // Each level's rule tagged persistence, except informational which carries no ATT&CK tag.
      const tags = level === 'informational' ? [] : ['attack.persistence', 'attack.t1197'];
      await sink.add(match(index++, { rule: rule({ id: `rule-${level}`, title: `Rule ${level}`, level, tags }) }));
    }
    await sink.add(match(index++, { rule: rule({ id: 'rule-exec', title: 'Rule exec', level: 'critical', tags: ['attack.execution'] }), event: bitsEvent({ Computer: 'DC-01' }) }));
    await sink.finish(summary());

    const titles = async (queueUrl: string) => (await aws.drain(queueUrl)).map((e) => e.Subject).sort();
    expect(await titles(queues.all)).toHaveLength(6);
    expect(await titles(queues.oncall)).toEqual([
      '[CRITICAL] Rule critical on WS-0042.corp.example',
      '[CRITICAL] Rule exec on DC-01',
      '[HIGH] Rule high on WS-0042.corp.example',
    ]);
    expect(await titles(queues.numeric)).toHaveLength(3);
    expect(await titles(queues.untagged)).toEqual(['[INFORMATIONAL] Rule informational on WS-0042.corp.example']);
    expect(await titles(queues.dcs)).toEqual(['[CRITICAL] Rule exec on DC-01']);
    expect(await titles(queues.oneRule)).toEqual(['[MEDIUM] Rule medium on WS-0042.corp.example']);
  });
});
