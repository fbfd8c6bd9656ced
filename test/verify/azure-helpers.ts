/** A small Azure inventory builder for verify tests: one subscription and location, resources written tersely. */
import {
  AZURE_DATASETS,
  emptyAzureInventory,
  type AzureDataset,
  type AzureInventory,
  type AzureSecurityRule,
} from '../../src/inventory/azure.js';
import type { ZonePolicy } from '../../src/policy/load.js';
import { compileAzure } from '../../src/verify/azure.js';
import { verifyModel } from '../../src/verify/questions.js';
import { testPolicy } from './helpers.js';

const SUB = '33333333-3333-3333-3333-333333333333';
const base = (type: string, name: string, parent?: string) => ({
  subscription: SUB,
  location: 'westeurope',
  resourceGroup: 'rg',
  origin: { kind: 'file' as const, file: 'inv.json', pointer: `/${type}/${name}` },
  id: parent
    ? `${parent}/${type}/${name}`
    : `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/${type}/${name}`,
  name,
});
export const idOf = (type: string, name: string) => base(type, name).id;

export function azureInventory(): AzureInventory {
  const inv = emptyAzureInventory();
  inv.datasets.set(SUB, new Set(Object.keys(AZURE_DATASETS) as AzureDataset[]));
  inv.scopeOrigins.set(`${SUB}/westeurope`, { kind: 'file', file: 'inv.json' });
  return inv;
}

export function vnet(inv: AzureInventory, name: string, prefix: string, zone?: string): void {
  inv.virtualNetworks.push({
    ...base('virtualNetworks', name),
    tags: zone ? { SecurityZone: zone } : {},
    addressPrefixes: [prefix],
    dnsServers: [],
    subnetIds: [],
    peeringIds: [],
  });
}

export function subnet(
  inv: AzureInventory,
  vnetName: string,
  name: string,
  prefix: string,
  opts: {
    nsg?: string;
    routeTable?: string;
    defaultOutboundAccess?: boolean;
    natGateway?: string;
    peNetworkPolicies?: string;
  } = {},
): void {
  const v = idOf('virtualNetworks', vnetName);
  inv.subnets.push({
    ...base('subnets', name, v),
    vnetId: v,
    addressPrefixes: [prefix],
    ...(opts.nsg ? { networkSecurityGroupId: idOf('networkSecurityGroups', opts.nsg) } : {}),
    ...(opts.routeTable ? { routeTableId: idOf('routeTables', opts.routeTable) } : {}),
    ...(opts.natGateway ? { natGatewayId: idOf('natGateways', opts.natGateway) } : {}),
    ...(opts.defaultOutboundAccess !== undefined ? { defaultOutboundAccess: opts.defaultOutboundAccess } : {}),
    ...(opts.peNetworkPolicies ? { privateEndpointNetworkPolicies: opts.peNetworkPolicies } : {}),
    delegations: [],
  });
}

export const subnetId = (vnetName: string, name: string) => `${idOf('virtualNetworks', vnetName)}/subnets/${name}`;

/** An NSG rule, written as: name priority direction access protocol source dest ports. */
export function rule(
  name: string,
  priority: number,
  direction: 'Inbound' | 'Outbound',
  access: 'Allow' | 'Deny',
  protocol: string,
  sources: string[],
  destinations: string[],
  ports: string[] = ['*'],
  asgs: { source?: string[]; destination?: string[] } = {},
): AzureSecurityRule {
  return {
    name,
    priority,
    direction,
    access,
    protocol,
    sources,
    sourcePorts: ['*'],
    destinations,
    destinationPorts: ports,
    sourceApplicationSecurityGroupIds: (asgs.source ?? []).map((a) => idOf('applicationSecurityGroups', a)),
    destinationApplicationSecurityGroupIds: (asgs.destination ?? []).map((a) => idOf('applicationSecurityGroups', a)),
    isDefault: false,
    pointer: `/nsg/${name}`,
  };
}

