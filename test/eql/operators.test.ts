/**
 * Operators, with the examples of Elasticsearch's EQL syntax reference where it gives them
 * (case-sensitivity, wildcards, lists, null), plus the edge cases winsift decides.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, holds } from './eql-harness.ts';

const doc = (field: unknown): unknown => ({ my_field: field });

describe('== and != are case-sensitive and do not expand wildcards', () => {
  const proc = { process: { name: 'svchost.exe' } };
  it('compares exactly', () => {
    expect(holds('process.name == "svchost.exe"', proc)).toBe(true);
    expect(holds('process.name == "SVCHOST.EXE"', proc)).toBe(false);
    expect(holds('process.name != "SVCHOST.EXE"', proc)).toBe(true);
    expect(holds('process.name != "svchost.exe"', proc)).toBe(false);
  });
  it('treats * as a literal asterisk', () => {
    expect(holds('process.name == "svc*.exe"', proc)).toBe(false);
    expect(holds('process.name == "svc*.exe"', { process: { name: 'svc*.exe' } })).toBe(true);
  });
  it('accepts the constant on either side', () => {
    expect(holds('"svchost.exe" == process.name', proc)).toBe(true);
    expect(holds('3 < process.pid', { process: { pid: 4 } })).toBe(true);
    expect(holds('5 < process.pid', { process: { pid: 4 } })).toBe(false);
  });
  it('compares numbers with numeric strings (event ids arrive either way)', () => {
    expect(holds('winlog.event_id == 4624', { winlog: { event_id: '4624' } })).toBe(true);
    expect(holds('winlog.event_id == "4624"', { winlog: { event_id: 4624 } })).toBe(true);
    expect(holds('winlog.event_id == 4625', { winlog: { event_id: '4624' } })).toBe(false);
  });
  it('compares booleans', () => {
    expect(holds('dll.code_signature.trusted == true', { dll: { code_signature: { trusted: true } } })).toBe(true);
    expect(holds('dll.code_signature.trusted == false', { dll: { code_signature: { trusted: true } } })).toBe(false);
  });
  it('matches a multi-valued field when any value matches; != when none does', () => {
    const types = { event: { type: ['change', 'creation'] } };
    expect(holds('event.type == "creation"', types)).toBe(true);
    expect(holds('event.type != "creation"', types)).toBe(false);
    expect(holds('event.type != "deletion"', types)).toBe(true);
  });
});

describe('< <= > >=', () => {
  it('orders numbers', () => {
    const d = { n: 10 };
    expect([holds('n < 11', d), holds('n < 10', d), holds('n <= 10', d), holds('n > 9', d), holds('n > 10', d), holds('n >= 10', d)]).toEqual([
      true, false, true, true, false, true,
    ]);
    expect(holds('n > 2.5', d)).toBe(true);
    expect(holds('n < -1', { n: -2 })).toBe(true);
  });
  it('orders strings lexicographically and case-sensitively', () => {
    expect(holds('s < "b"', { s: 'a' })).toBe(true);
    expect(holds('s < "a"', { s: 'B' })).toBe(true); // "B" (0x42) sorts before "a" (0x61)
    expect(holds('s >= "abc"', { s: 'abd' })).toBe(true);
    expect(holds('s > "abc"', { s: 'ab' })).toBe(false);
  });
  it('does not order values that cannot be compared', () => {
    expect(holds('s > 5', { s: 'abc' })).toBe(false);
    expect(holds('not s > 5', { s: 'abc' })).toBe(true);
  });
  it('compares numeric strings as numbers', () => {
    expect(holds('port > 1000', { port: '8080' })).toBe(true);
  });
});

describe(': is case-insensitive with * and ? wildcards (syntax reference examples)', () => {
  const cases: [string, string, boolean][] = [
    ['doc*', 'doc', true], ['doc*', 'docs', true], ['doc*', 'document', true], ['doc*', 'DOS', false],
    ['*doc', 'adoc', true], ['*doc', 'asciidoc', true],
    ['d*c', 'doc', true], ['d*c', 'disc', true],
    ['doc?', 'docs', true], ['doc?', 'doc', false], ['doc?', 'document', false], ['doc?', 'DOS', false],
    ['?doc', 'adoc', true], ['?doc', 'asciidoc', false],
    ['d?c', 'doc', true], ['d?c', 'disc', false],
    ['doc*', 'DOCUMENT', true], ['D?C', 'dOc', true],
  ];
  it.each(cases)('my_field : "%s" against %s is %s', (pattern, value, expected) => {
    expect(holds(`my_field : "${pattern}"`, doc(value))).toBe(expected);
  });
  it('looks up lists', () => {
    const list = 'my_field : ("doc*", "f*o", "ba?", "qux")';
    expect(['DOCS', 'foo', 'FxxO', 'bar', 'QUX'].map((v) => holds(list, doc(v)))).toEqual([true, true, true, true, true]);
    expect(['ba', 'quxx', 'xdoc'].map((v) => holds(list, doc(v)))).toEqual([false, false, false]);
  });
  it('has no escape character: backslash is literal, as Elastic rules rely on', () => {
    expect(holds('p : "?:\\\\Windows\\\\*"', { p: 'c:\\windows\\system32\\x.exe' })).toBe(true);
    expect(holds('p : "?:\\\\Windows\\\\*"', { p: 'C:\\WindowsApps\\x.exe' })).toBe(false);
  });
  it('lets * span line breaks', () => {
    expect(holds('cmd : "a*b"', { cmd: 'a\nb' })).toBe(true);
  });
  it('treats ? as one character, including astral ones', () => {
    expect(holds('s : "a?b"', { s: 'a😀b' })).toBe(true);
  });
  it('reads numbers as their text', () => {
    expect(holds('event.code : "46*"', { event: { code: 4624 } })).toBe(true);
  });
});

describe('like / like~', () => {
  it('like is case-sensitive (syntax reference examples)', () => {
    const results = ['DOC', 'DOCS', 'DOCs', 'DOCUMENT', 'DOS', 'doc'].map((v) => holds('my_field like "DOC*"', doc(v)));
    expect(results).toEqual([true, true, true, true, false, false]);
    expect(['DOC', 'DISC', 'DisC', 'disc'].map((v) => holds('my_field like "D*C"', doc(v)))).toEqual([true, true, true, false]);
    expect(['DOCS', 'DOCs', 'DOC', 'DOCUMENT', 'DOS'].map((v) => holds('my_field like "DOC?"', doc(v)))).toEqual([true, true, false, false, false]);
  });
  it('like~ is case-insensitive', () => {
    expect(holds('my_field like~ "value*"', doc('VALUE-1'))).toBe(true);
  });
  it('look up lists', () => {
    expect(['Value-1', 'VALUE2', 'VALX', 'value-1'].map((v) => holds('my_field like ("Value-*", "VALUE2", "VAL?")', doc(v)))).toEqual([true, true, true, false]);
    expect(['VALUE-1', 'value2', 'Val9', 'valley'].map((v) => holds('my_field like~ ("value-*", "value2", "val?")', doc(v)))).toEqual([true, true, true, false]);
  });
});

describe('regex / regex~ (Lucene syntax, whole value)', () => {
  it('regex is case-sensitive and anchored', () => {
    expect(holds('my_field regex "VALUE[^Z].?"', doc('VALUEA'))).toBe(true);
    expect(holds('my_field regex "VALUE[^Z].?"', doc('VALUEAB'))).toBe(true);
    expect(holds('my_field regex "VALUE[^Z].?"', doc('VALUEZ'))).toBe(false);
    expect(holds('my_field regex "VALUE[^Z].?"', doc('valuea'))).toBe(false);
    expect(holds('my_field regex "VALUE"', doc('xVALUEx'))).toBe(false);
  });
  it('regex~ is case-insensitive', () => {
    expect(holds('my_field regex~ "value[^z].?"', doc('VALUEA'))).toBe(true);
    expect(holds('my_field regex~ "value[^z].?"', doc('VALUEZ'))).toBe(false);
  });
  it('looks up lists', () => {
    const list = 'my_field regex ("[vV]alue-[0-9]", "VALUE[^2].?", "VAL3")';
    expect(['value-1', 'Value-9', 'VALUE1x', 'VAL3', 'VALUE2', 'VAL4'].map((v) => holds(list, doc(v)))).toEqual([true, true, true, true, false, false]);
    expect(['VALUE-1', 'value1', 'VAL3'].map((v) => holds('my_field regex~ ("value-[0-9]", "value[^2].?", "val3")', doc(v)))).toEqual([true, true, true]);
  });
  it('reads ^ and $ as plain characters, quotes as literal runs, . as any character', () => {
    expect(holds('s regex "a^b\\\\$"', { s: 'a^b$' })).toBe(true);
    expect(holds('s regex "\\"a.b\\"c*"', { s: 'a.bccc' })).toBe(true);
    expect(holds('s regex "\\"a.b\\""', { s: 'axb' })).toBe(false);
    expect(holds('s regex "a.b"', { s: 'a\nb' })).toBe(true);
    expect(holds('s regex "\\\\d{2,3}"', { s: '123' })).toBe(true);
  });
});

describe('regex~ over raw strings, as Elastic rules write them', () => {
  const cisco = 'p regex~ """C:\\\\Program Files( \\(x86\\))?\\\\Cisco Systems\\\\.*"""';
  it('escapes backslashes and parentheses the Lucene way', () => {
    expect(holds(cisco, { p: 'c:\\program files (x86)\\cisco systems\\x.exe' })).toBe(true);
    expect(holds(cisco, { p: 'C:\\Program Files\\Cisco Systems\\x.exe' })).toBe(true);
    expect(holds(cisco, { p: 'C:\\Program Files (x64)\\Cisco Systems\\x.exe' })).toBe(false);
  });
  it('supports classes with escapes, shorthand classes and bounded repeats', () => {
    expect(holds('p regex~ """[A-Za-z0-9\\_\\s]{2,}\\-[a-z0-9]{4}"""', { p: 'My_App -ab12' })).toBe(true);
    expect(holds('p regex~ """[A-Za-z0-9\\_\\s]{2,}\\-[a-z0-9]{4}"""', { p: 'M-ab12' })).toBe(false);
    expect(holds('p regex~ """.*\\.(pdf|docx?)\\.(exe|scr)"""', { p: 'invoice.PDF.exe' })).toBe(true);
    expect(holds('p regex~ """.*\\.(pdf|docx?)\\.(exe|scr)"""', { p: 'invoice.exe' })).toBe(false);
  });
});

describe('in / in~ / not in / not in~', () => {
  const list = '("Value-1", "VALUE2", "VAL3")';
  it('in is case-sensitive', () => {
    expect(['Value-1', 'VALUE2', 'VAL3', 'value-1', 'VAL'].map((v) => holds(`my_field in ${list}`, doc(v)))).toEqual([true, true, true, false, false]);
  });
  it('in~ is case-insensitive', () => {
    expect(['VALUE-1', 'value2', 'val3', 'val'].map((v) => holds('my_field in~ ("value-1", "value2", "val3")', doc(v)))).toEqual([true, true, true, false]);
  });
  it('not in / not in~', () => {
    expect(['Value-1', 'value-1', 'other'].map((v) => holds(`my_field not in ${list}`, doc(v)))).toEqual([false, true, true]);
    expect(['VALUE-1', 'other'].map((v) => holds('my_field not in~ ("value-1", "value2")', doc(v)))).toEqual([false, true]);
  });
  it('in does not expand wildcards', () => {
    expect(holds('my_field in ("Val*")', doc('Value'))).toBe(false);
  });
  it('works on numbers and computed values', () => {
    expect(holds('process.pid in (4, 8)', { process: { pid: 8 } })).toBe(true);
    expect(holds('length(s) in (3, 4)', { s: 'abc' })).toBe(true);
    expect(holds('length(s) not in (3, 4)', { s: 'abc' })).toBe(false);
  });
  it('on an absent field: in is false, not in is true (a must_not terms query)', () => {
    expect(holds(`my_field in ${list}`, {})).toBe(false);
    expect(holds(`my_field not in ${list}`, {})).toBe(true);
  });
});

describe('and, or, not, parentheses', () => {
  const d = { a: 1, b: 2 };
  it('combines', () => {
    expect(holds('a == 1 and b == 2', d)).toBe(true);
    expect(holds('a == 1 and b == 3', d)).toBe(false);
    expect(holds('a == 0 or b == 2', d)).toBe(true);
    expect(holds('not a == 0', d)).toBe(true);
  });
  it('binds not tighter than and, and tighter than or', () => {
    expect(holds('not a == 1 and b == 2', d)).toBe(false); // (not a == 1) and ...
    expect(holds('not (a == 1 and b == 3)', d)).toBe(true);
    expect(holds('a == 0 and b == 0 or b == 2', d)).toBe(true); // (a and b) or b
    expect(holds('a == 0 and (b == 0 or b == 2)', d)).toBe(false);
    expect(holds('not not a == 1', d)).toBe(true);
  });
  it('where true / false', () => {
    expect(holds('true')).toBe(true);
    expect(holds('false')).toBe(false);
    expect(holds('true and not false')).toBe(true);
  });
});

describe('null and optional fields', () => {
  it('?field == null / != null test presence (syntax reference)', () => {
    expect(holds('?user.id != null', { user: { id: 'u1' } })).toBe(true);
    expect(holds('?user.id != null', {})).toBe(false);
    expect(holds('?user.id == null', {})).toBe(true);
    expect(holds('?user.id == null', { user: { id: null } })).toBe(true);
    expect(holds('?user.id == null', { user: { id: [] } })).toBe(true);
    expect(holds('null == null')).toBe(true);
    expect(holds('null != null')).toBe(false);
  });
  it('a missing field never matches a test against constants, so its negation does', () => {
    expect(holds('file.path : "C:\\\\*"', {})).toBe(false);
    expect(holds('not file.path : "C:\\\\*"', {})).toBe(true);
    expect(holds('file.size > 10', {})).toBe(false);
    expect(holds('not file.size > 10', {})).toBe(true);
    expect(holds('file.name != "x"', {})).toBe(true);
  });
  it('computed values propagate null, and not null is still null (a script in Elasticsearch)', () => {
    expect(evaluate('length(file.name) > 30', {})).toBeNull();
    expect(evaluate('not length(file.name) > 30', {})).toBeNull();
    expect(holds('not length(file.name) > 30', {})).toBe(false);
    expect(evaluate('add(x, 1) == 2', {})).toBeNull();
    expect(evaluate('x + 1', {})).toBeNull();
  });
  it('three-valued and / or', () => {
    expect(evaluate('length(x) > 1 and false')).toBe(false);
    expect(evaluate('length(x) > 1 and true')).toBeNull();
    expect(evaluate('length(x) > 1 or true')).toBe(true);
    expect(evaluate('length(x) > 1 or false')).toBeNull();
  });
});

describe('arithmetic + - * / %', () => {
  it('computes with precedence and unary minus', () => {
    expect(evaluate('1 + 2 * 3')).toBe(7);
    expect(evaluate('(1 + 2) * 3')).toBe(9);
    expect(evaluate('10 - 4 - 3')).toBe(3);
    expect(evaluate('-2 * -3')).toBe(6);
    expect(evaluate('7 % 4')).toBe(3);
    expect(evaluate('-10 % 6')).toBe(-4);
    expect(evaluate('n * 2 + 1', { n: 4 })).toBe(9);
  });
  it('divides integers with truncation unless a float is written (syntax reference warning)', () => {
    const q = '(4 / process.args_count) == 1';
    const qf = '(4.0 / process.args_count) == 1';
    const argc = (n: number) => ({ process: { args_count: n } });
    expect([3, 4, 5].map((n) => holds(q, argc(n)))).toEqual([true, true, false]);
    expect([3, 4].map((n) => holds(qf, argc(n)))).toEqual([false, true]);
    expect(evaluate('-7 / 2')).toBe(-3);
    expect(evaluate('7 / 2.0')).toBe(3.5);
  });
  it('gives null on division by zero or non-numbers', () => {
    expect(evaluate('1 / 0')).toBeNull();
    expect(evaluate('1 % 0')).toBeNull();
    expect(evaluate('s + 1', { s: 'a' })).toBeNull();
  });
  it('compares computed values', () => {
    expect(holds('process.args_count + 1 > 3', { process: { args_count: 3 } })).toBe(true);
  });
});

describe('strings and field names', () => {
  it('unescapes \\n \\r \\t \\\\ \\"', () => {
    expect(evaluate('"example \\r of \\" escaped \\n characters\\t\\\\"')).toBe('example \r of " escaped \n characters\t\\');
  });
  it("unescapes \\' \\b \\f as Elasticsearch does, and refuses surrogate code points", () => {
    expect(evaluate("\"h\\'t\\'tp\"")).toBe("h't'tp");
    expect(evaluate('"a\\bb\\fc"')).toBe('a\bb\fc');
    expect(() => evaluate('"\\u{d800}"')).toThrow(/surrogate/);
  });
  it('unescapes \\u{...} with 2 to 8 hex digits', () => {
    expect(evaluate('"\\u{200f}"')).toBe('\u200f');
    expect(evaluate('"\\u{200F}"')).toBe('\u200f');
    expect(evaluate('"\\u{0000200f}"')).toBe('\u200f');
    expect(evaluate('"\\u{1F600}"')).toBe('😀');
  });
  it('takes """raw strings""" as written', () => {
    expect(evaluate('"""Raw string with a literal double quote " and blackslash \\ included"""')).toBe(
      'Raw string with a literal double quote " and blackslash \\ included',
    );
    expect(holds('p : """C:\\Windows\\*"""', { p: 'c:\\windows\\x' })).toBe(true);
  });
  it('reads backquoted field names, with `` for a backquote', () => {
    expect(holds('`my-field` == "x"', { 'my-field': 'x' })).toBe(true);
    expect(holds('`my field` == "x"', { 'my field': 'x' })).toBe(true);
    expect(holds('`6myfield` == "x"', { '6myfield': 'x' })).toBe(true);
    expect(holds('`my``field` == "x"', { 'my`field': 'x' })).toBe(true);
    expect(holds('labels.`k-8` == 1', { labels: { 'k-8': 1 } })).toBe(true);
  });
  it('reads array indexes and keyword-named segments', () => {
    expect(holds('process.args[1] == "/c"', { process: { args: ['cmd.exe', '/c'] } })).toBe(true);
    expect(holds('event.sequence == 7', { event: { sequence: 7 } })).toBe(true);
  });
  it('ignores comments', () => {
    expect(holds('a == 1 // trailing\n and /* inline */ b == 2', { a: 1, b: 2 })).toBe(true);
  });
});

describe('ECS documents', () => {
  it('reads nested objects, dotted keys and mixes of both', () => {
    const want = 'BIT1.tmp';
    for (const d of [
      { file: { Ext: { original: { name: want } } } },
      { 'file.Ext.original.name': want },
      { file: { 'Ext.original.name': want } },
      { 'file.Ext': { 'original.name': want } },
    ]) {
      expect(evaluate('file.Ext.original.name', d)).toBe(want);
    }
  });
  it('fans out over arrays of objects', () => {
    const d = { dll: [{ name: 'a.dll' }, { name: 'b.dll' }] };
    expect(holds('dll.name : "B.DLL"', d)).toBe(true);
    expect(evaluate('dll[1].name', d)).toBe('b.dll');
  });
  it('gives functions one value: [x] is x, several values are null', () => {
    expect(evaluate('length(event.category)', { event: { category: ['file'] } })).toBe(4);
    expect(evaluate('length(event.category)', { event: { category: ['file', 'process'] } })).toBeNull();
  });
  it('does not read inherited properties', () => {
    expect(evaluate('constructor', {})).toBeUndefined();
  });
});
