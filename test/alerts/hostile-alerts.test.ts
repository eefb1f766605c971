/**
 * Issue 16 row 4: one bad record or field never costs other alerts. Every rendered field is
 * bounded (render-limits.ts FIELD_CAPS and TRIM_STEPS), every message fits SNS, and an alert that
 * cannot be rendered in full goes out as a minimal alert that says why.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../lib/alerts/aggregator.ts';
import type { Alert } from '../../lib/alerts/alert.ts';
import { FIELD_CAPS } from '../../lib/alerts/render-limits.ts';
import { TRUNCATION_MARKER } from '../../lib/alerts/sanitise.ts';
import { minimalSnsMessage, SNS_MAX_BYTES, toSnsMessage, type SnsMessage } from '../../lib/alerts/sns-message.ts';
import type { FieldValue } from '../../lib/events/win-event.ts';
import type { RuleMeta } from '../../lib/rules/rule.ts';
import { bitsEvent, match, rule, S3_OBJECT } from './support/fixtures.ts';

function alertOf(fields: Record<string, FieldValue>, options: { count?: number; rule?: RuleMeta } = {}): Alert {
  const aggregator = createAggregator(S3_OBJECT, { grouping: 'object-rule-host', maxEventsPerAlert: 10 });
  for (let i = 0; i < (options.count ?? 1); i++) aggregator.add(match(i, { event: { ...bitsEvent(fields), raw: { big: fields } }, ...(options.rule ? { rule: options.rule } : {}) }));
  return aggregator.alerts()[0]!;
}

function parts(message: SnsMessage) {
  const structure = JSON.parse(message.message) as { default: string; email: string };
  return { finding: JSON.parse(structure.default) as any, email: structure.email };
}

/** SNS's attribute limits: the value counts against the message, names at most 256 characters, no empty value. */
function expectValidAttributes(message: SnsMessage): void {
  for (const [name, value] of Object.entries(message.attributes)) {
    expect(name.length).toBeLessThanOrEqual(256);
    expect(value.StringValue?.length ?? 0).toBeGreaterThan(0);
    expect(value.StringValue?.length ?? 0).toBeLessThanOrEqual(300);
    // Valid XML characters only (what SNS accepts in a String attribute): no controls, no lone surrogates.
    expect(value.StringValue).toMatch(/^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u);
  }
}

describe('a huge Computer (130,000 characters) no longer breaks the alert', () => {
  const host = `WS-${'A'.repeat(130_000)}`;
  const message = toSnsMessage(alertOf({ Computer: host, CommandLine: 'c'.repeat(100_000) }, { count: 10 }));

  it('fits SNS, is not degraded, and shows the host cut with a visible marker', () => {
    expect(message.size).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(message.degraded).toBeUndefined();
    const { finding, email } = parts(message);
    expect(finding.device.hostname).toHaveLength(FIELD_CAPS.host);
    expect(finding.device.hostname.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(email.split('\n').find((l) => l.startsWith('Host:'))!.length).toBeLessThan(FIELD_CAPS.host + 20);
    expect(message.subject.length).toBeLessThan(100);
    expect(message.attributes['host']!.StringValue!.endsWith(TRUNCATION_MARKER)).toBe(true);
    expectValidAttributes(message);
  });
});

describe('every field of the rule and object is bounded too', () => {
  it('a rule with a huge title, description, references and triage still fits in full detail where it can', () => {
    const big = rule({
      id: 'x'.repeat(10_000),
      title: 'T'.repeat(100_000),
      description: 'd'.repeat(500_000),
      author: 'a'.repeat(100_000),
      references: Array.from({ length: 5_000 }, (_, i) => `https://example.com/${i}/${'r'.repeat(2_000)}`),
      triage: Array.from({ length: 5_000 }, () => 's'.repeat(2_000)),
      tags: Array.from({ length: 5_000 }, (_, i) => `attack.t${1000 + i}`),
    });
    const message = toSnsMessage(alertOf({}, { rule: big }));
    expect(message.size).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expectValidAttributes(message);
    const { finding } = parts(message);
    expect(finding.finding_info.title.length).toBeLessThanOrEqual(FIELD_CAPS.ruleTitle);
    expect(finding.unmapped.winsift.rule.references.length).toBeLessThanOrEqual(FIELD_CAPS.listItems + 1);
  });

  it('any alert, however odd, becomes a message within the limit: never a throw', () => {
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.nat({ max: 100_000 }).map((n) => '漢\u202e\u0000'.repeat(n)));
    fc.assert(
      fc.property(
        text,
        text,
        fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 6 }),
        fc.constantFrom(SNS_MAX_BYTES, 64 * 1024, 8 * 1024),
        (host, title, fields, limit) => {
          const alert = { ...alertOf({ ...fields, Computer: host }), rule: rule({ title }), host };
          const message = toSnsMessage(alert, limit);
          expect(message.size).toBeLessThanOrEqual(limit);
          expectValidAttributes(message);
          expect(parts(message).finding.class_uid).toBe(2004);
        },
      ),
      { numRuns: 25 },
    );
    // Megabyte values rendered 25 times: CPU-bound, so give a shared 2-core machine room.
  }, 180_000);
});

describe('an alert that cannot be rendered goes out minimal, saying why', () => {
  it('rendering that throws (a value JSON cannot write) gives the minimal alert', () => {
    const alert = alertOf({ Weird: 10n as unknown as FieldValue });
    const message = toSnsMessage(alert);
    expect(message.degraded).toMatch(/rendering failed: .*BigInt/);
    const { finding, email } = parts(message);
    expect(finding).toMatchObject({ class_uid: 2004, severity_id: 4, count: 1, device: { hostname: 'WS-0042.corp.example' } });
    expect(finding.unmapped.winsift).toMatchObject({ alert_id: alert.id, event_indexes: [0], degraded: message.degraded });
    // Attribution survives (DRL 1.1), and the reader is told where the events are.
    expect(finding.unmapped.winsift.rule.author).toBe('Nasreddine Bencherchali (Nextron Systems)');
    expect(email).toContain('could not be rendered in full');
    expect(email).toContain(S3_OBJECT.uri);
    expect(message.attributes['severity']!.StringValue).toBe('high');
  });

  it('a limit the full alert cannot meet even fully trimmed gives the minimal alert', () => {
    const message = toSnsMessage(alertOf({}), 3_000);
    expect(message.degraded).toMatch(/bytes even fully trimmed; limit 3000/);
    expect(message.size).toBeLessThanOrEqual(3_000);
  });

  it('the minimal alert is itself bounded, whatever the alert holds', () => {
    const alert = { ...alertOf({}, { count: 10 }), host: 'H'.repeat(1_000_000), rule: rule({ title: 'T'.repeat(1_000_000), author: 'a'.repeat(1_000_000) }) };
    const message = minimalSnsMessage(alert, 'r'.repeat(1_000_000));
    expect(message.size).toBeLessThan(8 * 1024);
  });
});
