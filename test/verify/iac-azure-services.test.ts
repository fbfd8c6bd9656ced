/**
 * `cordon verify` before deploy sees the NICs Azure creates for services declared with a subnet (scale sets, AKS node
 * pools, Azure Machine Learning compute, Container Apps environments, App Service / Functions VNet integration), in
 * ARM, Bicep and Terraform azurerm. Each case adds one service to the data subnet of a network where the data NSG
 * admits tcp/6333 from the application subnet only: the application → data violation exists only because the
 * service's NIC does. A VNet integration only sends: it makes a data → application violation and admits nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { AzureInventory } from '../../src/inventory/azure.js';
import { loadPolicyFile } from '../../src/policy/load.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { workloadNics, WORKLOAD_TYPES } from '../../src/sources/iac/azure-interfaces.js';
import { loadArm } from '../../src/sources/iac/arm/load.js';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { compileAzure } from '../../src/verify/azure.js';
import { verifyModel } from '../../src/verify/questions.js';
import { azureTerraformBase } from '../support/azure-terraform.js';

const policy = loadPolicyFile('examples/cordon.yaml');
const APP_TO_DATA = 'verify-zone-violation application -> data: tcp/6333';

/** Violations and broken intent between the application and data zones (`both`: either way; else application → data). */
async function between(inv: AzureInventory, both = false): Promise<string[]> {
  const p = await policy;
  return verifyModel(compileAzure(inv, p), p, { clientPorts: [32768, 60999] })
    .findings.map((f) => {
      const e = f.evidence as { from: string; to: string; classes: string[] };
      return `${f.checkId} ${e.from} -> ${e.to}: ${e.classes.join(', ')}`;
    })
    .filter((v) => (both ? /application -> data|data -> application/ : /application -> data/).test(v));
}

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function folder(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cordon-iac-az-svc-'));
  dirs.push(dir);
  await writeFile(path.join(dir, name), text);
  return dir;
}

const DATA_SUBNET = "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-ai', 'snet-data')]";
const APP_SUBNET = "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-ai', 'snet-app')]";

function rule(name: string, priority: number, access: string, protocol: string, source: string, ports: string) {
  return {
    name,
    properties: {
      priority,
      direction: 'Inbound',
      access,
      protocol,
      sourceAddressPrefix: source,
      sourcePortRange: '*',
      destinationAddressPrefix: '*',
      destinationPortRange: ports,
    },
  };
}

/** The network, an application NIC, and `extra` resources. */
function template(extra: object[]) {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.Network/networkSecurityGroups',
        apiVersion: '2023-09-01',
        name: 'nsg-data',
        location: 'eastus',
        properties: {
          securityRules: [
            rule('qdrant-from-app', 100, 'Allow', 'Tcp', '10.0.1.0/24', '6333'),
            rule('deny-vnet', 200, 'Deny', '*', 'VirtualNetwork', '*'),
          ],
        },
      },
      {
        type: 'Microsoft.Network/networkSecurityGroups',
        apiVersion: '2023-09-01',
        name: 'nsg-app',
        location: 'eastus',
        properties: { securityRules: [rule('deny-vnet', 200, 'Deny', '*', 'VirtualNetwork', '*')] },
      },
      {
        type: 'Microsoft.Network/virtualNetworks',
        apiVersion: '2023-09-01',
        name: 'vnet-ai',
        location: 'eastus',
        properties: {
          addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
          subnets: [
            {
              name: 'snet-app',
              properties: {
                addressPrefix: '10.0.1.0/24',
                networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg-app')]" },
              },
            },
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
        type: 'Microsoft.Network/networkInterfaces',
        apiVersion: '2023-09-01',
        name: 'nic-app',
        location: 'eastus',
        properties: {
          ipConfigurations: [
            { name: 'ipconfig1', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: APP_SUBNET } } },
          ],
        },
      },
      ...extra,
    ],
  };
}

