/**
 * Azure load balancers and application gateways declared in Terraform azurerm (azurerm_lb with its pools, rules, NAT
 * rules and NIC associations as resources of their own; azurerm_application_gateway) and ARM templates (nested
 * children, membership on the NIC): the data NIC has no public IP and its NSG admits Internet on 5432, so the
 * internet → data violation exists only through the load balancer.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { AzureInventory } from '../../src/inventory/azure.js';
import { loadPolicyFile } from '../../src/policy/load.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadArm } from '../../src/sources/iac/arm/load.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { compileAzure } from '../../src/verify/azure.js';
import { gapFindings } from '../../src/verify/gaps.js';
import { verifyModel } from '../../src/verify/questions.js';
import { azureTerraformBase } from '../support/azure-terraform.js';

const policy = loadPolicyFile('examples/cordon.yaml');

/** What the configuration permits from the internet into the data zone. */
async function internetToData(inv: AzureInventory): Promise<string[]> {
  const p = await policy;
  const r = verifyModel(compileAzure(inv, p), p, { clientPorts: [32768, 60999] });
  return r.matrix.find((m) => m.from === 'internet' && m.to === 'data')!.configurationPermits;
}

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function folder(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cordon-iac-az-lb-'));
  dirs.push(dir);
  await writeFile(path.join(dir, name), text);
  return dir;
}

const TF_BASE = `${azureTerraformBase({ data: '10.0.3.0/24', agw: '10.0.8.0/24' })}resource "azurerm_network_security_group" "data" {
  name                = "nsg-data"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  security_rule {
    name                       = "pg"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_address_prefix      = "Internet"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "5432"
  }
}
resource "azurerm_subnet_network_security_group_association" "data" {
  subnet_id                 = azurerm_subnet.s["data"].id
  network_security_group_id = azurerm_network_security_group.data.id
}
resource "azurerm_network_interface" "db" {
  name                = "nic-db"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  ip_configuration {
    name                          = "ipconfig1"
    subnet_id                     = azurerm_subnet.s["data"].id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.3.4"
  }
}
resource "azurerm_lb" "pub" {
  name                = "lb-pub"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  sku                 = "Standard"
  frontend_ip_configuration {
    name                 = "fe"
    public_ip_address_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai/providers/Microsoft.Network/publicIPAddresses/pip-lb"
  }
}
resource "azurerm_lb_backend_address_pool" "pool" {
  name            = "pool"
  loadbalancer_id = azurerm_lb.pub.id
}
`;

async function terraform(code: string): Promise<AzureInventory> {
  const root = await folder('main.tf', TF_BASE + code);
  const r = await loadTerraform(root, (await partitionSnapshot(root)).terraform);
  assert.deepEqual(
    r.errors.map((e) => e.format()),
    [],
  );
  return r.azure!;
}

const RULE = `
resource "azurerm_lb_rule" "pg" {
  name                           = "pg"
  loadbalancer_id                = azurerm_lb.pub.id
  protocol                       = "Tcp"
  frontend_port                  = 5432
  backend_port                   = 5432
  frontend_ip_configuration_name = "fe"
  backend_address_pool_ids       = [azurerm_lb_backend_address_pool.pool.id]
}
`;
const ASSOCIATION = `
resource "azurerm_network_interface_backend_address_pool_association" "db" {
  network_interface_id    = azurerm_network_interface.db.id
  ip_configuration_name   = "ipconfig1"
  backend_address_pool_id = azurerm_lb_backend_address_pool.pool.id
}
`;

