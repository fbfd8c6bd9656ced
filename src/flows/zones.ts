/**
 * Address → zone for the hot path. Zone CIDRs from cordon.yaml (plus subnets, VPCs and endpoint interfaces from an
 * inventory) are compiled once into disjoint sorted IPv4 intervals where the longest prefix wins, with a directory on
 * the top 16 bits, so a lookup is an array index and a short binary search. IPv6 (rare in flow logs) uses a
 * longest-prefix scan over bigint ranges with a bounded cache.
 */
import type { AwsInventory } from '../inventory/aws.js';
import { buildAwsZoneIndex } from '../analysis/aws-zones.js';
import type { ZonePolicy } from '../policy/load.js';
import { parseCidr, tryParseCidr, type Cidr } from '../util/cidr.js';
import { DST_V6, SRC_V6, type FlowBatch } from './record.js';
import type { FlowSettings } from './settings.js';
import { ipv6ToBigint } from './ip.js';

interface Entry {
  cidr: Cidr;
  value: number;
  /** Lower wins between identical CIDRs: earlier sources take precedence. */
  order: number;
}

/** Longest-prefix-match table from CIDRs to small integers. */
export class PrefixTable {
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly values: Int32Array;
  private readonly dir: Int32Array;
  /** Per /16: the value when the whole block has one (>= 0), else -1 - index of its per-/24 table in `sub`. */
  private readonly block: Int32Array;
  /** Per /24 of mixed /16 blocks: the value when the whole /24 has one, else -1 (binary search). */
  private readonly sub: Int32Array;
  private readonly v6: { first: bigint; last: bigint; prefix: number; value: number }[];
  private readonly v6Cache = new Map<string, number>();

