/**
 * `cordon verify` before deploy: the network interfaces AWS creates for the resources a Terraform or CloudFormation
 * tree declares (src/sources/iac/aws-interfaces.ts), compiled with the AWS compiler and verified with the same
 * questions as a snapshot. The IaC examples must give their snapshot twins' violations and broken intent (by zone
 * pair and packet class) on the interfaces both hold, and the stand-in addresses of interfaces whose address is
 * picked at deploy must not hide a path that only part of a subnet has.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { loadPolicyFile, type ZonePolicy } from '../../src/policy/load.js';
import { loadAwsSnapshot } from '../../src/sources/aws-snapshot/load.js';
import { loadAzureSnapshot } from '../../src/sources/azure-snapshot/load.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadCloudFormation } from '../../src/sources/iac/cloudformation/load.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { loadArm } from '../../src/sources/iac/arm/load.js';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';
import { compileAzure } from '../../src/verify/azure.js';
import { compileAws } from '../../src/verify/aws.js';
import type { NetworkModel } from '../../src/verify/model.js';
import { verifyModel } from '../../src/verify/questions.js';
import { partialModelData } from '../../src/verify/partial.js';
import { azureTerraformBase } from '../support/azure-terraform.js';

const CLIENT_PORTS: [number, number] = [32768, 60999];
const policy = loadPolicyFile('examples/cordon.yaml');

async function terraform(dir: string): Promise<AwsInventory> {
  const r = await loadTerraform(path.resolve(dir), (await partitionSnapshot(path.resolve(dir))).terraform);
  assert.deepEqual(
    r.errors.map((e) => e.format()),
    [],
  );
  return r.inventory!;
}

async function cloudFormation(dir: string): Promise<AwsInventory> {
  const r = await loadCloudFormation(path.resolve(dir), (await partitionSnapshot(path.resolve(dir))).cloudformation);
  assert.deepEqual(r.errors, []);
  return r.inventory;
}

/** The Azure inventory of a snapshot, ARM or Bicep folder (its files sorted to the reader as `cordon scan` sorts them). */
async function azure(kind: 'azure' | 'arm' | 'bicep', dir: string) {
  const abs = path.resolve(dir);
  const files = (await partitionSnapshot(abs))[kind];
  const r =
    kind === 'azure'
      ? await loadAzureSnapshot(abs, files)
      : kind === 'arm'
        ? await loadArm(abs, files)
        : await loadBicep(abs, files);
  assert.deepEqual(r.errors, []);
  return r.inventory;
}

/** Violations, broken intent and undecided classes, by zone pair and packet class (resource ids differ by source). */
function verdicts(model: NetworkModel, p: ZonePolicy): string[] {
  const r = verifyModel(model, p, { clientPorts: CLIENT_PORTS });
  return r.findings
    .map((f) => {
      const e = f.evidence as { from: string; to: string; classes: string[] };
      return `${f.checkId} ${e.from} -> ${e.to}: ${e.classes.join(', ')}`;
    })
    .sort();
}

/** The model restricted to the interfaces the snapshot twin lists too (it shows no interface for the others). */
function only(model: NetworkModel, keep: (id: string) => boolean): NetworkModel {
  return { ...model, interfaces: model.interfaces.filter((i) => keep(i.id)) };
}

async function snapshotVerdicts(dir: string): Promise<string[]> {
  return verdicts(compileAws((await loadAwsSnapshot(dir)).inventory, await policy), await policy);
}

