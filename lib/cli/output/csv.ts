/**
 * `--format csv` and the CSV timeline: RFC 4180, one alert per row. Cells are sanitised text;
 * a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`,
 * because event data is attacker-written and CSV files get opened in Excel.
 */
import type { AlertRow } from './alert-row.ts';
import { attackText, whyText } from './alert-row.ts';

export const CSV_HEADER = [
  'time', 'level', 'rule_title', 'rule_id', 'rule_author', 'host', 'file', 'record', 'count',
  'channel', 'event_id', 'attack', 'tags', 'why',
] as const;

export function csvHeader(): string {
  return `${CSV_HEADER.join(',')}\r\n`;
}

export function csvRow(row: AlertRow): string {
  const cells = [
    row.time ?? '',
    row.level,
    row.title,
    row.ruleId,
    row.author,
    row.host,
    row.file,
    String(row.index),
    String(row.count),
    row.channel ?? '',
    row.eventId ?? '',
    attackText(row),
    row.tags.join(' '),
    whyText(row),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
