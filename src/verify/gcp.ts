/**
 * The Google Cloud compiler: inventory → provider-neutral network model. What Google Cloud does, and how it maps
 * (Google's "VPC firewall rules", "Firewall policy rule evaluation order", "Routes", "Cloud NAT overview" and "VPC
 * Network Peering" docs; where a seed says otherwise, these win):
 *
 * - Cloud NGFW is stateful and per VM network interface, both directions; subnets have no filter of their own (the
 *   model's subnet filters are open). The order of what applies — hierarchical policies from the organization down,
 *   VPC firewall rules and the global / regional network firewall policies in the network's
 *   networkFirewallPolicyEnforcementOrder, then the implied rules (deny all ingress, allow all egress, priority
 *   65535) — comes from checks/gcp/firewall-eval.ts (`firewallSetup`, `narrowSetup`), never re-derived here. Each
 *   interface gets one first-match list per direction that evaluates the same: the stages one after the other (the
 *   stage sorts lowest priority number first, deny before allow at equal priority), and a goto_next rule becomes,
 *   at its place, the rest of the chain (the next stages and the implied rule) restricted to what the goto_next rule
 *   matches, so those packets never meet the later rules of its own policy. Disabled rules are not in the setup.
 * - Target tags, target service accounts and target resources select the interfaces a rule applies to (a rule
 *   cordon cannot match to the VM — secure tags — applies "maybe": its remotes become unknown). Source tags and
 *   source service accounts are the primary internal addresses of the interfaces in the same network that carry them
 *   (none in the inventory: unknown). FQDNs, geolocations, address groups, threat lists, source secure tags: unknown.
 * - Routes belong to the network, not the subnet: subnet routes (local; Google forbids a static route equal to or
 *   more specific than a subnet range, so they always win), the Private Service Connect endpoints for Google APIs
 *   (local), peered networks' subnet ranges (peering; not transitive: only the peer's own subnets, and only while
 *   both sides are ACTIVE), static routes (next hop default-internet-gateway → the internet; an instance, address,
 *   internal load balancer, VPN tunnel or hub → unknown). Selection is the longest prefix first, then the lowest
 *   priority number ("Routes": routing order); equal prefix and priority with different next hops is ECMP, which the
 *   model cannot follow: unknown. A static route with tags applies only to instances carrying one of them: the
 *   interfaces of a subnet that see different tagged routes sit in model subnets of their own, one per route table.
 * - Dynamic routes ("Learned routes", "Routes"): a Cloud Router with a BGP session or a linked VPN tunnel / VLAN
 *   attachment programs the prefixes it learned (routers.getRouterStatus: bestRoutes, the routes in its region's data
 *   plane, and bestRoutesForRouter). Each is a route to an unknown next hop — the tunnel, attachment or BGP peer leads
 *   outside Google Cloud — in the router's region (REGIONAL dynamic routing) or every region (GLOBAL, or a routing
 *   mode not read). A learned prefix equal to or inside a subnet or peering subnet range is not installed. Against a
 *   static route of the same prefix it loses only to a strictly lower priority number: the reported priority is a
 *   lower bound (other regions add a region-to-region cost, best path selection only adds), and who wins a tie is not
 *   documented. DROPPED routes (over the dynamic route limit) are not in the data plane; the others (ACTIVE, PENDING,
 *   INACTIVE) count. A router whose status was not read, or whose enabled BGP session is not UP in it (a session down
 *   has withdrawn its routes, which return with it), leaves every destination beyond the subnets unknown where its
 *   routes apply. A peer's dynamic routes are imported with its custom routes (import/exportCustomRoutes), in
 *   every region.
 * - The internet: the default internet gateway is always there, routes decide. A packet gets a public source
 *   address from an external IPv4 address on the interface, else from a public Cloud NAT of the network's router
 *   in the subnet's region that covers the subnet; Cloud NAT needs the route to the default internet gateway too (it
 *   is only a source translation), so without that route there is no egress. Inbound needs the external address.
 *   IPv6: external IPv6 addresses (ipv6AccessConfigs) are public; internal (ULA) ones are left out of the model.
 * - Private Google Access VIPs (private/restricted.googleapis.com) are Google APIs, not the internet: excluded from
 *   the internet space. PSC endpoints for a Google APIs bundle are service endpoints of the policy zone that names a
 *   Google API they serve (aiplatform.googleapis.com); VPC ingress rules do not apply to them.
 * - Shared VPC: a service project's instance sits in the host project's subnet through its interface's network and
 *   subnetwork references; the host network's rules and routes apply.
 */
import type { Origin } from '../findings/types.js';
import {
  gcpIdKey,
  gcpScopeKey,
  projectOfId,
  shortName,
  type GcpInstance,
  type GcpInstanceNetworkInterface,
  type GcpInventory,
  type GcpWorkbenchInstance,
  type GcpNetwork,
  type GcpRoute,
  type GcpLearnedRoute,
  type GcpRouter,
  type GcpRouterStatus,
  type GcpSubnetwork,
} from '../inventory/gcp.js';
import type { ZonePolicy } from '../policy/load.js';
import { placeGcp } from '../checks/gcp/support.js';
import {
  firewallSetup,
  GOOGLE_SOURCE_RANGES,
  IMPLIED_EGRESS,
  IMPLIED_INGRESS,
  narrowSetup,
  targetSensitivity,
  type CompiledFirewallRule,
  type FirewallRuleRef,
  type FirewallSetup,
} from '../checks/gcp/firewall-eval.js';
import type { AddressSet } from '../checks/gcp/address-set.js';
import {
  bundleOf,
  googleApisEndpoints,
  networkApiAccess,
  PRIVATE_VIP,
  RESTRICTED_VIP,
  type NetworkApiAccess,
} from '../checks/gcp/private-access.js';
import { tryParseCidr, type Cidr } from '../util/cidr.js';
import { ANY, oneRuleFilter, PUBLIC } from './azure.js';
import { cidrsIn, deployLabel, planStandIns, type PendingInterface } from './deploy-addresses.js';
import { unfollowedService } from './private-services.js';
import { compileGcpLoadBalancers, type LbInterface } from './gcp-load-balancers.js';
import type {
  AddressSpace,
  Filter,
  FilterRule,
  Interface,
  LoadBalancer,
  ModelGap,
  Network,
  NetworkModel,
  Peering,
  Ref,
  Remote,
  Route,
  RouteTable,
  RouteTarget,
  Subnet,
} from './model.js';

const cidr = (text: string): Cidr => tryParseCidr(text)!;
const GATEWAY = 'default-internet-gateway';

/** Bundles of Google APIs a PSC endpoint serves: every Google API (vpc-sc: those VPC Service Controls supports). */
const BUNDLE_SERVES = (service: string) => service.endsWith('.googleapis.com');

// ---------------------------------------------------------------------------------------------------------------
// Address sets (firewall-eval's bigint intervals) → CIDRs

const V4_BASE = 1n << 129n;

function v4Text(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((n >> s) & 255n).toString()).join('.');
}

function v6Text(n: bigint): string {
  const parts: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) parts.push(((n >> s) & 0xffffn).toString(16));
  return parts.join(':');
}

/** The fewest CIDRs that cover an inclusive range exactly. */
function rangeCidrs(lo: bigint, hi: bigint, family: 4 | 6): Cidr[] {
  const bits = family === 4 ? 32 : 128;
  const out: Cidr[] = [];
  let a = lo;
  while (a <= hi) {
    let size = 0;
    while (size < bits && (a & ((1n << BigInt(size + 1)) - 1n)) === 0n && a + (1n << BigInt(size + 1)) - 1n <= hi)
      size++;
    out.push(cidr(`${family === 4 ? v4Text(a) : v6Text(a)}/${bits - size}`));
    a += 1n << BigInt(size);
  }
  return out;
}

export function cidrsOfSet(set: AddressSet): Cidr[] {
  return set.flatMap(([lo, hi]) => (lo >= V4_BASE ? rangeCidrs(lo - V4_BASE, hi - V4_BASE, 4) : rangeCidrs(lo, hi, 6)));
}

// ---------------------------------------------------------------------------------------------------------------
// First-match rules with intersection (for goto_next)

/** Remotes: undefined matches every address. */
type Side = Remote[] | undefined;

interface Match {
  proto: readonly [number, number];
  ports: readonly [number, number];
}

interface FlatRule {
  action: 'allow' | 'deny';
  matches: Match[];
  remotes: Side;
  locals: Side;
  ref: Ref;
}

const within = (r: Remote): AddressSpace | undefined =>
  r.kind === 'cidr'
    ? { include: [r.cidr], exclude: [] }
    : r.kind === 'members'
      ? { include: r.addresses, exclude: [] }
      : r.kind === 'unknown'
        ? r.within
        : r.space;