describe('verify on infrastructure as code (AWS)', () => {
  it('Terraform: AWS creates an interface per instance and per subnet of an interface endpoint, in its subnet with its groups', async () => {
    const inv = await terraform('examples/terraform/aws-misconfigured');
    assert.ok(inv.datasets.get('444455556666/us-east-1')?.has('ec2:network-interfaces'));
    assert.equal(inv.partial.get('444455556666/us-east-1')?.get('ec2:network-interfaces'), undefined);
    const eni = (id: string) => inv.networkInterfaces.find((n) => n.id === id)!;
    const db = eni('eni:aws_instance.workload["vector-db"]');
    assert.equal(db.subnetId, 'aws_subnet.prod["data-a"]');
    assert.equal(db.vpcId, 'aws_vpc.prod');
    assert.deepEqual(db.groupIds, ['aws_security_group.this["vector-db"]']);
    assert.deepEqual(db.privateIps, []);
    assert.equal(db.addressAtDeploy, true);
    assert.equal(db.origin.kind === 'file' && db.origin.file, 'network.tf');
    const bedrock = inv.vpcEndpoints.find((e) => e.id === 'aws_vpc_endpoint.bedrock')!;
    assert.deepEqual(bedrock.networkInterfaceIds, [
      'eni:aws_vpc_endpoint.bedrock:aws_subnet.prod["inf-a"]',
      'eni:aws_vpc_endpoint.bedrock:aws_subnet.prod["inf-b"]',
    ]);
    assert.equal(eni(bedrock.networkInterfaceIds[1]!).interfaceType, 'vpc_endpoint');
    // An endpoint declared without groups gets the VPC's default group, as EC2 gives it.
    assert.deepEqual(eni('eni:aws_vpc_endpoint.logs:aws_subnet.prod["inf-a"]').groupIds, [
      'aws_vpc.prod.default_security_group_id',
    ]);
    const model = compileAws(inv, await policy);
    const m = model.interfaces.find((i) => i.id === db.id)!;
    assert.equal(m.zone, 'data');
    assert.match(m.ref.label, /assigned at deploy/);
    // A stand-in address of the subnet's usable range (AWS keeps 10.1.3.0-3 and 10.1.3.255).
    assert.deepEqual(
      m.addresses.map((a) => a.text),
      ['10.1.3.4/32'],
    );
    const runtime = model.interfaces.find((i) => i.id.startsWith('eni:aws_vpc_endpoint.bedrock_runtime:'))!;
    assert.equal(runtime.role, 'service-endpoint');
    assert.equal(runtime.zone, 'external_ai');
  });

  it('Terraform misconfigured gives its snapshot twin’s violations and broken intent', async () => {
    const model = compileAws(await terraform('examples/terraform/aws-misconfigured'), await policy);
    // The snapshot lists the four workloads and the Bedrock runtime endpoint's interface; not those of the other
    // endpoints or the load balancer, which AWS creates too.
    const shared = only(
      model,
      (id) => id.startsWith('eni:aws_instance.') || id.startsWith('eni:aws_vpc_endpoint.bedrock_runtime:'),
    );
    const expected = await snapshotVerdicts('examples/aws/misconfigured');
    assert.ok(expected.some((v) => v.startsWith('verify-zone-violation application -> data: tcp/6333-6334')));
    assert.deepEqual(verdicts(shared, await policy), expected);
    // The internet-facing load balancer answers the internet but opens no connection to it (its targets are private).
    const lb = model.interfaces.find((i) => i.id.startsWith('eni:aws_lb.claims_frontend:'))!;
    assert.equal(lb.publicIpv4, true);
    assert.ok(!verdicts(model, await policy).some((v) => v.includes('application -> internet')));
  });

  it('CloudFormation misconfigured gives its snapshot twin’s violations and broken intent; a stated address is kept', async () => {
    const inv = await cloudFormation('examples/cloudformation/aws-misconfigured');
    assert.deepEqual(inv.networkInterfaces.find((n) => n.id === 'eni:ModelProxy')?.privateIps, ['10.1.2.140']);
    const model = compileAws(inv, await policy);
    assert.deepEqual(
      model.interfaces.find((i) => i.id === 'eni:ModelProxy')?.addresses.map((a) => a.text),
      ['10.1.2.140/32'],
    );
    const keep = new Set(['eni:AppServer', 'eni:ModelProxy', 'eni:VectorDb', 'eni:CodeSandbox']);
    const shared = only(model, (id) => keep.has(id) || id === 'eni:BedrockRuntimeEndpoint:InferenceSubnetA');
    assert.deepEqual(verdicts(shared, await policy), await snapshotVerdicts('examples/aws/misconfigured'));
  });

  it('the reference twins verify clean, as their snapshot does', async () => {
    assert.deepEqual(await snapshotVerdicts('examples/aws/reference'), []);
    // The snapshot lists the endpoints' and the model proxies' interfaces; not the notebook's, the Studio domain's
    // or the load balancer's.
    const tf = compileAws(await terraform('examples/terraform/aws-reference'), await policy);
    const tfShared = only(tf, (id) => /^eni:(aws_instance|aws_vpc_endpoint)\./.test(id));
    assert.ok(tfShared.interfaces.length >= 2 + 12, `${tfShared.interfaces.length} interfaces`);
    assert.deepEqual(verdicts(tfShared, await policy), []);
    const cfn = compileAws(await cloudFormation('examples/cloudformation/aws-reference'), await policy);
    const cfnShared = only(cfn, (id) => /^eni:(ModelProxy[AB]|[A-Za-z]+Endpoint:)/.test(id));
    assert.ok(cfnShared.interfaces.length >= 2 + 12, `${cfnShared.interfaces.length} interfaces`);
    assert.deepEqual(verdicts(cfnShared, await policy), []);
  });
});

