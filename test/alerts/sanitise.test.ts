/**
 * Issue 16 row 8: invisible, control and reordering characters reach no person unescaped: not
 * the e-mail text or subject, the CLI table, SNS attributes, or stderr diagnostics. Checked for
 * the characters and, as a property, for every code point against an independent,
 * positive definition of what may be shown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../lib/alerts/aggregator.ts';
import { emailSubject, emailText } from '../../lib/alerts/email-text.ts';
import { tableRow } from '../../lib/alerts/match-table.ts';
import { messageAttributes } from '../../lib/alerts/message-attributes.ts';
import { displayValue, neutralise, sanitiseDiagnostic, sanitiseLine, toAsciiLine } from '../../lib/alerts/sanitise.ts';
import { bitsEvent, match, S3_OBJECT } from './support/fixtures.ts';

/** Letters, marks, digits, punctuation, symbols and plain spaces that Unicode does not mark ignorable. */
const VISIBLE = /^(?:(?![\p{Default_Ignorable_Code_Point}])[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}])*$/u;
/** Plus the line breaks a multi-line text is made of. */
const VISIBLE_LINES = /^(?:(?![\p{Default_Ignorable_Code_Point}])[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}\n])*$/u;

/** The characters, and one of each class they stand for. */
const HOSTILE: Record<string, string> = {
  'U+061C arabic letter mark': '\u061c',
  'U+E0041 tag latin capital A': '\u{e0041}',
  'U+3164 hangul filler': '\u3164',
  'U+00AD soft hyphen': '\u00ad',
  'U+180E mongolian vowel separator': '\u180e',
  'U+FE0F variation selector 16': '\ufe0f',
  'U+202E right-to-left override': '\u202e',
  'U+2067 right-to-left isolate': '\u2067',
  'U+200B zero width space': '\u200b',
  'U+FEFF byte order mark': '\ufeff',
  'U+E0100 variation selector 17': '\u{e0100}',
  'U+115F hangul choseong filler': '\u115f',
  'U+FFA0 halfwidth hangul filler': '\uffa0',
  'U+001B escape': '\u001b',
  'U+0007 bell': '\u0007',
  'U+0000 nul': '\u0000',
  'U+007F delete': '\u007f',
  'U+009B control sequence introducer': '\u009b',
  'U+2028 line separator': '\u2028',
  'U+D800 lone surrogate': '\ud800',
  'U+E000 private use': '\ue000',
};

describe('each hostile character is shown as an escape, in every human-facing output', () => {
  for (const [name, c] of Object.entries(HOSTILE)) {
    it(name, () => {
      const value = `A${c}B`;
      const escaped = neutralise(value);
      expect(escaped).toMatch(/^A\\(?:u\{[0-9A-F]+\}|[nrt])B$/);
      const aggregator = createAggregator(S3_OBJECT, { grouping: 'object-rule-host', maxEventsPerAlert: 10 });
      aggregator.add(match(0, { event: bitsEvent({ Computer: value, RemoteName: value }) }));
      const alert = aggregator.alerts()[0]!;
      const outputs = {
        email: emailText(alert),
        subject: emailSubject(alert),
        host: messageAttributes(alert)['host']!.StringValue!,
        table: tableRow(match(0, { event: bitsEvent({ Computer: value }) })).join(' '),
        stderr: sanitiseDiagnostic(`winsift: s3://b/${value}.json: invalid JSON: Unexpected token '${value}'`),
      };
      for (const [where, text] of Object.entries(outputs)) {
        expect(text.includes(c), `${where} holds the raw character`).toBe(false);
        expect(text, where).toMatch(where === 'email' ? VISIBLE_LINES : VISIBLE);
        expect(text, where).toContain(where === 'subject' ? 'A\\' : escaped);
      }
    });
  }
});

describe('as a property, over any text', () => {
  const anyText = fc.string({ unit: 'binary', maxLength: 60 });
  it('sanitiseLine, displayValue, sanitiseDiagnostic keep only visible characters', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(sanitiseLine(text)).toMatch(VISIBLE);
        expect(displayValue(text, 50)).toMatch(VISIBLE);
        expect(sanitiseDiagnostic(text)).toMatch(VISIBLE);
        expect(toAsciiLine(text)).toMatch(/^[\x20-\x7e]*$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('every code point: escaped exactly when it is not visible', () => {
    const ESCAPE = /^\\(?:u\{[0-9A-F]+\}|[nrt])$/;
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const c = String.fromCodePoint(cp);
      const shown = neutralise(c);
      if (VISIBLE.test(c) ? shown !== c : !ESCAPE.test(shown)) wrong.push(cp.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  it('visible text passes unchanged (paths, non-Latin scripts, emoji)', () => {
    for (const text of ['C:\\Windows\\System32\\cmd.exe /c whoami', 'Привет, 世界', 'naïve café', '😀 ok']) expect(neutralise(text)).toBe(text);
  });
});
