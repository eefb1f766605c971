import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldCode, foldString } from '../../lib/sigma/case-fold.ts';
import { gateNeedleOf } from '../../lib/sigma/field-scanners.ts';
import { isSafeLiteral, requiredLiteralSets, requiredLiterals } from '../../lib/sigma/regex-literal.ts';
import { compileRegex } from '../../lib/matching/regex.ts';
import { parseSigmaRegex, toRe2Source } from '../../lib/sigma/regex-flavour.ts';

/** The literals of a rule's `re` value, read as the engine reads it (PCRE `(?i)` becomes a flag). */
const literalsOf = (pcre: string, modifierFlags = ''): string[] | undefined => {
  const regex = parseSigmaRegex(pcre, modifierFlags);
  if (typeof regex === 'string') throw new Error(regex);
  return requiredLiterals(toRe2Source(regex.source, regex.flags), regex.flags);
};

describe('requiredLiterals on SigmaHQ regexes', () => {
  const cases: Array<[string, string[] | undefined, string?]> = [
    ['ipconfig\\s+/all', ['pconf']],
    ['netsh\\s+interface show interface', ['nterface ']],
    ['route\\s+print', ['route']],
    ['arp\\s+-a', ['arp']],
    ['net\\s+config', ['conf']],
    ['\\\\[a-zA-Z]{8}\\.tmp$', ['.tmp']],
    ['\\\\Windows\\\\System32\\\\[a-zA-Z0-9]{8}\\.tmp$', ['tem32\\']],
    ['\\\\sessionresume_[a-zA-Z]{8}$', ['onre']],
    ['^C:\\\\Users\\\\[^\\\\]+\\\\NTUSER\\.DAT$', ['er.dat'], 'i'],
    ['C:\\\\__1\\d{9}\\.\\d{1,7}$', ['c:\\__1']],
    ['://[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}', ['://']],
    ['https?://[0-9]{1,3}\\.0[0-9]{3,7}', ['http']],
    ['https?://(?:(?:25[0-5]|(?:2[0-4]|1\\d|[1-9])?\\d)(?:\\.|\\b)){4}', ['http']],
    ['\\n\\n\\n\\n\\n\\n', ['\n\n\n\n\n\n']],
    ['[Rr][Uu][Nn][Dd][Ll][Ll]32(?:\\.[Ee][Xx][Ee])? \\S+?\\w:\\S+?:', ['rundll32']],
    [
      '(?:[Pp]rogram[Dd]ata|%(?:[Ll]ocal)?[Aa]pp[Dd]ata%|\\\\[Aa]pp[Dd]ata\\\\(?:[Ll]ocal(?:[Ll]ow)?|[Rr]oaming))\\\\[^\\\\]{1,256}$',
      ['programdata', 'appdata%', '\\appdata\\'],
    ],
    ['\\\\mojo\\.5688\\.8052\\.(?:183894939787088877|35780273329370473)[0-9a-f]{2}', ['183894939787088877', '35780273329370473']],
    ['-[a-z0-9]{3}\\.[a-z0-9-]{3,}-s-account\\.workers\\.dev|\\.up\\.railway\\.app', ['-account.wor', 'lway.app']],
    ['\\$env:ComSpec\\[(\\s*\\d{1,3}\\s*,){2}', ['$env:com']],
    ['(?i)\\s(-u|--user)\\s*:', undefined], // `-u` is too short
    ['\\s-k\\s', undefined],
    ['\\+.*\\+.*\\+.*\\+.*\\+', undefined],
    ['(?i)\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}', undefined],
    ['[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}', undefined],
    ['(^[a-zA-Z]{4}$)|(^[a-zA-Z]{8}$)|(^[a-zA-Z]{16}$)', undefined],
    // `]` outside a class is a literal only by Annex B: left alone.
    ['cmd.{0,5}(?:/c|/r).+clip(?:\\.exe)?.{0,4}&&.+clipboard]::\\(\\s\\\\"\\{\\d\\}.+-f.+"', undefined],
  ];
  for (const [pcre, expected, flags] of cases) {
    it(pcre, () => expect(literalsOf(pcre, flags)).toEqual(expected));
  }

});

