/**
 * The per-packet evaluator: follows one concrete packet hop by hop through the model and names the rule or route
 * that admitted or dropped it at each hop. It reads the raw rules (never the compiled sets), so it doubles as the
 * naive reference the property test checks the set evaluator against, and it produces the witness paths findings
 * show. Semantics are those described in evaluate.ts.
 */
import { alsoAdmittedBy, decidePacket, replyDecision, type Tri } from './filters.js';
import { cidrBounds, familyOf, V4, type Point } from './packet-set.js';
import {
  ANY_EPHEMERAL,
  NAT_PORTS,
  PROTO_TCP,
  PROTO_UDP,
  hasPorts,
  type Filter,
  type Interface,
  type LoadBalancer,
  type LoadBalancerBackend,
  type NetworkModel,
  type Ref,
  type Route,
  type Subnet,
} from './model.js';
import { forwardsOnward, lookupRoute, targetKey, unknownRoute, unknownRouteReason } from './routes.js';
import { egress, type ReplyMode } from './evaluate.js';
import { tgwEntry, tgwExit } from './tgw.js';
import {
  anyPortDecision,
  clientAllowed,
  frontAccepts,
  frontDecision,
  frontFilters,
  ipv6ClientMayPass,
  proxyDecision,
} from './load-balancers.js';
import { CidrIndex, type Cidr } from '../util/cidr.js';

export interface Hop {
  /** The component: an interface, subnet filter, route table, gateway. */
  at: string;
  verdict: Tri;
  /** What happened, in words: "allowed by", "dropped by", "routed to". */
  what: string;
  ref?: Ref;
  /**
   * The packet this hop decided, where it is not the zones' on the finding's classes (a load balancer's legs): its far
   * end's ranges (a proxy's addresses) and its ports (a target's port, a proxy's ephemeral ports), for the fix.
   */
  ranges?: string[];
  ports?: [number, number];
  /** The hop whose rule a finding about this path is located at, when not the last one (LoadBalancer.locateAtFront). */
  locate?: true;
}

export interface Trace {
  verdict: Tri;
  hops: Hop[];
  /** The destination reached: an interface id, "internet", or nothing. */
  destination?: string;
}

/**
 * Where a traced packet starts. From the internet, `network` names the network the packet is addressed into: two
 * networks may use the same private addresses (AWS allows overlapping VPCs), and the witness must follow the one
 * the finding is about.
 */
export type TraceSource =
  | { kind: 'interface'; iface: Interface }
  | { kind: 'internet'; network?: string }
  /** From a zone of private addresses outside every network (on-premises): evaluate.ts `fromOutside`. */
  | { kind: 'outside'; zone: string; network?: string };

/** A policy zone of private addresses outside every network of the model (questions.ts `outsideZones`). */
export interface OutsideZone {
  name: string;
  cidrs: readonly Cidr[];
  /**
   * Addresses of `cidrs` that are not the zone's: the networks of the model inside it (the corporate 10.0.0.0/8
   * holding the VPCs) and policy zones nested in it (the most specific range wins).
   */
  exclude?: readonly Cidr[];
  /**
   * The zone's ranges when some of them are public (an office's egress addresses): those addresses, outside `cidrs`
   * and `exclude`, are reached over the internet like it (isInternet).
   */
  public?: readonly Cidr[];
}

function inCidrs(cidrs: readonly Cidr[], fam: number, a: number | bigint): boolean {
  return cidrs.some((c) => {
    if (familyOf(c) !== fam) return false;
    const b = cidrBounds(c);
    const lo = b[0];
    const hi = b[1];
    return lo <= a && a < hi;
  });
}

function inOutsideZone(z: OutsideZone, fam: number, a: number | bigint): boolean {
  return inCidrs(z.cidrs, fam, a) && !inCidrs(z.exclude ?? [], fam, a);
}

export class Tracer {
  private readonly byNetAddr = new Map<string, Interface>();

  constructor(
    readonly model: NetworkModel,
    readonly clientPorts: readonly [number, number],
    /** Zones outside every network: packets to them leave through next hops cordon does not follow. */
    readonly outside: readonly OutsideZone[] = [],
  ) {
    for (const i of model.interfaces)
      for (const a of i.addresses) {
        if (a.first !== a.last) {
          // A delegated prefix: looked up by containment (few of them), not by its first address.
          this.prefixes.add(a, i);
          continue;
        }
        this.byNetAddr.set(`${i.network}|${a.family}|${a.first}`, i);
        const k = `${a.family}|${a.first}`;
        const l = this.byAddr.get(k);
        if (l) l.push(i);
        else this.byAddr.set(k, [i]);
      }
  }
  private readonly byAddr = new Map<string, Interface[]>();
  private readonly prefixes = new CidrIndex<Interface>();

  /** The interfaces holding an address: by its own address, or a prefix delegated to them. */
  private interfacesAt(p: Point, side: 'src' | 'dst'): Interface[] {
    const a = side === 'src' ? p.src : p.dst;
    const own = this.byAddr.get(`${p.fam === V4 ? 4 : 6}|${BigInt(a)}`) ?? [];
    if (this.prefixes.size === 0) return own;
    const delegated = this.prefixes.at(p.fam === V4 ? 4 : 6, BigInt(a));
    return delegated.length ? [...own, ...delegated] : own;
  }

  interfaceAt(network: string, p: Point, side: 'src' | 'dst'): Interface | undefined {
    const a = side === 'src' ? p.src : p.dst;
    const own = this.byNetAddr.get(`${network}|${p.fam === V4 ? 4 : 6}|${BigInt(a)}`);
    if (own || this.prefixes.size === 0) return own;
    return this.interfacesAt(p, side).find((i) => i.network === network);
  }

  /** The outside zone holding the packet's address on that side, if any. */
  outsideZone(p: Point, side: 'src' | 'dst'): OutsideZone | undefined {
    const a = side === 'src' ? p.src : p.dst;
    return this.outside.find((z) => inOutsideZone(z, p.fam, a));
  }

  /** An internet address, or a public address of an outside zone (reached the same way). */
  isInternet(p: Point, side: 'src' | 'dst'): boolean {
    const a = side === 'src' ? p.src : p.dst;
    if (!inCidrs(this.model.internet.include, p.fam, a)) return false;
    if (!inCidrs(this.model.internet.exclude, p.fam, a)) return true;
    return this.outside.some(
      (z) =>
        z.public && inCidrs(z.public, p.fam, a) && !inCidrs(z.cidrs, p.fam, a) && !inCidrs(z.exclude ?? [], p.fam, a),
    );
  }

