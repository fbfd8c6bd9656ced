/**
 * Models of Azure Verified Modules (`br/public:avm/res/…`), read when a module is not in the local Bicep cache (a
 * repository checked out without `bicep restore`): what each module deploys that cordon reads, written as an ARM
 * template taking the module's own parameters, so the call is evaluated exactly as a restored module would be.
 *
 * Written from the modules' sources (Azure/bicep-registry-modules, the versions published by August 2026), never
 * copied, and only for the interface a version range shares: a call to an older or a later version, or one passing a
 * parameter the model does not know, is not read (registry.ts), so a renamed or added parameter, or a changed default,
 * is never silently taken for the model's. Defaults are the modules' own, the same in
 * every version the model covers (checked in the module history); where a value is computed at deploy it stays
 * unknown, as for any template.
 */

/** A module model: the versions it covers and the template standing for the module. */
export interface ModuleModel {
  /** The first version (major.minor) whose interface the model follows. */
  since: [number, number];
  /**
   * The last version (major.minor) whose source the model was checked against: a later one may change a default or
   * what a parameter deploys (0.x modules make breaking changes in minor versions), so it is not read through the model.
   */
  through: [number, number];
  /**
   * Parameters whose shape changed later than `since` (the items of `privateEndpoints` named their DNS zones
   * differently before): a call passing one to an earlier version is not read through the model.
   */
  paramSince?: Record<string, [number, number]>;
  template: Record<string, unknown>;
}

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/**
 * Parameters every AVM resource module takes that change nothing cordon reads (locks, roles, telemetry…). Not `tags`:
 * a zone tag on a network, an NSG or an endpoint places its subnets and interfaces in a zone.
 */
const INERT = ['lock', 'roleAssignments', 'enableTelemetry', 'diagnosticSettings', 'managedIdentities'];

/** A template's header, and the parameter shapes the models repeat: optional (null unless given), the location. */
const HEADER = { $schema: SCHEMA, contentVersion: '1.0.0.0' };
const opt = (type: string) => ({ type, nullable: true, defaultValue: null });
const LOCATION = { type: 'string', defaultValue: '[resourceGroup().location]' };

const inert = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, opt('object')]));

/** The resource's tags, as every module passes its `tags` parameter. */
const TAGS = "[coalesce(parameters('tags'), createObject())]";

/** The outputs every AVM resource module gives: the resource's id, name and location (no deploy-time values). */
function outputsOf(type: string): Record<string, unknown> {
  return {
    resourceId: { type: 'string', value: `[resourceId('${type}', parameters('name'))]` },
    name: { type: 'string', value: "[parameters('name')]" },
    location: { type: 'string', value: "[parameters('location')]" },
    resourceGroupName: { type: 'string', value: '[resourceGroup().name]' },
  };
}

/** `x.?key ?? fallback` of an object expression, as ARM can say it. */
const get = (x: string, key: string, fallback = 'null()') =>
  `coalesce(if(contains(${x}, '${key}'), ${x}.${key}, null()), ${fallback})`;

/**
 * avm/res/network/private-endpoint (`privateDnsZoneGroup` with `privateDnsZoneGroupConfigs` from 0.7; earlier versions
 * took `privateDnsZoneResourceIds`, which the model does not declare, so such a call is not read through it). The
 * endpoint, and its DNS zone group named `default` unless the group names itself.
 */
const PRIVATE_ENDPOINT_TEMPLATE = {
  ...HEADER,
  parameters: {
    name: { type: 'string' },
    subnetResourceId: { type: 'string' },
    location: LOCATION,
    privateLinkServiceConnections: opt('array'),
    manualPrivateLinkServiceConnections: opt('array'),
    privateDnsZoneGroup: opt('object'),
    ipConfigurations: opt('array'),
    customNetworkInterfaceName: opt('string'),
    applicationSecurityGroupResourceIds: opt('array'),
    customDnsConfigs: opt('array'),
    ipVersionType: { type: 'string', defaultValue: 'IPv4' },
    tags: opt('object'),
    ...inert(INERT),
  },
  variables: {
    asgs: "[coalesce(parameters('applicationSecurityGroupResourceIds'), createArray())]",
    group: "[coalesce(parameters('privateDnsZoneGroup'), createObject())]",
  },
  resources: [
    {
      type: 'Microsoft.Network/privateEndpoints',
      tags: TAGS,
      apiVersion: '2024-05-01',
      name: "[parameters('name')]",
      location: "[parameters('location')]",
      properties: {
        copy: [
          {
            name: 'applicationSecurityGroups',
            count: "[length(variables('asgs'))]",
            input: { id: "[variables('asgs')[copyIndex('applicationSecurityGroups')]]" },
          },
        ],
        customDnsConfigs: "[coalesce(parameters('customDnsConfigs'), createArray())]",
        customNetworkInterfaceName: "[coalesce(parameters('customNetworkInterfaceName'), '')]",
        ipConfigurations: "[coalesce(parameters('ipConfigurations'), createArray())]",
        manualPrivateLinkServiceConnections:
          "[coalesce(parameters('manualPrivateLinkServiceConnections'), createArray())]",
        privateLinkServiceConnections: "[coalesce(parameters('privateLinkServiceConnections'), createArray())]",
        subnet: { id: "[parameters('subnetResourceId')]" },
        ipVersionType: "[parameters('ipVersionType')]",
      },
    },
    {
      condition: "[not(empty(variables('group')))]",
      type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
      apiVersion: '2024-05-01',
      name: `[format('{0}/{1}', parameters('name'), ${get("variables('group')", 'name', "'default'")})]`,
      dependsOn: ["[resourceId('Microsoft.Network/privateEndpoints', parameters('name'))]"],
      properties: {
        copy: [
          {
            name: 'privateDnsZoneConfigs',
            count: "[length(variables('group').privateDnsZoneGroupConfigs)]",
            input: {
              name: `[${get(
                "variables('group').privateDnsZoneGroupConfigs[copyIndex('privateDnsZoneConfigs')]",
                'name',
                "last(split(variables('group').privateDnsZoneGroupConfigs[copyIndex('privateDnsZoneConfigs')].privateDnsZoneResourceId, '/'))",
              )}]`,
              properties: {
                privateDnsZoneId:
                  "[variables('group').privateDnsZoneGroupConfigs[copyIndex('privateDnsZoneConfigs')].privateDnsZoneResourceId]",
              },
            },
          },
        ],
      },
    },
  ],
  outputs: outputsOf('Microsoft.Network/privateEndpoints'),
};

