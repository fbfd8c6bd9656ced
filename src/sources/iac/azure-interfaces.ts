/**
 * The network interfaces Azure creates for resources infrastructure as code declares: one per private endpoint, in
 * its subnet (a snapshot lists it as `<endpoint>.nic.<guid>`; the IaC id is `<endpoint>.nic`), so `cordon verify` has the endpoints as destinations. Its addresses are the
 * endpoint's static IP configurations when the code gives them, else one configuration whose address Azure picks at
 * deploy (the verifier stands it for every address of the subnet: src/verify/deploy-addresses.ts). Shared by the ARM
 * (and so Bicep) reader and the Terraform azurerm mapper; run after the inventory is read.
 */
import type { Origin } from '../../findings/types.js';
import {
  azureIdKey,
  normaliseLocation,
  parseAzureId,
  privateLinkHost,
  type AzureInventory,
} from '../../inventory/azure.js';

export function privateEndpointInterfaces(inv: AzureInventory): void {
  const nics = new Set(inv.networkInterfaces.map((n) => azureIdKey(n.id)));
  for (const pe of inv.privateEndpoints) {
    if (!pe.subnetId || pe.networkInterfaceIds.length > 0) continue;
    const name = `${pe.name}.nic`;
    const id = `/subscriptions/${pe.subscription}/resourceGroups/${pe.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${name}`;
    if (nics.has(azureIdKey(id))) continue;
    const statics = pe.ipConfigurations.flatMap((c) => (c.privateIpAddress ? [c.privateIpAddress] : []));
    const addresses: (string | undefined)[] = statics.length > 0 ? statics : [undefined];
    const pointer = (pe.origin.kind === 'file' ? pe.origin.pointer : undefined) ?? '';
    inv.networkInterfaces.push({
      id,
      name,
      subscription: pe.subscription,
      location: pe.location,
      resourceGroup: pe.resourceGroup,
      origin: pe.origin,
      tags: {},
      ipConfigurations: addresses.map((a, i) => ({
        ...(a ? { privateIpAddress: a } : {}),
        subnetId: pe.subnetId!,
        pointer: `${pointer}/properties/ipConfigurations/${i}`,
      })),
      privateEndpointId: pe.id,
    });
    pe.networkInterfaceIds.push(id);
  }
}

/**
 * The A records Azure writes at deploy for each private endpoint whose DNS zone group names a zone the code declares
 * ("Azure Private Endpoint private DNS zone values": the group creates and maintains the endpoint's records). Code
 * declares the group, not the records, so without these every endpoint looked unresolvable. One record per connected
 * resource, named as the resource's host (a Cognitive Services account's custom subdomain, else its name), at the
 * endpoint's static addresses when the code gives them; it names the endpoint either way, since Azure writes its
 * address whatever it is. A record the code declares itself under that name is kept as written.
 */
export function zoneGroupRecords(inv: AzureInventory): void {
  const zones = new Map(inv.privateDnsZones.map((z) => [azureIdKey(z.id), z]));
  const endpoints = new Map(inv.privateEndpoints.map((p) => [azureIdKey(p.id), p]));
  const taken = new Set(inv.privateDnsARecords.map((r) => `${azureIdKey(r.zoneId)}|${r.recordName.toLowerCase()}`));
  for (const g of inv.privateDnsZoneGroups) {
    const pe = endpoints.get(azureIdKey(g.privateEndpointId));
    if (!pe) continue;
    const statics = pe.ipConfigurations.flatMap((c) => (c.privateIpAddress ? [c.privateIpAddress] : []));
    const hosts = new Set(
      pe.connections.flatMap((c) => (c.privateLinkServiceId ? [privateLinkHost(inv, c.privateLinkServiceId)] : [])),
    );
    hosts.delete('');
    for (const config of g.zoneConfigs) {
      const zone = zones.get(azureIdKey(config.privateDnsZoneId));
      if (!zone) continue;
      for (const host of hosts) {
        const k = `${azureIdKey(zone.id)}|${host}`;
        if (taken.has(k)) continue;
        taken.add(k);
        inv.privateDnsARecords.push({
          id: `${zone.id}/A/${host}`,
          name: host,
          subscription: zone.subscription,
          location: 'global',
          resourceGroup: zone.resourceGroup,
          origin: g.origin,
          zoneId: zone.id,
          zoneName: zone.zoneName,
          recordName: host,
          ipv4Addresses: statics,
          privateEndpointId: pe.id,
        });
      }
    }
  }
}

