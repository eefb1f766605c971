/** Sigma specification v2.1.0, rules spec "Value" and "Lists/Maps" clauses, each positive and negative. */
import { describe, expect, it } from 'vitest';
import { matcher } from './support.ts';

describe('values are case-insensitive by default', () => {
  const m = matcher('sel:\n  Image: C:\\Windows\\cmd.exe\ncondition: sel');
  it('matches another case', () => expect(m({ Image: 'c:\\windows\\CMD.EXE' })).toBe(true));
  it('does not match another value', () => expect(m({ Image: 'c:\\windows\\cmd.exe2' })).toBe(false));
});

describe('* matches any run and ? exactly one character', () => {
  const m = matcher("sel:\n  Image: '*\\cm?.exe'\ncondition: sel");
  it('matches', () => expect(m({ Image: 'C:\\Windows\\cmd.exe' })).toBe(true));
  it('? needs exactly one character', () => {
    expect(m({ Image: 'C:\\Windows\\cm.exe' })).toBe(false);
    expect(m({ Image: 'C:\\Windows\\cmdd.exe' })).toBe(false);
  });
});

describe('backslash escapes: \\* \\? \\\\ and a lone \\ is literal', () => {
  it('\\* is a literal star', () => {
    const m = matcher("sel:\n  CommandLine: 'a\\*b'\ncondition: sel");
    expect(m({ CommandLine: 'a*b' })).toBe(true);
    expect(m({ CommandLine: 'axxb' })).toBe(false);
  });
  it('\\? is a literal question mark', () => {
    const m = matcher("sel:\n  CommandLine: 'what\\?'\ncondition: sel");
    expect(m({ CommandLine: 'what?' })).toBe(true);
    expect(m({ CommandLine: 'whatx' })).toBe(false);
  });
  it('\\\\ is one backslash, before a wildcard that stays a wildcard', () => {
    const m = matcher("sel:\n  Path: 'C:\\\\*'\ncondition: sel");
    expect(m({ Path: 'C:\\Windows' })).toBe(true);
    expect(m({ Path: 'C:/Windows' })).toBe(false);
  });
  it('a lone backslash is literal', () => {
    const m = matcher("sel:\n  Path: 'C:\\Windows\\System32'\ncondition: sel");
    expect(m({ Path: 'c:\\windows\\system32' })).toBe(true);
    expect(m({ Path: 'C:Windows\\System32' })).toBe(false);
  });
});

describe("'' (empty) differs from null (absent or null)", () => {
  const empty = matcher("sel:\n  User: ''\ncondition: sel");
  const nul = matcher('sel:\n  User: null\ncondition: sel');
  it("'' matches only an empty value", () => {
    expect(empty({ User: '' })).toBe(true);
    expect(empty({})).toBe(false);
    expect(empty({ User: null })).toBe(false);
  });
  it('null matches an absent or null field, not an empty one', () => {
    expect(nul({})).toBe(true);
    expect(nul({ User: null })).toBe(true);
    expect(nul({ User: '' })).toBe(false);
  });
});

describe('numbers compare to numeric and string forms of a field', () => {
  const m = matcher('sel:\n  EventID: 4688\ncondition: sel');
  it('matches the number and its string', () => {
    expect(m({ EventID: 4688 })).toBe(true);
    expect(m({ EventID: '4688' })).toBe(true);
  });
  it('does not match another number or a longer string', () => {
    expect(m({ EventID: 4689 })).toBe(false);
    expect(m({ EventID: '46880' })).toBe(false);
  });
  it('a quoted number matches the numeric field', () => {
    expect(matcher("sel:\n  EventID: '4688'\ncondition: sel")({ EventID: 4688 })).toBe(true);
  });
});

describe('maps AND their items', () => {
  const m = matcher('sel:\n  A: x\n  B: y\ncondition: sel');
  it('all items hold', () => expect(m({ A: 'x', B: 'y' })).toBe(true));
  it('one item fails', () => expect(m({ A: 'x', B: 'z' })).toBe(false));
});

describe('lists OR their values', () => {
  const m = matcher('sel:\n  A:\n    - x\n    - y\ncondition: sel');
  it('any value holds', () => expect(m({ A: 'y' })).toBe(true));
  it('no value holds', () => expect(m({ A: 'z' })).toBe(false));
});

describe('lists of maps OR their ANDs', () => {
  const m = matcher('sel:\n  - A: x\n    B: y\n  - C: z\ncondition: sel');
  it('second map holds', () => expect(m({ C: 'z' })).toBe(true));
  it('half of the first map is not enough', () => expect(m({ A: 'x' })).toBe(false));
});

describe('keywords search the event values', () => {
  const m = matcher('keywords:\n  - mimikatz\n  - sekurlsa\ncondition: keywords');
  it('finds a keyword inside any value', () => expect(m({ CommandLine: 'run SEKURLSA::logonpasswords', Other: 1 })).toBe(true));
  it('no value holds a keyword', () => expect(m({ CommandLine: 'notepad' })).toBe(false));
  it('|all needs every keyword, in any fields', () => {
    const all = matcher("keywords:\n  '|all':\n    - mimikatz\n    - sekurlsa\ncondition: keywords");
    expect(all({ A: 'mimikatz.exe', B: 'sekurlsa::x' })).toBe(true);
    expect(all({ A: 'mimikatz.exe' })).toBe(false);
  });
});

describe('a list value in the event matches when any element does', () => {
  const m = matcher('sel:\n  Tags: b\ncondition: sel');
  it('element matches', () => expect(m({ Tags: ['a', 'b'] })).toBe(true));
  it('no element matches', () => expect(m({ Tags: ['a', 'c'] })).toBe(false));
});

describe('explain names the field a keyword was found in', () => {
  it('shows the field and its value', async () => {
    const { compileOne, event } = await import('./support.ts');
    const { detector } = compileOne('keywords:\n  - mimikatz\ncondition: keywords');
    const e = event({ Image: 'C:\\x.exe', CommandLine: 'run Mimikatz now' });
    expect(detector.explain(detector.rules[0]!, e)).toEqual([{ field: 'CommandLine', value: 'run Mimikatz now', test: 'matches "*mimikatz*"' }]);
  });
});