/**
 * The `privateEndpoints` parameter every AVM resource module shares (avm-common-types privateEndpointSingleServiceType):
 * one private endpoint per item, deployed as avm/res/network/private-endpoint with the connection to the resource
 * (`service` its group id, default `defaultService`), automatic unless `isManualConnection`. Named
 * `pep-<resource>-<service>-<index>` unless the item names it; placed in the resource's location unless it says (the
 * modules default to the subnet's network's location, which the template gives when it declares the network), in the
 * resource group `resourceGroupResourceId` names (else the resource's).
 */
function privateEndpointsOf(resourceType: string, defaultService: string): Record<string, unknown> {
  const pe = "parameters('privateEndpoints')[copyIndex()]";
  const service = get(pe, 'service', `'${defaultService}'`);
  const connection = `createArray(createObject('name', ${get(pe, 'privateLinkServiceConnectionName', `format('{0}-{1}-{2}', parameters('name'), ${service}, copyIndex())`)}, 'properties', createObject('privateLinkServiceId', resourceId('${resourceType}', parameters('name')), 'groupIds', createArray(${service}))))`;
  const manual = `equals(${get(pe, 'isManualConnection', 'false')}, true)`;
  const passed = (key: string) => ({ value: `[if(contains(${pe}, '${key}'), ${pe}.${key}, null())]` });
  const group = get(pe, 'resourceGroupResourceId', 'resourceGroup().id');
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name: "[format('{0}-PrivateEndpoint-{1}', parameters('name'), copyIndex())]",
    copy: { name: 'privateEndpoints', count: "[length(coalesce(parameters('privateEndpoints'), createArray()))]" },
    dependsOn: [`[resourceId('${resourceType}', parameters('name'))]`],
    // The item's resource group (and its subscription) when it names one, as the modules scope the endpoint.
    subscriptionId: `[split(${group}, '/')[2]]`,
    resourceGroup: `[split(${group}, '/')[4]]`,
    properties: {
      mode: 'Incremental',
      expressionEvaluationOptions: { scope: 'inner' },
      parameters: {
        name: {
          value: `[${get(pe, 'name', `format('pep-{0}-{1}-{2}', parameters('name'), ${service}, copyIndex())`)}]`,
        },
        subnetResourceId: { value: `[${pe}.subnetResourceId]` },
        location: { value: `[${get(pe, 'location', "parameters('location')")}]` },
        privateLinkServiceConnections: { value: `[if(${manual}, null(), ${connection})]` },
        manualPrivateLinkServiceConnections: { value: `[if(${manual}, ${connection}, null())]` },
        privateDnsZoneGroup: passed('privateDnsZoneGroup'),
        ipConfigurations: passed('ipConfigurations'),
        customNetworkInterfaceName: passed('customNetworkInterfaceName'),
        applicationSecurityGroupResourceIds: passed('applicationSecurityGroupResourceIds'),
        tags: { value: `[${get(pe, 'tags', "parameters('tags')")}]` },
      },
      template: PRIVATE_ENDPOINT_TEMPLATE,
    },
  };
}

/**
 * avm/res/cognitive-services/account (private endpoints' `privateDnsZoneGroup` from 0.8). Its defaults, unchanged
 * since the first version: `publicNetworkAccess` Disabled unless `networkAcls` are set (then Enabled) — whatever the
 * parameter's description says of private endpoints —, `disableLocalAuth` and `restrictOutboundNetworkAccess` true.
 */
