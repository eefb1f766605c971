/** The real ObjectScanner: GetObject-streamed scans, and HeadObject when a size is needed. */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Deadline } from '../ingest/deadline.ts';
import { scanS3Object, type ScanDeps, type S3ObjectRef } from '../scan/scan-s3-object.ts';
import type { ObjectScanner } from './scan-objects.ts';

export function createS3ObjectScanner(deps: Omit<ScanDeps, 'signal' | 'deadline'>): ObjectScanner {
  return {
    scan: (ref: S3ObjectRef, signal: AbortSignal, deadline?: Deadline) => scanS3Object(ref, { ...deps, signal, ...(deadline ? { deadline } : {}) }),
    async sizeOf(ref: S3ObjectRef) {
      const head = await deps.s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
      return head.ContentLength;
    },
  };
}
