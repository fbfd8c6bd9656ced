/**
 * Private paths from a VPC network to Google APIs (Vertex AI included), as Google documents them:
 * - a Private Service Connect endpoint for Google APIs: a global forwarding rule whose target is the `all-apis` or
 *   `vpc-sc` bundle, on a global INTERNAL address of purpose PRIVATE_SERVICE_CONNECT in the network
 *   (https://cloud.google.com/vpc/docs/configure-private-service-connect-apis);
 * - the private.googleapis.com (199.36.153.8/30) or restricted.googleapis.com (199.36.153.4/30) VIPs, which need a
 *   route to the default internet gateway (https://cloud.google.com/vpc/docs/configure-private-google-access).
 * Both only carry traffic that DNS sends there; dns-resolution.ts follows the names.
 * Seed 001 says a PSC endpoint "requires a subnet with purpose PRIVATE_SERVICE_CONNECT": that holds for producers'
 * NAT subnets, not for endpoints to Google APIs, whose address is a global address with that purpose and no subnet
 * (Google's documentation wins; cordon looks for the global address).
 */
import {
  gcpIdKey,
  indexByGcpId,
  projectOfId,
  shortName,
  type GcpAddress,
  type GcpForwardingRule,
  type GcpInventory,
  type GcpNetwork,
  type GcpRoute,
  type GcpSubnetwork,
} from '../../inventory/gcp.js';
import type { Origin } from '../../findings/types.js';
import { aiSubnetworks, perInventory } from './support.js';
import type { GcpCheckContext } from './types.js';
import { cidrContains, tryParseCidr, type Cidr } from '../../util/cidr.js';

export const PRIVATE_VIP = '199.36.153.8/30';
export const RESTRICTED_VIP = '199.36.153.4/30';

export type ApiBundle = 'all-apis' | 'vpc-sc';

export interface GoogleApisEndpoint {
  rule: GcpForwardingRule;
  bundle: ApiBundle;
  /** The endpoint's internal address. */
  ip: string;
  address: GcpAddress;
}

export interface GoogleApisEndpoints {
  endpoints: GoogleApisEndpoint[];
  /** Forwarding rules to a bundle whose address cordon could not find or that do not carry traffic, with why. */
  unusable: string[];
  /** Rules whose address is not in the snapshot: cordon cannot tell whether they are endpoints. */
  unresolved: string[];
}

