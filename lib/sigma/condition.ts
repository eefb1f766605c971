/**
 * The detection `condition` grammar: `or` < `and` < `not` < `x of` < parentheses.
 * `1 of x*`, `any of x*`, `all of x*`, `N of x*`, `1 of them`, `all of them` (where `them`
 * leaves out identifiers starting with `_`). Identifiers resolve to the parsed searches
 * (any leaf type: the rule loader passes references to search names).
 */
import type { Tree } from './ast.ts';
import { SigmaCompileError } from './compile-error.ts';

type Token = { readonly text: string; readonly offset: number };

function tokenize(condition: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(\(|\)|\||[^\s()|]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(condition)) !== null) {
    tokens.push({ text: m[1]!, offset: m.index + m[0].length - m[1]!.length });
    end = re.lastIndex;
  }
  if (condition.slice(end).trim() !== '') {
    throw new SigmaCompileError(`cannot read condition at offset ${end}`, 'condition');
  }
  return tokens;
}

/** Turns a condition string into an expression over the given searches. */
export function parseCondition<L>(condition: string, searches: ReadonlyMap<string, Tree<L>>): Tree<L> {
  type Expr = Tree<L>;
  const tokens = tokenize(condition);
  let pos = 0;
  const fail = (reason: string): never => {
    const at = tokens[pos]?.offset ?? condition.length;
    throw new SigmaCompileError(`${reason} at offset ${at} in condition '${condition}'`, 'condition');
  };
  const peek = (): string | undefined => tokens[pos]?.text.toLowerCase();

  const orExpr = (): Expr => {
    const items = [andExpr()];
    while (peek() === 'or') {
      pos++;
      items.push(andExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const andExpr = (): Expr => {
    const items = [notExpr()];
    while (peek() === 'and') {
      pos++;
      items.push(notExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const notExpr = (): Expr => {
    if (peek() === 'not') {
      pos++;
      return { kind: 'not', item: notExpr() };
    }
    return primary();
  };
  const primary = (): Expr => {
    const token = tokens[pos];
    if (!token) return fail('condition ends early');
    const word = token.text.toLowerCase();
    if (word === '(') {
      pos++;
      const inner = orExpr();
      if (peek() !== ')') fail(`expected ')'`);
      pos++;
      return inner;
    }
    if (word === '|') fail(`aggregation ('| count() ...', Sigma v1) is not supported; use a correlation rule`);
    if (['and', 'or', ')', 'of'].includes(word)) fail(`unexpected '${token.text}'`);
    if (tokens[pos + 1]?.text.toLowerCase() === 'of') return quantifier();
    pos++;
    const search = searches.get(token.text);
    if (!search) return fail(`unknown search identifier '${token.text}'`);
    return search;
  };
  const quantifier = (): Expr => {
    const count = tokens[pos]!.text.toLowerCase();
    pos += 2;
    const target = tokens[pos];
    if (!target) return fail(`'of' needs 'them' or a pattern`);
    pos++;
    const names = target.text.toLowerCase() === 'them'
      ? [...searches.keys()].filter((n) => !n.startsWith('_'))
      : [...searches.keys()].filter((n) => globMatches(target.text, n));
    if (names.length === 0) fail(`'${target.text}' names no search identifier`);
    const items = names.map((n) => searches.get(n)!);
    if (count === 'all') return { kind: 'and', items };
    if (count === 'any' || count === '1') return items.length === 1 ? items[0]! : { kind: 'or', items };
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1) return fail(`'${count} of' needs 'all', 'any' or a positive number`);
    return atLeast(n, items);
  };

  const expr = orExpr();
  if (tokens[pos]?.text === '|') fail(`aggregation ('| count() ...', Sigma v1) is not supported; use a correlation rule`);
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]!.text}'`);
  return expr;
}

/** `N of` as a boolean expression: some N-subset holds. Rules use small N, so this stays small. */
function atLeast<L>(n: number, items: readonly Tree<L>[]): Tree<L> {
  if (n > items.length) return { kind: 'const', value: false };
  if (n === 1) return { kind: 'or', items };
  if (n === items.length) return { kind: 'and', items };
  const [first, ...rest] = items;
  return {
    kind: 'or',
    items: [{ kind: 'and', items: [first!, atLeast(n - 1, rest)] }, atLeast(n, rest)],
  };
}

/** Identifier patterns in `x of` use `*` (any run) and `?` only. */
function globMatches(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}
