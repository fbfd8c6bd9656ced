/**
 * Azure Private Link services declared in infrastructure as code (Terraform `azurerm_private_link_service`, ARM and
 * Bicep `Microsoft.Network/privateLinkServices`): a sandbox reaching a private endpoint of the service reaches the
 * data-zone database behind the service's load balancer, with the service's NAT address as the source the database
 * sees. Without the service in the inventory the path was only "cannot decide"; a manual connection the service does
 * not auto-approve stays pending ("cannot decide", never a pass or a violation).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zonePairVerifier } from '../support/verify-zones.js';

const verify = zonePairVerifier('cordon-iac-az-pls-');
const SUB = '00000000-0000-0000-0000-000000000001';

/** The sandbox → data pair of a tree of one file, which must read without input errors. */
async function sandboxToData(file: string, text: string) {
  const r = await verify({ [file]: text });
  assert.deepEqual(r.inputErrors, []);
  return r;
}

interface Options {
  manual?: boolean;
  /** More arguments of the service (auto_approval_subscription_ids…). */
  service?: string;
  /** false: the NAT address is Azure's pick at deploy. */
  natAddress?: false;
  /** A second NAT IP configuration whose address Azure picks at deploy. */
  pickedNat?: true;
  /** What the database's NSG admits on 6333 (the NAT subnet by default). */
  backendFrom?: string;
}

/** The sandbox VNet with the agent and the private endpoint; the data VNet with the load balancer, service and database. */
const terraform = (o: Options = {}) => `provider "azurerm" {
  features {}
  subscription_id = "00000000-0000-0000-0000-000000000001"
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-ai"
  location = "eastus"
}
resource "azurerm_virtual_network" "consumer" {
  name                = "vnet-sandbox"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  address_space       = ["10.0.5.0/24"]
}
resource "azurerm_subnet" "sandbox" {
  name                 = "snet-sandbox"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.consumer.name
  address_prefixes     = ["10.0.5.0/24"]
}
resource "azurerm_network_interface" "agent" {
  name                = "nic-agent"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  ip_configuration {
    name                          = "ipconfig1"
    subnet_id                     = azurerm_subnet.sandbox.id
    private_ip_address_allocation = "Dynamic"
  }
}
resource "azurerm_private_endpoint" "vector" {
  name                = "pe-vector"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  subnet_id           = azurerm_subnet.sandbox.id
  private_service_connection {
    name                           = "vector"
    private_connection_resource_id = azurerm_private_link_service.vector.id
    ${o.manual ? 'is_manual_connection           = true\n    request_message                = "vector search"' : 'is_manual_connection           = false'}
  }
}
resource "azurerm_virtual_network" "producer" {
  name                = "vnet-data"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  address_space       = ["10.0.3.0/24", "10.0.7.0/24"]
}
resource "azurerm_subnet" "data" {
  name                 = "snet-data"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.producer.name
  address_prefixes     = ["10.0.3.0/24"]
}
resource "azurerm_subnet" "nat" {
  name                                          = "snet-pls"
  resource_group_name                           = azurerm_resource_group.rg.name
  virtual_network_name                          = azurerm_virtual_network.producer.name
  address_prefixes                              = ["10.0.7.0/24"]
  private_link_service_network_policies_enabled = false
}
resource "azurerm_network_security_group" "data" {
  name                = "nsg-data"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  security_rule {
    name                       = "vector-from-pls"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_address_prefix      = "${o.backendFrom ?? '10.0.7.0/24'}"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "6333"
  }
  security_rule {
    name                       = "deny-rest"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_address_prefix      = "*"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "*"
  }
}
resource "azurerm_subnet_network_security_group_association" "data" {
  subnet_id                 = azurerm_subnet.data.id
  network_security_group_id = azurerm_network_security_group.data.id
}
resource "azurerm_network_interface" "db" {
  name                = "nic-db"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  ip_configuration {
    name                          = "ipconfig1"
    subnet_id                     = azurerm_subnet.data.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.3.4"
  }
}
resource "azurerm_lb" "vector" {
  name                = "lb-vector"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  sku                 = "Standard"
  frontend_ip_configuration {
    name                          = "fe"
    subnet_id                     = azurerm_subnet.data.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.3.10"
  }
}
resource "azurerm_lb_backend_address_pool" "vector" {
  name            = "pool"
  loadbalancer_id = azurerm_lb.vector.id
}
resource "azurerm_lb_rule" "vector" {
  name                           = "vector"
  loadbalancer_id                = azurerm_lb.vector.id
  protocol                       = "Tcp"
  frontend_port                  = 6333
  backend_port                   = 6333
  frontend_ip_configuration_name = "fe"
  backend_address_pool_ids       = [azurerm_lb_backend_address_pool.vector.id]
}
resource "azurerm_network_interface_backend_address_pool_association" "db" {
  network_interface_id    = azurerm_network_interface.db.id
  ip_configuration_name   = "ipconfig1"
  backend_address_pool_id = azurerm_lb_backend_address_pool.vector.id
}
resource "azurerm_private_link_service" "vector" {
  name                                        = "pls-vector"
  resource_group_name                         = azurerm_resource_group.rg.name
  location                                    = "eastus"
  load_balancer_frontend_ip_configuration_ids = [azurerm_lb.vector.frontend_ip_configuration[0].id]
  nat_ip_configuration {
    name               = "nat"
    subnet_id          = azurerm_subnet.nat.id
    primary            = true
    ${o.natAddress === false ? '' : 'private_ip_address = "10.0.7.5"'}
  }
  ${o.pickedNat ? 'nat_ip_configuration {\n    name      = "nat2"\n    subnet_id = azurerm_subnet.nat.id\n    primary   = false\n  }' : ''}
  ${o.service ?? ''}
}
`;