describe('requiredLiterals: syntax', () => {
  it('quantifiers end or keep runs', () => {
    expect(requiredLiterals('abc?def', '')).toEqual(['def']);
    expect(requiredLiterals('abcd*e', '')).toEqual(['abc']);
    expect(requiredLiterals('xya+bcd', '')).toEqual(['abcd']);
    expect(requiredLiterals('xyza+b', '')).toEqual(['xyza']);
    expect(requiredLiterals('xa{3}b', '')).toEqual(['xaaab']);
    expect(requiredLiterals('xa{3,}b', '')).toEqual(['xaaa']);
    expect(requiredLiterals('ab{0,3}cde', '')).toEqual(['cde']);
    expect(requiredLiterals('(?:abc)+', '')).toEqual(['abc']);
    expect(requiredLiterals('(?:abc)*def', '')).toEqual(['def']);
    expect(requiredLiterals('(?:ab)+c', '')).toBeUndefined();
  });

  it('anchors and unquantified groups keep runs; lookarounds and alternation groups end them', () => {
    expect(requiredLiterals('^ab\\bc$', 'm')).toEqual(['abc']);
    expect(requiredLiterals('a(?:b(c))d', '')).toEqual(['abcd']);
    expect(requiredLiterals('ab(?=x)cd', '')).toBeUndefined();
    expect(requiredLiterals('xyz(?:abc|def)', '')).toEqual(['xyz']);
    expect(requiredLiterals('xy(?:abcd|defg)', '')).toEqual(['abcd', 'defg']);
    expect(requiredLiterals('abc|de', '')).toBeUndefined();
    expect(requiredLiterals('abc|', '')).toBeUndefined();
  });

  it('only characters whose case variants all fold alike', () => {
    expect(requiredLiterals('Kelvin', 'iu')).toEqual(['elv']);
    expect(requiredLiterals('[Pp]ATH', '')).toEqual(['path']);
    expect(requiredLiterals('[Kk]eyboard', '')).toEqual(['eyboard']);
    expect(requiredLiterals('[Kk]ey[Kk]ey', '')).toBeUndefined();
    expect(requiredLiterals('ab\\x41\\u0042', '')).toEqual(['abab']);
    expect(requiredLiterals('ab\\u006bcd', '')).toBeUndefined();
    expect(requiredLiterals('caf\u00e9bars', 'i')).toEqual(['caf']);
  });

  it('gives up on what it does not read', () => {
    for (const [source, flags] of [
      ['abc\\k<n>', ''],
      ['abc(?i:def)', ''],
      ['(?i)abc', ''],
      ['abc\\p{L}', 'u'],
      ['abc\\cJ', ''],
      ['abc', 'v'],
      ['abc{', ''],
      ['abc\\q', ''],
      ['abc\\01', ''],
      ['abc[', ''],
    ] as const) {
      expect(requiredLiterals(source, flags), source).toBeUndefined();
    }
    expect(requiredLiterals('(a)bcd\\1', '')).toEqual(['abcd']);
  });

  it('gateNeedleOf gates a regex on them', () => {
    expect(gateNeedleOf({ kind: 'regex', source: 'net\\s+group', flags: 'u' })).toEqual({ mode: 'contains', texts: ['group'] });
    expect(gateNeedleOf({ kind: 'regex', source: '\\s-k\\s', flags: 'u' })).toBeUndefined();
  });
});

