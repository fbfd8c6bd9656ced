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
import {
  decidePacket,
  filterSets,
  replyDecision,
  protoPorts,
  replyRemotes,
  tri,
  triAnd,
  triAndSet,
  triOr,
  triUnion,
  TRI_FULL,
  type Tri,
  type TriSet,
} from './filters.js';
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
  ANY_EPHEMERAL,
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

/** A passthrough front end's client packets the backend's inbound filters `f` admit (see the module comment). */
function passthroughAdmits(
  lb: LoadBalancer,
  b: LoadBalancerBackend,
  f: TriSet,
  front: PacketSet,
  dst: PacketSet,
): TriSet {
  if (lb.floatingIp) {
    // The filters see the front end's address; the packet is still the backend's to answer.
    // An address not known: what the filters say of it is not known either.
    const seen = lb.address ? and(addresses(DST, [lb.address]), front) : undefined;
    const at = (s: PacketSet) => and(exists(and(s, seen!), [DST]), dst);
    return seen ? { yes: at(f.yes), maybe: at(f.maybe) } : { yes: EMPTY, maybe: and(front, dst) };
  } else if (lb.toBackendPort) {
    // The client's packet, its destination port rewritten to the backend's: admitted where the filters let the
    // backend port in, whatever the front end's port was.
    const at = (s: PacketSet) =>
      and(
        exists(and(s, and(dst, protoPorts(lb.proto, b.port === undefined ? [0, 65535] : [b.port, b.port]))), [PORT]),
        front,
      );
    return b.port === undefined ? { yes: EMPTY, maybe: at(f.maybe) } : { yes: at(f.yes), maybe: at(f.maybe) };
  }
  return triAndSet(f, and(dst, front));
}

/**
 * The TCP reply's leg out of the backend's subnet (a stateless filter: AWS network ACLs), as remotes on SRC: the
 * client (passthrough: the backend answers the client's address, AWS's NLB documentation asks the target subnet's
 * ACL to allow the clients on their ephemeral ports) or the proxy (an ALB's node, answered on the ephemeral port it
 * connected from, 1024-65535 as AWS's load balancer ACL recommendations give). Stateful filters let it through. Like
 * the inbound leg, it is asked whatever subnet the load balancer's node is in.
 */
export function backendReplies(
  model: NetworkModel,
  d: Interface,
  ports: readonly [number, number],
  mode: ReplyMode,
): TriSet {
  const out = model.subnets.get(d.subnet)?.outbound;
  if (out?.stateful) return { yes: FULL, maybe: FULL };
  return replyRemotes(out ? filterSets(out) : UNKNOWN, 'out', ports, mode, SRC);
}

const NOT_TCP = tri(not(box({ proto: [PROTO_TCP, PROTO_TCP] })));

/**
 * The TCP reply's leg into an internal client's subnet (a stateless filter: AWS network ACLs), as remotes on DST: from
 * the front end's address to the client's port, as a direct path's reply is asked. A reply from inside the subnet
 * does not cross its ACL. Without it, an ACL that let no reply in from the load balancer hid broken intent.
 */
function clientReplies(
  model: NetworkModel,
  i: Interface,
  clientPorts: readonly [number, number],
  mode: ReplyMode,
): TriSet {
  const s = model.subnets.get(i.subnet);
  if (s?.inbound?.stateful) return TRI_FULL;
  let t = replyRemotes(s?.inbound ? filterSets(s.inbound) : UNKNOWN, 'in', clientPorts, mode, DST);
  if (s && !s.filtersIntraSubnet) t = triOr(t, tri(addresses(DST, s.cidrs)));
  return triOr(t, NOT_TCP);
}

/**
 * What the backend's inbound filters let through on this path (see the module comment), as client packets, with
 * the TCP reply's leg out of its subnet (`clientPorts`: the client's ports, for a passthrough reply).
 */
