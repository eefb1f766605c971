/** Sigma specification v2.1.0, rules spec "Condition": operators, quantifiers, `them`, precedence. */
import { describe, expect, it } from 'vitest';
import { compileError, matcher } from './support.ts';

const searches = 'a:\n  A: 1\nb:\n  B: 1\nc:\n  C: 1\n';
const cond = (condition: string) => matcher(`${searches}condition: ${condition}`);

describe('and / or / not', () => {
  it('and', () => {
    expect(cond('a and b')({ A: 1, B: 1 })).toBe(true);
    expect(cond('a and b')({ A: 1 })).toBe(false);
  });
  it('or', () => {
    expect(cond('a or b')({ B: 1 })).toBe(true);
    expect(cond('a or b')({ C: 1 })).toBe(false);
  });
  it('not', () => {
    expect(cond('not a')({ B: 1 })).toBe(true);
    expect(cond('not a')({ A: 1 })).toBe(false);
  });
});

describe('precedence: or < and < not < x of < ( )', () => {
  it('and binds tighter than or', () => {
    // a or (b and c)
    expect(cond('a or b and c')({ A: 1 })).toBe(true);
    expect(cond('a or b and c')({ B: 1 })).toBe(false);
  });
  it('not binds tighter than and', () => {
    // (not a) and b
    expect(cond('not a and b')({ B: 1 })).toBe(true);
    expect(cond('not a and b')({ A: 1 })).toBe(false);
  });
  it('not applies to a whole x of', () => {
    expect(cond('not 1 of a*')({ B: 1 })).toBe(true);
    expect(cond('not 1 of a*')({ A: 1 })).toBe(false);
  });
  it('parentheses override', () => {
    expect(cond('(a or b) and c')({ A: 1 })).toBe(false);
    expect(cond('(a or b) and c')({ A: 1, C: 1 })).toBe(true);
  });
});

describe('1 of / any of / all of with patterns', () => {
  const m = (condition: string) => matcher(`sel_x:\n  X: 1\nsel_y:\n  Y: 1\nother:\n  Z: 1\ncondition: ${condition}`);
  it('1 of sel_*', () => {
    expect(m('1 of sel_*')({ Y: 1 })).toBe(true);
    expect(m('1 of sel_*')({ Z: 1 })).toBe(false);
  });
  it('any of sel_*', () => expect(m('any of sel_*')({ X: 1 })).toBe(true));
  it('all of sel_*', () => {
    expect(m('all of sel_*')({ X: 1, Y: 1 })).toBe(true);
    expect(m('all of sel_*')({ X: 1, Z: 1 })).toBe(false);
  });
  it('a pattern naming nothing is an error', () => {
    expect(compileError('sel:\n  X: 1\ncondition: 1 of nothing_*').reason).toMatch(/names no search identifier/);
  });
});

describe('1 of them / all of them skip identifiers starting with _', () => {
  const m = (condition: string) => matcher(`sel:\n  X: 1\n_helper:\n  H: 1\ncondition: ${condition}`);
  it('1 of them ignores _helper', () => {
    expect(m('1 of them')({ H: 1 })).toBe(false);
    expect(m('1 of them')({ X: 1 })).toBe(true);
  });
  it('all of them does not require _helper', () => expect(m('all of them')({ X: 1 })).toBe(true));
  it('_helper can still be named', () => expect(m('sel and _helper')({ X: 1 })).toBe(false));
});

describe('condition errors name the problem and offset', () => {
  it('unknown identifier', () => expect(compileError('sel:\n  X: 1\ncondition: sel and nope').reason).toMatch(/unknown search identifier 'nope'/));
  it('unbalanced parenthesis', () => expect(compileError('sel:\n  X: 1\ncondition: (sel').reason).toMatch(/expected '\)'/));
  it('v1 aggregation', () => expect(compileError('sel:\n  X: 1\ncondition: sel | count() > 5').reason).toMatch(/aggregation/));
});

describe('a condition list ORs its conditions', () => {
  it('either condition', () => {
    const m = matcher(`${searches}condition:\n  - a\n  - b`);
    expect(m({ B: 1 })).toBe(true);
    expect(m({ C: 1 })).toBe(false);
  });
});
