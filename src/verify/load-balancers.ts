/**
 * Paths through load balancers (model.ts `LoadBalancer`), for both evaluators: the set evaluator's contributions
 * (internet → backends of external front ends, zone → backends of internal ones) and the per-packet decisions the
 * tracer (trace.ts) shows as hops. A packet on such a path is written as the client sees it arrive at the backend:
 * source = the client, destination = the backend interface's address, protocol and port = the front end's. What the
 * backend's inbound filter sees differs by kind:
 * - passthrough: the client's own packet (source and port unchanged; with `toBackendPort`, its port rewritten to the
 *   backend's, as an AWS Network Load Balancer preserving the client's address does);
 * - proxy: a connection from the proxy ranges to the backend port, whatever the client: admitted when some proxy
 *   address gets through (`exists`, what a client needs for a connection to be possible) or every one does (`all`,
 *   what working intent needs, since the proxy picks its address).
 * A front-end filter (`frontFilter`: AWS load balancer security groups) must admit the client's packet first.
 * Replies do not follow the backend subnet's routes (passthrough: direct server return; proxy: back to the proxy).
 */
import { filterSets, protoPorts, triAnd, triAndSet, triUnion, type Tri, type TriSet, decidePacket } from './filters.js';
import { addresses, and, DST, EMPTY, exists, not, PORT, PROTO, SRC, unionAll, type PacketSet } from './packet-set.js';
import type { Point } from './packet-set.js';
import {
  hasPorts,
  PROTO_TCP,
  type Filter,
  type Interface,
  type LoadBalancer,
  type LoadBalancerBackend,
  type NetworkModel,
  type Ref,
} from './model.js';
import type { ReplyMode } from './evaluate.js';
import type { Cidr } from '../util/cidr.js';

/** The protocol × port classes a front end accepts. */
export function frontClasses(lb: LoadBalancer): PacketSet {
  return unionAll(lb.ports.map((ports) => protoPorts(lb.proto, ports)));
}

export function frontAccepts(lb: LoadBalancer, p: Point): boolean {
  if (p.proto < lb.proto[0] || p.proto > lb.proto[1]) return false;
  return !hasPorts(p.proto) || lb.ports.some(([a, b]) => p.port >= a && p.port <= b);
}

/** The region of a GCP interface (its scope is "project/region"). */
export const regionOf = (i: Interface): string => i.scope.split('/')[1] ?? '';

export function clientAllowed(lb: LoadBalancer, s: Interface): boolean {
  return (
    lb.reach === 'internal' &&
    (lb.clientNetworks ?? []).includes(s.network) &&
    (lb.clientRegion === undefined || regionOf(s) === lb.clientRegion)
  );
}

const proxyReady = (lb: LoadBalancer, b: LoadBalancerBackend): boolean =>
  (lb.proxySources?.length ?? 0) > 0 && b.port !== undefined;

/** What the backend's inbound filter lets through on this path (see the module comment), as client packets. */
export function backendAdmits(lb: LoadBalancer, b: LoadBalancerBackend, d: Interface, mode: ReplyMode): TriSet {
  const f = filterSets(d.inbound);
  const front = frontClasses(lb);
  let t: TriSet;
  if (!lb.proxySources && lb.toBackendPort) {
    // The client's packet, its destination port rewritten to the backend's: admitted where the filter lets the
    // backend port in, whatever the front end's port was.
    const dst = addresses(DST, d.addresses);
    const at = (s: PacketSet) =>
      and(
        exists(and(s, and(dst, protoPorts(lb.proto, b.port === undefined ? [0, 65535] : [b.port, b.port]))), [PORT]),
        front,
      );
    t = b.port === undefined ? { yes: EMPTY, maybe: at(f.maybe) } : { yes: at(f.yes), maybe: at(f.maybe) };
  } else if (!lb.proxySources) t = triAndSet(f, and(addresses(DST, d.addresses), front));
  else {
    const dst4 = addresses(
      DST,
      d.addresses.filter((c) => c.family === 4),
    );
    const tcpFront = and(front, protoPorts([PROTO_TCP, PROTO_TCP], [0, 65535]));
    if (!proxyReady(lb, b)) t = { yes: EMPTY, maybe: and(dst4, tcpFront) };
    else {
      const q = and(and(addresses(SRC, lb.proxySources), dst4), protoPorts([PROTO_TCP, PROTO_TCP], [b.port!, b.port!]));
      const dims = [SRC, PROTO, PORT];
      const one = (s: PacketSet) =>
        mode === 'exists' ? exists(and(s, q), dims) : and(not(exists(and(q, not(s)), dims)), dst4);
      t = triAndSet({ yes: one(f.yes), maybe: one(f.maybe) }, tcpFront);
    }
  }
  if (lb.frontFilter) t = triAnd(t, frontAdmits(lb.frontFilter));
  return b.sure ? t : { yes: EMPTY, maybe: t.maybe };
}

const frontCache = new WeakMap<Filter, TriSet>();

/** The client packets a front-end filter admits, whatever their destination (its rules name only the client). */
export function frontAdmits(f: Filter): TriSet {
  let t = frontCache.get(f);
  if (!t) {
    const s = filterSets(f);
    t = { yes: exists(s.yes, [DST]), maybe: exists(s.maybe, [DST]) };
    frontCache.set(f, t);
  }
  return t;
}

