/**
 * The plain-text alert for an inbox, written to be understood in ten seconds: what fired, how
 * bad, where and when first; then why it matched, what the rule is about, what to do, and where
 * the data lives. Every value from an event (attacker-controlled) or a rule file is sanitised.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { Evidence } from '../rules/rule.ts';
import type { Alert } from './alert.ts';
import { attackRefs } from './attack-tags.ts';
import { eventTime } from './event-facts.ts';
import { FULL, type RenderLimits } from './render-limits.ts';
import { displayValue, sanitiseLine, toAsciiLine, truncate } from './sanitise.ts';

/** SNS: ASCII, no control characters, fewer than 100 characters. */
const SUBJECT_MAX = 99;

/** `[HIGH] BITS Transfer Job Download From Direct IP on HOST (x37)`, cut to fit with the host kept. */
export function emailSubject(alert: Alert): string {
  const level = `[${alert.rule.level.toUpperCase()}] `;
  const count = alert.count > 1 ? ` (x${alert.count})` : '';
  const host = truncate(toAsciiLine(alert.host) || 'unknown-host', 40, '...');
  const suffix = ` on ${host}${count}`;
  const room = Math.max(10, SUBJECT_MAX - level.length - suffix.length);
  const title = truncate(toAsciiLine(alert.rule.title) || `rule ${toAsciiLine(alert.rule.id)}`, room, '...');
  return truncate(`${level}${title}${suffix}`, SUBJECT_MAX, '...');
}

export function emailText(alert: Alert, limits: RenderLimits = FULL): string {
  const { rule, object } = alert;
  const first = alert.matches[0];
  const shown = alert.matches.slice(0, limits.maxEvents);
  const valueMax = Math.min(200, limits.maxValueChars);
  const lines: string[] = [];
  const line = (text = '') => lines.push(text);

  line(`${rule.level.toUpperCase()}: ${sanitiseLine(rule.title)}`);
  line(`Host:     ${sanitiseLine(alert.host)}`);
  const last = alert.matches.at(-1);
  const firstTime = first ? (eventTime(first.event) ?? 'unknown') : 'unknown';
  const lastTime = last && last !== first ? eventTime(last.event) : undefined;
  line(`Time:     ${firstTime}${lastTime && lastTime !== firstTime ? ` (last shown: ${lastTime})` : ''}`);
  line(`Severity: ${rule.level}`);
  line(
    alert.count > 1
      ? `Matches:  ${alert.count} events in this object matched this rule on this host (first ${shown.length} shown)`
      : 'Matches:  1 event',
  );
  line();

  line('Why it matched');
  for (const match of shown) {
    line(`  event ${match.source.index}${match === first ? '' : ` (${eventTime(match.event) ?? 'time unknown'})`}:`);
    if (match.evidence.length === 0) line('    (the rule matched; no field-level explanation available)');
    // One field often passes several tests (a selection and the filters it escaped): the value
    // is shown once, the tests under it.
    const byField = groupByField(match.evidence);
    for (const [field, items] of byField) {
      line(`    ${sanitiseLine(field)} = ${quote(items[0]!.value, valueMax)}`);
      for (const e of items) line(`      - ${displayValue(e.test, TEST_MAX)}`);
    }
    // EQL on ECS: which host, user, process and file this is, beyond the tests that held.
    if (match.fields !== undefined) {
      const rest = Object.entries(match.fields).filter(([name]) => name.includes('.') || name.startsWith('@')).filter(([name]) => !byField.has(name));
      const room = Math.min(EVENT_FIELDS_MAX, limits.maxFieldsPerEvent);
      if (rest.length > 0) line('    event:');
      for (const [name, value] of rest.slice(0, room)) line(`      ${sanitiseLine(name)} = ${quote(value, valueMax)}`);
      if (rest.length > room) line(`      ... and ${rest.length - room} more fields`);
    }
  }
  if (alert.count > shown.length) line(`  ... and ${alert.count - shown.length} more matching events`);
  line();

  if (rule.description.trim() !== '') {
    line('What the rule looks for');
    line(`  ${displayValue(rule.description, 2000)}`);
    line();
  }

  if (rule.triage.length > 0) {
    line('Triage');
    rule.triage.forEach((step, i) => line(`  ${i + 1}. ${displayValue(step, 500)}`));
    line();
  }

  const attacks = attackRefs(rule.tags);
  if (attacks.tactics.length + attacks.techniques.length > 0) {
    line('MITRE ATT&CK');
    for (const t of attacks.techniques) line(`  ${t.uid}  ${t.url}`);
    for (const t of attacks.tactics) line(`  ${t.name}${t.url ? `  ${t.url}` : ''}`);
    line();
  }

  line('Where');
  line(`  ${displayValue(object.uri, 1024)}`);
  if (object.versionId !== undefined) line(`  version: ${displayValue(object.versionId, 1024)}`);
  if (object.etag !== undefined) line(`  etag:    ${displayValue(object.etag, 200)}`);
  line(`  event index: ${shown.map((m) => m.source.index).join(', ')}${alert.count > shown.length ? ', ...' : ''}`);
  line();

  line('Rule');
  line(`  ${sanitiseLine(rule.title)} (${sanitiseLine(rule.id)}, ${rule.language})`);
  line(`  Author:  ${displayValue(rule.author, 500)}`);
  line(`  License: ${displayValue(rule.license ?? 'see rule source', 100)}`);
  for (const ref of rule.references) line(`  Ref:     ${displayValue(ref, 500)}`);
  if (rule.pack !== undefined) line(`  Pack:    ${displayValue(rule.pack, 100)}`);
  line();
  line(`Alert id: ${alert.id}`);
  return lines.join('\n') + '\n';
}

/** ECS fields listed per event in an e-mail beside the evidence: identity and the rule's fields. */
const EVENT_FIELDS_MAX = 30;

/** Long enough for a real regex, short enough for an inbox. */
const TEST_MAX = 160;

function groupByField(evidence: readonly Evidence[]): Map<string, Evidence[]> {
  const byField = new Map<string, Evidence[]>();
  for (const e of evidence) {
    const list = byField.get(e.field);
    if (list) list.push(e);
    else byField.set(e.field, [e]);
  }
  return byField;
}

function quote(value: FieldValue, max: number): string {
  return typeof value === 'string' ? `"${displayValue(value, max)}"` : displayValue(value, max);
}
