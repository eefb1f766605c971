import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldString } from '../../lib/sigma/case-fold.ts';
import { SigmaDetector } from '../../lib/sigma/detector.ts';
import { parseItem } from '../../lib/sigma/detection.ts';
import { routeLogsource } from '../../lib/sigma/logsource.ts';
import { SkipSearch } from '../../lib/sigma/skip-search.ts';
import type { Expr } from '../../lib/sigma/ast.ts';
import type { FieldValue } from '../../lib/events/win-event.ts';

describe('SkipSearch (Wu-Manber) equals a plain search', () => {
  const alphabet = ['a', 'b', 'A', 'B', ':', '\\', 'İ', 'i', 'K', '\u212a', 'k', ' '];
  const word = (min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((cs) => cs.join(''));

  it('finds a needle anywhere, in any case, or says no', () => {
    fc.assert(
      fc.property(fc.array(word(2, 7), { minLength: 1, maxLength: 8 }), fc.array(word(0, 40), { minLength: 1, maxLength: 6 }), (raw, texts) => {
        const needles = raw.map(foldString);
        const search = new SkipSearch(needles);
        for (const text of texts) expect(search.containsAny(text)).toBe(needles.some((n) => foldString(text).includes(n)));
      }),
      { numRuns: 1500 },
    );
  });

  it('with long needles planted at the edges of long texts', () => {
    const search = new SkipSearch(['sekurlsa::', 'kerberos::ptt', 'lsadump::'].map(foldString));
    const filler = 'C:\\Windows\\System32\\svchost.exe -k netsvcs -p -s Schedule '.repeat(5);
    expect(search.containsAny(filler)).toBe(false);
    expect(search.containsAny(`SEKURLSA::${filler}`)).toBe(true);
    expect(search.containsAny(`${filler}kerberos::PTT`)).toBe(true);
    expect(search.containsAny(`${filler}kerberos::pt`)).toBe(false);
    expect(search.containsAny(`${filler.slice(0, 33)}lsaDump::${filler}`)).toBe(true);
  });

  it('with needles longer than the 255-step shift table', () => {
    const long = `${'x'.repeat(300)}needle`;
    const search = new SkipSearch([long, `${'y'.repeat(280)}other`]);
    expect(search.containsAny(`${'a'.repeat(1000)}${long.toUpperCase()}${'b'.repeat(500)}`)).toBe(true);
    expect(search.containsAny(`${'a'.repeat(1000)}${long.slice(1)}${'b'.repeat(500)}`)).toBe(false);
  });

  it('with no needles, nothing matches; a one-character needle is refused', () => {
    expect(new SkipSearch([]).containsAny('anything')).toBe(false);
    expect(() => new SkipSearch(['a'])).toThrow(/two characters/);
  });
});

describe('the keyword scan skips values only where no rule run on the event could read them', () => {
  const meta = (id: string) => ({ id, title: id, level: 'low' as const, author: '', description: '', references: [], tags: [], triage: [], falsePositives: [], language: 'sigma' as const, source: 't' });
  const keywords = (values: string[]): Expr => parseItem('keywords', '', values, { placeholders: {} });
  const rules = [
    { meta: meta('any'), route: routeLogsource({ product: 'windows' }), expr: keywords(['sekurlsa::', 'kerberos::ptt']) },
    { meta: meta('app'), route: routeLogsource({ product: 'windows', service: 'application' }), expr: keywords(['crack', 'hacktool']) },
    { meta: meta('sec'), route: routeLogsource({ product: 'windows', service: 'security' }), expr: keywords(['samtheadmin']) },
  ];
  const event = (fields: Record<string, FieldValue>) => ({ fields, raw: fields, layout: 'evtx-json' } as const);

  for (const minNeedlesForScan of [1, 8]) {
    it(`each channel's keyword rules and the any-channel rule match (min needles ${minNeedlesForScan})`, () => {
      const detector = new SigmaDetector(rules, { minNeedlesForScan });
      const ids = (fields: Record<string, FieldValue>) => detector.match(event(fields)).map((r) => r.id).sort();
      expect(ids({ Channel: 'Application', Data: 'a CRACK was found' })).toEqual(['app']);
      expect(ids({ Channel: 'Application', Data: ['x', 'Sekurlsa::logonpasswords'] })).toEqual(['any']);
      expect(ids({ Channel: 'Security', Data: 'crack', Other: 'SAMTHEADMIN-42$' })).toEqual(['sec']);
      expect(ids({ Channel: 'Security', Data: 'crack samtheadmin kerberos::ptt' })).toEqual(['any', 'sec']);
      expect(ids({ Channel: 'System', Data: 'crack samtheadmin' })).toEqual([]);
      expect(ids({ Data: 'kerberos::ptt' })).toEqual(['any']);
      // Evidence right after a match names the field that held the keyword.
      const hit = event({ Channel: 'Security', A: 'nothing', B: 'kerberos::PTT' });
      const [matched] = detector.match(hit);
      expect(detector.explain(matched!, hit)).toEqual([{ field: 'B', value: 'kerberos::PTT', test: 'matches "*kerberos::ptt*"' }]);
    });
  }
});

describe('keyword needles and numbers', () => {
  it('a number is searched only when a needle could be part of its text', () => {
    expect(new SkipSearch(['sekurlsa::', 'kerberos::ptt']).canOccurInNumbers).toBe(false);
    expect(new SkipSearch(['sekurlsa::', '4624']).canOccurInNumbers).toBe(true);
    expect(new SkipSearch(['true']).canOccurInNumbers).toBe(true);
    const meta = { id: 'n', title: 'n', level: 'low' as const, author: '', description: '', references: [], tags: [], triage: [], falsePositives: [], language: 'sigma' as const, source: 't' };
    const rule = { meta, route: routeLogsource({ product: 'windows' }), expr: parseItem('keywords', '', ['31337', 'sekurlsa::'], { placeholders: {} }) };
    const detector = new SigmaDetector([rule], { minNeedlesForScan: 1 });
    const fields = { Channel: 'Security', Port: 31337 };
    expect(detector.match({ fields, raw: fields, layout: 'evtx-json' }).map((r) => r.id)).toEqual(['n']);
  });
});

describe('evidence right after a match, with the keyword filter on', () => {
  it('covers keyword tests of the rule as written, even those simplify dropped', async () => {
    const { explainExpr } = await import('../../lib/sigma/explain.ts');
    const meta = (id: string) => ({ id, title: id, level: 'low' as const, author: '', description: '', references: [], tags: [], triage: [], falsePositives: [], language: 'sigma' as const, source: 't' });
    const kw = (value: string): Expr => parseItem('keywords', '', [value], { placeholders: {} });
    // (mimikatz or true) is true: simplify drops the mimikatz test, explain still walks it.
    // First, so that no other evidence (a keyword's, which scans afresh) is built before it.
    const written: Expr = { kind: 'and', items: [{ kind: 'or', items: [kw('mimikatz'), { kind: 'const', value: true }] }, kw('sekurlsa::')] };
    const rules = [
      { meta: meta('sec'), route: routeLogsource({ product: 'windows', service: 'security' }), expr: written },
      // Puts "mimikatz" into the keyword automaton, from another channel's bucket.
      { meta: meta('app'), route: routeLogsource({ product: 'windows', service: 'application' }), expr: kw('mimikatz') },
    ];
    const detector = new SigmaDetector(rules, { minNeedlesForScan: 1 });
    const fields = { Channel: 'Security', A: 'sekurlsa::logonpasswords', B: 'mimikatz 2.2' };
    const event = { fields, raw: fields, layout: 'evtx-json' } as const;
    const [matched] = detector.match(event);
    expect(matched?.id).toBe('sec');
    expect(detector.explain(matched!, event)).toEqual(explainExpr(written, fields));
  });
});