/** An NSG; its default rules are left out, as some exports do: the compiler adds Microsoft's defaults. */
export function nsg(inv: AzureInventory, name: string, rules: AzureSecurityRule[]): void {
  inv.networkSecurityGroups.push({
    ...base('networkSecurityGroups', name),
    tags: {},
    securityRules: rules,
    defaultSecurityRules: [],
    subnetIds: [],
    networkInterfaceIds: [],
  });
}

export function routeTable(
  inv: AzureInventory,
  name: string,
  routes: [string, string, string?][],
  opts: { disableBgpRoutePropagation?: boolean } = {},
): void {
  inv.routeTables.push({
    ...opts,
    ...base('routeTables', name),
    tags: {},
    routes: routes.map(([addressPrefix, nextHopType, nextHopIpAddress], i) => ({
      name: `r${i}`,
      addressPrefix,
      nextHopType,
      ...(nextHopIpAddress ? { nextHopIpAddress } : {}),
      pointer: `/rt/${name}/routes/${i}`,
    })),
    subnetIds: [],
  });
}

export function nic(
  inv: AzureInventory,
  name: string,
  vnetName: string,
  subnetName: string,
  ip: string,
  opts: { nsg?: string; publicIp?: boolean; asgs?: string[]; zone?: string; privateEndpoint?: string } = {},
): void {
  inv.networkInterfaces.push({
    ...base('networkInterfaces', name),
    tags: opts.zone ? { SecurityZone: opts.zone } : {},
    ipConfigurations: [
      {
        privateIpAddress: ip,
        subnetId: subnetId(vnetName, subnetName),
        ...(opts.publicIp ? { publicIpAddressId: idOf('publicIPAddresses', `pip-${name}`) } : {}),
        applicationSecurityGroupIds: (opts.asgs ?? []).map((a) => idOf('applicationSecurityGroups', a)),
        pointer: `/nic/${name}/ipConfigurations/0`,
      },
    ],
    ...(opts.nsg ? { networkSecurityGroupId: idOf('networkSecurityGroups', opts.nsg) } : {}),
    ...(opts.privateEndpoint ? { privateEndpointId: idOf('privateEndpoints', opts.privateEndpoint) } : {}),
  });
}

/**
 * The private endpoint of a NIC made with `nic(…, { privateEndpoint })`, in the NIC's subnet, connected to the given
 * resources (Approved, automatic).
 */
export function privateEndpointOf(
  inv: AzureInventory,
  nicName: string,
  targets: string[] = [],
  status = 'Approved',
): void {
  const n = inv.networkInterfaces.find((x) => x.name === nicName)!;
  inv.privateEndpoints.push({
    ...n,
    id: n.privateEndpointId!,
    name: n.privateEndpointId!.split('/').pop()!,
    subnetId: n.ipConfigurations[0]!.subnetId!,
    connections: targets.map((privateLinkServiceId, i) => ({
      privateLinkServiceId,
      groupIds: [],
      status,
      manual: false,
      pointer: `/connections/${i}`,
    })),
    customDnsConfigs: [],
    networkInterfaceIds: [n.id],
    ipConfigurations: [],
  });
}

/** Both sides of a peering, Connected. */
export function peer(
  inv: AzureInventory,
  a: string,
  b: string,
  flags: {
    access?: [boolean, boolean];
    forwarded?: [boolean, boolean];
    /** Per side: it uses the other side's gateway (useRemoteGateways; the other side then allows gateway transit). */
    remoteGateways?: [boolean, boolean];
  } = {},
): void {
  const side = (x: string, y: string, i: 0 | 1) => {
    const v = idOf('virtualNetworks', x);
    inv.vnetPeerings.push({
      ...base('virtualNetworkPeerings', `${x}-to-${y}`, v),
      vnetId: v,
      remoteVirtualNetworkId: idOf('virtualNetworks', y),
      remoteAddressPrefixes: inv.virtualNetworks.find((n) => n.name === y)!.addressPrefixes,
      allowVirtualNetworkAccess: flags.access?.[i] ?? true,
      allowForwardedTraffic: flags.forwarded?.[i] ?? false,
      useRemoteGateways: flags.remoteGateways?.[i] ?? false,
      allowGatewayTransit: flags.remoteGateways?.[1 - i] ?? false,
      peeringState: 'Connected',
    });
  };
  side(a, b, 0);
  side(b, a, 1);
}

