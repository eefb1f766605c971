/**
 * Functions, with the examples of Elasticsearch's EQL function reference (including its null
 * handling). Where the reference's own example contradicts its text, the test follows the text
 * and says so.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from './eql-harness.ts';

describe('add / subtract / multiply / divide / modulo', () => {
  it('add', () => {
    expect([evaluate('add(4, 5)'), evaluate('add(4, 0.5)'), evaluate('add(0.5, 0.25)'), evaluate('add(4, -2)'), evaluate('add(-2, -2)')]).toEqual([9, 4.5, 0.75, 2, -4]);
    const d = { process: { args_count: 4, parent: { args_count: 2 } } };
    expect(evaluate('add(process.args_count, 5)', d)).toBe(9);
    expect(evaluate('add(process.args_count, process.parent.args_count)', d)).toBe(6);
    expect([evaluate('add(null, 4)'), evaluate('add(4, null)'), evaluate('add(null, process.args_count)', d)]).toEqual([null, null, null]);
  });
  it('subtract', () => {
    // The reference lists subtract(-2, 4) as -8 and subtract(-2, -4) as 8; arithmetic says -6 and 2.
    expect([evaluate('subtract(10, 2)'), evaluate('subtract(10.5, 0.5)'), evaluate('subtract(-2, 4)'), evaluate('subtract(-2, -4)')]).toEqual([8, 10, -6, 2]);
    expect(evaluate('subtract(1, 0.2)')).toBeCloseTo(0.8);
    const d = { process: { args_count: 10, parent: { args_count: 6 } } };
    expect([evaluate('subtract(process.args_count, 6)', d), evaluate('subtract(15, process.args_count)', d), evaluate('subtract(process.args_count, 0.5)', d)]).toEqual([4, 5, 9.5]);
    expect(evaluate('subtract(process.args_count, process.parent.args_count)', d)).toBe(4);
    expect([evaluate('subtract(null, 2)'), evaluate('subtract(2, null)')]).toEqual([null, null]);
  });
  it('multiply', () => {
    expect([evaluate('multiply(2, 2)'), evaluate('multiply(0.5, 2)'), evaluate('multiply(0.25, 2)'), evaluate('multiply(-2, 2)'), evaluate('multiply(-2, -2)')]).toEqual([4, 1, 0.5, -4, 4]);
    const d = { process: { args_count: 2, parent: { args_count: 3 } } };
    expect(evaluate('multiply(process.args_count, process.parent.args_count)', d)).toBe(6);
    expect([evaluate('multiply(null, 2)'), evaluate('multiply(2, null)')]).toEqual([null, null]);
  });
  it('divide rounds integer quotients down, not float ones', () => {
    expect([evaluate('divide(4, 2)'), evaluate('divide(4, 3)'), evaluate('divide(4, 0.5)'), evaluate('divide(0.5, 4)'), evaluate('divide(0.5, 0.25)'), evaluate('divide(4, -2)'), evaluate('divide(-4, -2)')]).toEqual([2, 1, 8, 0.125, 2, -2, 2]);
    expect(evaluate('divide(4, 3.0)')).toBeCloseTo(1.3333);
    const d = { process: { args_count: 4, parent: { args_count: 2 } } };
    expect([evaluate('divide(process.args_count, 2)', d), evaluate('divide(process.args_count, 3)', d), evaluate('divide(12, process.args_count)', d)]).toEqual([2, 1, 3]);
    expect(evaluate('divide(process.args_count, 3.0)', d)).toBeCloseTo(1.3333);
    expect(evaluate('divide(process.args_count, process.parent.args_count)', d)).toBe(2);
    expect([evaluate('divide(null, 4)'), evaluate('divide(4, null)')]).toEqual([null, null]);
  });
  it('modulo keeps the sign of the dividend', () => {
    expect([evaluate('modulo(10, 6)'), evaluate('modulo(10, 5)'), evaluate('modulo(10, 0.5)'), evaluate('modulo(10, -6)'), evaluate('modulo(-10, -6)')]).toEqual([4, 0, 0, 4, -4]);
    const d = { process: { args_count: 10, parent: { args_count: 6 } } };
    expect([evaluate('modulo(106, process.args_count)', d), evaluate('modulo(process.args_count, process.parent.args_count)', d)]).toEqual([6, 4]);
    expect([evaluate('modulo(null, 5)'), evaluate('modulo(7, null)')]).toEqual([null, null]);
  });
});

describe('between', () => {
  const d = { file: { path: 'C:\\Windows\\System32\\cmd.exe' } };
  it('extracts, case-sensitive unless ~', () => {
    expect(evaluate('between(file.path, "System32\\\\", ".exe")', d)).toBe('cmd');
    expect(evaluate('between(file.path, "system32\\\\", ".exe")', d)).toBe('');
    expect(evaluate('between(file.path, "workspace\\\\", ".exe")', d)).toBe('');
    expect(evaluate('between~(file.path, "system32\\\\", ".exe")', d)).toBe('cmd');
  });
  it('is lazy by default, greedy when asked', () => {
    expect(evaluate('between(file.path, "\\\\", "\\\\", false)', d)).toBe('Windows');
    expect(evaluate('between(file.path, "\\\\", "\\\\", true)', d)).toBe('Windows\\System32');
  });
  it('handles empty and null sources', () => {
    expect(evaluate('between("", "System32\\\\", ".exe")')).toBe('');
    expect(evaluate('between("", "", "")')).toBe('');
    expect(evaluate('between(null, "System32\\\\", ".exe")')).toBeNull();
  });
});

describe('cidrMatch', () => {
  const d = { source: { address: '192.168.152.12' } };
  it('matches IPv4 blocks', () => {
    expect(evaluate('cidrMatch(source.address, "192.168.0.0/16")', d)).toBe(true);
    expect(evaluate('cidrMatch(source.address, "192.168.0.0/16", "10.0.0.0/8")', d)).toBe(true);
    expect(evaluate('cidrMatch(source.address, "10.0.0.0/8")', d)).toBe(false);
    expect(evaluate('cidrMatch(source.address, "10.0.0.0/8", "10.128.0.0/9")', d)).toBe(false);
    expect(evaluate('cidrMatch(source.address, "192.168.152.12/32")', d)).toBe(true);
    expect(evaluate('cidrMatch(source.address, "0.0.0.0/0")', d)).toBe(true);
  });
  it('matches IPv6 blocks and IPv4-mapped addresses', () => {
    expect(evaluate('cidrMatch(a, "fe80::/10")', { a: 'fe80::1ff:fe23:4567:890a' })).toBe(true);
    expect(evaluate('cidrMatch(a, "fc00::/7")', { a: '2001:db8::1' })).toBe(false);
    expect(evaluate('cidrMatch(a, "2001:db8::/32")', { a: '2001:DB8:0:0:8:800:200C:417A' })).toBe(true);
    expect(evaluate('cidrMatch(a, "10.0.0.0/8")', { a: '::ffff:10.1.2.3' })).toBe(true);
  });
  it('is false for a value that is not an address, null for null', () => {
    expect(evaluate('cidrMatch(a, "10.0.0.0/8")', { a: 'not-an-ip' })).toBe(false);
    expect(evaluate('cidrMatch(null, "10.0.0.0/8")')).toBeNull();
    expect(evaluate('cidrMatch(source.address, null)', d)).toBeNull();
  });
});

describe('concat', () => {
  it('joins values as text', () => {
    expect(evaluate('concat("process is ", "regsvr32.exe")')).toBe('process is regsvr32.exe');
    expect(evaluate('concat("regsvr32.exe", " ", 42)')).toBe('regsvr32.exe 42');
    expect(evaluate('concat("regsvr32.exe", " ", 42.5)')).toBe('regsvr32.exe 42.5');
    expect(evaluate('concat("regsvr32.exe", " ", true)')).toBe('regsvr32.exe true');
    expect(evaluate('concat("regsvr32.exe")')).toBe('regsvr32.exe');
    expect(evaluate('concat(process.name, " ", process.arg_count)', { process: { name: 'regsvr32.exe', arg_count: 4 } })).toBe('regsvr32.exe 4');
  });
  it('is null when any argument is', () => {
    expect([evaluate('concat(null, "regsvr32.exe")'), evaluate('concat(process.name, null)'), evaluate('concat(null)')]).toEqual([null, null, null]);
  });
});

describe('endsWith / startsWith', () => {
  it('endsWith', () => {
    expect([evaluate('endsWith("regsvr32.exe", ".exe")'), evaluate('endsWith("regsvr32.exe", ".EXE")'), evaluate('endsWith("regsvr32.exe", ".dll")'), evaluate('endsWith("", "")')]).toEqual([true, false, false, true]);
    expect(evaluate('endsWith~("regsvr32.exe", ".EXE")')).toBe(true);
    expect(evaluate('endsWith("regsvr32.exe", file.extension)', { file: { extension: '.exe' } })).toBe(true);
    expect([evaluate('endsWith("regsvr32.exe", null)'), evaluate('endsWith("", null)'), evaluate('endsWith(null, ".exe")'), evaluate('endsWith(null, null)')]).toEqual([null, null, null, null]);
  });
  it('startsWith', () => {
    expect([evaluate('startsWith("regsvr32.exe", "regsvr32")'), evaluate('startsWith("regsvr32.exe", "Regsvr32")'), evaluate('startsWith("regsvr32.exe", "explorer")'), evaluate('startsWith("", "")')]).toEqual([true, false, false, true]);
    expect(evaluate('startsWith~("regsvr32.exe", "Regsvr32")')).toBe(true);
    expect(evaluate('startsWith("regsvr32.exe", process.name)', { process: { name: 'regsvr32' } })).toBe(true);
    expect([evaluate('startsWith("regsvr32.exe", null)'), evaluate('startsWith(null, "regsvr32")')]).toEqual([null, null]);
  });
});

describe('indexOf', () => {
  const d = { url: { domain: 'subdomain.example.com' } };
  it('finds the first position at or after start', () => {
    const q = (args: string) => evaluate(`indexOf(url.domain, ${args})`, d);
    expect([q('"d"'), q('"D"'), q('"."'), q('".", 9'), q('".", 10'), q('".", -6')]).toEqual([3, null, 9, 9, 17, 9]);
  });
  it('indexOf~ ignores case', () => {
    // The reference shows 4 here; "subdomain" has its first d at 3.
    expect(evaluate('indexOf~(url.domain, "D")', d)).toBe(3);
  });
  it('handles empty substrings, missing substrings, and starts past the end', () => {
    expect(evaluate('indexOf("", "")')).toBe(0);
    const q = (args: string) => evaluate(`indexOf(url.domain, ${args})`, d);
    expect([q('""'), q('"", 9'), q('"", 10'), q('"", -6')]).toEqual([0, 9, 10, 0]);
    expect([q('"z"'), q('"z", 9'), q('".", 30')]).toEqual([null, null, null]);
  });
  it('is null for null arguments', () => {
    expect([evaluate('indexOf(null, ".", 9)'), evaluate('indexOf(url.domain, null, 9)', d), evaluate('indexOf(url.domain, ".", null)', d)]).toEqual([null, null, null]);
  });
});

describe('length', () => {
  it('counts characters', () => {
    expect([evaluate('length("explorer.exe")'), evaluate('length("start explorer.exe")'), evaluate('length("")'), evaluate('length(null)')]).toEqual([12, 18, 0, null]);
    expect(evaluate('length(process.name)', { process: { name: 'regsvr32.exe' } })).toBe(12);
  });
});

describe('number', () => {
  it('parses decimal, float and hexadecimal text', () => {
    expect([evaluate('number("1337")'), evaluate('number("42.5")'), evaluate('number("deadbeef", 16)'), evaluate('number("0xdeadbeef")'), evaluate('number("0xdeadbeef", 16)')]).toEqual([1337, 42.5, 3735928559, 3735928559, 3735928559]);
    expect([evaluate('number("+1337")'), evaluate('number("-1337")'), evaluate('number("  1337  ")')]).toEqual([1337, -1337, 1337]);
    expect(evaluate('number(process.pid)', { process: { pid: '1337' } })).toBe(1337);
  });
  it('handles null, and a null base as the default', () => {
    expect([evaluate('number(null)'), evaluate('number(null, 16)'), evaluate('number("0xdeadbeef", null)'), evaluate('number("1337", null)')]).toEqual([null, null, 3735928559, 1337]);
  });
  it('is null for text that is not a number in the base', () => {
    expect([evaluate('number("")'), evaluate('number("12ab")'), evaluate('number("19", 8)'), evaluate('number("- 1")')]).toEqual([null, null, null, null]);
    expect(evaluate('number("777", 8)')).toBe(511);
  });
});

describe('string', () => {
  it('converts values to text', () => {
    expect([evaluate('string(42)'), evaluate('string(42.5)'), evaluate('string("regsvr32.exe")'), evaluate('string(true)'), evaluate('string(null)')]).toEqual(['42', '42.5', 'regsvr32.exe', 'true', null]);
  });
});

describe('stringContains', () => {
  const d = { process: { command_line: 'start regsvr32.exe', name: 'regsvr32.exe' } };
  it('is case-sensitive unless ~', () => {
    const q = (s: string) => evaluate(`stringContains(process.command_line, "${s}")`, d);
    expect([q('regsvr32'), q('Regsvr32'), q('start '), q('explorer')]).toEqual([true, false, true, false]);
    // The reference's example says false here, contradicting its own description of `~`.
    expect(evaluate('stringContains~(process.command_line, "Regsvr32")', d)).toBe(true);
    expect(evaluate('stringContains(process.command_line, process.name)', d)).toBe(true);
  });
  it('an empty substring is not contained; null gives null', () => {
    expect([evaluate('stringContains("", "")'), evaluate('stringContains(process.command_line, "")', d)]).toEqual([false, false]);
    expect([evaluate('stringContains(null, "regsvr32")'), evaluate('stringContains(process.command_line, null)', d)]).toEqual([null, null]);
  });
});

describe('substring', () => {
  it('slices with negative offsets from the end', () => {
    const q = (args: string) => evaluate(`substring("start regsvr32.exe", ${args})`);
    expect([q('6'), q('0, 5'), q('6, 14'), q('-4'), q('-4, -1')]).toEqual(['regsvr32.exe', 'start', 'regsvr32', '.exe', '.ex']);
  });
  it('is empty when start is past end or the string', () => {
    expect([evaluate('substring("abc", 2, 1)'), evaluate('substring("abc", 10)')]).toEqual(['', '']);
    expect(evaluate('substring(null, 1)')).toBeNull();
  });
});

describe('function names', () => {
  it('are matched without regard to case', () => {
    expect(evaluate('STARTSWITH("abc", "a")')).toBe(true);
    expect(evaluate('stringcontains~("ABC", "b")')).toBe(true);
  });
});
