/**
 * What the firewall, NAT and external-IP checks share: the "subjects" of an AI zone (each subnetwork, as a VM with
 * no network tags in it, and each instance with its own tags and service accounts), the firewall stages of their
 * network (memoised per network and region), and the questions asked of the evaluator: which ports are open to or
 * from an arbitrary internet address, and which ports a set of addresses can reach.
 */
import {
  gcpIdKey,
  holdsVms,
  indexByGcpId,
  type GcpInstance,
  type GcpDataset,
  type GcpInventory,
  type GcpNetwork,
  type GcpSubnetwork,
} from '../../inventory/gcp.js';
import { callingZones } from '../../policy/calling-zones.js';
import type { ZonePolicy } from '../../policy/load.js';
import type { Origin } from '../../findings/types.js';
import { addressSetOf, INTERNET_V4, INTERNET_V6, ipv4Count, isEmpty, type AddressSet } from './address-set.js';
import {
  evaluateFirewall,
  firewallSetup,
  narrowSetup,
  targetSensitivity,
  portSegments,
  protocolsOf,
  PORTED,
  unresolvedReasons,
  type FirewallDirection,
  type FirewallRuleRef,
  type FirewallSetup,
  type FirewallTarget,
  type PacketClass,
  type RemoteInstance,
} from './firewall-eval.js';
import { perInventory } from './support.js';
import type { GcpCheckContext } from './types.js';

/** The data sets every firewall evaluation looks up (the network, its rules, and the policies above and beside it). */
export const FIREWALL_DATASETS = [
  'compute:networks',
  'compute:firewalls',
  'compute:network-firewall-policies',
  'compute:hierarchical-firewall-policies',
] as const satisfies readonly GcpDataset[];

/** Zones whose VMs must not be open to the internet: the calling zones and the monitor's data zones. */
export function aiZones(policy: ZonePolicy): Set<string> {
  return new Set([...callingZones(policy), ...policy.document.flows.data_zones.filter((z) => policy.zones.has(z))]);
}

/**
 * Keys of the networks that host AI workloads: placed by the policy in an AI or data zone, or holding a subnetwork
 * placed in one. Computed once per run.
 */
export function aiNetworkKeys(ctx: GcpCheckContext): Set<string> {
  return perInventory(ctx.zones, 'ai networks', () => {
    const zones = aiZones(ctx.policy);
    const out = new Set(
      ctx.inventory.networks
        .filter((n) => ctx.zones.networkZones(n.id).some((z) => zones.has(z)))
        .map((n) => gcpIdKey(n.id)),
    );
    for (const s of ctx.inventory.subnetworks)
      if (zones.has(ctx.zones.subnetwork(s.id)?.zone ?? '')) out.add(gcpIdKey(s.network));
    return out;
  });
}

export interface FirewallSubject {
  kind: 'subnetwork' | 'instance';
  id: string;
  name: string;
  project: string;
  region: string;
  zone: string;
  origin: Origin;
  target: FirewallTarget;
  /** The subnetwork (for an instance: of its first interface). */
  subnetwork?: GcpSubnetwork;
  instance?: GcpInstance;
  dualStack: boolean;
}

function subnetAddresses(s: GcpSubnetwork): AddressSet {
  return addressSetOf([
    ...(s.ipCidrRange ? [s.ipCidrRange] : []),
    ...s.secondaryIpRanges.map((r) => r.ipCidrRange),
    ...(s.ipv6CidrRange ? [s.ipv6CidrRange] : []),
    ...(s.externalIpv6Prefix ? [s.externalIpv6Prefix] : []),
  ]).set;
}

const isDualStack = (s: GcpSubnetwork | undefined) =>
  !!s && (/IPV6/i.test(s.stackType ?? '') || !!s.ipv6CidrRange || !!s.externalIpv6Prefix);

/**
 * The project's subjects in `zones` (the AI and data zones unless told): every subnetwork placed there (a VM in it with no network tags and no known
 * service account), and every instance placed there by its own facts or its subnetwork. Sorted by id.
 */