describe('the safe characters', () => {
  it('match, under any of i and u, only characters that fold to them', () => {
    const safe = Array.from({ length: 0x80 }, (_, c) => c).filter(isSafeLiteral);
    expect(safe.length).toBe(128 - 6);
    const escape = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
    for (const flags of ['', 'i', 'u', 'iu']) {
      const any = new RegExp(`^[${safe.map(escape).join('')}]$`, flags);
      const each = safe.map((c) => new RegExp(`^${escape(c)}$`, flags));
      const end = flags.includes('u') ? 0x110000 : 0x10000;
      for (let cp = 0; cp < end; cp++) {
        if (cp >= 0xd800 && cp < 0xe000) continue;
        const ch = String.fromCodePoint(cp);
        if (!any.test(ch)) continue;
        each.forEach((re, k) => {
          if (re.test(ch)) expect(ch.length === 1 && foldCode(cp) === foldCode(safe[k]!), `${flags} ${cp.toString(16)} ${safe[k]}`).toBe(true);
        });
      }
    }
  });
});

// ---- Property: on random regexes, a match always shows a literal ----------------------------

type Node =
  | { readonly t: 'char'; readonly src: string; readonly variants: readonly string[] }
  | { readonly t: 'anchor'; readonly src: string }
  | { readonly t: 'group'; readonly open: string; readonly alt: Node[][] }
  | { readonly t: 'q'; readonly item: Node; readonly q: string; readonly min: number; readonly max: number };

const TRICKY = ['\u212a', '\u017f', '\u0130', '\u0131', '\u00e9', '\ud83d\ude00'];

const variantsOf = (ch: string): string[] => {
  const v = new Set([ch, ch.toLowerCase(), ch.toUpperCase()]);
  if (/[kK]/.test(ch)) v.add('\u212a');
  if (/[sS]/.test(ch)) v.add('\u017f');
  if (/[iI]/.test(ch)) ['\u0130', '\u0131'].forEach((c) => v.add(c));
  return [...v];
};

const charNode: fc.Arbitrary<Node> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...'aAbBiIkKsSxZ019 -_:,'.split('')).map((c) => ({ t: 'char' as const, src: c, variants: variantsOf(c) })) },
  { weight: 2, arbitrary: fc.constantFrom(
    { src: '\\.', c: '.' },
    { src: '\\\\', c: '\\' },
    { src: '\\/', c: '/' },
    { src: '\\$', c: '$' },
    { src: '\\x41', c: 'A' },
    { src: '\\x6b', c: 'k' },
    { src: '\\u0053', c: 'S' },
    { src: '\\u0062', c: 'b' },
    { src: '\\n', c: '\n' },
    { src: '\u00e9', c: '\u00e9' },
  ).map(({ src, c }) => ({ t: 'char' as const, src, variants: variantsOf(c) })) },
  { weight: 2, arbitrary: fc.constantFrom(
    { src: '.', variants: ['a', 'k', '\u212a', '\n', '\ud83d\ude00'] },
    { src: '[Kk]', variants: ['k', 'K', '\u212a'] },
    { src: '[Ss]', variants: ['s', 'S', '\u017f'] },
    { src: '[Aa]', variants: ['a', 'A'] },
    { src: '[Ii]', variants: ['i', 'I', '\u0130', '\u0131'] },
    { src: '[ab]', variants: ['a', 'b', 'B'] },
    { src: '[^a]', variants: ['b', 'A', 'k'] },
    { src: '[a-c]', variants: ['a', 'c', 'C'] },
    { src: '[\\-.]', variants: ['-', '.'] },
    { src: '\\d', variants: ['0', '7'] },
    { src: '\\w', variants: ['a', 'K', '_', '\u212a'] },
    { src: '\\s', variants: [' ', '\n'] },
  ).map(({ src, variants }) => ({ t: 'char' as const, src, variants })) },
);

const anchorNode: fc.Arbitrary<Node> = fc.constantFrom('^', '$', '\\b', '\\B').map((src) => ({ t: 'anchor' as const, src }));

const quantifiers = [
  { q: '?', min: 0, max: 1 },
  { q: '*', min: 0, max: 3 },
  { q: '+', min: 1, max: 3 },
  { q: '+?', min: 1, max: 3 },
  { q: '{2}', min: 2, max: 2 },
  { q: '{2,3}', min: 2, max: 3 },
  { q: '{0,2}', min: 0, max: 2 },
  { q: '{1,}', min: 1, max: 3 },
];

