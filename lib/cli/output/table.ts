/**
 * The table people read in a terminal: one header for the whole run, alerts grouped under one
 * line per file (the full path, never cut from the end), each row the record index, and under it
 * why the rule matched and who wrote it (the Detection Rule License asks that whoever sees a
 * match sees the author). Every line fits the terminal width: widths come from the terminal,
 * not from the data, so rows stream file by file and one crafted value cannot widen the table.
 */
import type { Level } from '../../rules/rule.ts';
import { attackText, type AlertRow, whyText } from './alert-row.ts';
import { fit, middleCut, wrap } from './text.ts';

export { fit, middleCut } from './text.ts';

const LEVEL: Readonly<Record<Level, string>> = {
  informational: 'info',
  low: 'low',
  medium: 'med',
  high: 'high',
  critical: 'crit',
};

export interface TableLayout {
  readonly width: number;
  /** A COUNT column, when alerts are folded (any grouping but `event`). */
  readonly counts: boolean;
}

interface Column {
  readonly header: string;
  readonly width: number;
  readonly right?: boolean;
}

const GAP = '  ';

/** Below this width the host leaves the row for the line under it, so the rule title keeps room. */
const HOST_COLUMN_MIN_WIDTH = 100;

function columns(layout: TableLayout): Column[] {
  const fixed: Column[] = [
    { header: 'LEVEL', width: 5 },
    { header: 'TIME', width: 20 },
    { header: 'RECORD', width: 7, right: true },
    ...(layout.counts ? [{ header: 'COUNT', width: 5, right: true }] : []),
  ];
  const hostColumn = layout.width >= HOST_COLUMN_MIN_WIDTH;
  const used = fixed.reduce((n, c) => n + c.width + GAP.length, 0) + (hostColumn ? GAP.length : 0);
  const flex = Math.max(20, layout.width - used);
  if (!hostColumn) return [...fixed, { header: 'RULE', width: flex }];
  // Hosts are short (NetBIOS 15, FQDNs ~30); the rule title takes the rest.
  const host = Math.max(12, Math.min(30, Math.floor(flex * 0.32)));
  return [...fixed, { header: 'HOST', width: host }, { header: 'RULE', width: flex - host }];
}

export function tableHeader(layout: TableLayout): string {
  const cols = columns(layout);
  return `${line(cols.map((c) => c.header), cols)}\n`;
}

/** The line above a file's alerts: the whole path, cut in the middle only if it cannot fit. */
export function fileHeading(file: string, alerts: number | undefined, layout: TableLayout): string {
  const count = alerts === undefined ? '' : ` (${alerts} alert${alerts === 1 ? '' : 's'})`;
  const room = Math.max(10, layout.width - 3 - count.length);
  return `── ${middleCut(file, room)}${count}\n`;
}

export function tableRow(row: AlertRow, layout: TableLayout): string {
  const cols = columns(layout);
  const hostColumn = cols.some((c) => c.header === 'HOST');
  const cells = [
    LEVEL[row.level],
    timeCell(row),
    `#${row.index}`,
    ...(layout.counts ? [row.count > 1 ? `×${row.count}` : '1'] : []),
    ...(hostColumn ? [row.host] : []),
    row.title,
  ];
  const indent = ' '.repeat(cols[0]!.width + GAP.length);
  const room = Math.max(20, layout.width - indent.length);
  const attack = attackText(row);
  const zone = row.time !== undefined && row.timeMs === undefined ? 'time zone unknown · ' : '';
  const why = `${hostColumn ? '' : `on ${row.host} · `}${zone}why: ${whyText(row) || '(no field evidence: a correlation or sequence)'}`;
  const tail = ` · by ${row.author}${attack ? ` · ${attack}` : ''}`;
  // The author is never cut off: the why text gives way, or the author gets its own line.
  const detail =
    Array.from(why).length + Array.from(tail).length <= room
      ? [why + tail]
      : Array.from(tail).length + 40 <= room
        ? [fit(why, room - Array.from(tail).length) + tail]
        : [fit(why, room), ...wrap(tail.slice(3), room).map((l) => fit(l, room))];
  return `${line(cells, cols)}\n${detail.map((d) => `${indent}${d}\n`).join('')}`;
}

/** `2024-05-14 07:21:08Z` (UTC), `2024-05-14 09:21:07?` when the log gave no zone, `-` when none. */
function timeCell(row: AlertRow): string {
  if (row.time === undefined) return '-';
  if (row.timeMs !== undefined) return `${new Date(row.timeMs).toISOString().slice(0, 19).replace('T', ' ')}Z`;
  return `${fit(row.time.replace(/ \(zone unknown\)$/, ''), 19)}?`;
}

function line(cells: readonly string[], cols: readonly Column[]): string {
  return cells
    .map((cell, i) => {
      const col = cols[i]!;
      const text = fit(cell, col.width);
      if (i === cells.length - 1) return text;
      return col.right ? text.padStart(col.width) : text.padEnd(col.width);
    })
    .join(GAP);
}
