/**
 * The Azure compiler: inventory → provider-neutral network model. What Azure does, and how it maps:
 *
 * - NSGs on a subnet and on a NIC are both stateful, first-match by priority over the custom and the default rules
 *   (AllowVnetInBound, AllowAzureLoadBalancerInBound, DenyAllInBound and the outbound three); a packet needs both
 *   (inbound: subnet then NIC; outbound: NIC then subnet). A subnet NSG also filters traffic within the subnet. No
 *   NSG means no filter. A private endpoint is filtered by its subnet's NSG only when the subnet's
 *   privateEndpointNetworkPolicies enable it: otherwise it sits in a model subnet of its own without that NSG.
 * - Rules name both ends (FilterRule.locals). Service tags: VirtualNetwork is the VNet's address space, the spaces
 *   of connected peerings that allow virtual network access, the prefixes of the user-defined routes of its subnets
 *   (Microsoft: "address prefixes used on user-defined routes … might also contain default routes") and the host
 *   address 168.63.129.16; Internet is public space outside the VNet's own and peered space (a fixed list of public
 *   prefixes: a 0.0.0.0/0 user route puts everything in VirtualNetwork but leaves a deny of Internet working); AzureLoadBalancer is 168.63.129.16; other
 *   tags (AzureCloud, Storage, …) have ranges cordon does not hold, so they are unknown within public space.
 *   Application security groups resolve to the addresses of the NIC configurations that are members; an ASG with no
 *   known member is unknown, never empty.
 * - Routes: the system routes (the VNet's space → VnetLocal, each connected peering's remote space, 0.0.0.0/0 →
 *   Internet, 10/8, 172.16/12, 192.168/16, 100.64/10 → None) overlaid by the subnet's user-defined routes, longest
 *   prefix first, a user route winning a tie. A user 0.0.0.0/0 route also invalidates the None routes (Azure shows
 *   them "Invalid" in effective routes: spoke-to-spoke traffic through a hub firewall works with only a default
 *   route). Next hops: VnetLocal, Internet, None, VirtualAppliance (an Azure Firewall of the inventory at that address
 *   is modelled; any other appliance is unknown), VirtualNetworkGateway (on-premises: unknown).
 * - Gateway routes (Microsoft, "Virtual network traffic routing", learn.microsoft.com/azure/virtual-network/
 *   virtual-networks-udr-overview): a virtual network gateway adds to every subnet of its VNet a route per prefix
 *   "advertised from on-premises via BGP, or configured in the local network gateway" (next hop Virtual network
 *   gateway), and so does it for a peered VNet whose peering sets useRemoteGateways (the hub's allowGatewayTransit);
 *   Azure Route Server programs the BGP routes NVAs advertise the same way. Selection is
 *   longest prefix first, then user route > BGP route > system route for the same prefix, except that "system routes
 *   for traffic related to virtual network, virtual network peerings, or virtual network service endpoints, are
 *   preferred routes, even if BGP routes are more specific". A route table with disableBgpRoutePropagation ("Propagate
 *   gateway routes: No") keeps them out of its subnets, and "this process applies to both static routes and BGP
 *   routes". The prefixes (BGP-learned, or a local network gateway's) are not in the inventory, so a subnet that gets
 *   gateway routes has an opaque route naming the gateway (routes.ts): every destination is unknown there except the
 *   VNet's own space, its peerings' spaces and user routes lying inside them (pinned). A user 0.0.0.0/0 route does not
 *   decide the rest: it only beats a BGP default route (forced tunnelling, or a VPN gateway's default site), not a
 *   longer on-premises prefix. The gateway resource itself is not read: GatewaySubnet (RouteServerSubnet) stands for
 *   it. VirtualNetwork includes the connected on-premises spaces: rules naming it match unknown sources there.
 * - Internet egress of a NIC: the subnet's NAT gateway, else a public IP on the NIC, else default outbound access
 *   unless the subnet is private (defaultOutboundAccess false). Inbound from the internet needs a public IP.
 * - Peering: a model peering when both sides are Connected; a side with allowVirtualNetworkAccess off routes nothing
 *   over it (drop); allowForwardedTraffic says whether a side accepts what a hub firewall forwards. Not transitive.
 * - Azure Firewall: network rules (all of them, by rule collection group then collection priority, parent policy
 *   first) before application rules, first match, deny by default. An application rule admits its protocols' ports
 *   to FQDNs whose addresses cordon does not know (unknown), or anywhere for target "*". IP groups, FQDN network
 *   rules and service tags are unknown.
 */
