/**
 * A runtime rule pack in S3 (`RULES_S3_URI`), updated without a deploy: loaded at cold start,
 * its ETag re-checked (HeadObject) at most every `refreshMs`, and a changed object downloaded,
 * checked whole and swapped in in one assignment, so a scan always runs one pack from start
 * to end. A pack that cannot be downloaded, parsed or validated never replaces a good one: the
 * last good pack (or, before any, the pack built into the function) keeps running, and the
 * failure is a structured error log plus the `RulePackRejected` metric, alarmed by the CDK app.
 * An object already refused is not downloaded again until its ETag changes, but it is counted
 * again at every check, so the alarm stays on while the bad pack is what is published.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readCompiledPack, RulePackError } from './compiled-pack.ts';
import { loadPackContent, type RulePack } from './rule-pack.ts';

/** A pack is a few MB; anything far larger is not one (and must not exhaust memory). */
export const MAX_PACK_BYTES = 256 * 1024 * 1024;

export interface PackLog {
  info(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface S3PackSourceOptions {
  readonly s3: S3Client;
  /** `s3://bucket/key` */
  readonly uri: string;
  readonly refreshMs: number;
  /** The pack built into the function: used until a runtime pack loads. */
  readonly fallback: () => RulePack;
  readonly log: PackLog;
  readonly metrics?: { addMetric(name: string, unit: 'Count', value: number): void };
  readonly now?: () => number;
}

export interface PackSource {
  /** The pack to scan with now; checks S3 first when the refresh interval has passed. Never rejects. */
  current(): Promise<RulePack>;
}

export function parseS3Uri(uri: string, what = 'RULES_S3_URI'): { bucket: string; key: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
  if (!match) throw new Error(`${what}: '${uri}' is not s3://bucket/key`);
  return { bucket: match[1]!, key: match[2]! };
}

export function createS3PackSource(options: S3PackSourceOptions): PackSource {
  const { s3, uri, refreshMs, log } = options;
  const { bucket, key } = parseS3Uri(uri);
  const now = options.now ?? Date.now;
  let active: { pack: RulePack; etag: string | undefined } | undefined;
  let checkedAt = -Infinity;
  let refused: { etag: string; reason: string } | undefined;
  let inflight: Promise<RulePack> | undefined;

  const reject = (etag: string | undefined, reason: string, problems: readonly string[]): void => {
    options.metrics?.addMetric('RulePackRejected', 'Count', 1);
    log.error('rule pack refused: keeping the last good pack', {
      uri,
      etag,
      reason,
      problems: problems.slice(0, 200),
      problemCount: problems.length,
      running: (active?.pack ?? options.fallback()).version,
    });
  };

  const refresh = async (): Promise<RulePack> => {
    checkedAt = now();
    let etag: string | undefined;
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      etag = head.ETag;
      if (active && etag !== undefined && etag === active.etag) return active.pack;
      if (refused && etag === refused.etag) {
        reject(etag, refused.reason, [refused.reason]);
        return active?.pack ?? options.fallback();
      }
      if ((head.ContentLength ?? 0) > MAX_PACK_BYTES) throw new RulePackError(uri, [`${head.ContentLength} bytes is larger than a pack may be (${MAX_PACK_BYTES})`]);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(etag ? { IfMatch: etag } : {}) }));
      const text = await got.Body?.transformToString('utf8');
      if (text === undefined) throw new RulePackError(uri, ['GetObject returned no body']);
      const compiled = readCompiledPack(text, uri);
      const pack = loadPackContent(compiled.content, compiled.version);
      const previous = active?.pack.version;
      active = { pack, etag: got.ETag ?? etag };
      refused = undefined;
      log.info('rule pack loaded', {
        uri,
        etag: active.etag,
        version: pack.version,
        previous,
        rules: pack.detector.rules.length,
        createdAt: compiled.header.createdAt,
        ...(pack.replaced.length > 0 ? { replaced: pack.replaced.map((r) => r.id) } : {}),
        ...(pack.errors.length > 0 ? { leftOut: pack.errors.length } : {}),
      });
      // Rules left out when the pack was built (`rules pack --skip-broken`): listed once per load.
      if (pack.errors.length > 0) log.warn('rules the pack was built without', { version: pack.version, errors: pack.errors.slice(0, 200) });
      return pack;
    } catch (error) {
      const problems = error instanceof RulePackError ? error.problems : [(error as Error).message];
      const reason = error instanceof RulePackError ? 'invalid pack' : `cannot read ${uri}: ${(error as Error).name}`;
      // A network failure is retried at the next check; a bad object only when its ETag changes.
      if (error instanceof RulePackError && etag !== undefined) refused = { etag, reason: problems.join('; ').slice(0, 2000) };
      reject(etag, reason, problems);
      return active?.pack ?? options.fallback();
    }
  };

  return {
    current() {
      if (inflight) return inflight;
      if (now() - checkedAt < refreshMs) return Promise.resolve(active?.pack ?? options.fallback());
      inflight = refresh().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
  };
}