  /**
   * The packet's best path: the direct one or through a load balancer (load-balancers.ts) that delivers to its
   * destination; a load-balancer path is shown when it does as well as the direct one (it is the path built for it).
   */
  trace(source: TraceSource, p: Point, mode: ReplyMode): Trace {
    const direct = this.traceDirect(source, p, mode);
    if (!this.model.loadBalancers?.length || direct.verdict === 'yes') return direct;
    const rank = (t: Trace) => (t.verdict === 'yes' ? 2 : t.verdict === 'maybe' ? 1 : 0);
    let best = direct;
    for (const t of this.viaLoadBalancers(source, p, mode))
      if (rank(t) > rank(best) || (rank(t) === rank(best) && best === direct)) best = t;
    return best;
  }

  /** Load-balancer backends by their interface's id, in the model's order: built on first use. */
  private backendsAt?: Map<string, { lb: LoadBalancer; b: LoadBalancerBackend; d: Interface }[]>;

  private viaLoadBalancers(source: TraceSource, p: Point, mode: ReplyMode): Trace[] {
    if (!this.backendsAt) {
      const byId = new Map(this.model.interfaces.map((i) => [i.id, i]));
      this.backendsAt = new Map();
      for (const lb of this.model.loadBalancers ?? [])
        for (const b of lb.backends) {
          const d = byId.get(b.iface);
          if (!d) continue;
          const l = this.backendsAt.get(d.id);
          if (l) l.push({ lb, b, d });
          else this.backendsAt.set(d.id, [{ lb, b, d }]);
        }
    }
    const out: Trace[] = [];
    // From outside the model, front ends are not followed (evaluate.ts fromOutside has no load-balancer paths).
    if (source.kind === 'outside') return out;
    for (const { lb, b, d } of this.interfacesAt(p, 'dst').flatMap((i) => this.backendsAt!.get(i.id) ?? [])) {
      if (!frontAccepts(lb, p) || (source.kind === 'internet') !== (lb.reach === 'external')) continue;
      if (source.kind === 'interface' && !lb.address) continue;
      const front = `${lb.reach} front end ${lb.address?.text ?? ''} of ${lb.ref.label}`.replace(/\s+/g, ' ');
      const t = new Walk(p);
      if (source.kind === 'internet') {
        if (!this.isInternet(p, 'src')) t.drop('internet', 'the source is not an internet address');
      } else {
        const s = source.iface;
        const a = lb.address!;
        if (!clientAllowed(lb, s))
          t.drop(
            lb.id,
            `${front} is reachable only from ${(lb.clientNetworks ?? []).join(', ')}${lb.clientRegion ? ` in ${lb.clientRegion}` : ''}`,
            lb.ref,
          );
        else if ((a.family === 4 ? V4 : 1) !== p.fam) t.drop(lb.id, `${front} has no address of this family`, lb.ref);
        else this.clientToFront(t, s, lb, { ...p, dst: a.family === 4 ? Number(a.first) : a.first }, mode);
      }
      const before = t.hops.length;
      t.hop(lb.id, 'yes', `to the ${front}`, lb.ref);
      const frontHop = t.hops.length > before ? t.hops.at(-1) : undefined;
      for (const ff of frontFilters(lb)) {
        // Rules naming only the client (AWS security groups) decide the packet as it is.
        if (ff.filter && !ff.addresses) {
          if (decidePacket(ff.filter, p).verdict !== 'yes' && ipv6ClientMayPass(ff.filter, p))
            t.hop(
              ff.at,
              'maybe',
              'inbound: an IPv6 client may be admitted on this port, which an IPv4 target cannot tell from this packet (whether the load balancer is dual-stack is not read)',
            );
          else t.filter(ff.at, ff.filter, p, 'in');
        } else if (!ff.filter || !ff.addresses || ff.addresses.length === 0)
          t.hop(ff.at, 'maybe', 'the front end’s filter is not in the inventory');
        else {
          const fd = frontDecision(ff.filter, p, ff.addresses, mode);
          const what = fd.verdict === 'no' ? 'dropped by' : fd.verdict === 'yes' ? 'allowed by' : 'undecided by';
          t.hop(ff.at, fd.verdict, `inbound at the front end ${what} ${fd.ref.label}`, fd.ref);
          if (lb.locateAtFront && ff === lb.frontFilter && fd.verdict !== 'no') t.hops.at(-1)!.locate = true;
        }
      }
      // Without a front filter to name (a PSC endpoint, a private endpoint in a subnet without an NSG), the endpoint.
      if (lb.locateAtFront && !lb.frontFilter && frontHop && !t.stopped) frontHop.locate = true;
      if (lb.frontSubnets?.length) this.nodeLegs(t, lb, b, d, p, mode);
      t.hop(d.id, b.sure ? 'yes' : 'maybe', b.via.label, b.via);
      const dsub = this.model.subnets.get(d.subnet);
      if (!lb.proxySources) {
        // With Floating IP the backend's filters see the front end's address as the destination.
        const fa = lb.floatingIp ? lb.address : undefined;
        if (lb.floatingIp && !fa)
          t.hop(d.id, 'maybe', 'Floating IP: the front end’s address, which its NSGs see, is not known');
        else if (fa && (fa.family === 4 ? V4 : 1) !== p.fam)
          t.drop(d.id, 'Floating IP: the front end has no address of this family');
        else {
          let seen = fa ? { ...p, dst: fa.family === 4 ? Number(fa.first) : fa.first } : p;
          // An open filter (no NSG; GCP subnets) decides nothing: the last hop shown is the rule that admitted it.
          const subnetOpen = openFilter(dsub?.inbound);
          const toPort = lb.toBackendPort && hasPorts(p.proto);
          if (toPort && b.port !== undefined) seen = { ...seen, port: b.port };
          if (toPort && b.port === undefined) {
            const filters = [dsub?.inbound, d.inbound].filter((f): f is Filter => !!f && !openFilter(f));
            const pd = anyPortDecision(filters.length ? filters : [d.inbound], seen);
            if (dsub && !dsub.inbound) t.hop(dsub.id, 'maybe', 'inbound filter not in the inventory');
            t.hop(
              d.id,
              pd.verdict,
              `the port the load balancer forwards to is not known: ${pd.verdict === 'no' ? 'no port is admitted, dropped by' : 'some port may be admitted by'} ${pd.ref.label}`,
              pd.ref,
            );
          } else {
            if (!subnetOpen) t.filter(dsub?.id ?? d.subnet, dsub?.inbound, seen, 'in');
            if (!openFilter(d.inbound) || subnetOpen) t.filter(d.id, d.inbound, seen, 'in');
          }
          // The backend answers the client's address: the reply leaves its subnet (load-balancers.ts backendReplies).
          if (p.proto === PROTO_TCP) t.replyLeg(dsub?.id ?? d.subnet, dsub?.outbound, p, this.range(mode), mode, 'out');
        }
      } else if (p.fam !== V4 || (p.proto !== PROTO_TCP && !(lb.proxyUdp && p.proto === PROTO_UDP)))
        t.drop(d.id, `the proxy connects to its backends over IPv4 TCP${lb.proxyUdp ? ' or UDP' : ''}`);
      else if (b.port === undefined || lb.proxySources.length === 0)
        t.hop(
          d.id,
          'maybe',
          b.port === undefined
            ? 'the port the proxy connects to is not known'
            : 'the proxy-only subnet the proxy connects from is not in the inventory',
        );
      else {
        // An open filter (no NSG; GCP subnets) decides nothing: the other names the rule.
        const filters = [dsub?.inbound, d.inbound].filter((f): f is Filter => !!f && !openFilter(f));
        if (filters.length === 0) filters.push(d.inbound);
        const pd = proxyDecision(
          filters,
          p,
          lb.proxySources,
          b.port,
          mode,
          dsub?.outbound,
          p.proto,
          lb.proxySourcesPicked,
        );
        if (dsub && !dsub.inbound) t.hop(dsub.id, 'maybe', 'inbound filter not in the inventory');
        const ranges = lb.proxySources.map((c) => c.text).join(', ');
        t.hop(
          d.id,
          pd.verdict,
          `inbound from the proxy (${ranges}) to port ${b.port}${pd.onReply ? ` (${pd.onReply})` : ''}: ${pd.verdict === 'no' ? 'dropped by' : pd.verdict === 'yes' ? 'allowed by' : 'undecided (unresolved rule)'} ${pd.refs.map((x) => x.label).join('; ')}`,
          pd.ref,
          // Dropped on the reply: the fix opens the proxy's addresses on its ephemeral ports.
          pd.onReply ? { ranges: lb.proxySources.map((c) => c.text), ports: [...ANY_EPHEMERAL] } : undefined,
        );
      }
      out.push(t.done(d.id));
    }
    return out;
  }