const COGNITIVE_ACCOUNT_TEMPLATE = {
  ...HEADER,
  parameters: {
    name: { type: 'string' },
    kind: { type: 'string' },
    sku: { type: 'string', defaultValue: 'S0' },
    location: LOCATION,
    customSubDomainName: opt('string'),
    publicNetworkAccess: opt('string'),
    networkAcls: opt('object'),
    networkInjections: opt('object'),
    privateEndpoints: opt('array'),
    disableLocalAuth: { type: 'bool', defaultValue: true },
    restrictOutboundNetworkAccess: { type: 'bool', defaultValue: true },
    allowedFqdnList: opt('array'),
    tags: opt('object'),
    ...inert([
      ...INERT,
      'apiProperties',
      'customerManagedKey',
      'dynamicThrottlingEnabled',
      'migrationToken',
      'restore',
      'userOwnedStorage',
      'deployments',
      'secretsExportConfiguration',
      'allowProjectManagement',
      'commitmentPlans',
      'enableDefenderForAI',
    ]),
  },
  variables: {
    acls: "[coalesce(parameters('networkAcls'), createObject())]",
    injection: "[coalesce(parameters('networkInjections'), createObject())]",
  },
  resources: [
    {
      type: 'Microsoft.CognitiveServices/accounts',
      tags: TAGS,
      apiVersion: '2024-10-01',
      name: "[parameters('name')]",
      kind: "[parameters('kind')]",
      location: "[parameters('location')]",
      sku: { name: "[parameters('sku')]" },
      properties: {
        customSubDomainName: "[parameters('customSubDomainName')]",
        networkAcls: "[if(empty(variables('acls')), null(), variables('acls'))]",
        networkInjections: `[if(empty(variables('injection')), null(), createArray(createObject('scenario', ${get("variables('injection')", 'scenario')}, 'subnetArmId', ${get("variables('injection')", 'subnetResourceId')}, 'useMicrosoftManagedNetwork', ${get("variables('injection')", 'useMicrosoftManagedNetwork', 'false')})))]`,
        publicNetworkAccess:
          "[if(empty(coalesce(parameters('publicNetworkAccess'), '')), if(empty(variables('acls')), 'Disabled', 'Enabled'), parameters('publicNetworkAccess'))]",
        allowedFqdnList: "[parameters('allowedFqdnList')]",
        disableLocalAuth: "[parameters('disableLocalAuth')]",
        restrictOutboundNetworkAccess: "[parameters('restrictOutboundNetworkAccess')]",
      },
    },
    privateEndpointsOf('Microsoft.CognitiveServices/accounts', 'account'),
  ],
  outputs: outputsOf('Microsoft.CognitiveServices/accounts'),
};

/**
 * avm/res/network/private-dns-zone (its interface unchanged since 0.1): the zone, its A records (TTL 3600 unless
 * given) and its virtual network links (`<network>-vnetlink`, registration off, unless given). Other record types
 * are accepted and not read, as cordon reads only A records of private zones.
 */
const PRIVATE_DNS_ZONE_TEMPLATE = {
  ...HEADER,
  parameters: {
    name: { type: 'string' },
    location: { type: 'string', defaultValue: 'global' },
    a: opt('array'),
    virtualNetworkLinks: opt('array'),
    tags: opt('object'),
    ...inert([...INERT, 'aaaa', 'cname', 'mx', 'ptr', 'soa', 'srv', 'txt']),
  },
  variables: {
    a: "[coalesce(parameters('a'), createArray())]",
    links: "[coalesce(parameters('virtualNetworkLinks'), createArray())]",
  },
  resources: [
    {
      type: 'Microsoft.Network/privateDnsZones',
      tags: TAGS,
      apiVersion: '2020-06-01',
      name: "[parameters('name')]",
      location: "[parameters('location')]",
    },
    {
      type: 'Microsoft.Network/privateDnsZones/A',
      apiVersion: '2020-06-01',
      copy: { name: 'a', count: "[length(variables('a'))]" },
      name: "[format('{0}/{1}', parameters('name'), variables('a')[copyIndex()].name)]",
      dependsOn: ["[resourceId('Microsoft.Network/privateDnsZones', parameters('name'))]"],
      properties: {
        ttl: `[${get("variables('a')[copyIndex()]", 'ttl', '3600')}]`,
        aRecords: `[${get("variables('a')[copyIndex()]", 'aRecords', 'createArray()')}]`,
      },
    },
    {
      type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
      apiVersion: '2020-06-01',
      copy: { name: 'links', count: "[length(variables('links'))]" },
      name: `[format('{0}/{1}', parameters('name'), ${get("variables('links')[copyIndex()]", 'name', "format('{0}-vnetlink', last(split(variables('links')[copyIndex()].virtualNetworkResourceId, '/')))")})]`,
      location: `[${get("variables('links')[copyIndex()]", 'location', "'global'")}]`,
      dependsOn: ["[resourceId('Microsoft.Network/privateDnsZones', parameters('name'))]"],
      properties: {
        virtualNetwork: { id: "[variables('links')[copyIndex()].virtualNetworkResourceId]" },
        registrationEnabled: `[${get("variables('links')[copyIndex()]", 'registrationEnabled', 'false')}]`,
        resolutionPolicy: `[${get("variables('links')[copyIndex()]", 'resolutionPolicy')}]`,
      },
    },
  ],
  outputs: outputsOf('Microsoft.Network/privateDnsZones'),
};