async function arm(extra: object[]): Promise<AzureInventory> {
  const dir = await folder('main.json', JSON.stringify(template(extra), null, 2));
  const r = await loadArm(dir, [path.join(dir, 'main.json')]);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(
    r.warnings.filter(
      (w) => /ignored/.test(w.message) && /virtualMachineScaleSets|managedClusters|sites/i.test(w.message),
    ),
    [],
  );
  return r.inventory;
}

const ARM_CASES: { service: string; resource: object; nic: string }[] = [
  {
    service: 'virtual machine scale set',
    nic: 'vmss-data.nic',
    resource: {
      type: 'Microsoft.Compute/virtualMachineScaleSets',
      apiVersion: '2024-03-01',
      name: 'vmss-data',
      location: 'eastus',
      sku: { name: 'Standard_D2s_v5', capacity: 3 },
      properties: {
        virtualMachineProfile: {
          networkProfile: {
            networkInterfaceConfigurations: [
              {
                name: 'nic',
                properties: {
                  primary: true,
                  ipConfigurations: [{ name: 'ip', properties: { subnet: { id: DATA_SUBNET } } }],
                },
              },
            ],
          },
        },
      },
    },
  },
  {
    service: 'AKS cluster (agent pool profile)',
    nic: 'aks-ml.system.nodes',
    resource: {
      type: 'Microsoft.ContainerService/managedClusters',
      apiVersion: '2024-05-01',
      name: 'aks-ml',
      location: 'eastus',
      properties: {
        dnsPrefix: 'aksml',
        agentPoolProfiles: [{ name: 'system', mode: 'System', count: 2, vnetSubnetID: DATA_SUBNET }],
      },
    },
  },
  {
    service: 'AKS agent pool (child resource)',
    nic: 'aks-ml.gpu.nodes',
    resource: {
      type: 'Microsoft.ContainerService/managedClusters/agentPools',
      apiVersion: '2024-05-01',
      name: 'aks-ml/gpu',
      properties: { count: 1, vmSize: 'Standard_NC6s_v3', vnetSubnetID: DATA_SUBNET },
    },
  },
  {
    service: 'Azure Machine Learning compute cluster',
    nic: 'mlw.cpu',
    resource: {
      type: 'Microsoft.MachineLearningServices/workspaces/computes',
      apiVersion: '2024-04-01',
      name: 'mlw/cpu',
      location: 'eastus',
      properties: {
        computeType: 'AmlCompute',
        properties: { vmSize: 'STANDARD_DS3_V2', subnet: { id: DATA_SUBNET } },
      },
    },
  },
  {
    service: 'Container Apps environment',
    nic: 'cae-ml.infrastructure',
    resource: {
      type: 'Microsoft.App/managedEnvironments',
      apiVersion: '2024-03-01',
      name: 'cae-ml',
      location: 'eastus',
      properties: { vnetConfiguration: { infrastructureSubnetId: DATA_SUBNET, internal: true } },
    },
  },
];