/** An Azure Firewall at `ip` in the hub's AzureFirewallSubnet, with network rules [name, source, dest, ports, protocol]. */
export function firewall(
  inv: AzureInventory,
  vnetName: string,
  ip: string,
  networkRules: [string, string, string, string, string?][],
): void {
  const policy = base('firewallPolicies', 'fwp');
  inv.firewallPolicies.push({ ...policy, tags: {}, ruleCollectionGroupIds: [] });
  inv.firewallRuleCollectionGroups.push({
    ...base('ruleCollectionGroups', 'rcg', policy.id),
    policyId: policy.id,
    priority: 100,
    rules: networkRules.map(([name, src, dst, port, protocol], i) => ({
      collection: 'net',
      collectionPriority: 100,
      action: 'Allow',
      name,
      ruleType: 'NetworkRule',
      sourceAddresses: [src],
      sourceIpGroups: [],
      destinationIpGroups: [],
      destinationAddresses: [dst],
      destinationFqdns: [],
      targetFqdns: [],
      fqdnTags: [],
      webCategories: [],
      destinationPorts: [port],
      protocols: [protocol ?? 'TCP'],
      pointer: `/rcg/rules/${i}`,
    })),
  });
  inv.firewalls.push({
    ...base('azureFirewalls', 'fw'),
    tags: {},
    firewallPolicyId: policy.id,
    ipConfigurations: [
      {
        privateIpAddress: ip,
        subnetId: subnetId(vnetName, 'AzureFirewallSubnet'),
        publicIpAddressId: idOf('publicIPAddresses', 'pip-fw'),
      },
    ],
    classicRules: [],
  });
}

export const AZURE_POLICY: ZonePolicy = testPolicy('azure: [privatelink.openai.azure.com]');

/** Compiles and verifies an inventory under AZURE_POLICY, with the matrix cell and findings of a zone pair. */
export const runAzure = (inv: AzureInventory) =>
  verifyModel(compileAzure(inv, AZURE_POLICY), AZURE_POLICY, { clientPorts: [32768, 60999] });
type AzureResult = ReturnType<typeof runAzure>;
export const cellOf = (r: AzureResult, from: string, to: string) =>
  r.matrix.find((m) => m.from === from && m.to === to)!;
export const findingsOf = (r: AzureResult, id: string, from: string, to: string) =>
  r.findings.filter((f) => f.checkId === id && f.evidence?.from === from && f.evidence?.to === to);

/** A public IP resource with an address. */
export function publicIp(inv: AzureInventory, name: string, ip: string): void {
  inv.publicIpAddresses.push({ ...base('publicIPAddresses', name), tags: {}, ipAddress: ip });
}

/** The id of a NIC's first IP configuration (what a backend pool lists). */
export const nicConfigId = (nicName: string) => `${idOf('networkInterfaces', nicName)}/ipConfigurations/ipconfig1`;

export interface LbRuleSpec {
  name: string;
  kind?: 'load-balancing' | 'inbound-nat';
  protocol?: string;
  frontendPort?: number;
  backendPort?: number;
  floatingIp?: boolean;
  /** Inbound NAT rules: the NIC it targets. */
  nic?: string;
}

/**
 * A load balancer with one front end (public: a public IP at `publicAddress`; private: `privateAddress` in
 * vnet/subnet), one pool holding the NICs and the rules (load-balancing rules use the pool).
 */