describe('verify on Terraform azurerm: a Private Link service declared in the code', () => {
  it('the sandbox reaching the private endpoint reaches the database behind the service: the violation, through the endpoint', async () => {
    const { cell, violations, hops } = await sandboxToData('main.tf', terraform());
    assert.deepEqual(cell.configurationPermits, ['tcp/6333']);
    assert.equal(violations.length, 1);
    assert.ok(
      hops.some((h) => /private endpoint pe-vector of Private Link service pls-vector/.test(h)),
      hops.join('\n'),
    );
  });
  it('a database that admits only the consumer range (it sees the NAT address): nothing', async () => {
    const { cell, violations } = await sandboxToData('main.tf', terraform({ backendFrom: '10.0.5.0/24' }));
    assert.deepEqual(cell.configurationPermits, []);
    assert.deepEqual(cell.unknown, []);
    assert.equal(violations.length, 0);
  });
  it('a manual connection waits for the owner: cannot decide; auto-approved for its subscription, the violation', async () => {
    const pending = await sandboxToData('main.tf', terraform({ manual: true }));
    assert.deepEqual(pending.cell.configurationPermits, []);
    assert.deepEqual(pending.cell.unknown, ['tcp/6333']);
    assert.equal(pending.violations.length, 0);
    const approved = await sandboxToData(
      'main.tf',
      terraform({ manual: true, service: `auto_approval_subscription_ids = ["${SUB}"]` }),
    );
    assert.equal(approved.violations.length, 1);
  });
  it('a service on a load balancer the code does not declare: not verified', async () => {
    const { violations, notAssessed } = await sandboxToData(
      'main.tf',
      terraform().replace(
        'load_balancer_frontend_ip_configuration_ids = [azurerm_lb.vector.frontend_ip_configuration[0].id]',
        `load_balancer_frontend_ip_configuration_ids = ["/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/loadBalancers/lb-shared/frontendIPConfigurations/fe"]`,
      ),
    );
    assert.equal(violations.length, 0);
    assert.ok(
      notAssessed.some((m) =>
        /load balancers could not be read \(network:load-balancers: 1 item\(s\) could not be read: \S+ \S+: Private Link service pls-vector is on load balancer lb-shared/.test(
          m,
        ),
      ),
      notAssessed.join('\n'),
    );
  });
  it('a NAT address Azure picks at deploy: the violation when the database admits its whole subnet, else cannot decide', async () => {
    // Whichever address Azure picks, the database admits it.
    const whole = await sandboxToData('main.tf', terraform({ natAddress: false }));
    assert.deepEqual(whole.cell.configurationPermits, ['tcp/6333']);
    assert.equal(whole.violations.length, 1);
    // Only some of the subnet: it depends on the pick, never a pass.
    const part = await sandboxToData('main.tf', terraform({ natAddress: false, backendFrom: '10.0.7.0/28' }));
    assert.deepEqual(part.cell.configurationPermits, []);
    assert.deepEqual(part.cell.unknown, ['tcp/6333']);
    assert.equal(part.violations.length, 0);
    // None of it: nothing.
    const none = await sandboxToData('main.tf', terraform({ natAddress: false, backendFrom: '10.0.5.0/24' }));
    assert.deepEqual([none.cell.configurationPermits, none.cell.unknown], [[], []]);
  });
  it('a stated NAT address beside one Azure picks: the service connects from each, so admitting the stated one is the violation', async () => {
    // The database admits only 10.0.7.5: the picked address may be refused, the stated one is not.
    const stated = await sandboxToData('main.tf', terraform({ pickedNat: true, backendFrom: '10.0.7.5/32' }));
    assert.deepEqual(stated.cell.configurationPermits, ['tcp/6333']);
    assert.equal(stated.violations.length, 1);
    // Half the subnet, not the stated address: it depends on the pick.
    const part = await sandboxToData('main.tf', terraform({ pickedNat: true, backendFrom: '10.0.7.128/25' }));
    assert.deepEqual([part.cell.configurationPermits, part.cell.unknown], [[], ['tcp/6333']]);
  });
});

const id = (type: string, ...names: string[]) => `[resourceId('${type}', ${names.map((n) => `'${n}'`).join(', ')})]`;
const LB = "resourceId('Microsoft.Network/loadBalancers', 'lb-vector')";
const NSG_RULE = (name: string, priority: number, access: string, source: string, port: string) => ({
  name,
  properties: {
    priority,
    direction: 'Inbound',
    access,
    protocol: access === 'Allow' ? 'Tcp' : '*',
    sourceAddressPrefix: source,
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: port,
  },
});

/** The Terraform fixture as an ARM template (nested subnets, pool and rule; membership on the NIC). */
function armTemplate(o: { manual?: boolean; autoApproval?: string[] } = {}) {
  const connection = {
    name: 'vector',
    properties: {
      privateLinkServiceId: id('Microsoft.Network/privateLinkServices', 'pls-vector'),
      ...(o.manual ? { requestMessage: 'vector search' } : {}),
    },
  };
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.Network/virtualNetworks',
        apiVersion: '2024-05-01',
        name: 'vnet-sandbox',
        location: 'eastus',
        properties: {
          addressSpace: { addressPrefixes: ['10.0.5.0/24'] },
          subnets: [{ name: 'snet-sandbox', properties: { addressPrefix: '10.0.5.0/24' } }],
        },
      },
      {
        type: 'Microsoft.Network/networkInterfaces',
        apiVersion: '2024-05-01',
        name: 'nic-agent',
        location: 'eastus',
        properties: {
          ipConfigurations: [
            {
              name: 'ipconfig1',
              properties: {
                privateIPAllocationMethod: 'Dynamic',
                subnet: { id: id('Microsoft.Network/virtualNetworks/subnets', 'vnet-sandbox', 'snet-sandbox') },
              },
            },
          ],
        },
      },
      {
        type: 'Microsoft.Network/privateEndpoints',
        apiVersion: '2024-05-01',
        name: 'pe-vector',
        location: 'eastus',
        properties: {
          subnet: { id: id('Microsoft.Network/virtualNetworks/subnets', 'vnet-sandbox', 'snet-sandbox') },
          [o.manual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections']: [connection],
        },
      },
      {
        type: 'Microsoft.Network/networkSecurityGroups',
        apiVersion: '2024-05-01',
        name: 'nsg-data',
        location: 'eastus',
        properties: {
          securityRules: [
            NSG_RULE('vector-from-pls', 100, 'Allow', '10.0.7.0/24', '6333'),
            NSG_RULE('deny-rest', 4000, 'Deny', '*', '*'),
          ],
        },
      },
      {
        type: 'Microsoft.Network/virtualNetworks',
        apiVersion: '2024-05-01',
        name: 'vnet-data',
        location: 'eastus',
        properties: {
          addressSpace: { addressPrefixes: ['10.0.3.0/24', '10.0.7.0/24'] },
          subnets: [
            {
              name: 'snet-data',
              properties: {
                addressPrefix: '10.0.3.0/24',
                networkSecurityGroup: { id: id('Microsoft.Network/networkSecurityGroups', 'nsg-data') },
              },
            },
            {
              name: 'snet-pls',
              properties: { addressPrefix: '10.0.7.0/24', privateLinkServiceNetworkPolicies: 'Disabled' },
            },
          ],
        },
      },
      {
        type: 'Microsoft.Network/networkInterfaces',
        apiVersion: '2024-05-01',
        name: 'nic-db',
        location: 'eastus',
        properties: {
          ipConfigurations: [
            {
              name: 'ipconfig1',
              properties: {
                privateIPAllocationMethod: 'Static',
                privateIPAddress: '10.0.3.4',
                subnet: { id: id('Microsoft.Network/virtualNetworks/subnets', 'vnet-data', 'snet-data') },
                loadBalancerBackendAddressPools: [{ id: `[concat(${LB}, '/backendAddressPools/pool')]` }],
              },
            },
          ],
        },
      },
      {
        type: 'Microsoft.Network/loadBalancers',
        apiVersion: '2024-05-01',
        name: 'lb-vector',
        location: 'eastus',
        sku: { name: 'Standard' },
        properties: {
          frontendIPConfigurations: [
            {
              name: 'fe',
              properties: {
                privateIPAllocationMethod: 'Static',
                privateIPAddress: '10.0.3.10',
                subnet: { id: id('Microsoft.Network/virtualNetworks/subnets', 'vnet-data', 'snet-data') },
              },
            },
          ],
          backendAddressPools: [{ name: 'pool' }],
          loadBalancingRules: [
            {
              name: 'vector',
              properties: {
                frontendIPConfiguration: { id: `[concat(${LB}, '/frontendIPConfigurations/fe')]` },
                backendAddressPool: { id: `[concat(${LB}, '/backendAddressPools/pool')]` },
                protocol: 'Tcp',
                frontendPort: 6333,
                backendPort: 6333,
              },
            },
          ],
        },
      },
      {
        type: 'Microsoft.Network/privateLinkServices',
        apiVersion: '2024-05-01',
        name: 'pls-vector',
        location: 'eastus',
        properties: {
          loadBalancerFrontendIpConfigurations: [{ id: `[concat(${LB}, '/frontendIPConfigurations/fe')]` }],
          ipConfigurations: [
            {
              name: 'nat',
              properties: {
                primary: true,
                privateIPAllocationMethod: 'Static',
                privateIPAddress: '10.0.7.5',
                subnet: { id: id('Microsoft.Network/virtualNetworks/subnets', 'vnet-data', 'snet-pls') },
              },
            },
          ],
          ...(o.autoApproval ? { autoApproval: { subscriptions: o.autoApproval } } : {}),
        },
      },
    ],
  };
}

