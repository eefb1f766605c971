/** `winsift scan <file|dir|->...`: scan local files with the bundled rules (plus --rules), print alerts. */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createStdoutSink } from '../../alerts/stdout-sink.ts';
import { deadlineIn } from '../../ingest/deadline.ts';
import type { IngestLimits } from '../../ingest/ingest-item.ts';
import { LAYOUT_NAMES, parseLayoutName } from '../../ingest/layout-names.ts';
import { DEFAULT_LIMITS, LIMIT_SPECS, LimitError, parseLimit } from '../../ingest/limits.ts';
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { readRuleDir } from '../../rules/read-rule-dir.ts';
import { loadRulePack } from '../../rules/rule-pack.ts';
import { ScanDeferredError, ScanFailedError, scanStream } from '../../scan/scan-stream.ts';
import { PipelineError } from '../../sigma/index.ts';
import { parseCommandArgs } from '../args.ts';
import { sanitiseDiagnostic } from '../../alerts/sanitise.ts';
import { PIPELINE_ARGS, PIPELINE_HELP, pipelineOptions } from '../pipeline-options.ts';

const HELP = `usage: winsift scan [options] <file|dir|->...

Scans each file (directories recursively, - for stdin) with the bundled rules and prints one
alert per match. Compression, framing and layout are detected per file.

  --rules DIR        add the rule files (.yml Sigma, .toml EQL) under DIR; repeatable
  --format FORMAT    table (default on a terminal) or jsonl (one match per line)
  --layout LAYOUT    force a layout: ${LAYOUT_NAMES.join(' ')}
  --parse-all        parse every record, even those no loaded rule can match (by default they
                     are counted and skipped unparsed, so a malformed one is not reported)
  --time-limit SECS  stop reading a file after SECS seconds of scanning (its alerts so far are
                     printed, the file is reported unreadable); none by default
${PIPELINE_HELP}

work budget per file (lib/ingest/limits.ts; the Lambda reads the same from its environment):
${LIMIT_SPECS.map((spec) => `  --${spec.flag} N`.padEnd(33) + `${spec.meaning} (default ${DEFAULT_LIMITS[spec.name]})`).join('\n')}

exit status: 0 when every file was read whole, 2 when any input was unreadable (a one-line reason
per bad file goes to stderr; the other files are still scanned), 1 on usage errors.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('scan', args, {
    rules: { type: 'string', multiple: true },
    format: { type: 'string' },
    layout: { type: 'string' },
    'parse-all': { type: 'boolean' },
    'time-limit': { type: 'string' },
    ...LIMIT_FLAGS,
    help: { type: 'boolean', short: 'h' },
    ...PIPELINE_ARGS,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(`winsift scan: name at least one file, directory or -\n\n${HELP}`);
    return 1;
  }
  const format = values.format ?? (process.stdout.isTTY ? 'table' : 'jsonl');
  if (format !== 'table' && format !== 'jsonl') {
    console.error(`winsift scan: --format must be table or jsonl, not '${format}'`);
    return 1;
  }

  const layout = values.layout === undefined ? undefined : parseLayoutName(values.layout, '--layout');
  let options;
  let limits: Partial<Record<keyof IngestLimits, number>>;
  let timeLimitMs: number | undefined;
  try {
    options = pipelineOptions(values);
    limits = limitsFromFlags(values as Record<string, unknown>);
    timeLimitMs = values['time-limit'] === undefined ? undefined : parseLimit(values['time-limit'], '--time-limit') * 1000;
  } catch (error) {
    if (!(error instanceof PipelineError) && !(error instanceof LimitError)) throw error;
    console.error(`winsift scan: ${error.message}`);
    return 1;
  }
  const pack = loadRulePack([...bundledRuleFiles(), ...(values.rules ?? []).flatMap((dir) => readRuleDir(dir))], options);
  if (pack.errors.length > 0) {
    console.error(
      `winsift scan: ${pack.errors.length} rule(s) could not be loaded and are not used; 'winsift rules lint DIR' lists why`,
    );
  }

  const totals = { files: 0, events: 0, skipped: 0, matches: 0, unreadable: 0, badFiles: 0 };
  for (const path of expandInputs(positionals)) {
    totals.files++;
    const uri = path;
    const input = path === '-' ? process.stdin : createReadStream(path);
    const sink = createStdoutSink(process.stdout, format);
    try {
      const { summary } = await scanStream(input, {
        uri,
        detector: pack.detector,
        sink,
        ingest: { ...(layout ? { layout } : {}), limits },
        prefilter: !values['parse-all'],
        ...(timeLimitMs === undefined ? {} : { deadline: deadlineIn(timeLimitMs, `--time-limit ${values['time-limit']}`) }),
      });
      totals.events += summary.events;
      totals.skipped += summary.skipped;
      totals.matches += summary.matches;
      totals.unreadable += summary.unreadable;
      if (summary.unreadable > 0) {
        totals.badFiles++;
        console.error(sanitiseDiagnostic(`winsift: ${uri}: ${summary.unreadable} unreadable record(s); first: ${summary.errors[0]}`));
      }
    } catch (error) {
      if (isFileSystemError(error)) {
        // A missing or unreadable file is bad input like any other: report it, scan the rest.
        totals.badFiles++;
        console.error(sanitiseDiagnostic(`winsift: ${uri}: ${error.message}`));
        continue;
      }
      if (!(error instanceof ScanFailedError || error instanceof ScanDeferredError)) throw error;
      const { summary } = error.result;
      totals.events += summary.events;
      totals.skipped += summary.skipped;
      totals.matches += summary.matches;
      totals.unreadable += summary.unreadable;
      totals.badFiles++;
      console.error(sanitiseDiagnostic(`winsift: ${error.cause.message}`));
    }
  }
  console.error(
    `winsift: scanned ${totals.files} file(s), ${totals.events} event(s) ` +
      `(+${totals.skipped} record(s) no rule can match, skipped unparsed), ${totals.matches} match(es), ` +
      `${totals.unreadable} unreadable record(s), ${pack.detector.rules.length} rule(s)`,
  );
  return totals.badFiles > 0 ? 2 : 0;
}

const LIMIT_FLAGS = Object.fromEntries(LIMIT_SPECS.map((spec) => [spec.flag, { type: 'string' as const }])) as Record<
  string,
  { type: 'string' }
>;

function limitsFromFlags(values: Record<string, unknown>): Partial<Record<keyof IngestLimits, number>> {
  const limits: Partial<Record<keyof IngestLimits, number>> = {};
  for (const spec of LIMIT_SPECS) {
    const text = values[spec.flag];
    if (typeof text === 'string') limits[spec.name] = parseLimit(text, `--${spec.flag}`);
  }
  return limits;
}

/** Files named, and every file under directories named (hidden entries skipped), in a stable order. */
function expandInputs(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (path !== '-' && statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      const children = readdirSync(path)
        .filter((name) => !name.startsWith('.'))
        .sort()
        .map((name) => join(path, name));
      files.push(...expandInputs(children));
    } else {
      files.push(path);
    }
  }
  return files;
}

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