/** The bundle a forwarding rule targets, when it is a Google APIs PSC endpoint. */
export function bundleOf(rule: GcpForwardingRule): ApiBundle | undefined {
  const t = rule.target ? shortName(rule.target) : undefined;
  return t === 'all-apis' || t === 'vpc-sc' ? t : undefined;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

interface NetworkIndex {
  /** Global forwarding rules to a Google APIs bundle, per network. */
  bundleRules: Map<string, GcpForwardingRule[]>;
  routes: Map<string, GcpRoute[]>;
  addressById: Map<string, GcpAddress>;
  /** Global addresses by "network ip" ("* ip" when the address names no network). */
  globalAddressByIp: Map<string, GcpAddress>;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Rules, routes and addresses by network, once per inventory (checks run per project over the same inventory). */
function networkIndex(inv: GcpInventory): NetworkIndex {
  return perInventory(inv, 'networkIndex', () => {
    const x: NetworkIndex = {
      bundleRules: new Map(),
      routes: new Map(),
      addressById: indexByGcpId(inv.addresses),
      globalAddressByIp: new Map(),
    };
    for (const r of [...inv.forwardingRules].sort((a, b) => a.id.localeCompare(b.id)))
      if (bundleOf(r) && r.region === 'global' && r.network) push(x.bundleRules, gcpIdKey(r.network), r);
    for (const r of inv.routes) push(x.routes, gcpIdKey(r.network), r);
    for (const a of inv.addresses)
      if (a.address && a.region === 'global') {
        // Internal addresses repeat across networks: the network is part of the key.
        const k = `${a.network ? gcpIdKey(a.network) : '*'} ${a.address}`;
        if (!x.globalAddressByIp.has(k)) x.globalAddressByIp.set(k, a);
      }
    return x;
  });
}

/** Private Service Connect endpoints for Google APIs on a network. */
export function googleApisEndpoints(inv: GcpInventory, networkId: string): GoogleApisEndpoints {
  const out: GoogleApisEndpoints = { endpoints: [], unusable: [], unresolved: [] };
  const index = networkIndex(inv);
  for (const rule of index.bundleRules.get(gcpIdKey(networkId)) ?? []) {
    const bundle = bundleOf(rule)!;
    const ref = rule.IPAddress ?? '';
    // The API returns the IP; a request may name the address resource instead.
    const address = IPV4.test(ref)
      ? (index.globalAddressByIp.get(`${gcpIdKey(networkId)} ${ref}`) ?? index.globalAddressByIp.get(`* ${ref}`))
      : ref
        ? index.addressById.get(gcpIdKey(ref))
        : undefined;
    if (!address) {
      out.unresolved.push(`${rule.name}: its address ${ref || '(none)'} is not among the global addresses read`);
      continue;
    }
    if ((address.addressType ?? '').toUpperCase() !== 'INTERNAL' || address.purpose !== 'PRIVATE_SERVICE_CONNECT') {
      out.unusable.push(
        `${rule.name}: address ${address.name} is ${address.addressType ?? 'of no type'}/${address.purpose ?? 'no purpose'}, not INTERNAL/PRIVATE_SERVICE_CONNECT`,
      );
      continue;
    }
    if (rule.pscConnectionStatus && rule.pscConnectionStatus !== 'ACCEPTED') {
      out.unusable.push(`${rule.name}: connection ${rule.pscConnectionStatus}`);
      continue;
    }
    out.endpoints.push({ rule, bundle, ip: address.address ?? ref, address });
  }
  return out;
}

/** Every Google APIs PSC endpoint address in the inventory, by IP. */
export function allGoogleApisEndpointIps(inv: GcpInventory): Map<string, GoogleApisEndpoint> {
  const m = new Map<string, GoogleApisEndpoint>();
  for (const n of [...networkIndex(inv).bundleRules.keys()].sort())
    for (const e of googleApisEndpoints(inv, n).endpoints) if (!m.has(e.ip)) m.set(e.ip, e);
  return m;
}

export interface VipRouting {
  vip: string;
  /** The route that wins for the VIP range among routes applying to every instance, when any. */
  route?: GcpRoute;
  /** True when that route's next hop is the default internet gateway (the only hop the VIPs work through). */
  reachable: boolean;
  /** Routes to the gateway that cover the VIP for tagged instances only. */
  taggedOnly: GcpRoute[];
}

const isGateway = (r: GcpRoute) =>
  r.nextHopGateway !== undefined && shortName(r.nextHopGateway) === 'default-internet-gateway';

/**
 * The route a network uses for a VIP range: the most specific route containing it, then the lowest priority value
 * (GCP's route selection; routes with network tags apply to tagged instances only and are reported apart).
 */
export function vipRouting(inv: GcpInventory, networkId: string, vip: string): VipRouting {
  const target = tryParseCidr(vip)!;
  const covering = (networkIndex(inv).routes.get(gcpIdKey(networkId)) ?? [])
    .map((r) => ({ r, c: tryParseCidr(r.destRange) }))
    .filter((x): x is { r: GcpRoute; c: Cidr } => x.c !== undefined && cidrContains(x.c, target));
  const untagged = covering
    .filter((x) => x.r.tags.length === 0)
    .sort((a, b) => b.c.prefix - a.c.prefix || a.r.priority - b.r.priority || a.r.id.localeCompare(b.r.id));
  const route = untagged[0]?.r;
  return {
    vip,
    route,
    reachable: route !== undefined && isGateway(route),
    taggedOnly: covering.filter((x) => x.r.tags.length > 0 && isGateway(x.r)).map((x) => x.r),
  };
}

export interface NetworkApiAccess {
  network: string;
  psc: GoogleApisEndpoints;
  private: VipRouting;
  restricted: VipRouting;
}

export function networkApiAccess(inv: GcpInventory, networkId: string): NetworkApiAccess {
  return {
    network: gcpIdKey(networkId),
    psc: googleApisEndpoints(inv, networkId),
    private: vipRouting(inv, networkId, PRIVATE_VIP),
    restricted: vipRouting(inv, networkId, RESTRICTED_VIP),
  };
}

/** True when the network has a PSC endpoint for Google APIs or a route to one of the VIPs. */
export function hasPrivateApiPath(a: NetworkApiAccess): boolean {
  return a.psc.endpoints.length > 0 || a.private.reachable || a.restricted.reachable;
}

export interface AiNetwork {
  id: string;
  /** The network resource when it was read. */
  network?: GcpNetwork;
  /** The network's AI subnetworks. */
  subnetworks: GcpSubnetwork[];
  /** Regions of those subnetworks, sorted. */
  regions: string[];
}

/**
 * The AI networks a project owns (Shared VPC: the host project), sorted by id. Computed once per run for every
 * project (keyed by the run's zone placement) so that running per project stays linear.
 */
export function ownAiNetworks(ctx: GcpCheckContext): AiNetwork[] {
  return aiNetworksByProject(ctx).get(ctx.project) ?? [];
}

/** Ids of every AI network of the run (any project). */
export function allAiNetworkIds(ctx: GcpCheckContext): Set<string> {
  return perInventory(
    ctx.zones,
    'aiNetworkIds',
    () => new Set([...aiNetworksByProject(ctx).values()].flatMap((list) => list.map((n) => n.id))),
  );
}

function aiNetworksByProject(ctx: GcpCheckContext): Map<string, AiNetwork[]> {
  return perInventory(ctx.zones, 'aiNetworksByProject', () => {
    const byProject = new Map<string, AiNetwork[]>();
    const subnets = aiSubnetworks(ctx.inventory.subnetworks, ctx.zones, ctx.policy);
    const networks = indexByGcpId(ctx.inventory.networks);
    const byNetwork = new Map<string, GcpSubnetwork[]>();
    for (const s of subnets) push(byNetwork, gcpIdKey(s.network), s);
    for (const [id, own] of [...byNetwork].sort(([a], [b]) => a.localeCompare(b))) {
      const project = projectOfId(id) ?? '';
      const sorted = own.sort((a, b) => a.id.localeCompare(b.id));
      push(byProject, project, {
        id,
        network: networks.get(id),
        subnetworks: sorted,
        regions: [...new Set(sorted.map((s) => s.region))].sort(),
      });
    }
    return byProject;
  });
}

export interface Workload {
  project: string;
  name: string;
  network?: string;
  subnetwork?: string;
  /** Has an external IPv4 address on that interface. */
  external: boolean;
}

/** VM and Workbench interfaces and Vertex AI endpoints by network and subnetwork, indexed once per inventory. */
export function workloads(inv: GcpInventory): {
  byNetwork: Map<string, Workload[]>;
  bySubnetwork: Map<string, Workload[]>;
} {
  return perInventory(inv, 'workloads', () => {
    const all: Workload[] = [
      ...inv.instances.flatMap((i) =>
        i.networkInterfaces.map((n) => ({
          project: i.project,
          name: i.name,
          network: n.network,
          subnetwork: n.subnetwork,
          external: n.accessConfigs.length > 0,
        })),
      ),
      ...inv.workbenchInstances.flatMap((x) =>
        x.networkInterfaces.map((n) => ({
          project: x.project,
          name: x.name,
          network: n.network,
          subnetwork: n.subnet,
          external: n.hasExternalIp,
        })),
      ),
      ...[...inv.vertexEndpoints, ...inv.vertexIndexEndpoints].map((e) => ({
        project: e.project,
        name: e.name,
        network: e.network,
        external: false,
      })),
    ];
    const group = (key: (x: Workload) => string | undefined) => {
      const m = new Map<string, Workload[]>();
      for (const x of all) {
        const k = key(x);
        if (k !== undefined) push(m, gcpIdKey(k), x);
      }
      return m;
    };
    return { byNetwork: group((x) => x.network), bySubnetwork: group((x) => x.subnetwork) };
  });
}

/** Projects whose workloads use a network: its owner (Shared VPC host) and every project with a VM, Workbench instance or Vertex AI endpoint on it. */
export function projectsOnNetwork(inv: GcpInventory, n: { id: string }): string[] {
  const out = new Set<string>((workloads(inv).byNetwork.get(gcpIdKey(n.id)) ?? []).map((w) => w.project));
  const owner = projectOfId(n.id);
  if (owner) out.add(owner);
  return [...out].sort();
}

/** The result base for a finding about an AI network. */
export function networkResult(n: AiNetwork): {
  resource: { id: string; type: string };
  region: string;
  origin: Origin;
} {
  return {
    resource: { id: n.id, type: 'compute.googleapis.com/Network' },
    region: 'global',
    origin: (n.network ?? n.subnetworks[0]!).origin,
  };
}

export type AddressKind = 'psc-vpc-sc' | 'psc-all-apis' | 'restricted-vip' | 'private-vip' | 'other';

/** What a DNS answer points at. */
export function classifyAddress(ip: string, endpoints: Map<string, GoogleApisEndpoint>): AddressKind {
  const e = endpoints.get(ip);
  if (e) return e.bundle === 'vpc-sc' ? 'psc-vpc-sc' : 'psc-all-apis';
  const c = tryParseCidr(ip);
  if (c && cidrContains(tryParseCidr(RESTRICTED_VIP)!, c)) return 'restricted-vip';
  if (c && cidrContains(tryParseCidr(PRIVATE_VIP)!, c)) return 'private-vip';
  return 'other';
}
