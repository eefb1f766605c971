/** `winsift inspect <file|dir|-> [--layout L]`: how ingest reads a file, without running any rule. */
import { createReadStream } from 'node:fs';
import { displayValue } from '../../alerts/sanitise.ts';
import type { FieldValue } from '../../events/win-event.ts';
import { type Inspection, inspectObject } from '../../ingest/inspect-object.ts';
import { LAYOUT_NAMES, parseLayoutName } from '../../ingest/layout-names.ts';
import { defineCommand, UsageError } from '../command.ts';
import { EXIT } from '../exit-status.ts';
import { planInputs } from '../scan/inputs.ts';
import { sniffLog } from '../scan/sniff-log.ts';

export const command = defineCommand({
  name: 'inspect',
  summary: 'show how a file is read: compression, framing, layout, events',
  usage: '[--layout LAYOUT] <file|dir|->...',
  description: `Reads each file as a scan would and prints what was detected: compression, framing,
layouts, event and unreadable counts, the first problems, the first event's canonical fields,
and for raw .evtx the file header. A directory is inspected file by file (hidden entries
skipped, files that are not logs named as such).`,
  options: {
    layout: { type: 'string', value: 'LAYOUT', help: `force a layout: ${LAYOUT_NAMES.join(' ')}` },
  },
  epilogue: 'exit status: 0 when every file was read whole with no unreadable record, 2 otherwise, 1 on usage errors.',
  async action({ values, positionals }) {
    if (positionals.length === 0) throw new UsageError('name a file, a directory or -');
    let layout;
    try {
      layout = values.layout === undefined ? undefined : parseLayoutName(values.layout, '--layout');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const plan = planInputs(positionals);
    let bad = plan.problems.length > 0;
    for (const p of plan.problems) process.stderr.write(`winsift inspect: ${displayValue(p.path, 300)}: ${p.reason}\n`);
    let first = true;
    for (const file of plan.files) {
      if (!first) process.stdout.write('\n');
      first = false;
      try {
        if (file.fromDirectory) {
          const sniff = await sniffLog(file.path);
          if (!sniff.log) {
            process.stdout.write(`${row('file', displayValue(file.path, 1000))}\n${row('not a log', `${displayValue(sniff.reason, 300)} (a scan skips it)`)}\n`);
            continue;
          }
        }
        const input = file.path === '-' ? process.stdin : createReadStream(file.path);
        const inspection = await inspectObject(input, { uri: file.path, ...(layout ? { layout } : {}) });
        process.stdout.write(`${formatInspection(inspection)}\n`);
        if (inspection.stoppedBy || inspection.unreadable > 0) bad = true;
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        if (typeof e.syscall !== 'string') throw error;
        process.stderr.write(`winsift inspect: ${displayValue(file.path, 300)}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}\n`);
        bad = true;
      }
    }
    if (plan.hidden > 0) process.stderr.write(`winsift inspect: ${plan.hidden} hidden entr${plan.hidden === 1 ? 'y' : 'ies'} skipped\n`);
    return bad ? EXIT.badInput : EXIT.ok;
  },
});

export const run = command.run;

const row = (name: string, value: string) => `${`${name}:`.padEnd(13)}${value}`;

export function formatInspection(i: Inspection): string {
  const lines: string[] = [];
  const add = (name: string, value: string) => lines.push(row(name, value));
  add('file', displayValue(i.uri, 1000));
  // Outermost first: "gzip, then gzip" is Firehose's double gzip.
  add('compression', i.compression.length === 0 ? 'none' : i.compression.join(', then '));
  add('framing', i.framing ?? '(not detected)');
  const layouts = Object.entries(i.layouts).map(([name, count]) => `${name} (${count})`);
  add('layouts', layouts.length > 0 ? layouts.join(', ') : '(none)');
  add('events', String(i.events));
  add('unreadable', String(i.unreadable));
  for (const problem of i.problems) lines.push(`  - ${displayValue(problem, 500)}`);
  if (i.stoppedBy) add('stopped', displayValue(i.stoppedBy.message, 500));
  if (i.evtxHeader) {
    const h = i.evtxHeader;
    add(
      'evtx header',
      `version ${h.majorVersion}.${h.minorVersion}, ${h.chunkCount} chunks, next record id ${h.nextRecordId}, ` +
        `dirty ${h.dirty ? 'yes' : 'no'}, full ${h.full ? 'yes' : 'no'}, checksum ${h.checksumOk ? 'ok' : 'BAD'}`,
    );
  }
  if (i.firstEvent) {
    lines.push(`first event (${i.firstEvent.layout}):`);
    const fields = Object.entries(i.firstEvent.fields);
    const width = Math.min(32, Math.max(...fields.map(([name]) => name.length)) + 2);
    for (const [name, value] of fields) lines.push(`  ${displayValue(name, 64).padEnd(width)}${show(value)}`);
  }
  return lines.join('\n');
}

function show(value: FieldValue): string {
  return displayValue(value, 200);
}
