/**
 * SQS -> Lambda: `{"Records":[{"messageId","body","eventSource":"aws:sqs",...}]}`. Each message
 * is answered on its own (`batchItemFailures`), so a bad message fails alone instead of the batch.
 */
import type { SQSRecord } from 'aws-lambda';
import { isObject, requireString } from './fields.ts';
import type { ObjectList } from './invocation.ts';
import { objectsFromMessageBody } from './message-body.ts';

export function isSqsEvent(value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value['Records'])) return false;
  const first: unknown = value['Records'][0];
  return isObject(first) && first['eventSource'] === 'aws:sqs';
}

export function objectsFromSqsRecord(record: SQSRecord): ObjectList {
  const where = `SQS message ${record.messageId}`;
  return objectsFromMessageBody(requireString(record.body, `${where}: body`), where);
}
