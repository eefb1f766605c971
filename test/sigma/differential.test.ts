/**
 * The compiled engine against the reference interpreter, over generated rules and events
 * (fast-check): every answer must be the same. Values are drawn from a small alphabet full of
 * the characters that matter (wildcards, escapes, dashes, case pairs, non-ASCII case).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { AhoCorasick } from '../../lib/sigma/aho-corasick.ts';
import type { Expr } from '../../lib/sigma/ast.ts';
import { foldString } from '../../lib/sigma/case-fold.ts';
import { SigmaCompileError } from '../../lib/sigma/compile-error.ts';
import { compileExpr, simplify } from '../../lib/sigma/compile.ts';
import { FieldScanners } from '../../lib/sigma/field-scanners.ts';
import { parseItem } from '../../lib/sigma/detection.ts';
import { SigmaDetector } from '../../lib/sigma/detector.ts';
import { compiledExplainer, explainExpr } from '../../lib/sigma/explain.ts';
import { routeLogsource, type Logsource } from '../../lib/sigma/logsource.ts';
import { evaluate } from '../../lib/sigma/reference.ts';
import { routeAccepts } from '../../lib/sigma/route.ts';
import { stringify } from 'yaml';
import { loadSigmaRules, parsePipeline, type ProcessingPipeline } from '../../lib/sigma/index.ts';
import { parseSigmaFiles } from '../../lib/sigma/load.ts';
import { SYSMON } from './support.ts';

const FIELDS = ['A', 'B', 'EventID', 'Ip', 'T'];
const CHARS = ['a', 'A', 'b', 'B', '-', '/', '\u2013', '*', '?', '\\', ' ', '1', '0', '.', 'İ', 'i', 'ſ', 's', 'K', '\u212a'];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 6 }).map((cs) => cs.join(''));
const ips = fc.constantFrom('10.0.0.1', '192.168.1.1', '8.8.8.8', '::1', 'fe80::1', '::ffff:10.1.1.1', '2001:db8::5', 'x');
const times = fc.constantFrom('2024-03-15T13:45:10Z', '2024-01-01 00:00:00', 'not a time', '2023-12-31T23:59:59.999+00:00');

const scalar: fc.Arbitrary<FieldValue> = fc.oneof(text, fc.integer({ min: -2, max: 12 }), fc.boolean(), fc.constant(null), ips, times);
const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) });
const fields = fc.dictionary(fc.constantFrom(...FIELDS, 'Other'), fieldValue, { maxKeys: 5 });

const MODIFIER_CHAINS = [
  [], ['contains'], ['startswith'], ['endswith'], ['contains', 'all'], ['cased'], ['contains', 'cased'], ['neq'],
  ['windash'], ['windash', 'contains'], ['contains', 'windash', 'all'], ['re'], ['re', 'i'], ['re', 's'], ['base64'],
  ['base64offset', 'contains'], ['utf16le', 'base64offset', 'contains'], ['wide'], ['lt'], ['gte'], ['cidr'],
  ['exists'], ['fieldref'], ['fieldref', 'contains'], ['hour'], ['minute', 'lt'], ['year'], ['endswith', 'neq'],
];
const REGEXES = ['a', '^a', 'b$', 'a.b', '[ab]+', '(a|B)\\d', '\\.', '^$'];

function itemValues(chain: readonly string[]): fc.Arbitrary<Array<string | number | boolean | null>> {
  const one: fc.Arbitrary<string | number | boolean | null> = chain.includes('re')
    ? fc.constantFrom(...REGEXES)
    : chain.includes('cidr')
      ? fc.constantFrom('10.0.0.0/8', '192.168.0.0/16', 'fe80::/10', '::1/128', '0.0.0.0/0')
      : chain.includes('exists')
        ? fc.boolean()
        : chain.includes('fieldref')
          ? fc.constantFrom(...FIELDS)
          : chain.some((m) => ['lt', 'gte', 'hour', 'minute', 'year'].includes(m))
            ? fc.integer({ min: 0, max: 2030 })
            : fc.oneof({ weight: 5, arbitrary: text }, fc.integer({ min: -1, max: 12 }), fc.boolean(), fc.constant(null));
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

/** A detection item as the parser would read it; items the parser rejects are skipped. */
const item: fc.Arbitrary<Expr | undefined> = fc
  .record({ field: fc.constantFrom(...FIELDS, ''), chain: fc.constantFrom(...MODIFIER_CHAINS) })
  .chain(({ field, chain }) =>
    itemValues(chain).map((values) => {
      try {
        return parseItem('sel', [field, ...chain].join('|'), values, { placeholders: {} });
      } catch (error) {
        if (error instanceof SigmaCompileError) return undefined;
        throw error;
      }
    }),
  );