function cidrMeet(a: Cidr, b: Cidr): Cidr | undefined {
  if (a.family !== b.family) return undefined;
  if (a.first <= b.first && b.last <= a.last) return b;
  if (b.first <= a.first && a.last <= b.last) return a;
  return undefined;
}

/** The addresses two remotes both match (CIDRs nest or are disjoint); unknown stays unknown, bounded by the other. */
function meetRemote(a: Remote, b: Remote): Remote | undefined {
  if (a.kind === 'unknown' || b.kind === 'unknown') {
    const [u, o] = a.kind === 'unknown' ? [a, b] : [b as Extract<Remote, { kind: 'unknown' }>, a];
    const bound = o.kind === 'unknown' ? u.within : within(o);
    const reason = o.kind === 'unknown' ? `${u.reason}; ${o.reason}` : u.reason;
    return { kind: 'unknown', reason, ...(bound ? { within: bound } : {}) };
  }
  const list = (r: Remote): Cidr[] => (r.kind === 'cidr' ? [r.cidr] : r.kind === 'members' ? r.addresses : []);
  const out = list(a).flatMap((x) => list(b).flatMap((y) => cidrMeet(x, y) ?? []));
  if (out.length === 0) return undefined;
  return {
    kind: 'members',
    label: a.kind === 'members' ? a.label : b.kind === 'members' ? b.label : 'addresses',
    addresses: out,
  };
}

function meetSide(a: Side, b: Side): Side | null {
  if (!a) return b;
  if (!b) return a;
  const out = a.flatMap((x) => b.flatMap((y) => meetRemote(x, y) ?? []));
  return out.length ? out : null;
}

function meetMatches(a: readonly Match[], b: readonly Match[]): Match[] {
  const out: Match[] = [];
  for (const x of a)
    for (const y of b) {
      const proto: [number, number] = [Math.max(x.proto[0], y.proto[0]), Math.min(x.proto[1], y.proto[1])];
      const ports: [number, number] = [Math.max(x.ports[0], y.ports[0]), Math.min(x.ports[1], y.ports[1])];
      if (proto[0] <= proto[1] && ports[0] <= ports[1]) out.push({ proto, ports });
    }
  return out;
}

