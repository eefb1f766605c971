/**
 * The `cidr` modifier's networks and addresses: the integer containment test against a plain
 * BigInt reference (the earlier implementation, kept here as the oracle), over random and
 * malformed addresses and networks of every prefix length.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, type Cidr } from '../../lib/matching/cidr.ts';

// ---- Reference: addresses as bigints, networks compared after shifting the host bits out. ----

interface RefIp {
  family: 4 | 6;
  value: bigint;
}

function refIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function refIpv6(input: string): bigint | undefined {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return undefined;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = refIpv4(last);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string): bigint[] | undefined => {
    if (s === '') return [];
    const out: bigint[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...head, ...Array<bigint>(8 - total).fill(0n), ...rest];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

function refIp(text: string): RefIp | undefined {
  const v4 = refIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = refIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

function refMask(value: bigint, prefix: number, bits: number): bigint {
  const host = BigInt(bits - prefix);
  return (value >> host) << host;
}

type RefCidr = { family: 4 | 6; network: bigint; prefix: number };

function refParseCidr(text: string): RefCidr | string {
  const slash = text.indexOf('/');
  const ip = refIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return `'${text}' is not an IPv4 or IPv6 network`;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = slash < 0 ? bits : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1)))) {
    return `'${text}' has an invalid prefix length`;
  }
  return { family: ip.family, network: refMask(ip.value, prefix, bits), prefix };
}

function refContains(cidr: RefCidr, address: string): boolean {
  const ip = refIp(address);
  if (!ip) return false;
  if (ip.family !== cidr.family) {
    if (cidr.family === 4 && ip.family === 6 && ip.value >> 32n === 0xffffn) {
      return refMask(ip.value & 0xffffffffn, cidr.prefix, 32) === cidr.network;
    }
    // An IPv4 address against an IPv6 network: as its mapped form ::ffff:a.b.c.d.
    if (cidr.family === 6 && ip.family === 4) return refMask((0xffffn << 32n) | ip.value, cidr.prefix, 128) === cidr.network;
    return false;
  }
  return refMask(ip.value, cidr.prefix, cidr.family === 4 ? 32 : 128) === cidr.network;
}

// ---- Generators: addresses written every way the parser accepts, and ways it does not. ----

const v4Value = fc.bigInt({ min: 0n, max: 0xffffffffn });
const v6Value = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
  // Mostly-zero addresses, so '::' compression has runs to take.
  fc.array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 0xffffn })), { minLength: 8, maxLength: 8 }).map((gs) =>
    gs.reduce((acc, g) => (acc << 16n) | g, 0n),
  ),
  // IPv4-mapped, and near misses: other words above the IPv4 part, or a 1 bit in the top 64.
  v4Value.map((v) => (0xffffn << 32n) | v),
  fc
    .tuple(fc.constantFrom(0n, 1n, 1n << 32n, 1n << 63n), fc.constantFrom(0xffffn, 0xfffen, 0x1ffffn, 0xffff0000n, 0n), v4Value)
    .map(([hi, w2, v]) => (hi << 64n) | (w2 << 32n) | v),
);

function formatV4(value: bigint, pad: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 3; i >= 0; i--) {
    const n = Number((value >> BigInt(8 * i)) & 0xffn);
    parts.push(String(n).padStart(pad[3 - i] ?? 0, '0'));
  }
  return parts.join('.');
}

interface V6Style {
  compress: boolean;
  upper: boolean;
  pad: boolean;
  dottedTail: boolean;
  bracket: boolean;
  zone: string;
}

function formatV6(value: bigint, style: V6Style): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(16 * i)) & 0xffffn));
  const hex = (g: number): string => {
    const s = g.toString(16);
    return (style.pad ? s.padStart(4, '0') : s)[style.upper ? 'toUpperCase' : 'toLowerCase']();
  };
  let tail = '';
  let count = 8;
  if (style.dottedTail) {
    tail = formatV4(value & 0xffffffffn, []);
    count = 6;
  }
  let text: string;
  // The longest run of zero groups, compressed to '::' when asked.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < count; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < count && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const write = (gs: number[]): string[] => gs.map(hex);
  if (style.compress && best >= 0) {
    const head = write(groups.slice(0, best)).join(':');
    const rest = [...write(groups.slice(best + bestLen, count)), ...(tail ? [tail] : [])].join(':');
    text = `${head}::${rest}`;
  } else {
    text = [...write(groups.slice(0, count)), ...(tail ? [tail] : [])].join(':');
  }
  if (style.zone) text += `%${style.zone}`;
  return style.bracket ? `[${text}]` : text;
}

const v6Style: fc.Arbitrary<V6Style> = fc.record({
  compress: fc.boolean(),
  upper: fc.boolean(),
  pad: fc.boolean(),
  dottedTail: fc.boolean(),
  bracket: fc.boolean(),
  zone: fc.constantFrom('', '', '', 'eth0', '12', ''),
});
const v4Pad = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 });

/** Damage a string: drop, repeat or replace one character, or add one of the parser's separators. */
const damage = (text: string): fc.Arbitrary<string> =>
  fc
    .record({ at: fc.nat({ max: Math.max(0, text.length) }), how: fc.integer({ min: 0, max: 3 }), c: fc.constantFrom(...':.%[]/0fgx9 -') })
    .map(({ at, how, c }) =>
      how === 0 ? text.slice(0, at) + text.slice(at + 1) : how === 1 ? text.slice(0, at) + c + text.slice(at) : how === 2 ? text.slice(0, at) + c + text.slice(at + 1) : text + text.slice(at),
    );