import type { Origin } from '../findings/types.js';
import {
  azureIdKey,
  azureScopeKey,
  filterById,
  hasAzureDataset,
  parseAzureId,
  type AzureFirewall,
  type AzureFirewallPolicyRule,
  type AzureInventory,
  type AzureNetworkInterface,
  type AzureNetworkSecurityGroup,
  type AzureSecurityRule,
  type AzureSubnet,
  type AzureVirtualNetwork,
  type AzureVnetPeering,
} from '../inventory/azure.js';
import type { ZonePolicy } from '../policy/load.js';
import { placeAzure } from '../checks/azure/support.js';
import { DEFAULT_RULES } from '../checks/azure/nsg-support.js';
import { endpointTargets } from '../checks/azure/dns-support.js';
import { tryParseCidr, type Cidr } from '../util/cidr.js';
import { NOT_INTERNET_V4, NOT_INTERNET_V6 } from './model.js';
import { NO_FILTER } from './questions.js';
import { cidrsIn, deployLabel, planStandIns, type PendingInterface } from './deploy-addresses.js';
import { compileAzureLoadBalancers } from './azure-load-balancers.js';
import { compileAzurePrivateLink } from './azure-privatelink.js';
import type {
  AddressSpace,
  Filter,
  FilterRule,
  Firewall,
  Interface,
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
import { originAt } from './model.js';

const cidr = (text: string): Cidr => tryParseCidr(text)!;
const ANY_V4 = cidr('0.0.0.0/0');
const ANY_V6 = cidr('::/0');
/** Azure's host address: health probes (AzureLoadBalancer), DNS, DHCP; part of VirtualNetwork too. */
const AZURE_HOST = cidr('168.63.129.16/32');
/** Public address space (shared with the GCP compiler). */
export const PUBLIC: AddressSpace = {
  include: [ANY_V4, cidr('2000::/3')],
  exclude: [...NOT_INTERNET_V4.map(cidr), ...NOT_INTERNET_V6.map(cidr)],
};
export const ANY: Remote[] = [
  { kind: 'cidr', cidr: ANY_V4 },
  { kind: 'cidr', cidr: ANY_V6 },
];

/** A stateful filter with one allow-everything rule on `remotes` (no NSG; or an unknown one, with unknown remotes). */
export function oneRuleFilter(id: string, direction: 'in' | 'out', remotes: Remote[], ref: Ref): Filter {
  return {
    id,
    direction,
    order: 'first-match',
    stateful: true,
    rules: [{ action: 'allow', proto: [0, 255], ports: [0, 65535], remotes, ref }],
    defaultRef: ref,
  };
}

/** Reserved ranges the system routes send to None. */
const NONE_ROUTES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

const PROTOCOLS: Record<string, [number, number][]> = {
  '*': [[0, 255]],
  any: [[0, 255]],
  tcp: [[6, 6]],
  udp: [[17, 17]],
  // NSG "Icmp" covers ICMP for IPv4 and IPv6.
  icmp: [
    [1, 1],
    [58, 58],
  ],
  esp: [[50, 50]],
  ah: [[51, 51]],
};

const at = originAt;
/** The type findings give an NSG (as parseAzureId writes it). */
const NSG_TYPE = 'microsoft.network/networksecuritygroups';

/** What gives a VNet's subnets gateway routes: its gateway or Route Server, or a peer's through useRemoteGateways. */
interface GatewaySource {
  label: string;
  ref: Ref;
}

/** "443", "8000-8999", "*" → inclusive ranges; undefined for text that is none of these. */
function portRange(text: string): [number, number] | undefined {
  const t = text.trim();
  if (t === '*' || t === '') return [0, 65535];
  const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(t);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = Number(m[2] ?? m[1]);
  return lo <= hi && hi <= 65535 ? [lo, hi] : undefined;
}

const hasPorts = (p: [number, number]) => p[0] === p[1] && (p[0] === 6 || p[0] === 17);

/** Short, unique display ids: the name, else resource group/name, else the ARM id. */
function namer<T extends { id: string; name: string; resourceGroup: string }>(items: readonly T[]) {
  const count = new Map<string, number>();
  for (const x of items) count.set(x.name.toLowerCase(), (count.get(x.name.toLowerCase()) ?? 0) + 1);
  const rgCount = new Map<string, number>();
  for (const x of items) {
    const k = `${x.resourceGroup}/${x.name}`.toLowerCase();
    rgCount.set(k, (rgCount.get(k) ?? 0) + 1);
  }
  return (x: T): string =>
    count.get(x.name.toLowerCase()) === 1
      ? x.name
      : rgCount.get(`${x.resourceGroup}/${x.name}`.toLowerCase()) === 1
        ? `${x.resourceGroup}/${x.name}`
        : x.id;
}

export function compileAzure(inv: AzureInventory, policy: ZonePolicy): NetworkModel {
  const zones = placeAzure(inv, policy);
  const notes = new Set<string>();
  const gaps: ModelGap[] = [];
  const byId = <T extends { id: string }>(list: readonly T[]) => new Map(list.map((x) => [azureIdKey(x.id), x]));
  const vnets = byId(inv.virtualNetworks);
  const subnetsById = byId(inv.subnets);
  const nsgs = byId(inv.networkSecurityGroups);
  const routeTables = byId(inv.routeTables);
  const publicIps = byId(inv.publicIpAddresses);
  const vnetName = namer(inv.virtualNetworks);
  const nsgName = namer(inv.networkSecurityGroups);
  const nicName = namer(inv.networkInterfaces);
  const rtName = namer(inv.routeTables);
  const fwName = namer(inv.firewalls);
  const subnetName = (s: AzureSubnet) => {
    const v = vnets.get(azureIdKey(s.vnetId));
    return `${v ? vnetName(v) : s.vnetId.split('/').pop()}/${s.name}`;
  };
  const scopeOf = (x: { subscription: string; location: string }) => azureScopeKey(x);

  const serviceZone = new Map<string, string>();
  for (const z of policy.zones.values())
    if (z.kind === 'service') for (const s of z.services?.azure ?? []) serviceZone.set(s.toLowerCase(), z.name);
  const internetZone = [...policy.zones.values()].find((z) => z.kind === 'internet')?.name;

  // ---- peerings: a model peering for each pair of VNets whose two sides are Connected
  const connected = (p: { peeringState?: string }) => (p.peeringState ?? '').toLowerCase() === 'connected';
  const peerings = new Map<string, Peering>();
  const peeringOf = new Map<string, string>(); // local peering resource id → model peering id
  for (const a of inv.vnetPeerings) {
    if (!connected(a) || !a.remoteVirtualNetworkId) continue;
    const b = filterById(inv.vnetPeerings, 'vnetId', a.remoteVirtualNetworkId).find(
      (x) => connected(x) && azureIdKey(x.remoteVirtualNetworkId ?? '') === azureIdKey(a.vnetId),
    );
    const va = vnets.get(azureIdKey(a.vnetId));
    const vb = vnets.get(azureIdKey(a.remoteVirtualNetworkId));
    if (!b || !va || !vb) continue;
    const [first, second] = [
      [va, a],
      [vb, b],
    ].sort(([x], [y]) => (vnetName(x as AzureVirtualNetwork) < vnetName(y as AzureVirtualNetwork) ? -1 : 1)) as [
      [AzureVirtualNetwork, typeof a],
      [AzureVirtualNetwork, typeof a],
    ];
    const id = `${vnetName(first[0])}<->${vnetName(second[0])}`;
    peeringOf.set(azureIdKey(a.id), id);
    if (peerings.has(id)) continue;
    peerings.set(id, {
      id,
      networks: [vnetName(first[0]), vnetName(second[0])],
      acceptsForwarded: [first[1].allowForwardedTraffic === true, second[1].allowForwardedTraffic === true],
      ref: { label: `peering ${first[1].name} / ${second[1].name}`, resourceId: a.id, origin: a.origin },
    });
  }

  // ---- address spaces
  const spaceOf = (v: AzureVirtualNetwork) => v.addressPrefixes.flatMap((p) => tryParseCidr(p) ?? []);
  const peersOf = (v: AzureVirtualNetwork) => filterById(inv.vnetPeerings, 'vnetId', v.id).filter(connected);
  /** A connected peering's remote space: the remote VNet's, or what the peering records of it. */
  const peeredSpace = (p: AzureVnetPeering): Cidr[] => {
    const remote = p.remoteVirtualNetworkId ? vnets.get(azureIdKey(p.remoteVirtualNetworkId)) : undefined;
    return remote ? spaceOf(remote) : p.remoteAddressPrefixes.flatMap((x) => tryParseCidr(x) ?? []);
  };
  const subnetsOf = (v: AzureVirtualNetwork) => filterById(inv.subnets, 'vnetId', v.id);
  const virtualNetworkTag = new Map<string, Cidr[]>();
  /** VirtualNetwork as a NIC of subnet `s` of `v` sees it (its effective routes hold its subnet's user routes). */
  const vnetTag = (v: AzureVirtualNetwork, s: AzureSubnet | undefined): Cidr[] => {
    const key = `${azureIdKey(v.id)}|${s?.routeTableId ? azureIdKey(s.routeTableId) : ''}`;
    let tag = virtualNetworkTag.get(key);
    if (tag) return tag;
    tag = [...spaceOf(v), AZURE_HOST];
    for (const p of peersOf(v)) if (p.allowVirtualNetworkAccess !== false) tag.push(...peeredSpace(p));
    const rt = s?.routeTableId ? routeTables.get(azureIdKey(s.routeTableId)) : undefined;
    for (const r of rt?.routes ?? []) {
      const c = tryParseCidr(r.addressPrefix);
      if (c) tag.push(c);
    }
    virtualNetworkTag.set(key, tag);
    return tag;
  };
  // ---- virtual network gateways: which VNets' subnets get gateway routes (tableFor adds them)
  const gatewaysOf = new Map<string, GatewaySource[]>();
  const gatewaySources = (v: AzureVirtualNetwork): GatewaySource[] => {
    const k = azureIdKey(v.id);
    let list = gatewaysOf.get(k);
    if (list) return list;
    list = [];
    // A gateway (VPN, ExpressRoute) lives in GatewaySubnet, Azure Route Server in RouteServerSubnet; the inventory
    // holds neither resource, so the subnet stands for it (a GatewaySubnet without a gateway is treated as having one).
    const own = new Map<string, { id: string; origin?: Origin }>();
    for (const id of v.subnetIds) own.set(id.split('/').pop()!.toLowerCase(), { id });
    for (const s of subnetsOf(v)) own.set(s.name.toLowerCase(), { id: s.id, origin: s.origin });
    for (const [name, what] of [
      ['gatewaysubnet', 'virtual network gateway'],
      ['routeserversubnet', 'Route Server'],
    ] as const) {
      const s = own.get(name);
      if (s)
        list.push({
          label: `${what} of ${vnetName(v)}`,
          ref: {
            label: `${what} of ${vnetName(v)} (${s.id.split('/').pop()})`,
            resourceId: s.id,
            ...(s.origin ? { origin: s.origin } : v.origin ? { origin: v.origin } : {}),
          },
        });
    }
    for (const p of peersOf(v))
      if (p.useRemoteGateways) {
        const remote = p.remoteVirtualNetworkId ? vnets.get(azureIdKey(p.remoteVirtualNetworkId)) : undefined;
        const of = remote ? vnetName(remote) : (p.remoteVirtualNetworkId?.split('/').pop() ?? p.name);
        list.push({
          label: `the gateway of ${of} (peering ${p.name} uses remote gateways)`,
          ref: {
            label: `peering ${p.name} of ${vnetName(v)}: useRemoteGateways (the gateway of ${of})`,
            resourceId: p.id,
            origin: p.origin,
          },
        });
      }
    gatewaysOf.set(k, list);
    return list;
  };
  for (const v of inv.virtualNetworks) {
    const gw = gatewaySources(v);
    if (gw.length > 0)
      notes.add(
        `${vnetName(v)} gets routes from ${gw.map((g) => g.label).join(' and ')} (prefixes learned over BGP or set in a local network gateway, not in the inventory): in its subnets that propagate gateway routes, every destination outside the VNet, its peerings and its user routes that lie inside them is not assessed; on-premises sources (part of its VirtualNetwork tag) may match rules that name VirtualNetwork`,
      );
  }

  // IP configurations declared in infrastructure as code without an address get theirs at deploy: stand-ins.
  const atDeploy = azureStandIns(inv, policy, notes, gaps);
  const addressesOf = (c: AzureNetworkInterface['ipConfigurations'][number]): Cidr[] =>
    (c.privateIpAddress ? [c.privateIpAddress] : (atDeploy.get(c) ?? [])).flatMap((a) => tryParseCidr(a) ?? []);

  // ---- application security groups: members from the NICs' IP configurations
  const asgMembers = new Map<string, Cidr[]>();
  for (const n of inv.networkInterfaces)
    for (const c of n.ipConfigurations)
      for (const g of c.applicationSecurityGroupIds ?? []) {
        const k = azureIdKey(g);
        asgMembers.set(k, [...(asgMembers.get(k) ?? []), ...addressesOf(c)]);
      }

  /**
   * Microsoft: VirtualNetwork includes "all connected on-premises address spaces"; behind a gateway they are not in
   * the inventory, so a source outside the known space may match a rule naming VirtualNetwork (unknown, unbounded).
   */
  const onPremisesTag = new Map<string, Remote[]>();
  const onPremises = (v: AzureVirtualNetwork): Remote[] => {
    let r = onPremisesTag.get(azureIdKey(v.id));
    if (r) return r;
    const gw = gatewaySources(v);
    r = gw.length
      ? [
          {
            kind: 'unknown',
            reason: `on-premises prefixes of ${gw.map((g) => g.label).join(' and ')} (part of VirtualNetwork, not in the inventory)`,
          },
        ]
      : [];
    onPremisesTag.set(azureIdKey(v.id), r);
    return r;
  };
  /** An NSG address prefix or service tag, as seen from a NIC or subnet of `v`. */
  const prefixRemote = (
    text: string,
    v: AzureVirtualNetwork | undefined,
    s: AzureSubnet | undefined,
    nsgLabel: string,
  ): Remote[] => {
    const t = text.trim();
    const lower = t.toLowerCase();
    if (t === '*' || lower === 'any') return ANY;
    const c = tryParseCidr(t);
    if (c) return [{ kind: 'cidr', cidr: c }];
    const vnetSpace = v ? vnetTag(v, s) : [];
    if (lower === 'virtualnetwork')
      return [{ kind: 'members', label: 'VirtualNetwork', addresses: vnetSpace }, ...(v ? onPremises(v) : [])];
    if (lower === 'internet')
      return [
        {
          kind: 'space',
          label: 'Internet',
          // Microsoft's public prefixes: user routes widen VirtualNetwork, never narrow Internet.
          space: { include: PUBLIC.include, exclude: [...PUBLIC.exclude, ...(v ? vnetTag(v, undefined) : [])] },
        },
      ];
    if (lower === 'azureloadbalancer') return [{ kind: 'cidr', cidr: AZURE_HOST }];
    notes.add(`${nsgLabel} names ${t}, whose addresses cordon does not hold: traffic it decides is unknown`);
    return [{ kind: 'unknown', reason: `${t} (addresses not in the inventory)`, within: PUBLIC }];
  };
  const asgRemote = (id: string, label: string): Remote => {
    const members = asgMembers.get(azureIdKey(id));
    const name = id.split('/').pop() ?? id;
    if (members && members.length > 0) return { kind: 'members', label: `ASG ${name}`, addresses: members };
    notes.add(
      `${label} names application security group ${name}, of which no NIC in the inventory is a member: traffic it decides is unknown`,
    );
    return { kind: 'unknown', reason: `members of ASG ${name} not in the inventory` };
  };

  // ---- NSG filters, per NSG, VNet and route table (the VirtualNetwork tag) and direction
  const nsgFilters = new Map<string, Filter>();
  const nsgFilter = (
    nsg: AzureNetworkSecurityGroup,
    v: AzureVirtualNetwork | undefined,
    s: AzureSubnet | undefined,
    direction: 'in' | 'out',
  ): Filter => {
    const key = `${azureIdKey(nsg.id)}|${v ? azureIdKey(v.id) : ''}|${s?.routeTableId ? azureIdKey(s.routeTableId) : ''}|${direction}`;
    let f = nsgFilters.get(key);
    if (f) return f;
    const name = nsgName(nsg);
    const wanted = direction === 'in' ? 'inbound' : 'outbound';
    const defaults = nsg.defaultSecurityRules.length > 0 ? nsg.defaultSecurityRules : DEFAULT_RULES;
    const all = [...nsg.securityRules, ...defaults]
      .filter((r) => r.direction.toLowerCase() === wanted)
      .sort((a, b) => a.priority - b.priority);
    const rules = all.flatMap((r) => nsgRules(r, name, nsg, v, s, direction));
    f = {
      id: name,
      direction,
      order: 'first-match',
      stateful: true,
      rules,
      defaultRef: {
        label: `${name} ${wanted}: no rule matches`,
        resourceId: nsg.id,
        resourceType: NSG_TYPE,
        origin: nsg.origin,
        fix: { kind: 'azure-nsg-none', nsgId: nsg.id, direction },
      },
    };
    nsgFilters.set(key, f);
    return f;
  };
  const nsgRules = (
    r: AzureSecurityRule,
    name: string,
    nsg: AzureNetworkSecurityGroup,
    v: AzureVirtualNetwork | undefined,
    s: AzureSubnet | undefined,
    direction: 'in' | 'out',
  ): FilterRule[] => {
    const action = r.access.toLowerCase() === 'deny' ? 'deny' : 'allow';
    const ref: Ref = {
      label: `${name} ${direction === 'in' ? 'inbound' : 'outbound'} rule ${r.name} (priority ${r.priority}, ${action})`,
      resourceId: nsg.id,
      // A load-balancer path's finding is located by its witness's last hop, which carries no other type.
      resourceType: NSG_TYPE,
      origin: r.origin ?? at(nsg.origin, r.pointer),
      fix: {
        kind: 'azure-nsg-rule',
        nsgId: nsg.id,
        name: r.name,
        priority: r.priority,
        direction,
        access: action,
        remotes: direction === 'in' ? r.sources : r.destinations,
        ...((direction === 'in' ? r.destinationApplicationSecurityGroupIds : r.sourceApplicationSecurityGroupIds)
          .length === 0
          ? { locals: direction === 'in' ? r.destinations : r.sources }
          : {}),
        builtIn: r.isDefault || r.priority >= 65000,
      },
    };
    const label = `NSG ${name} rule ${r.name}`;
    const side = (prefixes: string[], asgs: string[]): Remote[] => [
      ...prefixes.flatMap((p) => prefixRemote(p, v, s, label)),
      ...asgs.map((g) => asgRemote(g, label)),
    ];
    const src = side(r.sources, r.sourceApplicationSecurityGroupIds);
    const dst = side(r.destinations, r.destinationApplicationSecurityGroupIds);
    let remotes = direction === 'in' ? src : dst;
    const locals = direction === 'in' ? dst : src;
    const protos = PROTOCOLS[r.protocol.toLowerCase()];
    const ports = r.destinationPorts.length ? r.destinationPorts.map(portRange) : [[0, 65535] as [number, number]];
    const unknownWhy = !protos
      ? `protocol ${r.protocol} not understood`
      : ports.some((p) => p === undefined)
        ? `port ${r.destinationPorts.join(', ')} not understood`
        : !r.sourcePorts.every((p) => p.trim() === '*' || p.trim() === '0-65535')
          ? `matches source ports ${r.sourcePorts.join(', ')}, which cordon's packets do not carry`
          : undefined;
    if (unknownWhy) {
      notes.add(`${label}: ${unknownWhy}; traffic it decides is unknown`);
      remotes = [{ kind: 'unknown', reason: unknownWhy }];
    }
    const out: FilterRule[] = [];
    for (const proto of protos ?? [[0, 255] as [number, number]])
      for (const p of hasPorts(proto) ? ports : [[0, 65535] as [number, number]])
        out.push({ action, proto, ports: p ?? [0, 65535], remotes, locals, ref });
    return out;
  };
  const openFilter = (what: string, direction: 'in' | 'out', resourceId: string, origin?: Origin): Filter =>
    oneRuleFilter(`${what} (no NSG)`, direction, ANY, {
      label: `${what}: ${NO_FILTER}`,
      resourceId,
      ...(origin ? { origin } : {}),
    });

  // ---- firewalls
  const firewallAt = new Map<string, AzureFirewall>();
  for (const fw of inv.firewalls)
    for (const c of fw.ipConfigurations) if (c.privateIpAddress) firewallAt.set(c.privateIpAddress, fw);
  const nicAt = new Map<string, string>();
  for (const n of inv.networkInterfaces)
    for (const c of n.ipConfigurations) if (c.privateIpAddress) nicAt.set(c.privateIpAddress, nicName(n));

  // ---- routes, per subnet (system routes depend on the VNet)
  const nextHop = (type: string, ip: string | undefined): RouteTarget => {
    switch (type.toLowerCase()) {
      case 'vnetlocal':
        return { kind: 'local' };
      case 'internet':
        return { kind: 'internet', id: 'internet', egressOnly: false };
      case 'none':
        return { kind: 'drop', reason: 'route with next hop None' };
      case 'virtualappliance': {
        const fw = ip ? firewallAt.get(ip) : undefined;
        if (fw) return { kind: 'firewall', id: fwName(fw) };
        const nic = ip ? nicAt.get(ip) : undefined;
        notes.add(
          `routes to the virtual appliance ${ip ?? '(no address)'}${nic ? ` (${nic})` : ''}: cordon models Azure Firewall only, so paths through it are unknown`,
        );
        return { kind: 'unknown', id: ip ?? 'appliance', reason: 'network virtual appliance not modelled' };
      }
      case 'virtualnetworkgateway':
        return { kind: 'unknown', id: 'gateway', reason: 'virtual network gateway (on-premises) not modelled' };
      default:
        return { kind: 'unknown', id: type, reason: `next hop ${type} not modelled` };
    }
  };
  const tableFor = (s: AzureSubnet, v: AzureVirtualNetwork, useUdrs: boolean): RouteTable | undefined => {
    const rt = s.routeTableId ? routeTables.get(azureIdKey(s.routeTableId)) : undefined;
    if (s.routeTableId && !rt && useUdrs) {
      notes.add(`route table of ${subnetName(s)} is not in the inventory: its routing is unknown`);
      return undefined;
    }
    const routes: Route[] = [];
    const seen = new Set<string>();
    const add = (r: Route) => {
      const k = r.destination?.text ?? `?${r.destinationText}`;
      if (seen.has(k)) return; // a user route wins a tie with a system route
      seen.add(k);
      routes.push(r);
    };
    const udrs = useUdrs ? (rt?.routes ?? []) : [];
    // Gateway routes cannot win inside the VNet's or a peered VNet's space (system routes there are preferred to any
    // BGP route), so a user route lying inside that space decides its addresses; elsewhere a longer gateway route wins.
    const guarded = [
      ...spaceOf(v),
      ...peersOf(v)
        .filter((p) => p.allowVirtualNetworkAccess !== false)
        .flatMap((p) => peeredSpace(p)),
    ];
    const inside = (d: Cidr) => guarded.some((g) => g.family === d.family && g.first <= d.first && d.last <= g.last);
    for (const r of udrs) {
      const d = tryParseCidr(r.addressPrefix);
      add({
        ...(d ? { destination: d } : {}),
        ...(d && inside(d) ? { pinned: true } : {}),
        destinationText: r.addressPrefix,
        target: nextHop(r.nextHopType, r.nextHopIpAddress),
        ref: {
          label: `${rtName(rt!)} route ${r.name} ${r.addressPrefix} -> ${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''}`,
          resourceId: rt!.id,
          origin: r.origin ?? at(rt!.origin, r.pointer),
          fix: { kind: 'azure-route', routeTableId: rt!.id, name: r.name, prefix: r.addressPrefix },
        },
      });
      if (!d)
        notes.add(
          `${rtName(rt!)} route ${r.name} targets ${r.addressPrefix} (a service tag): routing of ${subnetName(s)} is unknown`,
        );
    }
    const system = (
      prefix: Cidr,
      target: RouteTarget,
      what: string,
      ref?: { resourceId: string; origin?: Origin },
      pinned = false,
    ) =>
      add({
        destination: prefix,
        destinationText: prefix.text,
        target,
        ...(pinned ? { pinned } : {}),
        ref: {
          label: `system route ${prefix.text} -> ${what}`,
          resourceId: ref?.resourceId ?? v.id,
          fix: {
            kind: 'azure-system-route',
            subnetId: s.id,
            ...(s.routeTableId ? { routeTableId: s.routeTableId } : {}),
            prefix: prefix.text,
          },
          ...(ref?.origin ? { origin: ref.origin } : v.origin ? { origin: v.origin } : {}),
        },
      });
    for (const c of spaceOf(v)) system(c, { kind: 'local' }, 'VirtualNetwork');
    for (const p of peersOf(v)) {
      const id = peeringOf.get(azureIdKey(p.id));
      const prefixes = peeredSpace(p);
      const target: RouteTarget =
        p.allowVirtualNetworkAccess === false
          ? { kind: 'drop', reason: `peering ${p.name} has allowVirtualNetworkAccess off` }
          : id
            ? { kind: 'peering', id }
            : { kind: 'unknown', id: p.name, reason: 'peering whose other side is not in the inventory' };
      if (!id && target.kind === 'unknown')
        notes.add(
          `peering ${p.name} of ${vnetName(v)}: its remote side is not in the inventory (or not connected), so paths over it are unknown`,
        );
      for (const c of prefixes)
        system(c, target, `VNetPeering ${p.name}`, { resourceId: p.id, origin: p.origin }, target.kind === 'peering');
    }
    const defaultOverridden = udrs.some((r) => r.addressPrefix.trim() === '0.0.0.0/0');
    system(ANY_V4, { kind: 'internet', id: 'internet', egressOnly: false }, 'Internet');
    system(ANY_V6, { kind: 'internet', id: 'internet', egressOnly: false }, 'Internet');
    if (!defaultOverridden)
      for (const p of NONE_ROUTES) system(cidr(p), { kind: 'drop', reason: 'system route with next hop None' }, 'None');
    // Gateway routes, unless the subnet's route table turns their propagation off (a table that is not applied, as
    // for private endpoints without route-table policies, turns nothing off).
    if (!(rt && useUdrs && rt.disableBgpRoutePropagation === true))
      for (const g of gatewaySources(v))
        add({
          destinationText: `routes learned from ${g.label}`,
          target: {
            kind: 'unknown',
            id: g.label,
            reason: 'the prefixes it learns over BGP or from a local network gateway are not in the inventory',
          },
          ref: g.ref,
        });
    const id = rt && useUdrs ? rtName(rt) : `${subnetName(s)} (system routes)`;
    return {
      id,
      routes,
      ref: { label: id, resourceId: rt && useUdrs ? rt.id : s.id, origin: rt && useUdrs ? rt.origin : s.origin },
    };
  };

  // ---- networks and subnets
  const networks = new Map<string, Network>();
  for (const v of inv.virtualNetworks)
    networks.set(vnetName(v), {
      id: vnetName(v),
      scope: scopeOf(v),
      cidrs: spaceOf(v),
      // Azure's Internet next hop is always there: egress then depends on the NIC's public address (internetEgress).
      internetGateways: ['internet'],
      ref: { label: vnetName(v), resourceId: v.id, origin: v.origin },
    });

  const subnets = new Map<string, Subnet>();
  /** Model subnet ids per Azure subnet: its own, and the one its private endpoints sit in when NSGs skip them. */
  const modelSubnet = new Map<string, { main: string; endpoints: string }>();
  for (const s of inv.subnets) {
    const v = vnets.get(azureIdKey(s.vnetId));
    if (!v) {
      notes.add(`VNet of subnet ${s.name} is not in the inventory: the subnet is not verified`);
      continue; // its NICs are reported below
    }
    const name = subnetName(s);
    const zone = zones.subnet(s.id)?.zone;
    const nsg = s.networkSecurityGroupId ? nsgs.get(azureIdKey(s.networkSecurityGroupId)) : undefined;
    if (s.networkSecurityGroupId && !nsg)
      notes.add(`NSG of ${name} is not in the inventory: traffic through the subnet is unknown`);
    const filters = (withNsg: boolean) =>
      !withNsg || !s.networkSecurityGroupId
        ? { in: openFilter(name, 'in', s.id, s.origin), out: openFilter(name, 'out', s.id, s.origin) }
        : nsg
          ? { in: nsgFilter(nsg, v, s, 'in'), out: nsgFilter(nsg, v, s, 'out') }
          : undefined;
    const base = {
      network: vnetName(v),
      scope: scopeOf(s),
      cidrs: s.addressPrefixes.flatMap((p) => tryParseCidr(p) ?? []),
      ...(zone ? { zone } : {}),
      filtersIntraSubnet: true,
    };
    const main = filters(true);
    const table = tableFor(s, v, true);
    subnets.set(name, {
      id: name,
      ...base,
      ...(main ? { inbound: main.in, outbound: main.out } : {}),
      ...(table ? { routeTable: table } : {}),
      ref: { label: name, resourceId: s.id, origin: s.origin },
    });
    // Private endpoints: NSGs and user routes apply only when the subnet's network policies say so (Microsoft:
    // privateEndpointNetworkPolicies Disabled is the default, Enabled turns both on).
    const pol = (s.privateEndpointNetworkPolicies ?? 'Disabled').toLowerCase();
    const peNsg = pol === 'enabled' || pol === 'networksecuritygroupenabled';
    const peUdr = pol === 'enabled' || pol === 'routetableenabled';
    if (peNsg && peUdr) modelSubnet.set(azureIdKey(s.id), { main: name, endpoints: name });
    else {
      const pe = `${name} (private endpoints)`;
      const pf = filters(peNsg);
      const pt = tableFor(s, v, peUdr);
      subnets.set(pe, {
        id: pe,
        ...base,
        ...(pf ? { inbound: pf.in, outbound: pf.out } : {}),
        ...(pt ? { routeTable: pt } : {}),
        ref: {
          label: `${name}: privateEndpointNetworkPolicies ${s.privateEndpointNetworkPolicies ?? 'not set (Disabled)'}${peNsg ? '' : ', NSG not applied to private endpoints'}`,
          resourceId: s.id,
          origin: s.origin,
        },
      });
      modelSubnet.set(azureIdKey(s.id), { main: name, endpoints: pe });
    }
  }

  // ---- interfaces
  const endpointOfNic = new Map<string, (typeof inv.privateEndpoints)[number]>();
  for (const pe of inv.privateEndpoints) for (const n of pe.networkInterfaceIds) endpointOfNic.set(azureIdKey(n), pe);
  const pes = byId(inv.privateEndpoints);
  const natGateways = new Set<string>();
  const interfaces: Interface[] = [];
  const nicInterface = new Map<string, Interface>();
  for (const n of [...inv.networkInterfaces].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
    const configs = n.ipConfigurations.filter((c) => c.subnetId && addressesOf(c).length > 0);
    const first = configs[0];
    if (!first) continue;
    const s = subnetsById.get(azureIdKey(first.subnetId!));
    const ms = s ? modelSubnet.get(azureIdKey(s.id)) : undefined;
    if (!s || !ms) {
      notes.add(`subnet of NIC ${nicName(n)} is not in the inventory: the NIC is not verified`);
      gaps.push({
        scopes: [scopeOf(n)],
        subjects: [nicName(n)],
        reason: 'NIC(s) whose subnet or VNet is not in the inventory',
        origin: n.origin,
      });
      continue;
    }
    const v = vnets.get(azureIdKey(s.vnetId))!;
    const pe =
      (n.privateEndpointId ? pes.get(azureIdKey(n.privateEndpointId)) : undefined) ??
      endpointOfNic.get(azureIdKey(n.id));
    const name = nicName(n);
    let zone: string | undefined;
    let service: string | undefined;
    if (pe) {
      for (const t of endpointTargets(inv, pe))
        for (const z of t.expected?.accepted ?? [])
          if (!zone && serviceZone.has(z)) {
            zone = serviceZone.get(z);
            service = z;
          }
      zone ??= zones.privateEndpoint(pe.id)?.zone;
    } else zone = zones.networkInterface(n.id)?.zone;
    const pip = configs.find((c) => c.publicIpAddressId)?.publicIpAddressId;
    const pipName = pip ? (publicIps.get(azureIdKey(pip))?.name ?? pip.split('/').pop()) : undefined;
    const egressVia = (): { can: boolean | undefined; via: Ref } => {
      if (s.natGatewayId) {
        natGateways.add(s.natGatewayId);
        return {
          can: true,
          via: {
            label: `NAT gateway ${s.natGatewayId.split('/').pop()} of ${s.name}`,
            resourceId: s.natGatewayId,
            origin: s.origin,
          },
        };
      }
      if (pip)
        return {
          can: true,
          via: {
            label: `public IP ${pipName} on ${name}`,
            resourceId: pip,
            origin: at(n.origin, configs.find((c) => c.publicIpAddressId)?.pointer),
          },
        };
      if (s.defaultOutboundAccess === false)
        return {
          can: false,
          via: {
            label: `${s.name} is a private subnet (defaultOutboundAccess false) with no NAT gateway, and ${name} has no public IP`,
            resourceId: s.id,
            origin: s.origin,
          },
        };
      return { can: true, via: { label: `default outbound access of ${s.name}`, resourceId: s.id, origin: s.origin } };
    };
    const nicNsg = n.networkSecurityGroupId ? nsgs.get(azureIdKey(n.networkSecurityGroupId)) : undefined;
    if (n.networkSecurityGroupId && !nicNsg)
      notes.add(`NSG of NIC ${name} is not in the inventory: its traffic is unknown`);
    const unknownNsg = (direction: 'in' | 'out'): Filter =>
      oneRuleFilter(
        `${name} NSG (not in the inventory)`,
        direction,
        [{ kind: 'unknown', reason: 'NSG not in the inventory' }],
        {
          label: `${n.networkSecurityGroupId} (not in the inventory)`,
          resourceId: n.networkSecurityGroupId ?? n.id,
          origin: n.origin,
        },
      );
    // A VNet integration only sends: nothing opens a connection to the app through its subnet.
    const closed: Filter = {
      id: `${name} (outbound only)`,
      direction: 'in',
      order: 'first-match',
      stateful: true,
      rules: [],
      defaultRef: { label: `${name}: VNet integration is outbound only`, resourceId: n.id, origin: n.origin },
    };
    const filter = (direction: 'in' | 'out') =>
      n.outboundOnly && direction === 'in'
        ? closed
        : nicNsg
          ? nsgFilter(nicNsg, v, s, direction)
          : n.networkSecurityGroupId
            ? unknownNsg(direction)
            : openFilter(name, direction, n.id, n.origin);
    const iface: Interface = {
      id: name,
      subnet: pe ? ms.endpoints : ms.main,
      network: vnetName(v),
      scope: scopeOf(n),
      ...(zone ? { zone } : {}),
      addresses: configs.flatMap(addressesOf),
      publicIpv4: pip !== undefined,
      internetEgress: egressVia(),
      inbound: filter('in'),
      outbound: filter('out'),
      role: pe ? 'service-endpoint' : 'workload',
      ...(service ? { service } : {}),
      ref: {
        label: configs.some((c) => atDeploy.has(c))
          ? deployLabel(pe ? `${name} (private endpoint ${pe.name})` : name)
          : pe
            ? `${name} (private endpoint ${pe.name})`
            : name,
        resourceId: n.id,
        origin: n.origin,
      },
    };
    interfaces.push(iface);
    nicInterface.set(azureIdKey(n.id), iface);
  }

  // ---- firewalls
  const firewalls = new Map<string, Firewall>();
  for (const fw of inv.firewalls) {
    const c = fw.ipConfigurations.find((x) => x.subnetId && x.privateIpAddress);
    const ms = c ? modelSubnet.get(azureIdKey(c.subnetId!)) : undefined;
    if (!ms) {
      // Before deploy the subnet is known and the address is not (Azure assigns it): say which is missing.
      const inSubnet = fw.ipConfigurations.find((x) => x.subnetId && modelSubnet.has(azureIdKey(x.subnetId)));
      notes.add(
        inSubnet && !c
          ? `firewall ${fwName(fw)}: its private address is not known (assigned at deploy), so routes to it and paths through it are unknown`
          : `firewall ${fwName(fw)}: its subnet is not in the inventory, so paths through it are unknown`,
      );
      continue;
    }
    firewalls.set(fwName(fw), {
      id: fwName(fw),
      subnet: ms.main,
      filter: firewallFilter(inv, fw, fwName(fw), notes),
      publicEgress: fw.ipConfigurations.some((x) => x.publicIpAddressId),
      ref: { label: `firewall ${fwName(fw)}`, resourceId: fw.id, origin: fw.origin },
    });
  }

  // ---- load balancers and application gateways (azure-load-balancers.ts)
  const networkOfVnet = (id: string) => {
    const v = vnets.get(azureIdKey(id));
    return v ? vnetName(v) : undefined;
  };
  const vnetByName = new Map(inv.virtualNetworks.map((v) => [vnetName(v), v]));
  const reachable = new Map<string, string[]>();
  const peeringFromTo = new Map(
    inv.vnetPeerings
      .filter(connected)
      .map((x) => [`${azureIdKey(x.vnetId)}|${azureIdKey(x.remoteVirtualNetworkId ?? '')}`, x]),
  );
  // Clients in a peered VNet reach a private front end when their side of the peering allows VNet access.
  const reachableNetworks = (network: string): string[] => {
    const known = reachable.get(network);
    if (known) return known;
    const v = vnetByName.get(network);
    if (!v) return [network];
    const out = [network];
    for (const p of peersOf(v)) {
      const back = peeringFromTo.get(`${azureIdKey(p.remoteVirtualNetworkId ?? '')}|${azureIdKey(v.id)}`);
      const w = back ? networkOfVnet(back.vnetId) : undefined;
      if (w && back!.allowVirtualNetworkAccess !== false && peeringOf.has(azureIdKey(p.id))) out.push(w);
    }
    const list = [...new Set(out)].sort();
    reachable.set(network, list);
    return list;
  };
  const loadBalancers = compileAzureLoadBalancers({
    inv,
    interfaces,
    nicInterface,
    networkOfVnet,
    networkOfSubnet: (id) => {
      const s = subnetsById.get(azureIdKey(id));
      return networkOfVnet(s?.vnetId ?? parseAzureId(id).parentId ?? '');
    },
    reachableNetworks,
    modelSubnet: (id) => {
      const ms = modelSubnet.get(azureIdKey(id));
      return ms ? subnets.get(ms.main) : undefined;
    },
    publicIpAddress: (id) => publicIps.get(azureIdKey(id))?.ipAddress,
    notes,
    gaps,
  });
  // Private endpoints of a customer's Private Link service lead to its load balancer's backends (not a dead end).
  loadBalancers.push(
    ...compileAzurePrivateLink({
      inv,
      interfaces,
      nicInterface,
      reachableNetworks,
      subnets,
      loadBalancers,
      subnetCidrs: (id) => {
        const ms = modelSubnet.get(azureIdKey(id));
        return (ms ? subnets.get(ms.main)?.cidrs : undefined)?.filter((c) => c.family === 4) ?? [];
      },
      notes,
    }),
  );

  const exclude = [
    ...PUBLIC.exclude,
    AZURE_HOST,
    ...[...networks.values()].flatMap((n) => n.cidrs),
    ...[...policy.zones.values()].flatMap((z) => z.parsedCidrs),
  ];
  return {
    provider: 'azure',
    networks,
    subnets,
    interfaces,
    nats: new Map(),
    peerings,
    firewalls,
    ...(loadBalancers.length > 0 ? { loadBalancers } : {}),
    internet: { include: PUBLIC.include, exclude },
    ...(internetZone ? { internetZone } : {}),
    notes: [...notes].sort(),
    ...(inv.iac ? { iac: inv.iac } : {}),
    ...(gaps.length > 0 ? { gaps } : {}),
  };
}

/** An Azure Firewall's rules as one first-match filter: network rules, then application rules, deny by default. */
function firewallFilter(inv: AzureInventory, fw: AzureFirewall, name: string, notes: Set<string>): Filter {
  const unknownAll = (why: string): Filter => {
    notes.add(`firewall ${name}: ${why}; traffic through it is unknown`);
    return oneRuleFilter(name, 'out', [{ kind: 'unknown', reason: why }], {
      label: `${name}: ${why}`,
      resourceId: fw.id,
      origin: fw.origin,
    });
  };
  const rules: { rule: AzureFirewallPolicyRule; resourceId: string; origin: Origin }[] = [];
  if (fw.firewallPolicyId) {
    // The policy chain, parent first: a base policy's rules are processed before its children's.
    const chain: string[] = [];
    let id: string | undefined = fw.firewallPolicyId;
    while (id && !chain.includes(azureIdKey(id))) {
      chain.unshift(azureIdKey(id));
      id = inv.firewallPolicies.find((p) => azureIdKey(p.id) === azureIdKey(id!))?.basePolicyId;
    }
    for (const pid of chain) {
      const pol = inv.firewallPolicies.find((p) => azureIdKey(p.id) === pid);
      if (!pol) return unknownAll(`firewall policy ${pid.split('/').pop()} is not in the inventory`);
      if (!hasAzureDataset(inv, pol, 'network:firewall-rule-collection-groups'))
        return unknownAll(`rule collection groups of ${pol.name} are not in the snapshot`);
      const groups = inv.firewallRuleCollectionGroups
        .filter((g) => azureIdKey(g.policyId) === pid)
        .sort((a, b) => (a.priority ?? 65000) - (b.priority ?? 65000));
      for (const g of groups) {
        const ordered = g.rules
          .map((r, i) => ({ r, i }))
          .sort((a, b) => (a.r.collectionPriority ?? 65000) - (b.r.collectionPriority ?? 65000) || a.i - b.i);
        for (const { r } of ordered) rules.push({ rule: r, resourceId: g.id, origin: at(g.origin, r.pointer) });
      }
    }
  } else
    for (const c of fw.classicRules)
      rules.push({
        rule: {
          collection: c.collection,
          ...(c.action ? { action: c.action } : {}),
          name: c.name,
          ruleType: c.kind === 'network' ? 'NetworkRule' : 'ApplicationRule',
          sourceAddresses: c.sourceAddresses,
          sourceIpGroups: [],
          destinationAddresses: c.destinationAddresses,
          destinationIpGroups: [],
          destinationFqdns: [],
          targetFqdns: c.targetFqdns,
          fqdnTags: c.fqdnTags,
          webCategories: [],
          destinationPorts: c.destinationPorts,
          protocols: c.protocols,
          pointer: c.pointer,
        },
        resourceId: fw.id,
        origin: at(fw.origin, c.pointer),
      });
  const addressRemotes = (list: string[], what: string): Remote[] =>
    list.flatMap((a): Remote[] => {
      if (a.trim() === '*') return ANY;
      const c = tryParseCidr(a.trim());
      return c
        ? [{ kind: 'cidr', cidr: c }]
        : [{ kind: 'unknown', reason: `${what} ${a} (not an address cordon can place)` }];
    });
  const out: FilterRule[] = [];
  const network = rules.filter((x) => x.rule.ruleType.toLowerCase() === 'networkrule');
  const application = rules.filter((x) => x.rule.ruleType.toLowerCase() === 'applicationrule');
  for (const { rule: r, resourceId, origin } of [...network, ...application]) {
    const action = (r.action ?? 'Allow').toLowerCase();
    if (action !== 'allow' && action !== 'deny') continue;
    const app = r.ruleType.toLowerCase() === 'applicationrule';
    const ref: Ref = {
      label: `${name} ${app ? 'application' : 'network'} rule ${r.collection}/${r.name} (${action})`,
      resourceId,
      origin,
    };
    const locals: Remote[] = [
      ...addressRemotes(r.sourceAddresses, 'source'),
      ...r.sourceIpGroups.map((g): Remote => ({ kind: 'unknown', reason: `IP group ${g.split('/').pop()}` })),
    ];
    let remotes: Remote[];
    const protoPorts: { proto: [number, number]; ports: [number, number] }[] = [];
    if (app) {
      const fqdns = [...r.targetFqdns, ...r.fqdnTags, ...r.webCategories];
      remotes = r.targetFqdns.includes('*')
        ? ANY
        : [
            {
              kind: 'unknown',
              reason: `FQDNs ${fqdns.join(', ') || '(none)'}: their addresses are not in the inventory`,
            },
          ];
      for (const p of r.protocols) {
        const port = /:(\d+)$/.exec(p)?.[1] ?? (/^https$/i.test(p) ? '443' : /^http$/i.test(p) ? '80' : undefined);
        if (port) protoPorts.push({ proto: [6, 6], ports: [Number(port), Number(port)] });
      }
    } else {
      remotes = [
        ...addressRemotes(r.destinationAddresses, 'destination'),
        ...r.destinationFqdns.map((f): Remote => ({ kind: 'unknown', reason: `FQDN ${f}` })),
        ...r.destinationIpGroups.map((g): Remote => ({ kind: 'unknown', reason: `IP group ${g.split('/').pop()}` })),
      ];
      const ports = r.destinationPorts.length ? r.destinationPorts.map(portRange) : [[0, 65535] as [number, number]];
      for (const p of r.protocols.length ? r.protocols : ['Any'])
        for (const proto of PROTOCOLS[p.toLowerCase()] ?? [[0, 255] as [number, number]])
          for (const range of hasPorts(proto) ? ports : [[0, 65535] as [number, number]])
            protoPorts.push({ proto, ports: range ?? [0, 65535] });
    }
    if (remotes.length === 0) remotes = [{ kind: 'unknown', reason: 'destination not in the inventory (IP group?)' }];
    const near =
      locals.length > 0 ? locals : [{ kind: 'unknown', reason: 'source not in the inventory (IP group?)' } as Remote];
    if ([...remotes, ...near].some((x) => x.kind === 'unknown'))
      notes.add(
        `firewall ${name} rule ${r.collection}/${r.name} names destinations or sources cordon cannot resolve to addresses: traffic it decides is unknown`,
      );
    for (const pp of protoPorts)
      out.push({ action: action === 'deny' ? 'deny' : 'allow', ...pp, remotes, locals: near, ref });
  }
  return {
    id: name,
    direction: 'out',
    order: 'first-match',
    stateful: true,
    rules: out,
    defaultRef: {
      label: `${name}: no rule matches (Azure Firewall denies by default)`,
      resourceId: fw.id,
      origin: fw.origin,
    },
  };
}

/** Data sets the Azure model needs: a subscription without one is not verified there, and says so. */
export const AZURE_VERIFY_DATASETS = [
  'network:virtual-networks',
  'network:network-security-groups',
  'network:route-tables',
  'network:network-interfaces',
  'network:private-endpoints',
] as const;

export function hasVnetData(inv: AzureInventory, v: AzureVirtualNetwork): boolean {
  return hasAzureDataset(inv, v, 'network:virtual-networks');
}

/**
 * Stand-in addresses (deploy-addresses.ts) for NIC IP configurations that name a subnet but no address (a NIC or VM
 * declared in a template or Terraform, with dynamic allocation), cut at every CIDR the NSGs, route tables, firewalls
 * and zones draw; configurations of a subnet are ranked by NIC id.
 */
function azureStandIns(
  inv: AzureInventory,
  policy: ZonePolicy,
  notes: Set<string>,
  gaps: ModelGap[],
): Map<AzureNetworkInterface['ipConfigurations'][number], string[]> {
  type Config = AzureNetworkInterface['ipConfigurations'][number];
  const out = new Map<Config, string[]>();
  const pending: PendingInterface<{ nic: string; c: Config }>[] = [];
  for (const n of inv.networkInterfaces)
    for (const c of n.ipConfigurations)
      if (c.subnetId && !c.privateIpAddress)
        pending.push({ item: { nic: n.id, c }, id: azureIdKey(n.id), subnet: azureIdKey(c.subnetId) });
  if (pending.length === 0) return out;
  const boundaries = cidrsIn([
    inv.networkSecurityGroups,
    inv.routeTables,
    inv.firewalls,
    inv.firewallPolicies,
    inv.firewallRuleCollectionGroups,
    inv.subnets.map((s) => s.addressPrefixes),
    [...policy.zones.values()].map((z) => z.parsedCidrs.map((c) => c.text)),
  ]);
  const subnets = new Map(inv.subnets.map((s) => [azureIdKey(s.id), s]));
  // Addresses stated by other NICs of the subnet are not given again.
  const taken = new Map<string, Set<bigint>>();
  for (const n of inv.networkInterfaces)
    for (const c of n.ipConfigurations) {
      const ip = c.subnetId && c.privateIpAddress ? tryParseCidr(c.privateIpAddress) : undefined;
      if (ip) taken.set(azureIdKey(c.subnetId!), (taken.get(azureIdKey(c.subnetId!)) ?? new Set()).add(ip.first));
    }
  const plan = planStandIns(
    pending,
    (k) =>
      subnets
        .get(k)
        ?.addressPrefixes.map((p) => tryParseCidr(p))
        .find((c) => c?.family === 4),
    boundaries,
    taken,
    (a, b) => (a < b ? -1 : 1),
  );
  const nics = new Map(inv.networkInterfaces.map((n) => [azureIdKey(n.id), n]));
  for (const { subnet, items } of plan.unplaced) {
    notes.add(
      `NICs in ${subnet.split('/').pop()}: address assigned at deploy in a subnet whose IPv4 prefix is not known: not verified`,
    );
    // Left out of the model (no address), so their scope is not verified rather than verified without them.
    const of = items.flatMap((x) => nics.get(azureIdKey(x.nic)) ?? []);
    gaps.push({
      scopes: of.map((n) => azureScopeKey(n)),
      subjects: of.map((n) => n.name),
      reason: `NIC(s) get their private address at deploy in ${subnet.split('/').pop()}, whose IPv4 prefix is not known`,
      ...(of[0] ? { origin: of[0].origin } : {}),
    });
  }
  for (const { item } of plan.shared)
    notes.add(
      `${item.nic.split('/').pop()} shares a stand-in address with another NIC: a rule draws a range there too small for one address each`,
    );
  for (const [{ c }, a] of plan.addresses) out.set(c, a);
  notes.add(
    'NICs declared in infrastructure as code get their private address at deploy: each stands for every free address of its subnet (one stand-in address per range a rule, route or zone tells apart)',
  );
  return out;
}