export function backendAdmits(
  model: NetworkModel,
  lb: LoadBalancer,
  b: LoadBalancerBackend,
  d: Interface,
  mode: ReplyMode,
  clientPorts: readonly [number, number],
): TriSet {
  let f = triAnd(subnetFilterSets(model, d, 'in'), filterSets(d.inbound));
  const front = frontClasses(lb);
  const dst = addresses(DST, d.addresses);
  let t: TriSet;
  if (!lb.proxySources) {
    t = passthroughAdmits(lb, b, f, front, dst);
    t = triAnd(t, triOr(backendReplies(model, d, clientPorts, mode), NOT_TCP));
  } else {
    // The proxy's address must pass both ways: its connection in, the reply out to it (TCP: a UDP relay's forward
    // packet arriving is enough, as everywhere else).
    f = triAnd(f, triOr(backendReplies(model, d, ANY_EPHEMERAL, mode), NOT_TCP));
    const dst4 = addresses(
      DST,
      d.addresses.filter((c) => c.family === 4),
    );
    const relayed = lb.proxyUdp ? [PROTO_TCP, PROTO_UDP] : [PROTO_TCP];
    const carried = (proto: number) => and(front, protoPorts([proto, proto], [0, 65535]));
    if (!proxyReady(lb, b)) t = { yes: EMPTY, maybe: and(dst4, unionAll(relayed.map(carried))) };
    else {
      // Per protocol: the proxy connects with the client's protocol (TCP only, unless it relays UDP too).
      const { fixed, picked } = proxyAddressSets(lb);
      const per = relayed.map((proto) => {
        const q = (ranges: readonly Cidr[]) =>
          and(and(addresses(SRC, ranges), dst4), protoPorts([proto, proto], [b.port!, b.port!]));
        const all = q(lb.proxySources!);
        const dims = [SRC, PROTO, PORT];
        const some = (s: PacketSet, among = all) => exists(and(s, among), dims);
        const every = (s: PacketSet, among = all) => and(not(exists(and(among, not(s)), dims)), dst4);
        // An address picked at deploy: surely admitted when every candidate is, possibly when some is; a stated
        // address admitted is enough, as the service connects from each.
        const set =
          mode === 'all'
            ? { yes: every(f.yes), maybe: every(f.maybe) }
            : picked.length > 0
              ? {
                  yes: unionAll([
                    ...(fixed.length > 0 ? [some(f.yes, q(fixed))] : []),
                    ...picked.map((g) => every(f.yes, q(g))),
                  ]),
                  maybe: some(f.maybe),
                }
              : { yes: some(f.yes), maybe: some(f.maybe) };
        return triAndSet(set, carried(proto));
      });
      t = triUnion(per);
    }
  }
  const ff = frontAdmits(lb, mode);
  if (ff) t = triAnd(t, ff);
  const nodes = nodeSubnetsAdmit(model, lb, b, d, mode, clientPorts);
  if (nodes) t = triAnd(t, nodes);
  return b.sure ? t : { yes: EMPTY, maybe: t.maybe };
}

/** The proxy's addresses known before deploy, and the candidate ranges of each one picked at deploy (none empty). */
function proxyAddressSets(lb: LoadBalancer): { fixed: Cidr[]; picked: Cidr[][] } {
  const picked = (lb.proxySourcesPicked ?? []).filter((g) => g.length > 0);
  const inPicked = new Set(picked.flat());
  return { fixed: (lb.proxySources ?? []).filter((c) => !inPicked.has(c)), picked };
}

/** The port a front end's node sends a backend's packets to: the backend's (proxy, NLB), else the client's. */
const backendPortOf = (lb: LoadBalancer, b: LoadBalancerBackend): number | 'client' | undefined =>
  lb.proxySources || lb.toBackendPort ? b.port : 'client';

/**
 * What the stateless filters of the front end's node subnets (`frontSubnets`) let through, as client packets: the
 * client's packet in and, for TCP, the reply out to it; the packet out to a backend outside the subnet and, for TCP,
 * the backend's reply in (to the client's port through a passthrough front end, to the proxy's ephemeral port
 * 1024-65535). Some node subnet (`exists`) or every one (`all`: a client may be sent to any node). Undefined when the
 * front end has no subnets in the model.
 */