/**
 * avm/res/network/virtual-network (0.3 on): the network, its subnets (a `delegation` as one delegation to that
 * service; NSG, route table and NAT gateway by id; network policies and default outbound access as given, so Azure's
 * defaults apply when left out) and its peerings — the local side with the peering module's defaults (forwarded
 * traffic and network access allowed, no gateway transit), and, with `remotePeeringEnabled`, the remote network's side
 * in its own subscription and resource group.
 */
const VIRTUAL_NETWORK_TEMPLATE = (() => {
  const sub = "variables('subnets')[copyIndex()]";
  const peer = "variables('peerings')[copyIndex()]";
  const remoteName = `last(split(${peer}.remoteVirtualNetworkResourceId, '/'))`;
  const byId = (key: string) => `[if(empty(${get(sub, key, "''")}), null(), createObject('id', ${sub}.${key}))]`;
  return {
    ...HEADER,
    parameters: {
      name: { type: 'string' },
      location: LOCATION,
      addressPrefixes: { type: 'array' },
      subnets: opt('array'),
      dnsServers: opt('array'),
      peerings: opt('array'),
      enablePrivateEndpointVNetPolicies: { type: 'string', defaultValue: 'Disabled' },
      tags: opt('object'),
      ...inert([
        ...INERT,
        'ddosProtectionPlanResourceId',
        'vnetEncryption',
        'vnetEncryptionEnforcement',
        'flowTimeoutInMinutes',
        'enableVmProtection',
        'virtualNetworkBgpCommunity',
      ]),
    },
    variables: {
      subnets: "[coalesce(parameters('subnets'), createArray())]",
      peerings: "[coalesce(parameters('peerings'), createArray())]",
      dns: "[coalesce(parameters('dnsServers'), createArray())]",
    },
    resources: [
      {
        type: 'Microsoft.Network/virtualNetworks',
        tags: TAGS,
        apiVersion: '2024-05-01',
        name: "[parameters('name')]",
        location: "[parameters('location')]",
        properties: {
          addressSpace: { addressPrefixes: "[parameters('addressPrefixes')]" },
          dhcpOptions: "[if(empty(variables('dns')), null(), createObject('dnsServers', variables('dns')))]",
          privateEndpointVNetPolicies: "[parameters('enablePrivateEndpointVNetPolicies')]",
        },
      },
      {
        type: 'Microsoft.Network/virtualNetworks/subnets',
        apiVersion: '2024-05-01',
        copy: { name: 'subnets', count: "[length(variables('subnets'))]", mode: 'serial', batchSize: 1 },
        name: `[format('{0}/{1}', parameters('name'), ${sub}.name)]`,
        dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', parameters('name'))]"],
        properties: {
          addressPrefix: `[${get(sub, 'addressPrefix')}]`,
          addressPrefixes: `[${get(sub, 'addressPrefixes')}]`,
          networkSecurityGroup: byId('networkSecurityGroupResourceId'),
          routeTable: byId('routeTableResourceId'),
          natGateway: byId('natGatewayResourceId'),
          delegations: `[if(empty(${get(sub, 'delegation', "''")}), createArray(), createArray(createObject('name', ${sub}.delegation, 'properties', createObject('serviceName', ${sub}.delegation))))]`,
          privateEndpointNetworkPolicies: `[${get(sub, 'privateEndpointNetworkPolicies')}]`,
          privateLinkServiceNetworkPolicies: `[${get(sub, 'privateLinkServiceNetworkPolicies')}]`,
          defaultOutboundAccess: `[${get(sub, 'defaultOutboundAccess')}]`,
          copy: [
            {
              name: 'serviceEndpoints',
              count: `[length(${get(sub, 'serviceEndpoints', 'createArray()')})]`,
              input: { service: `[${sub}.serviceEndpoints[copyIndex('serviceEndpoints')]]` },
            },
          ],
        },
      },
      {
        type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
        apiVersion: '2024-05-01',
        copy: { name: 'peerings', count: "[length(variables('peerings'))]" },
        name: `[format('{0}/{1}', parameters('name'), ${get(peer, 'name', `format('peer-{0}-{1}', parameters('name'), ${remoteName})`)})]`,
        dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', parameters('name'))]"],
        properties: {
          allowForwardedTraffic: `[${get(peer, 'allowForwardedTraffic', 'true')}]`,
          allowGatewayTransit: `[${get(peer, 'allowGatewayTransit', 'false')}]`,
          allowVirtualNetworkAccess: `[${get(peer, 'allowVirtualNetworkAccess', 'true')}]`,
          useRemoteGateways: `[${get(peer, 'useRemoteGateways', 'false')}]`,
          remoteVirtualNetwork: { id: `[${peer}.remoteVirtualNetworkResourceId]` },
        },
      },
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2022-09-01',
        copy: { name: 'remotePeerings', count: "[length(variables('peerings'))]" },
        condition: `[equals(${get(peer, 'remotePeeringEnabled', 'false')}, true)]`,
        name: "[format('{0}-remotePeering-{1}', parameters('name'), copyIndex())]",
        subscriptionId: `[split(${peer}.remoteVirtualNetworkResourceId, '/')[2]]`,
        resourceGroup: `[split(${peer}.remoteVirtualNetworkResourceId, '/')[4]]`,
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'inner' },
          parameters: {
            name: {
              value: `[${get(peer, 'remotePeeringName', `format('peer-{0}-{1}', ${remoteName}, parameters('name'))`)}]`,
            },
            localVnetName: { value: `[${remoteName}]` },
            remoteVirtualNetworkResourceId: {
              value: "[resourceId('Microsoft.Network/virtualNetworks', parameters('name'))]",
            },
            allowForwardedTraffic: { value: `[${get(peer, 'remotePeeringAllowForwardedTraffic', 'true')}]` },
            allowGatewayTransit: { value: `[${get(peer, 'remotePeeringAllowGatewayTransit', 'false')}]` },
            allowVirtualNetworkAccess: { value: `[${get(peer, 'remotePeeringAllowVirtualNetworkAccess', 'true')}]` },
            useRemoteGateways: { value: `[${get(peer, 'remotePeeringUseRemoteGateways', 'false')}]` },
          },
          template: {
            ...HEADER,
            parameters: {
              name: { type: 'string' },
              localVnetName: { type: 'string' },
              remoteVirtualNetworkResourceId: { type: 'string' },
              allowForwardedTraffic: { type: 'bool' },
              allowGatewayTransit: { type: 'bool' },
              allowVirtualNetworkAccess: { type: 'bool' },
              useRemoteGateways: { type: 'bool' },
            },
            resources: [
              {
                type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
                apiVersion: '2024-05-01',
                name: "[format('{0}/{1}', parameters('localVnetName'), parameters('name'))]",
                properties: {
                  allowForwardedTraffic: "[parameters('allowForwardedTraffic')]",
                  allowGatewayTransit: "[parameters('allowGatewayTransit')]",
                  allowVirtualNetworkAccess: "[parameters('allowVirtualNetworkAccess')]",
                  useRemoteGateways: "[parameters('useRemoteGateways')]",
                  remoteVirtualNetwork: { id: "[parameters('remoteVirtualNetworkResourceId')]" },
                },
              },
            ],
          },
        },
      },
    ],
    outputs: {
      ...outputsOf('Microsoft.Network/virtualNetworks'),
      subnetNames: { type: 'array', copy: { count: "[length(variables('subnets'))]", input: `[${sub}.name]` } },
      subnetResourceIds: {
        type: 'array',
        copy: {
          count: "[length(variables('subnets'))]",
          input: `[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('name'), ${sub}.name)]`,
        },
      },
    },
  };
})();