describe('interfaces whose address is picked at deploy', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const tree = async (main: string) => {
    const root = await mkdtemp(path.join(tmpdir(), 'cordon-iacv-'));
    dirs.push(root);
    await writeFile(path.join(root, 'main.tf'), main);
    return terraform(root);
  };
  const network = (dataIngressCidr: string) => `
provider "aws" { region = "us-east-1" }
resource "aws_vpc" "v" { cidr_block = "10.1.0.0/16" }
resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.1.1.0/24"
  tags       = { SecurityZone = "application" }
}
resource "aws_subnet" "data" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.1.3.0/24"
  tags       = { SecurityZone = "data" }
}
resource "aws_security_group" "app" {
  vpc_id = aws_vpc.v.id
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group" "db" {
  vpc_id = aws_vpc.v.id
  ingress {
    protocol    = "tcp"
    from_port   = 6333
    to_port     = 6334
    cidr_blocks = ["${dataIngressCidr}"]
  }
}
resource "aws_instance" "app" {
  ami                    = "ami-1"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
resource "aws_instance" "db" {
  ami                    = "ami-1"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.data.id
  vpc_security_group_ids = [aws_security_group.db.id]
}
`;
  const lateral = async (cidr: string) => {
    const model = compileAws(await tree(network(cidr)), await policy);
    return { model, found: verdicts(model, await policy).filter((v) => v.includes('application -> data')) };
  };

  it('a rule that admits only part of the subnet still finds the path: a stand-in address in each part', async () => {
    // Only the upper half of the app subnet may reach the database: one guessed address (10.1.1.4) would pass.
    const { model, found } = await lateral('10.1.1.128/25');
    const app = model.interfaces.find((i) => i.id === 'eni:aws_instance.app')!;
    assert.deepEqual(
      app.addresses.map((a) => a.text),
      ['10.1.1.4/32', '10.1.1.128/32'],
    );
    assert.deepEqual(found, ['verify-zone-violation application -> data: tcp/6333-6334']);
    const r = verifyModel(model, await policy, { clientPorts: CLIENT_PORTS });
    const f = r.findings.find((x) => x.checkId === 'verify-zone-violation')!;
    assert.match((f.evidence as { witness: { source: string } }).witness.source, /assigned at deploy/);
  });

  it('a rule that admits none of the subnet finds no path', async () => {
    const { model, found } = await lateral('10.1.9.0/24');
    assert.equal(model.interfaces.find((i) => i.id === 'eni:aws_instance.app')!.addresses.length, 1);
    assert.deepEqual(found, []);
  });

  it('interfaces of one subnet get distinct stand-ins; a subnet not known before deploy makes the data set partial', async () => {
    const inv = await tree(`
provider "aws" { region = "us-east-1" }
variable "subnet" { type = string }
resource "aws_vpc" "v" { cidr_block = "10.1.0.0/16" }
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.1.1.0/28"
}
resource "aws_network_interface" "a" { subnet_id = aws_subnet.s.id }
resource "aws_network_interface" "b" {
  subnet_id       = aws_subnet.s.id
  security_groups = [aws_vpc.v.default_security_group_id]
}
resource "aws_instance" "lost" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  subnet_id     = var.subnet
}
`);
    const model = compileAws(inv, await policy);
    assert.deepEqual(
      model.interfaces.map((i) => `${i.id} ${i.addresses.map((a) => a.text).join(',')}`),
      ['eni:aws_network_interface.a 10.1.1.4/32', 'eni:aws_network_interface.b 10.1.1.5/32'],
    );
    const partial = [...inv.partial.values()].flatMap((m) => m.get('ec2:network-interfaces') ?? []);
    assert.equal(partial.length, 1);
    assert.match(partial[0]!.reason, /aws_instance\.lost\.subnet_id is not known before deploy: var\.subnet/);
    assert.equal(partial[0]!.line, 17);
  });
});

