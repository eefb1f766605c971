/** The terminal table: fits the width it is given, keeps file, record and author whole, shows no control character. */
import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../lib/alerts/aggregator.ts';
import type { Alert } from '../../lib/alerts/alert.ts';
import { toAlertRow } from '../../lib/cli/output/alert-row.ts';
import { csvCell, csvRow } from '../../lib/cli/output/csv.ts';
import { fileHeading, tableHeader, tableRow } from '../../lib/cli/output/table.ts';
import { bitsEvent, match, rule } from '../alerts/support/fixtures.ts';

const FILE = { uri: '/cases/2026-11/acme/WKS-0142/Microsoft-Windows-Bits-Client%4Operational.evtx.json' };
const AUTHOR = 'Nasreddine Bencherchali (Nextron Systems), Florian Roth (Nextron Systems)';

function alertOf(...matches: ReturnType<typeof match>[]): Alert {
  const aggregator = createAggregator(FILE, { grouping: 'object-rule-host', maxEventsPerAlert: 10 });
  for (const m of matches) aggregator.add(m);
  return aggregator.alerts()[0]!;
}

const hostile = bitsEvent({
  Computer: 'WKS-\u202eexe.0142\u001b[31m\u0007.corp.example',
  RemoteName: `http://203.0.113.7/${'A'.repeat(5000)}\u001b]0;pwned\u0007\r\nforged line`,
});

describe('winsift table', () => {
  it.each([80, 120, 200])('every line fits %i columns, with file, record index and the whole author', (width) => {
    const layout = { width, counts: true };
    const alert = alertOf(
      match(123_456, { object: FILE, rule: rule({ author: AUTHOR, title: 'BITS Transfer Job Download From Direct IP, with a title long enough to be cut somewhere' }), event: hostile }),
      match(123_457, { object: FILE, rule: rule({ author: AUTHOR }), event: hostile }),
    );
    const row = toAlertRow(alert);
    const text = tableHeader(layout) + fileHeading(row.file, undefined, layout) + tableRow(row, layout);
    for (const line of text.trimEnd().split('\n')) expect(Array.from(line).length, line).toBeLessThanOrEqual(width);
    // The whole path when it fits; else cut in the middle: the file name is never cut away.
    if (width >= FILE.uri.length + 3) expect(text).toContain(`── ${FILE.uri}\n`);
    else expect(text).toMatch(/── \/cases\/[^\n]*…[^\n]*Bits-Client%4Operational\.evtx\.json\n/);
    expect(text).toMatch(/#123456\s+×2/);
    // The author is whole (wrapped onto the next line when the terminal is narrow, never cut).
    expect(text.replace(/\n {7}/g, ' ')).toContain(`by ${AUTHOR}`);
    // No control, bidi or escape character reaches the terminal.
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('cuts a path that cannot fit in the middle, keeping the file name', () => {
    const long = `/very/${'deep/'.repeat(40)}Security.evtx`;
    const heading = fileHeading(long, undefined, { width: 80, counts: false });
    expect(Array.from(heading.trimEnd()).length).toBeLessThanOrEqual(80);
    expect(heading.trimEnd()).toMatch(/…[^…]*Security\.evtx$/);
  });

  it('without folding there is no COUNT column', () => {
    expect(tableHeader({ width: 120, counts: false })).not.toContain('COUNT');
    expect(tableHeader({ width: 120, counts: true })).toContain('COUNT');
    // On a narrow terminal the host moves under the row, so the title keeps its room.
    expect(tableHeader({ width: 80, counts: false })).not.toContain('HOST');
  });
});

describe('CSV cells', () => {
  it('quotes separators and quotes, and defuses spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('a hostile event makes one line, no control characters', () => {
    const row = csvRow(toAlertRow(alertOf(match(0, { object: FILE, event: hostile }))));
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row.slice(0, -2)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});