interface Case {
  family: 4 | 6;
  value: bigint;
  text: string;
}

const v4Address: fc.Arbitrary<Case> = fc.tuple(v4Value, v4Pad).map(([value, pad]) => ({ family: 4, value, text: formatV4(value, pad) }));
const v6Address: fc.Arbitrary<Case> = fc.tuple(v6Value, v6Style).map(([value, style]) => ({ family: 6, value, text: formatV6(value, style) }));
const address = fc.oneof(v4Address, v6Address);
const junk = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%[]/'), maxLength: 24 }),
  fc.string({ maxLength: 12 }),
  address.chain((a) => damage(a.text)),
);

/** A network near an address: its prefix, the address itself or with one bit flipped inside or outside the prefix. */
const networkAndAddress: fc.Arbitrary<{ network: string; address: string }> = fc
  .tuple(address, fc.integer({ min: 0, max: 128 }), fc.integer({ min: -1, max: 127 }), v6Style, v4Pad, fc.boolean())
  .map(([a, p, flip, style, pad, asV6]) => {
    const bits = a.family === 4 ? 32 : 128;
    const prefix = p % (bits + 1);
    const other = flip < 0 ? a.value : a.value ^ (1n << BigInt(flip % bits));
    // An IPv4 address is sometimes asked as its IPv4-mapped IPv6 form.
    const otherText =
      a.family === 4 ? (asV6 ? formatV6((0xffffn << 32n) | other, style) : formatV4(other, pad)) : formatV6(other, style);
    return { network: `${a.text}/${prefix}`, address: otherText };
  });