/**
 * The NICs Azure creates for a service declared with a subnet (ARM REST shape, so the ARM/Bicep reader and the
 * azurerm mapper share it): a scale set's instances (one NIC per network interface configuration, with its NSG; all
 * instances of a configuration look alike, so one NIC with stand-in addresses stands for them), an AKS node pool's
 * nodes (and, with Azure CNI and a pod subnet, its pods), an App Service or Functions app's VNet integration (outbound
 * only: nothing connects to the app through it), an Azure Machine Learning compute cluster or instance, a Container
 * Apps environment's infrastructure. Subnet NSGs apply through the subnet as for any NIC.
 */
export interface WorkloadNic {
  /** The NIC's name, derived from the declaring resource's (`<resource>.<what>`). */
  name: string;
  configs: {
    subnetId: string;
    pointer: string;
    publicIp?: boolean;
    /** Load balancer pools (and inbound NAT pools) and gateway pools the configuration puts its instances in. */
    lbPools?: string[];
    agwPools?: string[];
  }[];
  networkSecurityGroupId?: string;
  outboundOnly?: boolean;
}

const rec = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const idOf = (v: unknown): string | undefined => str(rec(v).id);

/** Resource types (lower case) whose NICs Azure creates in the code's subnets. */
export const WORKLOAD_TYPES = new Set([
  'microsoft.compute/virtualmachinescalesets',
  'microsoft.containerservice/managedclusters',
  'microsoft.containerservice/managedclusters/agentpools',
  'microsoft.web/sites',
  'microsoft.web/sites/slots',
  'microsoft.web/sites/networkconfig',
  'microsoft.machinelearningservices/workspaces/computes',
  'microsoft.app/managedenvironments',
]);

/**
 * Resource types that are data of their own (checks read them) and also put NICs into the code's subnets: an AI
 * Foundry (AI Services) account's `networkInjections` inject its Agent Service client into a delegated subnet, whose
 * NSG and route table then govern what the agents reach (Microsoft's "bring your own virtual network" setup).
 */
export const INJECTING_TYPES = new Set(['microsoft.cognitiveservices/accounts']);

