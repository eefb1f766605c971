/**
 * IP addresses and CIDR blocks for `cidrMatch`, IPv4 and IPv6. An IPv4 address matches an
 * IPv4-mapped IPv6 block (`::ffff:10.0.0.0/104`) and the other way round.
 */

export interface CidrBlock {
  readonly bytes: Uint8Array; // 16 bytes: IPv4 is stored IPv4-mapped
  readonly prefix: number; // in bits, of the 16-byte form
}

export function parseIp(text: string): Uint8Array | null {
  const trimmed = text.trim();
  const v4 = parseIpv4(trimmed);
  if (v4 !== null) return mapped(v4);
  return parseIpv6(trimmed);
}

export function parseCidr(text: string): CidrBlock | null {
  const slash = text.indexOf('/');
  const address = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (address === null) return null;
  const isV4 = parseIpv4(text.slice(0, slash === -1 ? undefined : slash).trim()) !== null;
  const maxBits = isV4 ? 32 : 128;
  let bits = maxBits;
  if (slash !== -1) {
    const suffix = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(suffix) || Number(suffix) > maxBits) return null;
    bits = Number(suffix);
  }
  return { bytes: address, prefix: isV4 ? bits + 96 : bits };
}

export function cidrContains(block: CidrBlock, address: Uint8Array): boolean {
  let bits = block.prefix;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((block.bytes[i] as number) & mask) !== ((address[i] as number) & mask)) return false;
  }
  return true;
}

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    bytes.push(Number(part));
  }
  return bytes;
}

function mapped(v4: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(v4, 12);
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  const zone = text.indexOf('%');
  const address = zone === -1 ? text : text.slice(0, zone);
  if (!/^[0-9a-fA-F:.]+$/.test(address)) return null;
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (v4 === null) return null;
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
        out.push(Number.parseInt(part, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}
