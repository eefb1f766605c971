/**
 * IPv4 and IPv6 networks, for Sigma's `cidr` modifier and EQL's `cidrMatch`: one parser and one
 * containment test for both. IPv4 and IPv6 meet as Elasticsearch has them: an IPv4 address is
 * in an IPv4 network, and also in an IPv6 network holding its mapped form `::ffff:a.b.c.d`; an
 * IPv4-mapped IPv6 address is in the IPv4 networks of the address it carries. Zones (`%eth0`)
 * are dropped and `[...]` brackets accepted. A network is parsed once into 32-bit words
 * (network and mask, most significant word first; IPv4 uses only the last word), and an address
 * once per distinct string, so a containment test is a few integer ANDs and compares with no
 * BigInt and no allocation. `network` keeps the network as a bigint for callers that print it.
 */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
  readonly text: string;
  /** The network's words, already masked; an IPv4 network has only `net3`, the others 0. */
  readonly net0: number;
  readonly net1: number;
  readonly net2: number;
  readonly net3: number;
  /** The prefix as a mask per word (unsigned). */
  readonly mask0: number;
  readonly mask1: number;
  readonly mask2: number;
  readonly mask3: number;
}

/** A parsed address: an IPv4 address is `w3` (the other words 0); IPv6 is w0..w3, most significant first. */
class Ip {
  readonly family: 4 | 6;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  constructor(family: 4 | 6, w0: number, w1: number, w2: number, w3: number) {
    this.family = family;
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
  }
}

export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(address);
  if (!ip) return `'${text}' is not an IPv4 or IPv6 network`;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = slash < 0 ? bits : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1)))) {
    return `'${text}' has an invalid prefix length`;
  }
  // Word i of 4 covers address bits 32i..32i+31 from the top; an IPv4 network is word 3 alone.
  const first = ip.family === 4 ? 96 : 0;
  const mask0 = wordMask(first + prefix, 0);
  const mask1 = wordMask(first + prefix, 1);
  const mask2 = wordMask(first + prefix, 2);
  const mask3 = wordMask(first + prefix, 3);
  const net0 = ip.family === 4 ? 0 : (ip.w0 & mask0) >>> 0;
  const net1 = ip.family === 4 ? 0 : (ip.w1 & mask1) >>> 0;
  const net2 = ip.family === 4 ? 0 : (ip.w2 & mask2) >>> 0;
  const net3 = (ip.w3 & mask3) >>> 0;
  const network = ip.family === 4 ? BigInt(net3) : (BigInt(net0) << 96n) | (BigInt(net1) << 64n) | (BigInt(net2) << 32n) | BigInt(net3);
  return { family: ip.family, network, prefix, text, net0, net1, net2, net3, mask0, mask1, mask2, mask3 };
}

/** The mask of word `index` (0..3) for a 128-bit prefix of `prefix` bits, unsigned. */
function wordMask(prefix: number, index: number): number {
  const bits = Math.min(32, Math.max(0, prefix - 32 * index));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * Addresses parsed lately: a rule often tests one address against a long list of networks, and
 * an event's addresses against many rules; parsing them once saves most of the cidr cost. The
 * last address asked for is kept apart, so a run of networks over one address skips the map.
 */
const parsed = new Map<string, Ip | null>();
const PARSED_ENTRIES = 256;
let lastText: string | undefined;
let lastIp: Ip | null = null;

function parseAddress(address: string): Ip | null {
  if (address === lastText) return lastIp;
  let ip = parsed.get(address);
  if (ip === undefined) {
    ip = parseIp(address) ?? null;
    if (parsed.size >= PARSED_ENTRIES) parsed.clear();
    parsed.set(address, ip);
  }
  lastText = address;
  lastIp = ip;
  return ip;
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const ip = parseAddress(address);
  if (ip === null) return false;
  if (cidr.family === 4) {
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it carries.
    if (ip.family !== 4 && !(ip.w0 === 0 && ip.w1 === 0 && ip.w2 === 0xffff)) return false;
    return ((ip.w3 & cidr.mask3) >>> 0) === cidr.net3;
  }
  // An IPv4 address is tested in its IPv4-mapped form, ::ffff:a.b.c.d.
  if (ip.family === 4) return cidr.net0 === 0 && cidr.net1 === 0 && ((0xffff & cidr.mask2) >>> 0) === cidr.net2 && ((ip.w3 & cidr.mask3) >>> 0) === cidr.net3;
  return (
    ((ip.w0 & cidr.mask0) >>> 0) === cidr.net0 &&
    ((ip.w1 & cidr.mask1) >>> 0) === cidr.net1 &&
    ((ip.w2 & cidr.mask2) >>> 0) === cidr.net2 &&
    ((ip.w3 & cidr.mask3) >>> 0) === cidr.net3
  );
}

function parseIp(text: string): Ip | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return new Ip(4, 0, 0, 0, v4);
  return parseIpv6(text);
}

/** Four dot-separated parts of one to three ASCII digits, each at most 255 (`010` is 10). */
function parseIpv4(text: string): number | undefined {
  let value = 0;
  let parts = 0;
  let part = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 255 || ++parts > 4) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return undefined;
      part = part * 10 + (c - 0x30);
    } else {
      return undefined;
    }
  }
  return parts === 4 ? value : undefined;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv6(input: string): Ip | undefined {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return undefined;
  // A trailing dotted quad stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!HEX_GROUP.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const g = [...head, ...Array<number>(8 - total).fill(0), ...rest];
  const word = (i: number): number => ((g[2 * i]! << 16) | g[2 * i + 1]!) >>> 0;
  return new Ip(6, word(0), word(1), word(2), word(3));
}
