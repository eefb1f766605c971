/**
 * Sigma's `re` values are PCRE (sigma-appendix-modifiers.md); winsift runs them on RE2
 * (`lib/matching/regex.ts`: linear time, no backtracking). RE2's syntax is Perl's, so most
 * patterns read the same; this file turns what PCRE means differently into RE2 that means
 * the same, so a rule matches what its author tested against PCRE:
 *
 * | PCRE | meaning | RE2 written |
 * |---|---|---|
 * | leading `(?i)` `(?s)` `(?m)` | flags | the flags (kept apart for display and literal analysis) |
 * | `\s` / `\S` | `[\t\n\v\f\r ]` (PCRE counts VT since 8.34; RE2 does not) | that class / its negation |
 * | `$`, `\Z` (no `m`) | end, or before a final `\n` | `(?:\n?$)` |
 * | `\h` `\H` `\v` `\V` `\R` | horizontal / vertical white space, any line break | the classes spelled out |
 * | `\e` | ESC | `\x1B` |
 *
 * `.` (anything but `\n`), `\d` `\w` `\b` (ASCII), `\x{...}`, `\Q...\E`, `[[:alpha:]]`,
 * named groups and inline flags anywhere read the same in both. Case-insensitive matching
 * folds Unicode simple case (PCRE in UTF mode does too). Lookbehind is accepted (re2js runs it
 * in linear time). What only a backtracking engine can run (backreferences, lookahead, atomic
 * groups, possessive quantifiers, recursion) and `(?x)` are refused with the reason, and the
 * rule with them fails to load: `winsift rules lint` lists it. `\S` inside a class keeps RE2's
 * meaning (it also matches VT).
 */
import { compileRegex, type LinearRegex } from '../matching/regex.ts';

export interface SigmaRegex {
  /** The rule's PCRE, without its leading flag group: shown in evidence, read by regex-literal.ts after translation. */
  readonly source: string;
  /** `i`, `m`, `s`: from the leading `(?ims)` group and the `|i` `|m` `|s` modifiers. */
  readonly flags: string;
}

/** The rule's regex checked and split into source and flags, or why it cannot be run. */
export function parseSigmaRegex(pcre: string, modifierFlags: string): SigmaRegex | string {
  let source = pcre;
  let flags = modifierFlags;
  const leading = /^\(\?([imsx]+)\)/.exec(source);
  if (leading) {
    if (leading[1]!.includes('x')) return `inline flag (?x) (extended mode) is not supported; write the pattern without comments and free spacing`;
    for (const f of leading[1]!) if (!flags.includes(f)) flags += f;
    source = source.slice(leading[0].length);
  }
  const compiled = compiledOnce(source, flags);
  return typeof compiled === 'string' ? compiled : { source, flags };
}

/** The compiled regex of a parsed `re` value. */
export function compileSigmaRegex(regex: SigmaRegex): LinearRegex {
  const compiled = compiledOnce(regex.source, regex.flags);
  // parseSigmaRegex accepted it, so this cannot fail; a throw here is a bug, not bad input.
  if (typeof compiled === 'string') throw new Error(`regex accepted at parse but not at compile: ${compiled}`);
  return compiled;
}

/**
 * Parsing checks a regex by compiling it, and the compiled rule needs it again: one compilation
 * serves both (re2js compiles cost milliseconds, which a cold start feels). Bounded, so property
 * tests that make thousands of patterns do not grow it without end.
 */
const compiled = new Map<string, LinearRegex | string>();
const MAX_COMPILED = 4096;

function compiledOnce(source: string, flags: string): LinearRegex | string {
  const key = `${flags}/${source}`;
  let regex = compiled.get(key);
  if (regex === undefined) {
    regex = compileRegex(toRe2Source(source, flags), { flags });
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, regex);
  }
  return regex;
}

const WHITE = '\\t\\n\\v\\f\\r ';
const HORIZONTAL = '\\t \\x{A0}\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}';
const VERTICAL = '\\n\\v\\f\\r\\x{85}\\x{2028}\\x{2029}';

/** Escapes outside a class whose PCRE meaning RE2 spells differently. */
const OUTSIDE: Readonly<Record<string, string>> = {
  s: `[${WHITE}]`,
  S: `[^${WHITE}]`,
  h: `[${HORIZONTAL}]`,
  H: `[^${HORIZONTAL}]`,
  v: `[${VERTICAL}]`,
  V: `[^${VERTICAL}]`,
  R: `(?:\\r\\n|[${VERTICAL}])`,
  Z: '(?:\\n?$)',
  e: '\\x1B',
};

/** The same inside `[...]` (only the non-negated classes can be spelled as members). */
const INSIDE: Readonly<Record<string, string>> = { s: WHITE, h: HORIZONTAL, v: VERTICAL, e: '\\x1B' };

/** PCRE source (leading flags removed) as RE2 source with the same meaning; see the table above. */
export function toRe2Source(pcre: string, flags: string): string {
  const multiline = flags.includes('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < pcre.length; i++) {
    const c = pcre[i]!;
    if (c === '\\') {
      const e = pcre[i + 1];
      if (e === undefined) return out + c; // RE2 reports the trailing backslash
      i++;
      if (e === 'Q') {
        // \Q...\E is literal text in both; copied untouched.
        const end = pcre.indexOf('\\E', i + 1);
        const stop = end === -1 ? pcre.length : end + 2;
        out += pcre.slice(i - 1, stop);
        i = stop - 1;
        continue;
      }
      const spelled = inClass ? INSIDE[e] : e === 'Z' && multiline ? undefined : OUTSIDE[e];
      out += spelled ?? c + e;
      continue;
    }
    if (inClass) {
      if (c === '[' && pcre[i + 1] === ':') {
        // A POSIX class `[:alpha:]` inside a class: its `]` does not close the outer one.
        const end = pcre.indexOf(':]', i + 2);
        if (end !== -1) {
          out += pcre.slice(i, end + 2);
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // `]` right after `[` or `[^` is a member, not the end.
      if (pcre[i + 1] === '^') out += pcre[++i];
      if (pcre[i + 1] === ']') out += pcre[++i];
      continue;
    }
    out += c === '$' && !multiline ? '(?:\\n?$)' : c;
  }
  return out;
}
