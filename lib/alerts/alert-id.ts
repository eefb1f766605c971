/**
 * Alert ids are derived, never random, so a retry of the same object (S3 redelivery, Lambda
 * retry, a backfill re-scan of unchanged content with unchanged rules) names the same alerts and
 * the publish record can tell what was already sent.
 */
import { createHash } from 'node:crypto';
import type { ObjectRef } from './alert.ts';

/** What identifies the content scanned: the version id, else the ETag, else the URI (local files). */
export function objectIdentity(object: ObjectRef): string {
  const location = object.bucket !== undefined && object.key !== undefined ? `s3://${object.bucket}/${object.key}` : object.uri;
  const version = object.versionId ?? object.etag ?? '';
  return `${location}#${version}`;
}

/** `ruleId` + object identity + the (first) event index, hashed to a fixed, id-safe length. */
export function alertId(ruleId: string, object: ObjectRef, eventIndex: number): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([ruleId, objectIdentity(object), eventIndex]))
    .digest('hex');
  return `ws-${digest.slice(0, 40)}`;
}
