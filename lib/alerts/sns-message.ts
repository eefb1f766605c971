/**
 * One alert as one SNS message: `MessageStructure: json` with `default` = the OCSF finding (what
 * SQS, Lambda and HTTP subscribers get) and `email` = the plain text, a sanitised subject, and
 * routing attributes. Too big for SNS? Trimmed step by step, never dropped. An alert that still
 * cannot be rendered (too big even fully trimmed, or rendering threw) goes out as a minimal
 * alert instead, marked `degraded` with the reason: one odd event never costs the others.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { Alert } from './alert.ts';
import { emailSubject, emailText } from './email-text.ts';
import { attributesSize, messageAttributes } from './message-attributes.ts';
import { OCSF_VERSION, PRODUCT, severityId, toOcsfFinding } from './ocsf-finding.ts';
import { boundAlert, TRIM_STEPS, type RenderLimits } from './render-limits.ts';
import { displayValue, truncate } from './sanitise.ts';

/** SNS's limit for one message and for a whole PublishBatch request: 256 KiB. */
export const SNS_MAX_BYTES = 262_144;

export interface SnsMessage {
  readonly alertId: string;
  readonly message: string;
  readonly subject: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  /** Bytes SNS counts against its limits: message plus attributes. */
  readonly size: number;
  /** True when detail was cut to fit. */
  readonly trimmed: boolean;
  /** Set when the full alert could not be rendered and the minimal one was sent instead: why. */
  readonly degraded?: string;
}

export function toSnsMessage(alert: Alert, maxBytes = SNS_MAX_BYTES, now: () => number = Date.now): SnsMessage {
  let reason: string;
  try {
    const bounded = boundAlert(alert);
    const attributes = messageAttributes(bounded);
    const subject = emailSubject(bounded);
    const fixed = attributesSize(attributes);
    let last: SnsMessage | undefined;
    for (const limits of TRIM_STEPS) {
      last = render(bounded, limits, attributes, subject, fixed, now);
      if (last.size <= maxBytes) return last;
    }
    reason = `${last?.size} bytes even fully trimmed; limit ${maxBytes}`;
  } catch (error) {
    reason = `rendering failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return minimalSnsMessage(alert, reason, maxBytes, now);
}

function render(
  alert: Alert,
  limits: RenderLimits,
  attributes: Record<string, MessageAttributeValue>,
  subject: string,
  attributeBytes: number,
  now: () => number,
): SnsMessage {
  const message = JSON.stringify({
    default: JSON.stringify(toOcsfFinding(alert, limits, now)),
    email: emailText(alert, limits),
  });
  return {
    alertId: alert.id,
    message,
    subject,
    attributes,
    size: Buffer.byteLength(message) + attributeBytes,
    trimmed: limits !== TRIM_STEPS[0],
  };
}

/** Caps of the minimal alert, tried in turn until it fits: even the last holds every fact, shortened. */
const MINIMAL_STEPS = [
  { text: 256, reason: 512, indexes: 100 },
  { text: 64, reason: 128, indexes: 10 },
  { text: 16, reason: 32, indexes: 1 },
] as const;

/**
 * What must reach the subscriber of any alert: which rule (with its author), how bad, which host
 * and object, how many events and where they are, and why the rest is missing. Built from
 * short, capped strings only, so it cannot fail for size (unless the limit is set absurdly low).
 */
export function minimalSnsMessage(alert: Alert, reason: string, maxBytes = SNS_MAX_BYTES, now: () => number = Date.now): SnsMessage {
  let message: SnsMessage | undefined;
  for (const caps of MINIMAL_STEPS) {
    message = minimalWithin(alert, reason, caps, now);
    if (message.size <= maxBytes) return message;
  }
  // A few hundred bytes at most by now; a limit below that is a configuration error worth failing loudly on.
  throw new Error(`alert ${alert.id}: even the minimal alert is ${message?.size} bytes; limit ${maxBytes}`);
}

function minimalWithin(alert: Alert, reason: string, caps: (typeof MINIMAL_STEPS)[number], now: () => number): SnsMessage {
  const cap = (value: unknown): string => truncate(typeof value === 'string' ? value : String(value ?? ''), caps.text);
  const rule = alert.rule;
  const host = cap(alert.host);
  const title = cap(rule.title);
  const indexes = alert.matches.slice(0, caps.indexes).map((m) => m.source.index);
  const why = truncate(reason, caps.reason);
  const level = rule.level;
  const finding = {
    activity_id: 1,
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    type_uid: 200401,
    severity_id: severityId(level),
    status_id: 1,
    time: now(),
    count: alert.count,
    message: `${title} on ${host}`,
    metadata: { version: OCSF_VERSION, product: PRODUCT, uid: alert.id, log_name: cap(alert.object.uri) },
    finding_info: { uid: alert.id, title, analytic: { uid: cap(rule.id), name: title, type_id: 1, type: 'Rule', category: rule.language } },
    device: { hostname: host, type_id: 0, type: 'Unknown' },
    unmapped: {
      winsift: {
        alert_id: alert.id,
        source: { uri: cap(alert.object.uri) },
        event_indexes: indexes,
        count: alert.count,
        events_shown: 0,
        truncated: true,
        degraded: why,
        rule: { id: cap(rule.id), author: cap(rule.author), license: cap(rule.license ?? 'unknown'), level },
      },
    },
  };
  const email = [
    `${level.toUpperCase()}: ${displayValue(title, caps.text)}`,
    `Host:     ${displayValue(host, caps.text)}`,
    `Matches:  ${alert.count}`,
    '',
    `This alert could not be rendered in full (${displayValue(why, caps.reason)}); the events are in:`,
    `  ${displayValue(alert.object.uri, caps.text)}`,
    `  event index: ${indexes.join(', ')}${alert.matches.length > indexes.length ? ', ...' : ''}`,
    '',
    'Rule',
    `  ${displayValue(title, caps.text)} (${displayValue(rule.id, caps.text)}, ${rule.language})`,
    `  Author:  ${displayValue(rule.author, caps.text)}`,
    `  License: ${displayValue(rule.license ?? 'see rule source', caps.text)}`,
    '',
    `Alert id: ${alert.id}`,
    '',
  ].join('\n');
  const bounded = { ...alert, host, rule: { ...rule, id: cap(rule.id), title } };
  const attributes = messageAttributes(bounded);
  const message = JSON.stringify({ default: JSON.stringify(finding), email });
  const size = Buffer.byteLength(message) + attributesSize(attributes);
  return { alertId: alert.id, message, subject: emailSubject(bounded), attributes, size, trimmed: true, degraded: why };
}
