/** Sigma specification v2.1.0, sigma-appendix-modifiers.md: one describe per modifier, positive and negative. */
import { describe, expect, it } from 'vitest';
import { compileError, matcher } from './support.ts';

const one = (item: string, value: string) => matcher(`sel:\n  ${item}: ${value}\ncondition: sel`);

describe('contains / startswith / endswith', () => {
  it('contains', () => {
    expect(one('F|contains', 'abc')({ F: 'xxABCxx' })).toBe(true);
    expect(one('F|contains', 'abc')({ F: 'xxABxCxx' })).toBe(false);
  });
  it('startswith', () => {
    expect(one('F|startswith', 'abc')({ F: 'ABCxx' })).toBe(true);
    expect(one('F|startswith', 'abc')({ F: 'xABC' })).toBe(false);
  });
  it('endswith', () => {
    expect(one('F|endswith', "'\\cmd.exe'")({ F: 'C:\\Windows\\CMD.exe' })).toBe(true);
    expect(one('F|endswith', "'\\cmd.exe'")({ F: 'C:\\Windows\\cmd.exe.bak' })).toBe(false);
  });
  it('keeps wildcards inside the value', () => {
    expect(one('F|contains', "'a*c'")({ F: 'xxAbbbCxx' })).toBe(true);
    expect(one('F|contains', "'a*c'")({ F: 'xxCbbbAxx' })).toBe(false);
  });
});

describe('all', () => {
  const m = matcher('sel:\n  F|contains|all:\n    - a\n    - b\ncondition: sel');
  it('every value holds', () => expect(m({ F: 'b..a' })).toBe(true));
  it('one value missing', () => expect(m({ F: 'a..' })).toBe(false));
});

describe('exists', () => {
  it('true: the field is present, even empty or null', () => {
    const m = one('F|exists', 'true');
    expect(m({ F: '' })).toBe(true);
    expect(m({ F: null })).toBe(true);
    expect(m({ G: 'x' })).toBe(false);
  });
  it('false: the field is absent', () => {
    const m = one('F|exists', 'false');
    expect(m({ G: 'x' })).toBe(true);
    expect(m({ F: 'x' })).toBe(false);
  });
});

describe('cased', () => {
  const m = one('F|cased', 'Admin');
  it('same case', () => expect(m({ F: 'Admin' })).toBe(true));
  it('other case', () => expect(m({ F: 'admin' })).toBe(false));
  it('with contains', () => {
    expect(one('F|contains|cased', 'dM')({ F: 'AdMin' })).toBe(true);
    expect(one('F|contains|cased', 'dM')({ F: 'Admin' })).toBe(false);
  });
});

describe('neq', () => {
  it('a string', () => {
    expect(one('F|neq', 'a')({ F: 'b' })).toBe(true);
    expect(one('F|neq', 'a')({ F: 'A' })).toBe(false);
  });
  it('a number', () => {
    expect(one('F|neq', '5')({ F: 6 })).toBe(true);
    expect(one('F|neq', '5')({ F: 5 })).toBe(false);
  });
  it('a list: equal to none of them', () => {
    const m = matcher('sel:\n  F|neq:\n    - a\n    - b\ncondition: sel');
    expect(m({ F: 'c' })).toBe(true);
    expect(m({ F: 'b' })).toBe(false);
  });
});

describe('windash', () => {
  const dashes = ['-', '/', '\u2013', '\u2014', '\u2015'];
  it('permutes every dash position independently', () => {
    const m = one('CommandLine|windash|contains', "' -a -b'");
    for (const first of dashes) for (const second of dashes) expect(m({ CommandLine: `x.exe ${first}a ${second}b` })).toBe(true);
    expect(m({ CommandLine: 'x.exe +a -b' })).toBe(false);
  });
  it('a slash in the rule also stands for any dash', () => {
    expect(one('CommandLine|windash|contains', "' /s'")({ CommandLine: 'x \u2014s' })).toBe(true);
  });
  it('works with wildcards', () => {
    const m = one('CommandLine|windash', "'* -enc *'");
    expect(m({ CommandLine: 'powershell /enc AAA' })).toBe(true);
    expect(m({ CommandLine: 'powershell enc AAA' })).toBe(false);
  });
  it('works with all', () => {
    const m = matcher("sel:\n  CommandLine|windash|contains|all:\n    - ' -a'\n    - ' -b'\ncondition: sel");
    expect(m({ CommandLine: 'x /b \u2013a' })).toBe(true);
    expect(m({ CommandLine: 'x /b' })).toBe(false);
  });
});

