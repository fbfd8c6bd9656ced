/**
 * ARM resource shapes as far as cordon reads them, for both Resource Graph rows and ARM REST responses (the
 * `properties` bag is the same in both). Objects are loose (Azure adds fields over time). Resource Graph writes null
 * where ARM omits a field, so optional fields accept null. What a check relies on is required, so a truncated or
 * hand-edited file gives a located error.
 */
import { z } from 'zod';

/** Optional and nullable; null becomes undefined. */
const opt = <T extends z.ZodType>(s: T) => s.nullish().transform((v) => v ?? undefined);
const str = opt(z.string());
const bool = opt(z.boolean());
const num = opt(z.number());
/** A list that may be missing or null (then empty). */
const list = <T extends z.ZodType>(s: T) =>
  s
    .array()
    .nullish()
    .transform((v) => v ?? []);
const strList = list(z.string());
const idRef = z.looseObject({ id: z.string() });
const optIdRef = opt(idRef).transform((v) => v?.id);
const idRefs = list(idRef).transform((v) => v.map((r) => r.id));
// A missing or null properties bag is parsed as {} so its lists get their defaults (a subnet listed without
// properties must not leave addressPrefixes undefined).
const props = <T extends z.ZodRawShape>(shape: T) => z.preprocess((v) => v ?? {}, z.looseObject(shape));

