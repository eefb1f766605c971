/** `winsift scan <file|dir|->...`: scan local files with the bundled rules (plus --rules), print alerts. */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createStdoutSink } from '../../alerts/stdout-sink.ts';
import { LAYOUT_NAMES, parseLayoutName } from '../../ingest/layout-names.ts';
import { bundledRuleFiles } from '../../rules/bundled.ts';
import { readRuleDir } from '../../rules/read-rule-dir.ts';
import { loadRulePack } from '../../rules/rule-pack.ts';
import { FIRST_CONFIG_LAYER, loadConfiguredPack } from '../../rules/build-pack.ts';
import { PackConfigError } from '../../rules/pack-config.ts';
import { ScanFailedError, scanStream } from '../../scan/scan-stream.ts';
import { PipelineError } from '../../sigma/index.ts';
import { parseCommandArgs } from '../args.ts';
import { PIPELINE_ARGS, PIPELINE_HELP, pipelineOptions } from '../pipeline-options.ts';

const HELP = `usage: winsift scan [options] <file|dir|->...

Scans each file (directories recursively, - for stdin) with the bundled rules and prints one
alert per match. Compression, framing and layout are detected per file.

  --rules DIR        add the rule files (.yml Sigma, .toml EQL) under DIR; repeatable
  --config FILE      the rules a pack configuration selects (lib/rules/pack-config.ts), as
                     the function runs them; a rule directory stands for \`rules: [DIR]\`
  --format FORMAT    table (default on a terminal) or jsonl (one match per line)
  --layout LAYOUT    force a layout: ${LAYOUT_NAMES.join(' ')}
  --parse-all        parse every record, even those no loaded rule can match (by default they
                     are counted and skipped unparsed, so a malformed one is not reported)
${PIPELINE_HELP}

exit status: 0 when every file was read whole, 2 when any input was unreadable (a one-line reason
per bad file goes to stderr; the other files are still scanned), 1 on usage errors.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('scan', args, {
    rules: { type: 'string', multiple: true },
    config: { type: 'string' },
    format: { type: 'string' },
    layout: { type: 'string' },
    'parse-all': { type: 'boolean' },
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
  try {
    options = pipelineOptions(values);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    console.error(`winsift scan: ${error.message}`);
    return 1;
  }
  if (values.config !== undefined && (values.rules || values.pipeline || values['no-builtin-pipelines'])) {
    console.error('winsift scan: --config goes alone (its rules and pipelines are in the configuration)');
    return 1;
  }
  let pack;
  try {
    pack =
      values.config !== undefined
        ? loadConfiguredPack(values.config).pack
        : loadRulePack([...bundledRuleFiles(), ...(values.rules ?? []).flatMap((dir, i) => readRuleDir(dir).map((f) => ({ ...f, layer: FIRST_CONFIG_LAYER + i })))], options);
  } catch (error) {
    if (!(error instanceof PackConfigError)) throw error;
    console.error(`winsift scan: ${error.message}`);
    return 1;
  }
  for (const r of pack.replaced) console.error(`winsift scan: rule ${r.id}: ${r.kept} replaces ${r.dropped}`);
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
        ingest: layout ? { layout } : {},
        prefilter: !values['parse-all'],
      });
      totals.events += summary.events;
      totals.skipped += summary.skipped;
      totals.matches += summary.matches;
      totals.unreadable += summary.unreadable;
      if (summary.unreadable > 0) {
        totals.badFiles++;
        console.error(`winsift: ${uri}: ${summary.unreadable} unreadable record(s); first: ${summary.errors[0]}`);
      }
    } catch (error) {
      if (isFileSystemError(error)) {
        // A missing or unreadable file is bad input like any other: report it, scan the rest.
        totals.badFiles++;
        console.error(`winsift: ${uri}: ${error.message}`);
        continue;
      }
      if (!(error instanceof ScanFailedError)) throw error;
      const { summary } = error.result;
      totals.events += summary.events;
      totals.skipped += summary.skipped;
      totals.matches += summary.matches;
      totals.unreadable += summary.unreadable;
      totals.badFiles++;
      console.error(`winsift: ${error.cause.message}`);
    }
  }
  console.error(
    `winsift: scanned ${totals.files} file(s), ${totals.events} event(s) ` +
      `(+${totals.skipped} record(s) no rule can match, skipped unparsed), ${totals.matches} match(es), ` +
      `${totals.unreadable} unreadable record(s), ${pack.detector.rules.length} rule(s)`,
  );
  return totals.badFiles > 0 ? 2 : 0;
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