export function firewallSubjects(
  ctx: GcpCheckContext,
  zones: ReadonlySet<string> = aiZones(ctx.policy),
): FirewallSubject[] {
  const subnets = perInventory(ctx.inventory, 'subnetworks by id', () => indexByGcpId(ctx.inventory.subnetworks));
  const out: FirewallSubject[] = [];
  for (const s of ctx.own.subnetworks) {
    const zone = ctx.zones.subnetwork(s.id)?.zone;
    if (!zone || !zones.has(zone) || !holdsVms(s)) continue;
    out.push({
      kind: 'subnetwork',
      id: s.id,
      name: s.name,
      project: s.project,
      region: s.region,
      zone,
      origin: s.origin,
      subnetwork: s,
      dualStack: isDualStack(s),
      target: { network: s.network, region: s.region, tags: [], serviceAccounts: [], addresses: subnetAddresses(s) },
    });
  }
  for (const vm of ctx.own.instances) {
    let zone = ctx.zones.instance(vm.id)?.zone;
    let nic = vm.networkInterfaces[0];
    // Placement follows the first interface; a VM with another interface in an AI- or data-zone subnetwork sits in
    // that zone on that interface (a multi-NIC VM bridging zones), and is judged there.
    if (!zone || !zones.has(zone))
      for (const n of vm.networkInterfaces.slice(1)) {
        const z = n.subnetwork ? ctx.zones.subnetwork(n.subnetwork)?.zone : undefined;
        if (z && zones.has(z)) {
          zone = z;
          nic = n;
          break;
        }
      }
    if (!zone || !zones.has(zone) || !nic?.network) continue;
    const subnet = nic.subnetwork ? subnets.get(gcpIdKey(nic.subnetwork)) : undefined;
    out.push({
      kind: 'instance',
      id: vm.id,
      name: vm.name,
      project: vm.project,
      region: vm.region,
      zone,
      origin: vm.origin,
      instance: vm,
      ...(subnet ? { subnetwork: subnet } : {}),
      dualStack: isDualStack(subnet) && !!nic.ipv6Address,
      target: {
        network: nic.network,
        region: vm.region,
        tags: vm.tags,
        serviceAccounts: vm.serviceAccounts,
        addresses: addressSetOf([nic.networkIP, nic.ipv6Address].filter((x): x is string => !!x)).set,
        instance: vm.id,
      },
    });
  }
  // Subnetworks first: an instance's result is compared with its subnetwork's.
  return out.sort(
    (a, b) =>
      (a.kind === b.kind ? 0 : a.kind === 'subnetwork' ? -1 : 1) || gcpIdKey(a.id).localeCompare(gcpIdKey(b.id)),
  );
}

/**
 * Firewall stages per network and region, and per VM signature (direction, network tags, service accounts — the
 * addresses and instance id only where a rule looks at them), computed once per check run: subnetworks and
 * instances that share a signature share every evaluation, so cost follows the distinct signatures, not the VMs.
 */
export class FirewallView {
  private readonly networks: Map<string, GcpNetwork>;
  private readonly setups = new Map<string, FirewallSetup>();
  private readonly narrowed = new Map<string, FirewallSetup>();
  private readonly results = new Map<string, unknown>();

  private constructor(private readonly inv: GcpInventory) {
    this.networks = indexByGcpId(inv.networks);
  }

  /**
   * The view for one run of the checks over an inventory (keyed on the run's zone placement, so a run with another
   * policy never sees these answers), shared by every project and every check of the run.
   */
  static of(ctx: GcpCheckContext): FirewallView {
    return perInventory(ctx.zones, 'firewall view', () => new FirewallView(ctx.inventory));
  }

  /** Every stage for VMs of the network in the region; undefined when the network is not in the inventory. */
  setup(networkId: string, region: string): FirewallSetup | undefined {
    const net = this.networks.get(gcpIdKey(networkId));
    if (!net) return undefined;
    const key = `${gcpIdKey(networkId)}|${region}`;
    let s = this.setups.get(key);
    if (!s) this.setups.set(key, (s = firewallSetup(this.inv, net, region)));
    return s;
  }

