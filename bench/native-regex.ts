/**
 * The backtracking engine winsift used before lib/matching/regex.ts, with that module's API, so
 * bench/sigma-match.ts can measure what the linear engine costs on the same rules in the same
 * run. Loaded only through bench/native-regex-hooks.ts, in a bench child process: never by a
 * scan (attacker-controlled text on a backtracking engine is what issue 16 row 3 removed).
 */
import type { LinearRegex, RegexOptions } from '../lib/matching/regex.ts';

export function compileRegex(source: string, options: RegexOptions = {}): LinearRegex | string {
  // The RE2 spellings the flavours write that JavaScript reads otherwise.
  const js = source.replace(/\\x\{([0-9a-fA-F]+)\}/g, '\\u{$1}');
  const wrapped = options.whole ? `^(?:${js})$` : js;
  const flags = options.flags ?? '';
  for (const candidate of [flags + 'u', flags]) {
    try {
      const re = new RegExp(wrapped, candidate);
      return { source, test: (text) => re.test(text) };
    } catch {
      // try without `u`, as the old Sigma flavour did
    }
  }
  return `native RegExp cannot read ${JSON.stringify(source)}`;
}

export function findBacktrackingConstruct(): undefined {
  return undefined;
}
