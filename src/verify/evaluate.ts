/**
 * The set evaluator: which packets each zone can get to each other zone (and the internet), as packet sets over
 * (family, source, destination, protocol, port), computed per zone from aggregated filters rather than per pair of
 * interfaces. Semantics, shared with the per-packet tracer (trace.ts) that the property test compares it with:
 *
 * - a packet leaves its interface through the outbound stateful filter, crosses its subnet's outbound stateless
 *   filter unless the destination is in the same subnet, is routed by longest prefix match, crosses the destination
 *   subnet's inbound stateless filter (same exception) and the destination interface's inbound stateful filter;
 * - peering delivers only to the peer network's own addresses (not transitive); the reply must route back over it;
 * - a transit gateway (tgw.ts) delivers by the source attachment's associated route table to another attached
 *   network's own addresses, through the attachment subnets' network ACLs as AWS documents them; the reply must
 *   route back to the same gateway and, by the destination attachment's table, to the source attachment;
 * - a public NAT gateway reaches the internet only through an internet-gateway route in its own subnet's table;
 *   direct internet access needs a public address (IPv4) and an attached internet gateway;
 * - a TCP connection also needs its replies through every stateless filter on the way back (stateful filters let
 *   them through): for "is it permitted" each such filter must pass some client port (`exists`, what an attacker
 *   needs), for "does intent work" every port of the client range (`all`, what a Linux client needs);
 * - UDP and other protocols count as permitted when the forward packet arrives.
 */
import {
  filterSets,
  tri,
  TRI_EMPTY,
  TRI_FULL,
  triAnd,
  triAndSet,
  triOr,
  triUnion,
  replyRemotes,
  type TriSet,
} from './filters.js';
import {
  addresses,
  and,
  andExists,
  box,
  diff,
  DST,
  EMPTY,
  FAM,
  FULL,
  not,
  or,
  SRC,
  swapAddressDim,
  unionAll,
  unionOverAddresses,
  type AddressEntry,
  type PacketSet,
} from './packet-set.js';
import {
  ANY_EPHEMERAL,
  NAT_PORTS,
  type Interface,
  type NetworkModel,
  type Subnet,
  type TransitGatewayAttachment,
} from './model.js';
import { atomsOf, forwardsOnward, routeAtoms, type RouteAtoms } from './routes.js';
import type { Cidr } from '../util/cidr.js';
import { tgwEntry, tgwExit, type TgwExit } from './tgw.js';
import { lbFromInternet, lbZoneToZone } from './load-balancers.js';

export type ReplyMode = 'exists' | 'all';

export interface EvalOptions {
  /** Client ports a legitimate client uses (broken-intent checks); default Linux 32768-60999. */
  clientPorts: readonly [number, number];
}

export const TCP = box({ proto: [6, 6] });
export const NON_TCP = not(TCP);

interface SubnetSets {
  subnet: Subnet;
  nin: TriSet;
  nout: TriSet;
  srcCidr: PacketSet;
  dstCidr: PacketSet;
  /** Addresses the subnet's filters do not see (its own, for AWS network ACLs; none for Azure NSGs). */
  bypassSrc: TriSet;
  bypassDst: TriSet;
  /** Stateful subnet filters (Azure NSGs) let replies through; stateless ones (network ACLs) see them. */
  stateful: boolean;
  atoms: RouteAtoms;
}

const UNKNOWN_FILTER: TriSet = { yes: EMPTY, maybe: FULL };

/** `make()` kept in `cache` under `key`; made afresh each time without a key (the parts asked have no name). */
function kept<T>(cache: Map<string, T>, key: string | undefined, make: () => T): T {
  if (key === undefined) return make();
  let r = cache.get(key);
  if (r === undefined) cache.set(key, (r = make()));
  return r;
}

/** What interfaces admit by their own inbound filters, each to its own addresses: one sweep over the addresses. */
function admittedBy(list: readonly Interface[]): TriSet {
  const yes: AddressEntry[] = [];
  const maybe: AddressEntry[] = [];
  let sure = true;
  for (const d of list) {
    const f = filterSets(d.inbound);
    sure &&= f.yes === f.maybe;
    for (const cidr of d.addresses) {
      yes.push({ cidr, inner: f.yes });
      maybe.push({ cidr, inner: f.maybe });
    }
  }
  const y = unionOverAddresses(DST, yes);
  return { yes: y, maybe: sure ? y : unionOverAddresses(DST, maybe) };
}

export class SetEvaluator {
  readonly internetDst: PacketSet;
  readonly internetSrc: PacketSet;
  private readonly subnets = new Map<string, SubnetSets>();
  private readonly sideCache = new Map<string, TriSet>();

  constructor(
    readonly model: NetworkModel,
    readonly options: EvalOptions,
  ) {
    this.internetDst = diff(addresses(DST, model.internet.include), addresses(DST, model.internet.exclude));
    this.internetSrc = diff(addresses(SRC, model.internet.include), addresses(SRC, model.internet.exclude));
    for (const s of model.subnets.values()) {
      const srcCidr = addresses(SRC, s.cidrs);
      const dstCidr = addresses(DST, s.cidrs);
      this.subnets.set(s.id, {
        subnet: s,
        nin: s.inbound ? filterSets(s.inbound) : UNKNOWN_FILTER,
        nout: s.outbound ? filterSets(s.outbound) : UNKNOWN_FILTER,
        srcCidr,
        dstCidr,
        bypassSrc: tri(s.filtersIntraSubnet ? EMPTY : srcCidr),
        bypassDst: tri(s.filtersIntraSubnet ? EMPTY : dstCidr),
        stateful: s.inbound?.stateful === true && s.outbound?.stateful === true,
        atoms: routeAtoms(s.routeTable),
      });
    }
  }

