/**
 * fauxqs accepts `If-None-Match` and `If-Match` on PutObject and DeleteObject but ignores them
 * (test/alerts/object-claim.fauxqs.test.ts pins that down). This gives an S3 client that checks
 * them the way S3 does before the request goes to fauxqs, through the SDK's own middleware stack
 * (no module mocks): conditional requests run one at a time, each compares the key's current ETag
 * (HeadObject) and either fails as S3 fails (412 PreconditionFailed, 404 NoSuchKey) or is sent.
 * Unconditional requests pass straight through.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';

export function s3WithConditionalWrites(endpoint: string): S3Client {
  const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true });
  // One conditional request at a time, so the check and the write are one step, as in S3.
  let turn: Promise<unknown> = Promise.resolve();
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Bucket?: string; Key?: string; IfNoneMatch?: string; IfMatch?: string };
      const conditional = input.IfNoneMatch !== undefined || input.IfMatch !== undefined;
      if (!conditional || (context.commandName !== 'PutObjectCommand' && context.commandName !== 'DeleteObjectCommand')) return next(args);
      const mine = turn.then(async () => {
        const current = await currentEtag(s3, input.Bucket as string, input.Key as string);
        if (input.IfNoneMatch === '*' && current !== undefined) throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
        if (input.IfMatch !== undefined) {
          if (current === undefined) throw s3Error('NoSuchKey', 404, 'The specified key does not exist.');
          if (input.IfMatch !== '*' && input.IfMatch !== current) throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
        }
        return next(args);
      });
      turn = mine.catch(() => undefined);
      return mine;
    },
    { step: 'initialize', name: 'enforce-conditional-writes' },
  );
  return s3;
}

async function currentEtag(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}

/** Shaped like the SDK's service exceptions: the store reads `$metadata.httpStatusCode`. */
function s3Error(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}
