/**
 * ARM resource JSON of a small Azure network with a public load balancer and an application gateway (the
 * 2024-05-01 shapes of azure-rest-api-specs' loadBalancer.json and applicationGateway.json), for the snapshot reader
 * and the collector tests.
 */
export const SUB = '44444444-4444-4444-4444-444444444444';
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
export const NET = `${RG}/providers/Microsoft.Network`;
export const LB = `${NET}/loadBalancers/lb-pub`;
export const AGW = `${NET}/applicationGateways/agw`;
const ref = (id: string) => ({ id });

export const loadBalancerJson = {
  id: LB,
  name: 'lb-pub',
  type: 'Microsoft.Network/loadBalancers',
  location: 'westeurope',
  sku: { name: 'Standard', tier: 'Regional' },
  properties: {
    frontendIPConfigurations: [
      {
        id: `${LB}/frontendIPConfigurations/fe`,
        name: 'fe',
        properties: { publicIPAddress: ref(`${NET}/publicIPAddresses/pip-lb`) },
      },
    ],
    backendAddressPools: [
      {
        id: `${LB}/backendAddressPools/pool`,
        name: 'pool',
        properties: {
          backendIPConfigurations: [ref(`${NET}/networkInterfaces/nic-db/ipConfigurations/ipconfig1`)],
          loadBalancerBackendAddresses: [
            { name: 'a1', properties: { ipAddress: '10.1.3.5', virtualNetwork: ref(`${NET}/virtualNetworks/vnet`) } },
          ],
        },
      },
    ],
    loadBalancingRules: [
      {
        id: `${LB}/loadBalancingRules/pg`,
        name: 'pg',
        properties: {
          frontendIPConfiguration: ref(`${LB}/frontendIPConfigurations/fe`),
          backendAddressPool: ref(`${LB}/backendAddressPools/pool`),
          protocol: 'Tcp',
          frontendPort: 5432,
          backendPort: 5432,
          enableFloatingIP: false,
        },
      },
    ],
    inboundNatRules: [
      {
        id: `${LB}/inboundNatRules/ssh`,
        name: 'ssh',
        properties: {
          frontendIPConfiguration: ref(`${LB}/frontendIPConfigurations/fe`),
          backendIPConfiguration: ref(`${NET}/networkInterfaces/nic-db/ipConfigurations/ipconfig1`),
          protocol: 'Tcp',
          frontendPort: 50022,
          backendPort: 22,
        },
      },
      {
        id: `${LB}/inboundNatRules/range`,
        name: 'range',
        properties: {
          frontendIPConfiguration: ref(`${LB}/frontendIPConfigurations/fe`),
          backendAddressPool: ref(`${LB}/backendAddressPools/pool`),
          protocol: 'Tcp',
          frontendPortRangeStart: 500,
          frontendPortRangeEnd: 599,
          backendPort: 3389,
        },
      },
    ],
    outboundRules: [],
    inboundNatPools: [],
  },
};

