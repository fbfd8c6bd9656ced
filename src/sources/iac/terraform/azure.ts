/**
 * Terraform azurerm and azapi resources → the Azure inventory. Each resource is rendered as the ARM resource it
 * creates (azapi's `body` already is one; azurerm arguments are translated to ARM properties) with an ARM id built
 * statically from its name, resource group and parent, and the Azure snapshot reader reads those documents — so the
 * Azure mapping, joins by id (subnet → VNet, zone group → zone) and checks are the snapshot's own. Origins are then
 * pointed back at the .tf declarations. A resource with a value not known before deploy is left out and its data set
 * marked incomplete, naming the value.
 */
import {
  AZURE_DATASETS,
  azureDatasetOfType,
  azureIdKey,
  azureScopeKey,
  normaliseLocation,
  parseAzureId,
  type AzureDataset,
  type AzureInventory,
  type SkippedItem,
} from '../../../inventory/azure.js';
import { loadAzureSnapshotFromTexts } from '../../azure-snapshot/load.js';
import type { InputError } from '../../../util/errors.js';
import { UNREAD_VALUE } from '../arm/inventory.js';
import { pointBackAtDeclarations } from './rendered.js';
import { EVERY_SCOPE, type TfResource, type TfTaint } from './resource.js';
import { firstUnknown, isObject, text, Unknown, type Value, type ValueObject } from './values.js';
import {
  addWorkloadNics,
  INJECTING_TYPES,
  isSubnetAclType,
  namesAzureSubnet,
  privateEndpointInterfaces,
  WORKLOAD_TYPES,
  workloadNics,
  zoneGroupRecords,
} from '../azure-interfaces.js';
import {
  serviceAdmission,
  settleServiceConnections,
  undeclaredLoadBalancerReason,
  undeclaredLoadBalancers,
} from '../azure-private-link.js';

type V = ValueObject;

interface AzurermType {
  arm: string;
  /** The ARM id of the parent resource, for child resources (subnets, zone links, flow logs). */
  parent?: (v: V, rgId: string) => Value;
  /** ARM properties (and top-level fields such as kind, sku) from the azurerm arguments. */
  toArm?: (v: V) => V;
}

