/**
 * CIDR arithmetic over IPv4 and IPv6 with bigint ranges. ipaddr.js parses and validates; containment and overlap
 * are range comparisons so the same code serves both families.
 */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  /** Normalised text, e.g. "10.0.0.0/16". */
  text: string;
  family: 4 | 6;
  first: bigint;
  last: bigint;
  prefix: number;
}

export function isCidr(text: string): boolean {
  return tryParseCidr(text) !== undefined;
}

/** For "10.0.3.7/24", the network it was probably meant to be ("10.0.3.0/24"); undefined when no host bits are set. */
export function hostBitsSet(text: string): string | undefined {
  const c = tryParseCidr(text);
  if (!c || !text.includes('/')) return undefined;
  const [addr] = text.trim().split('/', 1) as [string];
  const parsed = ipaddr.parse(addr);
  const network =
    parsed.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(text.trim())
      : ipaddr.IPv6.networkAddressFromCIDR(text.trim());
  return network.toString() === parsed.toString() ? undefined : `${network.toString()}/${c.prefix}`;
}

// Snapshots repeat the same few hundred CIDRs across thousands of rules; parsing is bigint work, so memoise it.
const parsed = new Map<string, Cidr | undefined>();

export function tryParseCidr(text: string): Cidr | undefined {
  let hit = parsed.get(text);
  if (hit === undefined && !parsed.has(text)) {
    try {
      hit = parseCidr(text);
    } catch {
      hit = undefined;
    }
    if (parsed.size > 100_000) parsed.clear(); // bound the cache on pathological inputs
    parsed.set(text, hit);
  }
  return hit;
}

/** Parses "a.b.c.d/n" or "x::/n". A bare address is treated as a host route (/32 or /128). */
export function parseCidr(text: string): Cidr {
  const fast = parseDottedQuad(text);
  if (fast) return fast;
  const trimmed = text.trim();
  const [addrText, prefixText] = trimmed.includes('/') ? trimmed.split('/', 2) : [trimmed, undefined];
  if (!addrText || !ipaddr.isValid(addrText)) throw new Error(`not an IP address or CIDR: ${JSON.stringify(text)}`);
  let addr = ipaddr.parse(addrText);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefixText === undefined) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  const family = addr.kind() === 'ipv4' ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(bits)) || prefix < 0 || prefix > bits) {
    throw new Error(`invalid prefix length in ${JSON.stringify(text)}`);
  }
  const value = bytesToBigint(addr.toByteArray());
  const hostBits = BigInt(bits - prefix);
  const mask = hostBits === 0n ? 0n : (1n << hostBits) - 1n;
  const first = value & ~mask;
  const last = first | mask;
  const firstAddr = ipaddr.fromByteArray(bigintToBytes(first, bits / 8));
  return { text: `${firstAddr.toString()}/${prefix}`, family, first, last, prefix };
}

/**
 * The common case of parseCidr without ipaddr.js: "a.b.c.d" or "a.b.c.d/n", octets in plain decimal (no leading
 * zero: ipaddr.js reads "010" as octal), nothing around them. Anything else is undefined and takes the general path,
 * which gives the same Cidr for these. An inventory of 20,000 interfaces parses 20,000 host addresses, and ipaddr.js's
 * validation, regexes and byte arrays were 70 MB of garbage and most of the 90 ms its addresses took.
 */
function parseDottedQuad(text: string): Cidr | undefined {
  const n = text.length;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      if (digits === 1 && octet === 0) return undefined; // a leading zero
      octet = octet * 10 + (ch - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (ch === 46 /* . */ && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = digits = 0;
      dots++;
    } else break;
  }
  if (dots !== 3 || digits === 0) return undefined;
  value = value * 256 + octet;
  let prefix = 32;
  let canonicalPrefix = true;
  if (i < n) {
    if (text.charCodeAt(i) !== 47 /* / */ || i + 1 === n || n - i > 4) return undefined;
    prefix = 0;
    for (let j = i + 1; j < n; j++) {
      const ch = text.charCodeAt(j);
      if (ch < 48 || ch > 57) return undefined;
      prefix = prefix * 10 + (ch - 48);
    }
    if (prefix > 32) return undefined;
    canonicalPrefix = text.charCodeAt(i + 1) !== 48 || n - i === 2; // "/08" is read as 8 and written "/8"
  }
  // Numbers, not bigints, up to here: 2^32 fits, and the division keeps clear of 32-bit shifts.
  const size = 2 ** (32 - prefix);
  const first = value - (value % size);
  const last = first + size - 1;
  const canonical = first === value && canonicalPrefix && i < n;
  return {
    // The input is already the normalised text when it names the network with a slash: no new string to hold.
    text: canonical
      ? text
      : `${Math.floor(first / 16777216)}.${Math.floor(first / 65536) % 256}.${Math.floor(first / 256) % 256}.${first % 256}/${prefix}`,
    family: 4,
    first: BigInt(first),
    last: BigInt(last),
    prefix,
  };
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** True for 0.0.0.0/0 and ::/0. */
export function isWholeInternet(c: Cidr): boolean {
  return c.prefix === 0;
}

/**
 * True when the ranges together hold every IPv4 or every IPv6 address (0.0.0.0/0 itself, or halves such as
 * 0.0.0.0/1 + 128.0.0.0/1): an allow list that admits the whole internet. Text that is not a CIDR is skipped.
 */
export function coversWholeInternet(texts: readonly string[]): boolean {
  for (const family of [4, 6] as const) {
    const ranges = texts
      .map((t) => tryParseCidr(t))
      .filter((c): c is Cidr => c !== undefined && c.family === family)
      .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const top = (1n << BigInt(family === 4 ? 32 : 128)) - 1n;
    let next = 0n;
    for (const c of ranges) {
      if (c.first > next) break;
      if (c.last + 1n > next) next = c.last + 1n;
    }
    if (ranges.length > 0 && next > top) return true;
  }
  return false;
}

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function bigintToBytes(v: bigint, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * Values filed under CIDRs, found by an address inside them: one map lookup per distinct prefix length present (the
 * address masked to it), so a lookup costs the few lengths in use, not the number of CIDRs filed.
 */
export class CidrIndex<T> {
  private readonly byLength = new Map<string, Map<bigint, T[]>>();

  add(c: Cidr, value: T): void {
    const k = `${c.family}/${c.prefix}`;
    let m = this.byLength.get(k);
    if (!m) this.byLength.set(k, (m = new Map<bigint, T[]>()));
    const list = m.get(c.first);
    if (list) list.push(value);
    else m.set(c.first, [value]);
  }

  get size(): number {
    return this.byLength.size;
  }

  /** The values of every filed CIDR holding the address, in order of prefix length first filed, then filing. */
  at(family: 4 | 6, address: bigint): T[] {
    const out: T[] = [];
    const bits = family === 4 ? 32 : 128;
    for (const [k, m] of this.byLength) {
      const [fam, prefix] = k.split('/').map(Number) as [number, number];
      if (fam !== family) continue;
      const host = BigInt(bits - prefix);
      const first = host === 0n ? address : (address >> host) << host;
      const hit = m.get(first);
      if (hit) out.push(...hit);
    }
    return out;
  }
}