const { alt: nested, item } = fc.letrec<{ alt: Node[][]; seq: Node[]; item: Node; atom: Node; group: Node }>((tie) => ({
  alt: fc.array(tie('seq'), { minLength: 1, maxLength: 3 }),
  seq: fc.array(tie('item'), { minLength: 0, maxLength: 10 }),
  item: fc.oneof(
    { weight: 3, arbitrary: tie('atom') },
    { weight: 1, arbitrary: fc.tuple(tie('atom'), fc.constantFrom(...quantifiers)).map(([item, q]) => ({ t: 'q' as const, item, ...q })) },
    { weight: 1, arbitrary: fc.tuple(tie('group'), fc.constantFrom(...quantifiers)).map(([item, q]) => ({ t: 'q' as const, item, ...q })) },
    { weight: 1, arbitrary: anchorNode },
  ),
  atom: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 8, arbitrary: charNode }, { weight: 1, arbitrary: tie('group') }),
  group: fc
    .tuple(fc.constantFrom('(', '(?:', '(?=', '(?!'), tie('alt'))
    .map(([open, alt]) => ({ t: 'group' as const, open, alt })),
}));

/** A group of a few characters, often quantified: its text repeats or vanishes as a whole. */
const smallGroup: fc.Arbitrary<Node> = fc
  .tuple(fc.constantFrom('(', '(?:'), fc.array(charNode, { minLength: 1, maxLength: 4 }), fc.option(fc.constantFrom(...quantifiers)))
  .map(([open, seq, q]): Node => {
    const group: Node = { t: 'group', open, alt: [seq] };
    return q ? { t: 'q', item: group, ...q } : group;
  });

/** Mostly one top-level branch: alternations rarely have a literal in every branch. */
const alt: fc.Arbitrary<Node[][]> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof({ weight: 2, arbitrary: charNode }, { weight: 3, arbitrary: item }, { weight: 1, arbitrary: smallGroup }), { minLength: 3, maxLength: 10 }).map((seq) => [seq]) },
  { weight: 2, arbitrary: nested },
);

const srcOf = (a: readonly Node[][]): string => a.map((s) => s.map(nodeSrc).join('')).join('|');
const nodeSrc = (n: Node): string =>
  n.t === 'char' || n.t === 'anchor' ? n.src : n.t === 'group' ? `${n.open}${srcOf(n.alt)})` : `${nodeSrc(n.item)}${n.q}`;

/** A string the regex may match, steered by `pick`. */
const sampleOf = (a: readonly Node[][], pick: () => number): string => a[pick() % a.length]!.map((n) => sampleNode(n, pick)).join('');
const sampleNode = (n: Node, pick: () => number): string => {
  switch (n.t) {
    case 'char':
      return n.variants[pick() % n.variants.length]!;
    case 'anchor':
      return '';
    case 'group':
      return n.open === '(' || n.open === '(?:' ? sampleOf(n.alt, pick) : '';
    case 'q': {
      const count = n.min + (pick() % (n.max - n.min + 1));
      return Array.from({ length: count }, () => sampleNode(n.item, pick)).join('');
    }
  }
};