describe('verify on ARM and Bicep: NICs of the services Azure places in the template’s subnets', () => {
  it('without a service the network verifies clean', async () => {
    assert.deepEqual(await between(await arm([])), []);
  });
  for (const c of ARM_CASES)
    it(`${c.service}: its NIC makes the violation`, async () => {
      const inv = await arm([c.resource]);
      const nic = inv.networkInterfaces.find((n) => n.name === c.nic);
      assert.ok(nic, inv.networkInterfaces.map((n) => n.name).join(', '));
      assert.match(nic.ipConfigurations[0]!.subnetId!, /subnets\/snet-data$/);
      assert.equal(nic.ipConfigurations[0]!.privateIpAddress, undefined);
      assert.equal(nic.origin.kind === 'file' && nic.origin.file, 'main.json');
      assert.equal(nic.location, 'eastus');
      assert.deepEqual(await between(inv), [APP_TO_DATA]);
    });

  it('a scale set configuration’s own NSG filters its instances', async () => {
    const vmss = structuredClone(ARM_CASES[0]!.resource) as {
      properties: {
        virtualMachineProfile: {
          networkProfile: { networkInterfaceConfigurations: { properties: Record<string, unknown> }[] };
        };
      };
    };
    vmss.properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0]!.properties.networkSecurityGroup =
      { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg-app')]" };
    const inv = await arm([vmss]);
    assert.match(
      inv.networkInterfaces.find((n) => n.name === 'vmss-data.nic')!.networkSecurityGroupId ?? '',
      /nsg-app$/,
    );
    assert.deepEqual(await between(inv), []);
  });

  it('App Service VNet integration is outbound only: data → application, and nothing reaches it', async () => {
    const inv = await arm([
      {
        type: 'Microsoft.Web/sites',
        apiVersion: '2023-12-01',
        name: 'fn-ingest',
        location: 'eastus',
        kind: 'functionapp',
        properties: { virtualNetworkSubnetId: DATA_SUBNET },
      },
    ]);
    const nic = inv.networkInterfaces.find((n) => n.name === 'fn-ingest.vnet-integration')!;
    assert.equal(nic.outboundOnly, true);
    // The application NIC has an NSG that denies the VNet: open it so data → application is permitted.
    const open = await arm([
      {
        type: 'Microsoft.Web/sites/networkConfig',
        apiVersion: '2023-12-01',
        name: 'fn-ingest/virtualNetwork',
        properties: { subnetResourceId: DATA_SUBNET },
      },
    ]);
    assert.ok(open.networkInterfaces.some((n) => n.name === 'fn-ingest.virtualNetwork.vnet-integration'));
    assert.deepEqual(await between(inv, true), []);
    for (const i of [inv, open]) {
      const appNsg = i.networkSecurityGroups.find((g) => g.name === 'nsg-app')!;
      appNsg.securityRules = [];
      // Without the app subnet's deny, the integration reaches the application zone; and the app still not it.
      const found = await between(i, true);
      assert.ok(
        found.some((v) => v.startsWith('verify-zone-violation data -> application')),
        found.join('\n'),
      );
      assert.ok(!found.some((v) => v.startsWith('verify-zone-violation application -> data')), found.join('\n'));
    }
  });

  it('a subnet not known before deploy makes the NICs partial, naming the value', async () => {
    const t = template([
      {
        type: 'Microsoft.ContainerService/managedClusters',
        apiVersion: '2024-05-01',
        name: 'aks-ml',
        location: 'eastus',
        properties: { agentPoolProfiles: [{ name: 'system', vnetSubnetID: "[parameters('nodeSubnet')]" }] },
      },
    ]);
    const dir = await folder('main.json', JSON.stringify({ ...t, parameters: { nodeSubnet: { type: 'string' } } }));
    const r = await loadArm(dir, [path.join(dir, 'main.json')]);
    assert.deepEqual(r.errors, []);
    assert.ok(!r.inventory.networkInterfaces.some((n) => n.name.startsWith('aks-ml')));
    const partial = [...r.inventory.partial.values()].flatMap((m) => m.get('network:network-interfaces') ?? []);
    assert.equal(partial.length, 1);
    assert.match(partial[0]!.reason, /nodeSubnet/);
  });

  it('Bicep: an AKS node pool in the data subnet', async () => {
    const dir = await folder(
      'main.bicep',
      `
resource nsgData 'Microsoft.Network/networkSecurityGroups@2023-09-01' = {
  name: 'nsg-data'
  location: 'eastus'
  properties: {
    securityRules: [
      {
        name: 'qdrant-from-app'
        properties: { priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '10.0.1.0/24', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '6333' }
      }
      {
        name: 'deny-vnet'
        properties: { priority: 200, direction: 'Inbound', access: 'Deny', protocol: '*', sourceAddressPrefix: 'VirtualNetwork', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '*' }
      }
    ]
  }
}
resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-ai'
  location: 'eastus'
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [
      { name: 'snet-app', properties: { addressPrefix: '10.0.1.0/24' } }
      { name: 'snet-data', properties: { addressPrefix: '10.0.3.0/24', networkSecurityGroup: { id: nsgData.id } } }
    ]
  }
}
resource nicApp 'Microsoft.Network/networkInterfaces@2023-09-01' = {
  name: 'nic-app'
  location: 'eastus'
  properties: {
    ipConfigurations: [{ name: 'ipconfig1', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: vnet.properties.subnets[0].id } } }]
  }
}
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-ml'
  location: 'eastus'
  properties: {
    dnsPrefix: 'aksml'
    agentPoolProfiles: [{ name: 'system', mode: 'System', count: 2, vnetSubnetID: vnet.properties.subnets[1].id }]
  }
}
`,
    );
    const files = (await partitionSnapshot(dir)).bicep;
    const r = await loadBicep(dir, files);
    assert.deepEqual(r.errors, []);
    const nic = r.inventory.networkInterfaces.find((n) => n.name === 'aks-ml.system.nodes')!;
    assert.equal(nic.origin.kind === 'file' && nic.origin.file, 'main.bicep');
    assert.deepEqual(await between(r.inventory), [APP_TO_DATA]);
  });
});

