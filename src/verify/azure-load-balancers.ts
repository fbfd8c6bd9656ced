/**
 * Azure load balancers and application gateways → model.ts `LoadBalancer` front ends (the design of
 * gcp-load-balancers.ts). What a backend's NSGs see decides its verdicts (Microsoft, "Azure Load Balancer" and
 * "Application Gateway infrastructure configuration"):
 * - Azure Load Balancer (Basic, Standard) is passthrough: a load-balancing rule or inbound NAT rule delivers the
 *   client's own packet, source address and port unchanged, to the backend's address and the rule's backendPort
 *   (frontendPort → backendPort; 0 and 0 with protocol All: every port, "HA ports"). With Floating IP the destination
 *   stays the front end's address ("Enabling Floating IP changes the IP address mapping to the Frontend IP"), so the
 *   backend's NSG rules are matched against it. A public front end (a public IP or prefix) is reached from the
 *   internet; a private one from its VNet and peered VNets (global peering included: cordon does not model the Basic
 *   SKU's same-region limit, which only narrows). Health probes come from AzureLoadBalancer (168.63.129.16), which
 *   the default rule AllowAzureLoadBalancerInBound admits: that tag is not the internet, so it admits no client.
 *   Outbound rules only translate egress. Inbound NAT pools (scale sets), Gateway load balancers (chained in front
 *   of another front end, whose own rules are modelled) and cross-region front ends (whose pools are regional front
 *   ends, modelled themselves) are noted, not followed.
 * - Application Gateway is a proxy: a listener (front-end address and port) and its routing rule send each request
 *   to a backend pool with backend settings; the gateway connects from its instances in its own subnet (the subnet's
 *   prefix is the proxy range) to the settings' port. The gateway subnet's NSG filters the client's packet at the
 *   front end (rules name the subnet or the front-end address as destination; cordon asks it for some instance
 *   address). GatewayManager 65200-65535 is the platform's management traffic, not a path. Routes from the gateway
 *   subnet and its outbound NSG are not asked (they could only narrow).
 * Backends are NICs by IP configuration id (the pool's backendIPConfigurations, or the NIC's own pool references:
 * what templates and Terraform declare), or addresses (an IP in the VNet → the NIC holding it). What cannot be
 * followed — an FQDN backend, an id not in the inventory, a pool or listener missing from the resource — makes the
 * interfaces it may be "maybe" backends (the gateway's VNet and its peers bound where it can reach), never absent.
 */
import {
  azureIdKey,
  azureInventoryScopes,
  azureScopeKey,
  parseAzureId,
  privateLinkHost,
  type AzureApplicationGateway,
  type AzureDataset,
  type AzureInventory,
  type AzureLoadBalancer,
} from '../inventory/azure.js';
import { tryParseCidr, type Cidr } from '../util/cidr.js';
import { inInternetSpace, originAt, PROTO_TCP, PROTO_UDP } from './model.js';
import type { Interface, LoadBalancer, LoadBalancerBackend, ModelGap, Ref, Subnet } from './model.js';

/** What the Azure compiler (azure.ts) gives the load-balancer compiler. */
export interface AzureLbContext {
  inv: AzureInventory;
  interfaces: readonly Interface[];
  /** Model interface by NIC id (azureIdKey). */
  nicInterface: ReadonlyMap<string, Interface>;
  /** The model network (VNet display name) of an Azure subnet or VNet id, when in the model. */
  networkOfSubnet: (subnetId: string) => string | undefined;
  networkOfVnet: (vnetId: string) => string | undefined;
  /** A network and the networks peered with it that it reaches (allowVirtualNetworkAccess). */
  reachableNetworks: (network: string) => string[];
  /** The model subnet (with its NSGs) of an Azure subnet id. */
  modelSubnet: (subnetId: string) => Subnet | undefined;
  publicIpAddress: (publicIpId: string) => string | undefined;
  notes: Set<string>;
  gaps: ModelGap[];
}

const LB_TYPE = 'microsoft.network/loadbalancers';
const AGW_TYPE = 'microsoft.network/applicationgateways';
const short = (id: string) => id.split('/').pop() ?? id;
/** The NIC of a NIC IP configuration id (…/networkInterfaces/NIC/ipConfigurations/NAME). */
const nicOfConfig = (id: string) => parseAzureId(id).parentId ?? id;

