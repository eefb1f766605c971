/**
 * The publish record in S3: one small marker object per published alert,
 * `<prefix>/<object hash>/<alert id>`, so the markers of one scanned object are one ListObjectsV2
 * away (one request per object, not one per alert).
 *
 * Why S3 and not DynamoDB (Powertools idempotency): the Lambda already reads S3 and needs no
 * new table, capacity or IAM surface; markers are write-once facts, which S3 conditional writes
 * (`If-None-Match: *`) keep write-once (a second writer gets 412 and learns it was recorded);
 * a bucket lifecycle rule expires them when re-scans of old objects no longer matter.
 *
 * Markers are written after SNS accepted the alert: a crash between the two repeats that alert
 * on retry (at most the last request's ten), never loses it. Two invocations scanning the same
 * object at the same moment can both publish; closing that needs a claim with a lease before
 * publishing (Powertools' INPROGRESS record), left for later.
 */
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectRef } from './alert.ts';
import { objectIdentity } from './alert-id.ts';
import type { PublishRecordStore } from './publish-record.ts';

export interface S3PublishRecordOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix for markers, without trailing slash (default `published-alerts`). */
  readonly prefix?: string;
}

export function createS3PublishRecordStore(options: S3PublishRecordOptions): PublishRecordStore {
  const prefix = (options.prefix ?? 'published-alerts').replace(/\/+$/, '');
  const folder = (object: ObjectRef) =>
    `${prefix}/${createHash('sha256').update(objectIdentity(object)).digest('hex').slice(0, 32)}/`;

  return {
    async published(object) {
      const ids = new Set<string>();
      const start = folder(object);
      let token: string | undefined;
      do {
        const page = await options.s3.send(
          new ListObjectsV2Command({ Bucket: options.bucket, Prefix: start, ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) if (item.Key) ids.add(item.Key.slice(start.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return ids;
    },

    async record(object, alertIds) {
      const start = folder(object);
      const results = await Promise.allSettled(
        alertIds.map((id) =>
          options.s3.send(
            new PutObjectCommand({
              Bucket: options.bucket,
              Key: start + id,
              // The key is the fact; the body tells whoever browses the bucket what it is about.
              Body: JSON.stringify({ alertId: id, uri: object.uri }),
              ContentType: 'application/json',
              IfNoneMatch: '*',
            }),
          ),
        ),
      );
      const errors = results
        .map((r, i) => ({ r, id: alertIds[i] }))
        .filter(({ r }) => r.status === 'rejected' && !alreadyRecorded(r.reason));
      if (errors.length > 0) {
        const first = errors[0]!;
        const reason = (first.r as PromiseRejectedResult).reason as Error;
        throw new Error(
          `cannot record ${errors.length} published alert(s) for ${object.uri} in s3://${options.bucket}/${start} (first: ${first.id}: ${reason.name}: ${reason.message})`,
          { cause: reason },
        );
      }
    },
  };
}

/** 412: the marker exists (written by an earlier or concurrent attempt). 409: a concurrent conditional write won. */
function alreadyRecorded(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || status === 409;
}