function nodeSubnetsAdmit(
  model: NetworkModel,
  lb: LoadBalancer,
  b: LoadBalancerBackend,
  d: Interface,
  mode: ReplyMode,
  clientPorts: readonly [number, number],
): TriSet | undefined {
  if (!lb.frontSubnets?.length) return undefined;
  const port = backendPortOf(lb, b);
  const proto = lb.proxySources ? ([PROTO_TCP, PROTO_TCP] as const) : lb.proto;
  const sets = (f: Filter | undefined): TriSet => (f ? filterSets(f) : UNKNOWN);
  const per = lb.frontSubnets.map((id): TriSet => {
    const n = model.subnets.get(id);
    const nin = sets(n?.inbound);
    const nout = sets(n?.outbound);
    // Stateful subnet filters let replies through; stateless ones (network ACLs) see them.
    const replyOut = n?.outbound?.stateful ? TRI_FULL : replyRemotes(nout, 'out', clientPorts, mode, SRC);
    let t = triAnd(nin, triOr(replyOut, NOT_TCP));
    // A client in the node's own subnet does not cross its network ACL (Azure NSGs would: filtersIntraSubnet).
    if (n && !n.filtersIntraSubnet) t = triOr(t, tri(addresses(SRC, n.cidrs)));
    if (d.subnet === id) return t;
    // To the backend (the destination address) on the backend's port; a proxy's own connection is TCP.
    const dims = lb.proxySources ? [PORT, PROTO] : [PORT];
    const at = (x: PacketSet) =>
      exists(and(x, protoPorts(proto, typeof port === 'number' ? [port, port] : [0, 65535])), dims);
    t = triAnd(t, port === 'client' ? nout : { yes: port === undefined ? EMPTY : at(nout.yes), maybe: at(nout.maybe) });
    if (n?.inbound?.stateful) return t;
    const replies = replyRemotes(nin, 'in', lb.proxySources ? ANY_EPHEMERAL : clientPorts, mode, DST);
    return triAnd(t, lb.proxySources ? replies : triOr(replies, NOT_TCP));
  });
  return mode === 'exists' ? triUnion(per) : per.reduce(triAnd);
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
  /**
   * Each load balancer's share of `set` (by `LoadBalancer.id`): the paths of several load balancers to one target
   * are admitted by different rules, and a finding names the rule of one path (questions.ts splits by it).
   */
  byLoadBalancer: readonly { id: string; set: TriSet }[];
}

/** The internet to destinations that are backends of external front ends. */
export function lbFromInternet(
  model: NetworkModel,
  dests: readonly Interface[],
  mode: ReplyMode,
  internetSrc: PacketSet,
  clientPorts: readonly [number, number],
): LbContribution[] {
  const byId = new Map(dests.map((d) => [d.id, d]));
  const merged = new Merged();
  for (const lb of model.loadBalancers ?? []) {
    if (lb.reach !== 'external') continue;
    for (const b of lb.backends) {
      const d = byId.get(b.iface);
      if (d)
        merged.add(
          'internet',
          d.network,
          lb,
          triAndSet(backendAdmits(model, lb, b, d, mode, clientPorts), internetSrc),
        );
    }
  }
  return merged.contributions();
}

/**
 * Contributions through load balancers, one per (source network, destination network): each backend's packets are
 * addressed to its own interface, so their union is exact, and a packet some load balancer surely delivers is surely
 * permitted. One per load balancer and backend made the questions' work (a witness each) grow with load balancers ×
 * interfaces: a scope whose listeners were not read has every interface of a VPC behind every load balancer of it.
 */
class Merged {
  private readonly parts = new Map<string, { from: string; to: string; byLb: Map<LoadBalancer, TriSet[]> }>();

  add(from: string, to: string, lb: LoadBalancer, set: TriSet): void {
    if (set.maybe === EMPTY) return;
    const k = `${from}\n${to}`;
    let e = this.parts.get(k);
    if (!e) this.parts.set(k, (e = { from, to, byLb: new Map() }));
    const l = e.byLb.get(lb);
    if (l) l.push(set);
    else e.byLb.set(lb, [set]);
  }

  contributions(): LbContribution[] {
    return [...this.parts.values()].map((e) => {
      const byLoadBalancer = [...e.byLb].map(([lb, sets]) => ({ id: lb.id, set: triUnion(sets) }));
      return { from: e.from, to: e.to, set: triUnion(byLoadBalancer.map((x) => x.set)), byLoadBalancer };
    });
  }
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
  clientPorts: readonly [number, number],
): LbContribution[] {
  const merged = new Merged();
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
          triAndSet(
            triAnd(
              triAnd(filterSets(i.outbound), subnetFilterSets(model, i, 'out')),
              clientReplies(model, i, clientPorts, mode),
            ),
            addresses(SRC, i.addresses),
          ),
        ),
      );
      // A range of front-end ports (a pool's inbound NAT rule) maps each to a backend the model cannot tell: maybe.
      const sent: TriSet = {
        yes: fp && fp[0] !== fp[1] ? EMPTY : exists(and(own.yes, q), dims),
        maybe: exists(and(own.maybe, q), dims),
      };
      for (const { b, d } of backends)
        merged.add(net, d.network, lb, triAnd(sent, backendAdmits(model, lb, b, d, mode, clientPorts)));
    }
  }
  return merged.contributions();
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
 * through (`exists`) or every one does (`all`). `reply`, when given, also decides each address's TCP reply through a
 * stateless filter (undefined: not read), on the given ports.
 */