/**
 * avm/res/search/search-service (private endpoints' `privateDnsZoneGroup` from 0.6, when `publicNetworkAccess` was first
 * lower-cased; cordon compares it without case):
 * public network access Enabled unless given, API keys off (`disableLocalAuth` true, `authOptions` dropped then), the
 * network rule set as given; private endpoints' group id `searchService`.
 */
const SEARCH_SERVICE_TEMPLATE = {
  ...HEADER,
  parameters: {
    name: { type: 'string' },
    location: LOCATION,
    sku: { type: 'string', defaultValue: 'standard' },
    publicNetworkAccess: { type: 'string', defaultValue: 'Enabled' },
    networkRuleSet: opt('object'),
    disableLocalAuth: { type: 'bool', defaultValue: true },
    authOptions: opt('object'),
    privateEndpoints: opt('array'),
    tags: opt('object'),
    ...inert([
      ...INERT,
      'computeType',
      'cmkEnforcement',
      'dataExfiltrationProtections',
      'hostingMode',
      'partitionCount',
      'replicaCount',
      'semanticSearch',
      'sharedPrivateLinkResources',
      'secretsExportConfiguration',
    ]),
  },
  resources: [
    {
      type: 'Microsoft.Search/searchServices',
      tags: TAGS,
      apiVersion: '2024-06-01-preview',
      name: "[parameters('name')]",
      location: "[parameters('location')]",
      sku: { name: "[parameters('sku')]" },
      properties: {
        authOptions: "[if(parameters('disableLocalAuth'), null(), parameters('authOptions'))]",
        disableLocalAuth: "[parameters('disableLocalAuth')]",
        networkRuleSet: "[parameters('networkRuleSet')]",
        publicNetworkAccess: "[toLower(parameters('publicNetworkAccess'))]",
      },
    },
    privateEndpointsOf('Microsoft.Search/searchServices', 'searchService'),
  ],
  outputs: outputsOf('Microsoft.Search/searchServices'),
};

/**
 * avm/res/network/network-security-group (0.3 on: application security groups by `…ApplicationSecurityGroupResourceIds`):
 * the group and each of its rules, with the module's blanks for what a rule leaves out (empty prefixes and ranges).
 */