export const gatewayJson = {
  id: AGW,
  name: 'agw',
  type: 'Microsoft.Network/applicationGateways',
  location: 'westeurope',
  properties: {
    sku: { name: 'WAF_v2', tier: 'WAF_v2' },
    gatewayIPConfigurations: [{ name: 'gw', properties: { subnet: ref(`${NET}/virtualNetworks/vnet/subnets/agw`) } }],
    frontendIPConfigurations: [
      {
        id: `${AGW}/frontendIPConfigurations/pub`,
        name: 'pub',
        properties: { publicIPAddress: ref(`${NET}/publicIPAddresses/pip-agw`) },
      },
    ],
    frontendPorts: [{ id: `${AGW}/frontendPorts/p443`, name: 'p443', properties: { port: 443 } }],
    httpListeners: [
      {
        id: `${AGW}/httpListeners/l`,
        name: 'l',
        properties: {
          frontendIPConfiguration: ref(`${AGW}/frontendIPConfigurations/pub`),
          frontendPort: ref(`${AGW}/frontendPorts/p443`),
          protocol: 'Https',
        },
      },
    ],
    backendAddressPools: [
      {
        id: `${AGW}/backendAddressPools/web`,
        name: 'web',
        properties: { backendAddresses: [{ ipAddress: '10.1.3.4' }, { fqdn: 'app.example.com' }] },
      },
      { id: `${AGW}/backendAddressPools/api`, name: 'api', properties: { backendAddresses: [] } },
    ],
    backendHttpSettingsCollection: [
      { id: `${AGW}/backendHttpSettingsCollection/s`, name: 's', properties: { port: 8080, protocol: 'Http' } },
    ],
    requestRoutingRules: [
      {
        id: `${AGW}/requestRoutingRules/r`,
        name: 'r',
        properties: {
          ruleType: 'PathBasedRouting',
          priority: 10,
          httpListener: ref(`${AGW}/httpListeners/l`),
          urlPathMap: ref(`${AGW}/urlPathMaps/m`),
        },
      },
    ],
    urlPathMaps: [
      {
        id: `${AGW}/urlPathMaps/m`,
        name: 'm',
        properties: {
          defaultBackendAddressPool: ref(`${AGW}/backendAddressPools/web`),
          defaultBackendHttpSettings: ref(`${AGW}/backendHttpSettingsCollection/s`),
          pathRules: [
            {
              name: 'api',
              properties: {
                paths: ['/api/*'],
                backendAddressPool: ref(`${AGW}/backendAddressPools/api`),
                backendHttpSettings: ref(`${AGW}/backendHttpSettingsCollection/s`),
              },
            },
          ],
        },
      },
    ],
  },
};

export const network = [
  {
    id: `${NET}/virtualNetworks/vnet`,
    name: 'vnet',
    type: 'Microsoft.Network/virtualNetworks',
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: ['10.1.0.0/16'] },
      subnets: [
        {
          id: `${NET}/virtualNetworks/vnet/subnets/data`,
          name: 'data',
          properties: {
            addressPrefix: '10.1.3.0/24',
            networkSecurityGroup: ref(`${NET}/networkSecurityGroups/nsg-data`),
          },
        },
        { id: `${NET}/virtualNetworks/vnet/subnets/agw`, name: 'agw', properties: { addressPrefix: '10.1.8.0/24' } },
      ],
    },
  },
  {
    id: `${NET}/networkSecurityGroups/nsg-data`,
    name: 'nsg-data',
    type: 'Microsoft.Network/networkSecurityGroups',
    location: 'westeurope',
    properties: {
      securityRules: [
        {
          name: 'allow-pg',
          properties: {
            priority: 100,
            direction: 'Inbound',
            access: 'Allow',
            protocol: 'Tcp',
            sourceAddressPrefix: 'Internet',
            sourcePortRange: '*',
            destinationAddressPrefix: '*',
            destinationPortRange: '5432',
          },
        },
      ],
    },
  },
  {
    id: `${NET}/networkInterfaces/nic-db`,
    name: 'nic-db',
    type: 'Microsoft.Network/networkInterfaces',
    location: 'westeurope',
    tags: { SecurityZone: 'data' },
    properties: {
      ipConfigurations: [
        {
          id: `${NET}/networkInterfaces/nic-db/ipConfigurations/ipconfig1`,
          name: 'ipconfig1',
          properties: {
            privateIPAddress: '10.1.3.4',
            subnet: ref(`${NET}/virtualNetworks/vnet/subnets/data`),
            loadBalancerBackendAddressPools: [ref(`${LB}/backendAddressPools/pool`)],
            loadBalancerInboundNatRules: [ref(`${LB}/inboundNatRules/ssh`)],
          },
        },
      ],
    },
  },
  {
    id: `${NET}/publicIPAddresses/pip-lb`,
    name: 'pip-lb',
    type: 'Microsoft.Network/publicIPAddresses',
    location: 'westeurope',
    properties: { ipAddress: '20.50.1.2' },
  },
  {
    id: `${NET}/routeTables/rt`,
    name: 'rt',
    type: 'Microsoft.Network/routeTables',
    location: 'westeurope',
    properties: {},
  },
  {
    id: `${NET}/privateEndpoints/pe`,
    name: 'pe',
    type: 'Microsoft.Network/privateEndpoints',
    location: 'westeurope',
    properties: { subnet: ref(`${NET}/virtualNetworks/vnet/subnets/data`) },
  },
];