/** The envelope every ARM resource and Resource Graph row shares. */
export const resourceShape = z.looseObject({
  id: z.string().min(1),
  name: str,
  type: str,
  location: str,
  resourceGroup: str,
  subscriptionId: str,
  kind: str,
  sku: opt(z.union([z.looseObject({ name: str, tier: str }), z.string()])).transform((v) =>
    typeof v === 'string' ? { name: v, tier: undefined } : v,
  ),
  tags: opt(z.record(z.string(), z.unknown())).transform((t) =>
    Object.fromEntries(Object.entries(t ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
  ),
  properties: opt(z.looseObject({})).transform((v) => v ?? {}),
});
export type ResourceEnvelope = z.output<typeof resourceShape>;

const connectionState = opt(z.looseObject({ status: str })).transform((v) => v?.status);

/** properties.privateEndpointConnections on a target service (CognitiveServices, ML, Search, Storage, KV, ACR). */
export const privateEndpointConnections = list(
  z.looseObject({
    id: str,
    properties: props({
      privateEndpoint: optIdRef,
      privateLinkServiceConnectionState: connectionState,
    }),
  }),
);

const ipRules = list(z.union([z.looseObject({ value: str, ipAddressOrRange: str }), z.string()])).transform((v) =>
  v.flatMap((r) =>
    typeof r === 'string' ? [r] : (r.value ?? r.ipAddressOrRange) ? [r.value ?? r.ipAddressOrRange!] : [],
  ),
);
const vnetRules = list(z.looseObject({ id: str, virtualNetworkResourceId: str })).transform((v) =>
  v.flatMap((r) => ((r.id ?? r.virtualNetworkResourceId) ? [(r.id ?? r.virtualNetworkResourceId)!] : [])),
);
export const networkAcls = opt(
  z.looseObject({ defaultAction: str, bypass: str, ipRules, virtualNetworkRules: vnetRules }),
);

export const cognitiveProps = props({
  publicNetworkAccess: str,
  networkAcls,
  disableLocalAuth: bool,
  customSubDomainName: str,
  endpoint: str,
  restrictOutboundNetworkAccess: bool,
  allowedFqdnList: strList,
  privateEndpointConnections,
});

export const outboundRuleShape = z.looseObject({
  type: z.string(),
  destination: opt(
    z.union([
      z.string(),
      z.looseObject({
        serviceResourceId: str,
        subresourceTarget: str,
        serviceTag: str,
        addressPrefixes: strList,
        action: str,
      }),
    ]),
  ),
  category: str,
  status: str,
});
export const mlProps = props({
  publicNetworkAccess: str,
  managedNetwork: opt(
    z.looseObject({
      isolationMode: str,
      outboundRules: opt(z.record(z.string(), outboundRuleShape)).transform((v) => v ?? {}),
    }),
  ),
  storageAccount: str,
  keyVault: str,
  containerRegistry: str,
  applicationInsights: str,
  hubResourceId: str,
  allowPublicAccessWhenBehindVnet: bool,
  networkAcls,
  privateEndpointConnections,
});

export const searchProps = props({
  publicNetworkAccess: str,
  networkRuleSet: opt(z.looseObject({ ipRules, bypass: str })),
  disableLocalAuth: bool,
  privateEndpointConnections,
});

export const storageProps = props({
  publicNetworkAccess: str,
  networkAcls,
  allowBlobPublicAccess: bool,
  allowSharedKeyAccess: bool,
  privateEndpointConnections,
});

export const keyVaultProps = props({
  publicNetworkAccess: str,
  networkAcls,
  enableRbacAuthorization: bool,
  privateEndpointConnections,
});

export const registryProps = props({
  publicNetworkAccess: str,
  networkRuleSet: networkAcls,
  adminUserEnabled: bool,
  privateEndpointConnections,
});

export const subnetProps = props({
  addressPrefix: str,
  addressPrefixes: strList,
  networkSecurityGroup: optIdRef,
  routeTable: optIdRef,
  natGateway: optIdRef,
  privateEndpointNetworkPolicies: str,
  defaultOutboundAccess: bool,
  delegations: list(z.looseObject({ properties: props({ serviceName: str }) })).transform((v) =>
    v.flatMap((d) => (d.properties.serviceName ? [d.properties.serviceName] : [])),
  ),
});
export const embeddedSubnet = z.looseObject({ id: z.string(), name: str, properties: subnetProps });

const addressSpace = opt(z.looseObject({ addressPrefixes: strList })).transform((v) => v?.addressPrefixes ?? []);
export const peeringProps = props({
  remoteVirtualNetwork: optIdRef,
  remoteAddressSpace: addressSpace,
  allowVirtualNetworkAccess: bool,
  allowForwardedTraffic: bool,
  allowGatewayTransit: bool,
  useRemoteGateways: bool,
  peeringState: str,
});
export const embeddedPeering = z.looseObject({ id: z.string(), name: str, properties: peeringProps });

export const vnetProps = props({
  addressSpace,
  dhcpOptions: opt(z.looseObject({ dnsServers: strList })).transform((v) => v?.dnsServers ?? []),
  subnets: list(z.unknown()),
  virtualNetworkPeerings: list(z.unknown()),
});

export const securityRuleShape = z.looseObject({
  id: str,
  name: str,
  properties: z.looseObject({
    priority: z.number(),
    direction: z.string(),
    access: z.string(),
    protocol: z.string(),
    sourceAddressPrefix: str,
    sourceAddressPrefixes: strList,
    sourcePortRange: str,
    sourcePortRanges: strList,
    destinationAddressPrefix: str,
    destinationAddressPrefixes: strList,
    destinationPortRange: str,
    destinationPortRanges: strList,
    sourceApplicationSecurityGroups: idRefs,
    destinationApplicationSecurityGroups: idRefs,
  }),
});
export const nsgProps = props({
  securityRules: list(z.unknown()),
  defaultSecurityRules: list(z.unknown()),
  subnets: idRefs,
  networkInterfaces: idRefs,
});

export const routeShape = z.looseObject({
  name: str,
  properties: z.looseObject({ addressPrefix: z.string(), nextHopType: z.string(), nextHopIpAddress: str }),
});
export const routeTableProps = props({
  routes: list(z.unknown()),
  subnets: idRefs,
  disableBgpRoutePropagation: bool,
});

const plsConnection = z.looseObject({
  name: str,
  properties: props({
    privateLinkServiceId: str,
    groupIds: strList,
    privateLinkServiceConnectionState: connectionState,
  }),
});
export const privateEndpointProps = props({
  subnet: optIdRef,
  privateLinkServiceConnections: list(plsConnection),
  manualPrivateLinkServiceConnections: list(plsConnection),
  customDnsConfigs: list(z.looseObject({ fqdn: str, ipAddresses: strList })),
  networkInterfaces: idRefs,
  ipConfigurations: list(
    z.looseObject({ properties: props({ groupId: str, memberName: str, privateIPAddress: str }) }),
  ),
});

export const privateLinkServiceProps = props({
  loadBalancerFrontendIpConfigurations: idRefs,
  ipConfigurations: list(z.looseObject({ properties: props({ privateIPAddress: str, subnet: optIdRef }) })),
});

export const zoneGroupProps = z.looseObject({
  privateDnsZoneConfigs: z.array(
    z.looseObject({
      name: str,
      properties: z.looseObject({
        privateDnsZoneId: z.string(),
        recordSets: list(z.looseObject({ recordType: str, recordSetName: str, fqdn: str, ipAddresses: strList })),
      }),
    }),
  ),
});

export const privateZoneProps = props({ numberOfRecordSets: num, numberOfVirtualNetworkLinks: num });

export const zoneLinkProps = props({
  virtualNetwork: optIdRef,
  registrationEnabled: bool,
  virtualNetworkLinkState: str,
  resolutionPolicy: str,
});

export const aRecordProps = props({
  fqdn: str,
  ttl: num,
  aRecords: list(z.looseObject({ ipv4Address: z.string() })),
});

export const resolverProps = props({ virtualNetwork: optIdRef });
export const inboundEndpointProps = props({
  ipConfigurations: list(z.looseObject({ privateIpAddress: str, subnet: optIdRef })),
});
export const outboundEndpointProps = props({ subnet: optIdRef });
export const rulesetProps = props({ dnsResolverOutboundEndpoints: idRefs });
/** A DNS security policy: nothing cordon reads beyond the envelope (its links and diagnostic settings are resources). */
export const dnsSecurityPolicyProps = props({});
export const dnsSecurityPolicyLinkProps = props({ virtualNetwork: optIdRef });
/** A diagnostic setting as ARM returns it (in properties) or as `az monitor diagnostic-settings list` prints it (flat). */
export const diagnosticSettingProps = z.looseObject({
  logs: list(z.looseObject({ category: str, categoryGroup: str, enabled: z.boolean() })),
  workspaceId: str,
  storageAccountId: str,
  eventHubAuthorizationRuleId: str,
  marketplacePartnerId: str,
});
export const forwardingRuleProps = z.looseObject({
  domainName: z.string(),
  targetDnsServers: list(z.looseObject({ ipAddress: z.string(), port: num })),
  forwardingRuleState: str,
});
export const rulesetLinkProps = props({ virtualNetwork: optIdRef });

const classicCollections = list(
  z.looseObject({
    name: str,
    properties: props({
      action: opt(z.looseObject({ type: str })).transform((v) => v?.type),
      rules: list(
        z.looseObject({
          name: str,
          sourceAddresses: strList,
          destinationAddresses: strList,
          targetFqdns: strList,
          destinationFqdns: strList,
          fqdnTags: strList,
          destinationPorts: strList,
          protocols: list(z.union([z.string(), z.looseObject({ protocolType: str, port: num })])).transform((v) =>
            v.map((p) => (typeof p === 'string' ? p : `${p.protocolType ?? '?'}:${p.port ?? '?'}`)),
          ),
        }),
      ),
    }),
  }),
);
export const firewallProps = props({
  sku: opt(z.looseObject({ tier: str, name: str })),
  firewallPolicy: optIdRef,
  ipConfigurations: list(
    z.looseObject({ properties: props({ privateIPAddress: str, subnet: optIdRef, publicIPAddress: optIdRef }) }),
  ),
  hubIPAddresses: opt(z.looseObject({ privateIPAddress: str })),
  applicationRuleCollections: classicCollections,
  networkRuleCollections: classicCollections,
});

export const firewallPolicyProps = props({
  basePolicy: optIdRef,
  ruleCollectionGroups: idRefs,
  threatIntelMode: str,
});

const policyRule = z.looseObject({
  name: str,
  ruleType: z.string(),
  sourceAddresses: strList,
  sourceIpGroups: strList,
  destinationAddresses: strList,
  destinationIpGroups: strList,
  destinationFqdns: strList,
  targetFqdns: strList,
  fqdnTags: strList,
  webCategories: strList,
  destinationPorts: strList,
  ipProtocols: strList,
  protocols: list(z.union([z.string(), z.looseObject({ protocolType: str, port: num })])).transform((v) =>
    v.map((p) => (typeof p === 'string' ? p : `${p.protocolType ?? '?'}:${p.port ?? '?'}`)),
  ),
});
export const ruleCollectionGroupProps = z.looseObject({
  priority: num,
  ruleCollections: list(
    z.looseObject({
      name: str,
      priority: num,
      ruleCollectionType: str,
      action: opt(z.looseObject({ type: str })).transform((v) => v?.type),
      rules: list(policyRule),
    }),
  ),
});

export const bastionProps = props({
  ipConfigurations: list(z.looseObject({ properties: props({ subnet: optIdRef }) })),
  virtualNetwork: optIdRef,
});

export const publicIpProps = props({ ipAddress: str, ipConfiguration: optIdRef });

export const flowLogProps = props({
  targetResourceId: str,
  storageId: str,
  enabled: bool,
  format: opt(z.looseObject({ type: str, version: opt(z.number()) })),
  flowAnalyticsConfiguration: opt(
    z.looseObject({ networkWatcherFlowAnalyticsConfiguration: opt(z.looseObject({ enabled: bool })) }),
  ),
});

export const nicProps = props({
  ipConfigurations: list(
    z.looseObject({
      properties: props({
        privateIPAddress: str,
        subnet: optIdRef,
        publicIPAddress: optIdRef,
        applicationSecurityGroups: idRefs,
        loadBalancerBackendAddressPools: idRefs,
        loadBalancerInboundNatRules: idRefs,
        applicationGatewayBackendAddressPools: idRefs,
      }),
    }),
  ),
  networkSecurityGroup: optIdRef,
  virtualMachine: optIdRef,
  privateEndpoint: optIdRef,
});

/** A child of a load balancer or application gateway: its id (absent in templates, then built from the name). */
const child = <T extends z.ZodRawShape>(shape: T) => z.looseObject({ id: str, name: str, properties: props(shape) });

/** A load balancer's pool, load-balancing rule and inbound NAT rule properties (nested, or child resources). */
export const lbPoolProps = props({
  backendIPConfigurations: idRefs,
  loadBalancerBackendAddresses: list(
    z.looseObject({
      name: str,
      properties: props({
        ipAddress: str,
        virtualNetwork: optIdRef,
        subnet: optIdRef,
        loadBalancerFrontendIPConfiguration: optIdRef,
        networkInterfaceIPConfiguration: optIdRef,
      }),
    }),
  ),
});
export const lbRuleProps = props({
  protocol: str,
  frontendIPConfiguration: optIdRef,
  frontendPort: num,
  backendPort: num,
  enableFloatingIP: bool,
  backendAddressPool: optIdRef,
  backendAddressPools: idRefs,
});
export const lbNatRuleProps = props({
  protocol: str,
  frontendIPConfiguration: optIdRef,
  frontendPort: num,
  frontendPortRangeStart: num,
  frontendPortRangeEnd: num,
  backendPort: num,
  enableFloatingIP: bool,
  backendAddressPool: optIdRef,
  backendIPConfiguration: optIdRef,
});
const lbChild = <T extends z.ZodType>(p: T) => z.looseObject({ id: str, name: str, properties: p });

/** Microsoft.Network/loadBalancers (2024-05-01). */
export const loadBalancerProps = props({
  frontendIPConfigurations: list(
    child({ privateIPAddress: str, subnet: optIdRef, publicIPAddress: optIdRef, publicIPPrefix: optIdRef }),
  ),
  backendAddressPools: list(lbChild(lbPoolProps)),
  loadBalancingRules: list(lbChild(lbRuleProps)),
  inboundNatRules: list(lbChild(lbNatRuleProps)),
  inboundNatPools: list(z.looseObject({ name: str })),
});

/** Microsoft.Network/applicationGateways (2024-05-01). */
export const applicationGatewayProps = props({
  sku: opt(z.looseObject({ name: str, tier: str })),
  gatewayIPConfigurations: list(child({ subnet: optIdRef })),
  frontendIPConfigurations: list(child({ privateIPAddress: str, subnet: optIdRef, publicIPAddress: optIdRef })),
  frontendPorts: list(child({ port: num })),
  httpListeners: list(child({ frontendIPConfiguration: optIdRef, frontendPort: optIdRef, protocol: str })),
  listeners: list(child({ frontendIPConfiguration: optIdRef, frontendPort: optIdRef, protocol: str })),
  backendAddressPools: list(
    child({
      backendIPConfigurations: idRefs,
      backendAddresses: list(z.looseObject({ ipAddress: str, fqdn: str })),
    }),
  ),
  backendHttpSettingsCollection: list(child({ port: num, protocol: str })),
  backendSettingsCollection: list(child({ port: num, protocol: str })),
  requestRoutingRules: list(
    child({
      ruleType: str,
      httpListener: optIdRef,
      backendAddressPool: optIdRef,
      backendHttpSettings: optIdRef,
      urlPathMap: optIdRef,
      redirectConfiguration: optIdRef,
    }),
  ),
  routingRules: list(child({ listener: optIdRef, backendAddressPool: optIdRef, backendSettings: optIdRef })),
  urlPathMaps: list(
    child({
      defaultBackendAddressPool: optIdRef,
      defaultBackendHttpSettings: optIdRef,
      defaultRedirectConfiguration: optIdRef,
      pathRules: list(
        z.looseObject({
          properties: props({
            backendAddressPool: optIdRef,
            backendHttpSettings: optIdRef,
            redirectConfiguration: optIdRef,
          }),
        }),
      ),
    }),
  ),
});

export const vmProps = props({
  networkProfile: opt(z.looseObject({ networkInterfaces: idRefs })).transform((v) => v?.networkInterfaces ?? []),
  storageProfile: opt(z.looseObject({ osDisk: opt(z.looseObject({ osType: str })) })),
});

/** The optional manifest a collector writes: which data sets it read (possibly empty) and which it could not. */
export const azureManifestShape = z.looseObject({
  cordonSnapshot: z.literal(1),
  provider: z.literal('azure'),
  subscriptions: z.array(z.string()).default([]),
  /** Data sets read completely for every listed subscription (an empty result then means "none"). */
  datasets: z.array(z.string()).default([]),
  unavailable: z
    .array(
      z.looseObject({
        subscription: z.string(),
        dataset: z.string(),
        reason: z.string(),
        permission: z.string().optional(),
      }),
    )
    .default([]),
});
