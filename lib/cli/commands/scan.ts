/** `winsift scan <file|dir|->...`: scan local files with the bundled rules (plus --rules), print alerts. */
import { statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { type Grouping, DEFAULT_AGGREGATION } from '../../alerts/aggregator.ts';
import { LAYOUT_NAMES, parseLayoutName } from '../../ingest/layout-names.ts';
import { LEVELS } from '../../rules/rule.ts';
import { defineCommand, oneOf, UsageError, wholeNumber } from '../command.ts';
import { EXIT } from '../exit-status.ts';
import { reportCollector, renderReport } from '../output/html-report.ts';
import { csvOutput, jsonlOutput, ocsfOutput, OUTPUT_FORMATS, tableOutput, type AlertOutput } from '../output/outputs.ts';
import { timelineOutput } from '../output/timeline.ts';
import { wrapIndented } from '../output/text.ts';
import { streamWriter } from '../output/writer.ts';
import { LIMIT_OPTIONS, workBudget } from '../limit-options.ts';
import { describeRuleErrors, loadRulesWithContent, RULE_OPTIONS } from '../rule-options.ts';
import { writeCompiledPack } from '../../rules/compiled-pack.ts';
import { planInputs } from '../scan/inputs.ts';
import { createProgress } from '../scan/progress.ts';
import { runScan, SPLIT_FROM_BYTES, whyOneThread } from '../scan/run-scan.ts';
import { workAtLeast } from '../scan/work-size.ts';
import type { InputFile } from '../scan/inputs.ts';
import type { FileScanSettings } from '../scan/scan-file.ts';
import { formatSummary } from '../scan/run-stats.ts';
import { version } from '../version.ts';
import { describeStateTotals, openLocalState } from '../../state/local-state.ts';
import { timespanSetting } from '../../state/state-config.ts';

const GROUPINGS: readonly Grouping[] = ['object-rule-host', 'object-rule', 'event'];

export const command = defineCommand({
  name: 'scan',
  summary: 'scan files, directories or stdin with the rules; alerts to stdout',
  usage: '[options] <file|dir|->...',
  description: `Scans each file (directories recursively, - for stdin) with the bundled rules and prints
the alerts on stdout; progress (on a terminal) and a summary go to stderr. Compression, framing
and layout are detected per file. In directories, hidden entries are skipped and files that are
not logs (README.md, images: judged by their first bytes) are skipped; both are counted.`,
  options: {
    ...RULE_OPTIONS,
    format: {
      type: 'string',
      value: 'FORMAT',
      help: `${OUTPUT_FORMATS.join(', ')}: table on a terminal, else jsonl; ocsf writes the
OCSF Detection Findings the function publishes`,
    },
    timeline: {
      type: 'boolean',
      help: 'every alert of the run sorted by event time (a DFIR timeline), as --format csv\n(default) or jsonl',
    },
    report: { type: 'string', value: 'FILE.html', help: 'also write a self-contained HTML report to FILE.html' },
    group: {
      type: 'string',
      value: 'GROUPING',
      help: `${GROUPINGS.join(', ')}: fold matches into alerts as the function does
(default object-rule-host for table and ocsf, event for jsonl, csv, timeline)`,
    },
    'min-level': { type: 'string', value: 'LEVEL', help: `show alerts of rules at LEVEL or above: ${LEVELS.join(', ')}` },
    rule: { type: 'string', multiple: true, value: 'ID|GLOB', help: 'show only rules whose id or title matches; repeatable' },
    'exclude-rule': { type: 'string', multiple: true, value: 'ID|GLOB', help: 'hide rules whose id or title matches; repeatable' },
    tag: { type: 'string', multiple: true, value: 'TAG|GLOB', help: 'show only rules with a matching tag (attack.t1197, attack.t1*);\nrepeatable' },
    include: { type: 'string', multiple: true, value: 'GLOB', help: 'in directories, scan only files matching (*.evtx, sub/**/*.json)' },
    exclude: { type: 'string', multiple: true, value: 'GLOB', help: 'in directories, skip files matching; repeatable' },
    layout: { type: 'string', value: 'LAYOUT', help: `force a layout: ${LAYOUT_NAMES.join(' ')}` },
    'parse-all': {
      type: 'boolean',
      help: 'parse every record, even those no loaded rule can match (by default\nthey are counted and skipped unparsed, so a malformed one is not reported)',
    },
    width: { type: 'string', value: 'N', help: 'table width (default: the terminal\'s, 80 when not a terminal)' },
    quiet: { type: 'boolean', short: 'q', help: 'no progress line and no summary (problems are still reported)' },
    state: {
      type: 'string',
      value: 'FILE',
      help: 'keep correlation and suppression state in this SQLite file, so correlations\nspan files and runs, and re-scanning a file adds nothing (lib/state)',
    },
    suppress: {
      type: 'string',
      value: 'WINDOW',
      help: 'with --state: repeats of a rule on one host within WINDOW (e.g. 1h) are\ncounted, then reported as one "N more"; replaces the --config default\'s window\n(a rule\'s suppress: and the config\'s suppress.rules win over it)',
    },
    lateness: { type: 'string', value: 'WINDOW', help: 'with --state: how late in event time an event may still join (default 15m)' },
    threads: {
      type: 'string',
      value: 'N',
      help: `scan N files at once in worker threads (default: the ${availableParallelism()} cores here when the\nfiles add up to 64 MiB or more, a compressed file counting 10 times its size;\nelse 1), and split a file of --split-from bytes or more across them; 1 scans in\nthis thread. Output is the same and in the same order either way; --state uses\none thread (its correlations need the files in order), and a pack with EQL\nsequences or Sigma correlations splits no file`,
    },
    'split-from': {
      type: 'string',
      value: 'BYTES',
      help: 'with --threads > 1: a file of this many bytes or more (a compressed one counting\n10 times its size) is read and matched in pieces by every thread (EVTX chunk\nranges; batches of records cut here from a text log, compressed or not);\ndefault 67108864 (64 MiB)',
    },
    ...LIMIT_OPTIONS,
  },
  epilogue: `Stdout carries only alerts: \`npx winsift scan logs/ > alerts.jsonl\` writes a clean file.

exit status: 0 when every input was read whole (alerts or not); 2 when any input was unreadable in
part or whole (one line per bad file on stderr, the other files still scanned); 1 on usage
errors. A closed stdout (| head) ends winsift quietly by SIGPIPE (status 141 in the shell).`,
  async action({ values, positionals }) {
    if (positionals.length === 0) throw new UsageError('name at least one file, directory or -');
    const stdoutTty = process.stdout.isTTY === true;
    const timeline = values.timeline === true;
    const format = values.format === undefined ? (timeline ? 'csv' : stdoutTty ? 'table' : 'jsonl') : oneOf('format', values.format, OUTPUT_FORMATS);
    if (timeline && format !== 'csv' && format !== 'jsonl') throw new UsageError(`--timeline writes csv or jsonl, not --format ${format}`);
    const grouping =
      values.group === undefined
        ? format === 'table' || format === 'ocsf'
          ? DEFAULT_AGGREGATION.grouping
          : 'event'
        : oneOf('group', values.group, GROUPINGS);
    const minLevel = values['min-level'] === undefined ? undefined : oneOf('min-level', values['min-level'], LEVELS);
    const width = values.width === undefined ? (stdoutTty && process.stdout.columns) || 80 : wholeNumber('width', values.width, 40);
    const layout = values.layout === undefined ? undefined : parseLayout(values.layout);
    const reportPath = values.report;
    if (reportPath !== undefined && !statSync(dirname(reportPath), { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`--report ${reportPath}: no such directory ${dirname(reportPath)}`);
    }

    const budget = workBudget(values);
    if ((values.suppress !== undefined || values.lateness !== undefined) && values.state === undefined) {
      throw new UsageError('--suppress and --lateness need --state FILE');
    }
    for (const name of ['suppress', 'lateness'] as const) {
      const text = values[name];
      if (text === undefined) continue;
      try {
        timespanSetting(text, `--${name}`);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    if (values.state !== undefined && !statSync(dirname(values.state), { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`--state ${values.state}: no such directory ${dirname(values.state)}`);
    }
    const threadsAsked = values.threads === undefined ? undefined : threadCount(values.threads);
    const { pack, content } = loadRulesWithContent(values);
    const err = process.stderr;
    const errWidth = err.isTTY ? err.columns || 80 : undefined;
    if (pack.errors.length > 0) {
      const lines = [`winsift scan: ${pack.errors.length} rule(s) could not be loaded and are not used:`, ...describeRuleErrors(pack.errors)];
      err.write(`${(errWidth ? lines.flatMap((l) => wrapIndented(l, errWidth)) : lines).join('\n')}\n`);
    }
    // Said rather than silently not done: suppression needs somewhere to keep its windows.
    if (pack.suppress && values.state === undefined && values.quiet !== true) {
      err.write("winsift scan: the pack configuration's suppress: section applies only with --state FILE\n");
    }
    const plan = planInputs(positionals, { include: values.include ?? [], exclude: values.exclude ?? [] });
    const quiet = values.quiet === true;
    const totalBytes = plan.files.every((f) => f.size !== undefined) ? plan.files.reduce((n, f) => n + (f.size ?? 0), 0) : undefined;
    const progress = createProgress(err, { files: plan.files.length, ...(totalBytes === undefined ? {} : { bytes: totalBytes }) }, err.isTTY === true && !quiet);

    // Stdout and stderr on one terminal: the progress line is erased before alerts are written.
    const out = streamWriter(process.stdout, stdoutTty ? () => progress.clear() : undefined);
    const outputs: AlertOutput[] = [
      timeline
        ? timelineOutput(out, format === 'jsonl' ? 'jsonl' : 'csv')
        : format === 'table'
          ? tableOutput(out, { width, counts: grouping !== 'event' })
          : format === 'csv'
            ? csvOutput(out)
            : format === 'ocsf'
              ? ocsfOutput(out)
              : jsonlOutput(out),
    ];
    const report = reportPath === undefined ? undefined : reportCollector();
    if (report) outputs.push(report);

    // Opened once for the run: every file's correlations and suppression windows meet in it.
    const crossObject =
      values.state === undefined
        ? undefined
        : openLocalState(pack, {
            path: values.state,
            ...(values.suppress === undefined ? {} : { suppress: values.suppress }),
            ...(values.lateness === undefined ? {} : { lateness: values.lateness }),
          });
    const settings: FileScanSettings = {
      ingest: { ...(layout ? { layout } : {}), limits: budget.limits },
      ...(budget.timeLimitMs === undefined ? {} : { timeLimitMs: budget.timeLimitMs, timeLimitLabel: `--time-limit ${budget.timeLimitText}` }),
      prefilter: values['parse-all'] !== true,
      ...(crossObject ? { crossObject } : {}),
      aggregation: { grouping, maxEventsPerAlert: DEFAULT_AGGREGATION.maxEventsPerAlert },
      filter: {
        ...(minLevel === undefined ? {} : { minLevel }),
        rules: values.rule ?? [],
        excludeRules: values['exclude-rule'] ?? [],
        tags: values.tag ?? [],
      },
    };
    const oneThread = whyOneThread(settings);
    if (oneThread && threadsAsked !== undefined && threadsAsked > 1) progress.log(`winsift: ${oneThread}\n`);
    const threads = threadsAsked ?? defaultThreads(plan.files);
    const splitFromBytes = values['split-from'] === undefined ? SPLIT_FROM_BYTES : wholeNumber('split-from', values['split-from'], 1);
    if (!oneThread && threads > 1 && pack.detector.keepsState?.() === true && plan.files.some((f) => workAtLeast([f], splitFromBytes))) {
      progress.log('winsift: the pack has rules spanning events (EQL sequences, Sigma correlations), which need each file\'s events in order: no file is split across threads\n');
    }
    const stats = await runScan({
      plan,
      detector: pack.detector,
      settings,
      threads,
      splitFromBytes,
      // Workers get the pack compiled here, as JSON: they parse no YAML (lib/rules/compiled-pack.ts).
      workerPack: () => ({ packText: writeCompiledPack(content, { name: 'local', config: null, now: null }), packVersion: pack.version }),
      outputs,
      progress,
    }).finally(() => crossObject?.store.close());
    if (report && reportPath !== undefined) {
      writeFileSync(
        reportPath,
        renderReport({
          stats,
          rows: report.rows,
          times: report.times,
          version: version(),
          generatedAt: new Date(),
          inputs: positionals,
          rulesLoaded: pack.detector.rules.length,
        }),
      );
    }
    if (!quiet) {
      err.write(formatSummary(stats, pack.detector.rules.length, errWidth, pack.errors.length));
      if (reportPath !== undefined) err.write(`  report: ${reportPath}\n`);
      const stateLine = describeStateTotals(stats.state);
      if (stateLine) err.write(`${stateLine}\n`);
    }
    return stats.badInput ? EXIT.badInput : EXIT.ok;
  },
});

export const run = command.run;

/**
 * Below this many bytes in all (`workBytes`: a compressed file counts ten times its size), a scan
 * without `--threads` runs in one thread: each worker costs
 * about 0.9 s of CPU (start-up, its own JIT warm-up and GC; bench/threads.ts), about what
 * scanning 64 MiB costs here, so a smaller scan would only be slower.
 */
const PARALLEL_FROM_BYTES = 64 * 2 ** 20;

/** Stdin counts for nothing: it is read by the main thread anyway. */
function defaultThreads(files: readonly InputFile[]): number {
  return workAtLeast(files, PARALLEL_FROM_BYTES) ? availableParallelism() : 1;
}

/** `--threads N`: a whole number of at least 1. */
export function threadCount(value: string): number {
  return wholeNumber('threads', value, 1);
}

function parseLayout(value: string) {
  try {
    return parseLayoutName(value, '--layout');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
