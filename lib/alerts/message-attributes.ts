/**
 * Routing keys as SNS message attributes, so subscribers filter with a subscription filter policy
 * (`{"severity": ["high", "critical"]}` for the on-call inbox) and never parse the body.
 *
 * SNS documents that message attributes are *delivered* to endpoints only with the String message
 * structure, not with `MessageStructure: json`; filter policies with the default
 * `FilterPolicyScope: MessageAttributes` are evaluated by SNS against the attributes of the
 * Publish call. So we attach them on every publish for filtering, and the same keys are in the
 * `default` JSON body too (`severity_id`, `finding_info.analytic.uid`, `device.hostname`,
 * `unmapped.winsift`) for subscribers that must read or filter on the body
 * (`FilterPolicyScope: MessageBody`). Email subscriptions can only use attribute filters: the
 * email body is plain text.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { Alert } from './alert.ts';
import { attackRefs } from './attack-tags.ts';
import { severityId } from './ocsf-finding.ts';
import { sanitiseLine, truncate } from './sanitise.ts';

/** Attribute values are sanitised and bounded: they are echoed into SQS envelopes and consoles. */
const MAX_VALUE = 256;

export function messageAttributes(alert: Alert): Record<string, MessageAttributeValue> {
  const tactics = attackRefs(alert.rule.tags).tactics.map((t) => t.name.toLowerCase().replace(/ /g, '-'));
  const attributes: Record<string, MessageAttributeValue> = {
    severity: text(alert.rule.level),
    severity_id: { DataType: 'Number', StringValue: String(severityId(alert.rule.level)) },
    rule_id: text(alert.rule.id),
    rule_title: text(alert.rule.title),
    host: text(alert.host),
  };
  if (alert.rule.pack !== undefined) attributes['rule_pack'] = text(alert.rule.pack);
  // An empty String.Array would match nothing useful; a rule without tactics simply has no
  // `tactic` attribute, which `{"tactic": [{"exists": false}]}` selects.
  if (tactics.length > 0) attributes['tactic'] = { DataType: 'String.Array', StringValue: JSON.stringify(tactics) };
  return attributes;
}

/** SNS rejects empty attribute values, so an empty one becomes `-`. */
function text(value: string): MessageAttributeValue {
  const clean = truncate(sanitiseLine(value), MAX_VALUE);
  return { DataType: 'String', StringValue: clean === '' ? '-' : clean };
}

/** Bytes SNS counts for the attributes: each name, data type and value. */
export function attributesSize(attributes: Record<string, MessageAttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    if (value.StringValue !== undefined) size += Buffer.byteLength(value.StringValue);
    if (value.BinaryValue !== undefined) size += value.BinaryValue.byteLength;
  }
  return size;
}
