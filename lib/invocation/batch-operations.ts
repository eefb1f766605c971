/**
 * S3 Batch Operations `LambdaInvoke`:
 * schema 1.0 `{"invocationSchemaVersion":"1.0","invocationId","job":{"id"},"tasks":[{"taskId","s3Key","s3VersionId","s3BucketArn"}]}`;
 * schema 2.0 names the bucket instead (`s3Bucket`) and adds `job.userArguments`.
 * Task keys are URL-encoded (see s3-key.ts). The answer lists every task with a result code.
 */
import type { S3ObjectRef } from '../scan/scan-s3-object.ts';
import { isObject, optionalString, requireArray, requireObject, requireString } from './fields.ts';
import { isFolderMarker } from './folder-marker.ts';
import { InvocationError, type BatchOperationsContext, type WorkItem } from './invocation.ts';
import { decodeFormEncodedKey } from './s3-key.ts';

export function isBatchOperationsInvocation(value: unknown): boolean {
  return isObject(value) && typeof value['invocationSchemaVersion'] === 'string' && Array.isArray(value['tasks']);
}

export function workFromBatchOperations(event: unknown): { items: WorkItem[]; batch: BatchOperationsContext } {
  const where = 'S3 Batch Operations invocation';
  const e = requireObject(event, where);
  const version = e['invocationSchemaVersion'];
  if (version !== '1.0' && version !== '2.0') {
    throw new InvocationError(`${where}: invocationSchemaVersion`, `'${String(version)}' is neither 1.0 nor 2.0`);
  }
  const invocationId = requireString(e['invocationId'], `${where}: invocationId`);
  const tasks = requireArray(e['tasks'], `${where}: tasks`);
  const items = tasks.map((value, i): WorkItem => {
    const at = `${where}: tasks[${i}]`;
    const task = requireObject(value, at);
    const id = requireString(task['taskId'], `${at}.taskId`);
    const bucket = version === '1.0' ? bucketFromArn(requireString(task['s3BucketArn'], `${at}.s3BucketArn`), `${at}.s3BucketArn`) : requireString(task['s3Bucket'], `${at}.s3Bucket`);
    const key = decodeFormEncodedKey(requireString(task['s3Key'], `${at}.s3Key`), `${at}.s3Key`);
    if (isFolderMarker(key, undefined)) return { id, objects: [], skipped: [{ bucket, key, reason: 'folder marker' }] };
    const versionId = optionalString(task['s3VersionId']);
    const ref: S3ObjectRef = { bucket, key, ...(versionId === undefined ? {} : { versionId }) };
    return { id, objects: [ref], skipped: [] };
  });
  return { items, batch: { invocationSchemaVersion: version, invocationId } };
}

function bucketFromArn(arn: string, location: string): string {
  const match = /^arn:[\w-]+:s3:::([^/]+)$/.exec(arn);
  if (!match?.[1]) throw new InvocationError(location, `'${arn}' is not an S3 bucket ARN`);
  return match[1];
}
