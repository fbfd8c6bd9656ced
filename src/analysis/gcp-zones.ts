/**
 * Zone placement on Google Cloud, as a pure function of the inventory and the zone selectors. Compute subnetworks and
 * networks carry no labels, so a subnetwork is placed by (first match wins, as on AWS and Azure):
 *   1. its id ("projects/p/regions/r/subnetworks/s", a self link, or the bare name "s"),
 *   2. its network's id (or bare name),
 *   3. CIDR: its primary range inside one of the zone's CIDRs (an IPv6-only subnetwork: its IPv6 range).
 * Instances, Workbench instances and forwarding rules (PSC endpoints) are placed by their own facts first — the
 * selector's labels, the zone label (the policy's zone_tag_key compared without case, "-" or "_": GCP label keys are
 * lower-case, so SecurityZone is written securityzone, security_zone or security-zone), the selector's network tags
 * and service accounts — then where their subnetwork is.
 */
import { firstMatchingTier } from './zone-tiers.js';
import {
  gcpIdKey,
  shortName,
  type GcpForwardingRule,
  type GcpInstance,
  type GcpNetwork,
  type GcpSubnetwork,
  type GcpWorkbenchInstance,
  type Labels,
} from '../inventory/gcp.js';
import { cidrContains, tryParseCidr, type Cidr } from '../util/cidr.js';

export interface GcpZoneSelector {
  zone: string;
  subnetIds?: readonly string[];
  networkIds?: readonly string[];
  cidrs?: readonly string[];
  /** All of these labels on a resource place it in the zone. */
  labels?: Readonly<Labels>;
  networkTags?: readonly string[];
  serviceAccounts?: readonly string[];
}

export type GcpZoneVia =
  | 'subnet-id'
  | 'network-id'
  | 'cidr'
  | 'labels'
  | 'zone-label'
  | 'network-tag'
  | 'service-account'
  | 'subnetwork'
  | 'network';

export interface GcpZoneMembership {
  zone: string;
  via: GcpZoneVia;
  /** The deciding fact: a subnetwork, network or resource id, a tag or a service account. */
  evidence: string;
  alsoClaimedBy: string[];
}

export interface GcpZoneInput {
  subnetworks: readonly GcpSubnetwork[];
  networks: readonly GcpNetwork[];
  instances?: readonly GcpInstance[];
  workbenchInstances?: readonly GcpWorkbenchInstance[];
  forwardingRules?: readonly GcpForwardingRule[];
}

export interface GcpZonePlacement {
  subnetwork(id: string): GcpZoneMembership | undefined;
  /** The zones of a network: its own selector, else every zone one of its subnetworks is placed in (sorted). */
  networkZones(id: string): string[];
  instance(id: string): GcpZoneMembership | undefined;
  workbenchInstance(id: string): GcpZoneMembership | undefined;
  forwardingRule(id: string): GcpZoneMembership | undefined;
}

function normaliseLabelKey(k: string): string {
  return k.toLowerCase().replace(/[-_]/g, '');
}

function labelsMatch(want: Readonly<Labels> | undefined, have: Labels | undefined): boolean {
  const keys = Object.keys(want ?? {});
  return keys.length > 0 && have !== undefined && keys.every((k) => have[k] === want![k]);
}

/** A selector entry matches an id when it is the same reference, or a bare name equal to the id's last segment. */
function refMatcher(entries: readonly string[] | undefined): (id: string) => boolean {
  const full = new Set<string>();
  const bare = new Set<string>();
  for (const e of entries ?? []) (e.includes('/') ? full : bare).add(e.includes('/') ? gcpIdKey(e) : e);
  return (id) => full.has(gcpIdKey(id)) || bare.has(shortName(id));
}

