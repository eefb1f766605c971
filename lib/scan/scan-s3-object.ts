/** Scans one S3 object: streams it with GetObject (never buffering it whole) into scanStream. */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AlertSink } from '../alerts/alert-sink.ts';
import type { Deadline } from '../ingest/deadline.ts';
import type { IngestOptions } from '../ingest/ingest-item.ts';
import type { Detector } from '../rules/rule.ts';
import type { CrossObjectState } from '../state/cross-object-state.ts';
import { scanStream, type ObjectResult } from './scan-stream.ts';

export interface S3ObjectRef {
  readonly bucket: string;
  /** The key as stored (already URL-decoded where the invocation encoded it). */
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly size?: number;
}

export interface ScanDeps {
  readonly s3: S3Client;
  readonly detector: Detector;
  readonly sinkFor: (ref: S3ObjectRef & { uri: string }) => AlertSink;
  readonly ingest?: Partial<Omit<IngestOptions, 'uri'>>;
  readonly signal?: AbortSignal;
  /** Correlation and suppression state across objects (STATE_TABLE); without it, per object. */
  readonly crossObject?: CrossObjectState;
  /** The cooperative deadline (scan-stream.ts): reading stops there, found alerts are delivered. */
  readonly deadline?: Deadline;
}

export type { ObjectResult };

export function s3Uri(ref: Pick<S3ObjectRef, 'bucket' | 'key'>): string {
  return `s3://${ref.bucket}/${ref.key}`;
}

export async function scanS3Object(ref: S3ObjectRef, deps: ScanDeps): Promise<ObjectResult> {
  const uri = s3Uri(ref);
  const response = await deps.s3.send(
    new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }),
    { abortSignal: deps.signal },
  );
  const body = response.Body as AsyncIterable<Uint8Array> | undefined;
  if (!body) throw new Error(`${uri}: GetObject returned no body`);
  // The etag read is the one scanned: alert ids stay tied to these exact bytes.
  const identity = {
    bucket: ref.bucket,
    key: ref.key,
    versionId: response.VersionId ?? ref.versionId,
    etag: response.ETag?.replaceAll('"', '') ?? ref.etag,
  };
  const sink = deps.sinkFor({ ...ref, ...identity, uri });
  return scanStream(body, {
    uri,
    detector: deps.detector,
    sink: deps.crossObject ? deps.crossObject.wrapSink(sink, { ...identity, uri }) : sink,
    object: identity,
    ...(deps.crossObject ? { crossObject: deps.crossObject } : {}),
    ...(deps.deadline ? { deadline: deps.deadline } : {}),
    ingest: { ...deps.ingest, contentEncoding: response.ContentEncoding ?? deps.ingest?.contentEncoding },
  });
}