const enabled = (b: Value | undefined, dflt = true): string => ((b ?? dflt) === false ? 'Disabled' : 'Enabled');
const list = (v: Value | undefined): Value[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const first = (v: Value | undefined): V => (Array.isArray(v) && isObject(v[0]) ? v[0] : {});
const idRef = (id: Value | undefined) => (id === undefined || id === null ? undefined : { id });
const defined = (o: Record<string, Value | undefined>): V =>
  Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as V;

function networkAcls(v: V, block = 'network_acls'): V | undefined {
  const a = first(v[block]);
  if (Object.keys(a).length === 0) return undefined;
  return defined({
    defaultAction: a.default_action,
    bypass: Array.isArray(a.bypass) ? a.bypass.map(text).join(', ') : a.bypass,
    ipRules: list(a.ip_rules).map((value) => ({ value })),
    virtualNetworkRules: [
      ...list(a.virtual_network_subnet_ids),
      ...list(a.virtual_network_rules).map((r) => (isObject(r) ? r.subnet_id! : r)),
    ].map((id) => ({ id })),
  });
}

function securityRule(r: V): V {
  return {
    name: r.name ?? null,
    properties: defined({
      priority: r.priority,
      direction: r.direction,
      access: r.access,
      protocol: r.protocol,
      sourceAddressPrefix: r.source_address_prefix,
      sourceAddressPrefixes: r.source_address_prefixes,
      sourcePortRange: r.source_port_range,
      sourcePortRanges: r.source_port_ranges,
      destinationAddressPrefix: r.destination_address_prefix,
      destinationAddressPrefixes: r.destination_address_prefixes,
      destinationPortRange: r.destination_port_range,
      destinationPortRanges: r.destination_port_ranges,
    }),
  };
}

function routeOf(r: V): V {
  return {
    name: r.name ?? null,
    properties: defined({
      addressPrefix: r.address_prefix,
      nextHopType: r.next_hop_type,
      nextHopIpAddress: r.next_hop_in_ip_address,
    }),
  };
}

function subnetProps(v: V): V {
  const prefixes = list(v.address_prefixes ?? v.address_prefix);
  const policies =
    v.private_endpoint_network_policies ??
    (v.private_endpoint_network_policies_enabled === undefined
      ? undefined
      : enabled(v.private_endpoint_network_policies_enabled));
  return defined({
    addressPrefixes: prefixes,
    privateEndpointNetworkPolicies: policies ?? 'Disabled',
    defaultOutboundAccess: v.default_outbound_access_enabled ?? true,
    delegations: list(v.delegation).map((d) => ({
      properties: { serviceName: first(isObject(d) ? d.service_delegation : undefined).name ?? null },
    })),
    networkSecurityGroup: idRef(v.security_group),
  });
}

const rg = (v: V): Value => v.resource_group_name ?? null;

/**
 * azurerm_application_gateway: its blocks name each other; ARM joins them by child id (`<gateway id>/<collection>/
 * <name>`), built from the gateway's own id.
 */
function applicationGateway(v: V): V {
  const gw = text(v.id);
  const ref = (collection: string, name: Value | undefined) =>
    typeof name === 'string' ? { id: `${gw}/${collection}/${name}` } : undefined;
  const blocks = (k: string) => list(v[k]).filter(isObject);
  return {
    properties: {
      sku: defined({ name: first(v.sku).name, tier: first(v.sku).tier }),
      gatewayIPConfigurations: blocks('gateway_ip_configuration').map((c) => ({
        name: c.name ?? null,
        properties: defined({ subnet: idRef(c.subnet_id) }),
      })),
      frontendIPConfigurations: blocks('frontend_ip_configuration').map((c) => ({
        name: c.name ?? null,
        properties: defined({
          subnet: idRef(c.subnet_id),
          privateIPAddress: c.private_ip_address,
          publicIPAddress: idRef(c.public_ip_address_id),
        }),
      })),
      frontendPorts: blocks('frontend_port').map((c) => ({
        name: c.name ?? null,
        properties: defined({ port: c.port }),
      })),
      backendAddressPools: blocks('backend_address_pool').map((c) => ({
        name: c.name ?? null,
        properties: {
          backendAddresses: [
            ...list(c.ip_addresses).map((ipAddress) => ({ ipAddress })),
            ...list(c.fqdns).map((fqdn) => ({ fqdn })),
          ],
        },
      })),
      backendHttpSettingsCollection: blocks('backend_http_settings').map((c) => ({
        name: c.name ?? null,
        properties: defined({ port: c.port, protocol: c.protocol }),
      })),
      httpListeners: blocks('http_listener').map((c) => ({
        name: c.name ?? null,
        properties: defined({
          frontendIPConfiguration: ref('frontendIPConfigurations', c.frontend_ip_configuration_name),
          frontendPort: ref('frontendPorts', c.frontend_port_name),
          protocol: c.protocol,
        }),
      })),
      requestRoutingRules: blocks('request_routing_rule').map((c) => ({
        name: c.name ?? null,
        properties: defined({
          ruleType: c.rule_type,
          httpListener: ref('httpListeners', c.http_listener_name),
          backendAddressPool: ref('backendAddressPools', c.backend_address_pool_name),
          backendHttpSettings: ref('backendHttpSettingsCollection', c.backend_http_settings_name),
          urlPathMap: ref('urlPathMaps', c.url_path_map_name),
          redirectConfiguration: ref('redirectConfigurations', c.redirect_configuration_name),
        }),
      })),
      urlPathMaps: blocks('url_path_map').map((c) => ({
        name: c.name ?? null,
        properties: {
          ...defined({
            defaultBackendAddressPool: ref('backendAddressPools', c.default_backend_address_pool_name),
            defaultBackendHttpSettings: ref('backendHttpSettingsCollection', c.default_backend_http_settings_name),
          }),
          pathRules: list(c.path_rule)
            .filter(isObject)
            .map((r) => ({
              name: r.name ?? null,
              properties: defined({
                backendAddressPool: ref('backendAddressPools', r.backend_address_pool_name),
                backendHttpSettings: ref('backendHttpSettingsCollection', r.backend_http_settings_name),
              }),
            })),
        },
      })),
    },
  };
}

const AZURERM: Record<string, AzurermType> = {
  azurerm_cognitive_account: {
    arm: 'Microsoft.CognitiveServices/accounts',
    toArm: (v) => ({
      kind: v.kind ?? null,
      sku: { name: v.sku_name ?? null },
      properties: defined({
        publicNetworkAccess: enabled(v.public_network_access_enabled),
        customSubDomainName: v.custom_subdomain_name,
        disableLocalAuth: v.local_auth_enabled === undefined ? false : v.local_auth_enabled === false,
        restrictOutboundNetworkAccess: v.outbound_network_access_restricted ?? false,
        allowedFqdnList: v.fqdns,
        networkAcls: networkAcls(v),
        // The Agent Service client injected into a delegated subnet (ARM networkInjections).
        networkInjections: list(v.network_injection).length
          ? list(v.network_injection).map((n) => ({
              scenario: isObject(n) ? (n.scenario ?? null) : null,
              subnetArmId: isObject(n) ? (n.subnet_id ?? null) : null,
            }))
          : undefined,
      }),
    }),
  },
  azurerm_ai_services: {
    arm: 'Microsoft.CognitiveServices/accounts',
    toArm: (v) => ({ ...AZURERM.azurerm_cognitive_account!.toArm!(v), kind: 'AIServices' }),
  },
  azurerm_search_service: {
    arm: 'Microsoft.Search/searchServices',
    toArm: (v) => ({
      sku: { name: v.sku ?? null },
      properties: defined({
        publicNetworkAccess: enabled(v.public_network_access_enabled),
        disableLocalAuth: v.local_authentication_enabled === false,
        networkRuleSet: { ipRules: list(v.allowed_ips).map((value) => ({ value })) },
      }),
    }),
  },
  azurerm_storage_account: {
    arm: 'Microsoft.Storage/storageAccounts',
    toArm: (v) => ({
      kind: v.account_kind ?? 'StorageV2',
      properties: defined({
        publicNetworkAccess: enabled(v.public_network_access_enabled),
        allowBlobPublicAccess: v.allow_nested_items_to_be_public ?? true,
        allowSharedKeyAccess: v.shared_access_key_enabled ?? true,
        networkAcls: networkAcls(v, 'network_rules'),
      }),
    }),
  },
  azurerm_key_vault: {
    arm: 'Microsoft.KeyVault/vaults',
    toArm: (v) => ({
      properties: defined({
        publicNetworkAccess: enabled(v.public_network_access_enabled),
        enableRbacAuthorization: v.enable_rbac_authorization ?? v.rbac_authorization_enabled ?? false,
        networkAcls: networkAcls(v),
      }),
    }),
  },
  azurerm_container_registry: {
    arm: 'Microsoft.ContainerRegistry/registries',
    toArm: (v) => ({
      sku: { name: v.sku ?? null },
      properties: defined({
        publicNetworkAccess: enabled(v.public_network_access_enabled),
        adminUserEnabled: v.admin_enabled ?? false,
      }),
    }),
  },
  azurerm_machine_learning_workspace: {
    arm: 'Microsoft.MachineLearningServices/workspaces',
    toArm: (v) => ({
      kind: v.kind ?? 'Default',
      properties: defined({
        publicNetworkAccess: enabled(v.public_network_access_enabled),
        storageAccount: v.storage_account_id,
        keyVault: v.key_vault_id,
        containerRegistry: v.container_registry_id,
        applicationInsights: v.application_insights_id,
        managedNetwork: { isolationMode: first(v.managed_network).isolation_mode ?? 'Disabled' },
      }),
    }),
  },
  azurerm_virtual_network: {
    arm: 'Microsoft.Network/virtualNetworks',
    toArm: (v) => ({
      properties: {
        addressSpace: { addressPrefixes: list(v.address_space) },
        dhcpOptions: { dnsServers: list(v.dns_servers) },
        subnets: list(v.subnet)
          .filter(isObject)
          .map((s) => ({ name: s.name ?? null, id: s.id ?? null, properties: subnetProps(s) })),
      },
    }),
  },
  azurerm_subnet: {
    arm: 'Microsoft.Network/virtualNetworks/subnets',
    parent: (v, rgId) =>
      typeof v.virtual_network_name === 'string'
        ? `${rgId}/providers/Microsoft.Network/virtualNetworks/${v.virtual_network_name}`
        : (v.virtual_network_name ?? null),
    toArm: (v) => ({ properties: subnetProps(v) }),
  },
  azurerm_network_security_group: {
    arm: 'Microsoft.Network/networkSecurityGroups',
    toArm: (v) => ({ properties: { securityRules: list(v.security_rule).filter(isObject).map(securityRule) } }),
  },
  azurerm_route_table: {
    arm: 'Microsoft.Network/routeTables',
    toArm: (v) => ({
      properties: defined({
        routes: list(v.route).filter(isObject).map(routeOf),
        disableBgpRoutePropagation:
          v.bgp_route_propagation_enabled === undefined
            ? (v.disable_bgp_route_propagation ?? false)
            : v.bgp_route_propagation_enabled === false,
      }),
    }),
  },
  azurerm_private_endpoint: {
    arm: 'Microsoft.Network/privateEndpoints',
    toArm: (v) => {
      const conns = list(v.private_service_connection).filter(isObject);
      const conn = (c: V) => ({
        name: c.name ?? null,
        properties: defined({
          privateLinkServiceId: c.private_connection_resource_id ?? c.private_connection_resource_alias,
          groupIds: list(c.subresource_names),
          // Auto-approved in the same directory; a manual connection waits for the owner's approval.
          privateLinkServiceConnectionState: { status: c.is_manual_connection === true ? 'Pending' : 'Approved' },
        }),
      });
      return {
        properties: {
          subnet: idRef(v.subnet_id) ?? null,
          privateLinkServiceConnections: conns.filter((c) => c.is_manual_connection !== true).map(conn),
          manualPrivateLinkServiceConnections: conns.filter((c) => c.is_manual_connection === true).map(conn),
          // Static addresses: without them Azure picks the endpoint's address at deploy.
          ipConfigurations: list(v.ip_configuration)
            .filter(isObject)
            .map((c) => ({
              name: c.name ?? null,
              properties: defined({
                privateIPAddress: c.private_ip_address,
                groupId: c.subresource_name,
                memberName: c.member_name,
              }),
            })),
        },
      };
    },
  },
  // A Private Link service: its NAT addresses are Azure's pick unless given (then static).
  azurerm_private_link_service: {
    arm: 'Microsoft.Network/privateLinkServices',
    toArm: (v) => ({
      properties: defined({
        loadBalancerFrontendIpConfigurations: list(v.load_balancer_frontend_ip_configuration_ids).map((id) => ({ id })),
        ipConfigurations: list(v.nat_ip_configuration)
          .filter(isObject)
          .map((c) => ({
            name: c.name ?? null,
            properties: defined({
              subnet: idRef(c.subnet_id),
              primary: c.primary ?? false,
              privateIPAddress: c.private_ip_address,
              privateIPAllocationMethod: c.private_ip_address === undefined ? 'Dynamic' : 'Static',
              privateIPAddressVersion: c.private_ip_address_version ?? 'IPv4',
            }),
          })),
        autoApproval: { subscriptions: list(v.auto_approval_subscription_ids) },
        visibility: { subscriptions: list(v.visibility_subscription_ids) },
        enableProxyProtocol: v.enable_proxy_protocol ?? false,
        fqdns: v.fqdns,
        destinationIPAddress: v.destination_ip_address,
      }),
    }),
  },
  // A NIC's address is Azure's pick at deploy unless allocated statically (the verifier stands it for its subnet).
  azurerm_network_interface: {
    arm: 'Microsoft.Network/networkInterfaces',
    toArm: (v) => ({
      properties: {
        ipConfigurations: list(v.ip_configuration)
          .filter(isObject)
          .map((c) => ({
            name: c.name ?? null,
            properties: defined({
              subnet: idRef(c.subnet_id),
              privateIPAllocationMethod: c.private_ip_address_allocation ?? 'Dynamic',
              privateIPAddress: c.private_ip_address_allocation === 'Static' ? c.private_ip_address : undefined,
              publicIPAddress: idRef(c.public_ip_address_id),
            }),
          })),
      },
    }),
  },
  azurerm_lb: {
    arm: 'Microsoft.Network/loadBalancers',
    toArm: (v) => ({
      sku: defined({ name: v.sku ?? 'Standard', tier: v.sku_tier }),
      properties: {
        frontendIPConfigurations: list(v.frontend_ip_configuration)
          .filter(isObject)
          .map((f) => ({
            name: f.name ?? null,
            properties: defined({
              subnet: idRef(f.subnet_id),
              privateIPAddress: f.private_ip_address_allocation === 'Static' ? f.private_ip_address : undefined,
              publicIPAddress: idRef(f.public_ip_address_id),
              publicIPPrefix: idRef(f.public_ip_prefix_id),
            }),
          })),
        // Pools and rules are resources of their own (azurerm_lb_*), folded in below.
        backendAddressPools: [],
        loadBalancingRules: [],
        inboundNatRules: [],
      },
    }),
  },
  // Children with ids of their own (what NIC associations and rules reference); folded into their load balancer.
  azurerm_lb_backend_address_pool: {
    arm: 'Microsoft.Network/loadBalancers/backendAddressPools',
    parent: (v) => v.loadbalancer_id ?? null,
  },
  azurerm_lb_rule: {
    arm: 'Microsoft.Network/loadBalancers/loadBalancingRules',
    parent: (v) => v.loadbalancer_id ?? null,
  },
  azurerm_lb_nat_rule: {
    arm: 'Microsoft.Network/loadBalancers/inboundNatRules',
    parent: (v, rgId) =>
      v.loadbalancer_id ??
      (typeof v.loadbalancer_name === 'string'
        ? `${rgId}/providers/Microsoft.Network/loadBalancers/${v.loadbalancer_name}`
        : null),
  },
  azurerm_application_gateway: { arm: 'Microsoft.Network/applicationGateways', toArm: applicationGateway },
  azurerm_private_dns_zone: { arm: 'Microsoft.Network/privateDnsZones', toArm: () => ({ properties: {} }) },
  azurerm_private_dns_a_record: {
    arm: 'Microsoft.Network/privateDnsZones/A',
    parent: (v, rgId) =>
      typeof v.zone_name === 'string'
        ? `${rgId}/providers/Microsoft.Network/privateDnsZones/${v.zone_name}`
        : (v.zone_name ?? null),
    toArm: (v) => ({
      properties: defined({ ttl: v.ttl, aRecords: list(v.records).map((ipv4Address) => ({ ipv4Address })) }),
    }),
  },
  azurerm_private_dns_zone_virtual_network_link: {
    arm: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    parent: (v, rgId) =>
      typeof v.private_dns_zone_name === 'string'
        ? `${rgId}/providers/Microsoft.Network/privateDnsZones/${v.private_dns_zone_name}`
        : (v.private_dns_zone_name ?? null),
    toArm: (v) => ({
      properties: defined({
        virtualNetwork: idRef(v.virtual_network_id),
        registrationEnabled: v.registration_enabled ?? false,
        resolutionPolicy: v.resolution_policy,
        virtualNetworkLinkState: 'Completed',
      }),
    }),
  },
  azurerm_network_watcher_flow_log: {
    arm: 'Microsoft.Network/networkWatchers/flowLogs',
    parent: (v, rgId) =>
      typeof v.network_watcher_name === 'string'
        ? `${rgId}/providers/Microsoft.Network/networkWatchers/${v.network_watcher_name}`
        : (v.network_watcher_name ?? null),
    toArm: (v) => {
      const ta = first(v.traffic_analytics);
      return {
        properties: defined({
          targetResourceId: v.target_resource_id ?? v.network_security_group_id,
          storageId: v.storage_account_id,
          enabled: v.enabled ?? true,
          format: { type: 'JSON', version: v.version ?? 1 },
          flowAnalyticsConfiguration: { networkWatcherFlowAnalyticsConfiguration: { enabled: ta.enabled ?? false } },
        }),
      };
    },
  },
};

/**
 * Services whose NICs Azure creates in the code's subnets (../azure-interfaces.ts), as the network part of the ARM
 * resource each creates; `lookup` finds a resource the code names by address (a node pool's cluster, a VNet
 * integration's app), whose id is its address because cordon does not map it.
 */
const WORKLOADS: Record<string, (v: V, lookup: (address: Value | undefined) => V | undefined) => V> = {};
/** A list of ids as ARM's [{ id }] (undefined when there is none). */
const idRefs = (v: Value | undefined): V[] | undefined => {
  const refs = list(v).flatMap((x) => idRef(x) ?? []);
  return refs.length > 0 ? refs : undefined;
};
const scaleSet = (v: V): V => ({
  type: 'Microsoft.Compute/virtualMachineScaleSets',
  properties: {
    virtualMachineProfile: {
      networkProfile: {
        networkInterfaceConfigurations: list(v.network_interface)
          .filter(isObject)
          .map((n) => ({
            name: n.name ?? null,
            properties: defined({
              networkSecurityGroup: idRef(n.network_security_group_id),
              ipConfigurations: list(n.ip_configuration)
                .filter(isObject)
                .map((c) => ({
                  name: c.name ?? null,
                  properties: defined({
                    subnet: idRef(c.subnet_id),
                    publicIPAddressConfiguration: list(c.public_ip_address).length > 0 ? {} : undefined,
                    // The instances are members of these pools: the load balancer's or gateway's path to them.
                    loadBalancerBackendAddressPools: idRefs(c.load_balancer_backend_address_pool_ids),
                    loadBalancerInboundNatPools: idRefs(c.load_balancer_inbound_nat_rules_ids),
                    applicationGatewayBackendAddressPools: idRefs(c.application_gateway_backend_address_pool_ids),
                  }),
                })),
            }),
          })),
      },
    },
  },
});
const site = (v: V): V => ({
  type: 'Microsoft.Web/sites',
  properties: defined({ virtualNetworkSubnetId: v.virtual_network_subnet_id }),
});
const mlCompute = (v: V): V => ({
  type: 'Microsoft.MachineLearningServices/workspaces/computes',
  id:
    typeof v.machine_learning_workspace_id === 'string'
      ? `${v.machine_learning_workspace_id}/computes/${text(v.name)}`
      : null,
  properties: { properties: defined({ subnet: idRef(v.subnet_resource_id) }) },
});
for (const t of [
  'azurerm_linux_virtual_machine_scale_set',
  'azurerm_windows_virtual_machine_scale_set',
  'azurerm_orchestrated_virtual_machine_scale_set',
])
  WORKLOADS[t] = scaleSet;
for (const t of ['linux_web_app', 'windows_web_app', 'linux_function_app', 'windows_function_app']) {
  WORKLOADS[`azurerm_${t}`] = site;
  WORKLOADS[`azurerm_${t}_slot`] = site;
}
WORKLOADS.azurerm_function_app_flex_consumption = site;
WORKLOADS.azurerm_machine_learning_compute_cluster = mlCompute;
WORKLOADS.azurerm_machine_learning_compute_instance = mlCompute;
WORKLOADS.azurerm_kubernetes_cluster = (v) => ({
  type: 'Microsoft.ContainerService/managedClusters',
  properties: {
    agentPoolProfiles: list(v.default_node_pool)
      .filter(isObject)
      .map((p) => defined({ name: p.name ?? null, vnetSubnetID: p.vnet_subnet_id, podSubnetID: p.pod_subnet_id })),
  },
});
WORKLOADS.azurerm_kubernetes_cluster_node_pool = (v, lookup) => ({
  type: 'Microsoft.ContainerService/managedClusters/agentPools',
  name: `${text(lookup(v.kubernetes_cluster_id)?.name ?? 'cluster')}/${text(v.name)}`,
  resource_group_name: lookup(v.kubernetes_cluster_id)?.resource_group_name ?? null,
  properties: defined({ vnetSubnetID: v.vnet_subnet_id, podSubnetID: v.pod_subnet_id }),
});
WORKLOADS.azurerm_app_service_virtual_network_swift_connection = (v, lookup) => ({
  type: 'Microsoft.Web/sites/networkConfig',
  name: `${text(lookup(v.app_service_id)?.name ?? 'app')}/virtualNetwork`,
  resource_group_name: lookup(v.app_service_id)?.resource_group_name ?? null,
  properties: defined({ subnetResourceId: v.subnet_id }),
});
WORKLOADS.azurerm_container_app_environment = (v) => ({
  type: 'Microsoft.App/managedEnvironments',
  properties: { vnetConfiguration: defined({ infrastructureSubnetId: v.infrastructure_subnet_id }) },
});

/** Load balancer pools, rules and memberships: resources of their own that change a load balancer's or NIC's document. */
const LB_PARTS = [
  'azurerm_lb_backend_address_pool',
  'azurerm_lb_backend_address_pool_address',
  'azurerm_lb_rule',
  'azurerm_lb_nat_rule',
  'azurerm_network_interface_backend_address_pool_association',
  'azurerm_network_interface_nat_rule_association',
  'azurerm_network_interface_application_gateway_backend_address_pool_association',
];

/** Resources that change another resource's document: associations and separate rules. */
const ATTACHMENTS = new Set([
  'azurerm_subnet_network_security_group_association',
  'azurerm_subnet_route_table_association',
  'azurerm_subnet_nat_gateway_association',
  'azurerm_network_interface_security_group_association',
  'azurerm_network_security_rule',
  'azurerm_route',
  ...LB_PARTS,
]);

const AZAPI_TYPES = new Set(['azapi_resource']);

/**
 * The ARM id of an azurerm or azapi resource, built from its arguments (what `id` references resolve to), or
 * undefined for a type cordon does not map (its `id` is then its address).
 */

/**
 * Values no reader or check looks at (the ARM reader's UNREAD_VALUE: a private endpoint's custom NIC name, a
 * connection's name, a key vault's tenant…), and tag values, known only at deploy leave the resource whole, as in ARM
 * and Bicep: the Azure Verified Modules' private endpoints take their NIC name from a data source that reads the
 * deployed endpoint, which left every endpoint out. A tag value becomes its expression in braces (as CloudFormation's).
 */
function dropUnreadUnknowns(arm: V): void {
  if (isObject(arm.tags))
    for (const [k, x] of Object.entries(arm.tags)) {
      const u = firstUnknown(x);
      if (u) arm.tags[k] = `{${u.what}}`;
    }
  const walk = (v: Value | undefined, pointer: string, set: (x: Value | undefined) => void): void => {
    if (v === undefined || v === null) return;
    if (UNREAD_VALUE.some((r) => r.test(pointer))) {
      if (firstUnknown(v)) set(undefined);
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${pointer}/${i}`, (y) => (v[i] = y ?? null)));
    else if (isObject(v))
      for (const [k, x] of Object.entries(v))
        walk(x, `${pointer}/${k}`, (y) => {
          if (y === undefined) delete v[k];
          else v[k] = y;
        });
  };
  walk(arm.properties, '/properties', (y) => {
    if (y === undefined) delete arm.properties;
    else arm.properties = y;
  });
}

export function azureResourceId(type: string, v: V, subscription: string): Value | undefined {
  if (type === 'azurerm_resource_group')
    return typeof v.name === 'string' ? `/subscriptions/${subscription}/resourceGroups/${v.name}` : unknownOf(v.name);
  if (AZAPI_TYPES.has(type)) {
    const t = typeof v.type === 'string' ? v.type.split('@')[0]! : undefined;
    const parent = v.parent_id;
    if (!t || typeof parent !== 'string' || typeof v.name !== 'string') return unknownOf(v.type, v.parent_id, v.name);
    const segs = t.split('/');
    // A child type (ns/parent/child) hangs under its parent resource; a top-level type under the group.
    return segs.length > 2 ? `${parent}/${segs.at(-1)!}/${v.name}` : `${parent}/providers/${t}/${v.name}`;
  }
  const def = AZURERM[type];
  if (!def) return undefined;
  const group = rg(v);
  // A child named by its parent's id needs no resource group of its own (azurerm_lb_* parts).
  if (def.parent && typeof group !== 'string' && typeof v.name === 'string') {
    const parent = def.parent(v, '');
    if (typeof parent === 'string' && /^\/subscriptions\//i.test(parent))
      return `${parent}/${def.arm.split('/').at(-1)!}/${v.name}`;
  }
  if (typeof group !== 'string' || typeof v.name !== 'string') return unknownOf(v.resource_group_name, v.name);
  const rgId = `/subscriptions/${subscription}/resourceGroups/${group}`;
  if (def.parent) {
    const parent = def.parent(v, rgId);
    if (typeof parent !== 'string') return unknownOf(parent);
    return `${parent}/${def.arm.split('/').at(-1)!}/${v.name}`;
  }
  return `${rgId}/providers/${def.arm}/${v.name}`;
}

/** Blocks whose ARM children have ids of their own (`<parent id>/<collection>/<name>`), which other resources name. */
const CHILD_BLOCKS: Record<string, Record<string, string>> = {
  // A Private Link service names the front ends it sits on: azurerm_lb.x.frontend_ip_configuration[0].id.
  azurerm_lb: { frontend_ip_configuration: 'frontendIPConfigurations' },
};

/** Gives the named blocks of a resource's instance object the ARM ids of their children (`id` when not written). */
export function defineChildIds(type: string, values: V): void {
  for (const [block, collection] of Object.entries(CHILD_BLOCKS[type] ?? {})) {
    const d = Object.getOwnPropertyDescriptor(values, block);
    if (!d) continue;
    const read = () => (d.get ? d.get() : d.value) as Value;
    Object.defineProperty(values, block, {
      enumerable: true,
      configurable: true,
      get: () => {
        const v = read();
        for (const b of list(v))
          if (isObject(b) && !('id' in b) && typeof b.name === 'string') {
            const name = b.name;
            Object.defineProperty(b, 'id', {
              enumerable: false,
              configurable: true,
              get: () => (typeof values.id === 'string' ? `${values.id}/${collection}/${name}` : (values.id ?? null)),
            });
          }
        Object.defineProperty(values, block, { value: v, enumerable: true, configurable: true, writable: true });
        return v;
      },
    });
  }
}

function unknownOf(...vs: (Value | undefined)[]): Value {
  for (const v of vs) {
    const u = firstUnknown(v);
    if (u) return u;
  }
  return new Unknown('id', '', 'the resource name, group or parent is not a string', true);
}

/**
 * azurerm types with subnet arguments that put no zone workload there (gateways, firewalls and Bastion, whose paths
 * are next hops or not modelled; resolver endpoints; subnets and their associations; Private Link services, read by
 * their own mapper): not charged by the unmapped-type guard in mapAzure.
 */
const NO_WORKLOAD_AZURERM = new Set([
  'azurerm_subnet',
  'azurerm_virtual_network',
  'azurerm_virtual_network_gateway',
  'azurerm_firewall',
  'azurerm_bastion_host',
  'azurerm_route_server',
  'azurerm_virtual_hub_ip',
  'azurerm_private_link_service',
  'azurerm_private_dns_resolver_inbound_endpoint',
  'azurerm_private_dns_resolver_outbound_endpoint',
  'azurerm_subnet_service_endpoint_storage_policy',
  'azurerm_network_interface_security_group_association',
]);

/** The azurerm / azapi types cordon maps, for the instance objects' `id`. */
export function isMappedAzureType(type: string): boolean {
  return type === 'azurerm_resource_group' || AZAPI_TYPES.has(type) || type in AZURERM;
}

interface Doc {
  resource: TfResource;
  arm: V;
}

/** Maps azurerm/azapi resources into an Azure inventory through the Azure snapshot reader. */
export function mapAzure(
  resources: TfResource[],
  taints: TfTaint[],
): { inventory: AzureInventory; errors: InputError[] } {
  const docs: Doc[] = [];
  const workloads: Doc[] = [];
  const skipped: { r: TfResource; dataset: AzureDataset; reason: string; location?: string }[] = [];
  const subscriptions = new Set<string>();
  const byId = new Map<string, V>();
  const azure = resources.filter((r) => r.provider === 'azurerm' || r.provider === 'azapi');
  const groupLocation = new Map<string, Value>();
  for (const r of azure)
    if (r.type === 'azurerm_resource_group' && typeof r.values.name === 'string')
      groupLocation.set(r.values.name, r.values.location ?? null);
  for (const r of azure) {
    if (r.type === 'azurerm_resource_group' || ATTACHMENTS.has(r.type)) continue;
    const id = r.values.id;
    // The subscription is the one in the resource's id (azapi resources hang under an azurerm group), else the scope's.
    const subscription = (
      (typeof id === 'string' ? parseAzureId(id).subscription : undefined) ?? r.account
    ).toLowerCase();
    subscriptions.add(subscription);
    let arm: V;
    const workload = WORKLOADS[r.type];
    if (workload) {
      const lookup = (address: Value | undefined) =>
        azure.find((x) => typeof address === 'string' && x.address === address)?.values;
      workloads.push({
        resource: r,
        arm: {
          name: r.values.name ?? null,
          resource_group_name: r.values.resource_group_name ?? null,
          location: r.values.location ?? groupLocation.get(text(r.values.resource_group_name)) ?? null,
          ...workload(r.values, lookup),
        },
      });
      continue;
    }
    if (AZAPI_TYPES.has(r.type)) {
      const body = typeof r.values.body === 'string' ? safeJson(r.values.body) : r.values.body;
      const type = typeof r.values.type === 'string' ? r.values.type.split('@')[0]! : '';
      arm = {
        ...(isObject(body) ? body : {}),
        type,
        name: r.values.name ?? null,
        location: r.values.location ?? null,
        tags: r.values.tags ?? {},
      };
    } else {
      const def = AZURERM[r.type];
      if (!def) {
        // A type not mapped that names a subnet puts NICs there the verifier does not see (see namesAzureSubnet).
        if (!NO_WORKLOAD_AZURERM.has(r.type) && !isSubnetAclType(r.type) && namesAzureSubnet(r.values)) {
          const location = r.values.location ?? groupLocation.get(text(r.values.resource_group_name));
          const l = typeof location === 'string' ? normaliseLocation(location) : undefined;
          skipped.push({
            r,
            dataset: 'network:network-interfaces',
            reason: `${r.type} places network interfaces in the code's subnets and is not mapped by cordon, so they are not verified`,
            ...(l ? { location: l } : {}),
          });
        }
        continue;
      }
      arm = {
        type: def.arm,
        name: r.values.name ?? null,
        location: r.values.location ?? groupLocation.get(text(r.values.resource_group_name)) ?? null,
        tags: r.values.tags ?? {},
        ...def.toArm!(r.values),
      };
    }
    arm.id = id ?? null;
    arm.subscriptionId = subscription;
    dropUnreadUnknowns(arm);
    if (WORKLOAD_TYPES.has(text(arm.type).toLowerCase())) {
      workloads.push({ resource: r, arm });
      continue;
    }
    const dataset = azureDatasetOfType(text(arm.type));
    if (!dataset) continue;
    const u = firstUnknown(arm);
    if (u) {
      const location = typeof arm.location === 'string' ? normaliseLocation(arm.location) : undefined;
      skipped.push({
        r,
        dataset,
        reason: `value not known before deploy: ${u.toString()}`,
        ...(location ? { location } : {}),
      });
      continue;
    }
    if (typeof id === 'string') byId.set(id.toLowerCase(), arm);
    docs.push({ resource: r, arm });
    // A resource that is data of its own and injects NICs: its NICs are judged on its network values alone.
    if (INJECTING_TYPES.has(text(arm.type).toLowerCase()) && isObject(arm.properties)) {
      const injections = arm.properties.networkInjections;
      if (injections !== undefined)
        workloads.push({
          resource: r,
          arm: {
            type: arm.type ?? null,
            id: arm.id ?? null,
            name: arm.name ?? null,
            location: arm.location ?? null,
            resource_group_name: arm.resource_group_name ?? null,
            properties: { networkInjections: injections },
          },
        });
    }
  }
  // Associations and separate rules change the documents they point at.
  for (const r of azure) {
    if (!ATTACHMENTS.has(r.type)) continue;
    const v = r.values;
    const target = (attr: string): V | undefined =>
      typeof v[attr] === 'string' ? byId.get(v[attr].toLowerCase()) : undefined;
    const props = (d: V): V => (isObject(d.properties) ? d.properties : (d.properties = {}));
    if (LB_PARTS.includes(r.type)) continue; // below, once every pool is in its load balancer
    if (r.type === 'azurerm_network_security_rule') {
      const rgId = `/subscriptions/${r.account.toLowerCase()}/resourceGroups/${text(v.resource_group_name)}`;
      const nsg = byId.get(
        `${rgId}/providers/Microsoft.Network/networkSecurityGroups/${text(v.network_security_group_name)}`.toLowerCase(),
      );
      if (nsg) (props(nsg).securityRules as Value[]).push(securityRule(v));
    } else if (r.type === 'azurerm_route') {
      const rgId = `/subscriptions/${r.account.toLowerCase()}/resourceGroups/${text(v.resource_group_name)}`;
      const rt = byId.get(`${rgId}/providers/Microsoft.Network/routeTables/${text(v.route_table_name)}`.toLowerCase());
      if (rt) ((props(rt).routes ??= []) as Value[]).push(routeOf(v));
    } else if (r.type === 'azurerm_network_interface_security_group_association') {
      const nic = target('network_interface_id');
      if (nic && typeof v.network_security_group_id === 'string')
        props(nic).networkSecurityGroup = { id: v.network_security_group_id };
    } else {
      const subnet = target('subnet_id');
      const field = r.type.includes('security_group')
        ? 'networkSecurityGroup'
        : r.type.includes('route_table')
          ? 'routeTable'
          : 'natGateway';
      const ref = v.network_security_group_id ?? v.route_table_id ?? v.nat_gateway_id;
      if (subnet && typeof ref === 'string') props(subnet)[field] = { id: ref };
    }
  }
  foldLoadBalancerParts(azure, byId, skipped);
  // A private endpoint's DNS zone group is its own ARM child resource.
  for (const d of [...docs]) {
    if (d.resource.type !== 'azurerm_private_endpoint') continue;
    const g = first(d.resource.values.private_dns_zone_group);
    if (Object.keys(g).length === 0) continue;
    docs.push({
      resource: d.resource,
      arm: {
        id: `${text(d.arm.id)}/privateDnsZoneGroups/${text(g.name ?? 'default')}`,
        name: g.name ?? 'default',
        type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
        subscriptionId: d.arm.subscriptionId ?? null,
        properties: {
          privateDnsZoneConfigs: list(g.private_dns_zone_ids).map((zone) => ({
            name: typeof zone === 'string' ? zone.split('/').at(-1)!.replace(/\./g, '-') : null,
            properties: { privateDnsZoneId: zone },
          })),
        },
      },
    });
  }
  // One document of ARM resources, and a manifest: what the code can declare is complete per subscription.
  const manifest = {
    cordonSnapshot: 1,
    provider: 'azure',
    subscriptions: [...subscriptions],
    datasets: (Object.keys(AZURE_DATASETS) as AzureDataset[]).filter((d) => TERRAFORM_AZURE_DATASETS.has(d)),
  };
  const read = loadAzureSnapshotFromTexts([
    { name: 'terraform-manifest.json', text: JSON.stringify(manifest) },
    // With nothing rendered (every resource left out as not known) there is no document: an empty list says nothing
    // and the snapshot reader rejects it, which would name a file that does not exist.
    ...(docs.length > 0 ? [{ name: 'terraform.json', text: JSON.stringify(docs.map((d) => d.arm)) }] : []),
  ]);
  const inv = read.inventory;
  // Whether the declared Private Link services approve the endpoints' connections (../azure-private-link.ts).
  settleServiceConnections(
    inv,
    new Map(
      docs
        .filter((d) => text(d.arm.type).toLowerCase() === 'microsoft.network/privatelinkservices')
        .map((d) => [azureIdKey(text(d.arm.id)), serviceAdmission(d.arm.properties)]),
    ),
  );
  // Azure creates each private endpoint's NIC at deploy; the code cannot declare it.
  privateEndpointInterfaces(inv);
  zoneGroupRecords(inv);
  const errors = pointBackAtDeclarations(
    inv,
    docs.map((d) => d.resource),
    read.errors,
  );
  const addSkip = (subscription: string, location: string, dataset: AzureDataset, item: SkippedItem) => {
    const key = azureScopeKey({ subscription, location });
    const m = inv.partial.get(key) ?? new Map<AzureDataset, SkippedItem[]>();
    m.set(dataset, [...(m.get(dataset) ?? []), item]);
    inv.partial.set(key, m);
    const sets = inv.datasets.get(subscription) ?? new Set<AzureDataset>();
    sets.add(dataset);
    inv.datasets.set(subscription, sets);
  };
  const locationsOf = (subscription: string) =>
    [...inv.scopeOrigins.keys()]
      .filter((k) => k.startsWith(`${subscription}/`))
      .map((k) => k.slice(subscription.length + 1));
  // A service on a load balancer the code does not declare carries what cordon cannot know.
  for (const d of docs)
    if (text(d.arm.type).toLowerCase() === 'microsoft.network/privatelinkservices')
      for (const lb of undeclaredLoadBalancers(d.arm.properties, (k) => byId.has(k)))
        skipped.push({
          r: d.resource,
          dataset: 'network:load-balancers',
          reason: undeclaredLoadBalancerReason(text(d.arm.name), lb),
          ...(typeof d.arm.location === 'string' ? { location: normaliseLocation(d.arm.location) } : {}),
        });
  for (const s of skipped) {
    const subscription = s.r.account.toLowerCase();
    const locations = s.location ? [s.location] : locationsOf(subscription);
    for (const location of locations.length ? locations : ['unknown'])
      addSkip(subscription, location, s.dataset, {
        file: s.r.origin.file,
        line: s.r.origin.line,
        pointer: s.r.address,
        reason: s.reason,
      });
  }
  // The NICs Azure creates for the services the code declares; a network value not known hides them.
  for (const { resource: r, arm } of workloads) {
    const subscription = (
      (typeof arm.id === 'string' ? parseAzureId(arm.id).subscription : undefined) ?? r.account
    ).toLowerCase();
    const location = typeof arm.location === 'string' ? normaliseLocation(arm.location) : undefined;
    const u = firstUnknown(arm);
    if (u) {
      for (const l of location
        ? [location]
        : locationsOf(subscription).length
          ? locationsOf(subscription)
          : ['unknown'])
        addSkip(subscription, l, 'network:network-interfaces', {
          file: r.origin.file,
          line: r.origin.line,
          pointer: r.address,
          reason: `value not known before deploy: ${u.toString()}`,
        });
      continue;
    }
    addWorkloadNics(
      inv,
      {
        ...(typeof arm.id === 'string' ? { id: arm.id } : {}),
        subscription,
        resourceGroup: text(arm.resource_group_name ?? 'unknown'),
        location: location ?? 'unknown',
        origin: r.origin,
      },
      workloadNics(arm),
    );
  }
  for (const t of taints) {
    if (t.provider !== 'azurerm' && t.provider !== 'azapi' && t.provider !== '*') continue;
    const subs = t.account === EVERY_SCOPE ? [...subscriptions] : [t.account.toLowerCase()];
    for (const subscription of subs) {
      if (t.provider === '*' && !subscriptions.has(subscription)) continue;
      for (const location of locationsOf(subscription).length ? locationsOf(subscription) : ['unknown'])
        for (const d of TERRAFORM_AZURE_DATASETS)
          addSkip(subscription, location, d, {
            file: t.origin.file,
            line: t.origin.line,
            pointer: t.address,
            reason: t.reason,
          });
    }
  }
  return { inventory: inv, errors };
}

