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
 * The backend's subnet filter (Azure subnet NSG; open on GCP) sees the packet before the interface's, and an internal
 * client's subnet filter after its own. Where a front end translates ports (Azure), the packet is written with the
 * backend's port and the client's filters see `frontendPorts`; with Floating IP the backend's filters see the front
 * end's address as the destination; a `frontFilter` (Azure Application Gateway subnet NSG) sees the client's packet
 * at the front end.
 */
import { filterSets, protoPorts, triAnd, triAndSet, triUnion, type Tri, type TriSet, decidePacket } from './filters.js';
import {
  addresses,
  and,
  box,
  contains,
  DST,
  EMPTY,
  exists,
  FAM,
  FULL,
  not,
  or,
  PORT,
  PROTO,
  SRC,
  unionAll,
  V4,
  V6,
  type PacketSet,
} from './packet-set.js';
import type { Point } from './packet-set.js';
import {
  hasPorts,
  PROTO_TCP,
  PROTO_UDP,
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

const UNKNOWN: TriSet = { yes: EMPTY, maybe: FULL };

/** The filter of an interface's subnet on one side (unknown when not read). */
export function subnetFilterSets(model: NetworkModel, i: Interface, direction: 'in' | 'out'): TriSet {
  const s = model.subnets.get(i.subnet);
  const f = direction === 'in' ? s?.inbound : s?.outbound;
  return f ? filterSets(f) : UNKNOWN;
}

/**
 * What the front end's own filter lets through, without the destination (projected away): some gateway address
 * admits it (`exists`) or every one does (`all`), as for proxy sources. Undefined when the front end has none.
 */
export function frontAdmits(lb: LoadBalancer, mode: ReplyMode): TriSet | undefined {
  const own = lb.frontFilter ? filterAdmits(lb.frontFilter, mode) : undefined;
  const provider = lb.providerFilter ? filterAdmits(lb.providerFilter, mode) : undefined;
  return own && provider ? triAnd(own, provider) : (own ?? provider);
}

/** The filters the client's packet passes before the load balancer delivers it, in order. */
export function frontFilters(lb: LoadBalancer): { filter?: Filter; addresses?: Cidr[]; at: string }[] {
  return [lb.frontFilter, lb.providerFilter].filter((f) => f !== undefined);
}

function filterAdmits(ff: { filter?: Filter; addresses?: Cidr[]; at: string }, mode: ReplyMode): TriSet {
  if (!ff.filter) return UNKNOWN;
  const f = filterSets(ff.filter);
  if (!ff.addresses)
    return { yes: exists(f.yes, [DST]), maybe: or(exists(f.maybe, [DST]), ipv6ClientsAsIpv4(f.maybe)) };
  if (ff.addresses.length === 0) return UNKNOWN;
  const q = addresses(DST, ff.addresses);
  const one = (s: PacketSet) => (mode === 'exists' ? exists(and(s, q), [DST]) : not(exists(and(q, not(s)), [DST])));
  return { yes: one(f.yes), maybe: one(f.maybe) };
}

/**
 * IPv4 packets on the protocol × port classes on which a front-end filter naming only the client (AWS security
 * groups) may admit some IPv6 client. A packet here is the client's, written to the backend's address; an IPv6
 * client of an IPv4 backend (a dual-stack load balancer: the target sees the load balancer's address) has no such
 * packet, and cordon does not read whether the load balancer is dual-stack, so these classes stand for it as
 * undecided — without them a group admitting only ::/0 hid the internet's path to the targets.
 */
function ipv6ClientsAsIpv4(s: PacketSet): PacketSet {
  return and(box({ fam: V4 }), exists(and(s, box({ fam: V6 })), [FAM, DST, SRC]));
}

/** The tracer's side of ipv6ClientsAsIpv4: whether an IPv6 client may stand behind this IPv4 packet. */
export function ipv6ClientMayPass(f: Filter, p: Point): boolean {
  return p.fam === V4 && contains(ipv6ClientsAsIpv4(filterSets(f).maybe), p);
}

/** What the backend's inbound filters let through on this path (see the module comment), as client packets. */
export function backendAdmits(
  model: NetworkModel,
  lb: LoadBalancer,
  b: LoadBalancerBackend,
  d: Interface,
  mode: ReplyMode,
): TriSet {
  const f = triAnd(subnetFilterSets(model, d, 'in'), filterSets(d.inbound));
  const front = frontClasses(lb);
  const dst = addresses(DST, d.addresses);
  let t: TriSet;
  if (!lb.proxySources && lb.floatingIp) {
    // The filters see the front end's address; the packet is still the backend's to answer.
    // An address not known: what the filters say of it is not known either.
    const seen = lb.address ? and(addresses(DST, [lb.address]), front) : undefined;
    const at = (s: PacketSet) => and(exists(and(s, seen!), [DST]), dst);
    t = seen ? { yes: at(f.yes), maybe: at(f.maybe) } : { yes: EMPTY, maybe: and(front, dst) };
  } else if (!lb.proxySources && lb.toBackendPort) {
    // The client's packet, its destination port rewritten to the backend's: admitted where the filters let the
    // backend port in, whatever the front end's port was.
    const at = (s: PacketSet) =>
      and(
        exists(and(s, and(dst, protoPorts(lb.proto, b.port === undefined ? [0, 65535] : [b.port, b.port]))), [PORT]),
        front,
      );
    t = b.port === undefined ? { yes: EMPTY, maybe: at(f.maybe) } : { yes: at(f.yes), maybe: at(f.maybe) };
  } else if (!lb.proxySources) t = triAndSet(f, and(dst, front));
  else {
    const dst4 = addresses(
      DST,
      d.addresses.filter((c) => c.family === 4),
    );
    const relayed = lb.proxyUdp ? [PROTO_TCP, PROTO_UDP] : [PROTO_TCP];
    const carried = (proto: number) => and(front, protoPorts([proto, proto], [0, 65535]));
    if (!proxyReady(lb, b)) t = { yes: EMPTY, maybe: and(dst4, unionAll(relayed.map(carried))) };
    else {
      // Per protocol: the proxy connects with the client's protocol (TCP only, unless it relays UDP too).
      const sources = addresses(SRC, lb.proxySources);
      const per = relayed.map((proto) => {
        const q = and(and(sources, dst4), protoPorts([proto, proto], [b.port!, b.port!]));
        const dims = [SRC, PROTO, PORT];
        const one = (s: PacketSet) =>
          mode === 'exists' ? exists(and(s, q), dims) : and(not(exists(and(q, not(s)), dims)), dst4);
        return triAndSet({ yes: one(f.yes), maybe: one(f.maybe) }, carried(proto));
      });
      t = triUnion(per);
    }
  }
  const ff = frontAdmits(lb, mode);
  if (ff) t = triAnd(t, ff);
  return b.sure ? t : { yes: EMPTY, maybe: t.maybe };
}

/**
 * A passthrough backend's inbound decision when the port it is sent to is not known: the best over every port (the
 * filter is constant between the boundaries of its rules' port ranges), and never better than "maybe".
 */
export function anyPortDecision(filters: readonly Filter[], p: Point): { verdict: Tri; ref: Ref } {
  const ports = new Set<number>([0]);
  for (const f of filters)
    for (const r of f.rules) for (const x of [r.ports[0], r.ports[1] + 1]) if (x <= 65535) ports.add(x);
  // Per port, the filters in turn (the subnet's, then the interface's): the first that does not surely admit decides.
  const ds = [...ports]
    .sort((a, b) => a - b)
    .map((port) => {
      let last: { verdict: Tri; ref: Ref } | undefined;
      for (const f of filters) {
        last = decidePacket(f, { ...p, port });
        if (last.verdict !== 'yes') return last;
      }
      return last!;
    });
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
      if (d)
        out.push({
          from: 'internet',
          to: d.network,
          set: triAndSet(backendAdmits(model, lb, b, d, mode), internetSrc),
        });
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
    // With translated ports the client's filters see the front end's port, the backend's the backend's.
    const fp = lb.frontendPorts;
    const q = and(addresses(DST, [lb.address]), fp ? protoPorts(lb.proto, fp) : frontClasses(lb));
    const dims = fp ? [DST, PORT] : [DST];
    const byNet = new Map<string, Interface[]>();
    for (const s of sources) if (clientAllowed(lb, s)) byNet.set(s.network, [...(byNet.get(s.network) ?? []), s]);
    for (const [net, list] of byNet) {
      const own = triUnion(
        list.map((i) =>
          triAndSet(triAnd(filterSets(i.outbound), subnetFilterSets(model, i, 'out')), addresses(SRC, i.addresses)),
        ),
      );
      // A range of front-end ports (a pool's inbound NAT rule) maps each to a backend the model cannot tell: maybe.
      const sent: TriSet = {
        yes: fp && fp[0] !== fp[1] ? EMPTY : exists(and(own.yes, q), dims),
        maybe: exists(and(own.maybe, q), dims),
      };
      for (const { b, d } of backends)
        out.push({ from: net, to: d.network, set: triAnd(sent, backendAdmits(model, lb, b, d, mode)) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Per packet

function boundaryCandidates(filters: readonly Filter[], ranges: readonly Cidr[], side: 'remotes' | 'locals'): bigint[] {
  const inside = (a: bigint) => ranges.some((c) => c.family === 4 && c.first <= a && a <= c.last);
  const out = new Set<bigint>(ranges.filter((c) => c.family === 4).map((c) => c.first));
  const add = (c: Cidr) => {
    for (const a of [c.first, c.last + 1n]) if (inside(a)) out.add(a);
  };
  for (const f of filters)
    for (const r of f.rules)
      for (const rem of (side === 'remotes' ? r.remotes : r.locals) ?? []) {
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
 * Filters in turn on one packet: the first that drops it decides, else an undecided one, else every allow (the last
 * filter's, the interface's, first).
 */
function decideAll(filters: readonly Filter[], p: Point): { verdict: Tri; ref: Ref; refs: Ref[] } {
  const refs: Ref[] = [];
  let undecided: Ref | undefined;
  for (const f of filters) {
    const d = decidePacket(f, p);
    if (d.verdict === 'no') return { verdict: 'no', ref: d.ref, refs: [d.ref] };
    if (d.verdict === 'maybe') undecided ??= d.ref;
    refs.unshift(d.ref);
  }
  return undecided ? { verdict: 'maybe', ref: undecided, refs: [undecided] } : { verdict: 'yes', ref: refs[0]!, refs };
}

/**
 * A decision over every address of `ranges` on one side of the packet (the filters are constant between the
 * boundaries of their rules' ranges, so the boundaries inside the ranges stand for all of them): some address gets
 * through (`exists`) or every one does (`all`).
 */
function decideOver(
  filters: readonly Filter[],
  ranges: readonly Cidr[],
  side: 'remotes' | 'locals',
  packet: (a: bigint) => Point,
  mode: ReplyMode,
): { verdict: Tri; ref: Ref; refs: Ref[]; address: bigint } {
  const decisions = boundaryCandidates(filters, ranges, side).map((a) => ({ a, d: decideAll(filters, packet(a)) }));
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
  const deciding = decisions.find((x) => x.d.verdict === verdict) ?? decisions[0]!;
  return { verdict, ref: deciding.d.ref, refs: deciding.d.refs, address: deciding.a };
}

/**
 * The backend's inbound decision (its subnet's filter, then its own) on a proxy's connection, over every proxy
 * address.
 */
export function proxyDecision(
  filters: readonly Filter[],
  p: Point,
  ranges: readonly Cidr[],
  port: number,
  mode: ReplyMode,
  proto: number = PROTO_TCP,
): { verdict: Tri; ref: Ref; refs: Ref[]; src: bigint } {
  const d = decideOver(filters, ranges, 'remotes', (a) => ({ fam: 0, src: Number(a), dst: p.dst, proto, port }), mode);
  return { verdict: d.verdict, ref: d.ref, refs: d.refs, src: d.address };
}

/** The front end's filter (frontFilter) on the client's packet, over every address of the front end. */
export function frontDecision(
  f: Filter,
  p: Point,
  ranges: readonly Cidr[],
  mode: ReplyMode,
): { verdict: Tri; ref: Ref } {
  return decideOver([f], ranges, 'locals', (a) => ({ ...p, dst: Number(a) }), mode);
}
