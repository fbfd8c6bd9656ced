/**
 * The Azure inventory: typed, normalised resources with their origin, filled by the Azure snapshot source (and, later,
 * the live collector). Field names follow the ARM REST API (camelCase, as in the api-versions named in
 * docs/azure-snapshots.md).
 *
 * Normalisation: resource ids keep their original spelling for display but are compared with `azureIdKey` (ARM ids
 * are case-insensitive; Resource Graph lower-cases some segments, ARM does not); subscriptions are lower-case GUIDs;
 * locations are lower-case without spaces ("West US" -> "westus"), and global resources (private DNS zones and their
 * children) are in location "global".
 */
import type { IacLanguage } from './input-kind.js';
import type { Origin } from '../findings/types.js';

export type Tags = Record<string, string>;

export interface AzureScoped {
  /** Lower-case subscription id. */
  subscription: string;
  /** Lower-case location without spaces, or "global". */
  location: string;
  resourceGroup: string;
  origin: Origin;
  /** The ARM resource id as written in the data; compare with azureIdKey / sameAzureId. */
  id: string;
  name: string;
}

/** Tagged resources (child resources such as subnets and record sets carry no tags). */
export interface AzureTagged extends AzureScoped {
  tags: Tags;
}

// ---------------------------------------------------------------------------------------------------------------
// Resource ids

/** The one way cordon compares Azure resource ids: case-insensitive, without a trailing slash. */
export function azureIdKey(id: string): string {
  // Trailing slashes cut by hand: the regex /\/+$/ tried a match at every '/' of the id, and ids are compared by the
  // million in an organisation's checks.
  const s = id.trim();
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 47) end--;
  return (end === s.length ? s : s.slice(0, end)).toLowerCase();
}

/**
 * Items of an inventory list by the key of one of their id fields, made once per list and field (and again if the
 * list has grown since): checks and the verifier look resources up by id per subnet, NIC or endpoint, and a scan of
 * the whole list per lookup made an organisation's scan grow with the square of its size.
 */
const fieldIndexes = new WeakMap<
  readonly object[],
  { length: number; byField: Map<string, Map<string, object[]>>; position?: Map<object, number> }
>();
function listIndex(list: readonly object[]) {
  let x = fieldIndexes.get(list);
  if (!x || x.length !== list.length) fieldIndexes.set(list, (x = { length: list.length, byField: new Map() }));
  return x;
}
function indexOf<T extends object>(list: readonly T[], field: string): Map<string, T[]> {
  const x = listIndex(list);
  let m = x.byField.get(field) as Map<string, T[]> | undefined;
  if (!m) {
    m = new Map();
    for (const item of list) {
      const v = (item as Record<string, unknown>)[field];
      if (typeof v !== 'string') continue;
      const k = azureIdKey(v);
      const l = m.get(k);
      if (l) l.push(item);
      else m.set(k, [item]);
    }
    x.byField.set(field, m);
  }
  return m;
}

/** The first item of the list whose `id` is this ARM id (compared as `azureIdKey` does), as `find` would. */
export function findById<T extends { id: string }>(list: readonly T[], id: string | undefined): T | undefined {
  return id === undefined ? undefined : indexOf(list, 'id').get(azureIdKey(id))?.[0];
}

/** The items whose `field` names this ARM id, in list order, as `filter` would. */
export function filterById<T extends object, K extends keyof T & string>(
  list: readonly T[],
  field: K,
  id: string,
): readonly T[] {
  return indexOf(list, field).get(azureIdKey(id)) ?? [];
}

/** Items of the list (found through the indexes above) in the list's own order, as a `filter` over it gives them. */
export function inListOrder<T extends object>(list: readonly T[], items: Iterable<T>): T[] {
  const x = listIndex(list);
  const at = (x.position ??= new Map(list.map((item, i) => [item, i])));
  return [...items].sort((a, b) => at.get(a)! - at.get(b)!);
}

export function sameAzureId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && azureIdKey(a) === azureIdKey(b);
}

export interface ParsedAzureId {
  subscription?: string;
  resourceGroup?: string;
  /** Lower-case full type, e.g. "microsoft.network/privateendpoints/privatednszonegroups". */
  type?: string;
  /** Names of the resource and its parents, outermost first. */
  names: string[];
  /** The parent resource's id (for child resources), in the original spelling. */
  parentId?: string;
}

/**
 * Parses /subscriptions/S/resourceGroups/G/providers/NS/t1/n1[/t2/n2…]. Tolerant: a malformed id yields what could be
 * read (the Azure REST specs' own examples contain ids with typos such as "provders").
 */
export function parseAzureId(id: string): ParsedAzureId {
  const parts = id
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .split('/');
  const out: ParsedAzureId = { names: [] };
  const lower = parts.map((p) => p.toLowerCase());
  const si = lower.indexOf('subscriptions');
  if (si >= 0 && parts[si + 1]) out.subscription = parts[si + 1]!.toLowerCase();
  const gi = lower.indexOf('resourcegroups');
  if (gi >= 0 && parts[gi + 1]) out.resourceGroup = parts[gi + 1]!;
  const pi = lower.lastIndexOf('providers');
  if (pi >= 0 && parts[pi + 1]) {
    const rest = parts.slice(pi + 2);
    const types: string[] = [lower[pi + 1]!];
    for (let i = 0; i + 1 < rest.length; i += 2) {
      types.push(rest[i]!.toLowerCase());
      out.names.push(rest[i + 1]!);
    }
    if (out.names.length > 0) out.type = types.join('/');
    if (out.names.length > 1) out.parentId = '/' + parts.slice(0, parts.length - 2).join('/');
  }
  return out;
}

