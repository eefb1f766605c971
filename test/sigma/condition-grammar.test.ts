/**
 * The condition grammar against generated expressions: printed with only the parentheses
 * precedence needs (or with redundant ones), parsed back, and evaluated against the expression
 * itself. Checks or < and < not < x of < ( ), and that `them` leaves out `_` identifiers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../lib/sigma/ast.ts';
import { parseCondition } from '../../lib/sigma/condition.ts';
import { evaluate } from '../../lib/sigma/reference.ts';

const NAMES = ['sel_a', 'sel_b', 'filter_a', '_hidden'];
type Cond =
  | { kind: 'id'; name: string }
  | { kind: 'not'; item: Cond }
  | { kind: 'and' | 'or'; left: Cond; right: Cond }
  | { kind: 'of'; count: '1' | 'all'; target: string };

const cond: fc.Arbitrary<Cond> = fc.letrec<{ c: Cond }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NAMES).map((name): Cond => ({ kind: 'id', name })),
    fc.record({ kind: fc.constant('of' as const), count: fc.constantFrom('1' as const, 'all' as const), target: fc.constantFrom('sel_*', 'filter_*', 'them', '_*') }),
    tie('c').map((item): Cond => ({ kind: 'not', item })),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('c'), right: tie('c') }),
  ),
})).c;

const LEVEL = { or: 1, and: 2, not: 3, of: 4, id: 5 } as const;

/** Prints with the parentheses precedence requires; `extra` adds redundant ones. */
function print(c: Cond, extra: boolean): string {
  const wrap = (inner: Cond, min: number): string => {
    const text = print(inner, extra);
    return LEVEL[inner.kind] < min || (extra && inner.kind !== 'id') ? `(${text})` : text;
  };
  switch (c.kind) {
    case 'id':
      return c.name;
    case 'of':
      return `${c.count} of ${c.target}`;
    case 'not':
      return `not ${wrap(c.item, LEVEL.not)}`;
    case 'and':
      return `${wrap(c.left, LEVEL.and)} and ${wrap(c.right, LEVEL.and + 1)}`;
    case 'or':
      return `${wrap(c.left, LEVEL.or)} or ${wrap(c.right, LEVEL.or + 1)}`;
  }
}

function truth(c: Cond, holds: Record<string, boolean>): boolean {
  switch (c.kind) {
    case 'id':
      return holds[c.name]!;
    case 'not':
      return !truth(c.item, holds);
    case 'and':
      return truth(c.left, holds) && truth(c.right, holds);
    case 'or':
      return truth(c.left, holds) || truth(c.right, holds);
    case 'of': {
      const names = NAMES.filter((n) => (c.target === 'them' ? !n.startsWith('_') : n.startsWith(c.target.slice(0, -1))));
      return c.count === 'all' ? names.every((n) => holds[n]) : names.some((n) => holds[n]);
    }
  }
}

const searches = new Map<string, Expr>(
  NAMES.map((name) => [name, { kind: 'test', field: name, values: [{ kind: 'number', value: 1 }], all: false, negate: false, label: name }]),
);

describe('condition grammar', () => {
  it('parses what it prints, with the meaning of the expression', () => {
    fc.assert(
      fc.property(cond, fc.boolean(), fc.record(Object.fromEntries(NAMES.map((n) => [n, fc.boolean()]))), (c, extra, holds) => {
        const parsed = parseCondition(print(c, extra), searches);
        const fields = Object.fromEntries(NAMES.filter((n) => holds[n]).map((n) => [n, 1]));
        expect(evaluate(parsed, fields)).toBe(truth(c, holds as Record<string, boolean>));
      }),
      { numRuns: 3000 },
    );
  });
});