describe('verify on Terraform azurerm: load balancers', () => {
  it('a rule and a NIC association put the data NIC behind the public front end', async () => {
    const inv = await terraform(RULE + ASSOCIATION);
    const lb = inv.loadBalancers[0]!;
    assert.equal(lb.backendAddressPools[0]!.id, `${lb.id}/backendAddressPools/pool`);
    assert.deepEqual(lb.rules[0]!.backendAddressPoolIds, [`${lb.id}/backendAddressPools/pool`]);
    assert.deepEqual(inv.networkInterfaces[0]!.ipConfigurations[0]!.loadBalancerBackendAddressPoolIds, [
      `${lb.id}/backendAddressPools/pool`,
    ]);
    assert.deepEqual(await internetToData(inv), ['tcp/5432']);
  });

  it('without the association, or without a rule, there is no path', async () => {
    assert.deepEqual(await internetToData(await terraform(RULE)), []);
    assert.deepEqual(await internetToData(await terraform(ASSOCIATION)), []);
  });

  it('a pool address (IP and VNet) is a member too, and a NAT rule to the NIC a path', async () => {
    const byAddress = await terraform(`${RULE}
resource "azurerm_lb_backend_address_pool_address" "db" {
  name                    = "db"
  backend_address_pool_id = azurerm_lb_backend_address_pool.pool.id
  virtual_network_id      = azurerm_virtual_network.v.id
  ip_address              = "10.0.3.4"
}
`);
    assert.deepEqual(await internetToData(byAddress), ['tcp/5432']);
    const nat = await terraform(`
resource "azurerm_lb_nat_rule" "pg" {
  name                           = "pg-direct"
  resource_group_name            = azurerm_resource_group.rg.name
  loadbalancer_id                = azurerm_lb.pub.id
  protocol                       = "Tcp"
  frontend_port                  = 15432
  backend_port                   = 5432
  frontend_ip_configuration_name = "fe"
}
resource "azurerm_network_interface_nat_rule_association" "db" {
  network_interface_id  = azurerm_network_interface.db.id
  ip_configuration_name = "ipconfig1"
  nat_rule_id           = azurerm_lb_nat_rule.pg.id
}
`);
    assert.deepEqual(await internetToData(nat), ['tcp/5432']);
  });

  it('a scale set whose NIC configuration names the pool is behind the front end (its instances are the pool)', async () => {
    const vmss = (pools: string) => `${RULE}
resource "azurerm_linux_virtual_machine_scale_set" "workers" {
  name                = "vmss-workers"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  sku                 = "Standard_D2s_v5"
  admin_username      = "azureuser"
  network_interface {
    name    = "nic"
    primary = true
    ip_configuration {
      name      = "ipconfig1"
      primary   = true
      subnet_id = azurerm_subnet.s["data"].id
      ${pools}
    }
  }
}
`;
    const member = await terraform(
      vmss('load_balancer_backend_address_pool_ids = [azurerm_lb_backend_address_pool.pool.id]'),
    );
    assert.deepEqual(
      member.networkInterfaces.find((n) => n.name.startsWith('vmss-workers'))?.ipConfigurations[0]
        ?.loadBalancerBackendAddressPoolIds,
      [`${member.loadBalancers[0]!.id}/backendAddressPools/pool`],
    );
    assert.deepEqual(await internetToData(member), ['tcp/5432']);
    // Not in the pool: the data subnet's NSG admits the internet, but nothing carries it there.
    assert.deepEqual(await internetToData(await terraform(vmss(''))), []);
    // An inbound NAT pool is not followed: any port of the front end may reach the instances (not decided).
    const natPool = await terraform(
      vmss(
        'load_balancer_inbound_nat_rules_ids = ["/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai/providers/Microsoft.Network/loadBalancers/lb-pub/inboundNatPools/ssh"]',
      ),
    );
    const p = await policy;
    const r = verifyModel(compileAzure(natPool, p), p, { clientPorts: [32768, 60999] });
    const cell = r.matrix.find((m) => m.from === 'internet' && m.to === 'data')!;
    assert.deepEqual(cell.unknown, ['tcp/5432']);
    assert.ok(
      r.notes.some((n) => /inbound NAT pool ssh of load balancer lb-pub, which cordon does not follow/.test(n)),
    );
  });

  it('an application gateway proxies from its subnet to the backend address', async () => {
    const code = (backendRule: string) => `
resource "azurerm_network_security_group" "db2" {
  name                = "nsg-db2"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  ${backendRule}
}
resource "azurerm_network_interface_security_group_association" "db" {
  network_interface_id      = azurerm_network_interface.db.id
  network_security_group_id = azurerm_network_security_group.db2.id
}
resource "azurerm_application_gateway" "agw" {
  name                = "agw"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  sku {
    name     = "Standard_v2"
    tier     = "Standard_v2"
    capacity = 2
  }
  gateway_ip_configuration {
    name      = "gw"
    subnet_id = azurerm_subnet.s["agw"].id
  }
  frontend_port {
    name = "https"
    port = 443
  }
  frontend_ip_configuration {
    name                 = "pub"
    public_ip_address_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai/providers/Microsoft.Network/publicIPAddresses/pip-agw"
  }
  backend_address_pool {
    name         = "db"
    ip_addresses = ["10.0.3.4"]
  }
  backend_http_settings {
    name                  = "s"
    cookie_based_affinity = "Disabled"
    port                  = 8080
    protocol              = "Http"
  }
  http_listener {
    name                           = "l"
    frontend_ip_configuration_name = "pub"
    frontend_port_name             = "https"
    protocol                       = "Https"
  }
  request_routing_rule {
    name                       = "r"
    rule_type                  = "Basic"
    priority                   = 10
    http_listener_name         = "l"
    backend_address_pool_name  = "db"
    backend_http_settings_name = "s"
  }
}
`;
    const allowGateway = `security_rule {
    name                       = "from-agw"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_address_prefix      = "10.0.8.0/24"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "8080"
  }
  security_rule {
    name                       = "deny"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_address_prefix      = "*"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "*"
  }`;
    const inv = await terraform(code(allowGateway));
    const g = inv.applicationGateways[0]!;
    assert.equal(g.routingRules[0]!.targets[0]!.settingsId, `${g.id}/backendHttpSettingsCollection/s`);
    assert.deepEqual(await internetToData(inv), ['tcp/443']);
    const closed = await terraform(code(allowGateway.replace('"10.0.8.0/24"', '"10.9.9.0/24"')));
    assert.deepEqual(await internetToData(closed), []);
  });

  it('a rule with a value not known before deploy leaves the load balancers of its scope not verified', async () => {
    const inv = await terraform(`${ASSOCIATION}
variable "port" { type = number }
resource "azurerm_lb_rule" "pg" {
  name                           = "pg"
  loadbalancer_id                = azurerm_lb.pub.id
  protocol                       = "Tcp"
  frontend_port                  = var.port
  backend_port                   = 5432
  frontend_ip_configuration_name = "fe"
  backend_address_pool_ids       = [azurerm_lb_backend_address_pool.pool.id]
}
`);
    const p = await policy;
    const gaps = gapFindings(compileAzure(inv, p));
    assert.equal(gaps.length, 1, JSON.stringify(gaps.map((g) => g.message)));
    assert.match(gaps[0]!.message, /load balancers could not be read/);
  });
});