  /**
   * The front end's node subnets (load-balancers.ts nodeSubnetsAdmit): the client's packet in and the reply out to
   * it, the packet out to a backend outside the subnet and its reply in; the best node (`exists`) or the worst
   * (`all`: a client may be sent to any), whose hops are shown.
   */
  private nodeLegs(t: Walk, lb: LoadBalancer, b: LoadBalancerBackend, d: Interface, p: Point, mode: ReplyMode): void {
    const port = lb.proxySources || lb.toBackendPort ? b.port : p.port;
    const toBackend = { ...p, proto: lb.proxySources ? PROTO_TCP : p.proto };
    const rank = (v: Tri) => (v === 'yes' ? 2 : v === 'maybe' ? 1 : 0);
    let pick: Walk | undefined;
    for (const id of lb.frontSubnets ?? []) {
      const n = this.model.subnets.get(id);
      const w = new Walk(p);
      // A client in the node's own subnet does not cross its network ACL.
      const inside = n !== undefined && !n.filtersIntraSubnet && inCidrs(n.cidrs, p.fam, p.src);
      if (!inside) {
        w.filter(id, n?.inbound, p, 'in');
        if (p.proto === PROTO_TCP) w.replyLeg(id, n?.outbound, p, this.range(mode), mode, 'out');
      }
      if (d.subnet !== id) {
        if (port !== undefined) {
          w.filter(id, n?.outbound, { ...toBackend, port }, 'out');
          // Its fix opens the target's port, not the client's.
          const last = w.hops.at(-1);
          if (last?.at === id) last.ports = [port, port];
        } else if (!n?.outbound) w.hop(id, 'maybe', 'outbound filter not in the inventory');
        else {
          const pd = anyPortDecision([n.outbound], toBackend);
          w.hop(id, pd.verdict, `outbound to the target on a port cordon cannot tell: ${pd.ref.label}`, pd.ref);
        }
        const ports = lb.proxySources ? ANY_EPHEMERAL : this.range(mode);
        if (toBackend.proto === PROTO_TCP)
          w.replyLeg(id, n?.inbound, { ...toBackend, port: port ?? 0 }, ports, mode, 'in');
      }
      if (!pick || (mode === 'exists' ? rank(w.verdict) > rank(pick.verdict) : rank(w.verdict) < rank(pick.verdict)))
        pick = w;
    }
    for (const h of pick?.hops ?? [])
      t.hop(
        h.at,
        h.verdict,
        `${h.what} (load balancer node's subnet)`,
        h.ref,
        h.ports ? { ports: h.ports } : undefined,
      );
  }

  /**
   * An internal client's packet to a front end: its own outbound filter, then its subnet's, on the port it sends to
   * (the front end's when it translates ports; some port of a range, mapped to a pool member cordon cannot tell).
   */
  private clientToFront(t: Walk, s: Interface, lb: LoadBalancer, p: Point, mode: ReplyMode): void {
    const sub = this.model.subnets.get(s.subnet);
    const fp = lb.frontendPorts;
    let port = fp ? fp[0] : p.port;
    if (fp && fp[0] !== fp[1]) {
      const cands = new Set<number>([fp[0]]);
      for (const f of [s.outbound, sub?.outbound])
        for (const r of f?.rules ?? [])
          for (const x of [r.ports[0], r.ports[1] + 1]) if (x >= fp[0] && x <= fp[1]) cands.add(x);
      const pass = [...cands]
        .sort((a, b) => a - b)
        .find((x) =>
          [s.outbound, sub?.outbound].every((f) => !f || decidePacket(f, { ...p, port: x }).verdict !== 'no'),
        );
      if (pass !== undefined) port = pass;
    }
    t.filter(s.id, s.outbound, { ...p, port }, 'out');
    if (!openFilter(sub?.outbound)) t.filter(sub?.id ?? s.subnet, sub?.outbound, { ...p, port }, 'out');
    // The reply from the front end back into the client's subnet (load-balancers.ts clientReplies).
    const inside = sub !== undefined && !sub.filtersIntraSubnet && inCidrs(sub.cidrs, p.fam, p.dst);
    if (p.proto === PROTO_TCP && !inside)
      t.replyLeg(sub?.id ?? s.subnet, sub?.inbound, { ...p, port }, this.range(mode), mode, 'in');
    if (fp && fp[0] !== fp[1])
      t.hop(
        lb.id,
        'maybe',
        `front-end port ${port} of ${fp[0]}-${fp[1]} maps to one pool member, which cordon cannot tell`,
      );
  }

