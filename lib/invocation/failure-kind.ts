/**
 * Whether an object that could not be scanned is worth retrying. Broken input (corrupt
 * compression, a bomb, not a log at all) and objects that no longer exist fail the same way
 * every time; throttling, network and delivery failures usually pass.
 */
import { InputError } from '../ingest/ingest-item.ts';
import { ScanFailedError } from '../scan/scan-stream.ts';
import { InvocationError } from './invocation.ts';

const GONE = new Set(['NoSuchKey', 'NoSuchBucket', 'NoSuchVersion', 'NotFound']);

export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof InvocationError || error instanceof InputError) return true;
  if (error instanceof ScanFailedError) return error.cause instanceof InputError;
  return error instanceof Error && GONE.has(error.name);
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
