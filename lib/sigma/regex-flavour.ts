/**
 * Sigma's `re` values are PCRE (sigma-appendix-modifiers.md). Most read the same in JavaScript;
 * the one PCRE form rules use that JavaScript lacks is a leading inline flag group, `(?i)`,
 * which becomes a RegExp flag here. Anything else JavaScript cannot read is rejected with its
 * reason rather than guessed at.
 */
export interface JsRegex {
  readonly source: string;
  readonly flags: string;
}

export function toJsRegex(pcre: string, modifierFlags: string): JsRegex | string {
  let source = pcre;
  let flags = modifierFlags;
  const leading = /^\(\?([imsx]+)\)/.exec(source);
  if (leading) {
    if (leading[1]!.includes('x')) return `inline flag (?x) (extended mode) has no JavaScript equivalent`;
    for (const f of leading[1]!) if (!flags.includes(f)) flags += f;
    source = source.slice(leading[0].length);
  }
  // `u` makes `.` and classes work on characters rather than UTF-16 units; PCRE patterns often
  // escape characters (`\"`) that `u` forbids, so those are compiled without it.
  let firstError = '';
  for (const candidate of [flags + 'u', flags]) {
    try {
      new RegExp(source, candidate);
      return { source, flags: candidate };
    } catch (error) {
      firstError ||= (error as Error).message;
    }
  }
  return `invalid regular expression: ${firstError}`;
}