/** The NICs of one ARM resource body (pointers relative to it); none for other types or without a subnet. */
export function workloadNics(raw: Record<string, unknown>): WorkloadNic[] {
  const type = (str(raw.type) ?? '').toLowerCase();
  // A child's name with its parents' (ARM ids name them all; a template's `name` may be the last segment only).
  const names = typeof raw.id === 'string' ? parseAzureId(raw.id).names : [];
  const name = (names.length > 0 ? names.join('/') : (str(raw.name) ?? 'unnamed')).replace(/\//g, '.');
  const p = rec(raw.properties);
  const out: WorkloadNic[] = [];
  switch (type) {
    case 'microsoft.compute/virtualmachinescalesets': {
      const base = '/properties/virtualMachineProfile/networkProfile/networkInterfaceConfigurations';
      arr(rec(rec(p.virtualMachineProfile).networkProfile).networkInterfaceConfigurations).forEach((c, i) => {
        const cp = rec(rec(c).properties);
        const configs = arr(cp.ipConfigurations).flatMap((ip, j) => {
          const ipp = rec(rec(ip).properties);
          const subnetId = idOf(ipp.subnet);
          const ids = (...v: unknown[]) => v.flatMap((x) => arr(x).flatMap((y) => idOf(y) ?? []));
          const lbPools = ids(ipp.loadBalancerBackendAddressPools, ipp.loadBalancerInboundNatPools);
          const agwPools = ids(ipp.applicationGatewayBackendAddressPools);
          return subnetId
            ? [
                {
                  subnetId,
                  pointer: `${base}/${i}/properties/ipConfigurations/${j}`,
                  ...(ipp.publicIPAddressConfiguration !== undefined ? { publicIp: true } : {}),
                  ...(lbPools.length ? { lbPools } : {}),
                  ...(agwPools.length ? { agwPools } : {}),
                },
              ]
            : [];
        });
        const nsg = idOf(cp.networkSecurityGroup);
        if (configs.length > 0)
          out.push({
            name: `${name}.${str(rec(c).name) ?? String(i)}`,
            configs,
            ...(nsg ? { networkSecurityGroupId: nsg } : {}),
          });
      });
      break;
    }
    case 'microsoft.containerservice/managedclusters':
      arr(p.agentPoolProfiles).forEach((pool, i) =>
        out.push(
          ...nodePool(`${name}.${str(rec(pool).name) ?? String(i)}`, rec(pool), `/properties/agentPoolProfiles/${i}`),
        ),
      );
      break;
    case 'microsoft.containerservice/managedclusters/agentpools':
      out.push(...nodePool(name, p, '/properties'));
      break;
    case 'microsoft.web/sites':
    case 'microsoft.web/sites/slots':
    case 'microsoft.web/sites/networkconfig': {
      const field = type.endsWith('networkconfig') ? 'subnetResourceId' : 'virtualNetworkSubnetId';
      const subnetId = str(p[field]);
      if (subnetId)
        out.push({
          name: `${name}.vnet-integration`,
          configs: [{ subnetId, pointer: `/properties/${field}` }],
          outboundOnly: true,
        });
      break;
    }
    case 'microsoft.machinelearningservices/workspaces/computes': {
      const subnetId = idOf(rec(p.properties).subnet);
      if (subnetId) out.push({ name, configs: [{ subnetId, pointer: '/properties/properties/subnet' }] });
      break;
    }
    case 'microsoft.cognitiveservices/accounts':
      // Requests reach the agents through the account's endpoints; the injected client only sends from the subnet
      // (tools, AI Search, storage, the internet through the subnet's routes). Scenario "none" or a Microsoft-managed
      // network puts nothing in a subnet of the code.
      arr(p.networkInjections).forEach((inj, i) => {
        const n = rec(inj);
        const subnetId = str(n.subnetArmId);
        if (!subnetId || n.useMicrosoftManagedNetwork === true || str(n.scenario)?.toLowerCase() === 'none') return;
        out.push({
          name: `${name}.${str(n.scenario) ?? 'agent'}-injection`,
          configs: [{ subnetId, pointer: `/properties/networkInjections/${i}/subnetArmId` }],
          outboundOnly: true,
        });
      });
      break;
    case 'microsoft.app/managedenvironments': {
      const subnetId = str(rec(p.vnetConfiguration).infrastructureSubnetId);
      if (subnetId)
        out.push({
          name: `${name}.infrastructure`,
          configs: [{ subnetId, pointer: '/properties/vnetConfiguration/infrastructureSubnetId' }],
        });
      break;
    }
  }
  return out;
}

/** A node pool's nodes in its subnet; with Azure CNI's pod subnet, the pods (their addresses are that subnet's). */
function nodePool(name: string, pool: Record<string, unknown>, at: string): WorkloadNic[] {
  const out: WorkloadNic[] = [];
  const nodes = str(pool.vnetSubnetID);
  // Without a subnet AKS creates its own VNet, which the code does not declare and nothing of the code reaches.
  if (nodes) out.push({ name: `${name}.nodes`, configs: [{ subnetId: nodes, pointer: `${at}/vnetSubnetID` }] });
  const pods = str(pool.podSubnetID);
  if (pods) out.push({ name: `${name}.pods`, configs: [{ subnetId: pods, pointer: `${at}/podSubnetID` }] });
  return out;
}

/**
 * Adds the NICs to the inventory in the declaring resource's subscription and group (its id, else the given ones),
 * with addresses Azure picks at deploy (the verifier's stand-ins); a public address, when the configuration asks for
 * one, is a placeholder id (its address too is Azure's pick).
 */
export function addWorkloadNics(
  inv: AzureInventory,
  owner: { id?: string; subscription: string; resourceGroup: string; location: string; origin: Origin },
  nics: readonly WorkloadNic[],
): void {
  const parsed = owner.id ? parseAzureId(owner.id) : undefined;
  const subscription = (parsed?.subscription ?? owner.subscription).toLowerCase();
  const resourceGroup = parsed?.resourceGroup ?? owner.resourceGroup;
  const taken = new Set(inv.networkInterfaces.map((n) => azureIdKey(n.id)));
  const subnets = new Map(inv.subnets.map((x) => [azureIdKey(x.id), x]));
  const pointer = (owner.origin.kind === 'file' ? owner.origin.pointer : undefined) ?? '';
  for (const nic of nics) {
    const id = `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkInterfaces/${nic.name}`;
    if (taken.has(azureIdKey(id))) continue;
    taken.add(azureIdKey(id));
    inv.networkInterfaces.push({
      id,
      name: nic.name,
      subscription,
      // A NIC is in its virtual network's region (a child resource such as an agent pool states none of its own).
      location:
        subnets.get(azureIdKey(nic.configs[0]?.subnetId ?? ''))?.location ??
        normaliseLocation(owner.location) ??
        'unknown',
      resourceGroup,
      origin: owner.origin,
      tags: {},
      ipConfigurations: nic.configs.map((c) => ({
        subnetId: c.subnetId,
        pointer: `${pointer}${c.pointer}`,
        ...(c.publicIp ? { publicIpAddressId: `${id}/publicIPAddress (assigned at deploy)` } : {}),
        ...(c.lbPools ? { loadBalancerBackendAddressPoolIds: c.lbPools } : {}),
        ...(c.agwPools ? { applicationGatewayBackendAddressPoolIds: c.agwPools } : {}),
      })),
      ...(nic.networkSecurityGroupId ? { networkSecurityGroupId: nic.networkSecurityGroupId } : {}),
      ...(nic.outboundOnly ? { outboundOnly: true } : {}),
    });
  }
}

/**
 * Whether a resource body places something in a subnet (a subnet-named key with a value, at any depth): a type cordon
 * does not read that does so (API Management or Azure Container Instances in a VNet, a PostgreSQL flexible server's
 * delegated subnet, a Redis cache…) puts NICs there that the verifier does not see. Network ACLs that name subnets
 * (service endpoint rules: `virtualNetworkRules`, `network_acls`, `virtual_network_subnet_ids`) place nothing.
 */
export function namesAzureSubnet(v: unknown, depth = 0): boolean {
  if (depth > 6 || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => namesAzureSubnet(x, depth + 1));
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (
      /(virtual_?network_?rules?|network_?acls?|network_?rule_?sets?|network_?rules|virtual_?network_?subnet_?ids)/i.test(
        k,
      )
    )
      continue;
    // `subnet`, or a key ending in a subnet's id or name: `subnet_id`, `delegatedSubnetResourceId`, Spring Apps'
    // `service_runtime_subnet_id`, Databricks' `private_subnet_name` / `customPrivateSubnetName` (VNet injection
    // puts its clusters' NICs there).
    if (/^subnet$|subnet_?(ids?|name|(resource|arm)_?id)$/i.test(k)) {
      if (x !== null && x !== undefined && x !== '' && !(Array.isArray(x) && x.length === 0)) return true;
    } else if (namesAzureSubnet(x, depth + 1)) return true;
  }
  return false;
}

/**
 * Service endpoint rules of a server (Microsoft.Sql/servers/virtualNetworkRules, azurerm_mssql_virtual_network_rule
 * and their PostgreSQL, MySQL, MariaDB kin): an ACL naming a subnet, which places nothing in it.
 */
export function isSubnetAclType(type: string): boolean {
  return /\/virtualnetworkrules$|_virtual_network_rule$/i.test(type);
}

/**
 * Types whose subnets hold next hops or network plumbing rather than zone workloads (gateways, hubs, route servers,
 * resolver endpoints; Private Link services, which their own reader follows): not charged by the unread-type guard.
 */
export const NO_WORKLOAD_AZURE_TYPES = new Set([
  'microsoft.network/virtualnetworkgateways',
  'microsoft.network/virtualhubs',
  'microsoft.network/virtualhubs/ipconfigurations',
  'microsoft.network/routeservers',
  'microsoft.network/privatelinkservices',
  'microsoft.network/natgateways',
  'microsoft.network/dnsresolvers/inboundendpoints',
  'microsoft.network/dnsresolvers/outboundendpoints',
  'microsoft.network/virtualnetworks/subnets',
  'microsoft.network/virtualnetworks',
  'microsoft.resources/deployments',
]);