  sub(id: string): SubnetSets {
    return this.subnets.get(id)!;
  }

  /** Replies into the subnet from remotes on DST (the forward destination), on the given ports. */
  replyIn(s: SubnetSets, ports: readonly [number, number], mode: ReplyMode): TriSet {
    return s.stateful ? TRI_FULL : replyRemotes(s.nin, 'in', ports, mode, DST);
  }

  /** Replies out of the subnet to remotes on SRC (the forward source). */
  replyOut(s: SubnetSets, ports: readonly [number, number], mode: ReplyMode): TriSet {
    return s.stateful ? TRI_FULL : replyRemotes(s.nout, 'out', ports, mode, SRC);
  }

  clientRange(mode: ReplyMode): readonly [number, number] {
    return mode === 'exists' ? ANY_EPHEMERAL : this.options.clientPorts;
  }

  /** What a set of source interfaces of one subnet may send, before routing: outbound filters and reply legs. */
  sourceSide(subnetId: string, sources: readonly Interface[], mode: ReplyMode, group?: string): TriSet {
    const s = this.sub(subnetId);
    const own = this.sent(subnetId, sources, group);
    const out = triOr(s.nout, s.bypassDst);
    const reply = triOr(this.replyIn(s, this.clientRange(mode), mode), s.bypassDst);
    return triAnd(triAnd(own, out), triOr(reply, { yes: NON_TCP, maybe: NON_TCP }));
  }

  /**
   * What destination interfaces of one network admit, including their subnets' inbound filters and, for TCP, the
   * reply leg out of their subnet and (when `returnRoute`) a route back to the source.
   */
  destinationSide(
    dests: readonly Interface[],
    mode: ReplyMode,
    returnRoute: boolean,
    back = 'local',
    /** Names the destination group (a zone): its subnets' admitted sets are shared by every side of it. */
    group?: string,
  ): TriSet {
    const parts: TriSet[] = [];
    for (const [subnetId, list] of groupBy(dests, (d) => d.subnet)) {
      const s = this.sub(subnetId);
      const admitted = this.admittedThroughAcl(s, list, group);
      let reply = triOr(this.replyOut(s, this.clientRange(mode), mode), s.bypassSrc);
      if (returnRoute) reply = triAnd(reply, this.returnRoute(s, back));
      parts.push(triAnd(admitted, triOr(reply, { yes: NON_TCP, maybe: NON_TCP })));
    }
    return triUnion(parts);
  }

  private readonly admittedCache = new Map<string, { own: TriSet; throughAcl?: TriSet }>();

  /**
   * What a subnet's destination interfaces admit by their own filters (`own`) and also through the subnet's inbound
   * ACL (`throughAcl`, made on first use: transit gateway and outside-zone sides need only `own`): the same for every
   * side of a destination group (local, per peering, without the return route, both modes), so kept per group and
   * subnet — it is most of a side's cost.
   */
  private admitted(s: SubnetSets, list: readonly Interface[], group: string | undefined) {
    const ck = group === undefined ? undefined : `${group}|${s.subnet.id}`;
    let r = ck === undefined ? undefined : this.admittedCache.get(ck);
    if (!r) {
      r = { own: admittedBy(list) };
      if (ck !== undefined) this.admittedCache.set(ck, r);
    }
    return r;
  }

  private admittedOwn(s: SubnetSets, list: readonly Interface[], group: string | undefined): TriSet {
    return this.admitted(s, list, group).own;
  }

  private admittedThroughAcl(s: SubnetSets, list: readonly Interface[], group: string | undefined): TriSet {
    const r = this.admitted(s, list, group);
    return (r.throughAcl ??= triAnd(r.own, triOr(s.nin, s.bypassSrc)));
  }

  /** Sources (SRC) the subnet's route table sends replies back to by the given next hop (a route target key). */
  private returnRoute(s: SubnetSets, key: string): TriSet {
    const set = swapAddressDim(atomsOf(s.atoms, key), DST);
    return { yes: set, maybe: or(set, swapAddressDim(s.atoms.unknown, DST)) };
  }