/** Refs to the parts of a load balancer or gateway: its label, file and the part's JSON pointer. */
const refsOf =
  (what: string, r: { id: string; origin: AzureLoadBalancer['origin'] }, resourceType: string) =>
  (label: string, pointer?: string): Ref => ({
    label: `${what} ${label}`,
    resourceId: r.id,
    resourceType,
    origin: originAt(r.origin, pointer),
  });

/** A data set a collector could not read, or read in part, for a scope: what depends on it is not assessed. */
function unread(inv: AzureInventory, sub: string, scope: string, d: AzureDataset): string | undefined {
  const u = inv.unavailable.get(sub)?.get(d);
  if (u) return u.reason;
  const items = inv.partial.get(scope)?.get(d);
  if (!items) return undefined;
  // The items themselves, where and why: "could not be read" alone left the user to find them.
  const shown = items
    .slice(0, 3)
    .map((i) => `${i.file}${i.line !== undefined ? `:${i.line}` : ''} ${i.pointer}: ${i.reason}`.replace(/ : /, ': '));
  return `${items.length} item(s) could not be read: ${shown.join('; ')}${items.length > 3 ? `; and ${items.length - 3} more` : ''}`;
}

export function compileAzureLoadBalancers(ctx: AzureLbContext): LoadBalancer[] {
  const { inv, notes } = ctx;
  unreadGaps(ctx);
  const out: LoadBalancer[] = [];
  // Pool and NAT rule memberships the NICs declare (templates and Terraform put them there; ARM reports both sides).
  const declared = new Map<string, Interface[]>();
  for (const n of inv.networkInterfaces) {
    const i = ctx.nicInterface.get(azureIdKey(n.id));
    if (!i) continue;
    for (const c of n.ipConfigurations)
      for (const id of [
        ...(c.loadBalancerBackendAddressPoolIds ?? []),
        ...(c.loadBalancerInboundNatRuleIds ?? []),
        ...(c.applicationGatewayBackendAddressPoolIds ?? []),
      ])
        declared.set(azureIdKey(id), [...(declared.get(azureIdKey(id)) ?? []), i]);
  }
  const known = new Set<string>();
  for (const lb of [...inv.loadBalancers].sort((a, b) => azureIdKey(a.id).localeCompare(azureIdKey(b.id)))) {
    for (const x of [...lb.backendAddressPools, ...lb.rules]) known.add(azureIdKey(x.id));
    out.push(...loadBalancer(ctx, lb, declared));
  }
  for (const g of [...inv.applicationGateways].sort((a, b) => azureIdKey(a.id).localeCompare(azureIdKey(b.id)))) {
    for (const p of g.backendAddressPools) known.add(azureIdKey(p.id));
    out.push(...applicationGateway(ctx, g, declared));
  }
  // A NIC that names a pool or rule of a load balancer or gateway cordon has not read is behind a front end it does
  // not know: from the internet, on any port, it may be reached (maybe).
  // An inbound NAT pool (a scale set's configuration names it) is not followed either: the same, with its own words.
  const orphans = [...declared.entries()].filter(([k]) => !known.has(k)).sort(([a], [b]) => a.localeCompare(b));
  const lbIds = new Set(inv.loadBalancers.map((lb) => azureIdKey(lb.id)));
  for (const [k, list] of orphans) {
    const parent = parseAzureId(k).parentId ?? k;
    const what = /applicationgateways/.test(k) ? 'application gateway' : 'load balancer';
    const natPool = /\/inboundnatpools\//i.test(k) && lbIds.has(azureIdKey(parent));
    notes.add(
      natPool
        ? `NIC(s) ${list.map((i) => i.id).join(', ')} are in inbound NAT pool ${short(k)} of load balancer ${short(parent)}, which cordon does not follow: paths through it are not decided`
        : `NIC(s) ${list.map((i) => i.id).join(', ')} are in ${short(k)} of ${what} ${short(parent)}, which is not in the inventory: paths through it are not decided`,
    );
    const ref: Ref = {
      label: natPool
        ? `inbound NAT pool ${short(k)} of load balancer ${short(parent)} (not followed)`
        : `${what} ${short(parent)} (not in the inventory)`,
      resourceId: parent,
    };
    for (const proto of [PROTO_TCP, PROTO_UDP] as const)
      out.push({
        id: `${what} ${short(parent)} (not read, ${proto === PROTO_TCP ? 'TCP' : 'UDP'})`,
        reach: 'external',
        proto: [proto, proto],
        ports: [[0, 65535]],
        backends: list.map((i) => ({
          iface: i.id,
          sure: false,
          via: { ...ref, label: `${ref.label}: may hold ${i.id}` },
        })),
        ref,
      });
  }
  return out;
}

