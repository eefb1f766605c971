/**
 * The CLI's human-readable form: an aligned table, one match per row. The author column is never
 * dropped: the Detection Rule License asks that whoever sees a match sees who wrote the rule.
 */
import type { Match } from '../scan/match.ts';
import { eventHost, eventTime } from './event-facts.ts';
import { sanitiseLine, truncate } from './sanitise.ts';

const HEADERS = ['LEVEL', 'TITLE', 'HOST', 'TIME', 'SOURCE', 'AUTHOR'] as const;
/** Wide enough for real titles and hosts, narrow enough that one crafted value cannot wreck the table. */
const MAX_CELL = 60;

export function tableRow(match: Match): string[] {
  const cells = [
    match.rule.level,
    match.rule.title,
    eventHost(match.event),
    eventTime(match.event) ?? '-',
    `${match.source.uri}:${match.source.index}`,
    match.rule.author,
  ];
  return cells.map((cell) => truncate(sanitiseLine(cell), MAX_CELL, '…'));
}

/** Aligns rows under the header; the last column is left ragged so no line carries trailing spaces. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const all = [HEADERS as readonly string[], ...rows];
  const widths = HEADERS.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
        .join('  '),
    )
    .join('\n') + '\n';
}
