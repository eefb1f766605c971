/**
 * The one regular-expression engine of winsift, for Sigma `re` and EQL `regex`/`regex~`. Event
 * data is attacker-controlled, so a regex runs on RE2's automata (re2js: a lazy DFA, falling back
 * to a Pike VM), never on a backtracking engine: matching costs at most value length x pattern
 * size, whatever the pattern (`(a+)+$` on `a`x50,000 + `!` answers at once). A pattern RE2 cannot
 * express (backreferences, lookahead, atomic groups, possessive quantifiers, recursion...) is
 * refused here with its reason, and the rule that holds it is refused at load (`rules lint`).
 *
 * The source is RE2 syntax (Perl-like); each language translates its own flavour into it first:
 * `lib/sigma/regex-flavour.ts` (PCRE), `lib/eql/lucene-regex.ts` (Lucene). What RE2 means by it,
 * and what both flavours rely on:
 * - `.` and classes read code points (a surrogate pair is one character; a lone surrogate is one
 *   too); `.` excludes only `\n` unless `s`.
 * - `\d`, `\w`, `\b` are ASCII; `\s` is `[\t\n\f\r ]` (the PCRE flavour adds `\v` to match PCRE).
 * - `i` folds case by Unicode simple case folding (`k` also matches the Kelvin sign U+212A).
 * - `$` without `m` matches only at the very end of the value; `m` makes `^`/`$` match at `\n`.
 * - Lookbehind `(?<=...)`/`(?<!...)` is accepted: re2js evaluates captureless lookbehinds in
 *   linear time (on its NFA, so more slowly than the DFA).
 *
 * Memory: each compiled regex keeps a lazy-DFA state cache that re2js caps at 8 MiB and resets
 * when full; inputs never grow it beyond that.
 */
import { RE2JS } from 're2js';

/** A compiled regex: `test` is true when it matches somewhere in the text (or the whole text, for `whole`). */
export interface LinearRegex {
  readonly source: string;
  test(text: string): boolean;
}

export interface RegexOptions {
  /** `i` case-insensitive, `m` multi-line anchors, `s` `.` matches `\n`; other letters are refused. */
  readonly flags?: string;
  /** The whole text must match (Lucene and EQL), instead of a match anywhere in it (Sigma). */
  readonly whole?: boolean;
}

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/** The compiled regex, or why it cannot be run in linear time. */
export function compileRegex(source: string, options: RegexOptions = {}): LinearRegex | string {
  let bits = RE2JS.LOOKBEHINDS;
  for (const flag of options.flags ?? '') {
    const bit = FLAG_BITS[flag];
    if (bit === undefined) return `regex flag '${flag}' is not supported (only i, m, s)`;
    bits |= bit;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, bits);
  } catch (error) {
    return refusal(source, error);
  }
  return options.whole
    ? { source, test: (text) => compiled.testExact(text) }
    : { source, test: (text) => compiled.test(text) };
}

/** Constructs only a backtracking engine can run, by how they start; the first one found names the refusal. */
const BACKTRACKING_ONLY: readonly (readonly [RegExp, string])[] = [
  [/^\(\?[=!]/, 'lookahead'],
  [/^\(\?>/, 'an atomic group'],
  [/^\(\?\(/, 'a conditional group'],
  [/^\(\?(?:R|[+-]?\d|&|P>)/, 'a recursive call'],
  [/^\(\?P=/, 'a backreference'],
  [/^\\(?:[1-9]|k[<{']|g[{\d+-])/, 'a backreference'],
  [/^\\[GK]/, `\\G or \\K (match-position control)`],
  [/^\(\*/, 'a backtracking verb'],
  [/^(?:[*+?]|\{\d+(?:,\d*)?\})\+/, 'a possessive quantifier'],
];

/** The reason for a refused pattern: a named construct when one is found, else RE2's own message. */
function refusal(source: string, error: unknown): string {
  const construct = findBacktrackingConstruct(source);
  if (construct !== undefined) {
    return `regex ${construct.what} at offset ${construct.at} needs a backtracking engine; winsift runs regexes in linear time only (RE2 syntax)`;
  }
  const message = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
  return `invalid regular expression for the linear-time engine (RE2 syntax): ${message}`;
}

/** Walks the pattern token by token (escapes and classes skipped whole) looking for BACKTRACKING_ONLY. */
export function findBacktrackingConstruct(source: string): { what: string; at: number } | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    const rest = source.slice(i, i + 12);
    for (const [shape, what] of BACKTRACKING_ONLY) if (shape.test(rest)) return { what, at: i };
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      inClass = true;
      // A `]` first in a class (after an optional `^`) is a literal.
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
    }
  }
  return undefined;
}
