/**
 * `--format jsonl`: one JSON object per alert (per match with `--group event`, the default for
 * jsonl). It extends the match line of lib/alerts/match-line.ts (`rule`, `source`, `event`,
 * exact values) with why it matched and what the rule says about ATT&CK.
 */
import type { Alert } from '../../alerts/alert.ts';
import { attackRefs } from '../../alerts/attack-tags.ts';
import { eventTime } from '../../alerts/event-facts.ts';
import { toMatchLine } from '../../alerts/match-line.ts';
import type { RuleMeta } from '../../rules/rule.ts';

export function toAlertLine(alert: Alert): Record<string, unknown> {
  const first = alert.matches[0];
  if (!first) throw new Error(`alert ${alert.id} has no match`);
  const line = toMatchLine(first);
  const attack = attackOf(alert.rule);
  const time = eventTime(first.event);
  return {
    rule: {
      ...line.rule,
      tags: alert.rule.tags,
      attack,
      ...(alert.rule.license ? { license: alert.rule.license } : {}),
    },
    source: line.source,
    event: line.event,
    evidence: first.evidence.map((e) => ({ field: e.field, value: e.value, test: e.test })),
    host: alert.host,
    ...(time === undefined ? {} : { time }),
    id: alert.id,
    count: alert.count,
    indexes: alert.matches.map((m) => m.source.index),
  };
}

/** A rule's ATT&CK ids and tactic names, read from its tags once per rule. */
const attackByRule = new WeakMap<RuleMeta, { techniques: string[]; tactics: string[] }>();

function attackOf(rule: RuleMeta): { techniques: string[]; tactics: string[] } {
  let attack = attackByRule.get(rule);
  if (attack === undefined) {
    const refs = attackRefs(rule.tags);
    attack = { techniques: refs.techniques.map((t) => t.uid), tactics: refs.tactics.map((t) => t.name) };
    attackByRule.set(rule, attack);
  }
  return attack;
}

/** JSON.stringify escapes every control character, so event data can never split a line. */
export function formatAlertLine(alert: Alert): string {
  return `${JSON.stringify(toAlertLine(alert))}\n`;
}