/** Scopes whose load balancers or application gateways could not be read are not verified (never a pass). */
function unreadGaps(ctx: AzureLbContext): void {
  const { inv } = ctx;
  for (const d of ['network:load-balancers', 'network:application-gateways'] as const)
    for (const sc of azureInventoryScopes(inv)) {
      if (sc.location === 'global') continue;
      const why = unread(inv, sc.subscription, azureScopeKey(sc), d);
      if (!why) continue;
      const what = d === 'network:load-balancers' ? 'load balancers' : 'application gateways';
      ctx.notes.add(`${what} of ${azureScopeKey(sc)} could not be read (${why}): paths through them are not verified`);
      ctx.gaps.push({
        scopes: [azureScopeKey(sc)],
        subjects: [what],
        reason: `${what} could not be read (${d}: ${why}), so paths through them are neither proven nor refuted`,
        ...(inv.scopeOrigins.get(azureScopeKey(sc)) ? { origin: inv.scopeOrigins.get(azureScopeKey(sc))! } : {}),
      });
    }
}

interface Front {
  reach: 'external' | 'internal';
  address?: Cidr;
  network?: string;
  /** The internal address is assigned at deploy: any address of the subnet stands for it, undecided. */
  addressUnknown?: boolean;
}

/**
 * Interfaces of some networks (all, without a list): backends cordon cannot rule out, so "maybe". An application
 * gateway's (`endpoints`) may also be private endpoints: it proxies to any address or name, and a backend named
 * `app.azurewebsites.net` or `x.openai.azure.com` resolves to the service's private endpoint; a load balancer's pool
 * holds NICs of machines only.
 */
function anyOf(ctx: AzureLbContext, via: Ref, networks?: readonly string[], endpoints = false): LoadBalancerBackend[] {
  return ctx.interfaces
    .filter(
      (i) =>
        (i.role === 'workload' || (endpoints && i.role === 'service-endpoint')) &&
        (!networks || networks.includes(i.network)),
    )
    .map((i) => ({ iface: i.id, sure: false, via: { ...via, label: `${via.label}: may be ${i.id}` } }));
}

/** Interfaces by address ("family|address"), built once per compile: pools name members by address. */
const byAddress = new WeakMap<readonly Interface[], Map<string, Interface[]>>();

/** The interface holding an address, in one of the networks when given. */
function holding(ctx: AzureLbContext, ip: string, networks?: readonly string[]): Interface | undefined {
  const c = tryParseCidr(ip);
  if (!c) return undefined;
  let index = byAddress.get(ctx.interfaces);
  if (!index) {
    index = new Map();
    for (const i of ctx.interfaces)
      for (const a of i.addresses) {
        const k = `${a.family}|${a.first}`;
        index.set(k, [...(index.get(k) ?? []), i]);
      }
    byAddress.set(ctx.interfaces, index);
  }
  return index.get(`${c.family}|${c.first}`)?.find((i) => !networks || networks.includes(i.network));
}

