/**
 * Step Functions Distributed Map with an ItemBatcher invokes us with
 * `{"Items":[...], "BatchInput":{...}}`. Items from the S3 ListObjectsV2 reader look like
 * `{"Key","Size","Etag","LastModified","StorageClass"}` (no bucket: our state machine passes it
 * in `BatchInput.bucket`); items from an S3 inventory manifest carry `Bucket` and `Key`. Keys
 * are raw, as the S3 API returned them. Our state machine's ItemSelector adds `Bucket`, `since`
 * and `until` to each item. The day window (YYYYMMDD, inclusive; per item or in `BatchInput`) is
 * applied to keys carrying `dt=YYYYMMDD/`, because ListObjectsV2 can only filter by prefix.
 */
import { keyInWindow, parseDayWindow } from '../backfill/day-window.ts';
import { bareEtag, isObject, objectRef, optionalSize, optionalString, requireArray, requireObject, requireString } from './fields.ts';
import { isFolderMarker } from './folder-marker.ts';
import { InvocationError, type WorkItem } from './invocation.ts';

export function isDistributedMapBatch(value: unknown): boolean {
  return isObject(value) && Array.isArray(value['Items']) && !('Records' in value);
}

export function workFromDistributedMapBatch(event: unknown): WorkItem[] {
  const where = 'Distributed Map batch';
  const batch = requireObject(event, where);
  const items = requireArray(batch['Items'], `${where}: Items`);
  const input = isObject(batch['BatchInput']) ? batch['BatchInput'] : {};
  const defaultBucket = optionalString(input['bucket']);
  return items.map((value, i): WorkItem => {
    const at = `${where}: Items[${i}]`;
    const item = requireObject(value, at);
    const window = dayWindow(item['since'] ?? input['since'], item['until'] ?? input['until'], at);
    const bucket = optionalString(item['Bucket']) ?? defaultBucket;
    if (bucket === undefined) throw new InvocationError(at, 'no Bucket in the item and no bucket in BatchInput');
    const key = requireString(item['Key'], `${at}.Key`);
    const size = optionalSize(item['Size'], `${at}.Size`);
    const id = String(i);
    if (isFolderMarker(key, size)) return { id, objects: [], skipped: [{ bucket, key, reason: 'zero-byte folder marker' }] };
    if (!keyInWindow(key, window)) return { id, objects: [], skipped: [{ bucket, key, reason: `outside ${window.label}` }] };
    const versionId = optionalString(item['VersionId']);
    const etag = bareEtag(item['Etag'] ?? item['ETag']);
    return { id, objects: [objectRef(bucket, key, size, versionId, etag)], skipped: [] };
  });
}

function dayWindow(since: unknown, until: unknown, at: string) {
  try {
    return parseDayWindow(optionalString(since), optionalString(until));
  } catch (error) {
    throw new InvocationError(at, (error as Error).message.replace(/^--/, ''));
  }
}
