/**
 * foldString is defined by the per-code-unit table (foldCode); its fast paths (native lower
 * casing for ASCII, chunked conversion otherwise) must give exactly that, for every code unit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldCode, foldString } from '../../lib/sigma/case-fold.ts';

function byTable(text: string): string {
  const codes: string[] = [];
  for (let i = 0; i < text.length; i++) codes.push(String.fromCharCode(foldCode(text.charCodeAt(i))));
  return codes.join('');
}

describe('foldString', () => {
  it('folds every code unit as the table does, alone and among ASCII', () => {
    const wrong: number[] = [];
    for (let code = 0; code < 0x10000; code++) {
      const c = String.fromCharCode(code);
      if (foldString(c) !== byTable(c) || foldString(`Ab${c}Z`) !== byTable(`Ab${c}Z`)) wrong.push(code);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps lengths, İ and ẞ included (their lower cases are longer or elsewhere)', () => {
    expect(foldString('İSTANBUL')).toBe('İstanbul');
    expect(foldString('ẞ').length).toBe(1);
  });

  it('agrees with the table on long and mixed texts (across conversion chunks)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 9000 }), (text) => {
        expect(foldString(text)).toBe(byTable(text));
      }),
      { numRuns: 200 },
    );
  });
});