describe('verify on infrastructure as code (Azure): NICs whose address is picked at deploy', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const template = (allowFrom: string) => ({
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
            {
              name: 'qdrant-from-app',
              properties: {
                priority: 100,
                direction: 'Inbound',
                access: 'Allow',
                protocol: 'Tcp',
                sourceAddressPrefix: allowFrom,
                sourcePortRange: '*',
                destinationAddressPrefix: '*',
                destinationPortRange: '6333-6334',
              },
            },
            {
              name: 'deny-vnet',
              properties: {
                priority: 200,
                direction: 'Inbound',
                access: 'Deny',
                protocol: '*',
                sourceAddressPrefix: 'VirtualNetwork',
                sourcePortRange: '*',
                destinationAddressPrefix: '*',
                destinationPortRange: '*',
              },
            },
          ],
        },
      },
      {
        type: 'Microsoft.Network/virtualNetworks',
        apiVersion: '2023-09-01',
        name: 'vnet-ai',
        location: 'eastus',
        dependsOn: ["[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg-data')]"],
        properties: {
          addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
          subnets: [
            { name: 'snet-app', properties: { addressPrefix: '10.0.1.0/24' } },
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
      ...['app', 'data'].map((z) => ({
        type: 'Microsoft.Network/networkInterfaces',
        apiVersion: '2023-09-01',
        name: `nic-${z}`,
        location: 'eastus',
        properties: {
          ipConfigurations: [
            {
              name: 'ipconfig1',
              properties: {
                privateIPAllocationMethod: 'Dynamic',
                subnet: { id: `[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-ai', 'snet-${z}')]` },
              },
            },
          ],
        },
      })),
    ],
  });
  const lateral = async (allowFrom: string) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cordon-iacv-arm-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'main.json'), JSON.stringify(template(allowFrom), null, 2));
    const r = await loadArm(dir, [path.join(dir, 'main.json')]);
    assert.deepEqual(r.errors, []);
    const model = compileAzure(r.inventory, await policy);
    return { model, found: verdicts(model, await policy).filter((v) => v.includes('application -> data')) };
  };

  it('a NIC declared without an address stands for every address of its subnet: a rule admitting part of it is found', async () => {
    const { model, found } = await lateral('10.0.1.128/25');
    const app = model.interfaces.find((i) => i.id === 'nic-app')!;
    assert.deepEqual(
      app.addresses.map((a) => a.text),
      ['10.0.1.4/32', '10.0.1.128/32'],
    );
    assert.equal(app.zone, 'application');
    assert.match(app.ref.label, /assigned at deploy/);
    assert.deepEqual(found, ['verify-zone-violation application -> data: tcp/6333-6334']);
  });

  it('and a rule admitting none of it finds no path', async () => {
    const { found } = await lateral('10.0.9.0/24');
    assert.deepEqual(found, []);
  });
});