const NETWORK_SECURITY_GROUP_TEMPLATE = (() => {
  const rule = "variables('rules')[copyIndex()].properties";
  const str = (key: string) => `[${get(rule, key, "''")}]`;
  const list = (key: string) => `[${get(rule, key, 'createArray()')}]`;
  const asgs = (name: string, key: string) => ({
    name,
    count: `[length(${get(rule, key, 'createArray()')})]`,
    input: { id: `[${rule}.${key}[copyIndex('${name}')]]` },
  });
  return {
    ...HEADER,
    parameters: {
      name: { type: 'string' },
      location: LOCATION,
      securityRules: opt('array'),
      tags: opt('object'),
      ...inert([...INERT, 'flushConnection']),
    },
    variables: { rules: "[coalesce(parameters('securityRules'), createArray())]" },
    resources: [
      {
        type: 'Microsoft.Network/networkSecurityGroups',
        tags: TAGS,
        apiVersion: '2024-05-01',
        name: "[parameters('name')]",
        location: "[parameters('location')]",
        properties: { securityRules: [] },
      },
      {
        type: 'Microsoft.Network/networkSecurityGroups/securityRules',
        apiVersion: '2024-05-01',
        copy: { name: 'rules', count: "[length(variables('rules'))]" },
        name: "[format('{0}/{1}', parameters('name'), variables('rules')[copyIndex()].name)]",
        dependsOn: ["[resourceId('Microsoft.Network/networkSecurityGroups', parameters('name'))]"],
        properties: {
          access: `[${rule}.access]`,
          description: str('description'),
          destinationAddressPrefix: str('destinationAddressPrefix'),
          destinationAddressPrefixes: list('destinationAddressPrefixes'),
          destinationPortRange: str('destinationPortRange'),
          destinationPortRanges: list('destinationPortRanges'),
          direction: `[${rule}.direction]`,
          priority: `[${rule}.priority]`,
          protocol: `[${rule}.protocol]`,
          sourceAddressPrefix: str('sourceAddressPrefix'),
          sourceAddressPrefixes: list('sourceAddressPrefixes'),
          sourcePortRange: str('sourcePortRange'),
          sourcePortRanges: list('sourcePortRanges'),
          copy: [
            asgs('sourceApplicationSecurityGroups', 'sourceApplicationSecurityGroupResourceIds'),
            asgs('destinationApplicationSecurityGroups', 'destinationApplicationSecurityGroupResourceIds'),
          ],
        },
      },
    ],
    outputs: outputsOf('Microsoft.Network/networkSecurityGroups'),
  };
})();

/** avm/res/network/route-table (its interface unchanged since 0.1): the table and its routes as given. */
const ROUTE_TABLE_TEMPLATE = {
  ...HEADER,
  parameters: {
    name: { type: 'string' },
    location: LOCATION,
    routes: opt('array'),
    disableBgpRoutePropagation: { type: 'bool', defaultValue: false },
    tags: opt('object'),
    ...inert(INERT),
  },
  resources: [
    {
      type: 'Microsoft.Network/routeTables',
      tags: TAGS,
      apiVersion: '2024-05-01',
      name: "[parameters('name')]",
      location: "[parameters('location')]",
      properties: {
        routes: "[coalesce(parameters('routes'), createArray())]",
        disableBgpRoutePropagation: "[parameters('disableBgpRoutePropagation')]",
      },
    },
  ],
  outputs: outputsOf('Microsoft.Network/routeTables'),
};

/**
 * avm/res/machine-learning-services/workspace (0.4 on, when public network access became Disabled by default; private
 * endpoints' `privateDnsZoneGroup` from 0.5): the workspace (hub, project or default) with its managed network settings
 * as given, its computes (whose subnets put interfaces cordon does not see), and private endpoints as `amlworkspace`.
 */
const ML_WORKSPACE_TEMPLATE = {
  ...HEADER,
  parameters: {
    name: { type: 'string' },
    sku: { type: 'string' },
    kind: { type: 'string', defaultValue: 'Default' },
    location: LOCATION,
    publicNetworkAccess: { type: 'string', defaultValue: 'Disabled' },
    managedNetworkSettings: opt('object'),
    ipAllowlist: opt('array'),
    hubResourceId: opt('string'),
    associatedStorageAccountResourceId: opt('string'),
    associatedKeyVaultResourceId: opt('string'),
    associatedApplicationInsightsResourceId: opt('string'),
    associatedContainerRegistryResourceId: opt('string'),
    computes: opt('array'),
    privateEndpoints: opt('array'),
    tags: opt('object'),
    ...inert([
      ...INERT,
      'friendlyName',
      'enableServiceSideCMKEncryption',
      'hbiWorkspace',
      'connections',
      'datastores',
      'featureStoreSettings',
      'provisionNetworkNow',
      'serverlessComputeSettings',
      'systemDatastoresAuthMode',
      'workspaceHubConfig',
      'description',
      'discoveryUrl',
      'customerManagedKey',
      'imageBuildCompute',
      'primaryUserAssignedIdentity',
      'serviceManagedResourcesSettings',
      'sharedPrivateLinkResources',
    ]),
  },
  variables: { computes: "[coalesce(parameters('computes'), createArray())]" },
  resources: [
    {
      type: 'Microsoft.MachineLearningServices/workspaces',
      tags: TAGS,
      apiVersion: '2024-10-01-preview',
      name: "[parameters('name')]",
      location: "[parameters('location')]",
      kind: "[parameters('kind')]",
      sku: { name: "[parameters('sku')]", tier: "[parameters('sku')]" },
      properties: {
        storageAccount: "[parameters('associatedStorageAccountResourceId')]",
        keyVault: "[parameters('associatedKeyVaultResourceId')]",
        applicationInsights: "[parameters('associatedApplicationInsightsResourceId')]",
        containerRegistry: "[parameters('associatedContainerRegistryResourceId')]",
        publicNetworkAccess: "[parameters('publicNetworkAccess')]",
        ipAllowlist: "[parameters('ipAllowlist')]",
        hubResourceId: "[parameters('hubResourceId')]",
        managedNetwork: "[parameters('managedNetworkSettings')]",
      },
    },
    {
      type: 'Microsoft.MachineLearningServices/workspaces/computes',
      apiVersion: '2024-10-01-preview',
      copy: { name: 'computes', count: "[length(variables('computes'))]" },
      condition: `[not(equals(${get("variables('computes')[copyIndex()]", 'deployCompute', 'true')}, false))]`,
      name: "[format('{0}/{1}', parameters('name'), variables('computes')[copyIndex()].name)]",
      location: `[${get("variables('computes')[copyIndex()]", 'location', "parameters('location')")}]`,
      dependsOn: ["[resourceId('Microsoft.MachineLearningServices/workspaces', parameters('name'))]"],
      properties: {
        computeType: "[variables('computes')[copyIndex()].computeType]",
        properties: `[${get("variables('computes')[copyIndex()]", 'properties')}]`,
      },
    },
    privateEndpointsOf('Microsoft.MachineLearningServices/workspaces', 'amlworkspace'),
  ],
  outputs: outputsOf('Microsoft.MachineLearningServices/workspaces'),
};