  private traceDirect(source: TraceSource, p: Point, mode: ReplyMode): Trace {
    const t = new Walk(p);
    if (source.kind === 'internet') return this.fromInternet(t, p, mode, source.network);
    if (source.kind === 'outside') return this.fromOutside(t, p, mode, source.zone, source.network);
    const s = source.iface;
    const sub = this.model.subnets.get(s.subnet)!;
    t.filter(s.id, s.outbound, p, 'out');
    if (t.stopped) return t.done();
    const route = lookupRoute(sub.routeTable, p);
    const rt = sub.routeTable?.id ?? `${sub.id} (no route table)`;
    if (route === undefined) return t.drop(rt, 'no route to the destination');
    if (route === 'unknown')
      return this.unknownHop(
        t,
        s,
        sub,
        p,
        mode,
        unknownRouteReason(sub.routeTable, p),
        unknownRoute(sub.routeTable, p)?.ref,
      );
    t.route(rt, route);
    const target = route.target;
    switch (target.kind) {
      case 'local':
        return this.deliver(t, s, sub, s.network, p, mode, 'local');
      case 'peering': {
        const peer = this.model.peerings.get(target.id);
        const w = peer ? (peer.networks[0] === s.network ? peer.networks[1] : peer.networks[0]) : undefined;
        const wNet = w ? this.model.networks.get(w) : undefined;
        if (!w || !wNet || !inCidrs(wNet.cidrs, p.fam, p.dst))
          return t.drop(target.id, 'peering delivers only to the peer network’s own addresses (not transitive)');
        return this.deliver(t, s, sub, w, p, mode, targetKey(route));
      }
      case 'firewall':
        return this.viaFirewall(t, s, sub, target.id, p, mode);
      case 'internet': {
        const net = this.model.networks.get(s.network);
        if (!target.egressOnly && !net?.internetGateways.includes(target.id))
          return t.drop(target.id, 'internet gateway not attached');
        if (!this.isInternet(p, 'dst')) return t.drop(target.id, 'an internet gateway does not route private space');
        if (target.egressOnly && p.fam === V4) return t.drop(target.id, 'egress-only gateways carry IPv6 only');
        const can = egress(s);
        if (p.fam === V4 && can !== true) {
          if (can === false)
            return t.drop(
              s.id,
              s.internetEgress ? s.internetEgress.via.label : 'no public IPv4 address: the internet gateway drops it',
              s.internetEgress?.via,
            );
          t.hop(
            s.id,
            'maybe',
            s.internetEgress ? s.internetEgress.via.label : 'public IPv4 address not in the inventory',
          );
        } else if (p.fam === V4 && s.internetEgress)
          t.hop(s.id, 'yes', `source address translated: ${s.internetEgress.via.label}`, s.internetEgress.via);
        t.filter(sub.id, sub.outbound, p, 'out');
        t.hop(target.id, 'yes', 'to the internet');
        this.replyInto(t, sub, p, this.range(mode), mode);
        return t.done('internet');
      }
      case 'nat':
        return this.viaNat(t, s, sub, target.id, p, mode);
      case 'service':
        return t.drop(target.id, 'gateway endpoint: delivered to the cloud service, not the internet');
      case 'drop':
        return t.drop(rt, target.reason);
      case 'transit-gateway':
        return this.viaTransitGateway(t, s, sub, target.id, p, mode);
      case 'attachment':
        return this.unknownHop(t, s, sub, p, mode);
      case 'unknown':
        return this.unknownHop(t, s, sub, p, mode, `${target.id}: ${target.reason}`);
    }
  }

  /**
   * Through a transit gateway (tgw.ts has the rules): the path is decided first, then its filters are applied, so a
   * path cordon cannot follow is an unknown hop exactly where the set evaluator puts it.
   */
  /**
   * The route a packet entering a transit gateway from `sub` takes in the entry attachment's table (tgw.ts), or why it
   * has none: the gateway, its entry or the route is unknown, or the packet is dropped there.
   */
  private transitGatewayRoute(sub: Subnet, id: string, p: Point) {
    const tgw = this.model.transitGateways?.get(id);
    if (!tgw) return { kind: 'unknown' as const };
    const entry = tgwEntry(this.model, tgw, sub);
    if (entry.kind === 'unknown') return { kind: 'unknown' as const, why: `${id}: ${entry.why}` };
    if (entry.kind === 'drop') return { kind: 'drop' as const, at: id, why: entry.why, ref: tgw.ref };
    const table = entry.att.routeTable!;
    const r = lookupRoute(table, p);
    if (r === 'unknown') return { kind: 'unknown' as const, why: `${table.id} ${unknownRouteReason(table, p)}` };
    if (!r)
      return {
        kind: 'drop' as const,
        at: table.id,
        why: 'no route in the transit gateway route table',
        ref: table.ref,
      };
    if (r.target.kind === 'drop') return { kind: 'drop' as const, at: table.id, why: r.target.reason, ref: r.ref };
    return { kind: 'route' as const, tgw, entry, table, r };
  }

