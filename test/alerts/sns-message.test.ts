import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../lib/alerts/aggregator.ts';
import type { Alert } from '../../lib/alerts/alert.ts';
import { packBatches } from '../../lib/alerts/batch-publisher.ts';
import { SNS_MAX_BYTES, toSnsMessage, type SnsMessage } from '../../lib/alerts/sns-message.ts';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { bitsEvent, match, rule, S3_OBJECT } from './support/fixtures.ts';

function alertWith(fields: Record<string, FieldValue>, count = 1, maxEventsPerAlert = 10): Alert {
  const aggregator = createAggregator(S3_OBJECT, { grouping: 'object-rule-host', maxEventsPerAlert });
  for (let i = 0; i < count; i++) aggregator.add(match(i, { event: { ...bitsEvent(fields), raw: { big: fields } } }));
  return aggregator.alerts()[0]!;
}

function parts(message: SnsMessage) {
  const structure = JSON.parse(message.message) as { default: string; email: string };
  return { finding: JSON.parse(structure.default) as any, email: structure.email };
}

describe('SNS message', () => {
  it('is a MessageStructure json body with the OCSF finding as default and text as email', () => {
    const message = toSnsMessage(alertWith({}));
    expect(Object.keys(JSON.parse(message.message))).toEqual(['default', 'email']);
    expect(parts(message).finding.class_uid).toBe(2004);
    expect(parts(message).email).toContain('Why it matched');
    expect(message.trimmed).toBe(false);
    expect(message.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      severity_id: { DataType: 'Number', StringValue: '4' },
      rule_id: { DataType: 'String', StringValue: '90f138c1-f578-4ac3-8c49-eecfd847c8b7' },
      rule_title: { DataType: 'String', StringValue: 'BITS Transfer Job Download From Direct IP' },
      host: { DataType: 'String', StringValue: 'WS-0042.corp.example' },
      tactic: { DataType: 'String.Array', StringValue: '["persistence","execution"]' },
    });
  });

  it('counts message and attribute bytes the way SNS does', () => {
    const message = toSnsMessage(alertWith({ RemoteName: 'http://203.0.113.7/é' }));
    let attributes = 0;
    for (const [name, value] of Object.entries(message.attributes)) {
      attributes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
    }
    expect(message.size).toBe(Buffer.byteLength(message.message) + attributes);
  });

  it('trims an oversized alert to fit instead of dropping it, and says so', () => {
    const huge = `http://203.0.113.7/${'A'.repeat(300_000)}`;
    const message = toSnsMessage(alertWith({ RemoteName: huge, CommandLine: 'x'.repeat(200_000) }, 50));
    expect(message.size).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(message.trimmed).toBe(true);
    const { finding, email } = parts(message);
    expect(finding.count).toBe(50);
    expect(finding.unmapped.winsift.truncated).toBe(true);
    expect(finding.evidences[0].data.matched[1].value).toMatch(/^http:\/\/203\.0\.113\.7\/A+…\[truncated\]$/);
    expect(email).toContain('…[truncated]');
  });

  it('fits any alert: thousands of long fields, multi-byte text, deep raw events', () => {
    const fields: Record<string, FieldValue> = {};
    for (let i = 0; i < 2_000; i++) fields[`Field${i}`] = '漢'.repeat(200);
    const message = toSnsMessage(alertWith(fields, 10));
    expect(message.size).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(parts(message).finding.evidences[0].data.fields['winsift.truncated_fields']).toBeGreaterThan(1_900);
  });

  it('cuts deep nesting to a string instead of letting it multiply', () => {
    const nest = (depth: number): FieldValue => (depth === 0 ? 'leaf-value' : Array.from({ length: 10 }, () => nest(depth - 1)));
    const message = toSnsMessage(alertWith({ Payload: nest(5) }));
    expect(message.size).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(message.trimmed).toBe(true);
    const payload = parts(message).finding.evidences[0].data.fields.Payload;
    // Payload is 5 levels deep; from the third level down it is a cut JSON string.
    expect(Array.isArray(payload[0][0])).toBe(true);
    expect(payload[0][0][0]).toMatch(/^\[\["leaf-value",.*…\[truncated\]$/);
  });

  it('keeps a small alert whole', () => {
    const message = toSnsMessage(alertWith({ RemoteName: 'http://203.0.113.7/a.exe' }, 3));
    expect(parts(message).finding.evidences).toHaveLength(3);
    expect(parts(message).finding.evidences[0].data.raw).toEqual({ big: { RemoteName: 'http://203.0.113.7/a.exe' } });
  });
});

describe('PublishBatch packing', () => {
  const fake = (size: number, i: number): SnsMessage => ({ alertId: `a${i}`, message: '', subject: '', attributes: {}, size, trimmed: false });

  it('never puts more than 10 entries or more than 256 KiB in one request, and keeps order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: SNS_MAX_BYTES }), { maxLength: 60 }), (sizes) => {
        const messages = sizes.map(fake);
        const batches = packBatches(messages);
        for (const batch of batches) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(10);
          expect(batch.reduce((sum, m) => sum + m.size, 0)).toBeLessThanOrEqual(SNS_MAX_BYTES);
        }
        expect(batches.flat().map((m) => m.alertId)).toEqual(messages.map((m) => m.alertId));
      }),
    );
  });

  it('fills requests: 25 small messages take 3 requests, 4 of 100 KiB take 2', () => {
    expect(packBatches(Array.from({ length: 25 }, (_, i) => fake(1_000, i))).map((b) => b.length)).toEqual([10, 10, 5]);
    expect(packBatches(Array.from({ length: 4 }, (_, i) => fake(100 * 1024, i))).map((b) => b.length)).toEqual([2, 2]);
  });
});

describe('rule text in attributes', () => {
  it('is sanitised (invisible characters shown as escapes) and never empty', () => {
    const message = toSnsMessage({ ...alertWith({}), rule: rule({ title: '\u0007\n' }), host: 'H\u202eX' });
    expect(message.attributes['rule_title']?.StringValue).toBe('\\u{7}\\n');
    expect(message.attributes['host']?.StringValue).toBe('H\\u{202E}X');
    expect(toSnsMessage({ ...alertWith({}), rule: rule({ title: '  ' }) }).attributes['rule_title']?.StringValue).toBe('-');
  });
});
