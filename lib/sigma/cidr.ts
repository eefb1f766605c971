/**
 * IPv4 and IPv6 networks for the `cidr` modifier, held as bigints so both families share one test.
 */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
  readonly text: string;
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
  return { family: ip.family, network: mask(ip.value, prefix, bits), prefix, text };
}

/**
 * Addresses parsed lately: a rule often tests one address against a long list of networks, and
 * an event's addresses against many rules; parsing them once saves most of the cidr cost.
 */
const parsed = new Map<string, { family: 4 | 6; value: bigint } | undefined>();
const PARSED_ENTRIES = 256;

function parseAddress(address: string): { family: 4 | 6; value: bigint } | undefined {
  if (parsed.has(address)) return parsed.get(address);
  const ip = parseIp(address);
  if (parsed.size >= PARSED_ENTRIES) parsed.clear();
  parsed.set(address, ip);
  return ip;
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const ip = parseAddress(address);
  if (!ip) return false;
  if (ip.family !== cidr.family) {
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it carries.
    if (cidr.family === 4 && ip.family === 6 && ip.value >> 32n === 0xffffn) {
      return mask(ip.value & 0xffffffffn, cidr.prefix, 32) === cidr.network;
    }
    return false;
  }
  return mask(ip.value, cidr.prefix, cidr.family === 4 ? 32 : 128) === cidr.network;
}

function mask(value: bigint, prefix: number, bits: number): bigint {
  const host = BigInt(bits - prefix);
  return (value >> host) << host;
}

function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(input: string): bigint | undefined {
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