  /** Zone-to-zone: every (source in `from`, destination in `to`) packet the configuration lets through. */
  zoneToZone(
    sources: readonly Interface[],
    dests: readonly Interface[],
    mode: ReplyMode,
    /** Names for the source and destination groups: parts computed for one pair are reused by the next. */
    keys?: { from: string; to: string },
    /**
     * Only these protocol × port classes are asked about (the policy's allowed ones, for broken intent): cut down
     * at the sources, before the sources × destinations product is built.
     */
    within: PacketSet = FULL,
  ): Contribution[] {
    const out: Contribution[] = [];
    const destsByNet = groupBy(dests, (d) => d.network);
    const srcBySubnet = groupBy(sources, (s) => s.subnet);
    const local = new Map<string, TriSet>();
    /** A destination side, kept across pairs with the same destination zone when the zones are named. */
    const cachedSide = (key: string, make: () => TriSet): TriSet =>
      keys ? kept(this.sideCache, `din|${keys.to}|${key}`, make) : kept(local, key, make);
    const din = (net: string, back: string, returnRoute: boolean) =>
      cachedSide(`${net}|${back}|${returnRoute}|${mode}`, () =>
        this.destinationSide(destsByNet.get(net) ?? [], mode, returnRoute, back, keys?.to),
      );
    const sourceSide = (subnetId: string, list: Interface[]) =>
      kept(this.sideCache, keys && `src|${keys.from}|${subnetId}|${mode}`, () =>
        this.sourceSide(subnetId, list, mode, keys?.from),
      );
    // Sources are gathered per (destination network, next hop) first, then intersected once with the destination
    // side: intersecting per subnet repeated the work over the whole destination aggregate for every subnet, and
    // intersecting per source network made a hub (a transit gateway, an unknown next hop reaching every network)
    // cost networks² relations. A hop key therefore names no source network unless the destination side depends
    // on it (a peering's return route); sources of networks whose addresses overlap stay apart (`bucketOf`), so a
    // source address still names one network.
    // The buckets depend on the sources alone: one per source zone, whatever the destination zone.
    let bucketOf = keys ? this.bucketCache.get(keys.from) : undefined;
    if (!bucketOf) {
      bucketOf = this.sourceBuckets(srcBySubnet);
      if (keys) this.bucketCache.set(keys.from, bucketOf);
    }
    const routed = new Map<
      string,
      { froms: Set<string>; to: string; bucket: number; din: () => TriSet; sets: TriSet[] }
    >();
    const add = (from: string, to: string, hop: string, din: () => TriSet, t: TriSet) => {
      if (t.maybe === EMPTY) return;
      const bucket = bucketOf(from);
      const k = `${bucket}|${to}|${hop}`;
      let e = routed.get(k);
      if (!e) routed.set(k, (e = { froms: new Set(), to, bucket, din, sets: [] }));
      e.froms.add(from);
      e.sets.push(t);
    };
    for (const [subnetId, list] of srcBySubnet) {
      const s = this.sub(subnetId);
      const v = s.subnet.network;
      const base = triAndSet(sourceSide(subnetId, list), within);
      if (base.maybe === EMPTY) continue;
      if (destsByNet.has(v))
        add(v, v, 'local', () => din(v, 'local', true), triAndSet(base, atomsOf(s.atoms, 'local')));
      for (const [key, atoms] of s.atoms.byTarget) {
        if (!key.startsWith('peering:')) continue;
        const id = key.slice('peering:'.length);
        const p = this.model.peerings.get(id);
        const w = p ? (p.networks[0] === v ? p.networks[1] : p.networks[0]) : undefined;
        if (!w || !destsByNet.has(w)) continue;
        const wNet = this.model.networks.get(w);
        const set = and(
          atoms.reduce((x, a) => or(x, a.set), EMPTY),
          addresses(DST, wNet?.cidrs ?? []),
        );
        add(v, w, key, () => din(w, key, true), triAndSet(base, set));
      }
      // Through a firewall: its filter, then its own subnet's routes to the destination network and back.
      for (const key of s.atoms.byTarget.keys()) {
        if (!key.startsWith('firewall:')) continue;
        const via = this.viaFirewall(key.slice('firewall:'.length), v);
        if (!via) continue;
        const routed = triAndSet(base, atomsOf(s.atoms, key));
        for (const w of destsByNet.keys()) {
          const hop = via.toNetwork(w);
          if (hop.maybe === EMPTY) continue;
          add(v, w, key, () => din(w, key, true), triAnd(routed, hop));
        }
      }
      // Through a transit gateway (tgw.ts): to another network's own addresses; what it cannot follow is unknown.
      let tgwUnknown = EMPTY;
      for (const key of s.atoms.byTarget.keys()) {
        if (!key.startsWith('tgw:')) continue;
        const tg = this.transitGateway(s, key.slice('tgw:'.length));
        tgwUnknown = or(tgwUnknown, tg.unknown);
        for (const dl of tg.deliveries) {
          const w = dl.exit.att.network;
          if (!destsByNet.has(w)) continue;
          const hop = `${key}:${dl.exit.att.id}:${dl.exit.subnet.id}`;
          const din = () =>
            cachedSide(`tgw|${w}|${dl.exit.att.id}|${dl.exit.subnet.id}|${key}|${mode}`, () =>
              this.transitGatewayDestination(destsByNet.get(w)!, dl.exit, key, mode, keys?.to),
            );
          const from = triAndSet(this.transitGatewaySource(s, list, dl.entry.subnet, mode, keys?.from), dl.set);
          add(v, w, hop, din, triAnd(from, this.transitGatewayReturn(dl.exit.att, dl.entry.att)));
        }
      }
      // Next hops cordon cannot follow (appliances, NAT towards private space, transit gateway paths it cannot
      // follow): maybe anywhere.
      const unk = or(or(s.atoms.unknown, tgwUnknown), this.natTowardsPrivate(s));
      if (unk !== EMPTY)
        for (const w of destsByNet.keys()) {
          const d = () => {
            const x = din(w, 'local', false);
            return { yes: EMPTY, maybe: x.maybe };
          };
          add(v, w, 'unknown', d, { yes: EMPTY, maybe: and(base.maybe, unk) });
        }
    }
    // The relation itself (sources × destinations) is not built: a part keeps its source and destination sides,
    // and questions project it (andExists) or build it for one slice.
    const acc = new Map<string, { froms: Set<string>; to: string; bucket: number; parts: RelationPart[] }>();
    for (const e of routed.values()) {
      const k = `${e.bucket}|${e.to}`;
      let a = acc.get(k);
      if (!a) acc.set(k, (a = { froms: new Set(), to: e.to, bucket: e.bucket, parts: [] }));
      const part = { src: triUnion(e.sets), dst: e.din() };
      if (andExists(part.src.maybe, part.dst.maybe, SRC) === EMPTY) continue;
      a.parts.push(part);
      for (const f of e.froms) a.froms.add(f);
    }
    for (const e of acc.values())
      if (e.parts.length > 0) out.push(relationContribution([...e.froms].sort(), e.to, e.parts, e.bucket));
    // Through internal load balancers (load-balancers.ts): to their backends, not to an interface of the front end.
    // Kept apart: their packets reach the backend as another packet (a proxy's), and may overlap the direct ones.
    if (!this.model.loadBalancers?.length) return out;
    for (const c of lbZoneToZone(this.model, sources, dests, mode, this.clientRange(mode))) {
      const set = triAndSet(c.set, within);
      if (set.maybe !== EMPTY)
        out.push({
          from: c.from,
          froms: [c.from],
          to: c.to,
          set,
          viaLoadBalancer: true,
          byLoadBalancer: c.byLoadBalancer,
        });
    }
    return out;
  }