  private viaTransitGateway(t: Walk, s: Interface, sub: Subnet, id: string, p: Point, mode: ReplyMode): Trace {
    const route = this.transitGatewayRoute(sub, id, p);
    if (route.kind === 'unknown') return this.unknownHop(t, s, sub, p, mode, route.why);
    if (route.kind === 'drop') return t.drop(route.at, route.why, route.ref);
    const { tgw, entry, table, r } = route;
    const exit = tgwExit(this.model, tgw, entry, r);
    const wNet = exit.kind === 'deliver' ? this.model.networks.get(exit.att.network) : undefined;
    if (exit.kind !== 'deliver' || !wNet || !inCidrs(wNet.cidrs, p.fam, p.dst))
      return this.unknownHop(
        t,
        s,
        sub,
        p,
        mode,
        exit.kind === 'unknown'
          ? `${table.id} ${r.destinationText}: ${exit.why}`
          : `${id} delivers to ${exit.att.id}, beyond ${exit.att.network}'s own addresses: forwarded on by routes cordon does not follow`,
      );
    const d = this.interfaceAt(wNet.id, p, 'dst');
    if (!d) return t.drop(wNet.id, 'no interface at the destination address');
    const dsub = this.model.subnets.get(d.subnet)!;
    const sa = entry.subnet;
    const sb = exit.subnet;
    t.hop(id, 'yes', `enters ${id} through ${entry.att.id} in ${sa.id}`, entry.att.ref);
    t.filter(sub.id, sub.outbound, p, 'out');
    t.filter(sa.id, sa.inbound, p, 'in');
    t.route(table.id, r);
    if (sb.id !== dsub.id) {
      t.filter(sb.id, sb.outbound, p, 'out');
      t.filter(dsub.id, dsub.inbound, p, 'in');
    }
    t.filter(d.id, d.inbound, p, 'in');
    if (t.stopped) return t.done();
    if (p.proto === PROTO_TCP) {
      this.replyRoute(t, dsub, p, (x) => targetKey(x) === `tgw:${id}`);
      const back = exit.att.routeTable ? lookupRoute(exit.att.routeTable, p, 'src') : undefined;
      const ok = back === 'unknown' ? 'maybe' : back && targetKey(back) === `attach:${entry.att.id}` ? 'yes' : 'no';
      t.hop(
        exit.att.routeTable?.id ?? exit.att.id,
        ok,
        ok === 'no'
          ? `${exit.att.id}'s route table does not send the reply back to ${entry.att.id}`
          : `reply routed back by ${id}`,
        back !== 'unknown' ? back?.ref : undefined,
      );
      t.replyLeg(dsub.id, dsub.outbound, p, this.range(mode), mode, 'out');
      t.replyLeg(sb.id, sb.inbound, p, this.range(mode), mode, 'in');
      if (sa.id !== sub.id) {
        t.replyLeg(sa.id, sa.outbound, p, this.range(mode), mode, 'out');
        t.replyLeg(sub.id, sub.inbound, p, this.range(mode), mode, 'in');
      }
    }
    return t.done(d.id);
  }

  private range(mode: ReplyMode): readonly [number, number] {
    return mode === 'exists' ? ANY_EPHEMERAL : this.clientPorts;
  }

  private deliver(
    t: Walk,
    s: Interface,
    sub: Subnet,
    network: string,
    p: Point,
    mode: ReplyMode,
    /** The route target key the reply must take back ("local", "peering:<id>", "firewall:<id>"). */
    back: string,
    /** The source subnet's outbound filter was already applied (before a firewall). */
    leftSubnet = false,
  ): Trace {
    const d = this.interfaceAt(network, p, 'dst');
    if (!d) return t.drop(network, 'no interface at the destination address');
    const dsub = this.model.subnets.get(d.subnet)!;
    const cross = crosses(sub, dsub);
    if (cross && !leftSubnet) t.filter(sub.id, sub.outbound, p, 'out');
    if (cross) t.filter(dsub.id, dsub.inbound, p, 'in');
    t.filter(d.id, d.inbound, p, 'in');
    if (t.stopped) return t.done();
    if (p.proto === PROTO_TCP) {
      this.replyRoute(t, dsub, p, (r) => targetKey(r) === back);
      if (cross) {
        t.replyLeg(dsub.id, dsub.outbound, p, this.range(mode), mode, 'out');
        t.replyLeg(sub.id, sub.inbound, p, this.range(mode), mode, 'in');
      }
    }
    return t.done(d.id);
  }

  private viaNat(t: Walk, s: Interface, sub: Subnet, natId: string, p: Point, mode: ReplyMode): Trace {
    const nat = this.model.nats.get(natId);
    // Towards private space a NAT gateway forwards by its own subnet's routes: a dead end there (the internet
    // gateway, a blackhole, no route) drops the packet; a next hop cordon does not follow (often a transit gateway)
    // leaves it unknown.
    if (!this.isInternet(p, 'dst')) {
      const nsub = nat ? this.model.subnets.get(nat.subnet) : undefined;
      const r = nsub ? lookupRoute(nsub.routeTable, p) : 'unknown';
      if (r !== 'unknown' && (!r || r.target.kind === 'internet' || r.target.kind === 'drop'))
        return t.drop(
          nsub?.routeTable?.id ?? natId,
          'the NAT gateway’s subnet sends this private destination to the internet gateway or nowhere',
          r?.ref,
        );
      return this.unknownHop(t, s, sub, p, mode);
    }
    if (!nat) return t.drop(natId, 'NAT gateway not in the inventory');
    if (!nat.available && !nat.undecided) return t.drop(natId, 'NAT gateway not available');
    const nsub = this.model.subnets.get(nat.subnet);
    if (!nsub) return t.drop(natId, 'NAT gateway subnet not in the inventory');
    const r = lookupRoute(nsub.routeTable, p);
    // A next hop cordon does not follow to the internet (a transit gateway to a central egress network, a chained
    // NAT gateway or firewall, an unknown route): maybe, for a private NAT gateway too (evaluate.ts onwardUnknown).
    const onward = r === 'unknown' || (r !== undefined && forwardsOnward(r.target));
    if (!nat.public && !onward) return t.drop(natId, 'a private NAT gateway does not reach the internet');
    const cross = crosses(sub, nsub);
    if (cross) {
      t.filter(sub.id, sub.outbound, p, 'out');
      t.filter(nsub.id, nsub.inbound, p, 'in');
    }
    if (nat.available) t.hop(natId, 'yes', 'source address translated by the NAT gateway', nat.ref);
    else t.hop(natId, 'maybe', `${nat.ref.label}: a NAT gateway in this state may forward`, nat.ref);
    const net = this.model.networks.get(nsub.network);
    if (r === 'unknown') t.hop(nsub.routeTable?.id ?? nsub.id, 'maybe', 'NAT subnet route unknown');
    else if (onward)
      t.hop(
        nsub.routeTable?.id ?? nsub.id,
        'maybe',
        `the NAT gateway’s subnet forwards to ${describeTarget(r)}, which cordon does not follow to the internet`,
        r.ref,
      );
    else if (!r || r.target.kind !== 'internet' || r.target.egressOnly || !net?.internetGateways.includes(r.target.id))
      return t.drop(
        nsub.routeTable?.id ?? nsub.id,
        'the NAT gateway’s subnet has no route to an internet gateway',
        r?.ref,
      );
    else t.route(nsub.routeTable!.id, r);
    t.filter(nsub.id, nsub.outbound, p, 'out');
    t.hop('internet', 'yes', 'to the internet');
    if (p.proto === PROTO_TCP) {
      t.replyLeg(nsub.id, nsub.inbound, p, NAT_PORTS, mode, 'in');
      if (cross) {
        t.replyLeg(nsub.id, nsub.outbound, p, this.range(mode), mode, 'out');
        t.replyLeg(sub.id, sub.inbound, p, this.range(mode), mode, 'in');
      }
    }
    return t.done('internet');
  }

