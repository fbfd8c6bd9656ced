/** Address helpers for the hot path: IPv4 as uint32 from bytes or text; IPv6 stays text (rare in flow logs). */
import ipaddr from 'ipaddr.js';

/** Parses dotted IPv4 in buf[s, e) to a uint32, or -1 when it is not one (e.g. IPv6, "-", junk). */
export function ipv4FromBytes(buf: Buffer, s: number, e: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || digits === 3) return -1;
      part = part * 10 + d;
      if (part > 255) return -1;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

export function ipv4FromString(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || digits === 3) return -1;
      part = part * 10 + d;
      if (part > 255) return -1;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

export function ipv4ToString(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Normalised IPv6 text ("2001:db8::1"), an IPv4 uint32 for IPv4-mapped IPv6, or undefined when not an address. */
export function parseIPv6(text: string): string | number | undefined {
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const a = ipaddr.IPv6.parse(text);
  if (a.isIPv4MappedAddress()) return ipv4FromString(a.toIPv4Address().toString());
  return a.toString();
}

/** The 128-bit value of a normalised IPv6 address. */
export function ipv6ToBigint(text: string): bigint {
  let v = 0n;
  for (const b of ipaddr.IPv6.parse(text).toByteArray()) v = (v << 8n) | BigInt(b);
  return v;
}

/** A parsed address: uint32 for IPv4, normalised text for IPv6. */
export type Address = { v: 4; n: number } | { v: 6; text: string };

export function parseAddress(text: string): Address | undefined {
  const n = ipv4FromString(text);
  if (n >= 0) return { v: 4, n };
  const six = parseIPv6(text);
  if (six === undefined) return undefined;
  return typeof six === 'number' ? { v: 4, n: six } : { v: 6, text: six };
}

export function addressText(a: Address): string {
  return a.v === 4 ? ipv4ToString(a.n) : a.text;
}