  /**
   * Buckets of source networks whose addresses do not overlap (AWS allows overlapping VPCs that are not connected):
   * within a bucket, a source address belongs to one network. Almost always a single bucket.
   */
  private readonly bucketCache = new Map<string, (net: string) => number>();

  private sourceBuckets(srcBySubnet: Map<string, Interface[]>): (net: string) => number {
    // A network's source addresses: its ranges and its sources' own addresses (a network whose ranges the model
    // does not hold must still not share a bucket with one its sources overlap).
    const addrs = new Map<string, Cidr[]>();
    for (const [id, list] of srcBySubnet) {
      const n = this.sub(id).subnet.network;
      const l = addrs.get(n) ?? addrs.set(n, [...(this.model.networks.get(n)?.cidrs ?? [])]).get(n)!;
      for (const i of list) l.push(...i.addresses);
    }
    const buckets: PacketSet[] = [];
    const of = new Map<string, number>();
    for (const n of [...addrs.keys()].sort()) {
      const own = addresses(SRC, addrs.get(n)!);
      let b = buckets.findIndex((taken) => and(taken, own) === EMPTY);
      if (b < 0) b = buckets.push(EMPTY) - 1;
      buckets[b] = or(buckets[b]!, own);
      of.set(n, b);
    }
    return (net) => of.get(net) ?? 0;
  }

  /**
   * A firewall as a transit hop from network `from`: what its filter admits, forwarded by its subnet's routes to a
   * network's own addresses (locally or over a peering that accepts forwarded traffic), with the reply routed back
   * to `from` the same way. Undefined when the model does not hold the firewall.
   */
  private viaFirewall(id: string, from: string): { toNetwork(w: string): TriSet; filter: TriSet } | undefined {
    const fw = this.model.firewalls?.get(id);
    const fs = fw ? this.subnets.get(fw.subnet) : undefined;
    if (!fw || !fs) return undefined;
    const filter = filterSets(fw.filter);
    const hub = fs.subnet.network;
    // Addresses (DST) of network w the firewall's subnet forwards to, on a path w accepts from this source.
    const reach = (w: string): TriSet => {
      const cidrs = addresses(DST, this.model.networks.get(w)?.cidrs ?? []);
      if (w === hub) return tri(and(atomsOf(fs.atoms, 'local'), cidrs));
      const parts: PacketSet[] = [];
      for (const [key, atoms] of fs.atoms.byTarget) {
        if (!key.startsWith('peering:')) continue;
        const p = this.model.peerings.get(key.slice('peering:'.length));
        if (!p || !p.networks.includes(w) || !p.networks.includes(hub)) continue;
        // Traffic that did not start in the hub is forwarded traffic for the spoke.
        const idx = p.networks[0] === w ? 0 : 1;
        if (from !== hub && p.acceptsForwarded?.[idx] !== true) continue;
        for (const a of atoms) parts.push(and(a.set, cidrs));
      }
      return { yes: unionAll(parts), maybe: or(unionAll(parts), and(fs.atoms.unknown, cidrs)) };
    };
    const home = reach(from);
    const back = swapAddressDim(home.yes, DST);
    const backMaybe = swapAddressDim(home.maybe, DST);
    const cache = new Map<string, TriSet>();
    return {
      filter,
      toNetwork: (w) => {
        let r = cache.get(w);
        if (!r) {
          // Only a TCP connection needs the reply back through the firewall (as for the other reply legs).
          r = triAnd(triAnd(filter, reach(w)), { yes: or(back, NON_TCP), maybe: or(backMaybe, NON_TCP) });
          cache.set(w, r);
        }
        return r;
      },
    };
  }

  /**
   * Private destinations a subnet sends to a NAT gateway: the gateway forwards them by its own subnet's routes, which
   * cordon follows only as far as telling a dead end (an internet gateway or blackhole for a private address, or no
   * route) from a next hop it does not model (a transit gateway, a peering, an appliance): only the latter is unknown.
   */
  private natTowardsPrivate(s: SubnetSets): PacketSet {
    let r = EMPTY;
    for (const [k, atoms] of s.atoms.byTarget) {
      if (!k.startsWith('nat:')) continue;
      const sent = and(
        atoms.reduce((x, a) => or(x, a.set), EMPTY),
        not(this.internetDst),
      );
      if (sent === EMPTY) continue;
      const nat = this.model.nats.get(k.slice('nat:'.length));
      const nsub = nat ? this.model.subnets.get(nat.subnet) : undefined;
      if (!nsub) {
        r = or(r, sent);
        continue;
      }
      const n = this.sub(nsub.id).atoms;
      let onward = n.unknown;
      for (const [key, list] of n.byTarget)
        if (!key.startsWith('internet:') && !key.startsWith('eigw:') && key !== 'drop')
          for (const a of list) onward = or(onward, a.set);
      r = or(r, and(sent, onward));
    }
    return r;
  }

  private readonly tgwCache = new Map<string, TgwRouting>();