  /**
   * Through a firewall: its filter decides, then its subnet's routes forward — to the internet (translated to its
   * public address), or to a network's own addresses locally or over a peering that accepts forwarded traffic; the
   * reply must come back through the same firewall.
   */
  private viaFirewall(t: Walk, s: Interface, sub: Subnet, id: string, p: Point, mode: ReplyMode): Trace {
    const fw = this.model.firewalls?.get(id);
    const fsub = fw ? this.model.subnets.get(fw.subnet) : undefined;
    if (!fw || !fsub) return this.unknownHop(t, s, sub, p, mode);
    t.filter(sub.id, sub.outbound, p, 'out');
    t.filter(fw.id, fw.filter, p, 'out');
    if (t.stopped) return t.done();
    const r = lookupRoute(fsub.routeTable, p);
    const rt = fsub.routeTable?.id ?? fsub.id;
    const hub = fsub.network;
    if (r === 'unknown' && this.isInternet(p, 'dst')) return this.unknownHop(t, s, sub, p, mode);
    if (!r) return t.drop(rt, 'the firewall’s subnet has no route to the destination');
    if (r !== 'unknown') t.route(rt, r);
    if (r !== 'unknown' && this.isInternet(p, 'dst')) {
      const net = this.model.networks.get(hub);
      if (r.target.kind !== 'internet' || !net?.internetGateways.includes(r.target.id))
        return t.drop(rt, 'the firewall’s subnet does not route this destination to the internet', r.ref);
      if (!fw.publicEgress) return t.drop(fw.id, 'the firewall has no public address', fw.ref);
      t.hop(fw.id, 'yes', 'to the internet (source translated to the firewall’s public address)', fw.ref);
      this.replyInto(t, sub, p, this.range(mode), mode);
      return t.done('internet');
    }
    // The network the firewall forwards to, and the peering it takes (forwarded traffic must be accepted).
    const forwardTo = (route: Route, addr: 'dst' | 'src'): string | undefined => {
      if (route.target.kind === 'local') return hub;
      if (route.target.kind !== 'peering') return undefined;
      const peer = this.model.peerings.get(route.target.id);
      if (!peer) return undefined;
      const idx = peer.networks[0] === hub ? 1 : 0;
      const w = peer.networks[idx];
      const wNet = w ? this.model.networks.get(w) : undefined;
      if (!w || !wNet || !inCidrs(wNet.cidrs, p.fam, addr === 'dst' ? p.dst : p.src)) return undefined;
      const origin = addr === 'dst' ? s.network : w;
      return origin === hub || peer.acceptsForwarded?.[idx] === true ? w : undefined;
    };
    // A private destination the firewall's subnet may route elsewhere (a gateway route): if it is delivered, it is to
    // the network holding the address, with the reply back through the firewall as below (evaluate.ts viaFirewall).
    const w =
      r === 'unknown'
        ? [...this.model.networks.values()].find((n) => n.id !== hub && inCidrs(n.cidrs, p.fam, p.dst))?.id
        : forwardTo(r, 'dst');
    if (r === 'unknown') {
      if (!w) return this.unknownHop(t, s, sub, p, mode);
      t.hop(rt, 'maybe', unknownRouteReason(fsub.routeTable, p), unknownRoute(fsub.routeTable, p)?.ref);
    } else if (!w)
      return t.drop(
        rt,
        'the firewall cannot forward it there (no route, or a peering that refuses forwarded traffic)',
        r.ref,
      );
    if (p.proto === PROTO_TCP) {
      const home = lookupRoute(fsub.routeTable, p, 'src');
      const ok = home === 'unknown' ? 'maybe' : home && forwardTo(home, 'src') === s.network ? 'yes' : 'no';
      t.hop(
        rt,
        ok,
        ok === 'no' ? 'the firewall cannot send the reply back' : 'reply forwarded back by the firewall',
        home !== 'unknown' ? home?.ref : undefined,
      );
    }
    return this.deliver(t, s, sub, w, p, mode, `firewall:${id}`, true);
  }

  /** A next hop cordon cannot follow: the answer is unknown if everything it can see would let the packet pass. */
  private unknownHop(t: Walk, s: Interface, sub: Subnet, p: Point, mode: ReplyMode, why?: string, ref?: Ref): Trace {
    t.hop(
      sub.routeTable?.id ?? sub.id,
      'maybe',
      why ?? 'next hop not modelled (transit gateway, appliance, prefix list)',
      ref,
    );
    const outside = this.outsideZone(p, 'dst');
    if (this.isInternet(p, 'dst') || outside) {
      t.filter(sub.id, sub.outbound, p, 'out');
      this.replyInto(t, sub, p, this.range(mode), mode);
      return t.done(outside?.name ?? 'internet');
    }
    const candidates = this.interfacesAt(p, 'dst').filter((i) => i.id !== s.id);
    const best = candidates.find((d) => {
      const w = new Walk(p);
      this.destinationLegs(w, sub, d, p, mode);
      return w.verdict !== 'no';
    });
    if (!best) return t.drop(sub.id, 'no interface at the destination address admits it');
    this.destinationLegs(t, sub, best, p, mode);
    return t.done(best.id);
  }