/** `r` restricted to the packets `g` matches, or undefined when none. */
function meetRule(r: FlatRule, g: FlatRule): FlatRule | undefined {
  const matches = meetMatches(r.matches, g.matches);
  const remotes = meetSide(r.remotes, g.remotes);
  const locals = meetSide(r.locals, g.locals);
  if (matches.length === 0 || remotes === null || locals === null) return undefined;
  return {
    action: r.action,
    matches,
    remotes,
    locals,
    ref: { ...r.ref, label: `${r.ref.label}, reached by goto_next of ${g.ref.label}` },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Protocols

const PROTOCOL_NUMBER: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  ipip: 4,
  tcp: 6,
  udp: 17,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  sctp: 132,
};

/** Protocol and port matches of a rule's layer-4 list; `unresolved` when a protocol or its ports cannot be modelled. */
function l4Matches(l4: CompiledFirewallRule['l4']): { matches: Match[]; unresolved?: string } {
  const matches: Match[] = [];
  for (const e of l4) {
    if (e.protocol === 'all') {
      matches.push({ proto: [0, 255], ports: [0, 65535] });
      continue;
    }
    const n = /^\d+$/.test(e.protocol) ? Number(e.protocol) : PROTOCOL_NUMBER[e.protocol];
    if (n === undefined || n > 255) return { matches, unresolved: `protocol ${e.protocol}` };
    const ported = n === 6 || n === 17;
    if (!ported && e.ports.length > 0) return { matches, unresolved: `ports of protocol ${e.protocol}` };
    for (const p of e.ports.length ? e.ports : [[0, 65535] as [number, number]])
      matches.push({ proto: [n, n], ports: p });
  }
  return { matches };
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * An item's part (an interface, a NAT) located in its snapshot file by its JSON pointer. Infrastructure as code
 * locates an item at its declaration's line, with the resource's address as pointer (terraform/rendered.ts): there the
 * part's pointer is into the rendered document, not the file, and the declaration stays the location.
 */
function at(origin: Origin | undefined, pointer: string | undefined): Origin | undefined {
  if (origin?.kind !== 'file' || !pointer) return origin;
  if (origin.line !== undefined && origin.pointer !== undefined && !origin.pointer.startsWith('/')) return origin;
  return { kind: 'file', file: origin.file, pointer };
}

/** A rule's remote side as ranges, when it names nothing but ranges (what a narrowed copy of it may keep). */
function remoteRangesOf(remote: {
  ranges?: AddressSet;
  sourceTags: string[];
  sourceServiceAccounts: string[];
  unresolved: string[];
}): string[] | undefined {
  if (remote.sourceTags.length || remote.sourceServiceAccounts.length || remote.unresolved.length) return undefined;
  return remote.ranges === undefined ? ['0.0.0.0/0', '::/0'] : cidrsOfSet(remote.ranges).map((c) => c.text);
}

function refOf(r: FirewallRuleRef, direction: 'in' | 'out', remoteRanges?: string[]): Ref {
  const where =
    r.layer === 'vpc'
      ? `VPC firewall rule ${r.label}`
      : r.layer === 'implied'
        ? r.label
        : `firewall policy rule ${r.label}`;
  const project = projectOfId(r.id);
  const region = /\/regions\/([^/]+)\//.exec(gcpIdKey(r.id))?.[1] ?? 'global';
  return {
    resourceType: r.layer === 'vpc' ? 'compute.googleapis.com/Firewall' : 'compute.googleapis.com/FirewallPolicy',
    ...(project ? { scope: `${project}/${region}` } : {}),
    label:
      r.layer === 'implied'
        ? where
        : `${where} (${direction === 'in' ? 'ingress' : 'egress'}, priority ${r.priority}, ${r.action})`,
    resourceId: r.id,
    ...(r.origin ? { origin: r.origin } : {}),
    fix: {
      kind: 'gcp-firewall-rule',
      layer: r.layer === 'vpc' ? 'vpc' : r.layer === 'implied' ? 'implied' : 'policy',
      id: r.id,
      name: r.layer === 'vpc' ? r.label : shortName(r.id),
      priority: r.priority,
      direction,
      action: r.action,
      ...(remoteRanges ? { remoteRanges } : {}),
    },
  };
}

interface Member {
  ip: Cidr;
  tags: readonly string[];
  serviceAccounts: readonly string[];
}

/**
 * One interface's filter for one direction from the firewall setup of its network, region and identity (see the
 * module comment).
 */
function compileFilter(
  id: string,
  setup: FirewallSetup,
  direction: 'in' | 'out',
  members: readonly Member[],
  networkKey: string,
  notes: Set<string>,
  defaultOrigin: Origin | undefined,
): Filter {
  const implied = direction === 'in' ? IMPLIED_INGRESS : IMPLIED_EGRESS;
  const impliedRule: FlatRule = {
    action: implied.action as 'allow' | 'deny',
    matches: [{ proto: [0, 255], ports: [0, 65535] }],
    remotes: undefined,
    locals: undefined,
    // The implied rules belong to the network: a violation they admit is fixed by a rule in it.
    ref: {
      ...refOf(implied, direction),
      resourceId: networkKey,
      resourceType: 'compute.googleapis.com/Network',
      scope: `${projectOfId(networkKey) ?? ''}/global`,
      ...(defaultOrigin ? { origin: defaultOrigin } : {}),
    },
  };
  const filter = (rules: FlatRule[]): Filter => ({
    id,
    direction,
    order: 'first-match',
    stateful: true,
    rules: rules.flatMap((r) =>
      r.matches.map((m): FilterRule => ({
        action: r.action,
        proto: m.proto,
        ports: m.ports,
        remotes: r.remotes ?? ANY,
        ...(r.locals ? { locals: r.locals } : {}),
        ref: r.ref,
      })),
    ),
    defaultRef: impliedRule.ref,
  });
  /** Everything this filter decides is unknown (one allow rule that may match anything). */
  const unknownFilter = (reason: string, label: string): Filter =>
    filter([
      {
        action: 'allow',
        matches: [{ proto: [0, 255], ports: [0, 65535] }],
        remotes: [{ kind: 'unknown', reason }],
        locals: undefined,
        ref: { label, resourceId: networkKey },
      },
    ]);
  if (setup.unknown.length) {
    for (const u of setup.unknown) notes.add(`firewall of ${networkKey}: ${u}; traffic it decides is unknown`);
    return unknownFilter(setup.unknown.join('; '), `${id}: firewall rules not known (${setup.unknown[0]})`);
  }
  const flat = (r: CompiledFirewallRule): FlatRule | 'goto' | undefined => {
    const l4 = l4Matches(r.l4);
    const unsure: string[] = [];
    if (l4.unresolved) unsure.push(l4.unresolved);
    if (r.targetSecureTags.length)
      unsure.push(`targets secure tags ${r.targetSecureTags.join(', ')} (tag bindings are not in the inventory)`);
    if (r.remote.context) unsure.push(`matches only in ${r.remote.context}, which the addresses do not decide`);
    let remotes: Remote[] | undefined;
    if (r.remote.ranges !== undefined) {
      remotes = cidrsOfSet(r.remote.ranges).map((c): Remote => ({ kind: 'cidr', cidr: c }));
      if (r.remote.sourceTags.length || r.remote.sourceServiceAccounts.length) {
        const found = members.filter(
          (m) =>
            r.remote.sourceTags.some((t) => m.tags.includes(t)) ||
            r.remote.sourceServiceAccounts.some((s) =>
              m.serviceAccounts.some((x) => x.toLowerCase() === s.toLowerCase()),
            ),
        );
        const label = [
          ...r.remote.sourceTags.map((t) => `tag ${t}`),
          ...r.remote.sourceServiceAccounts.map((s) => `service account ${s}`),
        ].join(', ');
        if (found.length)
          remotes.push({ kind: 'members', label: `instances with ${label}`, addresses: found.map((m) => m.ip) });
        else {
          notes.add(
            `${r.ref.label} names sources by ${label}, which no instance of ${networkKey} in the inventory carries: traffic it decides is unknown`,
          );
          remotes.push({ kind: 'unknown', reason: `no instance in the inventory with ${label}` });
        }
      }
      for (const u of r.remote.unresolved)
        remotes.push({ kind: 'unknown', reason: `${u} (addresses not in the inventory)` });
      if (r.remote.unresolved.length)
        notes.add(`${r.ref.label} matches ${r.remote.unresolved.join(', ')}: traffic it decides is unknown`);
      if (remotes.length === 0) return undefined;
    }
    if (unsure.length) {
      notes.add(`${r.ref.label} ${unsure.join('; ')}: traffic it decides is unknown`);
      const bound = remotes?.map(within);
      const known = bound?.every((b): b is AddressSpace => b !== undefined) ? bound : undefined;
      remotes = [
        {
          kind: 'unknown',
          reason: unsure.join('; '),
          ...(known ? { within: { include: known.flatMap((b) => b.include), exclude: [] } } : {}),
        },
      ];
    }
    const locals = r.local ? cidrsOfSet(r.local).map((c): Remote => ({ kind: 'cidr', cidr: c })) : undefined;
    if (r.ref.action === 'goto_next') return 'goto';
    return {
      action: r.ref.action,
      matches: l4.matches.length ? l4.matches : [{ proto: [0, 255], ports: [0, 65535] }],
      remotes,
      locals,
      ref: refOf(r.ref, direction, remoteRangesOf(r.remote)),
    };
  };
  const stages = setup.stages;
  const memo = new Map<number, FlatRule[]>();
  /** The first-match list from stage `k` to the implied rule. */
  const chain = (k: number): FlatRule[] => {
    const hit = memo.get(k);
    if (hit) return hit;
    let out: FlatRule[];
    if (k >= stages.length) out = [impliedRule];
    else {
      out = [];
      for (const r of stages[k]!.rules) {
        const f = flat(r);
        if (f === undefined) continue;
        if (f !== 'goto') {
          out.push(f);
          continue;
        }
        // goto_next: the packets it matches skip the rest of this stage and are decided by the next stages.
        const g = flat({ ...r, ref: { ...r.ref, action: 'allow' } }) as FlatRule | undefined;
        if (!g) continue;
        const gRef = refOf(r.ref, direction);
        for (const next of chain(k + 1)) {
          const m = meetRule(next, { ...g, ref: gRef });
          if (m) out.push(m);
        }
        if (out.length > MAX_FLAT_RULES) break;
      }
      out.push(...chain(k + 1));
    }
    memo.set(k, out);
    return out;
  };
  const rules = chain(0);
  // goto_next copies the chain after it: nested ones multiply. Past a bound the filter is unknown, not truncated.
  if (rules.length > MAX_FLAT_RULES) {
    notes.add(`${id}: goto_next rules expand to more than ${MAX_FLAT_RULES} rules; its traffic is unknown`);
    return unknownFilter(
      'too many goto_next combinations',
      `${id}: goto_next rules expand beyond what cordon evaluates`,
    );
  }
  return filter(rules);
}

const MAX_FLAT_RULES = 20_000;

/** A filter that lets everything through (GCP subnets; PSC endpoints, which VPC rules do not filter). */
const openFilter = (id: string, direction: 'in' | 'out', ref: Ref): Filter => oneRuleFilter(id, direction, ANY, ref);

/** Short, unique display names: the name, else project/name, else the relative name. */
function namer<T extends { id: string; name: string; project: string }>(items: readonly T[]) {
  const count = new Map<string, number>();
  for (const x of items) count.set(x.name, (count.get(x.name) ?? 0) + 1);
  const pCount = new Map<string, number>();
  for (const x of items) pCount.set(`${x.project}/${x.name}`, (pCount.get(`${x.project}/${x.name}`) ?? 0) + 1);
  return (x: T): string =>
    count.get(x.name) === 1
      ? x.name
      : pCount.get(`${x.project}/${x.name}`) === 1
        ? `${x.project}/${x.name}`
        : gcpIdKey(x.id);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const isUla = (c: Cidr) => c.family === 6 && c.first >> 121n === 0x7en;

/**
 * A Workbench instance runs on a Compute Engine VM of its name in its project. Where that VM was not read (a Terraform
 * tree declares only the Workbench instance), the VM its gceSetup describes stands in for it: its network interfaces,
 * tags, service accounts and labels, its internal address assigned at deploy (a stand-in address of its subnetwork),
 * an external address where gceSetup gives one. A Workbench instance whose interfaces name no subnetwork stays a gap.
 */
function withWorkbenchVms(inv: GcpInventory): GcpInventory {
  const vms = new Set(inv.instances.map((i) => `${i.project}/${i.name}`));
  const described = inv.workbenchInstances.filter(
    (w) =>
      !vms.has(`${w.project}/${w.name}`) &&
      w.networkInterfaces.length > 0 &&
      w.networkInterfaces.every((n) => n.subnet !== undefined),
  );
  if (described.length === 0) return inv;
  const vmOf = (w: GcpWorkbenchInstance): GcpInstance => ({
    project: w.project,
    region: w.region,
    zone: w.zone,
    origin: w.origin,
    id: `projects/${w.project}/zones/${w.zone}/instances/${w.name}`,
    name: w.name,
    labels: w.labels,
    networkInterfaces: w.networkInterfaces.map((n, i) => ({
      name: `nic${i}`,
      ...(n.network ? { network: n.network } : {}),
      subnetwork: n.subnet!,
      accessConfigs: n.hasExternalIp ? [{ type: 'ONE_TO_ONE_NAT' }] : [],
      ipv6AccessConfigs: [],
      aliasIpRanges: [],
      pointer: n.pointer,
    })),
    tags: w.tags,
    serviceAccounts: w.serviceAccounts,
  });
  return { ...inv, instances: [...inv.instances, ...described.map(vmOf)] };
}

export function compileGcp(input: GcpInventory, policy: ZonePolicy): NetworkModel {
  const inv = withWorkbenchVms(input);
  // The Google API ranges a route alone carries Private Google Access to (the most specific untagged route to them,
  // to the default internet gateway, and no Private Service Connect endpoint for Google APIs in its network): a fix
  // deleting that route must route them first, or Vertex AI calls over Private Google Access stop.
  const apiAccess = new Map<string, NetworkApiAccess>();
  const apiVipsOf = (r: GcpRoute): string[] => {
    const nk = gcpIdKey(r.network);
    let a = apiAccess.get(nk);
    if (!a) apiAccess.set(nk, (a = networkApiAccess(inv, r.network)));
    if (a.psc.endpoints.length > 0) return [];
    return [a.private, a.restricted].filter((v) => v.reachable && v.route?.id === r.id).map((v) => v.vip);
  };
  const zones = placeGcp(inv, policy);
  const notes = new Set<string>();
  const gaps: ModelGap[] = [];
  /** A gap for whole projects: noted once, and the projects are not verified (never a pass). */
  const gap = (projects: readonly string[], subjects: readonly string[], reason: string, note: string, o?: Origin) => {
    notes.add(note);
    gaps.push({
      scopes: projects.map((p) => `${p}/global`),
      subjects: [...subjects],
      reason,
      ...(o ? { origin: o } : {}),
    });
  };
  const netName = namer(inv.networks);
  const subName = namer(inv.subnetworks);
  const instName = namer(inv.instances);
  const networksById = new Map(inv.networks.map((n) => [gcpIdKey(n.id), n]));
  const subnetsById = new Map(inv.subnetworks.map((s) => [gcpIdKey(s.id), s]));
  const internetZone = [...policy.zones.values()].find((z) => z.kind === 'internet')?.name;
  const serviceZone = new Map<string, string>();
  for (const z of policy.zones.values())
    if (z.kind === 'service') for (const s of z.services?.gcp ?? []) serviceZone.set(s.toLowerCase(), z.name);

  const rangesOf = (s: GcpSubnetwork): Cidr[] =>
    [s.ipCidrRange, ...s.secondaryIpRanges.map((r) => r.ipCidrRange)].flatMap((t) =>
      t ? (tryParseCidr(t) ?? []) : [],
    );
  const subnetsOfNet = new Map<string, GcpSubnetwork[]>();
  for (const s of inv.subnetworks) {
    const k = gcpIdKey(s.network);
    push(subnetsOfNet, k, s);
  }

  // ---- PSC endpoints for Google APIs: service endpoints of the zone that names a Google API they serve
  const pscOf = new Map<string, { name: string; ip: Cidr; service: string; zone: string; ref: Ref }[]>();
  for (const n of inv.networks) {
    const eps = googleApisEndpoints(inv, n.id);
    for (const e of eps.endpoints) {
      const ip = tryParseCidr(e.ip);
      const svc = [...serviceZone.keys()].sort().find(BUNDLE_SERVES);
      if (!ip || !svc) continue;
      const list = pscOf.get(gcpIdKey(n.id)) ?? [];
      list.push({
        name: `${netName(n)}/psc ${e.rule.name}`,
        ip,
        service: svc,
        zone: serviceZone.get(svc)!,
        ref: {
          label: `PSC endpoint ${e.rule.name} (${e.bundle}) at ${e.ip}`,
          resourceId: e.rule.id,
          origin: e.rule.origin,
          resourceType: 'compute.googleapis.com/ForwardingRule',
          scope: gcpScopeKey(e.rule),
        },
      });
      pscOf.set(gcpIdKey(n.id), list);
    }
  }

  // ---- peerings: both sides ACTIVE; each exchanges its subnet ranges only (not transitive)
  const peerings = new Map<string, Peering>();
  const peersOf = new Map<string, { other: GcpNetwork; id: string }[]>();
  /** Per network: peer networks not in the inventory (their subnet routes may take any destination). */
  const unknownPeersOf = new Map<string, { peering: string; network: string }[]>();
  /** Per network: the peers whose custom routes it imports (the peer exports them). */
  const importsFrom = new Map<string, GcpNetwork[]>();
  for (const a of inv.networks)
    for (const p of a.peerings) {
      if ((p.state ?? 'ACTIVE').toUpperCase() !== 'ACTIVE') continue;
      const b = networksById.get(gcpIdKey(p.network));
      if (!b) {
        notes.add(
          `peering ${p.name} of ${netName(a)}: the peer network ${shortName(p.network)} is not in the inventory, so routing of ${netName(a)} beyond its subnets is unknown`,
        );
        push(unknownPeersOf, gcpIdKey(a.id), { peering: p.name, network: shortName(p.network) });
        continue;
      }
      const back = b.peerings.find(
        (q) => gcpIdKey(q.network) === gcpIdKey(a.id) && (q.state ?? 'ACTIVE').toUpperCase() === 'ACTIVE',
      );
      if (!back) continue;
      const [x, y] = [netName(a), netName(b)].sort() as [string, string];
      const id = `${x}<->${y}`;
      if (!peerings.has(id))
        peerings.set(id, {
          id,
          networks: [x, y],
          ref: {
            label: `VPC peering ${p.name} / ${back.name}`,
            resourceId: a.id,
            ...(at(a.origin, p.pointer) ? { origin: at(a.origin, p.pointer)! } : {}),
          },
        });
      push(peersOf, gcpIdKey(a.id), { other: b, id });
      if (p.importCustomRoutes && back.exportCustomRoutes) push(importsFrom, gcpIdKey(a.id), b);
    }

  // ---- routes per network and set of tagged routes that apply
  const routesOf = new Map<string, GcpRoute[]>();
  for (const r of inv.routes) {
    const k = gcpIdKey(r.network);
    push(routesOf, k, r);
  }
  /**
   * Networks with dynamic routes: a Cloud Router with a BGP session, or linked to a VPN tunnel or an Interconnect
   * attachment, learns routes compute:routes does not list (see learnedRoutes). Where its routers.getRouterStatus
   * answer was not read, routing beyond the subnets is unknown where the routes apply.
   */
  const dynamicOf = new Map<string, GcpRouter[]>();
  const statusOf = new Map(inv.routerStatuses.map((s) => [gcpIdKey(s.id), s] as const));
  for (const r of inv.routers) {
    const sessions = (r.bgpPeers ?? []).filter((b) => (b.enable ?? 'TRUE').toUpperCase() !== 'FALSE');
    const links = (r.interfaces ?? []).filter((i) => i.linkedVpnTunnel || i.linkedInterconnectAttachment);
    if (sessions.length + links.length > 0) push(dynamicOf, gcpIdKey(r.network), r);
  }
  /** Custom routes another network exports over peering: static routes without tags to a next hop other than the default internet gateway. */
  const exported = (b: GcpNetwork): GcpRoute[] =>
    (routesOf.get(gcpIdKey(b.id)) ?? []).filter((r) => {
      const type = (r.routeType ?? 'STATIC').toUpperCase();
      if (type !== 'STATIC' || r.tags.length > 0 || r.nextHopNetwork || r.nextHopPeering) return false;
      return !(r.nextHopGateway && shortName(r.nextHopGateway) === GATEWAY);
    });
  const opaqueRoute = (n: GcpNetwork, text: string, id: string, reason: string, ref: Ref): Route => {
    notes.add(`${netName(n)}: ${reason}, so its routing beyond its subnets is unknown`);
    return { destinationText: text, target: { kind: 'unknown', id, reason }, ref };
  };
  /** REGIONAL dynamic routing: a router's learned routes apply in its own region only ("Learned routes"). */
  const regionalRouting = (n: GcpNetwork) => (n.routingMode ?? '').toUpperCase() === 'REGIONAL';
  const routerRef = (r: GcpRouter, label: string, origin: Origin | undefined = r.origin): Ref => ({
    label,
    resourceId: r.id,
    ...(origin ? { origin } : {}),
    resourceType: 'compute.googleapis.com/Router',
    scope: gcpScopeKey(r),
  });
  const targetOf = (r: GcpRoute): RouteTarget => {
    if (r.nextHopGateway)
      return shortName(r.nextHopGateway) === GATEWAY
        ? { kind: 'internet', id: GATEWAY, egressOnly: false }
        : { kind: 'unknown', id: shortName(r.nextHopGateway), reason: `gateway ${shortName(r.nextHopGateway)}` };
    const hop = r.nextHopInstance ?? r.nextHopIp ?? r.nextHopIlb ?? r.nextHopVpnTunnel ?? r.nextHopHub;
    return {
      kind: 'unknown',
      id: hop ? shortName(hop) : r.name,
      reason: `next hop ${hop ? shortName(hop) : '(none)'} is not modelled`,
    };
  };
  const tables = new Map<string, RouteTable>();
  /**
   * `region`: the region of the subnet the table serves; undefined (a global PSC endpoint) takes the learned routes
   * of every region, which only makes more destinations unknown.
   */
  const tableFor = (
    n: GcpNetwork,
    tags: readonly string[],
    region?: string,
  ): { table: RouteTable; tagged: string[] } => {
    const nk = gcpIdKey(n.id);
    // Tables differ per region only where a REGIONAL network's routers learn routes.
    const perRegion = regionalRouting(n) && (dynamicOf.get(nk) ?? []).length > 0;
    const own = [
      ...(routesOf.get(nk) ?? []).filter((r) => {
        const type = (r.routeType ?? 'STATIC').toUpperCase();
        return type !== 'SUBNET' && !type.startsWith('PEERING') && !r.nextHopNetwork && !r.nextHopPeering;
      }),
      // Imported from a peer: its next hop is in the peer network, which the model does not forward through (unknown).
      ...(importsFrom.get(nk) ?? []).flatMap((b) =>
        exported(b).map((r) => ({ ...r, name: `${r.name} (imported from ${netName(b)})`, nextHopNetwork: undefined })),
      ),
    ];
    const tagged = own
      .filter((r) => r.tags.length > 0 && r.tags.some((t) => tags.includes(t)))
      .map((r) => r.name)
      .sort();
    const key = `${nk}|${tagged.join(',')}${perRegion ? `|${region ?? '*'}` : ''}`;
    const hit = tables.get(key);
    if (hit) return { table: hit, tagged };
    const routes: Route[] = [];
    const subnetRoute = new Map(
      (routesOf.get(nk) ?? [])
        .filter((r) => (r.routeType ?? '').toUpperCase() === 'SUBNET')
        .map((r) => [r.destRange, r]),
    );
    const seen = new Set<string>();
    for (const s of subnetsOfNet.get(nk) ?? [])
      for (const c of rangesOf(s)) {
        if (seen.has(c.text)) continue;
        seen.add(c.text);
        const r = subnetRoute.get(c.text);
        routes.push({
          destination: c,
          destinationText: c.text,
          target: { kind: 'local' },
          ref: r
            ? { label: `subnet route ${r.name} ${c.text}`, resourceId: r.id, origin: r.origin, ...routeKind(r) }
            : {
                label: `subnet route of ${subName(s)} ${c.text}`,
                resourceId: s.id,
                origin: s.origin,
                ...subnetKind(s),
              },
        });
      }
    for (const e of pscOf.get(nk) ?? [])
      routes.push({ destination: e.ip, destinationText: e.ip.text, target: { kind: 'local' }, ref: e.ref });
    for (const p of peersOf.get(nk) ?? [])
      for (const s of subnetsOfNet.get(gcpIdKey(p.other.id)) ?? [])
        for (const c of rangesOf(s)) {
          if (seen.has(c.text)) continue; // an overlapping range is not exchanged
          seen.add(c.text);
          routes.push({
            destination: c,
            destinationText: c.text,
            target: { kind: 'peering', id: p.id },
            pinned: true,
            ref: {
              label: `peering subnet route ${c.text} of ${netName(p.other)}`,
              resourceId: s.id,
              origin: s.origin,
              ...subnetKind(s),
            },
          });
        }
    for (const u of unknownPeersOf.get(nk) ?? [])
      routes.push(
        opaqueRoute(
          n,
          `subnet routes of ${u.network}`,
          u.peering,
          `peer network ${u.network} (peering ${u.peering}) is not in the inventory`,
          {
            label: `peering ${u.peering} to ${u.network} (not in the inventory)`,
            resourceId: n.id,
            origin: n.origin,
          },
        ),
      );
    /** Learned routes of the routers whose status was read, per destination (they join the static routes below). */
    const learnedByDest = new Map<string, { priority: number; route: Route }[]>();
    const pinnedRanges = routes.filter((r) => r.destination && (r.target.kind === 'local' || r.pinned));
    for (const [from, routers] of [
      [n, dynamicOf.get(nk) ?? []] as const,
      ...(importsFrom.get(nk) ?? []).map((b) => [b, dynamicOf.get(gcpIdKey(b.id)) ?? []] as const),
    ])
      for (const r of routers) {
        // Imported dynamic routes are taken in every region (cordon does not narrow them: more unknown, never less).
        if (from === n && region !== undefined && regionalRouting(n) && r.region !== region) continue;
        const via = from === n ? '' : ` (imported over peering from ${netName(from)})`;
        const status = statusOf.get(gcpIdKey(r.id));
        const down = status ? sessionsNotUp(r, status) : [];
        if (!status || down.length > 0) {
          const why = status
            ? `its BGP session(s) ${down.join(', ')} are not UP in routers.getRouterStatus: what they learn once up is not known`
            : `its status (routers.getRouterStatus) was not read${((u) => (u ? ` (${u})` : ''))(inv.unavailable.get(r.project)?.get('compute:router-status')?.reason)}`;
          routes.push(
            opaqueRoute(
              n,
              `dynamic routes of Cloud Router ${r.name}${via}`,
              r.name,
              `Cloud Router ${r.name}${via} learns dynamic routes (BGP) and ${why}`,
              routerRef(r, `dynamic routes learned by Cloud Router ${r.name}${via}`),
            ),
          );
          continue;
        }
        for (const l of learnedRoutes(status)) {
          const c = tryParseCidr(l.destRange);
          const hop = learnedHop(l);
          const ref = routerRef(
            r,
            `route ${l.destRange} learned by Cloud Router ${r.name}${via} -> ${hop} (priority ${l.priority})`,
            at(status.origin, l.pointer),
          );
          const target: RouteTarget = {
            kind: 'unknown',
            id: hop,
            reason: `learned route ${l.destRange} of Cloud Router ${r.name}${via}: next hop ${hop} leaves Google Cloud, which cordon does not follow`,
          };
          if (!c) {
            notes.add(
              `Cloud Router ${r.name}${via} reports a learned route to ${l.destRange}, which cordon cannot read: routing in ${netName(n)} beyond its subnets is unknown`,
            );
            routes.push({ destinationText: l.destRange, target, ref });
            continue;
          }
          // Cloud Router does not install a learned prefix equal to or inside a subnet (or peering subnet) range.
          if (pinnedRanges.some((p) => p.destination!.family === c.family && insideCidr(c, p.destination!))) continue;
          push(learnedByDest, c.text, {
            priority: l.priority,
            route: { destination: c, destinationText: c.text, target, ref },
          });
        }
        notes.add(
          `${netName(n)}: routes learned by Cloud Router ${r.name}${via} (routers.getRouterStatus) lead outside Google Cloud; paths to their prefixes are unknown`,
        );
      }
    // Static routes: per destination the lowest priority number; a tie with another next hop is ECMP (unknown).
    const byDest = new Map<string, GcpRoute[]>();
    for (const r of own) {
      if (r.tags.length > 0 && !tagged.includes(r.name)) continue;
      const c = tryParseCidr(r.destRange);
      if (!c) {
        // A route cordon cannot place may take any destination: the network's non-local routing becomes unknown.
        notes.add(
          `route ${r.name} of ${netName(n)} has destination ${r.destRange}, which cordon cannot read: routing in ${netName(n)} beyond its subnets is unknown`,
        );
        routes.push({
          destinationText: r.destRange,
          target: { kind: 'unknown', id: r.name, reason: `destination ${r.destRange} not understood` },
          ref: { label: `route ${r.name} ${r.destRange}`, resourceId: r.id, origin: r.origin, ...routeKind(r) },
        });
        continue;
      }
      if (seen.has(c.text)) continue;
      push(byDest, c.text, r);
    }
    // A learned route wins over static routes of the same prefix unless a static one has a strictly lower priority
    // number: its reported priority is a lower bound in every region (Google only adds the region-to-region cost),
    // and at a tie the winner is not documented — either way the packet may leave by the learned route (unknown).
    const learnedWins = (text: string, staticBest: number): Route | undefined => {
      const list = learnedByDest.get(text);
      if (!list) return undefined;
      const best = list.reduce((a, b) => (b.priority < a.priority ? b : a));
      return best.priority <= staticBest ? best.route : undefined;
    };
    for (const text of [...learnedByDest.keys()].sort())
      if (!byDest.has(text)) routes.push(learnedWins(text, Infinity)!);
    for (const [text, list] of [...byDest].sort(([a], [b]) => a.localeCompare(b))) {
      const best = Math.min(...list.map((r) => r.priority));
      const learned = learnedWins(text, best);
      if (learned) {
        routes.push(learned);
        continue;
      }
      const winners = list.filter((r) => r.priority === best).sort((a, b) => a.name.localeCompare(b.name));
      const targets = winners.map(targetOf);
      const first = winners[0]!;
      const same = targets.every((t) => JSON.stringify(t) === JSON.stringify(targets[0]));
      if (!same)
        notes.add(
          `routes ${winners.map((r) => r.name).join(', ')} of ${netName(n)} share ${text} and priority ${best}: ECMP across next hops is not modelled`,
        );
      routes.push({
        destination: cidr(text),
        destinationText: text,
        target: same ? targets[0]! : { kind: 'unknown', id: first.name, reason: 'ECMP across different next hops' },
        ref: {
          label: `route ${first.name} ${text} -> ${first.nextHopGateway ? shortName(first.nextHopGateway) : targets[0]!.kind === 'unknown' ? (targets[0] as { id: string }).id : ''} (priority ${best}${first.tags.length ? `, tags ${first.tags.join(', ')}` : ''})`,
          resourceId: first.id,
          origin: first.origin,
          ...routeKind(first, apiVipsOf(first)),
        },
      });
      for (const t of targets)
        if (t.kind === 'unknown')
          notes.add(`route ${first.name} of ${netName(n)} to ${text}: ${t.reason}, so paths over it are unknown`);
    }
    const where = perRegion ? ` in ${region ?? 'every region'}` : '';
    const id = tagged.length
      ? `${netName(n)} routes${where} (tags: ${tagged.join(', ')})`
      : `${netName(n)} routes${where}`;
    const table: RouteTable = { id, routes, ref: { label: id, resourceId: n.id, origin: n.origin } };
    tables.set(key, table);
    return { table, tagged };
  };

  // ---- networks
  const networks = new Map<string, Network>();
  for (const n of inv.networks)
    networks.set(netName(n), {
      id: netName(n),
      scope: gcpScopeKey(n),
      cidrs: [
        ...(subnetsOfNet.get(gcpIdKey(n.id)) ?? []).flatMap(rangesOf),
        ...(pscOf.get(gcpIdKey(n.id)) ?? []).map((e) => e.ip),
      ],
      internetGateways: [GATEWAY],
      ref: { label: netName(n), resourceId: n.id, origin: n.origin },
    });

  // ---- subnets (no filter in GCP), one model subnet per route table its interfaces see
  const subnets = new Map<string, Subnet>();
  const modelSubnet = (s: GcpSubnetwork, n: GcpNetwork, tags: readonly string[]): string => {
    const { table, tagged } = tableFor(n, tags, s.region);
    const base = `${netName(n)}/${subName(s)}`;
    const id = tagged.length ? `${base} (tags: ${tagged.join(', ')})` : base;
    if (subnets.has(id)) return id;
    const zone = zones.subnetwork(s.id)?.zone;
    const ref: Ref = {
      label: `${base}: GCP subnets have no packet filter`,
      resourceId: s.id,
      origin: s.origin,
      ...subnetKind(s),
    };
    subnets.set(id, {
      id,
      network: netName(n),
      scope: gcpScopeKey(s),
      cidrs: rangesOf(s),
      ...(zone ? { zone } : {}),
      inbound: openFilter(`${base} (no subnet filter)`, 'in', ref),
      outbound: openFilter(`${base} (no subnet filter)`, 'out', ref),
      routeTable: table,
      filtersIntraSubnet: true,
      ref: { label: base, resourceId: s.id, origin: s.origin, ...subnetKind(s) },
    });
    return id;
  };
  for (const s of inv.subnetworks) {
    const n = networksById.get(gcpIdKey(s.network));
    if (n) modelSubnet(s, n, []);
    else notes.add(`network of subnetwork ${subName(s)} is not in the inventory: the subnetwork is not verified`);
  }

  // ---- interfaces
  const nics: {
    inst: GcpInstance;
    nic: GcpInstanceNetworkInterface;
    index: number;
    net: GcpNetwork;
    sub: GcpSubnetwork;
  }[] = [];
  const standIns = gcpStandIns(inv, policy, subnetsById, notes);
  const unplaced: NonNullable<NetworkModel['unplaced']> = [];
  for (const inst of [...inv.instances].sort((a, b) => gcpIdKey(a.id).localeCompare(gcpIdKey(b.id))))
    inst.networkInterfaces.forEach((nic, index) => {
      const sub = nic.subnetwork ? subnetsById.get(gcpIdKey(nic.subnetwork)) : undefined;
      const net = sub
        ? networksById.get(gcpIdKey(sub.network))
        : nic.network
          ? networksById.get(gcpIdKey(nic.network))
          : undefined;
      if (!sub || !net || (!nic.networkIP && !standIns.has(nic))) {
        notes.add(
          `interface ${nic.name ?? index} of instance ${instName(inst)}: ${!nic.networkIP ? 'no internal address' : 'its subnetwork or network is not in the inventory'}, so it is not verified`,
        );
        if (nic.networkIP)
          gaps.push({
            scopes: [`${inst.project}/global`],
            subjects: [instName(inst)],
            reason: 'instance(s) whose subnetwork or network is not in the inventory',
            ...(inst.origin ? { origin: inst.origin } : {}),
          });
        else
          unplaced.push({
            account: inst.project,
            region: 'global',
            id: instName(inst),
            ...(inst.origin ? { origin: inst.origin } : {}),
          });
        return;
      }
      nics.push({ inst, nic, index, net, sub });
    });
  // Source tags and service accounts match instances of the rule's own network only: members per network.
  const members = new Map<string, Member[]>();
  const internalOf = (nic: GcpInstanceNetworkInterface): string[] =>
    nic.networkIP ? [nic.networkIP] : (standIns.get(nic) ?? []);
  for (const { inst, nic, net } of nics) {
    const k = gcpIdKey(net.id);
    for (const text of internalOf(nic)) {
      const ip = tryParseCidr(text);
      if (ip) push(members, k, { ip, tags: inst.tags, serviceAccounts: inst.serviceAccounts });
    }
  }
  const setups = new Map<string, FirewallSetup>();
  const filters = new Map<string, Filter>();
  const interfaces: Interface[] = [];
  const lbInterfaces: LbInterface[] = [];
  for (const { inst, nic, index, net, sub } of nics) {
    const nk = gcpIdKey(net.id);
    const region = sub.region;
    let setup = setups.get(`${nk}|${region}`);
    if (!setup) setups.set(`${nk}|${region}`, (setup = firewallSetup(inv, net, region)));
    const target = {
      network: net.id,
      region,
      tags: inst.tags,
      serviceAccounts: inst.serviceAccounts,
      addresses: [] as AddressSet,
      instance: inst.id,
    };
    const name = index === 0 ? instName(inst) : `${instName(inst)}/${nic.name ?? `nic${index}`}`;
    const origin = at(inst.origin, nic.pointer);
    const filterFor = (direction: 'in' | 'out'): Filter => {
      const sens = targetSensitivity(setup);
      const key = [
        nk,
        region,
        direction,
        [...inst.tags].sort().join(','),
        [...inst.serviceAccounts]
          .map((s) => s.toLowerCase())
          .sort()
          .join(','),
        sens.instance ? gcpIdKey(inst.id) : '',
      ].join('|');
      let f = filters.get(key);
      if (!f) {
        const narrowed = narrowSetup(setup, target, direction === 'in' ? 'INGRESS' : 'EGRESS');
        f = compileFilter(
          `firewall of ${netName(net)} for ${identity(inst)}`,
          narrowed,
          direction,
          members.get(nk) ?? [],
          nk,
          notes,
          net.origin,
        );
        filters.set(key, f);
      }
      return f;
    };
    const addresses = [
      ...internalOf(nic),
      ...nic.ipv6AccessConfigs.flatMap((a) => a.externalIpv6 ?? []),
      ...(nic.ipv6Address ? [nic.ipv6Address] : []),
    ]
      .flatMap((t) => tryParseCidr(t) ?? [])
      .filter((c) => !isUla(c));
    const external = nic.accessConfigs.length > 0;
    const nat = external ? undefined : cloudNat(inv, net, sub);
    lbInterfaces.push({
      id: name,
      network: netName(net),
      networkKey: nk,
      instanceKey: gcpIdKey(inst.id),
      instanceName: instName(inst),
      zone: inst.zone,
      nicIndex: index,
      addresses: addresses.filter((c) => internalOf(nic).some((t) => tryParseCidr(t)?.first === c.first)),
    });
    const zone = zones.instance(inst.id)?.zone;
    interfaces.push({
      id: name,
      subnet: modelSubnet(sub, net, inst.tags),
      network: netName(net),
      scope: gcpScopeKey(inst),
      ...(zone ? { zone } : {}),
      addresses: [...new Map(addresses.map((c) => [c.text, c])).values()],
      publicIpv4: external,
      internetEgress: external
        ? {
            can: true,
            via: {
              label: `external IP ${nic.accessConfigs[0]!.natIP ?? '(ephemeral)'} on ${name}`,
              resourceId: inst.id,
              ...instanceKind(inst),
              ...(origin ? { origin } : {}),
            },
          }
        : nat
          ? { can: true, via: nat }
          : {
              can: false,
              via: {
                label: `${name} has no external IP and no Cloud NAT covers ${subName(sub)} in ${region}`,
                resourceId: sub.id,
                origin: sub.origin,
                ...subnetKind(sub),
              },
            },
      inbound: filterFor('in'),
      outbound: filterFor('out'),
      role: 'workload',
      ref: {
        label: nic.networkIP
          ? `${name} ${nic.name ?? ''} ${nic.networkIP}`.replace(/\s+/g, ' ')
          : deployLabel(`${name} ${nic.name ?? ''}`.replace(/\s+/g, ' ').trim()),
        resourceId: inst.id,
        ...instanceKind(inst),
        ...(origin ? { origin } : {}),
      },
    });
  }
  // PSC endpoints to service attachments (a Vertex AI private endpoint) and Traffic Director rules are not in the
  // model: a path through one is neither proven nor refuted, so say so once each. Load balancers are
  // (gcp-load-balancers.ts).
  // A PSC endpoint whose service attachment and producer forwarding rule are read is followed below instead.
  const attachments = new Map(inv.serviceAttachments.map((a) => [gcpIdKey(a.id), a]));
  const ruleIds = new Set(inv.forwardingRules.map((r) => gcpIdKey(r.id)));
  const followed = (r: (typeof inv.forwardingRules)[number]) => {
    const a = r.target ? attachments.get(gcpIdKey(r.target)) : undefined;
    return (
      !!a?.targetService &&
      ruleIds.has(a.targetService) &&
      !!tryParseCidr(r.IPAddress ?? '') &&
      !!r.network &&
      networksById.has(gcpIdKey(r.network))
    );
  };
  for (const r of inv.forwardingRules) {
    if (bundleOf(r)) continue;
    const scheme = (r.loadBalancingScheme ?? '').toUpperCase();
    if (scheme !== '' && scheme !== 'INTERNAL_SELF_MANAGED') continue;
    if (scheme === '' && followed(r)) continue;
    const kind =
      scheme === ''
        ? 'Private Service Connect endpoint(s) to a service attachment'
        : 'Cloud Service Mesh forwarding rule(s)';
    gap(
      [r.project],
      [r.name],
      `${kind} cordon does not model (paths through them are neither proven nor refuted)`,
      scheme === ''
        ? `Private Service Connect endpoint ${r.name} (to ${r.target ? shortName(r.target) : 'a service attachment'}) is not modelled: paths to it are not verified`
        : `Cloud Service Mesh forwarding rule ${r.name} is not modelled: paths through it are not verified`,
      r.origin,
    );
  }
  const loadBalancers = compileGcpLoadBalancers(
    inv,
    lbInterfaces,
    (k) => {
      const n = networksById.get(k);
      return n ? netName(n) : undefined;
    },
    (k) => (peersOf.get(k) ?? []).map((p) => netName(p.other)),
    notes,
  );
  // A PSC endpoint to a service attachment leads to the producer's internal load balancer backends: followed when the
  // attachment and its target forwarding rule are read; otherwise any workload may stand behind it, so what reaches
  // the endpoint reaches them "maybe" (and the gap above keeps the consumer's project not verified). Clients: its
  // network and peers (a superset).
  const workloads = interfaces.filter((i) => i.role === 'workload');
  const subnetworksById = new Map(inv.subnetworks.map((s) => [gcpIdKey(s.id), s]));
  const lbByRule = new Map<string, LoadBalancer[]>();
  for (const lb of loadBalancers) {
    const k = gcpIdKey(lb.ref.resourceId);
    lbByRule.set(k, [...(lbByRule.get(k) ?? []), lb]);
  }
  for (const r of [...inv.forwardingRules].sort((a, b) => gcpIdKey(a.id).localeCompare(gcpIdKey(b.id)))) {
    if (bundleOf(r) || (r.loadBalancingScheme ?? '') !== '' || !r.target || !/serviceAttachments\//i.test(r.target))
      continue;
    if (['REJECTED', 'CLOSED'].includes((r.pscConnectionStatus ?? '').toUpperCase())) continue;
    const address = tryParseCidr(r.IPAddress ?? '');
    const net = r.network ? networksById.get(gcpIdKey(r.network)) : undefined;
    if (!address || !net || workloads.length === 0) continue;
    const ref: Ref = {
      label: `Private Service Connect endpoint ${r.name} to service attachment ${shortName(r.target)}`,
      resourceId: r.id,
      origin: r.origin,
      resourceType: 'compute.googleapis.com/ForwardingRule',
      scope: gcpScopeKey(r),
    };
    const clientNetworks = [netName(net), ...(peersOf.get(gcpIdKey(net.id)) ?? []).map((p) => netName(p.other))];
    const attachment = attachments.get(gcpIdKey(r.target));
    const producer = attachment?.targetService ? (lbByRule.get(attachment.targetService) ?? []) : [];
    if (attachment && producer.length) {
      // The attachment's producer load balancer, followed: its backends see the NAT subnets' addresses (a proxy) on
      // the port the consumer sent to, which the model can name only when the rule has one port.
      const nat = attachment.natSubnets.map((s) => subnetworksById.get(s)?.ipCidrRange);
      const natKnown = nat.length > 0 && nat.every((c) => c !== undefined);
      const proxySources = nat.flatMap((c) => (c ? (tryParseCidr(c) ?? []) : []));
      const accepted = (r.pscConnectionStatus ?? 'ACCEPTED').toUpperCase() === 'ACCEPTED';
      for (const lb of producer) {
        // A proxy producer (an internal Application Load Balancer) connects to its backends from its own proxy
        // addresses on the backend's port, whatever PSC did before it; a passthrough one delivers PSC's packet.
        const proxied = lb.proxySources !== undefined;
        const one = lb.ports.length === 1 && lb.ports[0]![0] === lb.ports[0]![1] ? lb.ports[0]![0] : undefined;
        loadBalancers.push({
          id: `${r.name} ${address.text} → ${lb.id}`,
          reach: 'internal',
          clientNetworks,
          address,
          proto: lb.proto,
          ports: lb.ports,
          proxySources: lb.proxySources ?? proxySources,
          proxyUdp: !proxied,
          // The backends see the NAT subnets (or the proxy's), whichever consumer connected: findings sit at the endpoint.
          locateAtFront: true,
          backends: lb.backends.map((b) => ({
            ...b,
            sure: proxied ? b.sure && accepted : b.sure && natKnown && accepted && one !== undefined,
            ...(!proxied && one !== undefined ? { port: one } : {}),
            via: { ...b.via, label: `service attachment ${attachment.name} → ${b.via.label}` },
          })),
          ref: {
            ...ref,
            label: `${ref.label} → ${lb.ref.label}`,
            fix: {
              kind: 'private-service-endpoint',
              endpoint: `Private Service Connect endpoint ${r.name}`,
              service: `service attachment ${attachment.name}`,
              acceptance: 'the service attachment’s consumer accept list, or manual acceptance',
            },
          },
        });
      }
      continue;
    }
    loadBalancers.push(
      unfollowedService({
        id: `${r.name} ${address.text}`,
        address,
        clientNetworks,
        candidates: workloads,
        via: {
          ...ref,
          label: `${ref.label}: cordon does not follow a service attachment to the producer's load balancer, so any instance may be a backend (cannot tell)`,
        },
        ref,
      }),
    );
  }
  const aliased = nics.filter((n) => n.nic.aliasIpRanges.length > 0);
  const aliasedNames = aliased.map((n) => instName(n.inst));
  if (aliased.length)
    gap(
      aliased.map((n) => n.inst.project),
      aliasedNames,
      'instance(s) with alias IP ranges (GKE pods, containers), which cordon does not model',
      `alias IP ranges (GKE pods, containers) of ${aliasedNames.slice(0, 5).join(', ')}${aliasedNames.length > 5 ? ` and ${aliasedNames.length - 5} more` : ''} are not modelled: traffic from or to them is not verified`,
      aliased[0]!.inst.origin,
    );
  // A Shared VPC host's service projects hold instances on its networks: those of a project not read are missing.
  for (const p of inv.projects)
    if ((p.xpnProjectStatus ?? '').toUpperCase() === 'HOST')
      gap(
        [p.projectId],
        [p.projectId],
        'Shared VPC host(s): instances of service projects not in the snapshot use its networks and are not in the model',
        `${p.projectId} is a Shared VPC host: instances of service projects not in the snapshot are not verified`,
        p.origin,
      );
  const vmNames = new Set(inv.instances.map((i) => `${i.project}/${i.name}`));
  for (const w of inv.workbenchInstances)
    if (!vmNames.has(`${w.project}/${w.name}`))
      gap(
        [w.project],
        [w.name],
        'Workbench instance(s) whose VM is not among the compute instances read and whose gceSetup names no subnetwork',
        `Workbench instance ${w.name}: its VM is not among the compute instances read and its subnetwork is not known, so it is not verified`,
        w.origin,
      );

  // ---- PSC endpoints for Google APIs
  for (const n of inv.networks)
    for (const e of pscOf.get(gcpIdKey(n.id)) ?? []) {
      const { table } = tableFor(n, []);
      const open = (d: 'in' | 'out') =>
        openFilter(`${e.name} (VPC ingress rules do not apply)`, d, {
          label: `${e.ref.label}: VPC firewall rules do not filter a PSC endpoint for Google APIs`,
          resourceId: e.ref.resourceId,
          ...(e.ref.origin ? { origin: e.ref.origin } : {}),
        });
      subnets.set(e.name, {
        id: e.name,
        network: netName(n),
        scope: gcpScopeKey(n),
        cidrs: [e.ip],
        zone: e.zone,
        inbound: open('in'),
        outbound: open('out'),
        routeTable: table,
        filtersIntraSubnet: true,
        ref: e.ref,
      });
      interfaces.push({
        id: e.name,
        subnet: e.name,
        network: netName(n),
        scope: gcpScopeKey(n),
        zone: e.zone,
        addresses: [e.ip],
        publicIpv4: false,
        inbound: open('in'),
        outbound: open('out'),
        role: 'service-endpoint',
        service: e.service,
        ref: e.ref,
      });
    }

  const exclude = [
    ...PUBLIC.exclude,
    cidr(PRIVATE_VIP),
    cidr(RESTRICTED_VIP),
    // Google's front ends, health checks, IAP and Cloud DNS forwarding reach VMs from Google's network, never from
    // the internet: a rule admitting them (every load balancer's health-check rule) opens nothing to it.
    ...GOOGLE_SOURCE_RANGES.map(cidr),
    ...[...networks.values()].flatMap((n) => n.cidrs),
    ...[...policy.zones.values()].flatMap((z) => z.parsedCidrs),
  ];
  if (interfaces.length > 0)
    notes.add(
      'private.googleapis.com and restricted.googleapis.com (199.36.153.8/30, 199.36.153.4/30) are Google APIs reached through the default internet gateway, not the internet',
    );
  return {
    provider: 'gcp',
    networks,
    subnets,
    interfaces,
    nats: new Map(),
    peerings,
    ...(loadBalancers.length > 0 ? { loadBalancers } : {}),
    internet: { include: PUBLIC.include, exclude },
    ...(internetZone ? { internetZone } : {}),
    ...(unplaced.length > 0 ? { unplaced } : {}),
    ...(gaps.length > 0 ? { gaps } : {}),
    notes: [...notes].sort(),
    ...(inv.iac ? { iac: inv.iac } : {}),
  };
}

const routeKind = (r: GcpRoute, apiVips: string[] = []) => ({
  resourceType: 'compute.googleapis.com/Route',
  scope: gcpScopeKey(r),
  // A route resource the user created (not a subnet route, nor one a Cloud Router learned): the fix can delete it.
  ...(/\/global\/routes\//.test(r.id) && ['', 'STATIC'].includes((r.routeType ?? '').toUpperCase())
    ? {
        fix: {
          kind: 'gcp-route' as const,
          id: r.id,
          name: r.name,
          network: shortName(r.network),
          ...(apiVips.length > 0 ? { apiVips } : {}),
        },
      }
    : {}),
});
const subnetKind = (s: GcpSubnetwork) => ({ resourceType: 'compute.googleapis.com/Subnetwork', scope: gcpScopeKey(s) });
const instanceKind = (i: GcpInstance) => ({ resourceType: 'compute.googleapis.com/Instance', scope: gcpScopeKey(i) });

function identity(inst: GcpInstance): string {
  const parts = [
    inst.tags.length ? `tags ${[...inst.tags].sort().join(', ')}` : 'no tags',
    ...(inst.serviceAccounts.length ? [`service account ${[...inst.serviceAccounts].sort().join(', ')}`] : []),
  ];
  return parts.join(', ');
}

/** The public Cloud NAT of the network's routers in the subnet's region that translates the subnet, if any. */
function cloudNat(inv: GcpInventory, net: GcpNetwork, sub: GcpSubnetwork): Ref | undefined {
  for (const r of inv.routers) {
    if (gcpIdKey(r.network) !== gcpIdKey(net.id) || r.region !== sub.region) continue;
    for (const nat of r.nats) {
      if ((nat.type ?? 'PUBLIC').toUpperCase() !== 'PUBLIC') continue;
      const mode = (nat.sourceSubnetworkIpRangesToNat ?? 'ALL_SUBNETWORKS_ALL_IP_RANGES').toUpperCase();
      const covers =
        mode.startsWith('ALL_SUBNETWORKS') ||
        (mode === 'LIST_OF_SUBNETWORKS' &&
          nat.subnetworks.some((s) => gcpIdKey(s.name) === gcpIdKey(sub.id) || shortName(s.name) === sub.name));
      if (covers)
        return {
          label: `Cloud NAT ${nat.name} on router ${r.name}`,
          resourceId: r.id,
          resourceType: 'compute.googleapis.com/Router',
          scope: gcpScopeKey(r),
          ...(at(r.origin, nat.pointer) ? { origin: at(r.origin, nat.pointer)! } : {}),
        };
    }
  }
  return undefined;
}

/**
 * Stand-in internal addresses (deploy-addresses.ts) for instance interfaces declared in infrastructure as code without
 * `network_ip`: Google picks the address at deploy from the subnetwork's primary range, so each interface stands for
 * every free address there, one stand-in per range a firewall rule, route or zone tells apart (Google reserves the
 * first two and last two addresses of the range; the stand-ins start at the fifth).
 */
function gcpStandIns(
  inv: GcpInventory,
  policy: ZonePolicy,
  subnetsById: ReadonlyMap<string, GcpSubnetwork>,
  notes: Set<string>,
): Map<GcpInstanceNetworkInterface, string[]> {
  const out = new Map<GcpInstanceNetworkInterface, string[]>();
  const pending: PendingInterface<GcpInstanceNetworkInterface>[] = [];
  const taken = new Map<string, Set<bigint>>();
  for (const inst of inv.instances)
    inst.networkInterfaces.forEach((nic, index) => {
      const k = nic.subnetwork ? gcpIdKey(nic.subnetwork) : undefined;
      if (!k) return;
      if (nic.networkIP) {
        const ip = tryParseCidr(nic.networkIP);
        if (ip) taken.set(k, (taken.get(k) ?? new Set()).add(ip.first));
      } else pending.push({ item: nic, id: `${gcpIdKey(inst.id)}#${index}`, subnet: k });
    });
  if (pending.length === 0) return out;
  const boundaries = cidrsIn([
    inv.firewalls,
    inv.firewallPolicies,
    inv.hierarchicalFirewallPolicies,
    inv.routes,
    inv.subnetworks.map((s) => [s.ipCidrRange, ...s.secondaryIpRanges.map((r) => r.ipCidrRange)]),
    [...policy.zones.values()].map((z) => z.parsedCidrs.map((c) => c.text)),
  ]);
  const plan = planStandIns(
    pending,
    (k) => {
      const range = subnetsById.get(k)?.ipCidrRange;
      return range ? tryParseCidr(range) : undefined;
    },
    boundaries,
    taken,
  );
  for (const [nic, a] of plan.addresses) out.set(nic, a);
  if (out.size > 0)
    notes.add(
      'instances declared in infrastructure as code get their internal address at deploy: each stands for every free address of its subnetwork (one stand-in address per range a rule, route or zone tells apart)',
    );
  return out;
}

/** The routes of a router status that are (or may be) in the data plane: every one listed but those DROPPED. */
function learnedRoutes(status: GcpRouterStatus): GcpLearnedRoute[] {
  return status.routes.filter((r) => (r.routeStatus ?? 'ACTIVE').toUpperCase() !== 'DROPPED');
}

/**
 * The router's enabled BGP sessions that the status does not show UP: a session down (or just created, or flapping)
 * has withdrawn its routes, which come back with it — a snapshot taken then must not pass.
 */
function sessionsNotUp(r: GcpRouter, status: GcpRouterStatus): string[] {
  return (r.bgpPeers ?? [])
    .filter((b) => (b.enable ?? 'TRUE').toUpperCase() !== 'FALSE')
    .filter((b) => (status.peers.find((p) => p.name === b.name)?.status ?? '').toUpperCase() !== 'UP')
    .map((b) => b.name)
    .sort();
}

/** Where a learned route leaves Google Cloud, in words. */
function learnedHop(l: GcpLearnedRoute): string {
  if (l.nextHopVpnTunnel) return `VPN tunnel ${shortName(l.nextHopVpnTunnel)}`;
  if (l.nextHopInterconnectAttachment) return `VLAN attachment ${shortName(l.nextHopInterconnectAttachment)}`;
  if (l.nextHopHub) return `NCC hub ${shortName(l.nextHopHub)}`;
  if (l.nextHopInstance) return `router appliance ${shortName(l.nextHopInstance)}`;
  return l.nextHopIp ? `BGP peer ${l.nextHopIp}` : 'a BGP peer';
}

/** `inner` is equal to or inside `outer` (same family). */
const insideCidr = (inner: Cidr, outer: Cidr) => outer.first <= inner.first && inner.last <= outer.last;