const ARM_SUBNET = "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-ai', 'snet-data')]";
const LB_ID = "[resourceId('Microsoft.Network/loadBalancers', 'lb-pub')]";

describe('verify on ARM templates: load balancers', () => {
  it('a nested pool and rule, with the membership on the NIC, make the path', async () => {
    const template = (member: boolean) => ({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.Network/networkSecurityGroups',
          apiVersion: '2024-05-01',
          name: 'nsg-data',
          location: 'eastus',
          properties: {
            securityRules: [
              {
                name: 'pg',
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
          type: 'Microsoft.Network/virtualNetworks',
          apiVersion: '2024-05-01',
          name: 'vnet-ai',
          location: 'eastus',
          properties: {
            addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
            subnets: [
              {
                name: 'snet-data',
                properties: {
                  addressPrefix: '10.0.3.0/24',
                  networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg-data')]" },
                },
              },
            ],
          },
        },
        {
          type: 'Microsoft.Network/loadBalancers',
          apiVersion: '2024-05-01',
          name: 'lb-pub',
          location: 'eastus',
          sku: { name: 'Standard' },
          properties: {
            frontendIPConfigurations: [
              {
                name: 'fe',
                properties: {
                  publicIPAddress: { id: "[resourceId('Microsoft.Network/publicIPAddresses', 'pip-lb')]" },
                },
              },
            ],
            backendAddressPools: [{ name: 'pool' }],
            loadBalancingRules: [
              {
                name: 'pg',
                properties: {
                  frontendIPConfiguration: { id: `[concat(${LB_ID.slice(1, -1)}, '/frontendIPConfigurations/fe')]` },
                  backendAddressPool: { id: `[concat(${LB_ID.slice(1, -1)}, '/backendAddressPools/pool')]` },
                  protocol: 'Tcp',
                  frontendPort: 5432,
                  backendPort: 5432,
                },
              },
            ],
          },
        },
        {
          type: 'Microsoft.Network/networkInterfaces',
          apiVersion: '2024-05-01',
          name: 'nic-db',
          location: 'eastus',
          tags: { SecurityZone: 'data' },
          properties: {
            ipConfigurations: [
              {
                name: 'ipconfig1',
                properties: {
                  privateIPAllocationMethod: 'Static',
                  privateIPAddress: '10.0.3.4',
                  subnet: { id: ARM_SUBNET },
                  ...(member
                    ? {
                        loadBalancerBackendAddressPools: [
                          { id: `[concat(${LB_ID.slice(1, -1)}, '/backendAddressPools/pool')]` },
                        ],
                      }
                    : {}),
                },
              },
            ],
          },
        },
      ],
    });
    const run = async (member: boolean) => {
      const dir = await folder('main.json', JSON.stringify(template(member), null, 2));
      const r = await loadArm(dir, [path.join(dir, 'main.json')]);
      assert.deepEqual(
        r.errors.map((e) => e.format()),
        [],
      );
      return internetToData(r.inventory);
    };
    assert.deepEqual(await run(true), ['tcp/5432']);
    assert.deepEqual(await run(false), []);
    // A scale set instead of the NIC: its IP configuration's pool membership makes the path the same way.
    const scaleSet = template(false);
    const nic = scaleSet.resources.pop() as { properties: { ipConfigurations: { properties: object }[] } };
    scaleSet.resources.push({
      type: 'Microsoft.Compute/virtualMachineScaleSets',
      apiVersion: '2024-07-01',
      name: 'vmss-db',
      location: 'eastus',
      properties: {
        virtualMachineProfile: {
          networkProfile: {
            networkInterfaceConfigurations: [
              {
                name: 'nic',
                properties: {
                  ipConfigurations: [
                    {
                      name: 'ipconfig1',
                      properties: {
                        subnet: { id: ARM_SUBNET },
                        loadBalancerBackendAddressPools: [
                          { id: `[concat(${LB_ID.slice(1, -1)}, '/backendAddressPools/pool')]` },
                        ],
                      },
                    },
                  ],
                },
              },
            ],
          },
        },
      },
    } as unknown as (typeof scaleSet.resources)[number]);
    assert.ok(nic.properties.ipConfigurations.length > 0);
    const vmssDir = await folder('main.json', JSON.stringify(scaleSet, null, 2));
    const vmss = await loadArm(vmssDir, [path.join(vmssDir, 'main.json')]);
    assert.deepEqual(await internetToData(vmss.inventory), ['tcp/5432']);
    // The rule declared as a child resource of its own ("lb-pub/pg") joins the load balancer.
    const t = template(true);
    const lb = t.resources[2] as { properties: { loadBalancingRules: { name: string; properties: object }[] } };
    const [rule] = lb.properties.loadBalancingRules.splice(0, 1);
    t.resources.push({
      type: 'Microsoft.Network/loadBalancers/loadBalancingRules',
      apiVersion: '2024-05-01',
      name: `lb-pub/${rule!.name}`,
      dependsOn: [LB_ID],
      properties: rule!.properties,
    } as never);
    const dir = await folder('main.json', JSON.stringify(t, null, 2));
    const r = await loadArm(dir, [path.join(dir, 'main.json')]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(await internetToData(r.inventory), ['tcp/5432']);
  });
});