describe('re', () => {
  it('is case-sensitive and unanchored', () => {
    const m = one('F|re', "'ab+c'");
    expect(m({ F: 'xxabbbcxx' })).toBe(true);
    expect(m({ F: 'ABC' })).toBe(false);
  });
  it('i makes it case-insensitive', () => expect(one('F|re|i', "'ab+c'")({ F: 'xABBC' })).toBe(true));
  it('m lets ^ and $ match at line breaks', () => {
    expect(one('F|re|m', "'^b$'")({ F: 'a\nb\nc' })).toBe(true);
    expect(one('F|re', "'^b$'")({ F: 'a\nb\nc' })).toBe(false);
  });
  it('s lets . match a newline', () => {
    expect(one('F|re|s', "'a.b'")({ F: 'a\nb' })).toBe(true);
    expect(one('F|re', "'a.b'")({ F: 'a\nb' })).toBe(false);
  });
  it('a leading PCRE (?i) is honoured', () => expect(one('F|re', "'(?i)abc'")({ F: 'ABC' })).toBe(true));
  it('an invalid expression is rejected with the item named', () => {
    const error = compileError("sel:\n  F|re: '(unclosed'\ncondition: sel");
    expect(error.item).toBe('sel: F|re');
    expect(error.reason).toMatch(/invalid regular expression/);
  });
});

describe('base64 / base64offset', () => {
  it('base64 encodes the value', () => {
    expect(one('F', "'cGluZw=='")({ F: 'cGluZw==' })).toBe(true);
    expect(one('F|base64', 'ping')({ F: 'cGluZw==' })).toBe(true);
    expect(one('F|base64', 'ping')({ F: 'ping' })).toBe(false);
  });
  it('base64offset|contains finds the value at any offset of a longer string', () => {
    const m = one('F|base64offset|contains', 'http://');
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      expect(m({ F: Buffer.from(`${prefix}http://evil/`).toString('base64') })).toBe(true);
    }
    expect(m({ F: Buffer.from('ftp://x').toString('base64') })).toBe(false);
  });
  it('refuses to encode a wildcard', () => {
    expect(compileError("sel:\n  F|base64: 'a*'\ncondition: sel").reason).toMatch(/wildcard/);
  });
});

describe('utf16le / utf16be / utf16 / wide', () => {
  const b64 = (buf: Buffer) => buf.toString('base64');
  it('utf16le then base64 (PowerShell -EncodedCommand)', () => {
    const m = one('F|utf16le|base64offset|contains', 'Invoke');
    expect(m({ F: b64(Buffer.from('xx Invoke-Expression', 'utf16le')) })).toBe(true);
    expect(m({ F: b64(Buffer.from('xx Invoke-Expression', 'utf8')) })).toBe(false);
  });
  it('wide is utf16le', () => {
    expect(one('F|wide|base64', 'cmd')({ F: b64(Buffer.from('cmd', 'utf16le')) })).toBe(true);
  });
  it('utf16be', () => {
    expect(one('F|utf16be|base64', 'cmd')({ F: b64(Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64])) })).toBe(true);
    expect(one('F|utf16be|base64', 'cmd')({ F: b64(Buffer.from('cmd', 'utf16le')) })).toBe(false);
  });
  it('utf16 has a byte order mark', () => {
    expect(one('F|utf16|base64', 'cmd')({ F: b64(Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0])) })).toBe(true);
  });
});

describe('lt / lte / gt / gte', () => {
  it('compare numbers and numeric strings', () => {
    expect(one('F|lt', '10')({ F: 9 })).toBe(true);
    expect(one('F|lt', '10')({ F: 10 })).toBe(false);
    expect(one('F|lte', '10')({ F: '10' })).toBe(true);
    expect(one('F|gt', '10')({ F: 10.5 })).toBe(true);
    expect(one('F|gte', '10')({ F: 9 })).toBe(false);
  });
  it('a non-number never compares', () => expect(one('F|gt', '1')({ F: 'abc' })).toBe(false));
  it('needs a number in the rule', () => expect(compileError('sel:\n  F|lt: abc\ncondition: sel').reason).toMatch(/number/));
});