  /** Subnet filters both ways (unless in the same subnet) and the destination's inbound filter, without routing. */
  private destinationLegs(t: Walk, sub: Subnet, d: Interface, p: Point, mode: ReplyMode): void {
    const dsub = this.model.subnets.get(d.subnet)!;
    const cross = crosses(sub, dsub);
    if (cross) t.filter(sub.id, sub.outbound, p, 'out');
    if (cross) t.filter(dsub.id, dsub.inbound, p, 'in');
    t.filter(d.id, d.inbound, p, 'in');
    if (cross && p.proto === PROTO_TCP) {
      t.replyLeg(dsub.id, dsub.outbound, p, this.range(mode), mode, 'out');
      t.replyLeg(sub.id, sub.inbound, p, this.range(mode), mode, 'in');
    }
  }

  /** The reply of a TCP connection leaves by the destination subnet's routes: they must lead back the same way. */
  private replyRoute(t: Walk, dsub: Subnet, p: Point, back: (r: Route) => boolean): void {
    const r = lookupRoute(dsub.routeTable, p, 'src');
    const ok = r === 'unknown' ? 'maybe' : r && back(r) ? 'yes' : 'no';
    t.hop(
      dsub.routeTable?.id ?? dsub.id,
      ok,
      ok === 'no' ? 'no route back for the reply' : 'reply routed back',
      r !== 'unknown' ? r?.ref : undefined,
    );
  }

  private replyInto(t: Walk, sub: Subnet, p: Point, ports: readonly [number, number], mode: ReplyMode): void {
    if (p.proto === PROTO_TCP) t.replyLeg(sub.id, sub.inbound, p, ports, mode, 'in');
  }

  /**
   * From an outside zone (evaluate.ts `fromOutside`): how the packet arrives is not seen, so at best maybe; the
   * destination's filters decide, and its subnet must route the source's address to a next hop that can lead back
   * there (one cordon does not follow, a transit gateway path it cannot follow, a firewall) for a TCP reply; other
   * protocols need such a route from some subnet of the network.
   */
  private fromOutside(t: Walk, p: Point, mode: ReplyMode, zone: string, network?: string): Trace {
    const z = this.outside.find((x) => x.name === zone);
    // Its public addresses too: an office's range may be routed to a VPN gateway (evaluate.ts fromOutside).
    const own =
      z &&
      (inOutsideZone(z, p.fam, p.src) ||
        (z.public !== undefined && inCidrs(z.public, p.fam, p.src) && !inCidrs(z.exclude ?? [], p.fam, p.src)));
    if (!own) return t.drop(zone, `the source is not an address of ${zone}`);
    for (const net of this.model.networks.values()) {
      if (network !== undefined && net.id !== network) continue;
      const d = this.interfaceAt(net.id, p, 'dst');
      if (!d) continue;
      const dsub = this.model.subnets.get(d.subnet)!;
      t.hop(zone, 'maybe', `from ${zone}: arrives through a next hop cordon does not follow (VPN, dedicated link)`);
      t.filter(dsub.id, dsub.inbound, p, 'in');
      t.filter(d.id, d.inbound, p, 'in');
      if (t.stopped) return t.done();
      const rt = dsub.routeTable?.id ?? dsub.id;
      let back = this.routeTowards(dsub, zone, p);
      // Only TCP needs the reply: the gateway delivers into every subnet of its network whatever that subnet's routes
      // say, so another subnet's route towards the zone is enough for the rest (evaluate.ts `arrivalInto`).
      if (back.v === 'no' && p.proto !== PROTO_TCP)
        for (const o of this.model.subnets.values()) {
          if (o.network !== dsub.network || o.id === dsub.id) continue;
          const via = this.routeTowards(o, zone, p);
          if (via.v === 'no') continue;
          back = {
            v: via.v,
            why: `no reply needed; ${zone} is connected to the network: ${o.routeTable?.id ?? o.id} ${via.why}`,
            ...(via.ref ? { ref: via.ref } : {}),
          };
          break;
        }
      t.hop(rt, back.v, back.why, back.ref);
      if (p.proto === PROTO_TCP) t.replyLeg(dsub.id, dsub.outbound, p, this.range(mode), mode, 'out');
      return t.done(d.id);
    }
    return t.drop(zone, 'no interface at the destination address');
  }

  /** Whether a subnet routes the source's address (of an outside zone) to a next hop that can lead there. */
  private routeTowards(sub: Subnet, zone: string, p: Point): { v: Tri; why: string; ref?: Ref } {
    const r = lookupRoute(sub.routeTable, p, 'src');
    if (r === 'unknown') return this.towardsUnknown(sub, zone, p);
    if (r?.target.kind === 'firewall')
      return {
        v: 'maybe',
        why: `${zone} is routed through ${describeTarget(r)}, whose onward route decides`,
        ref: r.ref,
      };
    if (r?.target.kind === 'transit-gateway')
      return { ...this.transitGatewayTowards(sub, r.target.id, { ...p, dst: p.src }), ref: r.ref };
    return { v: 'no', why: `no route to ${zone} that can lead outside the cloud`, ...(r ? { ref: r.ref } : {}) };
  }

  /** A route of a next hop cordon does not follow towards the outside zone (a VPN gateway): the route, named. */
  private towardsUnknown(sub: Subnet, zone: string, p: Point): { v: Tri; why: string; ref?: Ref } {
    const r = unknownRoute(sub.routeTable, p, 'src');
    const to = r && r.target.kind !== 'drop' && r.target.kind !== 'local' ? ` -> ${r.target.id}` : '';
    return {
      v: 'maybe',
      why: `replies to ${zone} routed by ${r?.destinationText ?? 'an unknown route'}${to} (${unknownRouteReason(sub.routeTable, p, 'src')}), which cordon does not follow`,
      ...(r ? { ref: r.ref } : {}),
    };
  }

  /**
   * Whether a transit gateway may carry a packet towards an address outside every network (evaluate.ts
   * `transitGateway`'s unknown part): maybe unless the gateway surely drops it.
   */
  private transitGatewayTowards(sub: Subnet, id: string, p: Point): { v: Tri; why: string } {
    const route = this.transitGatewayRoute(sub, id, p);
    if (route.kind === 'unknown')
      return { v: 'maybe', why: route.why ?? `${id}: transit gateway route tables not in the inventory` };
    if (route.kind === 'drop') return { v: 'no', why: `${route.at}: ${route.why}` };
    const { table, r } = route;
    return { v: 'maybe', why: `${table.id} ${r.destinationText} -> ${describeTarget(r)}: onward routing not followed` };
  }