function loadBalancer(
  ctx: AzureLbContext,
  lb: AzureLoadBalancer,
  declared: ReadonlyMap<string, Interface[]>,
): LoadBalancer[] {
  const { notes } = ctx;
  const sku = (lb.sku ?? '').toLowerCase();
  if (sku === 'gateway') {
    notes.add(
      `gateway load balancer ${lb.name} is not modelled: it sits in front of another load balancer's front end, whose own rules are modelled (the appliances it sends to could only drop traffic)`,
    );
    return [];
  }
  if ((lb.skuTier ?? '').toLowerCase() === 'global')
    notes.add(
      `cross-region load balancer ${lb.name} is not followed: its pools are regional load balancers' front ends, whose own rules are modelled`,
    );
  if (lb.inboundNatPoolNames.length > 0)
    notes.add(
      `inbound NAT pool(s) ${lb.inboundNatPoolNames.join(', ')} of load balancer ${lb.name} (scale sets) are not followed: scale set instances are not in the model`,
    );
  const ref = refsOf(`load balancer ${lb.name}`, lb, LB_TYPE);
  const fronts = new Map<string, Front>();
  for (const f of lb.frontendIpConfigurations) {
    if (f.publicIpAddressId || f.publicIpPrefixId || !f.subnetId) {
      if (!f.publicIpAddressId && !f.publicIpPrefixId)
        notes.add(
          `front end ${f.name} of load balancer ${lb.name} names neither a public IP nor a subnet: taken as public`,
        );
      const ip = f.publicIpAddressId ? ctx.publicIpAddress(f.publicIpAddressId) : undefined;
      const address = ip ? tryParseCidr(ip) : undefined;
      fronts.set(azureIdKey(f.id), { reach: 'external', ...(address ? { address } : {}) });
      continue;
    }
    const network = ctx.networkOfSubnet(f.subnetId);
    let address = f.privateIpAddress ? tryParseCidr(f.privateIpAddress) : undefined;
    let addressUnknown = false;
    if (!address) {
      // Assigned at deploy from the subnet: any of its addresses stands for it, and what it reaches is undecided.
      address = ctx.modelSubnet(f.subnetId)?.cidrs.find((c) => c.family === 4);
      addressUnknown = true;
      notes.add(
        `the private address of front end ${f.name} of load balancer ${lb.name} is not known: paths through it are not decided`,
      );
    }
    if (!network)
      notes.add(
        `the subnet of front end ${f.name} of load balancer ${lb.name} is not in the inventory: no client is known to reach it`,
      );
    fronts.set(azureIdKey(f.id), {
      reach: 'internal',
      ...(address ? { address } : {}),
      ...(network ? { network } : {}),
      ...(addressUnknown ? { addressUnknown } : {}),
    });
  }
  const pools = new Map(lb.backendAddressPools.map((p) => [azureIdKey(p.id), p]));
  const members = (poolId: string): LoadBalancerBackend[] => {
    const p = pools.get(azureIdKey(poolId));
    if (!p) {
      notes.add(
        `backend pool ${short(poolId)} of load balancer ${lb.name} is not in the resource: any NIC may be behind it`,
      );
      return anyOf(ctx, ref(`backend pool ${short(poolId)} (not in the resource)`));
    }
    const via = (i: Interface): Ref => ref(`backend pool ${p.name} holds ${i.id}`, p.pointer);
    const out: LoadBalancerBackend[] = [];
    const unresolved: string[] = [];
    const nicConfig = (id: string) => {
      const i = ctx.nicInterface.get(azureIdKey(nicOfConfig(id)));
      if (i) out.push({ iface: i.id, sure: true, via: via(i) });
      else unresolved.push(short(nicOfConfig(id)));
    };
    p.backendIpConfigurationIds.forEach(nicConfig);
    for (const a of p.addresses) {
      if (a.nicIpConfigurationId) nicConfig(a.nicIpConfigurationId);
      else if (a.frontendIpConfigurationId)
        continue; // a regional front end of a cross-region pool (noted above)
      else if (a.ipAddress) {
        const net = a.virtualNetworkId
          ? ctx.networkOfVnet(a.virtualNetworkId)
          : a.subnetId
            ? ctx.networkOfSubnet(a.subnetId)
            : undefined;
        const i = holding(ctx, a.ipAddress, net ? [net] : undefined);
        if (i) out.push({ iface: i.id, sure: true, via: via(i) });
        else unresolved.push(a.ipAddress);
      }
    }
    for (const i of declared.get(azureIdKey(p.id)) ?? []) out.push({ iface: i.id, sure: true, via: via(i) });
    if (unresolved.length)
      notes.add(
        `backend pool ${p.name} of load balancer ${lb.name} holds ${unresolved.sort().join(', ')}, which no NIC of the model is (scale set instances, or NICs not read): paths to them are not verified`,
      );
    return out;
  };

  const out: LoadBalancer[] = [];
  for (const r of lb.rules) {
    const nat = r.kind === 'inbound-nat';
    const front = r.frontendIpConfigurationId ? fronts.get(azureIdKey(r.frontendIpConfigurationId)) : undefined;
    const protocol = (r.protocol ?? 'All').toLowerCase();
    const protos: number[] =
      protocol === 'tcp' ? [PROTO_TCP] : protocol === 'udp' ? [PROTO_UDP] : [PROTO_TCP, PROTO_UDP];
    const range =
      r.frontendPortRangeStart !== undefined && r.frontendPortRangeEnd !== undefined
        ? ([r.frontendPortRangeStart, r.frontendPortRangeEnd] as const)
        : undefined;
    const allPorts = !range && !r.frontendPort && !r.backendPort;
    const backendPort = r.backendPort || r.frontendPort;
    const ports: [number, number] = allPorts || backendPort === undefined ? [0, 65535] : [backendPort, backendPort];
    const frontendPorts: readonly [number, number] | undefined = range
      ? range
      : !allPorts && r.frontendPort && r.frontendPort !== ports[0]
        ? [r.frontendPort, r.frontendPort]
        : undefined;
    const portText = allPorts
      ? 'all ports'
      : `${range ? `${range[0]}-${range[1]}` : (r.frontendPort ?? '?')} -> ${ports[0] === ports[1] ? ports[0] : 'all'}`;
    const rref = ref(
      `${nat ? 'inbound NAT rule' : 'load-balancing rule'} ${r.name} (${r.protocol ?? 'All'} ${portText}${r.enableFloatingIp ? ', Floating IP' : ''})`,
      r.pointer,
    );
    let backends: LoadBalancerBackend[] = [];
    for (const p of r.backendAddressPoolIds) backends.push(...members(p));
    if (r.backendIpConfigurationId) {
      const i = ctx.nicInterface.get(azureIdKey(nicOfConfig(r.backendIpConfigurationId)));
      if (i)
        backends.push({ iface: i.id, sure: true, via: ref(`inbound NAT rule ${r.name} targets ${i.id}`, r.pointer) });
      else
        notes.add(
          `inbound NAT rule ${r.name} of load balancer ${lb.name} targets ${short(nicOfConfig(r.backendIpConfigurationId))}, which no NIC of the model is: paths to it are not verified`,
        );
    }
    for (const i of declared.get(azureIdKey(r.id)) ?? [])
      backends.push({ iface: i.id, sure: true, via: ref(`inbound NAT rule ${r.name} targets ${i.id}`, r.pointer) });
    if (!front) {
      notes.add(
        `${nat ? 'inbound NAT rule' : 'load-balancing rule'} ${r.name} of load balancer ${lb.name}: its front end is not in the resource, so paths through it are not decided`,
      );
      for (const b of backends) b.sure = false;
    } else if (front.addressUnknown) for (const b of backends) b.sure = false;
    if (backends.length === 0) continue;
    const seen = new Set<string>();
    backends = backends.filter((b) => {
      const k = `${b.iface}|${b.sure}`;
      return !seen.has(k) && seen.add(k);
    });
    const reach = front?.reach ?? 'external';
    for (const proto of protos) {
      const compiled: LoadBalancer = {
        id: `load balancer ${lb.name} ${nat ? 'NAT rule' : 'rule'} ${r.name}${protos.length > 1 ? (proto === PROTO_TCP ? ' (TCP)' : ' (UDP)') : ''}`,
        reach,
        ...(reach === 'internal' ? { clientNetworks: front?.network ? ctx.reachableNetworks(front.network) : [] } : {}),
        ...(front?.address ? { address: front.address } : {}),
        proto: [proto, proto],
        ports: [ports],
        ...(frontendPorts ? { frontendPorts } : {}),
        ...(r.enableFloatingIp ? { floatingIp: true } : {}),
        backends,
        ref: rref,
      };
      out.push(compiled);
      if (r.frontendIpConfigurationId) RULE_FRONTEND.set(compiled, azureIdKey(r.frontendIpConfigurationId));
    }
  }
  return out;
}