/**
 * azurerm_lb_* pools, rules and pool addresses into their load balancer's document, and NIC associations into the
 * NIC's IP configuration (the NIC side of membership, as ARM reports it). A part with a value not known before deploy
 * makes the load balancers of its scope incomplete rather than leaving a path out.
 */
function foldLoadBalancerParts(
  azure: readonly TfResource[],
  byId: ReadonlyMap<string, V>,
  skipped: { r: TfResource; dataset: AzureDataset; reason: string; location?: string }[],
): void {
  const props = (d: V): V => (isObject(d.properties) ? d.properties : (d.properties = {}));
  const push = (d: V | undefined, key: string, item: V) => {
    if (d) ((props(d)[key] ??= []) as Value[]).push(item);
  };
  const doc = (id: Value | undefined) => (typeof id === 'string' ? byId.get(id.toLowerCase()) : undefined);
  const parentOf = (id: Value | undefined) => (typeof id === 'string' ? parseAzureId(id).parentId : undefined);
  const fe = (lb: Value | undefined, name: Value | undefined) =>
    typeof lb === 'string' && typeof name === 'string' ? { id: `${lb}/frontendIPConfigurations/${name}` } : null;
  const order = (t: string) => (t === 'azurerm_lb_backend_address_pool' ? 0 : 1);
  for (const r of [...azure].filter((x) => LB_PARTS.includes(x.type)).sort((a, b) => order(a.type) - order(b.type))) {
    const v = r.values;
    // Associations have no ARM id of their own; a part's own id is checked with the rest of its values.
    const own = r.type.startsWith('azurerm_lb_') && r.type !== 'azurerm_lb_backend_address_pool_address';
    const u = firstUnknown(own ? v : Object.fromEntries<Value>(Object.entries(v).filter(([k]) => k !== 'id')));
    if (u) {
      const nic = r.type.startsWith('azurerm_network_interface');
      skipped.push({
        r,
        dataset: nic ? 'network:network-interfaces' : 'network:load-balancers',
        reason: `value not known before deploy: ${u.toString()}`,
      });
      continue;
    }
    const floating = v.floating_ip_enabled ?? v.enable_floating_ip;
    switch (r.type) {
      case 'azurerm_lb_backend_address_pool':
        push(doc(v.loadbalancer_id), 'backendAddressPools', { id: v.id ?? null, name: v.name ?? null, properties: {} });
        break;
      case 'azurerm_lb_backend_address_pool_address': {
        const pool = list(props(doc(parentOf(v.backend_address_pool_id)) ?? {}).backendAddressPools as Value)
          .filter(isObject)
          .find(
            (p) => typeof p.id === 'string' && p.id.toLowerCase() === text(v.backend_address_pool_id).toLowerCase(),
          );
        if (pool)
          push(pool, 'loadBalancerBackendAddresses', {
            name: v.name ?? null,
            properties: defined({ ipAddress: v.ip_address, virtualNetwork: idRef(v.virtual_network_id) }),
          });
        break;
      }
      case 'azurerm_lb_rule':
        push(doc(v.loadbalancer_id), 'loadBalancingRules', {
          id: v.id ?? null,
          name: v.name ?? null,
          properties: defined({
            frontendIPConfiguration: fe(v.loadbalancer_id, v.frontend_ip_configuration_name),
            backendAddressPools: list(v.backend_address_pool_ids).map((id) => ({ id })),
            protocol: v.protocol,
            frontendPort: v.frontend_port,
            backendPort: v.backend_port,
            enableFloatingIP: floating ?? false,
          }),
        });
        break;
      case 'azurerm_lb_nat_rule':
        push(doc(parentOf(v.id)), 'inboundNatRules', {
          id: v.id ?? null,
          name: v.name ?? null,
          properties: defined({
            frontendIPConfiguration: fe(parentOf(v.id), v.frontend_ip_configuration_name),
            backendAddressPool: idRef(v.backend_address_pool_id),
            protocol: v.protocol,
            frontendPort: v.frontend_port,
            frontendPortRangeStart: v.frontend_port_start,
            frontendPortRangeEnd: v.frontend_port_end,
            backendPort: v.backend_port,
            enableFloatingIP: floating ?? false,
          }),
        });
        break;
      default: {
        // A NIC association: the pool or rule goes on the named IP configuration.
        const nic = doc(v.network_interface_id);
        const config = list(props(nic ?? {}).ipConfigurations as Value)
          .filter(isObject)
          .find((c) => c.name === v.ip_configuration_name);
        const key = r.type.includes('application_gateway')
          ? 'applicationGatewayBackendAddressPools'
          : r.type.includes('nat_rule')
            ? 'loadBalancerInboundNatRules'
            : 'loadBalancerBackendAddressPools';
        const target = v.backend_address_pool_id ?? v.nat_rule_id;
        if (config && typeof target === 'string') push(config, key, { id: target });
      }
    }
  }
}

function safeJson(s: string): Value {
  try {
    return JSON.parse(s) as Value;
  } catch {
    return new Unknown('body', '', 'body is not valid JSON', true);
  }
}

/** The Azure data sets a Terraform tree declares completely (docs/iac.md); the rest stay absent (not assessed). */
export const TERRAFORM_AZURE_DATASETS = new Set<AzureDataset>([
  'cognitiveservices:accounts',
  'machinelearning:workspaces',
  'search:services',
  'storage:accounts',
  'keyvault:vaults',
  'containerregistry:registries',
  'network:virtual-networks',
  'network:network-security-groups',
  'network:route-tables',
  'network:private-endpoints',
  'network:private-link-services',
  'network:network-interfaces',
  'network:private-dns-zone-groups',
  'network:private-dns-zones',
  'network:private-dns-zone-links',
  // Records declared (azurerm_private_dns_a_record) and those the endpoints' DNS zone groups write at deploy.
  'network:private-dns-a-records',
  'network:flow-logs',
  'network:load-balancers',
  'network:application-gateways',
]);