  constructor(
    entries: Entry[],
    readonly fallback: number,
  ) {
    // Negative numbers mark sub-tables in the directory below: values must not be negative.
    if (fallback < 0 || entries.some((e) => e.value < 0)) throw new Error('prefix table values must be >= 0');
    const v4 = entries.filter((e) => e.cidr.family === 4);
    // Identical CIDRs: keep the first by precedence.
    const seen = new Map<string, Entry>();
    for (const e of [...v4].sort((a, b) => a.order - b.order)) if (!seen.has(e.cidr.text)) seen.set(e.cidr.text, e);
    const sorted = [...seen.values()]
      .map((e) => ({ first: Number(e.cidr.first), last: Number(e.cidr.last), value: e.value }))
      .sort((a, b) => a.first - b.first || b.last - a.last);
    // CIDRs are nested or disjoint, so a stack walk yields the disjoint intervals where the innermost CIDR wins.
    const out: { s: number; e: number; v: number }[] = [];
    const emit = (s: number, e: number, v: number) => {
      if (s > e) return;
      const prev = out[out.length - 1];
      if (prev && prev.v === v && prev.e + 1 === s) prev.e = e;
      else out.push({ s, e, v });
    };
    const stack: { first: number; last: number; value: number }[] = [];
    let cursor = 0;
    for (const c of sorted) {
      while (stack.length > 0 && stack[stack.length - 1]!.last < c.first) {
        const top = stack.pop()!;
        emit(cursor, top.last, top.value);
        cursor = top.last + 1;
      }
      const top = stack[stack.length - 1];
      if (top) emit(cursor, c.first - 1, top.value);
      cursor = c.first;
      stack.push(c);
    }
    while (stack.length > 0) {
      const top = stack.pop()!;
      emit(cursor, top.last, top.value);
      cursor = top.last + 1;
    }
    this.starts = Uint32Array.from(out.map((o) => o.s));
    this.ends = Uint32Array.from(out.map((o) => o.e));
    this.values = Int32Array.from(out.map((o) => o.v));
    // dir[h] = first interval whose end reaches block h (top 16 bits); the search for h stays within [dir[h], dir[h+1]].
    this.dir = new Int32Array(65537);
    let j = 0;
    for (let h = 0; h < 65536; h++) {
      const blockStart = h * 65536;
      while (j < out.length && this.ends[j]! < blockStart) j++;
      this.dir[h] = j;
    }
    this.dir[65536] = out.length;
    // Most addresses sit in a /16 or /24 that one interval covers (or none does): two array reads instead of a search.
    this.block = new Int32Array(65536);
    const subs: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const lo = h * 65536;
      const v = this.uniform(lo, lo + 65535);
      if (v !== undefined) {
        this.block[h] = v;
        continue;
      }
      this.block[h] = -1 - subs.length / 256;
      for (let k = 0; k < 256; k++) subs.push(this.uniform(lo + k * 256, lo + k * 256 + 255) ?? -1);
    }
    this.sub = Int32Array.from(subs);
    this.v6 = entries
      .filter((e) => e.cidr.family === 6)
      .sort((a, b) => b.cidr.prefix - a.cidr.prefix || a.order - b.order)
      .map((e) => ({ first: e.cidr.first, last: e.cidr.last, prefix: e.cidr.prefix, value: e.value }));
  }

  /** The disjoint IPv4 intervals (for SQL engines that join on them). */
  intervals(): { start: number; end: number; value: number }[] {
    return Array.from(this.starts, (s, i) => ({ start: s, end: this.ends[i]!, value: this.values[i]! }));
  }

  get intervalCount(): number {
    return this.starts.length;
  }

  /** The one value of every address in [lo, hi], or undefined when they differ. */
  private uniform(lo: number, hi: number): number | undefined {
    let a = this.dir[lo >>> 16]!;
    const n = this.starts.length;
    while (a < n && this.ends[a]! < lo) a++;
    if (a >= n || this.starts[a]! > hi) return this.fallback;
    return this.starts[a]! <= lo && this.ends[a]! >= hi ? this.values[a]! : undefined;
  }

  lookup4(ip: number): number {
    const b = this.block[ip >>> 16]!;
    if (b >= 0) return b;
    const v = this.sub[(-1 - b) * 256 + ((ip >>> 8) & 255)]!;
    if (v >= 0) return v;
    return this.search4(ip);
  }

  private search4(ip: number): number {
    const h = ip >>> 16;
    let lo = this.dir[h]!;
    let hi = Math.min(this.dir[h + 1]! + 1, this.starts.length) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! < ip) lo = mid + 1;
      else if (this.starts[mid]! > ip) hi = mid - 1;
      else return this.values[mid]!;
    }
    return this.fallback;
  }

  lookup6(text: string): number {
    const cached = this.v6Cache.get(text);
    if (cached !== undefined) return cached;
    let value = this.fallback;
    if (this.v6.length > 0) {
      const n = ipv6ToBigint(text);
      for (const e of this.v6) {
        if (e.first <= n && n <= e.last) {
          value = e.value;
          break;
        }
      }
    }
    // Bounded: IPv6 clients of a public service can be numerous.
    if (this.v6Cache.size >= 65536) this.v6Cache.clear();
    this.v6Cache.set(text, value);
    return value;
  }

  static ofCidrs(cidrs: readonly string[], value = 1, fallback = 0): PrefixTable {
    return new PrefixTable(
      cidrs.map((c, order) => ({ cidr: parseCidr(c), value, order })),
      fallback,
    );
  }
}

export type ZoneKind = 'network' | 'internet' | 'service' | 'private';

export interface ZoneSource {
  cidr: string;
  zone: string;
  via: string;
}

export interface ZoneMap {
  /** Zone names by id. The last ids are the internet zone (if the policy has none, "internet") and "(private, no zone)". */
  names: string[];
  kinds: ZoneKind[];
  internet: number;
  unzoned: number;
  /** Public AWS service addresses reached through a gateway endpoint (S3, DynamoDB): not the internet. */
  gateway: number;
  zoneId(name: string): number | undefined;
  table: PrefixTable;
  /** Where every CIDR came from, for `--explain` style output and tests. */
  sources: ZoneSource[];
  classify(batch: FlowBatch): void;
}

export const UNZONED_NAME = '(private, no zone)';
export const GATEWAY_NAME = '(AWS service via gateway endpoint)';

/**
 * Builds the map. Precedence between identical CIDRs: cordon.yaml zones, then inventory subnets, ENIs and VPCs, then
 * private_cidrs; between nested CIDRs the longest prefix wins (an ENI /32 beats its subnet, a subnet its VPC).
 */