/**
 * The host label a private-link target answers by, lower case: a Cognitive Services account's custom subdomain, else
 * the resource's name (the first label of its FQDN, and the name of the A record its private DNS zone holds).
 */
export function privateLinkHost(inv: AzureInventory, targetId: string): string {
  const account = findById(inv.cognitiveAccounts, targetId);
  return (account?.customSubDomainName ?? parseAzureId(targetId).names.at(-1) ?? '').toLowerCase();
}

/** "West US" -> "westus"; undefined stays undefined. */
export function normaliseLocation(location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  const l = location.replace(/\s+/g, '').toLowerCase();
  return l === '' ? undefined : l;
}

// ---------------------------------------------------------------------------------------------------------------
// AI and supporting (private-link target) services

/** A private endpoint connection as the target service reports it (properties.privateEndpointConnections). */
export interface AzurePrivateEndpointConnection {
  id?: string;
  privateEndpointId?: string;
  /** Approved, Pending, Rejected, Disconnected (kept as written). */
  status?: string;
  pointer: string;
}

export interface AzureNetworkAcls {
  /** Allow or Deny. */
  defaultAction?: string;
  /** CIDRs or addresses. */
  ipRules: string[];
  /** Subnet ids. */
  virtualNetworkRules: string[];
  /** e.g. "AzureServices", "AzureServices, Logging". */
  bypass?: string;
}

/** Fields every private-link target service shares. */
export interface AzurePrivateLinkTarget extends AzureTagged {
  /** "Enabled", "Disabled", "SecuredByPerimeter"… as written; undefined when the data does not say. */
  publicNetworkAccess?: string;
  networkAcls?: AzureNetworkAcls;
  privateEndpointConnections: AzurePrivateEndpointConnection[];
}

/** Microsoft.CognitiveServices/accounts: OpenAI, AIServices, CognitiveServices and single-service kinds. */
export interface AzureCognitiveAccount extends AzurePrivateLinkTarget {
  kind: string;
  sku?: string;
  disableLocalAuth?: boolean;
  customSubDomainName?: string;
  endpoint?: string;
  restrictOutboundNetworkAccess?: boolean;
  allowedFqdnList: string[];
}

export interface AzureManagedNetworkRule {
  name: string;
  /** FQDN, PrivateEndpoint or ServiceTag. */
  type: string;
  /** FQDN rules: the FQDN; PrivateEndpoint rules: the target resource id; ServiceTag rules: the tag. */
  destination?: string;
  subresourceTarget?: string;
  /** ServiceTag rules: address prefixes, which replace the tag when given, and the action (Allow unless Deny). */
  addressPrefixes?: string[];
  action?: string;
  category?: string;
  status?: string;
  pointer: string;
}

/** Microsoft.MachineLearningServices/workspaces: AI Foundry hubs and projects, Azure ML workspaces. */
export interface AzureMlWorkspace extends AzurePrivateLinkTarget {
  /** Hub, Project, Default, FeatureStore… (as written; "Default" when the data has no kind). */
  kind: string;
  managedNetwork?: {
    /** Disabled, AllowInternetOutbound or AllowOnlyApprovedOutbound. */
    isolationMode?: string;
    outboundRules: AzureManagedNetworkRule[];
  };
  /** Associated resources (ids). */
  storageAccount?: string;
  keyVault?: string;
  containerRegistry?: string;
  applicationInsights?: string;
  /** A project's hub. */
  hubResourceId?: string;
  allowPublicAccessWhenBehindVnet?: boolean;
}

export interface AzureSearchService extends AzurePrivateLinkTarget {
  sku?: string;
  disableLocalAuth?: boolean;
}

export interface AzureStorageAccount extends AzurePrivateLinkTarget {
  kind?: string;
  allowBlobPublicAccess?: boolean;
  allowSharedKeyAccess?: boolean;
}

export interface AzureKeyVault extends AzurePrivateLinkTarget {
  enableRbacAuthorization?: boolean;
}