  private fromInternet(t: Walk, p: Point, mode: ReplyMode, network?: string): Trace {
    for (const net of this.model.networks.values()) {
      if (network !== undefined && net.id !== network) continue;
      const d = this.interfaceAt(net.id, p, 'dst');
      if (!d) continue;
      if (net.internetGateways.length === 0) return t.drop(net.id, 'no internet gateway attached');
      if (p.fam === V4 && d.publicIpv4 !== true) {
        if (d.publicIpv4 === false) return t.drop(d.id, 'no public IPv4 address');
        t.hop(d.id, 'maybe', 'public IPv4 address not in the inventory');
      } else {
        // The hop the witness would otherwise skip: how an internet packet reaches a private address at all.
        const gw = net.internetGateways.find((g) => g !== 'internet');
        t.hop(
          d.id,
          'yes',
          p.fam === V4
            ? `from the internet${gw ? ` through ${gw}` : ''} to the interface's public IPv4 address, translated to its private address`
            : `from the internet${gw ? ` through ${gw}` : ''} to the interface's IPv6 address`,
        );
      }
      const dsub = this.model.subnets.get(d.subnet)!;
      t.filter(dsub.id, dsub.inbound, p, 'in');
      t.filter(d.id, d.inbound, p, 'in');
      if (t.stopped) return t.done();
      if (p.proto === PROTO_TCP) {
        this.replyRoute(
          t,
          dsub,
          p,
          (r) => r.target.kind === 'internet' && !r.target.egressOnly && net.internetGateways.includes(r.target.id),
        );
        t.replyLeg(dsub.id, dsub.outbound, p, this.range(mode), mode, 'out');
      }
      return t.done(d.id);
    }
    return t.drop('internet', 'no interface at the destination address');
  }
}

/** A filter that lets every packet through (a subnet without one): no hop worth showing on a load-balancer path. */
function openFilter(f: Filter | undefined): boolean {
  const r = f?.rules[0];
  return (
    !!r &&
    f.rules.length === 1 &&
    r.action === 'allow' &&
    r.proto[0] === 0 &&
    r.proto[1] === 255 &&
    r.ports[0] === 0 &&
    r.ports[1] === 65535 &&
    !r.locals &&
    r.remotes.some((x) => x.kind === 'cidr' && x.cidr.text === '0.0.0.0/0') &&
    r.remotes.some((x) => x.kind === 'cidr' && x.cidr.text === '::/0')
  );
}

/** Accumulates hops and the three-valued verdict of a walk. */
class Walk {
  verdict: Tri = 'yes';
  hops: Hop[] = [];
  stopped = false;
  constructor(readonly p: Point) {}

  hop(at: string, v: Tri, what: string, ref?: Ref, packet?: Pick<Hop, 'ranges' | 'ports'>): void {
    if (this.stopped) return;
    this.hops.push({ at, verdict: v, what, ...(ref ? { ref } : {}), ...packet });
    if (v === 'no') {
      this.verdict = 'no';
      this.stopped = true;
    } else if (v === 'maybe') this.verdict = 'maybe';
  }

  filter(at: string, f: Filter | undefined, p: Point, dir: 'in' | 'out'): void {
    if (this.stopped) return;
    if (!f) return this.hop(at, 'maybe', `${dir === 'in' ? 'inbound' : 'outbound'} filter not in the inventory`);
    const d = decidePacket(f, p);
    // An undecided packet names the rules that may match before the one it would surely meet (a service tag with
    // unknown addresses: on-premises prefixes in VirtualNetwork, say).
    const first = d.verdict === 'maybe' ? d.undecidedBy.filter((r) => r !== d.ref) : [];
    const what =
      d.verdict === 'yes'
        ? 'allowed by'
        : d.verdict === 'no'
          ? 'dropped by'
          : first.length
            ? `undecided: ${first.map((r) => r.label).join('; ')} may match before`
            : 'undecided (unresolved rule)';
    const also = d.verdict === 'yes' ? alsoAdmittedBy(f, p, d.ref) : [];
    const tail = also.length ? ` (also allowed by ${also.map((r) => r.label).join('; ')})` : '';
    this.hop(at, d.verdict, `${dir === 'in' ? 'inbound' : 'outbound'} ${what} ${d.ref.label}${tail}`, d.ref);
  }

  route(at: string, r: Route): void {
    this.hop(at, 'yes', `routed by ${r.destinationText} -> ${describeTarget(r)}`, r.ref);
  }

  /** The reply of a TCP connection through a stateless filter: the reply's remote is the forward packet's other end. */
  replyLeg(
    at: string,
    f: Filter | undefined,
    p: Point,
    ports: readonly [number, number],
    mode: ReplyMode,
    dir: 'in' | 'out',
  ): void {
    if (this.stopped) return;
    if (!f) return this.hop(at, 'maybe', 'reply: filter not in the inventory');
    if (f.stateful) return; // a stateful filter lets the reply of a connection it admitted through
    const { verdict, port, ref } = replyDecision(f, p, ports, mode);
    const range = ports[0] === ports[1] ? `${ports[0]}` : `${ports[0]}-${ports[1]}`;
    this.hop(
      at,
      verdict,
      `reply (${dir === 'in' ? 'inbound' : 'outbound'}, client ports ${range}) ${verdict === 'no' ? `dropped at port ${port} by` : 'allowed by'} ${ref.label}`,
      ref,
    );
  }

  drop(at: string, why: string, ref?: Ref): Trace {
    this.hop(at, 'no', why, ref);
    return this.done();
  }

  done(destination?: string): Trace {
    return { verdict: this.verdict, hops: this.hops, ...(destination && this.verdict !== 'no' ? { destination } : {}) };
  }
}

/** Does a packet between two subnets pass their filters? (AWS ACLs skip traffic within a subnet; Azure NSGs don't.) */
function crosses(a: Subnet, b: Subnet): boolean {
  return a.id !== b.id || a.filtersIntraSubnet === true;
}

function describeTarget(r: Route): string {
  const t = r.target;
  if (t.kind === 'local') return 'local';
  if (t.kind === 'drop') return `blackhole (${t.reason})`;
  return t.id;
}