  /**
   * A subnet's destinations (DST) routed to a transit gateway, split into what the gateway delivers to another
   * network's own addresses (per entry and exit) and what cordon cannot follow.
   */
  private transitGateway(s: SubnetSets, id: string): TgwRouting {
    const ck = `${s.subnet.id}|${id}`;
    const hit = this.tgwCache.get(ck);
    if (hit) return hit;
    const routed = atomsOf(s.atoms, `tgw:${id}`);
    const tgw = this.model.transitGateways?.get(id);
    const entry = tgw ? tgwEntry(this.model, tgw, s.subnet) : undefined;
    const r: TgwRouting = { unknown: EMPTY, deliveries: [] };
    if (!tgw || !entry || entry.kind === 'unknown') r.unknown = routed;
    else if (entry.kind === 'enter') {
      const atoms = routeAtoms(entry.att.routeTable);
      r.unknown = and(routed, atoms.unknown);
      for (const [k, list] of atoms.byTarget) {
        if (k === 'drop') continue;
        for (const { route, set } of list) {
          const exit = k.startsWith('attach:') ? tgwExit(this.model, tgw, entry, route) : undefined;
          if (!exit || exit.kind === 'unknown') {
            r.unknown = or(r.unknown, and(routed, set));
            continue;
          }
          const own = addresses(DST, this.model.networks.get(exit.att.network)?.cidrs ?? []);
          r.unknown = or(r.unknown, and(routed, diff(set, own)));
          r.deliveries.push({ entry, exit, set: and(routed, and(set, own)) });
        }
      }
    }
    this.tgwCache.set(ck, r);
    return r;
  }

  private transitGatewayUnknown(s: SubnetSets): PacketSet {
    let r = EMPTY;
    for (const k of s.atoms.byTarget.keys())
      if (k.startsWith('tgw:')) r = or(r, this.transitGateway(s, k.slice('tgw:'.length)).unknown);
    return r;
  }

  /**
   * Sources of one subnet into a transit gateway: their outbound filters, the subnet's outbound ACL and the entry
   * attachment subnet's inbound ACL, and, for TCP, the reply back through both unless they are one subnet.
   */
  private transitGatewaySource(
    s: SubnetSets,
    sources: readonly Interface[],
    entry: Subnet,
    mode: ReplyMode,
    group?: string,
  ): TriSet {
    const make = () => {
      const sa = this.sub(entry.id);
      const own = this.sent(s.subnet.id, sources, group);
      const t = triAnd(triAnd(own, s.nout), sa.nin);
      if (sa.subnet.id === s.subnet.id) return t;
      const range = this.clientRange(mode);
      const reply = triAnd(this.replyOut(sa, range, mode), this.replyIn(s, range, mode));
      return triAnd(t, triOr(reply, { yes: NON_TCP, maybe: NON_TCP }));
    };
    // The same for every destination zone: kept per source group, subnet and entry subnet.
    return kept(this.sideCache, group && `tgwsrc|${group}|${s.subnet.id}|${entry.id}|${mode}`, make);
  }

  /** What a subnet's source interfaces send by their own outbound filters, from their own addresses. */
  private sent(subnetId: string, sources: readonly Interface[], group: string | undefined): TriSet {
    return kept(this.sideCache, group && `sent|${group}|${subnetId}`, () =>
      triUnion(sources.map((i) => triAndSet(filterSets(i.outbound), addresses(SRC, i.addresses)))),
    );
  }

  private readonly tgwReturnCache = new Map<string, TriSet>();

  /**
   * Sources (SRC) whose TCP replies the exit attachment's associated table routes back to the entry attachment;
   * other protocols need no reply. A condition on the source alone, so it is applied on the source side and the
   * destination side is shared by every entry: ((reply ∧ back) ∨ non-TCP) = (reply ∨ non-TCP) ∧ (back ∨ non-TCP).
   */
  private transitGatewayReturn(exit: TransitGatewayAttachment, entry: TransitGatewayAttachment): TriSet {
    const ck = `${exit.id}|${entry.id}`;
    let r = this.tgwReturnCache.get(ck);
    if (!r) {
      const table = exit.routeTable;
      const backAtoms = table ? routeAtoms(table) : undefined;
      const yes = backAtoms ? swapAddressDim(atomsOf(backAtoms, `attach:${entry.id}`), DST) : EMPTY;
      const maybe = backAtoms ? or(yes, swapAddressDim(backAtoms.unknown, DST)) : EMPTY;
      r = { yes: or(yes, NON_TCP), maybe: or(maybe, NON_TCP) };
      this.tgwReturnCache.set(ck, r);
    }
    return r;
  }

  /**
   * Destinations of one network reached through a transit gateway exit: the exit subnet's outbound and the
   * destination subnet's inbound ACL unless they are one subnet, and for TCP the reply out through both, routed
   * back to the same gateway by the destination subnet and to the entry attachment by the exit attachment's table.
   */
  private transitGatewayDestination(
    dests: readonly Interface[],
    exit: { att: TransitGatewayAttachment; subnet: Subnet },
    key: string,
    mode: ReplyMode,
    group?: string,
  ): TriSet {
    const sb = this.sub(exit.subnet.id);
    const range = this.clientRange(mode);
    const parts: TriSet[] = [];
    for (const [subnetId, list] of groupBy(dests, (d) => d.subnet)) {
      const d = this.sub(subnetId);
      const admitted = this.admittedOwn(d, list, group);
      const fwd = sb.subnet.id === subnetId ? admitted : triAnd(admitted, triAnd(sb.nout, d.nin));
      const reply = triAnd(
        triAnd(this.replyOut(d, range, mode), this.replyIn(sb, range, mode)),
        this.returnRoute(d, key),
      );
      parts.push(triAnd(fwd, triOr(reply, { yes: NON_TCP, maybe: NON_TCP })));
    }
    return triUnion(parts);
  }