export function placeGcpResources(
  input: GcpZoneInput,
  selectors: readonly GcpZoneSelector[],
  options: { zoneTagKey?: string } = {},
): GcpZonePlacement {
  const zoneKey = normaliseLabelKey(options.zoneTagKey ?? 'SecurityZone');
  const zoneNames = new Set(selectors.map((s) => s.zone));
  const index = <T extends { id: string }>(list: readonly T[] | undefined) =>
    new Map((list ?? []).map((x) => [gcpIdKey(x.id), x]));
  const subnets = index(input.subnetworks);
  const instances = index(input.instances);
  const workbench = index(input.workbenchInstances);
  const rules = index(input.forwardingRules);
  const prepared = selectors.map((s) => ({
    ...s,
    subnet: refMatcher(s.subnetIds),
    network: refMatcher(s.networkIds),
    parsed: (s.cidrs ?? []).map((c) => tryParseCidr(c)).filter((c): c is Cidr => c !== undefined),
    tags: new Set(s.networkTags ?? []),
    accounts: new Set((s.serviceAccounts ?? []).map((a) => a.toLowerCase())),
  }));

  const first = (
    tiers: [GcpZoneVia, (s: (typeof prepared)[number]) => string | undefined][],
  ): GcpZoneMembership | undefined => firstMatchingTier(prepared, tiers);
  const zoneLabel = (labels: Labels | undefined, zone: string) =>
    zoneNames.has(zone) &&
    Object.entries(labels ?? {}).some(([k, v]) => normaliseLabelKey(k) === zoneKey && v === zone);

  const memo = new Map<string, GcpZoneMembership | undefined>();
  const subnetwork = (id: string): GcpZoneMembership | undefined => {
    const key = gcpIdKey(id);
    if (memo.has(key)) return memo.get(key);
    const s = subnets.get(key);
    let result: GcpZoneMembership | undefined;
    if (s) {
      // The primary IPv4 range; an IPv6-only subnetwork has none and is placed by its internal or external IPv6 range.
      const ranges = (s.ipCidrRange ? [s.ipCidrRange] : [s.ipv6CidrRange, s.externalIpv6Prefix])
        .filter((r): r is string => !!r)
        .map((text) => ({ text, cidr: tryParseCidr(text) }));
      result = first([
        ['subnet-id', (z) => (z.subnet(s.id) ? s.id : undefined)],
        ['network-id', (z) => (z.network(s.network) ? s.network : undefined)],
        ['cidr', (z) => ranges.find(({ cidr }) => cidr && z.parsed.some((c) => cidrContains(c, cidr)))?.text],
      ]);
    }
    memo.set(key, result);
    return result;
  };

  // Zones per network: the network's own selector, else the zones of its subnetworks.
  const subnetsOfNetwork = new Map<string, GcpSubnetwork[]>();
  for (const s of input.subnetworks) {
    const k = gcpIdKey(s.network);
    const list = subnetsOfNetwork.get(k) ?? [];
    list.push(s);
    subnetsOfNetwork.set(k, list);
  }
  const networkZones = (id: string): string[] => {
    const own = prepared.filter((z) => z.network(id)).map((z) => z.zone);
    if (own.length > 0) return [...new Set(own)].sort();
    const zones = new Set<string>();
    for (const s of subnetsOfNetwork.get(gcpIdKey(id)) ?? []) {
      const m = subnetwork(s.id);
      if (m) zones.add(m.zone);
    }
    return [...zones].sort();
  };

  const own = (
    id: string,
    labels: Labels | undefined,
    tags: readonly string[],
    accounts: readonly string[],
    subnetworkId: string | undefined,
    networkId?: string,
  ): GcpZoneMembership | undefined => {
    const mine = first([
      ['labels', (z) => (labelsMatch(z.labels, labels) ? id : undefined)],
      ['zone-label', (z) => (zoneLabel(labels, z.zone) ? id : undefined)],
      ['network-tag', (z) => tags.find((t) => z.tags.has(t))],
      ['service-account', (z) => accounts.find((a) => z.accounts.has(a.toLowerCase()))],
    ]);
    if (mine) return mine;
    const viaSubnet = subnetworkId ? subnetwork(subnetworkId) : undefined;
    if (viaSubnet) return { ...viaSubnet, via: 'subnetwork', evidence: subnetworkId! };
    // A global resource on a network (a PSC endpoint for Google APIs) is in the network's zone when it has one.
    if (networkId) {
      const zones = networkZones(networkId);
      if (zones.length > 0)
        return { zone: zones[0]!, via: 'network', evidence: networkId, alsoClaimedBy: zones.slice(1) };
    }
    return undefined;
  };

  return {
    subnetwork,
    networkZones,
    instance(id) {
      const vm = instances.get(gcpIdKey(id));
      if (!vm) return undefined;
      const nic = vm.networkInterfaces[0];
      return own(vm.id, vm.labels, vm.tags, vm.serviceAccounts, nic?.subnetwork, nic?.network);
    },
    workbenchInstance(id) {
      const w = workbench.get(gcpIdKey(id));
      if (!w) return undefined;
      const nic = w.networkInterfaces[0];
      return own(w.id, w.labels, w.tags, w.serviceAccounts, nic?.subnet, nic?.network);
    },
    forwardingRule(id) {
      const r = rules.get(gcpIdKey(id));
      if (!r) return undefined;
      return own(r.id, r.labels, [], [], r.subnetwork, r.network);
    },
  };
}
