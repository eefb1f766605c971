/**
 * S3 event notifications, as S3 sends them to Lambda, SQS and SNS:
 * `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name"},
 * "object":{"key","size","eTag","versionId"}}}]}`, keys form-URL-encoded. When a notification
 * configuration is saved S3 also sends `{"Service":"Amazon S3","Event":"s3:TestEvent",...}`,
 * which carries no records.
 */
import type { S3ObjectRef } from '../scan/scan-s3-object.ts';
import { bareEtag, isObject, objectRef, optionalSize, optionalString, requireArray, requireObject, requireString } from './fields.ts';
import { isFolderMarker } from './folder-marker.ts';
import type { ObjectList, SkippedObject } from './invocation.ts';
import { decodeFormEncodedKey } from './s3-key.ts';

export function isS3TestEvent(value: unknown): boolean {
  return isObject(value) && value['Event'] === 's3:TestEvent';
}

export function isS3Notification(value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value['Records'])) return false;
  const first: unknown = value['Records'][0];
  return isObject(first) && first['eventSource'] === 'aws:s3';
}

/** The objects a notification names. `where` prefixes every error location (e.g. the SQS message). */
export function objectsFromS3Notification(notification: unknown, where = 'S3 notification'): ObjectList {
  if (isS3TestEvent(notification)) {
    const bucket = isObject(notification) ? String(notification['Bucket'] ?? '') : '';
    return { objects: [], skipped: [{ bucket, key: '', reason: 's3:TestEvent (sent when notifications are configured)' }] };
  }
  const records = requireArray(requireObject(notification, where)['Records'], `${where}: Records`);
  const objects: S3ObjectRef[] = [];
  const skipped: SkippedObject[] = [];
  records.forEach((value, i) => {
    const at = `${where}: Records[${i}]`;
    const record = requireObject(value, at);
    const s3 = requireObject(record['s3'], `${at}.s3`);
    const bucket = requireString(requireObject(s3['bucket'], `${at}.s3.bucket`)['name'], `${at}.s3.bucket.name`);
    const object = requireObject(s3['object'], `${at}.s3.object`);
    const key = decodeFormEncodedKey(requireString(object['key'], `${at}.s3.object.key`), `${at}.s3.object.key`);
    const size = optionalSize(object['size'], `${at}.s3.object.size`);
    const eventName = String(record['eventName'] ?? '');
    if (record['eventSource'] !== 'aws:s3') {
      skipped.push({ bucket, key, reason: `eventSource '${String(record['eventSource'])}' is not aws:s3` });
    } else if (!eventName.startsWith('ObjectCreated:')) {
      skipped.push({ bucket, key, reason: `${eventName || 'an unnamed event'} does not create an object` });
    } else if (isFolderMarker(key, size)) {
      skipped.push({ bucket, key, reason: 'zero-byte folder marker' });
    } else {
      objects.push(objectRef(bucket, key, size, optionalString(object['versionId']), bareEtag(object['eTag'])));
    }
  });
  return { objects, skipped };
}