  private natAtoms(s: SubnetSets): PacketSet {
    let r = EMPTY;
    for (const [k, atoms] of s.atoms.byTarget) if (k.startsWith('nat:')) for (const a of atoms) r = or(r, a.set);
    return r;
  }

  /**
   * Sources of a zone to the internet: directly through an internet gateway, through NAT, or unknown next hops.
   * `towards` is the internet, or the public addresses of a zone outside every network (an office's egress addresses).
   */
  toInternet(sources: readonly Interface[], mode: ReplyMode, towards: PacketSet = this.internetDst): Contribution[] {
    const out: Contribution[] = [];
    for (const [subnetId, list] of groupBy(sources, (s) => s.subnet)) {
      const s = this.sub(subnetId);
      const net = this.model.networks.get(s.subnet.network);
      const attached = new Set(net?.internetGateways ?? []);
      const parts: TriSet[] = [];
      const own = (pub: (i: Interface) => PacketSet, maybePub: (i: Interface) => PacketSet) => ({
        yes: unionAll(list.map((i) => and(filterSets(i.outbound).yes, pub(i)))),
        maybe: unionAll(list.map((i) => and(filterSets(i.outbound).maybe, or(pub(i), maybePub(i))))),
      });
      const replyIn = triOr(this.replyIn(s, this.clientRange(mode), mode), { yes: NON_TCP, maybe: NON_TCP });
      // Direct: public IPv4 (or any IPv6 address) and an internet-gateway route.
      const direct = own(
        (i) =>
          addresses(
            SRC,
            i.addresses.filter((c) => c.family === 6 || egress(i) === true),
          ),
        (i) =>
          addresses(
            SRC,
            i.addresses.filter((c) => c.family === 4 && egress(i) === undefined),
          ),
      );
      const igw = this.gatewayAtoms(s.atoms, attached, true);
      parts.push(triAnd(triAndSet(triAnd(direct, s.nout), and(igw, towards)), replyIn));
      // Through a NAT gateway.
      const all = own(
        (i) => addresses(SRC, i.addresses),
        () => EMPTY,
      );
      for (const [key, atoms] of s.atoms.byTarget) {
        if (!key.startsWith('nat:')) continue;
        const nat = this.model.nats.get(key.slice(4));
        if (!nat || (!nat.available && !nat.undecided)) continue;
        const n = this.subnets.get(nat.subnet);
        if (!n) continue;
        const natNet = this.model.networks.get(n.subnet.network);
        const natIgw = this.gatewayAtoms(n.atoms, new Set(natNet?.internetGateways ?? []), false);
        const routed = and(
          atoms.reduce((x, a) => or(x, a.set), EMPTY),
          towards,
        );
        // Only a public NAT gateway reaches the internet through its subnet's internet gateway.
        const dst = nat.public ? and(routed, natIgw) : EMPTY;
        // Where the NAT gateway's own subnet forwards to a next hop cordon does not follow to the internet (a
        // transit gateway to a central egress network, an appliance, an unknown route), public or private, it may
        // still get there (as traced).
        const unsure = and(routed, onwardUnknown(n.atoms));
        // A gateway in a transitional state may forward: maybe only.
        const sure = nat.available ? and(all.yes, dst) : EMPTY;
        let path = triAnd({ yes: sure, maybe: and(all.maybe, or(dst, unsure)) }, n.nout);
        let replies = this.replyIn(n, NAT_PORTS, mode);
        if (n.subnet.id !== s.subnet.id) {
          path = triAnd(triAnd(path, s.nout), n.nin);
          replies = triAnd(
            replies,
            triAnd(this.replyOut(n, this.clientRange(mode), mode), this.replyIn(s, this.clientRange(mode), mode)),
          );
        }
        parts.push(triAnd(path, triOr(replies, { yes: NON_TCP, maybe: NON_TCP })));
      }
      // Through a firewall with a public address, out by its own subnet's route to the internet.
      for (const key of s.atoms.byTarget.keys()) {
        if (!key.startsWith('firewall:')) continue;
        const fw = this.model.firewalls?.get(key.slice('firewall:'.length));
        const fs = fw ? this.subnets.get(fw.subnet) : undefined;
        if (!fw || !fs) continue;
        const fsNet = this.model.networks.get(fs.subnet.network);
        const routed = and(atomsOf(s.atoms, key), towards);
        const filter = triAnd(s.nout, filterSets(fw.filter));
        if (fw.publicEgress) {
          const out = and(routed, this.gatewayAtoms(fs.atoms, new Set(fsNet?.internetGateways ?? []), false));
          parts.push(triAnd(triAnd(triAndSet(all, out), filter), replyIn));
        }
        // Where the firewall's subnet may route it elsewhere (a gateway route towards on-premises forced tunnelling),
        // it may get out without the firewall's public address: unknown, as traced.
        const unsure = and(routed, fs.atoms.unknown);
        if (unsure !== EMPTY)
          parts.push({ yes: EMPTY, maybe: and(and(all.maybe, filter.maybe), and(unsure, replyIn.maybe)) });
      }
      const unk = and(or(s.atoms.unknown, this.transitGatewayUnknown(s)), towards);
      if (unk !== EMPTY) parts.push({ yes: EMPTY, maybe: and(and(all.maybe, s.nout.maybe), and(unk, replyIn.maybe)) });
      const t = triUnion(parts);
      if (t.maybe !== EMPTY) out.push({ from: s.subnet.network, froms: [s.subnet.network], to: 'internet', set: t });
    }
    return mergeContributions(out);
  }