/**
 * avm/res/storage/storage-account (0.9 on; private endpoints' `privateDnsZoneGroup` only from 0.12). Its defaults:
 * network rules deny by default (`networkAcls` absent: AzureServices bypass and Deny; given without `defaultAction`: Deny); public
 * network access as given, else Disabled when private endpoints are set without `networkAcls`, else Azure's default;
 * blob public access off, shared keys on. Private endpoints name their `service` (blob, file, …). Before 0.9 the
 * rules were sent as given (no `defaultAction`: none, which Azure takes as Allow) and their default was a non-empty
 * object (so private endpoints did not turn public access off): those versions are not read through the model.
 */
const STORAGE_ACCOUNT_TEMPLATE = {
  ...HEADER,
  parameters: {
    name: { type: 'string' },
    location: LOCATION,
    kind: { type: 'string', defaultValue: 'StorageV2' },
    skuName: { type: 'string', defaultValue: 'Standard_GRS' },
    networkAcls: opt('object'),
    publicNetworkAccess: opt('string'),
    allowBlobPublicAccess: { type: 'bool', defaultValue: false },
    allowSharedKeyAccess: { type: 'bool', defaultValue: true },
    privateEndpoints: opt('array'),
    tags: opt('object'),
    ...inert([
      ...INERT,
      'extendedLocationZone',
      'accessTier',
      'largeFileSharesState',
      'azureFilesIdentityBasedAuthentication',
      'defaultToOAuthAuthentication',
      'managementPolicyRules',
      'requireInfrastructureEncryption',
      'allowCrossTenantReplication',
      'customDomainName',
      'customDomainUseSubDomainName',
      'dnsEndpointType',
      'blobServices',
      'fileServices',
      'queueServices',
      'tableServices',
      'minimumTlsVersion',
      'enableHierarchicalNamespace',
      'enableSftp',
      'localUsers',
      'isLocalUserEnabled',
      'enableNfsV3',
      'allowedCopyScope',
      'supportsHttpsTrafficOnly',
      'customerManagedKey',
      'sasExpirationPeriod',
      'sasExpirationAction',
      'keyType',
      'secretsExportConfiguration',
      'immutableStorageWithVersioning',
      'objectReplicationPolicies',
    ]),
  },
  variables: {
    acls: "[coalesce(parameters('networkAcls'), createObject())]",
    pes: "[coalesce(parameters('privateEndpoints'), createArray())]",
  },
  resources: [
    {
      type: 'Microsoft.Storage/storageAccounts',
      tags: TAGS,
      apiVersion: '2023-05-01',
      name: "[parameters('name')]",
      location: "[parameters('location')]",
      kind: "[parameters('kind')]",
      sku: { name: "[parameters('skuName')]" },
      properties: {
        allowBlobPublicAccess: "[parameters('allowBlobPublicAccess')]",
        allowSharedKeyAccess: "[parameters('allowSharedKeyAccess')]",
        networkAcls: `[if(empty(variables('acls')), createObject('bypass', 'AzureServices', 'defaultAction', 'Deny', 'virtualNetworkRules', createArray(), 'ipRules', createArray()), union(createObject('resourceAccessRules', ${get("variables('acls')", 'resourceAccessRules')}, 'defaultAction', ${get("variables('acls')", 'defaultAction', "'Deny'")}, 'virtualNetworkRules', ${get("variables('acls')", 'virtualNetworkRules')}, 'ipRules', ${get("variables('acls')", 'ipRules')}), if(contains(variables('acls'), 'bypass'), createObject('bypass', variables('acls').bypass), createObject())))]`,
        publicNetworkAccess:
          "[if(empty(coalesce(parameters('publicNetworkAccess'), '')), if(and(not(empty(variables('pes'))), empty(variables('acls'))), 'Disabled', null()), parameters('publicNetworkAccess'))]",
      },
    },
    privateEndpointsOf('Microsoft.Storage/storageAccounts', 'blob'),
  ],
  outputs: outputsOf('Microsoft.Storage/storageAccounts'),
};

