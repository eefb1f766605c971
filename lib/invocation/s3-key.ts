/**
 * S3 event notifications (and everything that wraps them: SNS, SQS) carry object keys
 * form-URL-encoded, `+` for space: "red flower.jpg" arrives as "red+flower.jpg". A literal `+`
 * arrives as `%2B`, so replacing `+` before percent-decoding is exact.
 * S3 Batch Operations task keys are URL-encoded the same way (the manifest's encoding is passed
 * through; Powertools for Python decodes them with unquote_plus after testing against S3).
 * EventBridge `Object Created` and Step Functions ListObjectsV2 items carry raw keys: never decode those.
 */
import { InvocationError } from './invocation.ts';

export function decodeFormEncodedKey(encoded: string, location: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    throw new InvocationError(location, `object key '${encoded}' is not valid URL encoding`);
  }
}
