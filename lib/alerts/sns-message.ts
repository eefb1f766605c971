/**
 * One alert as one SNS message: `MessageStructure: json` with `default` = the OCSF finding (what
 * SQS, Lambda and HTTP subscribers get) and `email` = the plain text, a sanitised subject, and
 * routing attributes. Too big for SNS? Trimmed step by step, never dropped.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { Alert } from './alert.ts';
import { emailSubject, emailText } from './email-text.ts';
import { attributesSize, messageAttributes } from './message-attributes.ts';
import { toOcsfFinding } from './ocsf-finding.ts';
import { TRIM_STEPS, type RenderLimits } from './render-limits.ts';

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
}

export function toSnsMessage(alert: Alert, maxBytes = SNS_MAX_BYTES, now: () => number = Date.now): SnsMessage {
  const attributes = messageAttributes(alert);
  const subject = emailSubject(alert);
  const fixed = attributesSize(attributes);
  let last: SnsMessage | undefined;
  for (const limits of TRIM_STEPS) {
    last = render(alert, limits, attributes, subject, fixed, now);
    if (last.size <= maxBytes) return last;
  }
  // TRIM_STEPS ends with bounded counts and lengths, so this holds for any alert the engine makes.
  throw new Error(`alert ${alert.id} (rule ${alert.rule.id}) is ${last?.size} bytes even fully trimmed; limit ${maxBytes}`);
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