export function buildZoneMap(policy: ZonePolicy, settings: FlowSettings, inventory?: AwsInventory): ZoneMap {
  const names: string[] = [];
  const kinds: ZoneKind[] = [];
  const ids = new Map<string, number>();
  let internetName: string | undefined;
  for (const z of policy.zones.values()) {
    if (z.kind === 'internet') {
      internetName = z.name;
      continue;
    }
    ids.set(z.name, names.length);
    names.push(z.name);
    kinds.push(z.kind);
  }
  const internet = names.length;
  names.push(internetName ?? 'internet');
  kinds.push('internet');
  ids.set(names[internet]!, internet);
  const unzoned = names.length;
  names.push(UNZONED_NAME);
  kinds.push('private');
  const gateway = names.length;
  names.push(GATEWAY_NAME);
  kinds.push('private');
  if (names.length > 250) throw new Error(`too many zones for the flow monitor (${names.length}, at most 250)`);

  const entries: Entry[] = [];
  const sources: ZoneSource[] = [];
  let order = 0;
  const add = (cidrText: string, zone: number, via: string) => {
    const cidr = tryParseCidr(cidrText);
    if (!cidr) return;
    entries.push({ cidr, value: zone, order: order++ });
    sources.push({ cidr: cidr.text, zone: names[zone]!, via });
  };
  for (const z of policy.zones.values()) {
    const id = ids.get(z.name);
    if (id === undefined || z.kind === 'internet') continue;
    for (const c of z.cidrs) add(c, id, 'cordon.yaml');
  }
  if (inventory) {
    const index = buildAwsZoneIndex(inventory, policy);
    for (const s of inventory.subnets) {
      const m = index.zoneOfSubnet(s.id);
      if (!m) continue;
      const id = ids.get(m.zone)!;
      if (s.cidr) add(s.cidr, id, `subnet ${s.id} (${m.via})`);
      for (const c of s.ipv6Cidrs) add(c, id, `subnet ${s.id} (${m.via})`);
    }
    // Interface endpoints of approved AI services: their ENI addresses are the service zone.
    const serviceZones = [...policy.zones.values()].filter((z) => z.kind === 'service');
    const enis = new Map(inventory.networkInterfaces.map((n) => [n.id, n]));
    for (const e of inventory.vpcEndpoints) {
      const zone = serviceZones.find((z) => (z.services?.aws ?? []).includes(e.service));
      if (!zone) continue;
      for (const eniId of e.networkInterfaceIds) {
        for (const ip of enis.get(eniId)?.privateIps ?? [])
          add(ip, ids.get(zone.name)!, `endpoint ${e.id} (${e.service}) interface ${eniId}`);
      }
    }
    const tagKey = policy.document.zone_tag_key;
    const networkZones = [...policy.zones.values()].filter((z) => z.kind === 'network');
    for (const v of inventory.vpcs) {
      const zone =
        networkZones.find((z) => z.vpc_ids.includes(v.id)) ??
        networkZones.find(
          (z) => Object.keys(z.tags).length > 0 && Object.entries(z.tags).every(([k, val]) => v.tags[k] === val),
        ) ??
        networkZones.find((z) => v.tags[tagKey] === z.name);
      // A VPC of no zone is still private address space (VPCs can use non-RFC 1918 ranges).
      const id = zone ? ids.get(zone.name)! : unzoned;
      for (const c of [...v.cidrs, ...v.ipv6Cidrs]) add(c, id, `vpc ${v.id}${zone ? '' : ' (no zone)'}`);
    }
  }
  for (const c of settings.private_cidrs) add(c, unzoned, 'flows.private_cidrs');

  const table = new PrefixTable(entries, internet);
  return {
    names,
    kinds,
    internet,
    unzoned,
    gateway,
    zoneId: (name) => ids.get(name),
    table,
    sources,
    classify(batch: FlowBatch): void {
      const { n, family, src, dst, srcZone, dstZone } = batch;
      for (let i = 0; i < n; i++) {
        const f = family[i]!;
        srcZone[i] = f & SRC_V6 ? table.lookup6(batch.srcV6[i]!) : table.lookup4(src[i]!);
        dstZone[i] = f & DST_V6 ? table.lookup6(batch.dstV6[i]!) : table.lookup4(dst[i]!);
      }
    },
  };
}
