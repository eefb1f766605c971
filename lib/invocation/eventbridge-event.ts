/**
 * EventBridge `Object Created` events from S3 (bucket setting "Send notifications to Amazon
 * EventBridge"): `{"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{"name"},
 * "object":{"key","size","etag","version-id"}}}`. Keys are raw here, not URL-encoded.
 */
import { bareEtag, isObject, objectRef, optionalSize, optionalString, requireObject, requireString } from './fields.ts';
import { isFolderMarker } from './folder-marker.ts';
import type { ObjectList } from './invocation.ts';

export function isS3EventBridgeEvent(value: unknown): boolean {
  return isObject(value) && value['source'] === 'aws.s3' && typeof value['detail-type'] === 'string' && isObject(value['detail']);
}

export function objectsFromEventBridge(event: unknown, where = 'EventBridge event'): ObjectList {
  const e = requireObject(event, where);
  const at = `${where} ${String(e['id'] ?? '')}`.trim();
  const detail = requireObject(e['detail'], `${at}: detail`);
  const bucket = requireString(requireObject(detail['bucket'], `${at}: detail.bucket`)['name'], `${at}: detail.bucket.name`);
  const object = requireObject(detail['object'], `${at}: detail.object`);
  const key = requireString(object['key'], `${at}: detail.object.key`);
  const size = optionalSize(object['size'], `${at}: detail.object.size`);
  if (e['detail-type'] !== 'Object Created') {
    return { objects: [], skipped: [{ bucket, key, reason: `detail-type '${String(e['detail-type'])}' does not create an object` }] };
  }
  if (isFolderMarker(key, size)) return { objects: [], skipped: [{ bucket, key, reason: 'zero-byte folder marker' }] };
  const versionId = optionalString(object['version-id']);
  const etag = bareEtag(object['etag']);
  return { objects: [objectRef(bucket, key, size, versionId, etag)], skipped: [] };
}