function decideOver(
  filters: readonly Filter[],
  ranges: readonly Cidr[],
  side: 'remotes' | 'locals',
  packet: (a: bigint) => Point,
  mode: ReplyMode,
  reply?: { filter: Filter | undefined; ports: readonly [number, number] },
  /** One of `ranges` is picked at deploy (LoadBalancer.proxySourcesPicked). */
  picked = false,
): { verdict: Tri; ref: Ref; refs: Ref[]; address: bigint; onReply?: string } {
  const seen = reply?.filter ? [...filters, reply.filter] : filters;
  const decide = (a: bigint): { verdict: Tri; ref: Ref; refs: Ref[]; onReply?: string } => {
    const d = decideAll(filters, packet(a));
    if (!reply || d.verdict === 'no' || reply.filter?.stateful) return d;
    if (!reply.filter)
      return { verdict: 'maybe', ref: d.ref, refs: d.refs, onReply: 'reply: filter not in the inventory' };
    const r = replyDecision(reply.filter, packet(a), reply.ports, mode);
    if (r.verdict === 'yes') return d;
    return { verdict: r.verdict, ref: r.ref, refs: [r.ref], onReply: `reply to port ${r.port}` };
  };
  const decisions = boundaryCandidates(seen, ranges, side).map((a) => ({ a, d: decide(a) }));
  const some = (v: Tri) => decisions.some((x) => x.d.verdict === v);
  const every = (ok: Tri[]) => decisions.every((x) => ok.includes(x.d.verdict));
  const verdict: Tri =
    mode === 'all'
      ? every(['yes'])
        ? 'yes'
        : every(['yes', 'maybe'])
          ? 'maybe'
          : 'no'
      : picked
        ? every(['yes'])
          ? 'yes'
          : some('yes') || some('maybe')
            ? 'maybe'
            : 'no'
        : some('yes')
          ? 'yes'
          : some('maybe')
            ? 'maybe'
            : 'no';
  const deciding = decisions.find((x) => x.d.verdict === verdict) ?? decisions[0]!;
  const onReply = deciding.d.onReply;
  return { verdict, ref: deciding.d.ref, refs: deciding.d.refs, address: deciding.a, ...(onReply ? { onReply } : {}) };
}

/**
 * The backend's inbound decision (its subnet's filter, then its own) on a proxy's connection, over every proxy
 * address, with the reply out of the backend's subnet (`replyOut`, stateless: to the proxy's ephemeral port).
 */
export function proxyDecision(
  filters: readonly Filter[],
  p: Point,
  ranges: readonly Cidr[],
  port: number,
  mode: ReplyMode,
  replyOut: Filter | undefined,
  proto: number = PROTO_TCP,
  /** LoadBalancer.proxySourcesPicked. */
  picked?: readonly (readonly Cidr[])[],
): { verdict: Tri; ref: Ref; refs: Ref[]; src: bigint; onReply?: string } {
  const over = (among: readonly Cidr[], one: boolean) =>
    decideOver(
      filters,
      among,
      'remotes',
      (a) => ({ fam: 0, src: Number(a), dst: p.dst, proto, port }),
      mode,
      // A UDP proxy's answer is no TCP reply through a stateless filter: only TCP asks the reply leg.
      proto === PROTO_TCP ? { filter: replyOut, ports: ANY_EPHEMERAL } : undefined,
      one,
    );
  const groups = (picked ?? []).filter((g) => g.length > 0);
  let d: ReturnType<typeof over>;
  if (mode === 'all' || groups.length === 0) d = over(ranges, false);
  else {
    // The service connects from each address: a stated one, or one picked from a group (decided as one pick).
    const inGroup = new Set(groups.flat());
    const fixed = ranges.filter((c) => !inGroup.has(c));
    const ds = [...(fixed.length > 0 ? [over(fixed, false)] : []), ...groups.map((g) => over(g, true))];
    d = ds.find((x) => x.verdict === 'yes') ?? ds.find((x) => x.verdict === 'maybe') ?? ds[0]!;
  }
  return { verdict: d.verdict, ref: d.ref, refs: d.refs, src: d.address, ...(d.onReply ? { onReply: d.onReply } : {}) };
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
