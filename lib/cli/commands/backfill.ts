/** `winsift backfill`: re-scan an S3 prefix, through the deployed state machine or (--local) from here. */
import { S3Client } from '@aws-sdk/client-s3';
import { createStdoutSink } from '../../alerts/stdout-sink.ts';
import { parseDayWindow } from '../../backfill/day-window.ts';
import { runLocalBackfill } from '../../backfill/local-backfill.ts';
import { backfillInput, startBackfill } from '../../backfill/start-backfill.ts';
import { createS3ObjectScanner } from '../../invocation/s3-object-scanner.ts';
import type { Log } from '../../invocation/scan-objects.ts';
import { defineCommand, oneOf, type OptionSpecs, type Parsed, UsageError, wholeNumber } from '../command.ts';
import { describeRuleErrors, loadRules, RULE_OPTIONS } from '../rule-options.ts';

const OPTIONS = {
  bucket: { type: 'string', value: 'BUCKET', help: 'the bucket to re-scan (required)' },
  prefix: { type: 'string', value: 'PREFIX', help: 'only keys under PREFIX' },
  since: { type: 'string', value: 'YYYYMMDD', help: 'first day (dt=YYYYMMDD/ in the key), inclusive' },
  until: { type: 'string', value: 'YYYYMMDD', help: 'last day, inclusive' },
  local: { type: 'boolean', help: 'scan from this machine (AWS credentials from the usual chain) and print alerts' },
  'state-machine': { type: 'string', value: 'ARN', help: 'the deployed backfill state machine (default: $WINSIFT_BACKFILL_STATE_MACHINE)' },
  ...RULE_OPTIONS,
  format: { type: 'string', value: 'FORMAT', help: 'with --local: table (default on a terminal) or jsonl' },
  concurrency: { type: 'string', value: 'N', help: 'with --local: objects scanned at once (default 4)' },
} as const satisfies OptionSpecs;

export const command = defineCommand({
  name: 'backfill',
  summary: 're-scan an S3 prefix (Step Functions, or --local)',
  usage: '--bucket BUCKET [--prefix PREFIX] [--since YYYYMMDD] [--until YYYYMMDD] [options]',
  description: `Re-scans every object under s3://BUCKET/PREFIX (for when rules change or a bucket is onboarded).
--since/--until (inclusive) keep only keys whose dt=YYYYMMDD/ segment is in the window; keys with
no dt= segment are always scanned. Through the deployed state machine, alerts already published
for an object are not published again; --local prints every match.`,
  options: OPTIONS,
  epilogue: `exit status: 0 when every object was scanned (or the execution started), 2 when any object
could not be scanned, 1 on usage errors.`,
  action,
});

export const run = command.run;

async function action({ values, positionals }: Parsed<typeof OPTIONS>): Promise<number> {
  if (!values.bucket) throw new UsageError('--bucket is required');
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  let window;
  try {
    window = parseDayWindow(values.since, values.until);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const prefix = values.prefix ?? '';

  if (!values.local) {
    const arn = values['state-machine'] ?? process.env['WINSIFT_BACKFILL_STATE_MACHINE'];
    if (!arn) throw new UsageError('name the state machine with --state-machine ARN (or WINSIFT_BACKFILL_STATE_MACHINE), or scan from here with --local');
    const execution = await startBackfill(arn, backfillInput(values.bucket, prefix, window));
    console.log(execution);
    return 0;
  }

  const format = values.format === undefined ? (process.stdout.isTTY ? 'table' : 'jsonl') : oneOf('format', values.format, ['table', 'jsonl'] as const);
  const concurrency = values.concurrency === undefined ? 4 : wholeNumber('concurrency', values.concurrency);
  const pack = loadRules(values);
  if (pack.errors.length > 0) {
    console.error(`winsift backfill: ${pack.errors.length} rule(s) could not be loaded and are not used:\n${describeRuleErrors(pack.errors).join('\n')}`);
  }

  const s3 = new S3Client({});
  const log: Log = {
    info() {},
    warn: (message) => console.error(`winsift backfill: ${message}`),
    error: (message) => console.error(`winsift backfill: ${message}`),
  };
  const { listed, reports } = await runLocalBackfill({
    s3,
    bucket: values.bucket,
    prefix,
    window,
    concurrency,
    log,
    scanner: createS3ObjectScanner({ s3, detector: pack.detector, sinkFor: () => createStdoutSink(process.stdout, format) }),
  });
  const count = (status: string) => reports.filter((r) => r.status === status).length;
  const bad = reports.filter((r) => r.status === 'failed' || r.status === 'refused' || r.status === 'partial').length;
  console.error(
    `winsift backfill: s3://${values.bucket}/${prefix} (${window.label}): ${listed} listed, ` +
      `${count('clean') + count('matched') + count('partial')} scanned, ${count('skipped')} skipped, ${count('failed') + count('refused')} not scanned, ` +
      `${reports.reduce((n, r) => n + (r.matches ?? 0), 0)} match(es)`,
  );
  return bad > 0 ? 2 : 0;
}
