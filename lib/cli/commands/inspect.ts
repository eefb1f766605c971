/** `winsift inspect <file> [--layout L]`: how ingest reads a file, without running any rule. */
import { createReadStream } from 'node:fs';
import type { FieldValue } from '../../events/win-event.ts';
import { type Inspection, inspectObject } from '../../ingest/inspect-object.ts';
import { LAYOUT_NAMES, parseLayoutName } from '../../ingest/layout-names.ts';
import { parseCommandArgs } from '../args.ts';
import { displayValue, sanitiseDiagnostic } from '../../alerts/sanitise.ts';

const HELP = `usage: winsift inspect [--layout LAYOUT] <file|->

Reads the file as a scan would and prints what was detected: compression, framing, layouts,
event and unreadable counts, the first problems, the first event's canonical fields, and for
raw .evtx the file header.

  --layout LAYOUT    force a layout: ${LAYOUT_NAMES.join(' ')}

exit status: 0 when the file was read whole with no unreadable record, 2 otherwise, 1 on usage errors.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('inspect', args, {
    layout: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`winsift inspect: name exactly one file (or -)\n\n${HELP}`);
    return 1;
  }
  const path = positionals[0]!;
  const layout = values.layout === undefined ? undefined : parseLayoutName(values.layout, '--layout');
  const input = path === '-' ? process.stdin : createReadStream(path);
  const inspection = await inspectObject(input, { uri: path, ...(layout ? { layout } : {}) });
  console.log(formatInspection(inspection));
  return inspection.stoppedBy || inspection.unreadable > 0 ? 2 : 0;
}

export function formatInspection(i: Inspection): string {
  const lines: string[] = [];
  // Every value can come from the file (its name, its records): shown with invisible characters escaped.
  const row = (name: string, value: string) => lines.push(`${`${name}:`.padEnd(13)}${sanitiseDiagnostic(value)}`);
  row('file', i.uri);
  // Outermost first: "gzip, then gzip" is Firehose's double gzip.
  row('compression', i.compression.length === 0 ? 'none' : i.compression.join(', then '));
  row('framing', i.framing ?? '(not detected)');
  const layouts = Object.entries(i.layouts).map(([name, count]) => `${name} (${count})`);
  row('layouts', layouts.length > 0 ? layouts.join(', ') : '(none)');
  row('events', String(i.events));
  row('unreadable', String(i.unreadable));
  for (const problem of i.problems) lines.push(`  - ${sanitiseDiagnostic(problem)}`);
  if (i.stoppedBy) row('stopped', i.stoppedBy.message);
  if (i.evtxHeader) {
    const h = i.evtxHeader;
    row(
      'evtx header',
      `version ${h.majorVersion}.${h.minorVersion}, ${h.chunkCount} chunks, next record id ${h.nextRecordId}, ` +
        `dirty ${h.dirty ? 'yes' : 'no'}, full ${h.full ? 'yes' : 'no'}, checksum ${h.checksumOk ? 'ok' : 'BAD'}`,
    );
  }
  if (i.firstEvent) {
    lines.push(`first event (${i.firstEvent.layout}):`);
    const fields = Object.entries(i.firstEvent.fields);
    const width = Math.min(32, Math.max(...fields.map(([name]) => name.length)) + 2);
    for (const [name, value] of fields) lines.push(`  ${sanitiseDiagnostic(name).padEnd(width)}${show(value)}`);
  }
  return lines.join('\n');
}

function show(value: FieldValue): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return displayValue(text, 200);
}