describe('verify on infrastructure as code (Azure): NICs and private endpoints', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('the ARM and Bicep misconfigured examples give their snapshot twin’s violations: Azure creates the private endpoints’ NICs', async () => {
    const arm = await azure('arm', 'examples/arm/azure-misconfigured');
    const oai = arm.networkInterfaces.find((n) => n.name === 'pe-oai.nic')!;
    assert.ok(oai.privateEndpointId?.endsWith('/privateEndpoints/pe-oai'));
    const expected = verdicts(
      compileAzure(await azure('azure', 'examples/azure/misconfigured'), await policy),
      await policy,
    );
    assert.ok(expected.some((v) => v.startsWith('verify-zone-violation management -> external_ai')));
    assert.deepEqual(verdicts(compileAzure(arm, await policy), await policy), expected);
    const bicep = await azure('bicep', 'examples/bicep/azure-misconfigured');
    assert.deepEqual(verdicts(compileAzure(bicep, await policy), await policy), expected);
  });

  it('the ARM and Bicep references verify as their snapshot twin does', async () => {
    const expected = verdicts(
      compileAzure(await azure('azure', 'examples/azure/reference'), await policy),
      await policy,
    );
    for (const kind of ['arm', 'bicep'] as const)
      assert.deepEqual(
        verdicts(compileAzure(await azure(kind, `examples/${kind}/azure-reference`), await policy), await policy),
        expected,
      );
  });

  it('Terraform azurerm: a NIC with dynamic allocation and its NSG association; a rule admitting part of a subnet is found', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'cordon-iacv-azurerm-'));
    dirs.push(root);
    await writeFile(
      path.join(root, 'main.tf'),
      `${azureTerraformBase({ app: '10.0.1.0/24', data: '10.0.3.0/24' })}resource "azurerm_network_security_group" "db" {
  name                = "nsg-db"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  security_rule {
    name                       = "qdrant"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_address_prefix      = "10.0.1.128/25"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "6333-6334"
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
resource "azurerm_network_interface" "nic" {
  for_each            = toset(["app", "data"])
  name                = "nic-\${each.key}"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  ip_configuration {
    name                          = "ipconfig1"
    subnet_id                     = azurerm_subnet.s[each.key].id
    private_ip_address_allocation = "Dynamic"
  }
}
resource "azurerm_network_interface_security_group_association" "db" {
  network_interface_id      = azurerm_network_interface.nic["data"].id
  network_security_group_id = azurerm_network_security_group.db.id
}
`,
    );
    const r = await loadTerraform(root, (await partitionSnapshot(root)).terraform);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const inv = r.azure!;
    assert.ok(inv.datasets.get('00000000-0000-0000-0000-000000000001')?.has('network:network-interfaces'));
    const data = inv.networkInterfaces.find((n) => n.name === 'nic-data')!;
    assert.match(data.networkSecurityGroupId ?? '', /networkSecurityGroups\/nsg-db$/);
    const model = compileAzure(inv, await policy);
    assert.deepEqual(
      model.interfaces.find((i) => i.id === 'nic-app')?.addresses.map((a) => a.text),
      ['10.0.1.4/32', '10.0.1.128/32'],
    );
    assert.deepEqual(
      verdicts(model, await policy).filter((v) => v.includes('application -> data')),
      ['verify-zone-violation application -> data: tcp/6333-6334'],
    );
  });
});

describe('verify on infrastructure as code: incomplete data', () => {
  it('an interface whose subnet is not known before deploy makes the scope not verified, naming the expression', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'cordon-iacv-partial-'));
    try {
      await writeFile(
        path.join(root, 'main.tf'),
        `provider "aws" { region = "us-east-1" }
variable "subnet" { type = string }
resource "aws_instance" "app" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  subnet_id     = var.subnet
}
`,
      );
      const inv = await terraform(root);
      const [f, ...rest] = partialModelData(
        'aws',
        inv.partial,
        ['ec2:network-interfaces', 'ec2:subnets'],
        'AWS::EC2::VPC',
      );
      assert.equal(rest.length, 0);
      assert.equal(f!.status, 'not-assessed');
      assert.equal(f!.resource.id, 'iac/us-east-1');
      assert.match(f!.message, /ec2:network-interfaces incomplete: .*var\.subnet.*\(main\.tf:6\)/);
      assert.deepEqual(partialModelData('aws', inv.partial, ['ec2:vpcs'], 'AWS::EC2::VPC'), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
