/**
 * The questions `cordon verify` asks of a network model: for every ordered pair of zones (and the internet), what
 * the policy allows and what the configuration permits, the violations (permitted, policy denies) and the broken
 * intent (allowed, but the configuration blocks it for some source). Violations are grouped by the rule that lets
 * them through — a destination's inbound security rule, or the source subnet's route to the internet — so a finding
 * points at the rule to change; each carries a witness packet traced hop by hop.
 */
import { ANY_ZONE } from '../policy/any-zone.js';
import { fingerprintOf, type Finding, type Origin } from '../findings/types.js';
import type { ZonePolicy } from '../policy/load.js';
import {
  addresses,
  and,
  andExists,
  box,
  contains,
  diff,
  DST,
  EMPTY,
  exists,
  FAM,
  FULL,
  not,
  or,
  pick,
  pickAnd,
  PORT,
  PROTO,
  protoPortBoxes,
  SRC,
  unionAll,
  V4,
  type PacketSet,
  type Point,
  rebuild,
  resetPacketSets,
  resetPacketSetsIfLarge,
  restrictAddress,
  restrictAddresses,
  type ProtoPortBox,
} from './packet-set.js';
import { SetEvaluator, groupBy, type Contribution, type RelationPart, type ReplyMode } from './evaluate.js';
import { NOT_INTERNET, type Filter, type Interface, type NetworkModel, type Ref } from './model.js';
import { Tracer, type Hop, type OutsideZone, type Trace, type TraceSource } from './trace.js';
import { cidrContains, cidrsOverlap, type Cidr } from '../util/cidr.js';
import { decidePacket, resourceAdmits, ruleMatches, TRI_FULL, type FilterDecision, type TriSet } from './filters.js';
import ipaddr from 'ipaddr.js';
import { parseAzureId } from '../inventory/azure.js';

/** The policy's allowed (protocol × port) set for a zone pair, with decide()'s semantics (explicit deny wins). */
/** The policy's rules about a zone pair: `any` names every zone (policy/evaluate.ts), so a deny to any counts. */
function pairRules(policy: ZonePolicy, from: string, to: string): ZonePolicy['rules'] {
  const names = (end: string, zone: string) => end === zone || end === ANY_ZONE;
  return policy.rules.filter((r) => names(r.from, from) && names(r.to, to));
}

export function policySet(policy: ZonePolicy, from: string, to: string): PacketSet {
  const part = (r: ZonePolicy['rules'][number]): PacketSet => {
    const ports: [number, number] = [r.portRange.low, r.portRange.high];
    switch (r.wire) {
      case 'tcp':
        return box({ proto: [6, 6], port: ports });
      case 'udp':
        return box({ proto: [17, 17], port: ports });
      case 'icmp':
        return or(box({ proto: [1, 1] }), box({ proto: [58, 58] }));
      case 'any':
        return FULL;
    }
  };
  const rules = pairRules(policy, from, to);
  const allow = unionAll(rules.filter((r) => r.action === 'allow').map(part));
  const deny = unionAll(rules.filter((r) => r.action === 'deny').map(part));
  return diff(allow, deny);
}

export interface MatrixCell {
  /** The cloud whose network the cell is about (a snapshot may hold several). */
  provider: NetworkModel['provider'];
  /**
   * The reader whose inventory the cell is about (`terraform`, `cloudformation`, `aws`…), when the input holds several
   * inventories of one cloud: each is verified on its own, and its rows say which.
   */
  source?: string;
  from: string;
  to: string;
  /** Protocol/port classes the policy allows. */
  policyAllows: string[];
  /** Classes the configuration permits for some source/destination pair. */
  configurationPermits: string[];
  /** Classes cordon could not decide (unresolved prefix lists, transit gateways, unknown public addresses). */
  unknown: string[];
  violations: number;
  brokenIntent: number;
  /** Not-assessed findings of the pair (undecided violations, allowed flows cordon cannot decide). */
  notAssessed: number;
  /** Source interfaces (workloads); the internet, or a zone's ranges outside every network, counts as one. */
  sources: number;
  /** Destination interfaces; the internet, or a zone's ranges outside every network, counts as one. */
  destinations: number;
  /**
   * Why the flows the policy allows were not judged (a zone with no interface in the input, whose ranges stand in for
   * it as outside every network): such a cell's "nothing broken" is not a verified flow.
   */
  notJudged?: string;
}

/** A cell's classes as exact, untruncated (protocol × port) boxes: what observed traffic is compared with. */
export interface CellClasses {
  policy: ProtoPortBox[];
  permitted: ProtoPortBox[];
  /** Classes cordon could not decide (maybe, not yes). */
  undecided: ProtoPortBox[];
}

/** The key of a cell in VerifyResult.cellClasses. */
export function cellKey(provider: string, from: string, to: string): string {
  return `${provider}|${from}|${to}`;
}

export interface VerifyResult {
  zones: string[];
  matrix: MatrixCell[];
  /** Per cell (cellKey), its exact classes; the matrix's lists are for people and stop at 20 entries. */
  cellClasses?: Map<string, CellClasses>;
  findings: Finding[];
  notes: string[];
  stats: { interfaces: number; subnets: number; networks: number; pairs: number };
}

export { VERIFY_CHECKS } from './checks.js';
import { VERIFY_CHECKS } from './checks.js';
import { remediationFor } from './remediation.js';

/** A scope the model could not be built for: not assessed, naming the missing data sets and the commands for them. */
export function notVerified(
  resource: Finding['resource'],
  scope: string,
  missing: readonly string[],
  commands: readonly string[],
  origin: Origin | undefined,
): Finding {
  return notVerifiedBecause(resource, scope, `missing ${missing.join(', ')} (${commands.join('; ')})`, origin, {
    missing,
  });
}

/** A scope not verified for the reason given: not assessed, never a pass. */
export function notVerifiedBecause(
  resource: Finding['resource'],
  scope: string,
  reason: string,
  origin?: Origin,
  evidence: Record<string, unknown> = { reason },
): Finding {
  return {
    checkId: VERIFY_CHECKS.unknown.id,
    title: VERIFY_CHECKS.unknown.title,
    severity: VERIFY_CHECKS.unknown.severity,
    status: 'not-assessed',
    resource,
    ...(origin ? { origin } : {}),
    message: `zone reachability in ${scope} is not verified: ${reason}`,
    evidence,
    remediation: VERIFY_CHECKS.unknown.remediation,
    references: [],
    fingerprint: fingerprintOf(VERIFY_CHECKS.unknown.id, { ...resource, id: `${scope}|missing-data` }),
  };
}

export function classText(b: ProtoPortBox): string {
  const [p0, p1] = b.proto;
  const names: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };
  const proto = p0 === 0 && p1 === 255 ? 'any' : p0 === p1 ? (names[p0] ?? `proto ${p0}`) : `proto ${p0}-${p1}`;
  if (!(p0 === p1 && (p0 === 6 || p0 === 17))) return proto;
  const [a, z] = b.port;
  return a === 0 && z === 65535 ? `${proto} all ports` : a === z ? `${proto}/${a}` : `${proto}/${a}-${z}`;
}

function classes(s: PacketSet, limit = 20): string[] {
  return protoPortBoxes(s, limit).map(classText);
}