  /** Destination (DST) atoms routed to an attached internet gateway (egress-only ones only when `outbound`). */
  private gatewayAtoms(a: RouteAtoms, attached: Set<string>, egressOnlyToo: boolean): PacketSet {
    let r = EMPTY;
    for (const [k, atoms] of a.byTarget) {
      const [kind, id] = k.split(':') as [string, string];
      if (!attached.has(id) && kind === 'internet') continue;
      if (kind === 'internet' || (kind === 'eigw' && egressOnlyToo))
        for (const x of atoms) r = or(r, kind === 'eigw' ? and(x.set, box({ fam: 1 })) : x.set);
    }
    return r;
  }

  /**
   * Packets from a zone of private addresses outside every network of the model (on-premises, a partner; see
   * `outsideZones` in questions.ts) into destinations: cordon does not see how they arrive (a VPN, Direct Connect,
   * ExpressRoute, Interconnect), so at best "maybe" — where the destinations' filters admit them and, for TCP, the
   * destination subnet routes the source's address to a next hop that can lead there (one cordon does not follow, a
   * transit gateway path it cannot follow, a firewall) for the reply. Other protocols need no reply: the gateway
   * delivers into every subnet of its network whatever that subnet's routes say, so a next hop that can lead there
   * from any subnet of the network is enough.
   */
  fromOutside(
    dests: readonly Interface[],
    mode: ReplyMode,
    zone: string,
    src: PacketSet,
    /** Names the destination group (a zone): its subnets' admitted sets are the ones zoneToZone keeps. */
    group?: string,
  ): Contribution[] {
    const out: Contribution[] = [];
    for (const [subnetId, list] of groupBy(dests, (d) => d.subnet)) {
      const s = this.sub(subnetId);
      const admitted = this.admittedOwn(s, list, group);
      const back = swapAddressDim(this.towardsOutside(s), DST);
      const tcp = and(and(TCP, back), this.replyOut(s, this.clientRange(mode), mode).maybe);
      const other = and(NON_TCP, this.arrivalInto(s.subnet.network));
      const maybe = and(and(and(admitted.maybe, s.nin.maybe), or(tcp, other)), src);
      if (maybe !== EMPTY) out.push({ from: zone, froms: [zone], to: s.subnet.network, set: { yes: EMPTY, maybe } });
    }
    return mergeContributions(out);
  }

  /** Destinations (DST) a subnet routes to a next hop that can lead outside every network (fromOutside). */
  private towardsOutside(s: SubnetSets): PacketSet {
    let onward = or(s.atoms.unknown, this.transitGatewayUnknown(s));
    for (const key of s.atoms.byTarget.keys())
      if (key.startsWith('firewall:')) onward = or(onward, atomsOf(s.atoms, key));
    return onward;
  }

  private readonly arrivalCache = new Map<string, PacketSet>();
  private subnetsByNetwork?: Map<string, SubnetSets[]>;

  /** Sources (SRC) some subnet of the network routes towards such a next hop: the network is connected to them. */
  private arrivalInto(network: string): PacketSet {
    let r = this.arrivalCache.get(network);
    if (!r) {
      // Grouped once: a scan over every subnet per network grew with networks × subnets.
      this.subnetsByNetwork ??= groupBy([...this.subnets.values()], (x) => x.subnet.network);
      const parts = (this.subnetsByNetwork.get(network) ?? []).map((x) => this.towardsOutside(x));
      r = swapAddressDim(unionAll(parts), DST);
      this.arrivalCache.set(network, r);
    }
    return r;
  }

  /**
   * Packets from sources to a zone outside every network (fromOutside): through a next hop cordon does not follow
   * (an unknown route, a transit gateway path it cannot follow, a NAT gateway forwarding private space onward, a
   * firewall forwarding to one), "maybe" where the sources' outbound filters, their subnet's ACL and (TCP) the
   * reply's way back in allow it.
   */
  toOutside(sources: readonly Interface[], mode: ReplyMode, zone: string, dst: PacketSet): Contribution[] {
    const out: Contribution[] = [];
    for (const [subnetId, list] of groupBy(sources, (x) => x.subnet)) {
      const s = this.sub(subnetId);
      const sent = unionAll(list.map((i) => and(filterSets(i.outbound).maybe, addresses(SRC, i.addresses))));
      const replyIn = or(this.replyIn(s, this.clientRange(mode), mode).maybe, NON_TCP);
      const parts: PacketSet[] = [];
      const unk = and(or(or(s.atoms.unknown, this.transitGatewayUnknown(s)), this.natTowardsPrivate(s)), dst);
      if (unk !== EMPTY) parts.push(and(and(sent, s.nout.maybe), unk));
      // Through a firewall: its filter, then a next hop its own subnet routes the address to that cordon does not
      // follow (the gateway to on-premises); a firewall not in the model is itself such a hop.
      for (const key of s.atoms.byTarget.keys()) {
        if (!key.startsWith('firewall:')) continue;
        const routed = and(atomsOf(s.atoms, key), dst);
        if (routed === EMPTY) continue;
        const fw = this.model.firewalls?.get(key.slice('firewall:'.length));
        const fs = fw ? this.subnets.get(fw.subnet) : undefined;
        const filter = fw && fs ? and(s.nout.maybe, filterSets(fw.filter).maybe) : s.nout.maybe;
        parts.push(and(and(sent, filter), fs ? and(routed, fs.atoms.unknown) : routed));
      }
      const maybe = and(unionAll(parts), replyIn);
      if (maybe !== EMPTY)
        out.push({
          from: s.subnet.network,
          froms: [s.subnet.network],
          to: zone,
          set: { yes: EMPTY, maybe },
        });
    }
    return mergeContributions(out);
  }

