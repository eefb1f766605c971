/**
 * The deployment's parameters, from CDK context (`cdk.json` or `-c key=value`). Every value is
 * checked here, so a typo fails `cdk synth` with the key's name instead of deploying a surprise.
 *
 * | context key            | meaning                                                        | default                |
 * |------------------------|----------------------------------------------------------------|------------------------|
 * | logBucketName          | import this existing bucket; absent: create one                | create                 |
 * | keyPrefix / keySuffix  | only objects under the prefix / ending with the suffix         | none                   |
 * | alertEmails            | comma-separated addresses subscribed to the alert topic        | none                   |
 * | emailMinSeverity       | lowest rule level e-mailed (informational..critical)           | high                   |
 * | memoryMb               | scan function memory                                           | 1024                   |
 * | timeoutSeconds         | scan function timeout                                          | 300                    |
 * | reservedConcurrency    | scan function reserved concurrency                             | unreserved             |
 * | maxObjectBytes         | refuse larger objects                                          | 5368709120 (5 GiB)     |
 * | backfillSchedule       | EventBridge Scheduler expression for the backfill, or `none`   | none                   |
 * | backfillMaxConcurrency | Distributed Map child executions at once                       | 10                     |
 * | backfillToleratedFailurePercent | share of objects that may fail before the run fails   | 5                      |
 * | publishRecordDays      | days published-alert markers are kept (re-scans older re-alert) | 400                   |
 * | functionAssetDir       | the bundled function (scripts/build.ts output)                 | dist/functions/scan    |
 * | stateLateness          | how late (event time) an event may join cross-object windows    | 15m                    |
 * | suppressWindow         | suppression window for rules without their own `suppress`      | none                   |
 * | rulePack               | build-time pack: a rule directory or pack configuration file,  | bundled rules only     |
 * |                        | precompiled into the function asset (infra/rule-pack-asset.ts) |                        |
 * | rulesS3Uri             | runtime pack object s3://bucket/key the function reads         | none                   |
 * | rulePackKmsKeyArn      | the KMS key rulesS3Uri's object is encrypted with (SSE-KMS):   | none                   |
 * |                        | the function may decrypt with it, only through S3, that object |                        |
 * | rulePackBucket         | `create`: make a pack bucket, runtime pack at rulePackKey in it | none                  |
 * | rulePackKey            | the pack's key in the created bucket                           | rule-packs/winsift.json |
 * | rulesRefreshSeconds    | how often the function re-checks the runtime pack's ETag       | 300                    |
 */
import { LEVELS, type Level } from '../lib/rules/rule.ts';

export interface StackConfig {
  readonly logBucketName?: string;
  readonly keyPrefix: string;
  readonly keySuffix?: string;
  readonly alertEmails: readonly string[];
  readonly emailMinSeverity: Level;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency?: number;
  readonly maxObjectBytes: number;
  readonly backfillSchedule?: string;
  readonly backfillMaxConcurrency: number;
  readonly backfillToleratedFailurePercent: number;
  readonly publishRecordDays: number;
  readonly functionAssetDir: string;
  readonly stateLateness: string;
  readonly suppressWindow?: string;
  readonly rulePack?: string;
  /** The runtime pack: an existing object, or a key in the bucket the stack creates. */
  readonly runtimePack?: { readonly uri: string; readonly kmsKeyArn?: string } | { readonly createBucket: true; readonly key: string };
  readonly rulesRefreshSeconds: number;
}

type Context = (key: string) => unknown;

