/**
 * A zone-less time is never read in the scanning machine's zone: the same NXLog events give the
 * same alerts (the time column) under TZ=UTC, America/New_York and Asia/Tokyo, checked
 * by running the CLI in child processes with each TZ. NXLog's `EventTime` alone is shown as
 * unzoned; a record that also carries a zoned `@timestamp` gets that as its event time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventTime, eventTimeMs } from '../../lib/alerts/event-facts.ts';
import { toOcsfFinding } from '../../lib/alerts/ocsf-finding.ts';
import { endsWithZone, readTime } from '../../lib/events/event-time.ts';
import type { WinEvent } from '../../lib/events/win-event.ts';
import { fromNxlog } from '../../lib/ingest/layouts/nxlog.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NXLOG = join(ROOT, 'test/fixtures/ingest/bits-16403.nxlog.json');

describe('readTime', () => {
  it('reads ISO 8601 with Z or an offset, and Fluent Bit\'s "date time +zone"', () => {
    expect(readTime('2024-05-14T09:21:07.1234567Z')).toEqual({ kind: 'zoned', ms: Date.UTC(2024, 4, 14, 9, 21, 7, 123) });
    expect(readTime('2024-05-14T11:21:07+02:00')).toEqual({ kind: 'zoned', ms: Date.UTC(2024, 4, 14, 9, 21, 7) });
    expect(readTime('2024-05-14 05:21:07 -0400')).toEqual({ kind: 'zoned', ms: Date.UTC(2024, 4, 14, 9, 21, 7) });
    expect(readTime(1715678467000)).toEqual({ kind: 'zoned', ms: 1715678467000 });
  });
  it('keeps a zone-less time as unzoned text', () => {
    expect(readTime('2020-06-09 22:50:54')).toEqual({ kind: 'unzoned', text: '2020-06-09 22:50:54' });
    expect(readTime('2020-06-09T22:50:54.123')).toEqual({ kind: 'unzoned', text: '2020-06-09T22:50:54.123' });
  });
  it('endsWithZone tells zoned from zone-less text without parsing', () => {
    for (const zoned of ['2024-05-14T09:21:07Z', '2024-05-14T09:21:07.1234567Z', '2024-05-14T09:21:07+02:00', '2024-05-14 09:21:07 -0400']) {
      expect(endsWithZone(zoned)).toBe(true);
    }
    for (const unzoned of ['2024-05-14 09:21:07', '2024-05-14T09:21:07.123', '2024-05-14', '']) expect(endsWithZone(unzoned)).toBe(false);
  });
  it('refuses what is not a date and time', () => {
    for (const bad of ['yesterday', '2020-13-01 00:00:00Z', '2020-06-09', '2020-06-09 25:00:00Z', `2020-06-09 22:50:54${' '.repeat(100)}Z`, null, {}]) {
      expect(readTime(bad)).toBeUndefined();
    }
  });
});

describe('NXLog event time', () => {
  const record = () => JSON.parse(readFileSync(NXLOG, 'utf8')) as Record<string, unknown>;

  it('EventTime alone: no TimeCreated_SystemTime, and alerts say the zone is unknown', () => {
    const event = fromNxlog(record());
    expect(event.fields['TimeCreated_SystemTime']).toBeUndefined();
    expect(eventTime(event)).toBe('2024-05-14 09:21:07 (zone unknown)');
    expect(eventTimeMs(event)).toBeUndefined();
  });

  it('a zoned @timestamp (the pipeline\'s) becomes the event time; raw stays as written', () => {
    const written = { ...record(), '@timestamp': '2024-05-14T07:21:08.001Z' };
    const event = fromNxlog({ ...written });
    expect(event.fields['TimeCreated_SystemTime']).toBe('2024-05-14T07:21:08.001Z');
    expect(eventTime(event)).toBe('2024-05-14T07:21:08.001Z');
    expect(event.raw).toEqual(written);
  });

  it('an EventTime NXLog was told to write with its zone wins', () => {
    const event = fromNxlog({ ...record(), EventTime: '2024-05-14T09:21:07+02:00', '@timestamp': '2024-05-14T07:21:08.001Z' });
    expect(event.fields['TimeCreated_SystemTime']).toBe('2024-05-14T09:21:07+02:00');
    expect(eventTime(event)).toBe('2024-05-14T07:21:07.000Z');
    const fluentStyle = fromNxlog({ ...record(), EventTime: '2024-05-14 09:21:07 +0200' });
    expect(fluentStyle.fields['TimeCreated_SystemTime']).toBe('2024-05-14T07:21:07.000Z');
  });

  it('the OCSF finding carries the unzoned time as written, and no invented moment', () => {
    const event: WinEvent = fromNxlog(record());
    const rule = { id: 'r', title: 't', level: 'high', author: 'a', description: '', references: [], tags: [], triage: [], falsePositives: [], language: 'sigma', source: 'x' } as const;
    const finding = toOcsfFinding(
      { id: 'id', rule, host: 'h', object: { uri: 'file' }, count: 1, matches: [{ rule, event, source: { uri: 'file', index: 0 }, evidence: [] }] } as never,
      undefined,
      () => 42,
    );
    expect(finding['time']).toBe(42); // scan time: the event's own is unknown
    expect(finding['start_time']).toBeUndefined();
    const evidences = finding['evidences'] as { data: Record<string, unknown> }[];
    expect(evidences[0]!.data['time_unzoned']).toBe('2024-05-14 09:21:07');
    expect(evidences[0]!.data['time']).toBeUndefined();
  });
});

describe('the same alerts whatever the scanning machine\'s TZ (CLI in child processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'winsift-tz-'));
  const zoned = join(dir, 'zoned.nxlog.json');
  writeFileSync(zoned, JSON.stringify({ ...JSON.parse(readFileSync(NXLOG, 'utf8')), '@timestamp': '2024-05-14T07:21:08.001Z' }) + '\n');
  const scan = (tz: string, format: string, ...files: string[]) =>
    execFileSync(process.execPath, [join(ROOT, 'lib/cli/winsift.ts'), 'scan', '--format', format, ...files], {
      cwd: ROOT, // short source paths: the table truncates long cells
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
    });
  const ZONES = ['UTC', 'America/New_York', 'Asia/Tokyo'];

  it('unzoned EventTime shown as unknown, zoned @timestamp as UTC: the same table in every zone', () => {
    // Both files in one run per zone: the CLI's start-up (rule compilation) dominates.
    const tables = ZONES.map((tz) => scan(tz, 'table', 'test/fixtures/ingest/bits-16403.nxlog.json', zoned));
    expect(tables[1]).toBe(tables[0]);
    expect(tables[2]).toBe(tables[0]);
    // The table groups alerts under one line per file: rows (level first) and the line under each.
    const sections = tables[0]!.split(/^── /m).slice(1);
    const section = (file: string) => (sections.find((s) => s.startsWith(file)) ?? '').split('\n').slice(1);
    const rows = (lines: string[]) => lines.filter((l) => /^(crit|high|med|low|info)\s/.test(l));
    const unzoned = section('test/fixtures/ingest/bits-16403.nxlog.json');
    expect(rows(unzoned).length).toBeGreaterThan(0);
    expect(rows(unzoned).every((row) => row.includes('2024-05-14 09:21:07?'))).toBe(true); // `?`: no zone
    expect(unzoned.filter((l) => l.includes('time zone unknown'))).toHaveLength(rows(unzoned).length);
    const zonedRows = rows(section(zoned));
    expect(zonedRows.every((row) => row.includes('2024-05-14 07:21:08Z'))).toBe(true); // `Z`: UTC
    expect(rows(unzoned).length + zonedRows.length).toBe(6);
  });
});