const expr: fc.Arbitrary<Expr> = fc.letrec<{ node: Expr }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    item.map((i): Expr => i ?? { kind: 'const', value: true }),
    fc.record({ kind: fc.constant('and' as const), items: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('or' as const), items: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    tie('node').map((inner): Expr => ({ kind: 'not', item: inner })),
  ),
})).node;

const routedFields = fc.record({
  base: fields,
  Channel: fc.constantFrom(SYSMON, 'Security', 'SECURITY', 'System', undefined),
  EventID: fc.constantFrom(1, 4688, 12, 13, '1', '13', 'x', undefined, [1, 13]),
}).map(({ base, Channel, EventID }) => {
  const out: Record<string, FieldValue> = { ...base };
  if (Channel !== undefined) out['Channel'] = Channel;
  if (EventID !== undefined) out['EventID'] = EventID;
  return out;
});

describe('compiled engine equals the reference interpreter', () => {
  it('on generated detections and events', () => {
    fc.assert(
      fc.property(expr, fc.array(fields, { minLength: 1, maxLength: 5 }), (e, events) => {
        const compiled = compileExpr(e);
        for (const f of events) expect(compiled(f)).toBe(evaluate(e, f));
      }),
      { numRuns: 1500 },
    );
  });

  it('evidence from compiled matchers equals evidence from the reference interpreter', () => {
    fc.assert(
      fc.property(expr, fc.array(fields, { minLength: 1, maxLength: 5 }), (e, events) => {
        // Once with direct string tests, once with every needle answered by field scans.
        const explainers = [compiledExplainer(e), compiledExplainer(e, FieldScanners.forRules([simplify(e)], 1))];
        for (const f of events) for (const explain of explainers) expect(explain(f)).toEqual(explainExpr(e, f));
      }),
      { numRuns: 800 },
    );
  });

  const LOGSOURCES: Logsource[] = [
    { product: 'windows' },
    { product: 'windows', category: 'process_creation' },
    { product: 'windows', category: 'registry_event' },
    { product: 'windows', service: 'security' },
    { product: 'windows', service: 'sysmon' },
    { product: 'linux' },
  ];
  const eventIdTest = fc.option(fc.subarray([1, 4688, 12, 13], { minLength: 1 }), { nil: undefined });

  it('the detector (routing by channel and EventID) equals routeAccepts + evaluate', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ls: fc.constantFrom(...LOGSOURCES), e: expr, ids: eventIdTest }), { minLength: 1, maxLength: 6 }),
        fc.array(routedFields, { minLength: 1, maxLength: 6 }),
        (specs, events) => {
          const rules = specs.map((s, i) => {
            const idTest = s.ids ? parseItem('sel', 'EventID', s.ids, { placeholders: {} }) : undefined;
            return {
              meta: { id: `r${i}`, title: `r${i}`, level: 'low' as const, author: '', description: '', references: [], tags: [], triage: [], falsePositives: [], language: 'sigma' as const, source: 't' },
              route: routeLogsource(s.ls),
              expr: idTest ? ({ kind: 'and', items: [idTest, s.e] } as Expr) : s.e,
            };
          });
          // Once with direct string tests, once with every needle answered by the field scans.
          for (const detector of [new SigmaDetector(rules), new SigmaDetector(rules, { minNeedlesForScan: 1 })]) {
            for (const f of events) {
              const expected = rules.filter((r) => routeAccepts(r.route, f) && evaluate(r.expr, f)).map((r) => r.meta.id);
              const event = { fields: f, raw: f, layout: 'evtx-json' } as const;
              const matched = detector.match(event);
              const actual = matched.map((r) => r.id);
              expect([...actual].sort()).toEqual([...expected].sort());
              // Evidence right after the match (reusing its scans) equals the reference's.
              for (const meta of matched) expect(detector.explain(meta, event)).toEqual(explainExpr(rules.find((r) => r.meta === meta)!.expr, f));
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('Aho-Corasick field scan equals direct string tests', () => {
  const short = fc.array(fc.constantFrom('a', 'A', 'b', 'ab', 'İ', 'i', '\u212a', 'k', '-'), { maxLength: 5 }).map((p) => p.join(''));
  it('anywhere, at the start, at the end, across list values and events', () => {
    fc.assert(
      fc.property(fc.uniqueArray(short.filter((s) => s !== ''), { minLength: 1, maxLength: 12 }), fc.array(fc.array(short, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), (needles, values) => {
        const ac = new AhoCorasick();
        const folded = needles.map(foldString);
        const ids = folded.map((n) => ac.add(n));
        ac.build();
        values.forEach((leaves, epoch) => {
          ac.scanValue(leaves, epoch);
          const texts = leaves.map(foldString);
          folded.forEach((needle, k) => {
            const id = ids[k]!;
            expect(ac.seenAnywhere(id, epoch)).toBe(texts.some((t) => t.includes(needle)));
            expect(ac.seenAtStart(id, epoch)).toBe(texts.some((t) => t.startsWith(needle)));
            expect(ac.seenAtEnd(id, epoch)).toBe(texts.some((t) => t.endsWith(needle)));
            expect(ac.seenWhole(id, epoch)).toBe(texts.some((t) => t === needle));
          });
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('gates: each sighting opens every gate added for its needle and mode, and a gate before build is refused', () => {
    const ac = new AhoCorasick();
    const a = ac.add('abc');
    const b = ac.add('bcd');
    expect(() => ac.addGate(a, 0, 0)).toThrow(/build/);
    ac.build();
    ac.gateSeen = new Int32Array(8).fill(-1);
    // Gates added in any order, several per key, across keys, as channels add theirs lazily.
    ac.addGate(a, 0, 3);
    ac.addGate(b, 1, 4);
    ac.addGate(a, 0, 5);
    ac.addGate(b, 0, 6);
    ac.scanValue('xabcd', 1);
    expect([...ac.gateSeen]).toEqual([-1, -1, -1, 1, -1, 1, 1, -1]); // bcd is not at the start: gate 4 stays shut
    ac.addGate(a, 1, 7);
    ac.scanValue('abc', 2);
    expect([...ac.gateSeen]).toEqual([-1, -1, -1, 2, -1, 2, 1, 2]);
  });

  // Numbers and booleans are searched as their text, short values are skipped: neither may lose a sighting.
  it('numbers, booleans and values shorter than a needle', () => {
    const text = fc.array(fc.constantFrom('1', '2', '.', '-', 'e', 'E', 'T', 'rue', 'x', 'İ', '\u212a'), { maxLength: 4 }).map((p) => p.join(''));
    const leaf = fc.oneof(text, fc.integer({ min: -300, max: 300 }), fc.constantFrom(1.5, -2e-7, 1e21, Infinity, NaN), fc.boolean());
    fc.assert(
      fc.property(fc.uniqueArray(text.filter((s) => s !== ''), { minLength: 1, maxLength: 8 }), fc.array(fc.array(leaf, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), (needles, values) => {
        const ac = new AhoCorasick();
        const folded = needles.map(foldString);
        const ids = folded.map((n) => ac.add(n));
        ac.build();
        values.forEach((leaves, epoch) => {
          ac.scanAllValues({ ...leaves }, epoch);
          const texts = leaves.map((l) => foldString(String(l)));
          folded.forEach((needle, k) => {
            expect(ac.seenAnywhere(ids[k]!, epoch)).toBe(texts.some((t) => t.includes(needle)));
            expect(ac.seenWhole(ids[k]!, epoch)).toBe(texts.some((t) => t === needle));
          });
        });
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * Processing pipelines, on generated rules (YAML, through the whole loader) and events: a field
 * renaming is invisible when the events are renamed alike; a variant's versions answer as the
 * reference does for each; unavailable_fields never makes a rule fire because a field is absent.
 */
describe('processing pipelines', () => {
  const NAMES = ['s0', 's1', 's2'];
  const ruleItem = (withKeywords: boolean) =>
    fc
      .record({ field: withKeywords ? fc.constantFrom(...FIELDS, '') : fc.constantFrom(...FIELDS), chain: fc.constantFrom(...MODIFIER_CHAINS) })
      .chain(({ field, chain }) => itemValues(chain).map((values) => [[field, ...chain].join('|'), values] as const));
  const search = (withKeywords: boolean) =>
    fc.oneof(
      fc.array(ruleItem(withKeywords), { minLength: 1, maxLength: 2 }).map((items) => Object.fromEntries(items)),
      fc.array(fc.array(ruleItem(withKeywords), { minLength: 1, maxLength: 2 }).map((items) => Object.fromEntries(items)), { minLength: 1, maxLength: 2 }),
    );
  const condition: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(...NAMES),
      fc.tuple(tie('c'), fc.constantFrom('and', 'or'), tie('c')).map(([a, op, b]) => `(${a} ${op} ${b})`),
      tie('c').map((a) => `not ${a}`),
    ),
  })).c;
  const rule = (withKeywords: boolean) =>
    fc.record({ searches: fc.tuple(search(withKeywords), search(withKeywords), search(withKeywords)), condition, ls: fc.constantFrom('process_creation', 'image_load', undefined) }).map(({ searches, condition: c, ls }) =>
      stringify({
        title: 'Generated',
        id: '00000000-0000-4000-8000-00000000000a',
        logsource: { product: 'windows', ...(ls ? { category: ls } : {}) },
        detection: { ...Object.fromEntries(NAMES.map((n, i) => [n, searches[i]])), condition: c },
      }),
    );
  // EventID and Channel stay: the logsource routes by them.
  const ALL = [...FIELDS.filter((f) => f !== 'EventID'), 'Other'];
  const renaming = fc.shuffledSubarray(['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6'], { minLength: ALL.length, maxLength: ALL.length }).map((targets) => new Map(ALL.map((f, i) => [f, targets[i]!])));
  const renamed = (f: Record<string, FieldValue>, map: ReadonlyMap<string, string>): Record<string, FieldValue> => Object.fromEntries(Object.entries(f).map(([k, v]) => [map.get(k) ?? k, v]));
  const mappingYaml = (map: ReadonlyMap<string, string>, extra = ''): string =>
    `name: rename\n${extra}transformations:\n  - id: rename\n    type: field_name_mapping\n    mapping:\n${[...map].map(([a, b]) => `      ${a}: ${b}`).join('\n')}\n`;
  const detectorFor = (text: string, pipelines: readonly ProcessingPipeline[]) => loadSigmaRules([{ path: 'g.yml', text }], { pipelines });
  const asEvent = (f: Record<string, FieldValue>) => ({ fields: f, raw: f, layout: 'evtx-json' }) as const;

  it('renaming fields in rules and events alike changes no answer', () => {
    fc.assert(
      fc.property(rule(true), renaming, fc.array(routedFields, { minLength: 1, maxLength: 5 }), (text, map, events) => {
        const plain = detectorFor(text, []);
        fc.pre(plain.errors.length === 0);
        const mapped = detectorFor(text, [parsePipeline(mappingYaml(map), 'rename.yml')]);
        expect(mapped.errors).toEqual([]);
        for (const f of events) {
          expect(mapped.detector.match(asEvent(renamed(f, map))).length, `${text}\n${JSON.stringify(f)}`).toBe(plain.detector.match(asEvent(f)).length);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('a variant: the detector equals the reference over each version, listing the rule once', () => {
    fc.assert(
      fc.property(rule(true), renaming, fc.array(routedFields, { minLength: 1, maxLength: 5 }), (text, map, events) => {
        const variant = parsePipeline(mappingYaml(map, 'variant: renamed\n').replace('transformations:\n', 'transformations:\n  - type: change_logsource\n    product: windows\n    service: security\n'), 'variant.yml');
        const parsed = parseSigmaFiles([{ path: 'g.yml', text }], { pipelines: [variant] });
        fc.pre(parsed.errors.length === 0);
        expect(parsed.rules.map((r) => r.variant)).toEqual([undefined, 'renamed']);
        const detector = new SigmaDetector(parsed.rules);
        expect(detector.rules).toHaveLength(1);
        for (const f of events) {
          const expected = parsed.rules.some((r) => routeAccepts(r.route, f) && evaluate(r.expr, f));
          expect(detector.match(asEvent(f)).length).toBe(expected ? 1 : 0);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('unavailable_fields: a kept version answers as the rule on events without those fields, and never fires because one is absent', () => {
    const unavailable = fc.subarray(['A', 'B', 'Ip', 'T'], { minLength: 1 });
    fc.assert(
      fc.property(rule(false), unavailable, fields, fields, (text, missing, base, extra) => {
        const p = parsePipeline(`name: lacking\ntransformations:\n  - type: unavailable_fields\n    fields: [${missing.join(', ')}]\n`, 'lacking.yml');
        const plain = parseSigmaFiles([{ path: 'g.yml', text }], { pipelines: [] });
        fc.pre(plain.errors.length === 0);
        const lacking = parseSigmaFiles([{ path: 'g.yml', text }], { pipelines: [p] });
        if (lacking.rules.length === 0) {
          // Refused or dropped: always with one of the two reasons.
          expect(lacking.errors[0]?.reason).toMatch(/would fire on the absence of|can never match: needs/);
          return;
        }
        const original = plain.rules[0]!.expr;
        const version = lacking.rules[0]!.expr;
        const without = Object.fromEntries(Object.entries(base).filter(([k]) => !missing.includes(k)));
        expect(evaluate(version, without)).toBe(evaluate(original, without));
        // Whatever values the missing fields would have had, a firing version implies the rule fires.
        const withSome = { ...without, ...Object.fromEntries(Object.entries(extra).filter(([k]) => missing.includes(k))) };
        if (evaluate(version, without)) expect(evaluate(original, withSome)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