export function readStackConfig(context: Context): StackConfig {
  const text = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`context ${key}: expected text, got ${JSON.stringify(value)}`);
    return String(value);
  };
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`context ${key}: '${raw}' is not a whole number from ${min} to ${max}`);
    return value;
  };

  const emails = (text('alertEmails') ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  for (const email of emails) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`context alertEmails: '${email}' is not an e-mail address`);
  }
  const severity = text('emailMinSeverity') ?? 'high';
  if (!LEVELS.includes(severity as Level)) throw new Error(`context emailMinSeverity: '${severity}' is not one of ${LEVELS.join(', ')}`);
  const schedule = text('backfillSchedule');
  if (schedule !== undefined && schedule !== 'none' && !/^(rate|cron)\(.+\)$/.test(schedule)) {
    throw new Error(`context backfillSchedule: '${schedule}' is not a Scheduler expression like rate(7 days) or cron(0 3 ? * SUN *)`);
  }
  const timeoutSeconds = int('timeoutSeconds', 300, 30, 900);
  const keyPrefix = text('keyPrefix') ?? '';
  const keySuffix = text('keySuffix');
  const logBucketName = text('logBucketName');
  const timespan = (key: string): string | undefined => {
    const raw = text(key);
    if (raw !== undefined && !/^\d+[smhd]$/.test(raw)) throw new Error(`context ${key}: '${raw}' is not a timespan like 15m or 1h`);
    return raw;
  };
  const suppressWindow = timespan('suppressWindow');
  const rulePack = text('rulePack');
  const rulesS3Uri = text('rulesS3Uri');
  const rulePackBucket = text('rulePackBucket');
  const rulePackKey = text('rulePackKey') ?? 'rule-packs/winsift.json';
  const rulePackKmsKeyArn = text('rulePackKmsKeyArn');
  // A key ARN, not an alias: a grant on an alias ARN does not cover decrypting with the key.
  if (rulePackKmsKeyArn !== undefined && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(rulePackKmsKeyArn)) {
    throw new Error(`context rulePackKmsKeyArn: '${rulePackKmsKeyArn}' is not a KMS key ARN (arn:aws:kms:region:account:key/id)`);
  }
  if (rulePackKmsKeyArn !== undefined && rulesS3Uri === undefined) {
    throw new Error('context rulePackKmsKeyArn: only with rulesS3Uri (a bucket the stack creates uses its own encryption)');
  }
  if (rulesS3Uri !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/.test(rulesS3Uri)) {
    throw new Error(`context rulesS3Uri: '${rulesS3Uri}' is not s3://bucket/key`);
  }
  if (rulePackBucket !== undefined && rulePackBucket !== 'create') throw new Error(`context rulePackBucket: '${rulePackBucket}' is not 'create' (to use an existing bucket, give rulesS3Uri)`);
  if (rulePackBucket !== undefined && rulesS3Uri !== undefined) throw new Error('context rulePackBucket and rulesS3Uri: give one (create a pack bucket, or read an existing object)');
  if (/^\/|\*|\?/.test(rulePackKey) || rulePackKey.length > 1024) throw new Error(`context rulePackKey: '${rulePackKey}' is not a plain object key`);
  const runtimePack: StackConfig['runtimePack'] =
    rulesS3Uri !== undefined
      ? { uri: rulesS3Uri, ...(rulePackKmsKeyArn === undefined ? {} : { kmsKeyArn: rulePackKmsKeyArn }) }
      : rulePackBucket === 'create' ? { createBucket: true, key: rulePackKey } : undefined;

  return {
    ...(logBucketName === undefined ? {} : { logBucketName }),
    keyPrefix,
    ...(keySuffix === undefined ? {} : { keySuffix }),
    alertEmails: emails,
    emailMinSeverity: severity as Level,
    memoryMb: int('memoryMb', 1024, 128, 10240),
    timeoutSeconds,
    ...(text('reservedConcurrency') === undefined ? {} : { reservedConcurrency: int('reservedConcurrency', 0, 1, 10000) }),
    maxObjectBytes: int('maxObjectBytes', 5 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    ...(schedule === undefined || schedule === 'none' ? {} : { backfillSchedule: schedule }),
    backfillMaxConcurrency: int('backfillMaxConcurrency', 10, 1, 10000),
    backfillToleratedFailurePercent: int('backfillToleratedFailurePercent', 5, 0, 100),
    publishRecordDays: int('publishRecordDays', 400, 1, 3650),
    functionAssetDir: text('functionAssetDir') ?? 'dist/functions/scan',
    stateLateness: timespan('stateLateness') ?? '15m',
    ...(suppressWindow === undefined ? {} : { suppressWindow }),
    ...(rulePack === undefined ? {} : { rulePack }),
    ...(runtimePack === undefined ? {} : { runtimePack }),
    rulesRefreshSeconds: int('rulesRefreshSeconds', 300, 1, 86400),
  };
}

/** The levels e-mailed for a threshold: `high` -> high, critical. */
export function levelsFrom(min: Level): Level[] {
  return LEVELS.slice(LEVELS.indexOf(min));
}