  /** The rules of one direction that may apply to the subject, and the key its evaluations are cached under. */
  forSubject(s: FirewallSubject, direction: FirewallDirection): { setup: FirewallSetup; key: string } | undefined {
    const full = this.setup(s.target.network, s.target.region);
    if (!full) return undefined;
    const t = s.target;
    const sensitive = targetSensitivity(full);
    const key = [
      gcpIdKey(t.network),
      t.region,
      direction,
      [...t.tags].sort().join(','),
      t.serviceAccounts
        .map((x) => x.toLowerCase())
        .sort()
        .join(','),
      sensitive.instance ? (t.instance ?? '') : '',
      sensitive.addresses ? t.addresses.map(([lo, hi]) => `${lo}-${hi}`).join(',') : '',
      s.dualStack ? '6' : '4',
    ].join('|');
    let setup = this.narrowed.get(key);
    if (!setup) this.narrowed.set(key, (setup = narrowSetup(full, t, direction)));
    return { setup, key };
  }

  /** A result computed once per key. */
  memo<T>(key: string, compute: () => T): T {
    if (this.results.has(key)) return this.results.get(key) as T;
    const v = compute();
    this.results.set(key, v);
    return v;
  }
}

export interface OpenPorts {
  protocol: string;
  /** undefined for protocols without ports. */
  ports?: [number, number];
  rule: FirewallRuleRef;
  /** What the allowed remote side is ("any address", "12 addresses", …). */
  remote: string;
}

export interface Exposure {
  open: OpenPorts[];
  /** Rules cordon cannot resolve that could change the answer. */
  unresolved: string[];
  /** Rules that close the arbitrary address (deny rules that decided), for the pass message. */
  closedBy: FirewallRuleRef[];
}

/** A /8 of public IPv4 space: an allow that broad is internet access even when it is not 0.0.0.0/0. */
const BROAD = 1n << 24n;

function describePorts(o: OpenPorts): string {
  if (!o.ports) return o.protocol;
  const [lo, hi] = o.ports;
  return lo === 0 && hi === 65535 ? `${o.protocol} (all ports)` : `${o.protocol} ${lo === hi ? lo : `${lo}-${hi}`}`;
}

/** "icmp, tcp (all ports) to any address (implied allow egress rule …)", grouped by deciding rule and remote side. */
export function describeOpen(open: readonly OpenPorts[], direction: FirewallDirection, max = 4): string {
  const groups = new Map<string, { rule: string; remote: string; ports: string[] }>();
  for (const o of open) {
    const key = `${o.rule.label}|${o.remote}`;
    const g = groups.get(key) ?? { rule: o.rule.label, remote: o.remote, ports: [] };
    g.ports.push(describePorts(o));
    groups.set(key, g);
  }
  const parts = [...groups.values()].map((g) => {
    const ports = g.ports.length > max ? [...g.ports.slice(0, max), `${g.ports.length - max} more`] : g.ports;
    return `${ports.join(', ')} ${direction === 'EGRESS' ? 'to' : 'from'} ${g.remote} (${g.rule})`;
  });
  return parts.join('; ');
}

/** Adjacent port segments with the same deciding rule read as one range. */
function merge(open: OpenPorts[]): OpenPorts[] {
  const out: OpenPorts[] = [];
  for (const o of open) {
    const last = out[out.length - 1];
    if (
      last &&
      last.protocol === o.protocol &&
      last.rule.label === o.rule.label &&
      last.remote === o.remote &&
      last.ports &&
      o.ports &&
      last.ports[1] + 1 === o.ports[0]
    )
      last.ports = [last.ports[0], o.ports[1]];
    else out.push({ ...o });
  }
  return out;
}

function packetClasses(
  setup: FirewallSetup,
  extraPorts: readonly number[] = [],
): { protocol: string; ports?: [number, number] }[] {
  return protocolsOf(setup).flatMap((protocol) =>
    PORTED.has(protocol)
      ? portSegments(setup, protocol, extraPorts).map((ports) => ({ protocol, ports }))
      : [{ protocol }],
  );
}