export interface AzureContainerRegistry extends AzurePrivateLinkTarget {
  sku?: string;
  adminUserEnabled?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Networking

export interface AzureVnetPeering extends AzureScoped {
  vnetId: string;
  remoteVirtualNetworkId?: string;
  /** remoteAddressSpace (what the peering currently sees of the remote VNet). */
  remoteAddressPrefixes: string[];
  allowVirtualNetworkAccess?: boolean;
  allowForwardedTraffic?: boolean;
  allowGatewayTransit?: boolean;
  useRemoteGateways?: boolean;
  peeringState?: string;
}

export interface AzureVirtualNetwork extends AzureTagged {
  addressPrefixes: string[];
  /** dhcpOptions.dnsServers; empty means Azure-provided DNS (168.63.129.16). */
  dnsServers: string[];
  subnetIds: string[];
  peeringIds: string[];
}

export interface AzureSubnet extends AzureScoped {
  vnetId: string;
  /** addressPrefix and addressPrefixes merged. */
  addressPrefixes: string[];
  networkSecurityGroupId?: string;
  routeTableId?: string;
  natGatewayId?: string;
  /** Disabled, Enabled, NetworkSecurityGroupEnabled or RouteTableEnabled; undefined when not given. */
  privateEndpointNetworkPolicies?: string;
  /** false when the subnet is private (no default outbound access). */
  defaultOutboundAccess?: boolean;
  delegations: string[];
}

export interface AzureSecurityRule {
  name: string;
  priority: number;
  /** Inbound or Outbound. */
  direction: string;
  /** Allow or Deny. */
  access: string;
  /** Tcp, Udp, Icmp, Esp, Ah or "*". */
  protocol: string;
  /** Prefixes, CIDRs, service tags or "*": the singular and plural fields merged. */
  sources: string[];
  sourcePorts: string[];
  destinations: string[];
  destinationPorts: string[];
  sourceApplicationSecurityGroupIds: string[];
  destinationApplicationSecurityGroupIds: string[];
  isDefault: boolean;
  pointer: string;
  /** A rule declared as a resource of its own (perhaps in another file): where it is, instead of its group's origin. */
  origin?: Origin;
}

export interface AzureNetworkSecurityGroup extends AzureTagged {
  securityRules: AzureSecurityRule[];
  /** The platform rules (65000+). Empty when the data omitted them; evaluate with the documented defaults then. */
  defaultSecurityRules: AzureSecurityRule[];
  subnetIds: string[];
  networkInterfaceIds: string[];
}

export interface AzureRoute {
  name: string;
  addressPrefix: string;
  /** VirtualNetworkGateway, VnetLocal, Internet, VirtualAppliance, None. */
  nextHopType: string;
  nextHopIpAddress?: string;
  pointer: string;
  /** A route declared as a resource of its own (perhaps in another file): where it is, instead of its table's origin. */
  origin?: Origin;
}

export interface AzureRouteTable extends AzureTagged {
  routes: AzureRoute[];
  subnetIds: string[];
  disableBgpRoutePropagation?: boolean;
}

export interface AzurePrivateLinkServiceConnection {
  name?: string;
  privateLinkServiceId?: string;
  groupIds: string[];
  /** Approved, Pending, Rejected, Disconnected. */
  status?: string;
  /** From manualPrivateLinkServiceConnections (needs approval by the target's owner). */
  manual: boolean;
  pointer: string;
}

export interface AzurePrivateEndpoint extends AzureTagged {
  subnetId?: string;
  connections: AzurePrivateLinkServiceConnection[];
  customDnsConfigs: { fqdn?: string; ipAddresses: string[] }[];
  networkInterfaceIds: string[];
  /** Static ipConfigurations (group, member, address) when set. */
  ipConfigurations: { groupId?: string; memberName?: string; privateIpAddress?: string }[];
}

/**
 * A Private Link service (Microsoft.Network/privateLinkServices): a customer's service behind a Standard Load
 * Balancer, which private endpoints in other VNets and subscriptions connect to. It delivers their connections to
 * the backends of the load balancer rules on its front ends, from its own NAT addresses.
 */
export interface AzurePrivateLinkService extends AzureTagged {
  loadBalancerFrontendIpConfigurationIds: string[];
  /** The NAT addresses (ipConfigurations): the source the backends see. */
  natIpConfigurations: { privateIpAddress?: string; subnetId?: string }[];
}

export interface AzurePrivateDnsZoneGroup extends AzureScoped {
  privateEndpointId: string;
  zoneConfigs: {
    name?: string;
    privateDnsZoneId: string;
    recordSets: { recordType?: string; recordSetName?: string; fqdn?: string; ipAddresses: string[] }[];
    pointer: string;
  }[];
}

export interface AzurePrivateDnsZone extends AzureTagged {
  /** Lower-case zone name, e.g. "privatelink.openai.azure.com". */
  zoneName: string;
  numberOfRecordSets?: number;
  numberOfVirtualNetworkLinks?: number;
}

export interface AzurePrivateDnsZoneLink extends AzureTagged {
  zoneId: string;
  zoneName: string;
  virtualNetworkId?: string;
  registrationEnabled?: boolean;
  virtualNetworkLinkState?: string;
  /** Default or NxDomainRedirect (2024-06-01): fall back to public resolution on NXDOMAIN. */
  resolutionPolicy?: string;
}

export interface AzurePrivateDnsARecordSet extends AzureScoped {
  zoneId: string;
  zoneName: string;
  /** Relative name ("myaccount", "@"). */
  recordName: string;
  fqdn?: string;
  ipv4Addresses: string[];
  ttl?: number;
  /**
   * Written by this private endpoint's DNS zone group (infrastructure as code: Azure creates the record at deploy,
   * with the endpoint's address, which the code may not give).
   */
  privateEndpointId?: string;
}

export interface AzureDnsResolver extends AzureTagged {
  virtualNetworkId?: string;
}

export interface AzureDnsResolverInboundEndpoint extends AzureTagged {
  resolverId: string;
  ipConfigurations: { privateIpAddress?: string; subnetId?: string }[];
}

export interface AzureDnsResolverOutboundEndpoint extends AzureTagged {
  resolverId: string;
  subnetId?: string;
}

export interface AzureDnsForwardingRuleset extends AzureTagged {
  outboundEndpointIds: string[];
}

export interface AzureDnsForwardingRule extends AzureScoped {
  rulesetId: string;
  /** Lower-case, with the trailing dot ARM writes ("contoso.com."). */
  domainName: string;
  targetDnsServers: { ipAddress: string; port: number }[];
  /** Enabled or Disabled. */
  state?: string;
}

export interface AzureDnsForwardingRulesetLink extends AzureScoped {
  rulesetId: string;
  virtualNetworkId?: string;
}

/**
 * A DNS security policy (Microsoft.Network/dnsResolverPolicies): DNS traffic rules and query logging for the virtual
 * networks linked to it. Its query logs (the DnsResponse category, table DNSQueryLogs) go wherever a diagnostic setting
 * on the policy sends them.
 */
export type AzureDnsSecurityPolicy = AzureTagged;

/** A DNS security policy's link to a virtual network (dnsResolverPolicies/virtualNetworkLinks). */
export interface AzureDnsSecurityPolicyLink extends AzureScoped {
  policyId: string;
  virtualNetworkId?: string;
}

/** A diagnostic setting (Microsoft.Insights/diagnosticSettings) on a resource: which log categories go where. */
export interface AzureDiagnosticSetting extends AzureScoped {
  /** The resource the setting is on. */
  resourceId: string;
  logs: { category?: string; categoryGroup?: string; enabled: boolean }[];
  /** Where the logs go: workspace, storage account, event hub or partner solution ids. */
  destinations: string[];
}

export interface AzureFirewallClassicRule {
  collection: string;
  kind: 'application' | 'network';
  action?: string;
  name: string;
  sourceAddresses: string[];
  destinationAddresses: string[];
  targetFqdns: string[];
  fqdnTags: string[];
  destinationPorts: string[];
  protocols: string[];
  pointer: string;
}

export interface AzureFirewall extends AzureTagged {
  skuTier?: string;
  firewallPolicyId?: string;
  ipConfigurations: { privateIpAddress?: string; subnetId?: string; publicIpAddressId?: string }[];
  /** Virtual WAN secured hub firewalls. */
  hubPrivateIpAddress?: string;
  /** Rules defined on the firewall itself (classic rules, no policy). */
  classicRules: AzureFirewallClassicRule[];
}

export interface AzureFirewallPolicy extends AzureTagged {
  basePolicyId?: string;
  ruleCollectionGroupIds: string[];
  threatIntelMode?: string;
}

export interface AzureFirewallPolicyRule {
  collection: string;
  collectionPriority?: number;
  /** Allow or Deny (filter collections) or Dnat (NAT collections). */
  action?: string;
  name: string;
  /** ApplicationRule, NetworkRule or NatRule. */
  ruleType: string;
  sourceAddresses: string[];
  sourceIpGroups: string[];
  destinationAddresses: string[];
  /** IP group ids (Microsoft.Network/ipGroups): cordon does not read their addresses. */
  destinationIpGroups: string[];
  destinationFqdns: string[];
  targetFqdns: string[];
  fqdnTags: string[];
  webCategories: string[];
  destinationPorts: string[];
  /** Application rules: "Https:443"; network rules: "TCP". */
  protocols: string[];
  pointer: string;
}

export interface AzureFirewallPolicyRuleCollectionGroup extends AzureScoped {
  policyId: string;
  priority?: number;
  rules: AzureFirewallPolicyRule[];
}

export interface AzureBastionHost extends AzureTagged {
  sku?: string;
  subnetIds: string[];
  virtualNetworkId?: string;
}

/** A Network Watcher flow log: on a VNet, subnet or NIC (VNet flow logs) or on an NSG (NSG flow logs, retiring). */
export interface AzureFlowLog extends AzureTagged {
  targetResourceId: string;
  enabled?: boolean;
  /** Log format version: 2 adds bytes and packets and the flow state. */
  formatVersion?: number;
  storageId?: string;
  trafficAnalytics?: boolean;
}

export interface AzurePublicIpAddress extends AzureTagged {
  ipAddress?: string;
  /** The ip configuration it is attached to (NIC, firewall, bastion, load balancer…). */
  ipConfigurationId?: string;
  sku?: string;
}

export interface AzureNetworkInterface extends AzureTagged {
  ipConfigurations: {
    privateIpAddress?: string;
    subnetId?: string;
    publicIpAddressId?: string;
    /** Application security groups the configuration is a member of (NSG rules may name them). */
    applicationSecurityGroupIds?: string[];
    /** Load balancer backend pools, inbound NAT rules and application gateway pools the configuration is in. */
    loadBalancerBackendAddressPoolIds?: string[];
    loadBalancerInboundNatRuleIds?: string[];
    applicationGatewayBackendAddressPoolIds?: string[];
    pointer: string;
  }[];
  networkSecurityGroupId?: string;
  virtualMachineId?: string;
  privateEndpointId?: string;
  /**
   * Infrastructure as code: a NIC Azure creates for a service that only sends through it (App Service / Functions
   * VNet integration); nothing can open a connection to it.
   */
  outboundOnly?: boolean;
}

/** A front-end IP configuration of a load balancer or application gateway: a public IP, or a private address. */
export interface AzureFrontendIpConfiguration {
  id: string;
  name: string;
  privateIpAddress?: string;
  subnetId?: string;
  publicIpAddressId?: string;
}

/**
 * Microsoft.Network/loadBalancers (api-version 2024-05-01 shapes): the front ends, backend pools and the inbound
 * rules that join them. Outbound rules only translate egress and are not read.
 */
export interface AzureLoadBalancer extends AzureTagged {
  /** Basic, Standard or Gateway. */
  sku?: string;
  /** Regional or Global (cross-region). */
  skuTier?: string;
  frontendIpConfigurations: (AzureFrontendIpConfiguration & { publicIpPrefixId?: string; pointer: string })[];
  backendAddressPools: {
    id: string;
    name: string;
    /** NIC IP configuration ids (read-only in ARM: what Azure reports as members). */
    backendIpConfigurationIds: string[];
    /** IP-based members (ipAddress + virtualNetwork), or a regional front end (cross-region pools). */
    addresses: {
      name?: string;
      ipAddress?: string;
      virtualNetworkId?: string;
      subnetId?: string;
      frontendIpConfigurationId?: string;
      nicIpConfigurationId?: string;
    }[];
    pointer: string;
  }[];
  /** Load-balancing rules and inbound NAT rules alike (kind says which). */
  rules: {
    kind: 'load-balancing' | 'inbound-nat';
    id: string;
    name: string;
    /** Tcp, Udp or All. */
    protocol?: string;
    frontendIpConfigurationId?: string;
    /** 0 with protocol All: every port (HA ports). */
    frontendPort?: number;
    /** Pool-based inbound NAT rules: the front-end port range, one port per pool member. */
    frontendPortRangeStart?: number;
    frontendPortRangeEnd?: number;
    backendPort?: number;
    enableFloatingIp?: boolean;
    backendAddressPoolIds: string[];
    /** Inbound NAT rules to one NIC (read-only in ARM): the NIC IP configuration id. */
    backendIpConfigurationId?: string;
    pointer: string;
  }[];
  /** Inbound NAT pools (virtual machine scale sets): not followed. */
  inboundNatPoolNames: string[];
}

/** Microsoft.Network/applicationGateways (api-version 2024-05-01 shapes): listeners, routing and backend pools. */
export interface AzureApplicationGateway extends AzureTagged {
  /** Standard_v2, WAF_v2, Standard, WAF… */
  skuTier?: string;
  /** The subnet(s) the gateway's instances sit in (gatewayIPConfigurations). */
  subnetIds: string[];
  frontendIpConfigurations: AzureFrontendIpConfiguration[];
  frontendPorts: { id: string; port?: number }[];
  /** httpListeners and (TCP/TLS) listeners. */
  listeners: {
    id: string;
    name: string;
    frontendIpConfigurationId?: string;
    frontendPortId?: string;
    protocol?: string;
    pointer: string;
  }[];
  backendAddressPools: {
    id: string;
    name: string;
    backendIpConfigurationIds: string[];
    addresses: { ipAddress?: string; fqdn?: string }[];
  }[];
  /** backendHttpSettingsCollection and backendSettingsCollection. */
  backendSettings: { id: string; name: string; port?: number; protocol?: string }[];
  /** requestRoutingRules and routingRules, with path-based targets flattened (urlPathMaps). */
  routingRules: {
    id: string;
    name: string;
    listenerId?: string;
    /** Backend pool and settings pairs the rule may send to (a path map's default and its paths). */
    targets: { poolId?: string; settingsId?: string }[];
    /** A redirect, or a path map not in the resource: nothing followed. */
    unresolved?: string;
    pointer: string;
  }[];
}

export interface AzureVirtualMachine extends AzureTagged {
  networkInterfaceIds: string[];
  osType?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Data sets

export interface AzureDatasetInfo {
  /** The resource type(s), lower-case, that make up the data set. */
  types: readonly string[];
  /** The az command that produces it (a Resource Graph query where Resource Graph has the type). */
  command: string;
  /** The Azure RBAC action needed to read it. */
  permission: string;
}

const arg = (kql: string): string => `az graph query -q "${kql}" --first 1000 -o json`;
const argType = (
  type: string,
  project = 'id, name, type, location, resourceGroup, subscriptionId, tags, kind, sku, identity, properties',
): string => arg(`resources | where type =~ '${type}' | project ${project}`);

/**
 * Every data set an Azure snapshot can hold. Checks declare which they need; when one is missing for a subscription
 * the check is not assessed there, with the command and permission that would supply it.
 * Private DNS record sets, private endpoint DNS zone groups, firewall policy rule collection groups and DNS forwarding
 * rules / ruleset links are child collections that cordon collects with ARM list calls (docs/azure-snapshots.md says
 * why); everything else is one Resource Graph query.
 */
export const AZURE_DATASETS = {
  'cognitiveservices:accounts': {
    types: ['microsoft.cognitiveservices/accounts'],
    command: argType('microsoft.cognitiveservices/accounts'),
    permission: 'Microsoft.CognitiveServices/accounts/read',
  },
  'machinelearning:workspaces': {
    types: ['microsoft.machinelearningservices/workspaces'],
    command: argType('microsoft.machinelearningservices/workspaces'),
    permission: 'Microsoft.MachineLearningServices/workspaces/read',
  },
  'search:services': {
    types: ['microsoft.search/searchservices'],
    command: argType('microsoft.search/searchservices'),
    permission: 'Microsoft.Search/searchServices/read',
  },
  'storage:accounts': {
    types: ['microsoft.storage/storageaccounts'],
    command: argType('microsoft.storage/storageaccounts'),
    permission: 'Microsoft.Storage/storageAccounts/read',
  },
  'keyvault:vaults': {
    types: ['microsoft.keyvault/vaults'],
    command: argType('microsoft.keyvault/vaults'),
    permission: 'Microsoft.KeyVault/vaults/read',
  },
  'containerregistry:registries': {
    types: ['microsoft.containerregistry/registries'],
    command: argType('microsoft.containerregistry/registries'),
    permission: 'Microsoft.ContainerRegistry/registries/read',
  },
  'network:virtual-networks': {
    types: [
      'microsoft.network/virtualnetworks',
      'microsoft.network/virtualnetworks/subnets',
      'microsoft.network/virtualnetworks/virtualnetworkpeerings',
    ],
    command: argType('microsoft.network/virtualnetworks'),
    permission: 'Microsoft.Network/virtualNetworks/read',
  },
  'network:network-security-groups': {
    types: ['microsoft.network/networksecuritygroups'],
    command: argType('microsoft.network/networksecuritygroups'),
    permission: 'Microsoft.Network/networkSecurityGroups/read',
  },
  'network:route-tables': {
    types: ['microsoft.network/routetables'],
    command: argType('microsoft.network/routetables'),
    permission: 'Microsoft.Network/routeTables/read',
  },
  'network:private-endpoints': {
    types: ['microsoft.network/privateendpoints'],
    command: argType('microsoft.network/privateendpoints'),
    permission: 'Microsoft.Network/privateEndpoints/read',
  },
  'network:private-link-services': {
    types: ['microsoft.network/privatelinkservices'],
    command: argType('microsoft.network/privatelinkservices'),
    permission: 'Microsoft.Network/privateLinkServices/read',
  },
  'network:private-dns-zone-groups': {
    types: ['microsoft.network/privateendpoints/privatednszonegroups'],
    command:
      'az network private-endpoint dns-zone-group list --endpoint-name PE --resource-group RG -o json (for each private endpoint)',
    permission: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/read',
  },
  'network:private-dns-zones': {
    types: ['microsoft.network/privatednszones'],
    command: argType('microsoft.network/privatednszones'),
    permission: 'Microsoft.Network/privateDnsZones/read',
  },
  'network:private-dns-zone-links': {
    types: ['microsoft.network/privatednszones/virtualnetworklinks'],
    command: argType('microsoft.network/privatednszones/virtualnetworklinks'),
    permission: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/read',
  },
  'network:private-dns-a-records': {
    types: ['microsoft.network/privatednszones/a'],
    command: 'az network private-dns record-set a list --zone-name ZONE --resource-group RG -o json (for each zone)',
    permission: 'Microsoft.Network/privateDnsZones/A/read',
  },
  'network:dns-resolvers': {
    types: [
      'microsoft.network/dnsresolvers',
      'microsoft.network/dnsresolvers/inboundendpoints',
      'microsoft.network/dnsresolvers/outboundendpoints',
    ],
    command: arg(
      "resources | where type in~ ('microsoft.network/dnsresolvers', 'microsoft.network/dnsresolvers/inboundendpoints', 'microsoft.network/dnsresolvers/outboundendpoints') | project id, name, type, location, resourceGroup, subscriptionId, tags, properties",
    ),
    permission: 'Microsoft.Network/dnsResolvers/read',
  },
  'network:dns-forwarding-rulesets': {
    types: ['microsoft.network/dnsforwardingrulesets'],
    command: argType('microsoft.network/dnsforwardingrulesets'),
    permission: 'Microsoft.Network/dnsForwardingRulesets/read',
  },
  'network:dns-forwarding-rules': {
    types: ['microsoft.network/dnsforwardingrulesets/forwardingrules'],
    command:
      'az dns-resolver forwarding-rule list --ruleset-name RULESET --resource-group RG -o json (for each ruleset)',
    permission: 'Microsoft.Network/dnsForwardingRulesets/forwardingRules/read',
  },
  'network:dns-forwarding-ruleset-links': {
    types: ['microsoft.network/dnsforwardingrulesets/virtualnetworklinks'],
    command: 'az dns-resolver vnet-link list --ruleset-name RULESET --resource-group RG -o json (for each ruleset)',
    permission: 'Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks/read',
  },
  'network:dns-security-policies': {
    types: ['microsoft.network/dnsresolverpolicies'],
    command: argType('microsoft.network/dnsresolverpolicies'),
    permission: 'Microsoft.Network/dnsResolverPolicies/read',
  },
  'network:dns-security-policy-links': {
    types: ['microsoft.network/dnsresolverpolicies/virtualnetworklinks'],
    command:
      'az dns-resolver policy vnet-link list --policy-name POLICY --resource-group RG -o json (for each DNS security policy)',
    permission: 'Microsoft.Network/dnsResolverPolicies/virtualNetworkLinks/read',
  },
  'monitor:dns-policy-diagnostic-settings': {
    types: ['microsoft.insights/diagnosticsettings'],
    command: 'az monitor diagnostic-settings list --resource POLICY_ID -o json (for each DNS security policy)',
    permission: 'Microsoft.Insights/diagnosticSettings/read',
  },
  'network:azure-firewalls': {
    types: ['microsoft.network/azurefirewalls'],
    command: argType('microsoft.network/azurefirewalls'),
    permission: 'Microsoft.Network/azureFirewalls/read',
  },
  'network:firewall-policies': {
    types: ['microsoft.network/firewallpolicies'],
    command: argType('microsoft.network/firewallpolicies'),
    permission: 'Microsoft.Network/firewallPolicies/read',
  },
  'network:firewall-rule-collection-groups': {
    types: ['microsoft.network/firewallpolicies/rulecollectiongroups'],
    command:
      'az network firewall policy rule-collection-group list --policy-name POLICY --resource-group RG -o json (for each policy)',
    permission: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups/read',
  },
  'network:bastion-hosts': {
    types: ['microsoft.network/bastionhosts'],
    command: argType('microsoft.network/bastionhosts'),
    permission: 'Microsoft.Network/bastionHosts/read',
  },
  'network:flow-logs': {
    types: ['microsoft.network/networkwatchers/flowlogs'],
    command: argType('microsoft.network/networkwatchers/flowlogs'),
    permission: 'Microsoft.Network/networkWatchers/flowLogs/read',
  },
  'network:public-ip-addresses': {
    types: ['microsoft.network/publicipaddresses'],
    command: argType('microsoft.network/publicipaddresses'),
    permission: 'Microsoft.Network/publicIPAddresses/read',
  },
  'network:network-interfaces': {
    types: ['microsoft.network/networkinterfaces'],
    command: argType('microsoft.network/networkinterfaces'),
    permission: 'Microsoft.Network/networkInterfaces/read',
  },
  'network:load-balancers': {
    types: [
      'microsoft.network/loadbalancers',
      // Pools and rules as resources of their own (templates, ARM child GETs); Resource Graph nests them.
      'microsoft.network/loadbalancers/backendaddresspools',
      'microsoft.network/loadbalancers/loadbalancingrules',
      'microsoft.network/loadbalancers/inboundnatrules',
    ],
    command: argType('microsoft.network/loadbalancers'),
    permission: 'Microsoft.Network/loadBalancers/read',
  },
  'network:application-gateways': {
    types: ['microsoft.network/applicationgateways'],
    command: argType('microsoft.network/applicationgateways'),
    permission: 'Microsoft.Network/applicationGateways/read',
  },
  'compute:virtual-machines': {
    types: ['microsoft.compute/virtualmachines'],
    command: argType('microsoft.compute/virtualmachines'),
    permission: 'Microsoft.Compute/virtualMachines/read',
  },
} as const satisfies Record<string, AzureDatasetInfo>;

export type AzureDataset = keyof typeof AZURE_DATASETS;

const DATASET_OF_TYPE = new Map<string, AzureDataset>(
  (Object.entries(AZURE_DATASETS) as [AzureDataset, AzureDatasetInfo][]).flatMap(([name, info]) =>
    info.types.map((t): [string, AzureDataset] => [t, name]),
  ),
);

/** The data set a resource type (any case) belongs to. */
/**
 * Child resources a reader merges into their parent's item: a route or a security rule declared as a resource of its
 * own (ARM and Bicep child resources; `az network route-table route list`). Resource Graph has no such type, so they
 * are not among the data sets' collected types.
 */
const CHILD_DATASET: Record<string, AzureDataset> = {
  'microsoft.network/routetables/routes': 'network:route-tables',
  'microsoft.network/networksecuritygroups/securityrules': 'network:network-security-groups',
};

export function azureDatasetOfType(type: string): AzureDataset | undefined {
  const t = type.toLowerCase();
  return DATASET_OF_TYPE.get(t) ?? CHILD_DATASET[t];
}

/** An item a reader skipped (bad shape): the data set it belongs to is partial in its scope. */
export interface SkippedItem {
  file: string;
  line?: number;
  pointer: string;
  reason: string;
}

export interface AzureScopeKey {
  subscription: string;
  location: string;
}

export function azureScopeKey(s: AzureScopeKey): string {
  return `${s.subscription}/${s.location}`;
}

export interface AzureInventory {
  /** Set when infrastructure as code filled the inventory (the words of not-assessed messages). */
  iac?: IacLanguage;
  cognitiveAccounts: AzureCognitiveAccount[];
  mlWorkspaces: AzureMlWorkspace[];
  searchServices: AzureSearchService[];
  storageAccounts: AzureStorageAccount[];
  keyVaults: AzureKeyVault[];
  containerRegistries: AzureContainerRegistry[];
  virtualNetworks: AzureVirtualNetwork[];
  subnets: AzureSubnet[];
  vnetPeerings: AzureVnetPeering[];
  networkSecurityGroups: AzureNetworkSecurityGroup[];
  routeTables: AzureRouteTable[];
  privateEndpoints: AzurePrivateEndpoint[];
  privateLinkServices: AzurePrivateLinkService[];
  privateDnsZoneGroups: AzurePrivateDnsZoneGroup[];
  privateDnsZones: AzurePrivateDnsZone[];
  privateDnsZoneLinks: AzurePrivateDnsZoneLink[];
  privateDnsARecords: AzurePrivateDnsARecordSet[];
  dnsResolvers: AzureDnsResolver[];
  dnsResolverInboundEndpoints: AzureDnsResolverInboundEndpoint[];
  dnsResolverOutboundEndpoints: AzureDnsResolverOutboundEndpoint[];
  dnsForwardingRulesets: AzureDnsForwardingRuleset[];
  dnsForwardingRules: AzureDnsForwardingRule[];
  dnsForwardingRulesetLinks: AzureDnsForwardingRulesetLink[];
  dnsSecurityPolicies: AzureDnsSecurityPolicy[];
  dnsSecurityPolicyLinks: AzureDnsSecurityPolicyLink[];
  diagnosticSettings: AzureDiagnosticSetting[];
  firewalls: AzureFirewall[];
  firewallPolicies: AzureFirewallPolicy[];
  firewallRuleCollectionGroups: AzureFirewallPolicyRuleCollectionGroup[];
  bastionHosts: AzureBastionHost[];
  publicIpAddresses: AzurePublicIpAddress[];
  flowLogs: AzureFlowLog[];
  networkInterfaces: AzureNetworkInterface[];
  virtualMachines: AzureVirtualMachine[];
  loadBalancers: AzureLoadBalancer[];
  applicationGateways: AzureApplicationGateway[];
  /**
   * Which data sets are present, per subscription. Azure data is collected a subscription at a time (one Resource
   * Graph query or ARM list call covers every location), so presence is a property of the subscription; use
   * `hasAzureDataset` to ask for a scope.
   */
  datasets: Map<string, Set<AzureDataset>>;
  /** Data sets a collector tried and could not read, per subscription, with the reason and the RBAC action. */
  unavailable: Map<string, Map<AzureDataset, { reason: string; permission?: string }>>;
  /**
   * Items that were skipped (bad shape) or lists that were cut short (a nextLink / skip_token): per scope
   * ("subscription/location"), per data set. Checks must not treat a partial data set as complete.
   */
  partial: Map<string, Map<AzureDataset, SkippedItem[]>>;
  /** The first file that gave a scope data: the location of findings about the scope as a whole. */
  scopeOrigins: Map<string, Origin>;
}

export function emptyAzureInventory(): AzureInventory {
  return {
    cognitiveAccounts: [],
    mlWorkspaces: [],
    searchServices: [],
    storageAccounts: [],
    keyVaults: [],
    containerRegistries: [],
    virtualNetworks: [],
    subnets: [],
    vnetPeerings: [],
    networkSecurityGroups: [],
    routeTables: [],
    privateEndpoints: [],
    privateLinkServices: [],
    privateDnsZoneGroups: [],
    privateDnsZones: [],
    privateDnsZoneLinks: [],
    privateDnsARecords: [],
    dnsResolvers: [],
    dnsResolverInboundEndpoints: [],
    dnsResolverOutboundEndpoints: [],
    dnsForwardingRulesets: [],
    dnsForwardingRules: [],
    dnsForwardingRulesetLinks: [],
    dnsSecurityPolicies: [],
    dnsSecurityPolicyLinks: [],
    diagnosticSettings: [],
    firewalls: [],
    firewallPolicies: [],
    firewallRuleCollectionGroups: [],
    bastionHosts: [],
    publicIpAddresses: [],
    flowLogs: [],
    networkInterfaces: [],
    virtualMachines: [],
    loadBalancers: [],
    applicationGateways: [],
    datasets: new Map(),
    unavailable: new Map(),
    partial: new Map(),
    scopeOrigins: new Map(),
  };
}

/** True when the data set was captured for the scope's subscription and nothing in it was skipped in that scope. */
export function hasAzureDataset(inv: AzureInventory, scope: AzureScopeKey, dataset: AzureDataset): boolean {
  return (
    (inv.datasets.get(scope.subscription)?.has(dataset) ?? false) &&
    !(inv.partial.get(azureScopeKey(scope))?.has(dataset) ?? false)
  );
}

/** All (subscription, location) scopes that hold any item, sorted. */
export function azureInventoryScopes(inv: AzureInventory): AzureScopeKey[] {
  return [...inv.scopeOrigins.keys()].sort().map((k) => {
    const i = k.indexOf('/');
    return { subscription: k.slice(0, i), location: k.slice(i + 1) };
  });
}

/** A lookup by resource id that compares ids the Azure way. */
export function indexByAzureId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const it of items) if (!m.has(azureIdKey(it.id))) m.set(azureIdKey(it.id), it);
  return m;
}