export function addressText(p: Point, side: 'src' | 'dst'): string {
  const v = BigInt(side === 'src' ? p.src : p.dst);
  const bytes: number[] = [];
  const n = p.fam === V4 ? 4 : 16;
  let x = v;
  for (let i = 0; i < n; i++) {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

function packetText(p: Point): string {
  const names: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };
  const proto = names[p.proto] ?? `proto ${p.proto}`;
  return `${addressText(p, 'src')} -> ${addressText(p, 'dst')} ${proto}${p.proto === 6 || p.proto === 17 ? `/${p.port}` : ''}`;
}

/**
 * One copy of each text: witnesses' hops repeat across groups (the same ACL or route decides the path of many), and
 * each trace wrote its own copy of the words, kept by its group until the findings and then by the finding
 * (adversarial benchmark at half size: 340,000 hops, about 1 in 30 of their texts distinct; the live heap after the
 * pairs 349 → 299 MB).
 */
type Texts = Map<string, string>;
function once(texts: Texts, s: string): string {
  const known = texts.get(s);
  if (known !== undefined) return known;
  texts.set(s, s);
  return s;
}

function hopJson(h: Hop): Record<string, unknown> {
  return {
    at: h.at,
    verdict: h.verdict,
    what: h.what,
    ...(h.ref?.origin?.kind === 'file' ? { file: h.ref.origin.file, pointer: h.ref.origin.pointer } : {}),
  };
}

export interface VerifyOptions {
  clientPorts: readonly [number, number];
  /** Witness traces per finding group kept in evidence. */
  maxClassesListed?: number;
}

interface Group {
  /** `intent`: a flow the policy allows that the configuration may or may not let through (not assessed). */
  kind: 'violation' | 'broken' | 'unknown' | 'intent';
  from: string;
  to: string;
  locate: Ref | undefined;
  resourceType: string;
  /** The protocol × port classes of every member (equal ones once); united once, when the finding is made. */
  parts: Set<PacketSet>;
  count: number;
  /** Every rule of the located resource that admitted (or dropped) a member, by label. */
  rules: Map<string, Ref>;
  /**
   * The scopes (account/region) of the members' interfaces: with the located rule in another scope (a Shared VPC
   * host's firewall rule, a peer's security group) these are verified not clean either.
   */
  scopes: Set<string>;
  witness: { source: string; destination: string; packet: Point; trace: Trace };
}

/**
 * Findings are one per (question, zone pair, resource to change): a security group, NSG, ACL or route table. Members
 * whose deciding rule is known without a trace (a destination's inbound decision) join their group without one.
 */
function groupKey(kind: Group['kind'], from: string, to: string, locate: Ref | undefined): string {
  return `${kind}|${from}|${to}|${locate?.resourceId ?? ''}|${locate?.resourceId ? '' : (locate?.label ?? '')}`;
}

export function verifyModel(model: NetworkModel, policy: ZonePolicy, options: VerifyOptions): VerifyResult {
  const ev = new SetEvaluator(model, { clientPorts: options.clientPorts });
  const internet = model.internetZone;
  const zoneNames = [...policy.zones.values()].map((z) => z.name);
  const byZone = groupBy(
    model.interfaces.filter((i) => i.zone !== undefined),
    (i) => i.zone!,
  );
  const outsideNotes: string[] = [];
  const outsideZones = outsideZonesOf(model, policy, byZone, outsideNotes);
  const outside = new Map(outsideZones.map((z) => [z.name, z]));
  const tracer = new Tracer(model, options.clientPorts, outsideZones);
  /** The internet, or a zone outside every network: no interfaces of its own, its addresses stand in for them. */
  const sourceless = (z: string) => z === internet || (outside.has(z) && !byZone.has(z));
  /** A zone with interfaces whose ranges also reach outside every network (a management range on-premises). */
  const mixed = (z: string) => outside.has(z) && byZone.has(z);
  /** A zone outside every network as the other end: its address ranges in the given dimension. */
  const privateSet = (z: string, dim: typeof SRC | typeof DST) =>
    diff(addresses(dim, outside.get(z)!.cidrs), addresses(dim, outside.get(z)!.exclude ?? []));
  /** Its public addresses, reached over the internet. */
  const publicSet = (z: string, dim: typeof SRC | typeof DST) => publicOf(outside.get(z)!, model, dim);
  const outsideSet = (z: string, dim: typeof SRC | typeof DST) => or(privateSet(z, dim), publicSet(z, dim));
  /**
   * Where a witness from the internet or an outside zone starts (the network it is addressed into): a public
   * address of an outside zone arrives over the internet.
   */
  const fromElsewhere = (zone: string, network: string | undefined, p: Point): TraceSource =>
    outside.has(zone) && tracer.outsideZone(p, 'src')?.name === zone
      ? { kind: 'outside', zone, ...(network ? { network } : {}) }
      : { kind: 'internet', ...(network ? { network } : {}) };
  /**
   * The trace of a packet from the internet or an outside zone: a public address of an outside zone arrives over the
   * internet or, when that path is closed, through the next hops cordon does not follow (evaluate.ts fromOutside).
   */
  const traceElsewhere = (zone: string, network: string | undefined, p: Point, mode: ReplyMode) => {
    const src = fromElsewhere(zone, network, p);
    const t = tracer.trace(src, p, mode);
    if (src.kind !== 'internet' || t.verdict !== 'no' || !outside.has(zone)) return t;
    const o = tracer.trace({ kind: 'outside', zone, ...(network ? { network } : {}) }, p, mode);
    return o.verdict === 'no' ? t : o;
  };
  const srcZones = zoneNames.filter((z) => policy.zones.get(z)!.kind === 'network');
  const dstZones = zoneNames.filter((z) => policy.zones.get(z)!.kind !== 'internet');
  const matrix: MatrixCell[] = [];
  const cellClasses = new Map<string, CellClasses>();
  const groups = new Map<string, Group>();
  const texts: Texts = new Map();
  /** Adds a member to its group; `make` (the witness trace) runs only for the group's first member. */
  const join = (
    kind: Group['kind'],
    from: string,
    to: string,
    locate: { locate: Ref | undefined; resourceType: string },
    set: PacketSet,
    scopes: Iterable<string>,
    make: () => Group['witness'] | undefined,
    /** Members this call stands for (the destinations of a security group). */
    count = 1,
  ): void => {
    const k = groupKey(kind, from, to, locate.locate);
    const e = groups.get(k);
    // Members keep only their protocol × port classes: the packet sets themselves span sources × destinations and,
    // kept for the whole run, held every zone pair's diagrams in memory.
    const classesOf = () => exists(set, [FAM, SRC, DST]);
    if (e) {
      e.parts.add(classesOf());
      e.count += count;
      if (locate.locate) e.rules.set(locate.locate.label, locate.locate);
      for (const sc of scopes) e.scopes.add(sc);
      return;
    }
    const w = make();
    if (!w) return;
    // Kept until the findings are made, a witness's words are kept once (see `once`).
    w.source = once(texts, w.source);
    w.destination = once(texts, w.destination);
    for (const h of w.trace.hops) h.what = once(texts, h.what);
    const rules = new Map<string, Ref>(locate.locate ? [[locate.locate.label, locate.locate]] : []);
    groups.set(k, {
      kind,
      from,
      to,
      locate: locate.locate,
      resourceType: locate.resourceType,
      parts: new Set([classesOf()]),
      count,
      rules,
      scopes: new Set(scopes),
      witness: w,
    });
  };
  const addGroup = (g: Omit<Group, 'count' | 'parts' | 'rules'> & { set: PacketSet }) =>
    join(g.kind, g.from, g.to, { locate: g.locate, resourceType: g.resourceType }, g.set, g.scopes, () => g.witness);

  const pairs: [string, string][] = [];
  for (const a of srcZones) for (const b of dstZones) if (a !== b) pairs.push([a, b]);
  if (internet) {
    for (const a of srcZones) pairs.push([a, internet]);
    for (const b of dstZones) if (policy.zones.get(b)!.kind === 'network') pairs.push([internet, b]);
  }

  for (const [from, to] of pairs) {
    // A pair's intermediate diagrams are garbage once its findings are made: let them go when they add up.
    resetPacketSetsIfLarge();
    const sources = sourceless(from) ? [] : (byZone.get(from) ?? []).filter((i) => i.role === 'workload');
    const dests = sourceless(to) ? [] : (byZone.get(to) ?? []);
    /** The zone's first destination by id: where broken-intent witnesses are sent (found once per pair). */
    let firstDest: { d: Interface | undefined } | undefined;
    const pol = policySet(policy, from, to);
    const destsByNet = groupBy(dests, (d) => d.network);
    const sourcesByNet = groupBy(sources, (s) => s.network);
    const sourceScopeMemo = new Map<string, string[]>();
    /** The scopes of a network's sources in this pair (its interfaces may sit in other projects: Shared VPC). */
    const sourceScopes = (net: string): string[] => {
      let v = sourceScopeMemo.get(net);
      if (!v) sourceScopeMemo.set(net, (v = [...new Set((sourcesByNet.get(net) ?? []).map((x) => x.scope))]));
      return v;
    };
    /**
     * The scopes of the source networks a member's packets come from: a contribution may gather several networks
     * (every spoke behind one transit gateway), and a finding is about only those its packets start in.
     */
    const memberSourceScopes = (c: Contribution, view: MemberView, extra: PacketSet): string[] => {
      const byScopes = groupBy(c.froms, (n) => sourceScopes(n).join('\n'));
      if (byScopes.size <= 1) return sourceScopes(c.from);
      return [...byScopes.values()]
        .filter(
          (nets) =>
            view.project(
              and(
                extra,
                addresses(
                  SRC,
                  nets.flatMap((n) => model.networks.get(n)?.cidrs ?? []),
                ),
              ),
            ) !== EMPTY,
        )
        .flatMap((nets) => sourceScopes(nets[0]!));
    };
    const compute = (mode: ReplyMode, within?: PacketSet): Contribution[] => [
      ...direct(mode, within),
      // A zone with interfaces and ranges outside every network: those ranges too, as an outside zone's (never for
      // broken intent: allowed flows of outside ranges are not judged).
      ...(mode === 'exists' && mixed(from) && !sourceless(to) && dests.length > 0
        ? ev.fromOutside(dests, mode, from, privateSet(from, SRC), to).map((c) => ({ ...c, outside: 'from' as const }))
        : []),
      ...(mode === 'exists' && mixed(to) && !sourceless(from) && sources.length > 0
        ? ev.toOutside(sources, mode, to, privateSet(to, DST)).map((c) => ({ ...c, outside: 'to' as const }))
        : []),
    ];
    const direct = (mode: ReplyMode, within?: PacketSet): Contribution[] =>
      to === internet
        ? ev.toInternet(sources, mode)
        : sourceless(to)
          ? [
              ...ev.toOutside(sources, mode, to, privateSet(to, DST)),
              ...(outside.get(to)!.public ? ev.toInternet(sources, mode, publicSet(to, DST)) : []),
            ]
          : from === internet
            ? ev.fromInternet(dests, mode)
            : sourceless(from)
              ? [
                  // Its public addresses too may arrive through a VPN or dedicated link (an office's range routed
                  // to a virtual private gateway), besides over the internet: counted only the second way, a group
                  // open to them behind the VPN passed.
                  ...ev.fromOutside(dests, mode, from, outsideSet(from, SRC), to),
                  ...(outside.get(from)!.public ? ev.fromInternet(dests, mode, publicSet(from, SRC)) : []),
                ]
              : ev.zoneToZone(sources, dests, mode, { from, to }, within);
    // A mixed zone's outside ranges are a source even when its interfaces are not (only private endpoints).
    const possible =
      (sourceless(from) || (mixed(from) && !sourceless(to)) || sources.length > 0) &&
      (sourceless(to) || dests.length > 0) &&
      !(sourceless(from) && sourceless(to));
    const contributions = possible ? compute('exists') : [];
    // Zone to zone, the source addresses are projected away (andExists) rather than the relation built; towards the
    // internet (or a zone outside every network) the sources stay, as findings are per source subnet.
    const towardsOutside = (c: Contribution) => sourceless(to) || c.outside === 'to';
    const projected = contributions.map((c) => (towardsOutside(c) ? withSources(c) : projectSources(c)));
    // Load-balancer contributions may overlap the direct ones (both written as the packet arriving at the backend,
    // sources projected away): what is surely permitted one way is not undecided the other way, or a class would be
    // a violation and not assessed at once.
    const projectedOnly = (lb: boolean) =>
      unionAll(
        projected
          .filter((_, i) => !!contributions[i]!.viaLoadBalancer === lb && !towardsOutside(contributions[i]!))
          .map((p) => p.yes),
      );
    const directYes = projectedOnly(false);
    const lbYes = projectedOnly(true);
    for (const [i, c] of contributions.entries())
      if (!towardsOutside(c))
        projected[i] = {
          ...projected[i]!,
          undecided: diff(projected[i]!.undecided, c.viaLoadBalancer ? directYes : lbYes),
        };
    const all = {
      yes: unionAll(projected.map((p) => p.yes)),
      maybe: unionAll(projected.map((p) => p.maybe)),
      undecided: unionAll(projected.map((p) => p.undecided)),
    };
    const cell: MatrixCell = {
      provider: model.provider,
      from,
      to,
      policyAllows: classes(pol),
      configurationPermits: classes(all.yes),
      unknown: classes(all.undecided),
      violations: 0,
      brokenIntent: 0,
      notAssessed: 0,
      // A mixed zone's ranges outside every network count as one where they are asked (not with the internet or
      // another outside zone), as an outside zone's do.
      sources: sourceless(from) ? 1 : sources.length + (mixed(from) && !sourceless(to) ? 1 : 0),
      destinations: sourceless(to) ? 1 : dests.length + (mixed(to) && !sourceless(from) ? 1 : 0),
    };
    cellClasses.set(cellKey(model.provider, from, to), {
      policy: protoPortBoxes(pol, Infinity),
      permitted: protoPortBoxes(all.yes, Infinity),
      undecided: protoPortBoxes(all.undecided, Infinity),
    });
    const before = groups.size;
    // Violations and unknowns: one witness per destination group (or per source subnet towards the internet).
    for (const [ci, c] of contributions.entries()) {
      // A pair with a large answer (every group admitting every zone) would otherwise hold all of its work.
      resetPacketSetsIfLarge();
      // Contributions are disjoint (a source address and destination address meet in one), so each one's own
      // undecided packets are the cell's.
      const proj = projected[ci]!;
      for (const [kind, set] of [
        ['violation', diff(proj.yes, pol)],
        ['unknown', diff(proj.undecided, pol)],
      ] as const) {
        if (set === EMPTY) continue;
        if (towardsOutside(c)) {
          for (const [subnetId, members] of groupBy(sourcesByNet.get(c.from) ?? [], (s) => s.subnet)) {
            const part = and(set, addresses(SRC, model.subnets.get(subnetId)!.cidrs));
            if (part === EMPTY) continue;
            const w = witness(part, c, 'exists');
            if (w)
              addGroup({
                kind,
                from,
                to,
                ...locateRoute(w.trace, model.subnets.get(subnetId)!),
                set: part,
                scopes: new Set(members.map((m) => m.scope)),
                witness: w,
              });
          }
        } else {
          const reach = exists(set, [SRC, PROTO, PORT]);
          const hit = (destsByNet.get(c.to) ?? []).filter((d) => d.addresses.some((a) => containsAddr(reach, a)));
          // The destinations' share of the set: restricted to their addresses in one pass.
          const slice = (list: readonly Interface[]) =>
            restrictAddresses(
              set,
              DST,
              list.flatMap((d) => d.addresses),
            );
          if (c.viaLoadBalancer) {
            // Through a load balancer the backend's filter sees another packet (the proxy's): the witness's last
            // hop names the rule that admitted it (before the reply's legs), and the destination group is one member.
            for (const list of groupBy(hit, (d) => `${d.subnet}|${d.inbound.id}`).values()) {
              const own = slice(list);
              const view = memberView(c, own, kind);
              // The load balancers' paths are one contribution, but each is admitted by its own rules: a witness
              // per load balancer still carrying some of the packets, each finding its share (one witness for all
              // named one path's rule for every load balancer's packets).
              let rest = own;
              while (rest !== EMPTY) {
                const p = view.point(rest);
                if (!p) break;
                const w = witness(own, c, 'exists', p);
                // A hop that names the rule to change (PrivateLink: the provider's), else the last before the replies.
                const last = (
                  w?.trace.hops.find((h) => h.locate) ?? w?.trace.hops.findLast((h) => !h.what.startsWith('reply'))
                )?.ref;
                const located = last
                  ? { locate: last, resourceType: resourceTypeOf(last) }
                  : admittedBy(model, list[0]!, p);
                // The packets of the load balancer the witness went through (all that are left when it went none).
                const via = new Set(w?.trace.hops.map((h) => h.at));
                const lbs = (c.byLoadBalancer ?? []).filter((x) => via.has(x.id));
                const share = lbs.length ? and(rest, unionAll(lbs.map((x) => exists(x.set.maybe, [SRC])))) : rest;
                const mine = share === EMPTY ? rest : share;
                const scopes = [...list.map((d) => d.scope), ...memberSourceScopes(c, view, mine)];
                join(kind, from, to, located, mine, scopes, () => w);
                rest = diff(rest, mine);
              }
            }
            continue;
          }
          // Security groups: one question per group across every destination that has it (the finding is the
          // group's), rather than per destination and group.
          const byGroup = new Map<string, Interface[]>();
          for (const d of hit)
            if (d.inbound.order === 'any-allow')
              for (const id of allowingResources(d.inbound)) (byGroup.get(id) ?? byGroup.set(id, []).get(id)!).push(d);
          for (const [id, list] of byGroup) {
            const view = memberView(c, slice(list), kind);
            const g = admittingGroup(list[0]!.inbound, id, view, kind);
            if (!g) continue;
            const reached = exists(g.part, [PROTO, PORT]);
            const members = list.filter((d) => d.addresses.some((a) => containsAddr(reached, a)));
            const scopes = [...members.map((d) => d.scope), ...memberSourceScopes(c, view, g.extra)];
            join(kind, from, to, g.located, g.part, scopes, () => witness(g.part, c, 'exists', g.at), members.length);
          }
          const targets = groupBy(
            hit.filter((d) => d.inbound.order !== 'any-allow'),
            (d) => `${d.subnet}|${d.inbound.id}`,
          );
          for (const list of targets.values()) {
            const view = memberView(c, slice(list), kind);
            for (const m of admittingResources(model, list[0]!, view, kind)) {
              const scopes = [...list.map((d) => d.scope), ...memberSourceScopes(c, view, m.extra)];
              join(kind, from, to, m.located, m.part, scopes, () => witness(m.part, c, 'exists', m.at));
            }
          }
        }
      }
    }
    // Broken intent: sources that cannot reach any destination on some allowed class.
    // A zone outside every network has no interface to confirm its ranges (a policy's example ranges look the same),
    // so whether its allowed flows work is not judged; what may reach it, or leave it, against the policy is.
    const unjudged = [from, to].filter((z) => sourceless(z) && outside.has(z));
    if (pol !== EMPTY && unjudged.length > 0)
      cell.notJudged = `${unjudged.join(' and ')} ${unjudged.length > 1 ? 'have' : 'has'} no interface in the input: ${unjudged.length > 1 ? 'their ranges stand' : 'its ranges stand'} in as outside every network, and whether an allowed flow works is not judged there`;
    if (pol !== EMPTY && possible && unjudged.length === 0) {
      // Only the allowed classes can be missing: the strict product is built for them alone.
      const strict = compute('all', pol);
      const srcList: (Interface | undefined)[] = sourceless(from) ? [undefined] : sources;
      // What each source reaches anywhere in the zone: destinations quantified away once (without building the
      // relation where it comes in parts), then one slice per source.
      // Per source network: a contribution's sources are addresses, and networks that use the same addresses
      // (overlapping VPCs, in other contributions) must not lend each other what they reach.
      const reachParts = strict.map((c) => ({
        froms: c.froms,
        maybe: unionAll(
          c.parts ? c.parts.map((p) => andExists(p.src.maybe, p.dst.maybe, DST)) : [exists(c.set.maybe, [DST])],
        ),
        yes: unionAll(c.parts ? c.parts.map((p) => andExists(p.src.yes, p.dst.yes, DST)) : [exists(c.set.yes, [DST])]),
      }));
      // Networks of one bucket never share an address, so a source meets only its own network's sources in any
      // contribution of its bucket: one union per bucket (not per network, which cost networks² unions of whole
      // zones), plus the contributions without a bucket (load balancers) that name the network.
      const bucketOf = new Map<string, number>();
      const unbucketed = new Set<string>();
      for (const c of strict)
        for (const n of c.froms) {
          if (c.bucket === undefined) unbucketed.add(n);
          else bucketOf.set(n, c.bucket);
        }
      const reachMemo = new Map<string, { maybe: PacketSet; yes: PacketSet }>();
      const reachFrom = (net: string | undefined) => {
        const b = net === undefined ? undefined : bucketOf.get(net);
        const key = net === undefined ? '' : unbucketed.has(net) || b === undefined ? `n:${net}` : `b:${b}`;
        let r = reachMemo.get(key);
        if (!r) {
          const mine = reachParts.filter(
            (c, i) =>
              net === undefined || (strict[i]!.bucket !== undefined ? strict[i]!.bucket === b : c.froms.includes(net)),
          );
          r = { maybe: unionAll(mine.map((c) => c.maybe)), yes: unionAll(mine.map((c) => c.yes)) };
          reachMemo.set(key, r);
        }
        return r;
      };
      const unsureClasses = new Map<string, { locate: Ref | undefined; resourceType: string }>();
      // Sources of one subnet with the same outbound filter missing the same classes (sets are hash-consed, so
      // equal sets are one object) are one equivalence class: traced once.
      const classes = new Map<string, { locate: Ref | undefined; resourceType: string }>();
      for (const s of srcList) {
        const { maybe: perSource, yes: perSourceSure } = reachFrom(s?.network);
        const mine = ofSource(perSource, s);
        const reached = exists(mine, [FAM, SRC]);
        // Allowed classes the source may reach but surely reaches nowhere (a next hop cordon does not follow, an
        // unresolved rule): whether intent works is not decided, which is never a pass.
        const sure = ofSource(perSourceSure, s);
        const unsure = diff(and(pol, reached), exists(sure, [FAM, SRC]));
        if (unsure !== EMPTY) {
          const ck = `${s?.subnet ?? ''}|${s?.outbound.id ?? ''}|${unsure.id}`;
          const known = unsureClasses.get(ck);
          if (known) join('intent', from, to, known, unsure, s ? [s.scope] : [], () => undefined);
          else {
            const w = unsureWitness(s, unsure, strict);
            if (w) {
              const located = locateDrop(w.trace);
              unsureClasses.set(ck, located);
              join('intent', from, to, located, unsure, s ? [s.scope] : [], () => w);
            }
          }
        }
        const missing = diff(pol, reached);
        if (missing === EMPTY) continue;
        const ck = `${s?.subnet ?? ''}|${s?.outbound.id ?? ''}|${missing.id}`;
        const known = classes.get(ck);
        if (known) {
          join('broken', from, to, known, missing, s ? [s.scope] : [], () => undefined);
          continue;
        }
        const w = brokenWitness(s, missing);
        if (!w) continue;
        const located = locateDrop(w.trace);
        classes.set(ck, located);
        join('broken', from, to, located, missing, s ? [s.scope] : [], () => w);
      }
    }
    for (const g of [...groups.values()].slice(before)) {
      if (g.kind === 'violation') cell.violations++;
      if (g.kind === 'broken') cell.brokenIntent++;
      if (g.kind === 'unknown' || g.kind === 'intent') cell.notAssessed++;
    }
    matrix.push(cell);

    function witness(set: PacketSet, c: Contribution, mode: ReplyMode, at?: Point) {
      const p = at ?? pick(set);
      if (!p) return undefined;
      // From or to an outside zone (or a mixed zone's outside ranges) the other end is an address, not an interface.
      const src = sourceless(from) || c.outside === 'from' ? undefined : sourceAt(c, p);
      const trace = src
        ? tracer.trace({ kind: 'interface', iface: src }, p, mode)
        : traceElsewhere(from, c.to, p, mode);
      const dst = sourceless(to) || c.outside === 'to' ? undefined : tracer.interfaceAt(c.to, p, 'dst');
      return {
        source: src ? `${src.ref.label} (${src.subnet})` : from,
        destination: dst ? `${dst.ref.label} (${dst.subnet})` : to,
        packet: p,
        trace,
      };
    }

    /** The source interface at the packet's source address, in whichever of the contribution's networks holds it. */
    function sourceAt(c: Contribution, p: Point): Interface | undefined {
      for (const n of c.froms) {
        const i = tracer.interfaceAt(n, p, 'src');
        if (i) return i;
      }
      return undefined;
    }

    /**
     * A packet of an undecided allowed class from the source to a destination it may reach, traced; from the pair's
     * strict contributions (built for every allowed class, `unsure` among them), not a second evaluation.
     */
    function unsureWitness(s: Interface | undefined, unsure: PacketSet, strict: readonly Contribution[]) {
      for (const c of strict) {
        if (s && !c.froms.includes(s.network)) continue;
        const src = (x: PacketSet) => and(ofSource(x, s), unsure);
        const p = c.parts
          ? c.parts.map((x) => pickAnd(src(x.src.maybe), x.dst.maybe)).find((x) => x !== undefined)
          : pick(src(c.set.maybe));
        if (!p) continue;
        const trace = s
          ? tracer.trace({ kind: 'interface', iface: s }, p, 'all')
          : traceElsewhere(from, c.to, p, 'all');
        const dst = sourceless(to) ? undefined : tracer.interfaceAt(c.to, p, 'dst');
        return {
          source: s ? `${s.ref.label} (${s.subnet})` : from,
          destination: dst ? `${dst.ref.label} (${dst.subnet})` : to,
          packet: p,
          trace,
        };
      }
      return undefined;
    }

    function brokenWitness(s: Interface | undefined, missing: PacketSet) {
      // A destination to try: the first one (by id) in the zone, or an address of the internet (or outside zone).
      firstDest ??= {
        d: dests.reduce<Interface | undefined>((m, x) => (!m || x.id.localeCompare(m.id) < 0 ? x : m), undefined),
      };
      const d = firstDest.d;
      const cls = pick(missing)!;
      const fam = s ? (s.addresses[0]!.family === 4 ? 0 : 1) : (d?.addresses[0]!.family ?? 4) === 4 ? 0 : 1;
      const srcAddr = s ? s.addresses.find((a) => (a.family === 4 ? 0 : 1) === fam) : undefined;
      const dstAddr = d ? d.addresses.find((a) => (a.family === 4 ? 0 : 1) === fam) : undefined;
      const elsewhere = (z: string, dim: typeof SRC | typeof DST) =>
        outside.has(z) ? outsideSet(z, dim) : dim === SRC ? ev.internetSrc : ev.internetDst;
      const p: Point = {
        fam: fam,
        src: srcAddr ? toBound(srcAddr) : (pick(and(elsewhere(from, SRC), box({ fam: fam })))?.src ?? 0),
        dst: dstAddr ? toBound(dstAddr) : (pick(and(elsewhere(to, DST), box({ fam: fam })))?.dst ?? 0),
        proto: cls.proto,
        port: cls.port,
      };
      const trace = s
        ? tracer.trace({ kind: 'interface', iface: s }, p, 'all')
        : traceElsewhere(from, d?.network, p, 'all');
      return {
        source: s ? `${s.ref.label} (${s.subnet})` : from,
        destination: d ? `${d.ref.label} (${d.subnet})` : to,
        packet: p,
        trace,
      };
    }
  }

  // A finding shows its classes (protocol × port), the union of its members'. Members were quantified in tables
  // reset since; rebuilt in the current one, equal parts are one object again and the union stays canonical. The
  // pairs' tables are not needed for that (parts are protocol × port only): forgotten first, they are not held beside
  // the findings.
  resetPacketSets();
  const findings: Finding[] = [];
  for (const [k, g] of groups) {
    findings.push(toFinding(g, unionAll([...g.parts].map((p) => rebuild(p))), model, policy));
    // A group's witness trace, parts and scopes are garbage once its finding is made: kept until the last finding,
    // every group was alive beside every finding (adversarial benchmark at half size, live heap after the findings
    // 534 → 411 MB; 362 MB with the texts kept once).
    groups.delete(k);
  }
  return {
    zones: zoneNames,
    matrix,
    cellClasses,
    findings,
    notes: [...model.notes, ...outsideNotes],
    stats: {
      interfaces: model.interfaces.length,
      subnets: model.subnets.size,
      networks: model.networks.size,
      pairs: pairs.length,
    },
  };
}

/**
 * Zones of private (special-purpose) address ranges that no network of the model holds and no interface is placed
 * in: on-premises networks and partners behind a VPN or a dedicated link. They are neither a cloud zone nor the
 * internet (the policy's ranges are taken out of the internet), so without this their traffic was never asked
 * about. Its public part (outside the special-purpose blocks) is verified as the internet is, with its addresses as the
 * other end (`publicOf`); the private part through the next hops cordon does not follow. A range that holds
 * networks of the model (the corporate 10.0.0.0/8 around the VPCs) is the zone outside them: skipping it whole let a
 * group open to 10.0.0.0/8 pass. Zones nested in it own their addresses (the most specific range wins).
 */
function outsideZonesOf(
  model: NetworkModel,
  policy: ZonePolicy,
  byZone: ReadonlyMap<string, readonly Interface[]>,
  notes: string[],
): OutsideZone[] {
  const networkCidrs = [...model.networks.values()].flatMap((n) => n.cidrs);
  const out: OutsideZone[] = [];
  for (const z of policy.zones.values()) {
    if (z.kind !== 'network' || z.parsedCidrs.length === 0) continue;
    // A zone with interfaces: only its private ranges outside the networks (its public ones are not verified).
    const placed = byZone.has(z.name);
    const ranges = addresses(DST, z.parsedCidrs);
    const inside = (c: Cidr) => z.parsedCidrs.some((r) => cidrContains(r, c) && c.prefix > r.prefix);
    const nested = [...policy.zones.values()].flatMap((o) => (o.name === z.name ? [] : o.parsedCidrs.filter(inside)));
    const exclude = [...networkCidrs.filter((c) => z.parsedCidrs.some((r) => cidrsOverlap(c, r))), ...nested];
    const excluded = addresses(DST, exclude);
    const own = diff(ranges, excluded);
    if (own === EMPTY) continue;
    // The private part of each range: the range inside a special-purpose block, or the blocks inside the range.
    const cidrs = z.parsedCidrs.flatMap((c) =>
      NOT_INTERNET.flatMap((sp) => (cidrContains(sp, c) ? [c] : cidrContains(c, sp) ? [sp] : [])),
    );
    const unique = [...new Map(cidrs.map((c) => [c.text, c])).values()];
    // The rest (an office's egress addresses, a partner's public range) is reached over the internet: taken out of
    // the internet zone, it was verified nowhere, so a group open to the office's addresses passed.
    const isPublic = diff(own, addresses(DST, unique)) !== EMPTY;
    const privateOwn = diff(addresses(DST, unique), excluded) !== EMPTY;
    // Before the skip below: a zone with interfaces and only a public range outside them must still say so.
    if (placed && isPublic)
      notes.push(
        `zone ${z.name}: its public ranges outside the inventory's networks are not verified (the zone has interfaces; only its private ranges outside them are)`,
      );
    if (placed && !privateOwn) continue;
    out.push({
      name: z.name,
      cidrs: unique,
      ...(exclude.length > 0 ? { exclude } : {}),
      ...(isPublic && !placed ? { public: z.parsedCidrs } : {}),
    });
    // The ranges named in the note: those with addresses of their own (not wholly a network or nested zone).
    const named = unique.filter((c) => diff(addresses(DST, [c]), excluded) !== EMPTY);
    const partly = named.some((c) => and(addresses(DST, [c]), excluded) !== EMPTY);
    const rangesText = `${named.map((c) => c.text).join(', ')}${partly ? ' (less the networks and zones inside)' : ''}`;
    if (privateOwn)
      notes.push(
        placed
          ? `zone ${z.name}: ${rangesText} ${named.length > 1 ? 'are' : 'is'} in no network of the inventory (the zone's interfaces are elsewhere): verified as on-premises addresses besides its interfaces, for what may reach them or leave for them through next hops cordon does not follow; whether their allowed flows work is not judged (if the range is the policy's example, correct it)`
          : `zone ${z.name} has no interface and ${rangesText} ${named.length > 1 ? 'are' : 'is'} in no network of the inventory: verified as a network outside the cloud (on-premises, a partner), for what may reach it or leave it through next hops cordon does not follow; whether its allowed flows work is not judged`,
      );
  }
  return out;
}

/** The public addresses of an outside zone (none for a private one): its ranges minus its private part and exclusions. */
function publicOf(z: OutsideZone, model: NetworkModel, dim: typeof SRC | typeof DST): PacketSet {
  if (!z.public) return EMPTY;
  const taken = addresses(dim, [...z.cidrs, ...(z.exclude ?? [])]);
  return diff(and(addresses(dim, z.public), addresses(dim, model.internet.include)), taken);
}

function toBound(c: { family: 4 | 6; first: bigint }): number | bigint {
  return c.family === 4 ? Number(c.first) : c.first;
}

/** `reach` constrains only FAM and DST: is this destination address in it? */
function containsAddr(reach: PacketSet, a: Cidr): boolean {
  // A delegated prefix is reached when any address of it is.
  if (a.first !== a.last) return restrictAddress(reach, DST, a) !== EMPTY;
  return contains(reach, { fam: a.family === 4 ? 0 : 1, src: 0, dst: toBound(a), proto: 0, port: 0 });
}

/** A set's slice at one source's addresses (all of it for the internet as source). */
function ofSource(set: PacketSet, s: Interface | undefined): PacketSet {
  return s ? restrictAddresses(set, SRC, s.addresses) : set;
}

/** The side of a three-valued set a finding kind is about: surely permitted packets for violations, else possibly. */
function sideOf(kind: Group['kind']): (t: TriSet) => PacketSet {
  return kind === 'violation' ? (t) => t.yes : (t) => t.maybe;
}

/** Resources named per destination group before the rest of its packets goes to the last one (bounds the work). */
const MAX_RESOURCES_PER_DESTINATION = 16;

/** How compilers label a filter that filters nothing (an Azure NIC or subnet without an NSG). */
export const NO_FILTER = 'no NSG, nothing filtered';

/**
 * The inbound rule that admits a packet into a destination, without a trace: the interface's own filter, or its
 * subnet's when the interface has none (an Azure NIC without an NSG): the rule to narrow. The witness trace shows
 * the same decision at the same hop.
 */
function admittedBy(
  model: NetworkModel,
  d: Interface,
  p: Point,
): { locate: Ref | undefined; resourceType: string; filter: Filter } {
  const own = decidePacket(d.inbound, p);
  const sub = model.subnets.get(d.subnet);
  const bySubnet = own.ref.label.endsWith(NO_FILTER) && sub?.inbound ? sub.inbound : undefined;
  const filter = bySubnet ?? d.inbound;
  const ref = ruleToChange(filter, bySubnet ? decidePacket(bySubnet, p) : own);
  return { filter, locate: ref, resourceType: resourceTypeOf(ref) };
}

/**
 * The rule a finding about one decision points at. An undecided packet that a deny (an implied deny, say) stops
 * after a rule that may allow it was let through, if at all, by that rule: it is the one to resolve or narrow. Naming
 * the deny instead admitted nothing of the resource's (resourceAdmits), so every other undecided packet of the
 * destination joined it and the rules that may admit them went unnamed.
 */
function ruleToChange(f: Filter, d: FilterDecision): Ref {
  if (d.verdict !== 'maybe' || f.rules.find((r) => r.ref === d.ref)?.action === 'allow') return d.ref;
  return f.rules.find((r) => r.action === 'allow' && d.undecidedBy.includes(r.ref))?.ref ?? d.ref;
}

function resourceTypeOf(ref: Ref): string {
  return ref.resourceType ?? armType(ref) ?? awsTypeOf(ref.resourceId);
}

/** The CloudFormation type an AWS id names, by its prefix (an interface when nothing else fits). */
const AWS_ID_TYPES: [string, string][] = [
  ['acl-', 'AWS::EC2::NetworkAcl'],
  ['sg-', 'AWS::EC2::SecurityGroup'],
  ['rtb-', 'AWS::EC2::RouteTable'],
  ['igw-', 'AWS::EC2::InternetGateway'],
  ['eigw-', 'AWS::EC2::EgressOnlyInternetGateway'],
  ['nat-', 'AWS::EC2::NatGateway'],
  ['pcx-', 'AWS::EC2::VPCPeeringConnection'],
  ['tgw-rtb-', 'AWS::EC2::TransitGatewayRouteTable'],
  ['tgw-attach-', 'AWS::EC2::TransitGatewayAttachment'],
  ['tgw-', 'AWS::EC2::TransitGateway'],
  ['vpce-', 'AWS::EC2::VPCEndpoint'],
  ['subnet-', 'AWS::EC2::Subnet'],
  ['vpc-', 'AWS::EC2::VPC'],
];
function awsTypeOf(id: string): string {
  return AWS_ID_TYPES.find(([prefix]) => id.startsWith(prefix))?.[1] ?? 'AWS::EC2::NetworkInterface';
}

interface Projection {
  yes: PacketSet;
  maybe: PacketSet;
  /** Packets possibly but not surely permitted, for some source (maybe − yes before projecting). */
  undecided: PacketSet;
}

/** A contribution's sets as they are (towards the internet, where findings are per source subnet). */
function withSources(c: Contribution): Projection {
  return { yes: c.set.yes, maybe: c.set.maybe, undecided: diff(c.set.maybe, c.set.yes) };
}

function partsOf(c: Contribution): readonly RelationPart[] {
  return c.parts ?? [{ src: TRI_FULL, dst: c.set }];
}

/**
 * A contribution with its source addresses projected away, part by part: (S ∧ D).maybe − (S ∧ D).yes is
 * ((S.maybe − S.yes) ∧ D.maybe) ∪ (S.maybe ∧ (D.maybe − D.yes)), so the undecided packets project exactly too.
 */
function projectSources(c: Contribution): Projection {
  const parts = partsOf(c);
  return {
    yes: unionAll(parts.map((p) => andExists(p.src.yes, p.dst.yes, SRC))),
    maybe: unionAll(parts.map((p) => andExists(p.src.maybe, p.dst.maybe, SRC))),
    undecided: unionAll(
      parts.flatMap((p) => [
        andExists(diff(p.src.maybe, p.src.yes), p.dst.maybe, SRC),
        andExists(p.src.maybe, diff(p.dst.maybe, p.dst.yes), SRC),
      ]),
    ),
  };
}

/**
 * One destination group's share of a contribution, asked about without building its relation: its classes under a
 * further condition on source and protocol × port (a security group's admitted remotes), and a concrete packet.
 */
interface MemberView {
  project(extra: PacketSet): PacketSet;
  point(extra: PacketSet): Point | undefined;
}

function memberView(c: Contribution, classes: PacketSet, kind: 'violation' | 'unknown'): MemberView {
  // `classes` holds only the group's destination addresses: the intersection skips the rest by binary search.
  const slice = (dst: PacketSet) => and(dst, classes);
  // Violations are surely permitted packets; undecided ones are maybe − yes, in the two parts projectSources uses.
  const slices = partsOf(c).flatMap((p) =>
    kind === 'violation'
      ? [{ src: p.src.yes, dst: slice(p.dst.yes) }]
      : [
          { src: diff(p.src.maybe, p.src.yes), dst: slice(p.dst.maybe) },
          { src: p.src.maybe, dst: slice(diff(p.dst.maybe, p.dst.yes)) },
        ],
  );
  // project() and point() usually ask about the same condition in turn: its slices are kept for the next call.
  let last: { extra: PacketSet; dst: PacketSet[] } | undefined;
  const within = (extra: PacketSet) => {
    if (last?.extra !== extra) last = { extra, dst: slices.map((x) => (extra === FULL ? x.dst : and(x.dst, extra))) };
    return last.dst;
  };
  return {
    project: (extra) => {
      const dst = within(extra);
      return unionAll(slices.map((x, i) => andExists(x.src, dst[i]!, SRC)));
    },
    point: (extra) => {
      const dst = within(extra);
      for (const [i, x] of slices.entries()) {
        const p = pickAnd(x.src, dst[i]!);
        if (p) return p;
      }
      return undefined;
    },
  };
}

const allowingMemo = new WeakMap<Filter, string[]>();
/** The resources (security groups) whose allow rules a filter holds, in rule order; per filter, not per question. */
function allowingResources(f: Filter): string[] {
  let ids = allowingMemo.get(f);
  if (!ids)
    allowingMemo.set(f, (ids = [...new Set(f.rules.filter((r) => r.action === 'allow').map((r) => r.ref.resourceId))]));
  return ids;
}

/**
 * A security group of the destinations' filters (any rule allows, so every group that admits some of the packets is
 * a rule to change, overlapping or not: removing one group's rule leaves the others admitting), with the packets it
 * admits and a witness packet (whose trace names any other group admitting it too). Asking which of the group's
 * rules admit some packet (one projection per rule) doubled the run on the benchmark: the witness's rule is named.
 */
function admittingGroup(f: Filter, id: string, m: MemberView, kind: Group['kind']): Admitting | undefined {
  const side = sideOf(kind);
  const admits = side(resourceAdmits(f, id));
  const part = m.project(admits);
  if (part === EMPTY) return undefined;
  const at = m.point(admits)!;
  // A rule that surely admits the witness before one that only may (an unresolved prefix list listed first).
  let ref: Ref | undefined;
  let maybe: Ref | undefined;
  const own = ownAllowRules(f, id);
  for (const r of own) {
    const v = ruleMatches(r, f.direction, at);
    if (v === 'yes') {
      ref = r.ref;
      break;
    }
    if (v !== 'no') maybe ??= r.ref;
  }
  ref ??= maybe ?? own[0]!.ref;
  return { located: { locate: ref, resourceType: resourceTypeOf(ref) }, part, extra: admits, at };
}

const ownAllowMemo = new WeakMap<Filter, Map<string, Filter['rules']>>();
/**
 * A security group's allow rules among a filter's, per filter and group: asked once per question about the group, a
 * scan of all the destination's rules each time (adversarial benchmark: ≈0.2 s of 40).
 */
function ownAllowRules(f: Filter, id: string): Filter['rules'] {
  let byId = ownAllowMemo.get(f);
  if (!byId) {
    ownAllowMemo.set(f, (byId = new Map<string, Filter['rules']>()));
    for (const r of f.rules)
      if (r.action === 'allow') {
        const list = byId.get(r.ref.resourceId);
        if (list) list.push(r);
        else byId.set(r.ref.resourceId, [r]);
      }
  }
  return byId.get(id) ?? [];
}

interface Admitting {
  located: { locate: Ref | undefined; resourceType: string };
  /** The protocol × port classes (per destination address) this resource admits. */
  part: PacketSet;
  /** The condition on source and protocol × port that selects them. */
  extra: PacketSet;
  /** A packet of the part, for the witness. */
  at: Point;
}

/**
 * The resources of a first-match inbound filter (NSG rules, firewall rules) that decide some of a destination group's
 * packets, each with the packets it decides: they partition the packets, taken out one by one (at most
 * MAX_RESOURCES_PER_DESTINATION before the rest goes to the last). Security groups: admittingGroup.
 */
function* admittingResources(
  model: NetworkModel,
  d: Interface,
  m: MemberView,
  kind: Group['kind'],
): Generator<Admitting> {
  const side = sideOf(kind);
  const p0 = m.point(FULL);
  if (!p0) return;
  const first = admittedBy(model, d, p0);
  let named = EMPTY;
  for (let n = 0; ; n++) {
    const rest = not(named);
    const p = n === 0 ? p0 : m.point(rest);
    if (!p) return;
    const located = n === 0 ? first : admittedBy(model, d, p);
    const own = located.locate ? and(side(resourceAdmits(located.filter, located.locate.resourceId)), rest) : EMPTY;
    // The last of a bounded number, or a decision no allow rule of the resource made: all that is left.
    const last = !(n + 1 < MAX_RESOURCES_PER_DESTINATION && own !== EMPTY && contains(own, p));
    const extra = last ? rest : own;
    yield { located, part: m.project(extra), extra, at: p };
    if (last) return;
    named = or(named, own);
  }
}

/** Violations towards the internet are located at the source subnet's route that leads there. */
function locateRoute(
  t: Trace,
  s: { id: string; routeTable?: { id: string } },
): { locate: Ref | undefined; resourceType: string } {
  const hop = t.hops.find((h) => h.ref && h.at === s.routeTable?.id && h.what.startsWith('routed'));
  // A system route (Azure) cannot be edited: then the subnet's outbound rule that let it out is the one to change.
  const filterHop = t.hops.find((h) => h.ref && h.at === s.id && h.what.startsWith('outbound allowed'));
  const locate =
    (hop?.ref?.label.startsWith('system route') && filterHop?.ref && !filterHop.ref.label.endsWith(NO_FILTER)
      ? filterHop.ref
      : hop?.ref) ?? t.hops.find((h) => h.ref)?.ref;
  return { locate, resourceType: locate?.resourceType ?? armType(locate) ?? 'AWS::EC2::RouteTable' };
}

function locateDrop(t: Trace): { locate: Ref | undefined; resourceType: string } {
  const hop = t.hops.find((h) => h.verdict === 'no') ?? t.hops.find((h) => h.verdict !== 'yes');
  const id = hop?.ref?.resourceId ?? hop?.at ?? '';
  const type = hop?.ref?.resourceType ?? armType(hop?.ref) ?? awsTypeOf(id);
  return { locate: hop?.ref ?? (hop ? { label: hop.what, resourceId: hop.at } : undefined), resourceType: type };
}

/** The ARM resource type of an Azure resource id (lower case, as ARM compares them); undefined for other ids. */
function armType(ref: Ref | undefined): string | undefined {
  return ref?.resourceId.startsWith('/subscriptions/') ? parseAzureId(ref.resourceId).type : undefined;
}

const allowedMemo = new WeakMap<ZonePolicy, Map<string, ProtoPortBox[]>>();
/** What the policy allows from one zone to another, as protocol × port boxes; once per pair, not per finding. */
function allowedBoxes(policy: ZonePolicy, from: string, to: string): ProtoPortBox[] {
  let m = allowedMemo.get(policy);
  if (!m) allowedMemo.set(policy, (m = new Map<string, ProtoPortBox[]>()));
  const k = `${from}\n${to}`;
  let r = m.get(k);
  if (!r) m.set(k, (r = protoPortBoxes(policySet(policy, from, to), 12)));
  return r;
}

function toFinding(g: Group, set: PacketSet, model: NetworkModel, policy: ZonePolicy): Finding {
  const meta =
    g.kind === 'violation'
      ? VERIFY_CHECKS.violation
      : g.kind === 'broken'
        ? VERIFY_CHECKS.broken
        : VERIFY_CHECKS.unknown;
  const allowed = g.kind === 'broken' || g.kind === 'intent';
  const cls = classes(set, 12);
  const scope = scopeOf(g, model);
  const resourceId = g.locate?.resourceId || `${g.from}->${g.to}`;
  const resource = {
    provider: model.provider,
    account: scope.account,
    region: scope.region,
    type: g.resourceType,
    id: resourceId,
  };
  const w = g.witness;
  const pair = `${g.from} -> ${g.to}`;
  const rules = pairRules(policy, g.from, g.to);
  const policyText = allowed
    ? `allowed by ${rules
        .filter((r) => r.action === 'allow')
        .map((r) => r.id)
        .join(', ')}`
    : rules.some((r) => r.action === 'deny')
      ? `denied by ${rules
          .filter((r) => r.action === 'deny')
          .map((r) => r.id)
          .join(', ')}`
      : 'denied by default (no rule allows it)';
  const blocking = w.trace.hops.find((h) => h.verdict === 'no') ?? w.trace.hops.find((h) => h.verdict !== 'yes');
  const message =
    g.kind === 'violation'
      ? `${pair}: ${cls.join(', ')} permitted by the configuration, ${policyText}; e.g. ${w.source} -> ${w.destination}: ${packetText(w.packet)} via ${g.locate?.label ?? '?'}`
      : g.kind === 'broken'
        ? `${pair}: ${cls.join(', ')} ${policyText} but blocked for ${g.count} source(s); e.g. ${w.source} -> ${w.destination}: ${packetText(w.packet)} ${blocking ? `stops at ${blocking.at}: ${blocking.what}` : ''}`
        : g.kind === 'intent'
          ? `${pair}: ${cls.join(', ')} ${policyText}, but cordon cannot decide whether the configuration lets it through for ${g.count} source(s): ${blocking ? `${blocking.at}: ${blocking.what}` : 'unresolved data'}; e.g. ${w.source} -> ${w.destination}: ${packetText(w.packet)}`
          : `${pair}: ${cls.join(', ')} may be permitted (${policyText}) but cordon cannot decide: ${blocking ? `${blocking.at}: ${blocking.what}` : 'unresolved data'}; e.g. ${w.source} -> ${w.destination}: ${packetText(w.packet)}`;
  // A drop that no rule decides (a missing public address) is located at the resource that lacks it.
  const origin: Origin | undefined =
    g.locate?.origin ??
    interfaceById(model).get(resourceId)?.ref.origin ??
    model.subnets.get(resourceId)?.ref.origin ??
    // …or, for a hop that is no resource of the inventory (a cloud's internet gateway), at the witness's last located hop.
    [...w.trace.hops].reverse().find((h) => h.ref?.origin)?.ref?.origin;
  const finding: Finding = {
    checkId: meta.id,
    title: meta.title,
    severity:
      g.kind === 'violation' && (g.to === model.internetZone || g.from === model.internetZone)
        ? 'critical'
        : meta.severity,
    status: g.kind === 'unknown' || g.kind === 'intent' ? 'not-assessed' : 'fail',
    resource,
    ...(origin ? { origin } : {}),
    message,
    evidence: {
      from: g.from,
      to: g.to,
      classes: cls,
      groupedWitnesses: g.count,
      policy: policyText,
      ...(g.locate ? { rule: g.locate.label } : {}),
      ...(g.rules.size > 1 ? { rules: [...g.rules.keys()].sort().slice(0, 20), ruleCount: g.rules.size } : {}),
      witness: {
        source: w.source,
        destination: w.destination,
        packet: packetText(w.packet),
        path: w.trace.hops.map(hopJson),
      },
    },
    remediation: remediationFor(
      {
        kind: g.kind,
        from: g.from,
        to: g.to,
        locate: g.locate,
        classes: protoPortBoxes(set, 12),
        allowedInto: (zone) => allowedBoxes(policy, zone, g.to),
        allowedFrom: (zone) => allowedBoxes(policy, g.from, zone),
        trace: w.trace,
        packet: w.packet,
        account: scope.account,
        region: scope.region,
      },
      model,
      policy,
      meta.remediation,
    ),
    references: [REFERENCES[model.provider]],
    // The rule's label, not its file position: a baseline must survive collecting the same account again.
    fingerprint: fingerprintOf(meta.id, {
      ...resource,
      id: `${g.from}->${g.to}|${resourceId}|${g.locate?.label ?? ''}${g.kind === 'intent' ? '|intent' : ''}`,
    }),
  };
  findingScopes.set(finding, [...g.scopes].sort());
  return finding;
}

const interfacesById = new WeakMap<NetworkModel, Map<string, Interface>>();
/** The model's first interface of each id, for findings located at one (a scan per finding grew with both). */
function interfaceById(model: NetworkModel): Map<string, Interface> {
  let m = interfacesById.get(model);
  if (!m) {
    m = new Map();
    for (const i of model.interfaces) if (!m.has(i.id)) m.set(i.id, i);
    interfacesById.set(model, m);
  }
  return m;
}

/**
 * Every scope (account/region) whose interfaces a zone finding is about, beside the scope of the rule to change it
 * is located at: `cordon scan` gives none of them a pass for the finding's check. Kept out of the finding (reports
 * stay as they were).
 */
export const findingScopes = new WeakMap<Finding, readonly string[]>();

const REFERENCES: Record<NetworkModel['provider'], string> = {
  aws: 'https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html',
  azure: 'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
  gcp: 'https://cloud.google.com/firewall/docs/firewalls',
};

const scopeIndex = new WeakMap<NetworkModel, Map<string, string>>();

/** The account/region of the located resource (a subnet, route table, interface or one of its groups). */
function scopeOf(g: Group, model: NetworkModel): { account: string; region: string } {
  let index = scopeIndex.get(model);
  if (!index) {
    index = new Map();
    const put = (k: string | undefined, scope: string) => {
      if (k !== undefined && !index!.has(k)) index!.set(k, scope);
    };
    for (const s of model.subnets.values()) {
      put(s.id, s.scope);
      put(s.ref.resourceId, s.scope);
      if (s.routeTable) put(s.routeTable.id, s.scope);
      for (const r of s.routeTable?.routes ?? []) put(r.ref.resourceId, s.scope);
      if (s.inbound) put(s.inbound.id, s.scope);
      for (const f of [s.inbound, s.outbound]) put(f?.rules[0]?.ref.resourceId, s.scope);
    }
    for (const i of model.interfaces) {
      put(i.id, i.scope);
      put(i.ref.resourceId, i.scope);
      for (const f of [i.inbound, i.outbound]) put(f.rules[0]?.ref.resourceId, i.scope);
      put(i.internetEgress?.via.resourceId, i.scope);
      for (const gid of i.inbound.id.split('+')) put(gid, i.scope);
    }
    for (const f of model.firewalls?.values() ?? [])
      for (const r of f.filter.rules) put(r.ref.resourceId, model.subnets.get(f.subnet)?.scope ?? '/');
    scopeIndex.set(model, index);
  }
  const scope =
    g.locate?.scope ?? index.get(g.locate?.resourceId ?? '') ?? [...model.networks.values()][0]?.scope ?? '/';
  const [account, region] = scope.split('/') as [string, string];
  return { account: account ?? '', region: region ?? '' };
}