describe('verify on ARM templates and Bicep: a Private Link service declared in the template', () => {
  it('the sandbox reaching the private endpoint reaches the database behind the service', async () => {
    const { cell, violations, hops } = await sandboxToData('main.json', JSON.stringify(armTemplate()));
    assert.deepEqual(cell.configurationPermits, ['tcp/6333']);
    assert.equal(violations.length, 1);
    assert.ok(
      hops.some((h) => /private endpoint pe-vector of Private Link service pls-vector/.test(h)),
      hops.join('\n'),
    );
  });
  it('a manual connection: pending unless the service auto-approves the deployment’s subscription', async () => {
    const pending = await sandboxToData('main.json', JSON.stringify(armTemplate({ manual: true })));
    assert.deepEqual(pending.cell.configurationPermits, []);
    assert.deepEqual(pending.cell.unknown, ['tcp/6333']);
    const approved = await sandboxToData(
      'main.json',
      JSON.stringify(armTemplate({ manual: true, autoApproval: ['[subscription().subscriptionId]'] })),
    );
    assert.equal(approved.violations.length, 1);
  });
  it('a service on a load balancer no template declares: not verified', async () => {
    const t = armTemplate();
    const pls = t.resources.find((r) => r.type === 'Microsoft.Network/privateLinkServices')!;
    (
      pls.properties as { loadBalancerFrontendIpConfigurations: { id: string }[] }
    ).loadBalancerFrontendIpConfigurations = [
      { id: "[concat(resourceId('Microsoft.Network/loadBalancers', 'lb-shared'), '/frontendIPConfigurations/fe')]" },
    ];
    const { violations, notAssessed } = await sandboxToData('main.json', JSON.stringify(t));
    assert.equal(violations.length, 0);
    assert.ok(
      notAssessed.some((m) =>
        /load balancers could not be read \(network:load-balancers: 1 item\(s\) could not be read: \S+ \S+: Private Link service pls-vector is on load balancer lb-shared/.test(
          m,
        ),
      ),
      notAssessed.join('\n'),
    );
  });
  it('Bicep: the same service, endpoint and load balancer give the violation', async () => {
    const { violations, notAssessed } = await sandboxToData(
      'main.bicep',
      `
resource vnetSandbox 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-sandbox'
  location: 'eastus'
  properties: {
    addressSpace: { addressPrefixes: [ '10.0.5.0/24' ] }
    subnets: [ { name: 'snet-sandbox', properties: { addressPrefix: '10.0.5.0/24' } } ]
  }
}
resource agent 'Microsoft.Network/networkInterfaces@2024-05-01' = {
  name: 'nic-agent'
  location: 'eastus'
  properties: {
    ipConfigurations: [ {
      name: 'ipconfig1'
      properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: vnetSandbox.properties.subnets[0].id } }
    } ]
  }
}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-vector'
  location: 'eastus'
  properties: {
    subnet: { id: vnetSandbox.properties.subnets[0].id }
    privateLinkServiceConnections: [ { name: 'vector', properties: { privateLinkServiceId: pls.id } } ]
  }
}
resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-data'
  location: 'eastus'
  properties: {
    securityRules: [ {
      name: 'vector-from-pls'
      properties: {
        priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '10.0.7.0/24'
        sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '6333'
      }
    } ]
  }
}
resource vnetData 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-data'
  location: 'eastus'
  properties: {
    addressSpace: { addressPrefixes: [ '10.0.3.0/24', '10.0.7.0/24' ] }
    subnets: [
      { name: 'snet-data', properties: { addressPrefix: '10.0.3.0/24', networkSecurityGroup: { id: nsg.id } } }
      { name: 'snet-pls', properties: { addressPrefix: '10.0.7.0/24', privateLinkServiceNetworkPolicies: 'Disabled' } }
    ]
  }
}
resource db 'Microsoft.Network/networkInterfaces@2024-05-01' = {
  name: 'nic-db'
  location: 'eastus'
  properties: {
    ipConfigurations: [ {
      name: 'ipconfig1'
      properties: {
        privateIPAllocationMethod: 'Static', privateIPAddress: '10.0.3.4', subnet: { id: vnetData.properties.subnets[0].id }
        loadBalancerBackendAddressPools: [ { id: '\${lb.id}/backendAddressPools/pool' } ]
      }
    } ]
  }
}
resource lb 'Microsoft.Network/loadBalancers@2024-05-01' = {
  name: 'lb-vector'
  location: 'eastus'
  sku: { name: 'Standard' }
  properties: {
    frontendIPConfigurations: [ {
      name: 'fe'
      properties: { privateIPAllocationMethod: 'Static', privateIPAddress: '10.0.3.10', subnet: { id: vnetData.properties.subnets[0].id } }
    } ]
    backendAddressPools: [ { name: 'pool' } ]
    loadBalancingRules: [ {
      name: 'vector'
      properties: {
        frontendIPConfiguration: { id: resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', 'lb-vector', 'fe') }
        backendAddressPool: { id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', 'lb-vector', 'pool') }
        protocol: 'Tcp', frontendPort: 6333, backendPort: 6333
      }
    } ]
  }
}
resource pls 'Microsoft.Network/privateLinkServices@2024-05-01' = {
  name: 'pls-vector'
  location: 'eastus'
  properties: {
    loadBalancerFrontendIpConfigurations: [ { id: lb.properties.frontendIPConfigurations[0].id } ]
    ipConfigurations: [ {
      name: 'nat'
      properties: { primary: true, privateIPAllocationMethod: 'Static', privateIPAddress: '10.0.7.5', subnet: { id: vnetData.properties.subnets[1].id } }
    } ]
  }
}
`,
    );
    // Every value is known: nothing is left not assessed.
    assert.deepEqual(notAssessed, []);
    assert.equal(violations.length, 1);
  });
});