/**
 * Backend names that are a private endpoint's target's (its first label is the target's host: a web app's name, an
 * account's custom subdomain): the endpoints' interfaces in the gateway's reach, per name. Names matching none are
 * left out of the map.
 */
function endpointsNamed(
  ctx: AzureLbContext,
  fqdns: readonly string[],
  reachable: readonly string[] | undefined,
): Map<string, Interface[]> {
  const out = new Map<string, Interface[]>();
  if (fqdns.length === 0) return out;
  const hosts = new Map<string, Interface[]>();
  for (const pe of ctx.inv.privateEndpoints) {
    const nics = pe.networkInterfaceIds.flatMap((n) => ctx.nicInterface.get(azureIdKey(n)) ?? []);
    for (const c of pe.connections) {
      if (!c.privateLinkServiceId) continue;
      const host = privateLinkHost(ctx.inv, c.privateLinkServiceId);
      if (host) hosts.set(host, [...(hosts.get(host) ?? []), ...nics]);
    }
  }
  for (const fqdn of fqdns) {
    const list = (hosts.get(fqdn.toLowerCase().split('.')[0] ?? '') ?? []).filter(
      (i) => !reachable || reachable.includes(i.network),
    );
    if (list.length) out.set(fqdn, [...new Set(list)]);
  }
  return out;
}

