/**
 * The text of an SQS message or SNS notification that should name S3 objects. Accepted: an S3
 * notification (or its s3:TestEvent), an SNS envelope around one (SNS -> SQS without raw
 * delivery), or an EventBridge `Object Created` event (EventBridge rule -> SQS/SNS target).
 */
import { objectsFromEventBridge, isS3EventBridgeEvent } from './eventbridge-event.ts';
import { isObject, parseJson, requireString } from './fields.ts';
import { InvocationError, type ObjectList } from './invocation.ts';
import { isS3Notification, isS3TestEvent, objectsFromS3Notification } from './s3-notification.ts';

export function isSnsEnvelope(value: unknown): value is Record<string, unknown> {
  return isObject(value) && value['Type'] === 'Notification' && typeof value['Message'] === 'string' && typeof value['TopicArn'] === 'string';
}

export function objectsFromMessageBody(text: string, where: string): ObjectList {
  const body = parseJson(text, where);
  if (isSnsEnvelope(body)) {
    return objectsFromMessageBody(requireString(body['Message'], `${where}: Message`), `${where}: SNS Message`);
  }
  if (isS3TestEvent(body) || isS3Notification(body)) return objectsFromS3Notification(body, where);
  if (isS3EventBridgeEvent(body)) return objectsFromEventBridge(body, where);
  throw new InvocationError(where, `neither an S3 notification, an SNS envelope nor an S3 EventBridge event: ${preview(text)}`);
}

function preview(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}
