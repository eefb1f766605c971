/**
 * The buckets: where logs land (imported when `logBucketName` is given, else created), winsift's
 * own state (published-alert markers and backfill summaries), and the server access logs of both.
 * All private, encrypted, TLS-only.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export const PUBLISH_RECORD_PREFIX = 'published-alerts';
export const BACKFILL_RESULTS_PREFIX = 'backfill-results';

const PRIVATE: s3.BucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
};

export function accessLogBucket(scope: Construct): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogBucket', {
    ...PRIVATE,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(365) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'This is the server access log bucket; logging it into itself would loop.',
  });
  return bucket;
}

export function logBucket(scope: Construct, name: string | undefined, accessLogs: s3.IBucket): s3.IBucket {
  if (name !== undefined) return s3.Bucket.fromBucketName(scope, 'LogBucket', name);
  return new s3.Bucket(scope, 'LogBucket', {
    ...PRIVATE,
    versioned: true,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: 'log-bucket/',
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** Markers expire after `publishRecordDays` (a re-scan of older objects alerts again); summaries after 90 days. */
export function stateBucket(scope: Construct, publishRecordDays: number, accessLogs: s3.IBucket): s3.Bucket {
  return new s3.Bucket(scope, 'StateBucket', {
    ...PRIVATE,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: 'state-bucket/',
    lifecycleRules: [
      { prefix: `${PUBLISH_RECORD_PREFIX}/`, expiration: Duration.days(publishRecordDays) },
      { prefix: `${BACKFILL_RESULTS_PREFIX}/`, expiration: Duration.days(90) },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** Where runtime rule packs are published (`winsift rules publish`): versioned, so a bad pack is rolled back by restoring the previous version. */
export function rulePackBucket(scope: Construct, accessLogs: s3.IBucket): s3.Bucket {
  return new s3.Bucket(scope, 'RulePackBucket', {
    ...PRIVATE,
    versioned: true,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: 'rule-pack-bucket/',
    lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
