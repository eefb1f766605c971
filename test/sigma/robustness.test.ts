/**
 * Zero crashes: whatever a rule file holds, loading either compiles the rule or reports an
 * error with a reason, never an internal error or an exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSigmaRules } from '../../lib/sigma/index.ts';

const KEYS = ['Image', 'Image|contains', 'F|re', 'F|cidr', 'F|base64offset|contains', 'F|windash|all', 'F|expand', 'F|lt', 'F|fieldref', 'F|exists', '|all', 'F|hour', 'F|bogus', 'F||contains', ''];
const VALUES = ["'a*b'", '1', 'null', 'true', "''", "'(x'", "'10.0.0.0/40'", "'%p%'", '[a, 2, null]', '[]', '{a: 1}', "'\\\\'", "'-x /y'"];
const CONDITIONS = ['sel', 'sel and not other', '1 of them', 'all of sel*', 'sel or', '(sel', 'nope', 'sel | count() > 1', '1 of x*', 'not not sel', ''];
const LOGSOURCES = ['product: windows', 'category: process_creation', 'service: nope', 'product: linux', "product: [1]"];

const ruleFile = fc
  .record({
    items: fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), { maxLength: 3 }),
    other: fc.boolean(),
    condition: fc.constantFrom(...CONDITIONS),
    logsource: fc.constantFrom(...LOGSOURCES),
    level: fc.constantFrom('high', 'weird'),
    garbage: fc.string({ maxLength: 20 }),
  })
  .map(({ items, other, condition, logsource, level, garbage }) => {
    const body = items.map(([k, v]) => `    '${k}': ${v}`).join('\n');
    return `title: t\nid: x\nlevel: ${level}\nlogsource:\n  ${logsource}\ndetection:\n  sel:\n${body || '    A: 1'}\n${other ? '  other:\n    - kw\n' : ''}  condition: ${condition}\n# ${garbage.replace(/\n/g, ' ')}\n`;
  });

describe('loading never crashes', () => {
  it('every generated file compiles or yields reasoned errors', () => {
    fc.assert(
      fc.property(ruleFile, (text) => {
        const { detector, errors } = loadSigmaRules([{ path: 'f.yml', text }]);
        expect(detector.rules.length + errors.length).toBeGreaterThan(0);
        for (const error of errors) {
          expect(error.file).toBe('f.yml');
          expect(error.reason).not.toMatch(/internal error/);
          expect(error.reason.length).toBeGreaterThan(0);
        }
        detector.match({ fields: { Image: 'a-b', F: '10.1.1.1', Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1 }, raw: {}, layout: 'evtx-json' });
      }),
      { numRuns: 1500 },
    );
  });
  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const { errors } = loadSigmaRules([{ path: 'g.yml', text }]);
        for (const error of errors) expect(error.reason).not.toMatch(/internal error/);
      }),
      { numRuns: 500 },
    );
  });
});