const anyNetwork = fc.oneof(
  fc.tuple(address, fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a.text}/${p % ((a.family === 4 ? 32 : 128) + 1)}`),
  address.map((a) => a.text),
  fc.tuple(address, fc.constantFrom('/33', '/129', '/-1', '/', '/1.5', '/ 8', '/08', '/8/8', '/1e1')).map(([a, s]) => a.text + s),
  junk,
);

function same(network: string, addresses: readonly string[]): void {
  const got = parseCidr(network);
  const want = refParseCidr(network);
  if (typeof want === 'string') {
    expect(got).toBe(want);
    return;
  }
  expect(typeof got).toBe('object');
  const cidr = got as Cidr;
  expect({ family: cidr.family, network: cidr.network, prefix: cidr.prefix }).toEqual(want);
  for (const a of addresses) expect(cidrContains(cidr, a), `${a} in ${network}`).toBe(refContains(want, a));
}

describe('cidr against a BigInt reference', () => {
  it('an address near the network', () => {
    fc.assert(fc.property(networkAndAddress, ({ network, address: a }) => same(network, [a])), { numRuns: 5000 });
  });

  it('any network, any address (valid, mapped or malformed)', () => {
    fc.assert(
      fc.property(anyNetwork, fc.array(fc.oneof(address.map((a) => a.text), junk), { minLength: 1, maxLength: 6 }), (network, addresses) =>
        same(network, addresses),
      ),
      { numRuns: 5000 },
    );
  });

  it('every prefix length of both families', () => {
    fc.assert(
      fc.property(v4Address, v6Address, v4Address, v6Address, (n4, n6, a4, a6) => {
        const mapped = formatV6((0xffffn << 32n) | a4.value, { compress: true, upper: false, pad: false, dottedTail: true, bracket: false, zone: '' });
        const near4 = formatV4(n4.value ^ 1n, []);
        for (let p = 0; p <= 32; p++) same(`${n4.text}/${p}`, [a4.text, n4.text, near4, mapped, a6.text]);
        for (let p = 0; p <= 128; p++) same(`${n6.text}/${p}`, [a6.text, n6.text, a4.text, mapped]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('cidr edge cases', () => {
  const contains = (network: string, address: string): boolean => {
    const cidr = parseCidr(network);
    if (typeof cidr === 'string') throw new Error(cidr);
    const a = cidrContains(cidr, address);
    expect(a).toBe(refContains(refParseCidr(network) as RefCidr, address));
    return a;
  };

  it('/0 holds every address of its family; ::/0 holds IPv4 too (as ::ffff:a.b.c.d, as in Elasticsearch)', () => {
    expect(contains('0.0.0.0/0', '255.255.255.255')).toBe(true);
    expect(contains('0.0.0.0/0', '0.0.0.0')).toBe(true);
    expect(contains('0.0.0.0/0', '::ffff:1.2.3.4')).toBe(true);
    expect(contains('0.0.0.0/0', '::1')).toBe(false);
    expect(contains('::/0', '::')).toBe(true);
    expect(contains('::/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(contains('::/0', '1.2.3.4')).toBe(true);
    expect(contains('fe80::/10', '1.2.3.4')).toBe(false);
  });

  it('/32 and /128 hold one address', () => {
    expect(contains('255.255.255.255/32', '255.255.255.255')).toBe(true);
    expect(contains('255.255.255.255/32', '255.255.255.254')).toBe(false);
    expect(contains('255.255.255.255', '255.255.255.255')).toBe(true);
    expect(contains('::1/128', '::1')).toBe(true);
    expect(contains('::1/128', '0:0:0:0:0:0:0:1')).toBe(true);
    expect(contains('::1/128', '::')).toBe(false);
    expect(contains('::/128', '::')).toBe(true);
  });

  it('high bits: networks above 128.0.0.0 and 8000::', () => {
    expect(contains('128.0.0.0/1', '200.1.1.1')).toBe(true);
    expect(contains('128.0.0.0/1', '127.255.255.255')).toBe(false);
    expect(contains('ff00::/8', 'ff02::1')).toBe(true);
    expect(contains('8000::/1', '7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(false);
  });

  it('zone ids, brackets and a dotted-quad tail', () => {
    expect(contains('fe80::/10', 'fe80::1%eth0')).toBe(true);
    expect(contains('fe80::/10', '[fe80::1%eth0]')).toBe(true);
    expect(contains('2001:db8::/32', '[2001:db8::1]')).toBe(true);
    expect(contains('2001:db8::/32', '[2001:db8::1')).toBe(false);
    expect(contains('::/96', '::1.2.3.4')).toBe(true);
    expect(contains('10.0.0.0/8', '::ffff:10.1.2.3')).toBe(true);
    expect(contains('10.0.0.0/8', '::ffff:a01:203')).toBe(true);
    expect(contains('10.0.0.0/8', '::fffe:10.1.2.3')).toBe(false);
    expect(contains('::ffff:0:0/96', '10.1.2.3')).toBe(true);
    expect(contains('::ffff:10.0.0.0/104', '10.1.2.3')).toBe(true);
    expect(contains('::ffff:10.0.0.0/104', '11.1.2.3')).toBe(false);
    expect(contains('10.0.0.0/8', '0:1::ffff:10.1.2.3')).toBe(false);
    expect(contains('10.0.0.0/8', '1::ffff:10.1.2.3')).toBe(false);
  });

  it('leading zeros in a quad are decimal, up to three digits', () => {
    expect(contains('10.0.0.0/8', '010.001.002.003')).toBe(true);
    expect(contains('10.0.0.0/8', '0010.1.2.3')).toBe(false);
    expect(contains('10.0.0.0/8', '10.1.2.256')).toBe(false);
  });

  it('anything else is not an address', () => {
    for (const bad of ['', 'not-an-ip', '10.1.2', '10.1.2.3.4', '10..2.3', '10.1.2.3 ', ' 10.1.2.3', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::', 'g::1', '10.1.2.3/8']) {
      expect(contains('0.0.0.0/0', bad), bad).toBe(false);
      expect(contains('::/0', bad), bad).toBe(false);
    }
  });

  it('parse errors keep their texts', () => {
    expect(parseCidr('10.0.0.0/33')).toBe("'10.0.0.0/33' has an invalid prefix length");
    expect(parseCidr('10.0.0/8')).toBe("'10.0.0/8' is not an IPv4 or IPv6 network");
    expect(parseCidr('::/129')).toBe("'::/129' has an invalid prefix length");
  });
});