/** The random regex under these flags, or undefined where they make it invalid (a quantified lookahead with u). */
function regexOrNone(source: string, flags: string): RegExp | undefined {
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

const noise = fc.array(fc.constantFrom(...'aAbkKsSiI01 .-\\\n'.split(''), ...TRICKY), { maxLength: 6 }).map((a) => a.join(''));

describe('requiredLiterals: property', () => {
  it('whenever a random regex matches, the folded text contains one of its literals', () => {
    let gated = 0;
    let matched = 0;
    fc.assert(
      fc.property(
        alt,
        fc.subarray(['i', 'm', 's', 'u']),
        fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
        noise,
        noise,
        fc.array(noise, { maxLength: 4 }),
        (tree, flagList, picks, before, after, randoms) => {
          const source = srcOf(tree);
          const flags = flagList.join('');
          const re = regexOrNone(source, flags);
          if (!re) return;
          const literals = requiredLiterals(source, flags);
          if (!literals) return;
          gated++;
          let k = 0;
          const pick = () => picks[k++ % picks.length]!;
          const texts = [sampleOf(tree, pick), before + sampleOf(tree, pick) + after, sampleOf(tree, pick) + sampleOf(tree, pick), ...randoms];
          // The engine that runs rules (RE2) must agree: its matches hold a literal too. Every
          // other case only: compiling for RE2 costs more than the rest of the property.
          const linear = gated % 2 === 0 ? compileRegex(source, { flags: flags.replace('u', '') }) : 'skipped';
          for (const text of texts) {
            if (typeof linear !== 'string' && linear.test(text)) {
              const folded = foldString(text);
              if (!literals.some((l) => folded.includes(l))) {
                throw new Error(`RE2 /${source}/${flags} matches ${JSON.stringify(text)} but it holds none of ${JSON.stringify(literals)}`);
              }
            }
            if (!re.test(text)) continue;
            matched++;
            const folded = foldString(text);
            if (!literals.some((l) => folded.includes(l))) {
              throw new Error(`/${source}/${flags} matches ${JSON.stringify(text)} but it holds none of ${JSON.stringify(literals)}`);
            }
          }
        },
      ),
      { numRuns: 10000 },
    );
    // The property must have had something to check.
    expect(gated).toBeGreaterThan(300);
    expect(matched).toBeGreaterThan(300);
    // 10,000 cases on two engines: CPU-bound, so give a shared 2-core machine room.
  }, 180_000);
});

describe('requiredLiteralSets: every set a match needs, for the regex leaf\'s own check', () => {
  const setsOf = (pcre: string): string[][] | undefined => {
    const regex = parseSigmaRegex(pcre, '');
    if (typeof regex === 'string') throw new Error(regex);
    return requiredLiteralSets(toRe2Source(regex.source, regex.flags), regex.flags);
  };

  it('names the rare runs beside the best one (SigmaHQ PowerShell payload regexes)', () => {
    // `s` never counts (U+017F folds apart from it), so `set` is `et`; the lone `"` is too short.
    expect(setsOf('(set).*&&\\s?set.*(environment|invoke|\\$?\\{?input).*&&.*"')).toEqual([['ronment', 'nvo', 'nput'], ['et'], ['&&']]);
    expect(setsOf('&&set.*(\\{\\d\\}){2,}\\\\"\\s+?-f.*&&.*cmd.*/c')).toEqual([['cmd'], ['&&'], ['et'], ['\\"'], ['-f'], ['/c']]);
    // Several branches: one set, the branches' needles (as requiredLiterals).
    expect(setsOf('abcd|efgh')).toEqual([['abcd', 'efgh']]);
    expect(setsOf('.*')).toBeUndefined();
  });

  it('whenever a random regex matches, the folded text holds a needle of every set', () => {
    let checked = 0;
    fc.assert(
      fc.property(alt, fc.subarray(['i', 'm', 's', 'u']), fc.array(fc.nat(), { minLength: 64, maxLength: 64 }), noise, noise, (tree, flagList, picks, before, after) => {
        const source = srcOf(tree);
        const flags = flagList.join('');
        const re = regexOrNone(source, flags);
        if (!re) return;
        const sets = requiredLiteralSets(source, flags);
        if (!sets) return;
        let k = 0;
        const pick = () => picks[k++ % picks.length]!;
        for (const text of [sampleOf(tree, pick), before + sampleOf(tree, pick) + after]) {
          if (!re.test(text)) continue;
          checked++;
          const folded = foldString(text);
          const missing = sets.find((set) => !set.some((l) => folded.includes(l)));
          if (missing) throw new Error(`/${source}/${flags} matches ${JSON.stringify(text)} but it holds none of ${JSON.stringify(missing)}`);
        }
      }),
      { numRuns: 3000, endOnFailure: true },
    );
    expect(checked).toBeGreaterThan(30);
  }, 120_000);
});
