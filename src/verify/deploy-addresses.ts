/**
 * Addresses of interfaces whose private address the cloud picks at deploy (interfaces synthesized from
 * infrastructure as code). The interface may get any free address of its subnet's usable range (AWS and Azure both
 * reserve the first four addresses and the last one), so a single guessed address could hide a path: a rule that
 * admits only part of the subnet would pass or fail depending on the guess. Instead the usable range is cut at every
 * CIDR boundary a rule, route or zone of the inventory draws inside it; no rule can tell two addresses of one cell
 * apart, so one address per cell stands for the whole cell, and the interface gets one such address in every cell.
 * The model then answers "may it reach" for every address the deploy can give (the union over the cells), and the
 * witnesses name the address as a stand-in. Interfaces of one subnet get distinct addresses of each cell while the
 * cell has room (the tracer finds an interface by address); when it has not, they share one and the caller notes it.
 */
import ipaddr from 'ipaddr.js';
import { tryParseCidr, type Cidr } from '../util/cidr.js';
import { groupBy } from './evaluate.js';

/** Addresses at the start and end of every subnet the cloud keeps for itself (network, router, DNS, future; broadcast). */
const RESERVED_LOW = 4n;
const RESERVED_HIGH = 1n;

export interface DeployAddresses {
  /** One address (text) per cell of the subnet's usable range. */
  addresses: string[];
  /** True when a cell had fewer free addresses than interfaces, so this interface shares an address with another. */
  shared: boolean;
}

/**
 * Every CIDR-shaped string (a CIDR or a bare address) inside `values`, walked deeply: rules, routes and zones name
 * the boundaries an interface's address may cross. Walking the records, rather than listing their fields, keeps a
 * field added to them later from being missed; an extra boundary only adds a stand-in address.
 */
export function cidrsIn(values: Iterable<unknown>): Cidr[] {
  const out = new Map<string, Cidr>();
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length < 40 && /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(v) && /[.:]/.test(v)) {
        const c = tryParseCidr(v);
        if (c) out.set(c.text, c);
      }
      return;
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v instanceof Map || v instanceof Set) for (const x of v.values()) walk(x);
    else for (const x of Object.values(v)) walk(x);
  };
  for (const v of values) walk(v);
  return [...out.values()];
}

/**
 * Stand-in addresses for `count` interfaces of the IPv4 subnet `subnet`, in rank order (sort the interfaces by id
 * first, so the result is deterministic). Undefined when the subnet is not an IPv4 CIDR with a usable range.
 */
export function deployAddresses(
  subnet: Cidr,
  boundaries: readonly Cidr[],
  count: number,
  /** Addresses other interfaces of the subnet state: AWS and Azure never give them again. */
  taken: ReadonlySet<bigint> = new Set(),
): DeployAddresses[] | undefined {
  if (subnet.family !== 4) return undefined;
  const lo = subnet.first + RESERVED_LOW;
  const hi = subnet.last - RESERVED_HIGH;
  if (hi < lo) return undefined;
  const cuts = new Set<bigint>([lo]);
  for (const c of boundaries) {
    if (c.family !== 4) continue;
    if (c.first > lo && c.first <= hi) cuts.add(c.first);
    if (c.last + 1n > lo && c.last + 1n <= hi) cuts.add(c.last + 1n);
  }
  const order = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  const starts = [...cuts].sort(order);
  const cells = starts.map((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! : hi + 1n;
    const used = [...taken].filter((t) => t >= start && t < end).sort(order);
    return { start, used, free: end - start - BigInt(used.length) };
  });
  /** The r-th address of the cell that no other interface states (the cell's first when it has none free). */
  const nth = (c: (typeof cells)[number], r: bigint): bigint => {
    if (c.free === 0n) return c.start;
    let a = c.start + (r % c.free);
    for (const t of c.used) if (t <= a) a++;
    return a;
  };
  const result: DeployAddresses[] = [];
  for (let rank = 0; rank < count; rank++) {
    const r = BigInt(rank);
    result.push({
      addresses: cells.map((c) => v4Text(nth(c, r))),
      shared: cells.some((c) => r >= c.free),
    });
  }
  return result;
}

function v4Text(n: bigint): string {
  return ipaddr
    .fromByteArray([Number((n >> 24n) & 255n), Number((n >> 16n) & 255n), Number((n >> 8n) & 255n), Number(n & 255n)])
    .toString();
}

/** How a witness names an interface whose address is chosen at deploy (the witness adds its subnet). */
export function deployLabel(label: string): string {
  return `${label} [address assigned at deploy; a stand-in address of the subnet]`;
}

/** An interface waiting for stand-in addresses: its id (the rank within its subnet) and its subnet's key. */
export interface PendingInterface<T> {
  item: T;
  id: string;
  subnet: string;
}

export interface StandInPlan<T> {
  addresses: Map<T, string[]>;
  /** Interfaces of subnets whose IPv4 range is unknown or too small: they get no address. */
  unplaced: { subnet: string; items: T[] }[];
  /** Interfaces that share a stand-in address with another of their subnet. */
  shared: { subnet: string; item: T }[];
}

/**
 * Stand-in addresses for every pending interface, subnet by subnet (interfaces ranked by id, so the result is
 * deterministic), skipping the addresses other interfaces of the subnet state. The provider compilers differ only in
 * what they collect: which interfaces wait, the subnets' ranges, and the boundaries their rules draw.
 */
export function planStandIns<T>(
  pending: readonly PendingInterface<T>[],
  rangeOf: (subnet: string) => Cidr | undefined,
  boundaries: readonly Cidr[],
  taken: ReadonlyMap<string, ReadonlySet<bigint>>,
  compare: (a: string, b: string) => number = (a, b) => a.localeCompare(b),
): StandInPlan<T> {
  const plan: StandInPlan<T> = { addresses: new Map(), unplaced: [], shared: [] };
  for (const [subnet, list] of groupBy(pending, (p) => p.subnet)) {
    list.sort((a, b) => compare(a.id, b.id));
    const range = rangeOf(subnet);
    const addresses = range ? deployAddresses(range, boundaries, list.length, taken.get(subnet)) : undefined;
    if (!addresses) {
      plan.unplaced.push({ subnet, items: list.map((p) => p.item) });
      continue;
    }
    list.forEach((p, i) => {
      plan.addresses.set(p.item, addresses[i]!.addresses);
      if (addresses[i]!.shared) plan.shared.push({ subnet, item: p.item });
    });
  }
  return plan;
}
