/** `winsift backfill`: re-scan an S3 prefix, through the deployed state machine or (--local) from here. */
import { S3Client } from '@aws-sdk/client-s3';
import { createStdoutSink } from '../../alerts/stdout-sink.ts';
import { parseDayWindow } from '../../backfill/day-window.ts';
import { runLocalBackfill } from '../../backfill/local-backfill.ts';
import { backfillInput, startBackfill } from '../../backfill/start-backfill.ts';
import { createS3ObjectScanner } from '../../invocation/s3-object-scanner.ts';
import type { Log } from '../../invocation/scan-objects.ts';
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { readRuleDir } from '../../rules/read-rule-dir.ts';
import { loadRulePack } from '../../rules/rule-pack.ts';
import { parseCommandArgs } from '../args.ts';

const HELP = `usage: winsift backfill --bucket BUCKET [--prefix PREFIX] [--since YYYYMMDD] [--until YYYYMMDD] [options]

Re-scans every object under s3://BUCKET/PREFIX (for when rules change or a bucket is onboarded).
--since/--until (inclusive) keep only keys whose dt=YYYYMMDD/ segment is in the window; keys with
no dt= segment are always scanned. Through the deployed state machine, alerts already published
for an object are not published again; --local prints every match.

  --local               scan from this machine (AWS credentials from the usual chain) and print alerts
  --state-machine ARN   the deployed backfill state machine (default: $WINSIFT_BACKFILL_STATE_MACHINE)
  --rules DIR           with --local: add rule files under DIR; repeatable
  --format FORMAT       with --local: table (default on a terminal) or jsonl
  --concurrency N       with --local: objects scanned at once (default 4)

exit status: 0 when every object was scanned (or the execution started), 2 when any object
could not be scanned, 1 on usage errors.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('backfill', args, {
    bucket: { type: 'string' },
    prefix: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    local: { type: 'boolean' },
    'state-machine': { type: 'string' },
    rules: { type: 'string', multiple: true },
    format: { type: 'string' },
    concurrency: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.bucket || positionals.length > 0) {
    console.error(`winsift backfill: ${values.bucket ? `unexpected argument '${positionals[0]}'` : '--bucket is required'}\n\n${HELP}`);
    return 1;
  }
  let window;
  try {
    window = parseDayWindow(values.since, values.until);
  } catch (error) {
    console.error(`winsift backfill: ${(error as Error).message}`);
    return 1;
  }
  const prefix = values.prefix ?? '';

  if (!values.local) {
    const arn = values['state-machine'] ?? process.env['WINSIFT_BACKFILL_STATE_MACHINE'];
    if (!arn) {
      console.error('winsift backfill: name the state machine with --state-machine ARN (or WINSIFT_BACKFILL_STATE_MACHINE), or scan from here with --local');
      return 1;
    }
    const execution = await startBackfill(arn, backfillInput(values.bucket, prefix, window));
    console.log(execution);
    return 0;
  }

  const format = values.format ?? (process.stdout.isTTY ? 'table' : 'jsonl');
  if (format !== 'table' && format !== 'jsonl') {
    console.error(`winsift backfill: --format must be table or jsonl, not '${format}'`);
    return 1;
  }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    console.error(`winsift backfill: --concurrency must be a positive whole number, not '${values.concurrency}'`);
    return 1;
  }
  const pack = loadRulePack([...bundledRuleFiles(), ...(values.rules ?? []).flatMap((dir) => readRuleDir(dir))]);
  for (const e of pack.errors) console.error(`winsift backfill: rule not loaded: ${e.file}: ${e.reason}`);

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
