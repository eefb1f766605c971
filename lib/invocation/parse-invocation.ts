/** Recognises which AWS service invoked us by the event's shape, and reads it into work items. */
import type { SQSEvent } from 'aws-lambda';
import { isBatchOperationsInvocation, workFromBatchOperations } from './batch-operations.ts';
import { isDistributedMapBatch, workFromDistributedMapBatch } from './distributed-map-batch.ts';
import { isS3EventBridgeEvent, objectsFromEventBridge } from './eventbridge-event.ts';
import { isObject } from './fields.ts';
import { InvocationError, type Invocation } from './invocation.ts';
import { isS3Notification, isS3TestEvent, objectsFromS3Notification } from './s3-notification.ts';
import { isSnsEvent, objectsFromSnsEvent } from './sns-event.ts';
import { isSqsEvent } from './sqs-event.ts';

/** The whole invocation is one work item for shapes answered by success or a thrown error. */
const WHOLE = 'invocation';

/**
 * SQS messages are read one by one later (each may fail alone); every other shape is read
 * completely here, so a malformed event fails before anything is scanned.
 */
export function parseInvocation(event: unknown): Invocation {
  if (isS3Notification(event) || isS3TestEvent(event)) {
    return { shape: 's3-notification', items: [{ id: WHOLE, ...objectsFromS3Notification(event) }] };
  }
  if (isSqsEvent(event)) return { shape: 'sqs', records: (event as SQSEvent).Records };
  if (isSnsEvent(event)) return { shape: 'sns', items: [{ id: WHOLE, ...objectsFromSnsEvent(event) }] };
  if (isS3EventBridgeEvent(event)) return { shape: 'eventbridge', items: [{ id: WHOLE, ...objectsFromEventBridge(event) }] };
  if (isBatchOperationsInvocation(event)) return { shape: 'batch-operations', ...workFromBatchOperations(event) };
  if (isDistributedMapBatch(event)) return { shape: 'distributed-map', items: workFromDistributedMapBatch(event) };
  throw new InvocationError('invocation', `not a shape the scanner accepts (top-level keys: ${describeKeys(event)})`);
}

function describeKeys(event: unknown): string {
  if (!isObject(event)) return event === null ? 'null' : typeof event;
  const keys = Object.keys(event);
  return keys.length === 0 ? 'none' : keys.slice(0, 8).join(', ');
}
