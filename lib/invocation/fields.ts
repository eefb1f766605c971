/** Small readers for untrusted JSON: each failure names the path of the field at fault. */
import type { S3ObjectRef } from '../scan/scan-s3-object.ts';
import { InvocationError } from './invocation.ts';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireString(value: unknown, location: string): string {
  if (typeof value !== 'string' || value === '') throw new InvocationError(location, 'expected a non-empty string');
  return value;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Sizes arrive as numbers, and as strings from CSV-based readers (inventory manifests). */
export function optionalSize(value: unknown, location: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const size = typeof value === 'string' ? Number(value) : value;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new InvocationError(location, `expected a byte count, got ${JSON.stringify(value)}`);
  }
  return size;
}

export function requireArray(value: unknown, location: string): unknown[] {
  if (!Array.isArray(value)) throw new InvocationError(location, 'expected an array');
  return value;
}

export function requireObject(value: unknown, location: string): Record<string, unknown> {
  if (!isObject(value)) throw new InvocationError(location, 'expected an object');
  return value;
}

export function parseJson(text: string, location: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvocationError(location, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** ETags arrive quoted from S3 APIs and Step Functions readers, bare in notifications. */
export function bareEtag(value: unknown): string | undefined {
  const etag = optionalString(value);
  return etag?.replaceAll('"', '');
}

/** An object ref with only the identity facts the invocation carried (no `undefined` members). */
export function objectRef(bucket: string, key: string, size?: number, versionId?: string, etag?: string): S3ObjectRef {
  return {
    bucket,
    key,
    ...(size === undefined ? {} : { size }),
    ...(versionId === undefined ? {} : { versionId }),
    ...(etag === undefined ? {} : { etag }),
  };
}
