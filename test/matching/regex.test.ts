/**
 * The one regex engine (lib/matching/regex.ts) and the two flavours that feed it: hostile
 * patterns answer (no backtracking), what only a backtracking engine could run is refused with
 * its reason, PCRE meanings survive the translation, and on the syntax every engine shares the
 * answers equal JavaScript's RegExp.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holds } from '../eql/eql-harness.ts';
import { compileRegex, type LinearRegex } from '../../lib/matching/regex.ts';
import { loadSigmaRules } from '../../lib/sigma/index.ts';
import { compileSigmaRegex, parseSigmaRegex } from '../../lib/sigma/regex-flavour.ts';
import { luceneRegexMatcher } from '../../lib/eql/lucene-regex.ts';
import { compileError, event, matcher } from '../sigma/support.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';

const linear = (source: string, flags = ''): LinearRegex => {
  const regex = compileRegex(source, { flags });
  if (typeof regex === 'string') throw new Error(regex);
  return regex;
};
const sigma = (pcre: string, flags = ''): LinearRegex => {
  const parsed = parseSigmaRegex(pcre, flags);
  if (typeof parsed === 'string') throw new Error(parsed);
  return compileSigmaRegex(parsed);
};

describe('hostile patterns answer, whatever the input', () => {
  it('nested quantifiers: (a+)+$ on a x 50,000 + !', () => {
    const re = linear('(a+)+$');
    expect(re.test('a'.repeat(28) + '!')).toBe(false);
    expect(re.test('a'.repeat(50_000) + '!')).toBe(false);
    expect(re.test('a'.repeat(50_000))).toBe(true);
  });

  it('the classic ReDoS shapes', () => {
    const long = 'a'.repeat(100_000);
    expect(linear('^(a|a)*$').test(long + 'b')).toBe(false);
    expect(linear('^(a|aa)+$').test(long + '!')).toBe(false);
    expect(linear('(.*a){20}x').test(long)).toBe(false);
    expect(linear('^(\\w+\\s?)*$').test('word '.repeat(20_000) + '!')).toBe(false);
    expect(linear('(?i)^(A+)+B').test(long)).toBe(false);
  });

  it('through a Sigma rule: the engine is the one the detector runs', () => {
    const m = matcher("sel:\n  CommandLine|re: '(a+)+$'\ncondition: sel");
    expect(m({ CommandLine: 'a'.repeat(28) + '!' })).toBe(false);
    expect(m({ CommandLine: 'a'.repeat(50_000) + '!' })).toBe(false);
    expect(m({ CommandLine: 'x' + 'a'.repeat(50_000) })).toBe(true);
  });

  it('through EQL regex and regex~', () => {
    const doc = { process: { name: 'a'.repeat(50_000) + '!' } };
    expect(holds('process.name regex "(a+)+"', doc)).toBe(false);
    expect(holds('process.name regex~ "(A+)+!"', doc)).toBe(true);
    expect(holds('process.name regex "(a|aa)+b"', { process: { name: 'a'.repeat(50_000) } })).toBe(false);
  });
});

describeShared('SigmaHQ d7bcd677 (PowerShell command-line obfuscation) on crafted command lines', () => {
  const path = sharedPath('corpus', 'sigma', 'rules', 'windows', 'process_creation', 'proc_creation_win_powershell_cmdline_special_characters.yml');
  const { detector, errors } = loadSigmaRules([{ path, text: readFileSync(path, 'utf8') }]);
  const matches = (commandLine: string): boolean =>
    detector.match(event({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', CommandLine: commandLine })).length > 0;

  it('compiles', () => expect(errors).toEqual([]));
  it('13 `+` in 30 KB and 1 MB: no match; 14: a match', () => {
    const spread = (marks: number, bytes: number) => Array.from({ length: marks }, () => '+' + ' '.repeat(Math.floor(bytes / marks))).join('');
    expect(matches(spread(13, 30_000))).toBe(false);
    expect(matches(spread(13, 1_000_000))).toBe(false);
    expect(matches(spread(14, 1_000_000))).toBe(true);
    expect(matches('^'.repeat(4) + ' '.repeat(1_000_000))).toBe(false);
    expect(matches('`'.repeat(5) + ' '.repeat(100))).toBe(true);
  });
});

describe('refused: what only a backtracking engine runs', () => {
  it.each([
    ['(a)\\1', /backreference at offset 3/],
    ['(?<n>a)\\k<n>', /backreference/],
    ['foo(?=bar)', /lookahead at offset 3/],
    ['foo(?!bar)', /lookahead/],
    ['(?>a+)b', /atomic group/],
    ['a++b', /possessive quantifier/],
    ['a{2,3}+', /possessive quantifier/],
    ['(a|(?R))', /recursive call/],
    ['(?(1)a|b)', /conditional group/],
    ['\\Ga', /\\G or \\K/],
  ])('%s', (source, reason) => {
    const refused = compileRegex(source);
    expect(typeof refused).toBe('string');
    expect(refused).toMatch(reason);
    expect(refused).toMatch(/linear time/);
  });

  it('escaped or in a class, the same characters are plain text', () => {
    expect(linear('\\(?=x').test('=x')).toBe(true);
    expect(linear('[(?=]x').test('=x')).toBe(true);
    expect(linear('a\\++').test('a++')).toBe(true);
  });

  it('lookbehind is linear in re2js, so it is accepted', () => {
    expect(linear('(?<=foo)bar').test('foobar')).toBe(true);
    expect(linear('(?<!foo)bar').test('foobar')).toBe(false);
  });

  it('a Sigma rule holding one fails to load, the item and reason named (rules lint lists it)', () => {
    const error = compileError("sel:\n  CommandLine|re: '(\\w+)\\s+\\1'\ncondition: sel");
    expect(error.item).toBe('sel: CommandLine|re');
    expect(error.reason).toMatch(/backreference .* needs a backtracking engine/);
    expect(compileError("sel:\n  F|re: '(?x) a b'\ncondition: sel").reason).toMatch(/\(\?x\)/);
  });

  it('EQL: a repeat RE2 cannot count is refused at the pattern', () => {
    expect(() => luceneRegexMatcher(['a{1001}'], false)).toThrow(/over 1000/);
    expect(luceneRegexMatcher(['a{1000}'], false)('a'.repeat(1000))).toBe(true);
  });
});

describe('Sigma: PCRE meanings kept', () => {
  it('\\s is PCRE white space: VT yes, no-break space no', () => {
    expect(sigma('a\\sb').test('a\vb')).toBe(true);
    expect(sigma('a\\sb').test('a\u00a0b')).toBe(false);
    expect(sigma('a\\Sb').test('a\vb')).toBe(false);
    expect(sigma('a[\\s,]b').test('a\vb')).toBe(true);
  });
  it('$ and \\Z also match before a final newline (not before others), unless m', () => {
    expect(sigma('\\.exe$').test('x.exe\n')).toBe(true);
    expect(sigma('\\.exe$').test('x.exe\n\n')).toBe(false);
    expect(sigma('\\.exe\\Z').test('x.exe\n')).toBe(true);
    expect(sigma('^a$').test('b\na')).toBe(false);
    expect(sigma('^a$', 'm').test('b\na\nc')).toBe(true);
    expect(sigma('[$]').test('$')).toBe(true);
    expect(sigma('\\$').test('$')).toBe(true);
  });
  it('\\h, \\v, \\R, \\e', () => {
    expect(sigma('a\\hb').test('a\u00a0b')).toBe(true);
    expect(sigma('a\\vb').test('a\u2028b')).toBe(true);
    expect(sigma('a\\vb').test('a b')).toBe(false);
    expect(sigma('a\\Rb').test('a\r\nb')).toBe(true);
    expect(sigma('\\e\\[').test('\u001b[31m')).toBe(true);
  });
  it('case-insensitive folds Unicode simple case, flags anywhere', () => {
    expect(sigma('(?i)mimikatz').test('MIMIKATZ')).toBe(true);
    expect(sigma('(?i)k').test('\u212a')).toBe(true);
    expect(sigma('straße', 'i').test('STRAẞE')).toBe(true);
    expect(sigma('a(?i)b').test('aB')).toBe(true);
    expect(sigma('a(?i)b').test('AB')).toBe(false);
    expect(sigma('mimikatz').test('MIMIKATZ')).toBe(false);
  });
  it('. and classes read characters; \\d \\w \\b are ASCII', () => {
    expect(sigma('^.$').test('😀')).toBe(true);
    expect(sigma('^[😀]$').test('😀')).toBe(true);
    expect(sigma('^\\d$').test('\u0663')).toBe(false);
    expect(sigma('^\\w$').test('é')).toBe(false);
    expect(sigma('a.b').test('a\nb')).toBe(false);
    expect(sigma('a.b', 's').test('a\nb')).toBe(true);
    expect(sigma('a.b').test('a\rb')).toBe(true);
  });
  it('\\Q...\\E, POSIX classes, \\x{...}', () => {
    expect(sigma('\\Q$(a+)\\E').test('x$(a+)')).toBe(true);
    expect(sigma('^[[:alpha:]\\s]+$').test('ab\vcd')).toBe(true);
    expect(sigma('\\x{41}\\x42').test('AB')).toBe(true);
  });
  it('a stray backslash or bracket is refused as invalid', () => {
    expect(parseSigmaRegex('a\\', '')).toMatch(/invalid regular expression/);
    expect(parseSigmaRegex('[a', '')).toMatch(/invalid regular expression/);
  });
});

describe('EQL: Lucene meanings kept', () => {
  const lucene = (pattern: string, ci = false) => luceneRegexMatcher([pattern], ci);
  it('whole value, . matches newlines, ^ $ are plain', () => {
    expect(lucene('ab')('xab')).toBe(false);
    expect(lucene('a.b')('a\nb')).toBe(true);
    expect(lucene('^a$')('^a$')).toBe(true);
    expect(lucene('"a.b*"')('a.b*')).toBe(true);
    expect(lucene('"a.b*"')('axbb')).toBe(false);
  });
  it('characters RE2 would read as syntax stay literal', () => {
    expect(lucene('\\Q')('Q')).toBe(true);
    expect(lucene('[\\]]')(']')).toBe(true);
    expect(lucene('😀+')('😀😀')).toBe(true);
    expect(lucene('[^a]')('😀')).toBe(true);
  });
  it('regex~ folds case', () => {
    expect(lucene('[A-C]+x', true)('abcX')).toBe(true);
    expect(lucene('Kelvin', true)('\u212aELVIN')).toBe(true);
  });
});

/** Patterns from the syntax RE2 and JavaScript read alike, over text where their classes agree. */
const ALPHABET = ['a', 'b', 'A', 'B', '1', ' ', '-', '\n', '.'];
const atom: fc.Arbitrary<string> = fc.constantFrom('a', 'b', 'A', '1', ' ', '-', '.', '\\.', '[ab]', '[^a]', '[a-c1]', '\\d', '\\w', '\\W', '\\s', '\\S', '^', '$', '\\b', '\\B');
const pattern: fc.Arbitrary<string> = fc.letrec<{ re: string }>((tie) => ({
  re: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.array(tie('re'), { minLength: 2, maxLength: 4 }).map((items) => items.join('')),
    fc.array(tie('re'), { minLength: 2, maxLength: 3 }).map((options) => `(?:${options.join('|')})`),
    fc.tuple(tie('re'), fc.constantFrom('*', '+', '?', '{1,3}', '{2}', '*?', '+?')).map(([item, q]) => `(${item})${q}`),
  ),
})).re;

describe('on shared syntax, the linear engine answers as RegExp does', () => {
  it('random patterns, flags and texts', () => {
    fc.assert(
      fc.property(pattern, fc.subarray(['i', 'm', 's']), fc.array(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 8 }).map((a) => a.join('')), { minLength: 1, maxLength: 6 }), (source, flagList, texts) => {
        const flags = flagList.join('');
        const native = new RegExp(source, flags);
        const re = linear(source, flags);
        for (const text of texts) expect(re.test(text), `/${source}/${flags} on ${JSON.stringify(text)}`).toBe(native.test(text));
      }),
      { numRuns: 3000 },
    );
  });
});