export function loadBalancer(
  inv: AzureInventory,
  name: string,
  front: { publicAddress?: string; private?: [string, string, string?] },
  poolNics: string[],
  rules: LbRuleSpec[],
): void {
  const b = base('loadBalancers', name);
  const fe = `${b.id}/frontendIPConfigurations/fe`;
  const pool = `${b.id}/backendAddressPools/pool`;
  if (front.publicAddress) publicIp(inv, `pip-${name}`, front.publicAddress);
  inv.loadBalancers.push({
    ...b,
    tags: {},
    sku: 'Standard',
    frontendIpConfigurations: [
      {
        id: fe,
        name: 'fe',
        ...(front.publicAddress ? { publicIpAddressId: idOf('publicIPAddresses', `pip-${name}`) } : {}),
        ...(front.private
          ? {
              subnetId: subnetId(front.private[0], front.private[1]),
              ...(front.private[2] ? { privateIpAddress: front.private[2] } : {}),
            }
          : {}),
        pointer: '/properties/frontendIPConfigurations/0',
      },
    ],
    backendAddressPools: [
      {
        id: pool,
        name: 'pool',
        backendIpConfigurationIds: poolNics.map(nicConfigId),
        addresses: [],
        pointer: '/properties/backendAddressPools/0',
      },
    ],
    rules: rules.map((r, i) => ({
      kind: r.kind ?? 'load-balancing',
      id: `${b.id}/${r.kind === 'inbound-nat' ? 'inboundNatRules' : 'loadBalancingRules'}/${r.name}`,
      name: r.name,
      protocol: r.protocol ?? 'Tcp',
      frontendIpConfigurationId: fe,
      ...(r.frontendPort !== undefined ? { frontendPort: r.frontendPort } : {}),
      ...(r.backendPort !== undefined ? { backendPort: r.backendPort } : {}),
      ...(r.floatingIp ? { enableFloatingIp: true } : {}),
      backendAddressPoolIds: r.kind === 'inbound-nat' ? [] : [pool],
      ...(r.nic ? { backendIpConfigurationId: nicConfigId(r.nic) } : {}),
      pointer: `/properties/rules/${i}`,
    })),
    inboundNatPoolNames: [],
  });
}

/**
 * An application gateway in vnet/subnet with one listener (public front end at `publicAddress`, or private at
 * `privateAddress`) on `port`, routing to a pool of `backends` (IP addresses or FQDNs) with settings on `backendPort`.
 */
export function applicationGateway(
  inv: AzureInventory,
  name: string,
  at: [string, string],
  front: { publicAddress?: string; privateAddress?: string },
  port: number,
  backends: { ipAddress?: string; fqdn?: string; nic?: string }[],
  backendPort: number,
): void {
  const b = base('applicationGateways', name);
  if (front.publicAddress) publicIp(inv, `pip-${name}`, front.publicAddress);
  inv.applicationGateways.push({
    ...b,
    tags: {},
    skuTier: 'Standard_v2',
    subnetIds: [subnetId(at[0], at[1])],
    frontendIpConfigurations: [
      {
        id: `${b.id}/frontendIPConfigurations/fe`,
        name: 'fe',
        ...(front.publicAddress ? { publicIpAddressId: idOf('publicIPAddresses', `pip-${name}`) } : {}),
        ...(front.privateAddress ? { privateIpAddress: front.privateAddress, subnetId: subnetId(at[0], at[1]) } : {}),
      },
    ],
    frontendPorts: [{ id: `${b.id}/frontendPorts/p`, port }],
    listeners: [
      {
        id: `${b.id}/httpListeners/l`,
        name: 'l',
        frontendIpConfigurationId: `${b.id}/frontendIPConfigurations/fe`,
        frontendPortId: `${b.id}/frontendPorts/p`,
        protocol: 'Https',
        pointer: '/properties/httpListeners/0',
      },
    ],
    backendAddressPools: [
      {
        id: `${b.id}/backendAddressPools/pool`,
        name: 'pool',
        backendIpConfigurationIds: backends.flatMap((x) => (x.nic ? [nicConfigId(x.nic)] : [])),
        addresses: backends.filter((x) => !x.nic).map((x) => ({ ...x })),
      },
    ],
    backendSettings: [
      { id: `${b.id}/backendHttpSettingsCollection/s`, name: 's', port: backendPort, protocol: 'Http' },
    ],
    routingRules: [
      {
        id: `${b.id}/requestRoutingRules/r`,
        name: 'r',
        listenerId: `${b.id}/httpListeners/l`,
        targets: [
          { poolId: `${b.id}/backendAddressPools/pool`, settingsId: `${b.id}/backendHttpSettingsCollection/s` },
        ],
        pointer: '/properties/requestRoutingRules/0',
      },
    ],
  });
}