const TF_BASE = `${azureTerraformBase({ app: '10.0.1.0/24', data: '10.0.3.0/24' })}resource "azurerm_network_security_group" "data" {
  name                = "nsg-data"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  security_rule {
    name                       = "qdrant"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_address_prefix      = "10.0.1.0/24"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "6333"
  }
  security_rule {
    name                       = "deny-vnet"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_address_prefix      = "VirtualNetwork"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "*"
  }
}
resource "azurerm_subnet_network_security_group_association" "data" {
  subnet_id                 = azurerm_subnet.s["data"].id
  network_security_group_id = azurerm_network_security_group.data.id
}
resource "azurerm_network_interface" "app" {
  name                = "nic-app"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  ip_configuration {
    name                          = "ipconfig1"
    subnet_id                     = azurerm_subnet.s["app"].id
    private_ip_address_allocation = "Dynamic"
  }
}
`;

const TF_CASES: { service: string; code: string; nic: string }[] = [
  {
    service: 'azurerm_linux_virtual_machine_scale_set',
    nic: 'vmss-data.nic',
    code: `
resource "azurerm_linux_virtual_machine_scale_set" "d" {
  name                = "vmss-data"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  sku                 = "Standard_D2s_v5"
  instances           = 3
  admin_username      = "ops"
  network_interface {
    name    = "nic"
    primary = true
    ip_configuration {
      name      = "ip"
      primary   = true
      subnet_id = azurerm_subnet.s["data"].id
    }
  }
}
`,
  },
  {
    service: 'azurerm_kubernetes_cluster default node pool',
    nic: 'aks-ml.system.nodes',
    code: `
resource "azurerm_kubernetes_cluster" "k" {
  name                = "aks-ml"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  dns_prefix          = "aksml"
  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D2s_v5"
    node_count     = 2
    vnet_subnet_id = azurerm_subnet.s["data"].id
  }
}
`,
  },
  {
    service: 'azurerm_kubernetes_cluster_node_pool',
    nic: 'aks-ml.gpu.nodes',
    code: `
resource "azurerm_kubernetes_cluster" "k" {
  name                = "aks-ml"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  dns_prefix          = "aksml"
  default_node_pool {
    name    = "system"
    vm_size = "Standard_D2s_v5"
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "gpu" {
  name                  = "gpu"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.k.id
  vm_size               = "Standard_NC6s_v3"
  vnet_subnet_id        = azurerm_subnet.s["data"].id
}
`,
  },
  {
    service: 'azurerm_machine_learning_compute_cluster',
    nic: 'mlw.cpu',
    code: `
resource "azurerm_machine_learning_compute_cluster" "c" {
  name                          = "cpu"
  location                      = "eastus"
  vm_priority                   = "Dedicated"
  vm_size                       = "STANDARD_DS3_V2"
  machine_learning_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai/providers/Microsoft.MachineLearningServices/workspaces/mlw"
  subnet_resource_id            = azurerm_subnet.s["data"].id
  scale_settings {
    min_node_count                       = 0
    max_node_count                       = 2
    scale_down_nodes_after_idle_duration = "PT30S"
  }
}
`,
  },
  {
    service: 'azurerm_container_app_environment',
    nic: 'cae-ml.infrastructure',
    code: `
resource "azurerm_container_app_environment" "e" {
  name                     = "cae-ml"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = "eastus"
  infrastructure_subnet_id = azurerm_subnet.s["data"].id
}
`,
  },
];

