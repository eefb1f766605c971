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
 * on retry (at most the last request's ten), never loses it.
 *
 * Two invocations scanning the same object at the same moment are kept apart by the object's
 * claim, `<prefix>/<object hash>/claim` (body: owner, expiry). It is created with
 * `If-None-Match: *`, so only one creator wins. A loser reads it: unexpired means held; expired
 * (the holder crashed or timed out) is taken over with `If-Match: <its ETag>`, so of two
 * takeovers only one wins. Release deletes it with `If-Match: <our ETag>`, so a holder whose
 * lease ran out never frees its successor's claim. Needs s3:PutObject, s3:GetObject and
 * s3:DeleteObject on the prefix (a conditional delete with an ETag needs s3:GetObject too).
 */
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectRef } from './alert.ts';
import { objectIdentity } from './alert-id.ts';
import type { Claim, PublishRecordStore } from './publish-record.ts';

/** The claim's name inside an object's folder; never an alert id (those start with `ws-`). */
const CLAIM_NAME = 'claim';

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
        for (const item of page.Contents ?? []) {
          if (item.Key && item.Key !== start + CLAIM_NAME) ids.add(item.Key.slice(start.length));
        }
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

    async claim(object, { owner, leaseMs }) {
      const key = folder(object) + CLAIM_NAME;
      const where = `s3://${options.bucket}/${key}`;
      const body = () => JSON.stringify({ owner, expiresAt: new Date(Date.now() + leaseMs).toISOString(), uri: object.uri });
      const claimed = (etag: string): Claim => ({
        status: 'claimed',
        async release() {
          try {
            await options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: key, IfMatch: etag }));
          } catch (error) {
            // 412: our lease ran out and someone took the claim over; 404: already gone. Either way it is not ours to free.
            if (lostRace(error)) return;
            throw new Error(`cannot release the claim ${where}: ${describe(error)}`, { cause: error });
          }
        },
      });
      // A few rounds: between our failed create and our read the holder may release (gone), or
      // between our read and our takeover someone else may take over (412). The next round sees which.
      for (let round = 0; round < 3; round++) {
        const created = await putIf(options.s3, { Bucket: options.bucket, Key: key, Body: body(), IfNoneMatch: '*' }, where);
        if (created !== undefined) return claimed(created);
        const current = await readClaim(options.s3, options.bucket, key, where);
        if (current === undefined) continue;
        if (current.expiresAt.getTime() > Date.now()) return { status: 'held', owner: current.owner, expiresAt: current.expiresAt };
        const taken = await putIf(options.s3, { Bucket: options.bucket, Key: key, Body: body(), IfMatch: current.etag }, where);
        if (taken !== undefined) return claimed(taken);
      }
      return { status: 'held' };
    },
  };
}

/** A conditional PutObject: the new ETag, or undefined when the condition did not hold. */
async function putIf(
  s3: S3Client,
  input: { Bucket: string; Key: string; Body: string; IfNoneMatch?: string; IfMatch?: string },
  where: string,
): Promise<string | undefined> {
  try {
    const out = await s3.send(new PutObjectCommand({ ...input, ContentType: 'application/json' }));
    if (out.ETag === undefined) throw new Error('S3 returned no ETag');
    return out.ETag;
  } catch (error) {
    if (lostRace(error)) return undefined;
    throw new Error(`cannot write the claim ${where}: ${describe(error)}`, { cause: error });
  }
}

interface StoredClaim {
  readonly owner: string;
  readonly expiresAt: Date;
  readonly etag: string;
}

/** The claim as stored, or undefined when there is none (released since). */
async function readClaim(s3: S3Client, bucket: string, key: string, where: string): Promise<StoredClaim | undefined> {
  let text: string;
  let etag: string | undefined;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    etag = out.ETag;
    text = (await out.Body?.transformToString()) ?? '';
  } catch (error) {
    if (isNoSuchKey(error)) return undefined;
    throw new Error(`cannot read the claim ${where}: ${describe(error)}`, { cause: error });
  }
  let parsed: { owner?: unknown; expiresAt?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    throw new Error(`${where} is not a winsift claim: ${(error as Error).message}`);
  }
  const expiresAt = typeof parsed.expiresAt === 'string' ? new Date(parsed.expiresAt) : undefined;
  if (typeof parsed.owner !== 'string' || expiresAt === undefined || Number.isNaN(expiresAt.getTime()) || etag === undefined) {
    throw new Error(`${where} is not a winsift claim: expected {"owner": string, "expiresAt": ISO date} and an ETag`);
  }
  return { owner: parsed.owner, expiresAt, etag };
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** A conditional request that lost: 412 (condition false), 409 (a concurrent conditional write won), no such key (If-Match on a key now gone). */
function lostRace(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || status === 409 || isNoSuchKey(error);
}

/** The key is gone; a 404 for a missing bucket is a misconfiguration and must surface. */
function isNoSuchKey(error: unknown): boolean {
  return statusOf(error) === 404 && (error as Error).name !== 'NoSuchBucket';
}

function describe(error: unknown): string {
  const e = error as Error;
  return `${e.name}: ${e.message}`;
}

/** 412: the marker exists (written by an earlier or concurrent attempt). 409: a concurrent conditional write won. */
function alreadyRecorded(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || status === 409;
}
