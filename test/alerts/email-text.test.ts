import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAggregator, DEFAULT_AGGREGATION } from '../../lib/alerts/aggregator.ts';
import type { Alert } from '../../lib/alerts/alert.ts';
import { emailSubject, emailText } from '../../lib/alerts/email-text.ts';
import type { RuleMeta } from '../../lib/rules/rule.ts';
import type { WinEvent } from '../../lib/events/win-event.ts';
import { bitsEvent, match, rule, S3_OBJECT } from './support/fixtures.ts';

function alertOf(count: number, r: RuleMeta = rule(), event: WinEvent = bitsEvent()): Alert {
  const aggregator = createAggregator({ ...S3_OBJECT, versionId: '3HL4kqtJlcpXroDTDmJ' }, DEFAULT_AGGREGATION);
  for (let i = 0; i < count; i++) aggregator.add(match(i + 100, { rule: r, event }));
  return aggregator.alerts()[0]!;
}

describe('email subject', () => {
  it('reads [LEVEL] title on host', () => {
    expect(emailSubject(alertOf(1))).toBe('[HIGH] BITS Transfer Job Download From Direct IP on WS-0042.corp.example');
    expect(emailSubject(alertOf(37))).toBe('[HIGH] BITS Transfer Job Download From Direct IP on WS-0042.corp.example (x37)');
  });

  it('is printable ASCII, under 100 characters, and keeps level and host, whatever the title and host', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 160 }), fc.string({ unit: 'binary', maxLength: 160 }), fc.integer({ min: 1, max: 3 }), (title, host, count) => {
        const subject = emailSubject(alertOf(count, rule({ title, level: 'critical' }), bitsEvent({ Computer: host })));
        expect(subject).toMatch(/^\[CRITICAL\] [\x20-\x7e]*$/);
        expect(subject.length).toBeLessThan(100);
        expect(subject).toMatch(/ on [\x21-\x7e]/);
        expect(subject).not.toMatch(/\s$/);
      }),
      { numRuns: 100 },
    );
  });

  it('cannot be used to inject headers or reorder text', () => {
    const subject = emailSubject(alertOf(1, rule(), bitsEvent({ Computer: 'HOST\r\nBcc: v@x.io\u202egnp.exe' })));
    expect(subject).toBe('[HIGH] BITS Transfer Job Download From Direct IP on HOST\\r\\nBcc: v@x.io\\u{202E}gnp.exe');
  });
});

describe('email text', () => {
  const triaged = rule({
    triage: ['Examine the BITS job and its remote URL', 'Block the IP at the proxy'],
    references: ['https://isc.sans.edu/diary/22264', 'https://lolbas-project.github.io/lolbas/Binaries/Bitsadmin/'],
  });

  it('has what a reader needs, in the order they need it', () => {
    const text = emailText(alertOf(14, triaged));
    const order = [
      'HIGH: BITS Transfer Job Download From Direct IP',
      'Host:     WS-0042.corp.example',
      'Time:     2024-05-01T10:20:30.000Z',
      'Severity: high',
      'Matches:  14 events in this object matched this rule on this host (first 10 shown)',
      'Why it matched',
      '  event 100:',
      '    RemoteName = "http://203.0.113.7/payload.exe"',
      '      - contains "http://2"',
      '  ... and 4 more matching events',
      'What the rule looks for',
      'Detects a BITS transfer job downloading file(s) from a direct IP address.',
      'Triage',
      '  1. Examine the BITS job and its remote URL',
      '  2. Block the IP at the proxy',
      'MITRE ATT&CK',
      '  T1197  https://attack.mitre.org/techniques/T1197/',
      '  Persistence  https://attack.mitre.org/tactics/TA0003/',
      'Where',
      `  ${S3_OBJECT.uri}`,
      '  version: 3HL4kqtJlcpXroDTDmJ',
      '  event index: 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, ...',
      'Author:  Nasreddine Bencherchali (Nextron Systems)',
      'License: DRL-1.1',
      'Ref:     https://isc.sans.edu/diary/22264',
      'Alert id: ws-',
    ];
    let at = 0;
    for (const piece of order) {
      const found = text.indexOf(piece, at);
      expect(found, `"${piece}" after offset ${at}`).toBeGreaterThanOrEqual(0);
      at = found + piece.length;
    }
  });

  it('shows a field once with every test it passed', () => {
    const aggregator = createAggregator(S3_OBJECT, DEFAULT_AGGREGATION);
    const m = match(5);
    aggregator.add({
      ...m,
      evidence: [
        { field: 'EventID', value: 16403, test: 'equals 16403' },
        { field: 'RemoteName', value: 'http://203.0.113.7/payload.exe', test: 'contains "http://2"' },
        { field: 'RemoteName', value: 'http://203.0.113.7/payload.exe', test: 'not (contains "://10.")' },
      ],
    });
    const text = emailText(aggregator.alerts()[0]!);
    expect(text).toContain(
      ['    EventID = 16403', '      - equals 16403', '    RemoteName = "http://203.0.113.7/payload.exe"', '      - contains "http://2"', '      - not (contains "://10.")'].join('\n'),
    );
  });

  it('gives the time span of a folded alert', () => {
    const aggregator = createAggregator(S3_OBJECT, DEFAULT_AGGREGATION);
    aggregator.add(match(1, { event: bitsEvent({ TimeCreated_SystemTime: '2024-05-01T10:00:00Z' }) }));
    aggregator.add(match(2, { event: bitsEvent({ TimeCreated_SystemTime: '2024-05-01T11:30:00Z' }) }));
    expect(emailText(aggregator.alerts()[0]!)).toContain('Time:     2024-05-01T10:00:00.000Z (last shown: 2024-05-01T11:30:00.000Z)');
  });

  it('leaves out sections the rule has nothing for', () => {
    const text = emailText(alertOf(1, rule({ triage: [], tags: [], description: '' })));
    expect(text).not.toContain('Triage');
    expect(text).not.toContain('MITRE ATT&CK');
    expect(text).not.toContain('What the rule looks for');
    expect(text).toContain('Matches:  1 event');
  });

  it('shows attacker-controlled values on one line each, without control characters', () => {
    const evil = 'http://198.51.100.9/x\r\n\r\nAll clear, no action needed.\u001b[8m\u202e';
    const text = emailText(alertOf(1, rule(), bitsEvent({ RemoteName: evil, Computer: 'PC\nFAKE: line' })));
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text.split('\n').filter((l) => l.startsWith('All clear'))).toEqual([]);
    expect(text).toContain('RemoteName = "http://198.51.100.9/x\\r\\n\\r\\nAll clear, no action needed.\\u{1B}[8m\\u{202E}"\n');
    expect(text).toContain('Host:     PC\\nFAKE: line');
  });

  it('bounds a huge value', () => {
    const text = emailText(alertOf(1, rule(), bitsEvent({ RemoteName: `http://203.0.113.1/${'A'.repeat(100_000)}` })));
    expect(text.length).toBeLessThan(5_000);
    expect(text).toContain('…[truncated]');
  });
});