/**
 * Ports open between the subject and an arbitrary internet address (one that no rule names), or a broad public
 * range (a /8 or more), in one direction. Undefined when the subject's network is not in the inventory.
 */
export function internetExposure(
  view: FirewallView,
  s: FirewallSubject,
  direction: FirewallDirection,
): Exposure | undefined {
  const narrowed = view.forSubject(s, direction);
  if (!narrowed) return undefined;
  const { setup, key } = narrowed;
  return view.memo(`internet|${key}`, () => {
    const open: OpenPorts[] = [];
    const unresolved = new Set<string>(setup.unknown);
    const closedBy = new Map<string, FirewallRuleRef>();
    for (const remote of s.dualStack ? [INTERNET_V4, INTERNET_V6] : [INTERNET_V4])
      for (const c of packetClasses(setup)) {
        const pkt: PacketClass = {
          direction,
          protocol: c.protocol,
          ...(c.ports ? { port: c.ports[0] } : {}),
          target: s.target,
          remote,
        };
        const ev = evaluateFirewall(setup, pkt);
        if (ev.truncated) unresolved.add('too many rules cordon cannot resolve');
        const main = ev.outcomes.filter((o) => o.main);
        const certainMain = main.filter((o) => o.assumptions.every((a) => !a.applies || a.side === 'remote'));
        const allowMain = main.find((o) => o.action === 'allow');
        if (allowMain && main.every((o) => o.action === 'allow')) {
          open.push({ ...c, rule: allowMain.rule, remote: 'any address' });
          continue;
        }
        if (allowMain) for (const r of unresolvedReasons(main)) unresolved.add(r);
        const broad = ev.outcomes.find(
          (o) => o.action === 'allow' && o.assumptions.length === 0 && ipv4Count(o.remote) >= BROAD,
        );
        if (broad) {
          open.push({ ...c, rule: broad.rule, remote: `${ipv4Count(broad.remote)} public addresses` });
          continue;
        }
        for (const o of certainMain) if (o.action === 'deny') closedBy.set(o.rule.label, o.rule);
      }
    return { open: merge(open), unresolved: [...unresolved].sort(), closedBy: [...closedBy.values()] };
  });
}

/**
 * Ports on which some address of `remote` reaches the subject (ingress), with certainty; and the rules cordon cannot
 * resolve that might open more. `extraPorts` adds segment boundaries (the policy's port ranges); `relevant` skips
 * packet classes the caller does not ask about (its segment's first port stands for the segment).
 */
export function reachableFrom(
  view: FirewallView,
  s: FirewallSubject,
  /** Names the remote side and `relevant` for the cache: the same key must mean the same question. */
  question: string,
  remote: AddressSet,
  remoteInstances: readonly RemoteInstance[],
  extraPorts: readonly number[],
  relevant: (protocol: string, port: number | undefined) => boolean = () => true,
): { open: OpenPorts[]; unresolved: string[] } | undefined {
  const narrowed = view.forSubject(s, 'INGRESS');
  if (!narrowed) return undefined;
  const { setup, key } = narrowed;
  return view.memo(`reach|${key}|${question}`, () => {
    const open: OpenPorts[] = [];
    const unresolved = new Set<string>(setup.unknown);
    if (isEmpty(remote)) return { open, unresolved: [] };
    for (const c of packetClasses(setup, extraPorts)) {
      if (!relevant(c.protocol, c.ports?.[0])) continue;
      const ev = evaluateFirewall(setup, {
        direction: 'INGRESS',
        protocol: c.protocol,
        ...(c.ports ? { port: c.ports[0] } : {}),
        target: s.target,
        remote,
        remoteInstances,
      });
      if (ev.truncated) unresolved.add('too many rules cordon cannot resolve');
      const allows = ev.outcomes.filter((o) => o.action === 'allow');
      const certain = allows.find((o) => o.assumptions.length === 0);
      if (certain) open.push({ ...c, rule: certain.rule, remote: 'some addresses' });
      else for (const r of unresolvedReasons(allows)) unresolved.add(r);
    }
    return { open, unresolved: [...unresolved].sort() };
  });
}
