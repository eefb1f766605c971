/**
 * What one Lambda invocation asks the scanner to do, whatever shape AWS delivered it in: a list
 * of work items (the unit AWS wants an answer for), each naming the S3 objects to scan.
 *
 * | shape              | work item              | answered with                         |
 * |--------------------|------------------------|---------------------------------------|
 * | s3-notification    | the whole invocation   | success, or a thrown error (retried)  |
 * | sns                | the whole invocation   | success, or a thrown error (retried)  |
 * | eventbridge        | the whole invocation   | success, or a thrown error (retried)  |
 * | sqs                | one message            | `batchItemFailures`                   |
 * | distributed-map    | one item of the batch  | per-item results (error if any failed)|
 * | batch-operations   | one task               | `results[]` with a result code        |
 */
import type { SQSRecord } from 'aws-lambda';
import type { S3ObjectRef } from '../scan/scan-s3-object.ts';

export type InvocationShape =
  | 's3-notification'
  | 'sns'
  | 'eventbridge'
  | 'sqs'
  | 'distributed-map'
  | 'batch-operations';

/** An object the invocation named but that is deliberately not scanned, with why (always logged). */
export interface SkippedObject {
  readonly bucket: string;
  readonly key: string;
  readonly reason: string;
}

/** Objects named by one message, task, item or notification. */
export interface ObjectList {
  readonly objects: readonly S3ObjectRef[];
  readonly skipped: readonly SkippedObject[];
}

export interface WorkItem extends ObjectList {
  /** The id AWS wants back: SQS messageId, Batch Operations taskId, Map item index, or `invocation`. */
  readonly id: string;
}

export interface BatchOperationsContext {
  readonly invocationSchemaVersion: '1.0' | '2.0';
  readonly invocationId: string;
}

export type Invocation =
  | { readonly shape: 's3-notification' | 'sns' | 'eventbridge'; readonly items: readonly WorkItem[] }
  /** SQS messages are read one at a time while processing, so one bad message fails alone. */
  | { readonly shape: 'sqs'; readonly records: readonly SQSRecord[] }
  | { readonly shape: 'distributed-map'; readonly items: readonly WorkItem[] }
  | { readonly shape: 'batch-operations'; readonly items: readonly WorkItem[]; readonly batch: BatchOperationsContext };

/** An event, message or task that cannot be read as any shape we accept: names where and why. */
export class InvocationError extends Error {
  /** e.g. `Records[2].s3.object.key`, `SQS message 9f0c...`. */
  readonly location: string;
  readonly reason: string;

  constructor(location: string, reason: string) {
    super(`${location}: ${reason}`);
    this.name = 'InvocationError';
    this.location = location;
    this.reason = reason;
  }
}

export function mergeLists(lists: readonly ObjectList[]): ObjectList {
  return { objects: lists.flatMap((l) => l.objects), skipped: lists.flatMap((l) => l.skipped) };
}