  /**
   * The internet to destinations with public addresses in networks with an internet gateway; `src` is the internet,
   * or the public addresses of a zone outside every network.
   */
  fromInternet(dests: readonly Interface[], mode: ReplyMode, src: PacketSet = this.internetSrc): Contribution[] {
    const out: Contribution[] = [];
    for (const [subnetId, list] of groupBy(dests, (d) => d.subnet)) {
      const s = this.sub(subnetId);
      const net = this.model.networks.get(s.subnet.network);
      if (!net || net.internetGateways.length === 0) continue;
      const pub = (i: Interface) =>
        addresses(
          DST,
          i.addresses.filter((c) => c.family === 6 || i.publicIpv4 === true),
        );
      const maybePub = (i: Interface) =>
        addresses(
          DST,
          i.addresses.filter((c) => c.family === 4 && i.publicIpv4 === undefined),
        );
      const admitted: TriSet = {
        yes: unionAll(list.map((d) => and(filterSets(d.inbound).yes, pub(d)))),
        maybe: unionAll(list.map((d) => and(filterSets(d.inbound).maybe, or(pub(d), maybePub(d))))),
      };
      const back = swapAddressDim(this.gatewayAtoms(s.atoms, new Set(net.internetGateways), false), DST);
      const backMaybe = or(back, swapAddressDim(s.atoms.unknown, DST));
      const replyOut = this.replyOut(s, this.clientRange(mode), mode);
      const replies = { yes: and(replyOut.yes, back), maybe: and(replyOut.maybe, backMaybe) };
      const t = triAndSet(triAnd(triAnd(admitted, s.nin), triOr(replies, { yes: NON_TCP, maybe: NON_TCP })), src);
      if (t.maybe !== EMPTY) out.push({ from: 'internet', froms: ['internet'], to: s.subnet.network, set: t });
    }
    // Through external load balancers (load-balancers.ts): a backend needs no public address of its own. Kept apart
    // from the direct contributions, as in zoneToZone.
    const direct = mergeContributions(out);
    for (const c of lbFromInternet(this.model, dests, mode, src, this.clientRange(mode)))
      if (c.set.maybe !== EMPTY) direct.push({ ...c, froms: ['internet'], viaLoadBalancer: true });
    return direct;
  }
}

/**
 * Destinations a subnet's routes send to next hops cordon does not follow towards the internet: transit gateways
 * (a central egress network beyond them), NAT gateways and firewalls chained behind a NAT gateway, unknown routes.
 */
export function onwardUnknown(a: RouteAtoms): PacketSet {
  let r = a.unknown;
  for (const list of a.byTarget.values()) for (const x of list) if (forwardsOnward(x.route.target)) r = or(r, x.set);
  return r;
}

/** Whether an interface's IPv4 packets to the internet get a public source address (undefined: not known). */
export function egress(i: Interface): boolean | undefined {
  return i.internetEgress ? i.internetEgress.can : i.publicIpv4;
}

interface TgwRouting {
  /** Destinations (DST) the gateway path cannot be followed for. */
  unknown: PacketSet;
  deliveries: {
    entry: { att: TransitGatewayAttachment; subnet: Subnet };
    exit: Extract<TgwExit, { kind: 'deliver' }>;
    set: PacketSet;
  }[];
}

/** Part of a zone pair's answer between two networks (or a network and the internet). */
export interface Contribution {
  /** The first of `froms`. */
  from: string;
  /** The source networks (one, or several whose addresses do not overlap), sorted. */
  froms: readonly string[];
  to: string;
  /** The packets (sources × destinations); for zone to zone built on first use from `parts`. */
  readonly set: TriSet;
  /** Zone to zone: the relation as pairs of source side and destination side, to project without building it. */
  parts?: readonly RelationPart[];
  /**
   * Zone to zone: the bucket of source networks (networks of one bucket never share an address), so a source's
   * address meets only its own network's sources in any contribution of its bucket.
   */
  bucket?: number;
  /**
   * Through a load balancer: the packet is the client's, the backend's filter sees the proxy's (or the client's for
   * a passthrough one). May overlap the direct contributions of the same networks.
   */
  viaLoadBalancer?: boolean;
  /** Through load balancers: each one's share of `set` (load-balancers.ts LbContribution), by its id. */
  byLoadBalancer?: readonly { id: string; set: TriSet }[];
  /**
   * From or to the ranges of a zone with interfaces that lie outside every network (questions.ts): the other end is
   * the zone's addresses, not its interfaces.
   */
  outside?: 'from' | 'to';
}

/** Part of a relation: the packets in both sides. */
export interface RelationPart {
  src: TriSet;
  dst: TriSet;
}

function relationContribution(froms: string[], to: string, parts: RelationPart[], bucket: number): Contribution {
  let set: TriSet | undefined;
  return {
    from: froms[0]!,
    froms,
    to,
    parts,
    bucket,
    get set() {
      return (set ??= triUnion(parts.map((p) => triAnd(p.src, p.dst))));
    },
  };
}

function mergeContributions(list: Contribution[]): Contribution[] {
  const m = new Map<string, Contribution>();
  for (const c of list) {
    const k = `${c.from}|${c.to}`;
    const e = m.get(k);
    m.set(k, e ? { ...e, set: triOr(e.set, c.set) } : c);
  }
  return [...m.values()];
}

export function groupBy<T>(list: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) {
    const k = key(x);
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }
  return m;
}

export function unionOf(cs: readonly Contribution[]): TriSet {
  return cs.length === 0 ? TRI_EMPTY : triUnion(cs.map((c) => c.set));
}

export { FAM };
