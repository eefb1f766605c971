/**
 * The objects under a prefix, page by page (ListObjectsV2), as a backfill sees them: folder
 * markers and keys outside the day window are reported as skipped, never dropped unseen.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { SkippedObject } from '../invocation/invocation.ts';
import { isFolderMarker } from '../invocation/folder-marker.ts';
import type { S3ObjectRef } from '../scan/scan-s3-object.ts';
import { keyInWindow, type DayWindow } from './day-window.ts';

export interface PrefixListing {
  readonly bucket: string;
  readonly prefix: string;
  readonly window: DayWindow;
  /** Keys per ListObjectsV2 page (S3's default and maximum: 1000). */
  readonly pageSize?: number;
}

export type Listed = { readonly kind: 'object'; readonly ref: S3ObjectRef } | { readonly kind: 'skipped'; readonly skipped: SkippedObject };

export async function* listPrefix(s3: S3Client, listing: PrefixListing): AsyncGenerator<Listed> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: listing.bucket, Prefix: listing.prefix, ContinuationToken: token, MaxKeys: listing.pageSize }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      const key = object.Key;
      const size = object.Size;
      if (isFolderMarker(key, size)) {
        yield { kind: 'skipped', skipped: { bucket: listing.bucket, key, reason: 'zero-byte folder marker' } };
      } else if (!keyInWindow(key, listing.window)) {
        yield { kind: 'skipped', skipped: { bucket: listing.bucket, key, reason: `outside ${listing.window.label}` } };
      } else {
        const etag = object.ETag?.replaceAll('"', '');
        yield {
          kind: 'object',
          ref: { bucket: listing.bucket, key, ...(size === undefined ? {} : { size }), ...(etag === undefined ? {} : { etag }) },
        };
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