describe('minute / hour / day / week / month / year', () => {
  const t = '2024-03-15T13:45:10.123Z';
  it('extracts each part in UTC', () => {
    expect(one('T|minute', '45')({ T: t })).toBe(true);
    expect(one('T|hour', '13')({ T: t })).toBe(true);
    expect(one('T|day', '15')({ T: t })).toBe(true);
    expect(one('T|week', '11')({ T: t })).toBe(true);
    expect(one('T|month', '3')({ T: t })).toBe(true);
    expect(one('T|year', '2024')({ T: t })).toBe(true);
  });
  it('other values do not match; neither do non-dates', () => {
    expect(one('T|hour', '14')({ T: t })).toBe(false);
    expect(one('T|hour', '13')({ T: 'yesterday' })).toBe(false);
  });
  it('combines with comparisons', () => {
    expect(one('T|hour|gte', '20')({ T: '2024-03-15 22:00:00' })).toBe(true);
    expect(one('T|hour|gte', '20')({ T: '2024-03-15 08:00:00' })).toBe(false);
  });
});

describe('cidr (IPv4 and IPv6)', () => {
  it('IPv4', () => {
    const m = one('Ip|cidr', '10.0.0.0/8');
    expect(m({ Ip: '10.200.3.4' })).toBe(true);
    expect(m({ Ip: '11.0.0.1' })).toBe(false);
  });
  it('IPv6', () => {
    const m = one('Ip|cidr', "'fe80::/10'");
    expect(m({ Ip: 'fe80::1%12' })).toBe(true);
    expect(m({ Ip: 'fec0::1' })).toBe(false);
  });
  it('an IPv4-mapped IPv6 address is its IPv4 address', () => {
    expect(one('Ip|cidr', '192.168.0.0/16')({ Ip: '::ffff:192.168.1.1' })).toBe(true);
  });
  it('rejects a bad network', () => expect(compileError("sel:\n  Ip|cidr: '10.0.0.0/33'\ncondition: sel").reason).toMatch(/prefix/));
});

describe('expand', () => {
  const detection = "sel:\n  User|expand: '%admins%'\ncondition: sel";
  it('replaces a placeholder by every configured value', () => {
    const m = matcher(detection, { placeholders: { admins: ['root', 'Administrator'] } });
    expect(m({ User: 'administrator' })).toBe(true);
    expect(m({ User: 'guest' })).toBe(false);
  });
  it('an unresolved placeholder rejects the rule with a clear error', () => {
    const error = compileError(detection);
    expect(error).toMatchObject({ file: 'test.yml', ruleId: '00000000-0000-4000-8000-000000000001', item: 'sel: User|expand' });
    expect(error.reason).toMatch(/%admins%/);
  });
});

describe('fieldref', () => {
  it('equals another field', () => {
    const m = one('ParentUser|fieldref', 'User');
    expect(m({ User: 'Alice', ParentUser: 'alice' })).toBe(true);
    expect(m({ User: 'Alice', ParentUser: 'bob' })).toBe(false);
    expect(m({ ParentUser: 'bob' })).toBe(false);
  });
  it('with neq', () => {
    expect(one('ParentUser|fieldref|neq', 'User')({ User: 'a', ParentUser: 'b' })).toBe(true);
    expect(one('ParentUser|fieldref|neq', 'User')({ User: 'a', ParentUser: 'a' })).toBe(false);
  });
  it('with endswith', () => {
    expect(one('Image|fieldref|endswith', 'Name')({ Image: 'C:\\x\\evil.exe', Name: 'evil.exe' })).toBe(true);
    expect(one('Image|fieldref|endswith', 'Name')({ Image: 'C:\\x\\evil.exe', Name: 'good.exe' })).toBe(false);
  });
});

describe('unknown modifiers are rejected, naming the item', () => {
  it('rejects', () => {
    const error = compileError('sel:\n  F|sorta: x\ncondition: sel');
    expect(error.item).toBe('sel: F|sorta');
    expect(error.reason).toMatch(/unsupported modifier 'sorta'/);
  });
});
