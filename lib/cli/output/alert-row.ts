/**
 * One alert as a person reads it (table, CSV, timeline, HTML report): flat, every string
 * sanitised (lib/alerts/sanitise.ts) and bounded, so attacker-written event data can neither
 * steer a terminal nor blow up a report. Machine formats (JSONL, OCSF) use the alert itself.
 */
import type { Alert } from '../../alerts/alert.ts';
import { attackRefs } from '../../alerts/attack-tags.ts';
import { eventHost, eventTime, eventTimeMs } from '../../alerts/event-facts.ts';
import { displayValue } from '../../alerts/sanitise.ts';
import type { Level } from '../../rules/rule.ts';

export interface AlertRow {
  readonly id: string;
  readonly level: Level;
  /**
   * Time of the (first) event, when it had one: ISO 8601 in UTC, or, when the log gave no zone
   * (NXLog's EventTime), the text as written followed by ` (zone unknown)`.
   */
  readonly time?: string;
  /** Epoch ms, only when the time has a zone (a zone-less one is never guessed). */
  readonly timeMs?: number;
  readonly file: string;
  /** 0-based record index of the first event in its file. */
  readonly index: number;
  /** Matches folded into this alert (1 with `--group event`). */
  readonly count: number;
  readonly host: string;
  readonly ruleId: string;
  readonly title: string;
  readonly author: string;
  readonly tags: readonly string[];
  readonly techniques: readonly { readonly uid: string; readonly url: string }[];
  readonly tactics: readonly { readonly name: string; readonly url?: string }[];
  readonly channel?: string;
  readonly eventId?: string;
  /** Why the (first) event matched: each field, its value and the test that held. */
  readonly why: readonly { readonly field: string; readonly value: string; readonly test: string }[];
}

/** Longest value kept per evidence item; the JSONL output keeps the exact value. */
const MAX_VALUE = 240;
const MAX_EVIDENCE = 8;

export function toAlertRow(alert: Alert): AlertRow {
  const first = alert.matches[0];
  const event = first?.event;
  const time = event ? eventTime(event) : undefined;
  const timeMs = event ? eventTimeMs(event) : undefined;
  const refs = attackRefs(alert.rule.tags);
  const channel = event?.fields['Channel'];
  const eventId = event?.fields['EventID'];
  return {
    id: alert.id,
    level: alert.rule.level,
    ...(time === undefined ? {} : { time: displayValue(time, 80) }),
    ...(timeMs === undefined ? {} : { timeMs }),
    file: displayValue(alert.object.uri, 1000),
    index: first?.source.index ?? 0,
    count: alert.count,
    host: displayValue(event ? eventHost(event) : alert.host, 255),
    ruleId: displayValue(alert.rule.id, 100),
    title: displayValue(alert.rule.title, 200),
    author: displayValue(alert.rule.author, 200),
    tags: alert.rule.tags.slice(0, 30).map((t) => displayValue(t, 80)),
    techniques: refs.techniques,
    tactics: refs.tactics.map((t) => ({ name: t.name, ...(t.url ? { url: t.url } : {}) })),
    ...(typeof channel === 'string' ? { channel: displayValue(channel, 120) } : {}),
    ...(eventId === undefined || eventId === null ? {} : { eventId: displayValue(eventId, 20) }),
    why: (first?.evidence ?? []).slice(0, MAX_EVIDENCE).map((e) => ({
      field: displayValue(e.field, 80),
      value: displayValue(e.value, MAX_VALUE),
      test: displayValue(e.test, 120),
    })),
  };
}

/** `RemoteName contains "http://1" (http://45.77.165.21/x.exe); ...` on one line. */
export function whyText(row: AlertRow): string {
  return orderedWhy(row)
    .map((w) => (w.test.includes(w.value) ? `${w.field} ${w.test}` : `${w.field} ${w.test} (${w.value})`))
    .join('; ');
}

/** The evidence with the telling fields first: the routing ones (EventID, Channel) say little. */
export function orderedWhy(row: AlertRow): AlertRow['why'] {
  const routing = (w: AlertRow['why'][number]) => (ROUTING_FIELDS.has(w.field) ? 1 : 0);
  return [...row.why].sort((a, b) => routing(a) - routing(b));
}

const ROUTING_FIELDS = new Set(['EventID', 'Channel', 'Provider_Name', 'event.code', 'event.category', 'winlog.channel']);

export function attackText(row: AlertRow): string {
  return [...row.techniques.map((t) => t.uid), ...row.tactics.map((t) => t.name)].join(' ');
}
