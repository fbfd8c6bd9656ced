/**
 * Sets of IPv4 and IPv6 addresses as sorted, disjoint bigint intervals, so the firewall evaluator can follow exactly
 * which addresses a rule singles out (a rule for 10.0.1.0/24 applied to a zone of 10.0.0.0/16 leaves the rest of the
 * zone to later rules). IPv4 lives above 2^129, out of the IPv6 range, so one interval list holds both families.
 */
import { tryParseCidr, type Cidr } from '../../util/cidr.js';

export type Interval = readonly [bigint, bigint];
export type AddressSet = readonly Interval[];

const V4_BASE = 1n << 129n;

function intervalOf(c: Cidr): Interval {
  return c.family === 4 ? [c.first + V4_BASE, c.last + V4_BASE] : [c.first, c.last];
}

export function normalise(list: readonly Interval[]): AddressSet {
  const sorted = [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) {
      if (hi > last[1]) last[1] = hi;
    } else out.push([lo, hi]);
  }
  return out;
}

/** The addresses of the CIDRs that parse; the texts that do not are returned apart. */
export function addressSetOf(cidrs: readonly string[]): { set: AddressSet; invalid: string[] } {
  const intervals: Interval[] = [];
  const invalid: string[] = [];
  for (const text of cidrs) {
    const c = tryParseCidr(text);
    if (c) intervals.push(intervalOf(c));
    else invalid.push(text);
  }
  return { set: normalise(intervals), invalid };
}

export function union(a: AddressSet, b: AddressSet): AddressSet {
  return normalise([...a, ...b]);
}

export function intersect(a: AddressSet, b: AddressSet): AddressSet {
  const out: [bigint, bigint][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i]![0] > b[j]![0] ? a[i]![0] : b[j]![0];
    const hi = a[i]![1] < b[j]![1] ? a[i]![1] : b[j]![1];
    if (lo <= hi) out.push([lo, hi]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

export function subtract(a: AddressSet, b: AddressSet): AddressSet {
  const out: [bigint, bigint][] = [];
  let j = 0;
  for (const [lo0, hi] of a) {
    let lo = lo0;
    while (j < b.length && b[j]![1] < lo) j++;
    let k = j;
    while (k < b.length && b[k]![0] <= hi) {
      if (b[k]![0] > lo) out.push([lo, b[k]![0] - 1n]);
      lo = b[k]![1] + 1n;
      if (lo > hi) break;
      k++;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

export function isEmpty(a: AddressSet): boolean {
  return a.length === 0;
}

/** Number of IPv4 addresses in the set (IPv6 is counted apart: its sizes are not comparable). */
export function ipv4Count(a: AddressSet): bigint {
  let n = 0n;
  for (const [lo, hi] of a) if (lo >= V4_BASE) n += hi - lo + 1n;
  return n;
}

export function ipv6Count(a: AddressSet): bigint {
  let n = 0n;
  for (const [lo, hi] of a) if (hi < V4_BASE) n += hi - lo + 1n;
  return n;
}

/** Addresses on the public internet: IPv4 outside private, shared, loopback, link-local and multicast space; IPv6 2000::/3. */
export const INTERNET_V4 = subtract(
  addressSetOf(['0.0.0.0/0']).set,
  addressSetOf([
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '224.0.0.0/3',
  ]).set,
);
export const INTERNET_V6 = addressSetOf(['2000::/3']).set;
