/**
 * EQL wildcard patterns (`:`, `like`, `like~`): `*` is any run of characters, `?` exactly one.
 * There is no escape character: `"C:\\Windows\\*"` is the text `C:\Windows\` followed by a
 * wildcard, which is how Elastic's rules are written.
 */

/** One RegExp testing a value against any of the patterns, anchored at both ends. */
export function wildcardsToRegExp(patterns: readonly string[], caseInsensitive: boolean): RegExp {
  const alternatives = patterns.map(wildcardToRegExpSource);
  return new RegExp(`^(?:${alternatives.join('|')})$`, caseInsensitive ? 'isu' : 'su');
}

export function wildcardToRegExpSource(pattern: string): string {
  let out = '';
  for (const c of pattern) {
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += escapeRegExpChar(c);
  }
  return out;
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Escapes the characters RegExp syntax gives meaning to (valid under the `u` flag). */
export function escapeRegExpChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}