/**
 * avm/res/key-vault/vault (private endpoints' `privateDnsZoneGroup` only from 0.8): network rules as given (none by
 * default); public network access as given, else Disabled when private endpoints are set without `networkAcls`, else
 * Azure's default; RBAC authorization on; private endpoints as `vault`.
 */
const KEY_VAULT_TEMPLATE = {
  ...HEADER,
  parameters: {
    name: { type: 'string' },
    location: LOCATION,
    sku: { type: 'string', defaultValue: 'premium' },
    networkAcls: opt('object'),
    publicNetworkAccess: { type: 'string', defaultValue: '' },
    enableRbacAuthorization: { type: 'bool', defaultValue: true },
    privateEndpoints: opt('array'),
    tags: opt('object'),
    ...inert([
      ...INERT,
      'accessPolicies',
      'secrets',
      'keys',
      'enableVaultForDeployment',
      'enableVaultForTemplateDeployment',
      'enableVaultForDiskEncryption',
      'enableSoftDelete',
      'softDeleteRetentionInDays',
      'createMode',
      'enablePurgeProtection',
    ]),
  },
  variables: {
    acls: "[coalesce(parameters('networkAcls'), createObject())]",
    pes: "[coalesce(parameters('privateEndpoints'), createArray())]",
  },
  resources: [
    {
      type: 'Microsoft.KeyVault/vaults',
      tags: TAGS,
      apiVersion: '2023-07-01',
      name: "[parameters('name')]",
      location: "[parameters('location')]",
      properties: {
        sku: { family: 'A', name: "[parameters('sku')]" },
        enableRbacAuthorization: "[parameters('enableRbacAuthorization')]",
        networkAcls: `[if(empty(variables('acls')), null(), createObject('bypass', ${get("variables('acls')", 'bypass')}, 'defaultAction', ${get("variables('acls')", 'defaultAction')}, 'virtualNetworkRules', ${get("variables('acls')", 'virtualNetworkRules', 'createArray()')}, 'ipRules', ${get("variables('acls')", 'ipRules', 'createArray()')}))]`,
        publicNetworkAccess:
          "[if(empty(coalesce(parameters('publicNetworkAccess'), '')), if(and(not(empty(variables('pes'))), empty(variables('acls'))), 'Disabled', null()), parameters('publicNetworkAccess'))]",
      },
    },
    privateEndpointsOf('Microsoft.KeyVault/vaults', 'vault'),
  ],
  outputs: outputsOf('Microsoft.KeyVault/vaults'),
};

/** By repository in the public registry (`br/public:avm/res/x` is `mcr.microsoft.com/bicep/avm/res/x`). */
export const AVM_MODELS: ReadonlyMap<string, ModuleModel> = new Map([
  ['bicep/avm/res/network/private-endpoint', { since: [0, 1], through: [0, 12], template: PRIVATE_ENDPOINT_TEMPLATE }],
  [
    'bicep/avm/res/cognitive-services/account',
    { since: [0, 1], through: [0, 18], paramSince: { privateEndpoints: [0, 8] }, template: COGNITIVE_ACCOUNT_TEMPLATE },
  ],
  [
    'bicep/avm/res/search/search-service',
    { since: [0, 1], through: [0, 13], paramSince: { privateEndpoints: [0, 6] }, template: SEARCH_SERVICE_TEMPLATE },
  ],
  [
    'bicep/avm/res/network/network-security-group',
    { since: [0, 3], through: [0, 5], template: NETWORK_SECURITY_GROUP_TEMPLATE },
  ],
  ['bicep/avm/res/network/route-table', { since: [0, 1], through: [0, 5], template: ROUTE_TABLE_TEMPLATE }],
  [
    'bicep/avm/res/machine-learning-services/workspace',
    { since: [0, 4], through: [0, 14], paramSince: { privateEndpoints: [0, 5] }, template: ML_WORKSPACE_TEMPLATE },
  ],
  [
    'bicep/avm/res/storage/storage-account',
    { since: [0, 9], through: [0, 33], paramSince: { privateEndpoints: [0, 12] }, template: STORAGE_ACCOUNT_TEMPLATE },
  ],
  [
    'bicep/avm/res/key-vault/vault',
    { since: [0, 1], through: [0, 14], paramSince: { privateEndpoints: [0, 8] }, template: KEY_VAULT_TEMPLATE },
  ],
  ['bicep/avm/res/network/private-dns-zone', { since: [0, 1], through: [0, 8], template: PRIVATE_DNS_ZONE_TEMPLATE }],
  ['bicep/avm/res/network/virtual-network', { since: [0, 3], through: [0, 10], template: VIRTUAL_NETWORK_TEMPLATE }],
]);