/**
 * A passthrough backend's inbound decision when the port it is sent to is not known: the best over every port (the
 * filter is constant between the boundaries of its rules' port ranges), and never better than "maybe".
 */
export function anyPortDecision(f: Filter, p: Point): { verdict: Tri; ref: Ref } {
  const ports = new Set<number>([0]);
  for (const r of f.rules) for (const x of [r.ports[0], r.ports[1] + 1]) if (x <= 65535) ports.add(x);
  const ds = [...ports].sort((a, b) => a - b).map((port) => decidePacket(f, { ...p, port }));
  const best = ds.find((d) => d.verdict === 'yes') ?? ds.find((d) => d.verdict === 'maybe');
  return best ? { verdict: 'maybe', ref: best.ref } : { verdict: 'no', ref: ds[0]!.ref };
}

export interface LbContribution {
  from: string;
  to: string;
  set: TriSet;
}

/** The internet to destinations that are backends of external front ends. */
export function lbFromInternet(
  model: NetworkModel,
  dests: readonly Interface[],
  mode: ReplyMode,
  internetSrc: PacketSet,
): LbContribution[] {
  const out: LbContribution[] = [];
  const byId = new Map(dests.map((d) => [d.id, d]));
  for (const lb of model.loadBalancers ?? []) {
    if (lb.reach !== 'external') continue;
    for (const b of lb.backends) {
      const d = byId.get(b.iface);
      if (d) out.push({ from: 'internet', to: d.network, set: triAndSet(backendAdmits(lb, b, d, mode), internetSrc) });
    }
  }
  return out;
}

/**
 * Sources to destinations that are backends of internal front ends the sources may reach: each source's outbound
 * filter towards the front end's address, then the backend's inbound filter.
 */
export function lbZoneToZone(
  model: NetworkModel,
  sources: readonly Interface[],
  dests: readonly Interface[],
  mode: ReplyMode,
): LbContribution[] {
  const out: LbContribution[] = [];
  const byId = new Map(dests.map((d) => [d.id, d]));
  for (const lb of model.loadBalancers ?? []) {
    if (lb.reach !== 'internal' || !lb.address) continue;
    const backends = lb.backends.flatMap((b) => (byId.has(b.iface) ? [{ b, d: byId.get(b.iface)! }] : []));
    if (backends.length === 0) continue;
    const q = and(addresses(DST, [lb.address]), frontClasses(lb));
    const byNet = new Map<string, Interface[]>();
    for (const s of sources) if (clientAllowed(lb, s)) byNet.set(s.network, [...(byNet.get(s.network) ?? []), s]);
    for (const [net, list] of byNet) {
      const own = triUnion(list.map((i) => triAndSet(filterSets(i.outbound), addresses(SRC, i.addresses))));
      const sent: TriSet = { yes: exists(and(own.yes, q), [DST]), maybe: exists(and(own.maybe, q), [DST]) };
      for (const { b, d } of backends)
        out.push({ from: net, to: d.network, set: triAnd(sent, backendAdmits(lb, b, d, mode)) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Per packet

function boundaryCandidates(f: Filter, ranges: readonly Cidr[]): bigint[] {
  const inside = (a: bigint) => ranges.some((c) => c.family === 4 && c.first <= a && a <= c.last);
  const out = new Set<bigint>(ranges.filter((c) => c.family === 4).map((c) => c.first));
  const add = (c: Cidr) => {
    for (const a of [c.first, c.last + 1n]) if (inside(a)) out.add(a);
  };
  for (const r of f.rules)
    for (const rem of r.remotes) {
      if (rem.kind === 'cidr') add(rem.cidr);
      else if (rem.kind === 'members') rem.addresses.forEach(add);
      else {
        const sp = rem.kind === 'space' ? rem.space : rem.within;
        if (sp) [...sp.include, ...sp.exclude].forEach(add);
      }
    }
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The backend's inbound decision on a proxy's connection: over every proxy address (the filter is constant between
 * the boundaries of its rules' ranges, so the boundaries inside the proxy ranges stand for all of them).
 */
export function proxyDecision(
  f: Filter,
  p: Point,
  ranges: readonly Cidr[],
  port: number,
  mode: ReplyMode,
): { verdict: Tri; ref: Ref; src: bigint } {
  const decisions = boundaryCandidates(f, ranges).map((a) => ({
    a,
    d: decidePacket(f, { fam: 0, src: Number(a), dst: p.dst, proto: PROTO_TCP, port }),
  }));
  const some = (v: Tri) => decisions.some((x) => x.d.verdict === v);
  const every = (ok: Tri[]) => decisions.every((x) => ok.includes(x.d.verdict));
  const verdict: Tri =
    mode === 'exists'
      ? some('yes')
        ? 'yes'
        : some('maybe')
          ? 'maybe'
          : 'no'
      : every(['yes'])
        ? 'yes'
        : every(['yes', 'maybe'])
          ? 'maybe'
          : 'no';
  const deciding =
    (mode === 'exists' ? decisions.find((x) => x.d.verdict === verdict) : undefined) ??
    decisions.find((x) => x.d.verdict === verdict) ??
    decisions[0]!;
  return { verdict, ref: deciding.d.ref, src: deciding.a };
}