/**
 * The front-end IP configuration (azureIdKey) of each compiled load-balancing or NAT rule: a Private Link service
 * names the front ends whose rules carry its connections (azure-privatelink.ts).
 */
export const RULE_FRONTEND = new WeakMap<LoadBalancer, string>();

function applicationGateway(
  ctx: AzureLbContext,
  g: AzureApplicationGateway,
  declared: ReadonlyMap<string, Interface[]>,
): LoadBalancer[] {
  const { notes } = ctx;
  const ref = refsOf(`application gateway ${g.name}`, g, AGW_TYPE);
  const gwSubnet = g.subnetIds[0] ? ctx.modelSubnet(g.subnetIds[0]) : undefined;
  const network = g.subnetIds[0] ? ctx.networkOfSubnet(g.subnetIds[0]) : undefined;
  if (!gwSubnet)
    notes.add(
      `the subnet of application gateway ${g.name} is not in the inventory: what its backends admit from it, and its front-end NSG, are not decided`,
    );
  // Backends it can reach: its VNet and peered VNets (unknown VNet: any).
  const reachable = network ? ctx.reachableNetworks(network) : undefined;
  const proxySources = (gwSubnet?.cidrs ?? []).filter((c) => c.family === 4);
  const fronts = new Map(g.frontendIpConfigurations.map((f) => [azureIdKey(f.id), f]));
  const ports = new Map(g.frontendPorts.map((p) => [azureIdKey(p.id), p.port]));
  const listeners = new Map(g.listeners.map((l) => [azureIdKey(l.id), l]));
  const pools = new Map(g.backendAddressPools.map((p) => [azureIdKey(p.id), p]));
  const settings = new Map(g.backendSettings.map((s) => [azureIdKey(s.id), s]));
  const out: LoadBalancer[] = [];
  for (const r of g.routingRules) {
    const rref = ref(`routing rule ${r.name}`, r.pointer);
    const l = r.listenerId ? listeners.get(azureIdKey(r.listenerId)) : undefined;
    const f = l?.frontendIpConfigurationId ? fronts.get(azureIdKey(l.frontendIpConfigurationId)) : undefined;
    const port = l?.frontendPortId ? ports.get(azureIdKey(l.frontendPortId)) : undefined;
    if (!l || !f || port === undefined)
      notes.add(
        `routing rule ${r.name} of application gateway ${g.name}: its listener, front end or port is not in the resource, so it is taken as public on every port`,
      );
    const backends: LoadBalancerBackend[] = [];
    if (r.unresolved) {
      notes.add(
        `routing rule ${r.name} of application gateway ${g.name}: ${r.unresolved}, so its backends are not known`,
      );
      backends.push(...anyOf(ctx, ref(`routing rule ${r.name}: backends not known`, r.pointer), reachable, true));
    }
    for (const t of r.targets) {
      const s = t.settingsId ? settings.get(azureIdKey(t.settingsId)) : undefined;
      const bport = s?.port;
      const p = t.poolId ? pools.get(azureIdKey(t.poolId)) : undefined;
      const label = (what: string) => `${what}${s ? `, settings ${s.name} port ${s.port ?? '?'}` : ''}`;
      const add = (i: Interface, sure: boolean, what: string) =>
        backends.push({
          iface: i.id,
          sure,
          ...(bport !== undefined ? { port: bport } : {}),
          via: ref(label(what), r.pointer),
        });
      if (!p) {
        notes.add(
          `backend pool ${short(t.poolId ?? '?')} of application gateway ${g.name} is not in the resource: any NIC it reaches may be behind it`,
        );
        for (const b of anyOf(
          ctx,
          ref(label(`pool ${short(t.poolId ?? '?')} (not in the resource)`), r.pointer),
          reachable,
          true,
        ))
          backends.push({ ...b, ...(bport !== undefined ? { port: bport } : {}) });
        continue;
      }
      const unresolved: string[] = [];
      for (const id of p.backendIpConfigurationIds) {
        const i = ctx.nicInterface.get(azureIdKey(nicOfConfig(id)));
        if (i) add(i, true, `backend pool ${p.name} holds ${i.id}`);
        else unresolved.push(short(nicOfConfig(id)));
      }
      for (const i of declared.get(azureIdKey(p.id)) ?? []) add(i, true, `backend pool ${p.name} holds ${i.id}`);
      const fqdns: string[] = [];
      for (const a of p.addresses) {
        if (a.ipAddress) {
          const i = holding(ctx, a.ipAddress, reachable);
          if (i) add(i, true, `backend pool ${p.name} holds ${a.ipAddress} (${i.id})`);
          else unresolved.push(a.ipAddress);
        } else if (a.fqdn) fqdns.push(a.fqdn);
      }
      if (unresolved.length)
        notes.add(
          `backend pool ${p.name} of application gateway ${g.name} holds ${unresolved.sort().join(', ')}, which no NIC of the model is: paths to them are not verified`,
        );
      // An internal front end relaying to a public address takes its clients to the internet (a proxy the zone → internet
      // question does not follow): that scope is not verified, never a pass.
      const outward = unresolved.filter((a) => {
        const c = tryParseCidr(a);
        return c !== undefined && inInternetSpace(c);
      });
      if (outward.length && f?.subnetId && !f.publicIpAddressId)
        ctx.gaps.push({
          scopes: [azureScopeKey(g)],
          subjects: [`application gateway ${g.name}`],
          reason: `application gateway ${g.name} relays the clients of its internal front end to public address${outward.length > 1 ? 'es' : ''} ${outward.sort().join(', ')} (backend pool ${p.name}), a path to the internet cordon does not follow`,
          ...(g.origin ? { origin: g.origin } : {}),
        });
      // A name of a resource with a private endpoint the gateway reaches (app.azurewebsites.net, the app's endpoint):
      // that endpoint, undecided (whether the gateway resolves it privately is DNS's). Other names: below.
      const named = endpointsNamed(ctx, fqdns, reachable);
      for (const [fqdn, list] of named)
        for (const i of list) add(i, false, `backend pool ${p.name} names ${fqdn}, a name of ${i.id}`);
      fqdns.splice(0, fqdns.length, ...fqdns.filter((x) => !named.has(x)));
      if (fqdns.length) {
        // A name resolves at run time to an address cordon cannot know: any NIC the gateway reaches may be it.
        notes.add(
          `backend pool ${p.name} of application gateway ${g.name} names ${fqdns.sort().join(', ')}: names are not resolved, so every NIC or private endpoint the gateway reaches may be one of them (maybe)`,
        );
        for (const b of anyOf(
          ctx,
          ref(label(`backend pool ${p.name} names ${fqdns.join(', ')}`), r.pointer),
          reachable,
          true,
        ))
          backends.push({ ...b, ...(bport !== undefined ? { port: bport } : {}) });
      }
    }
    if (backends.length === 0) continue;
    const publicFront = !f || !!f.publicIpAddressId || !f.subnetId;
    const ip = f
      ? publicFront
        ? f.publicIpAddressId
          ? ctx.publicIpAddress(f.publicIpAddressId)
          : undefined
        : f.privateIpAddress
      : undefined;
    const address = ip ? tryParseCidr(ip) : !publicFront ? proxySources[0] : undefined;
    const seen = new Set<string>();
    out.push({
      id: `application gateway ${g.name} rule ${r.name}`,
      reach: publicFront ? 'external' : 'internal',
      ...(!publicFront ? { clientNetworks: reachable ?? [] } : {}),
      ...(address ? { address } : {}),
      proto: [PROTO_TCP, PROTO_TCP],
      ports: [port !== undefined ? [port, port] : [0, 65535]],
      proxySources,
      frontFilter: {
        ...(gwSubnet?.inbound ? { filter: gwSubnet.inbound } : {}),
        addresses: proxySources,
        at: gwSubnet?.id ?? `application gateway ${g.name} subnet`,
      },
      backends: backends
        .map((b) => (ip || publicFront ? b : { ...b, sure: false }))
        .filter((b) => {
          const k = `${b.iface}|${b.port}|${b.sure}`;
          return !seen.has(k) && seen.add(k);
        }),
      ref: {
        ...rref,
        label: `${rref.label} (${l ? `listener ${l.name}` : 'listener not known'}, ${publicFront ? 'public' : 'private'} front end${port !== undefined ? ` port ${port}` : ''})`,
      },
    });
  }
  return out;
}