async function terraform(code: string) {
  const root = await folder('main.tf', TF_BASE + code);
  const r = await loadTerraform(root, (await partitionSnapshot(root)).terraform);
  assert.deepEqual(
    r.errors.map((e) => e.format()),
    [],
  );
  return r.azure!;
}

describe('verify on Terraform azurerm: NICs of the services Azure places in the code’s subnets', () => {
  it('without a service the network verifies clean', async () => {
    assert.deepEqual(await between(await terraform('')), []);
  });
  for (const c of TF_CASES)
    it(`${c.service}: its NIC makes the violation`, async () => {
      const inv = await terraform(c.code);
      const nic = inv.networkInterfaces.find((n) => n.name === c.nic);
      assert.ok(nic, inv.networkInterfaces.map((n) => n.name).join(', '));
      assert.equal(nic.origin.kind === 'file' && nic.origin.file, 'main.tf');
      assert.deepEqual(await between(inv), [APP_TO_DATA]);
    });

  it('a web app’s VNet integration (argument or swift connection) is outbound only', async () => {
    for (const code of [
      `
resource "azurerm_linux_function_app" "f" {
  name                      = "fn-ingest"
  resource_group_name       = azurerm_resource_group.rg.name
  location                  = "eastus"
  service_plan_id           = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai/providers/Microsoft.Web/serverFarms/plan"
  virtual_network_subnet_id = azurerm_subnet.s["data"].id
  site_config {}
}
`,
      `
resource "azurerm_linux_web_app" "w" {
  name                = "web-ingest"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai/providers/Microsoft.Web/serverFarms/plan"
  site_config {}
}
resource "azurerm_app_service_virtual_network_swift_connection" "w" {
  app_service_id = azurerm_linux_web_app.w.id
  subnet_id      = azurerm_subnet.s["data"].id
}
`,
    ]) {
      const inv = await terraform(code);
      const nic = inv.networkInterfaces.find((n) => n.name.endsWith('.vnet-integration'));
      assert.ok(nic, inv.networkInterfaces.map((n) => n.name).join(', '));
      assert.equal(nic.outboundOnly, true);
      assert.match(nic.ipConfigurations[0]!.subnetId!, /subnets\/snet-data$/i);
      // The application NIC has no NSG: the integration reaches it; nothing reaches the integration.
      const found = await between(inv, true);
      assert.ok(
        found.some((v) => v.startsWith('verify-zone-violation data -> application')),
        found.join('\n'),
      );
      assert.ok(!found.some((v) => v.startsWith('verify-zone-violation application -> data')), found.join('\n'));
    }
  });

  it('a subnet not known before deploy makes the NICs partial, naming the value', async () => {
    const inv = await terraform(`
variable "subnet" { type = string }
resource "azurerm_container_app_environment" "e" {
  name                     = "cae-ml"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = "eastus"
  infrastructure_subnet_id = var.subnet
}
`);
    assert.ok(!inv.networkInterfaces.some((n) => n.name.startsWith('cae-ml')));
    const partial = [...inv.partial.values()].flatMap((m) => m.get('network:network-interfaces') ?? []);
    assert.equal(partial.length, 1);
    assert.match(partial[0]!.reason, /var\.subnet/);
  });
});

describe('malformed service bodies (ARM shape)', () => {
  it('any body of a service type: no crash, NICs only with a subnet id', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WORKLOAD_TYPES),
        fc.jsonValue({ maxDepth: 6 }),
        fc.jsonValue(),
        (type, properties, name) => {
          for (const nic of workloadNics({ type, name, properties })) {
            assert.equal(typeof nic.name, 'string');
            assert.ok(nic.configs.length > 0);
            for (const c of nic.configs) assert.ok(typeof c.subnetId === 'string' && c.subnetId !== '');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
