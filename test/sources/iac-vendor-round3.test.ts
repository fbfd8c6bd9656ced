/**
 * Bicep and ARM as the third round of vendor reference deployments wrote them (an azd chat-with-your-data template
 * with its compiled main.json and Azure Verified Modules copied in): operators around member access, safe
 * dereference (`.?`, `[?i]`, compiled to `tryGet`), typed variables, resource-derived parameter types, and azd's
 * `${VAR}` placeholders read by the compiled template; Terraform as the terraform-aws-modules VPC and vpc-endpoints
 * modules write it (nested conditionals, endpoint service names looked up per for_each instance). The fixtures are
 * small and written for cordon.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadArm } from '../../src/sources/iac/arm/load.js';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { tmpTrees } from '../support/tmp-tree.js';

const tree = tmpTrees('cordon-vendor3-');

/** No input error: every declaration was read. */
const noErrors = (r: { errors: { format(): string }[] }) =>
  assert.deepEqual(
    r.errors.map((e) => e.format()),
    [],
  );

const skippedReasons = (partial: Map<string, Map<string, { reason: string }[]>>): string[] =>
  [...partial.values()].flatMap((m) => [...m.values()].flat().map((x) => x.reason));

describe('Bicep operators around member access', () => {
  it('bind `.x` and `[i]` tighter than `!`, `==`, `&&`, `??` and `?:`, as Bicep does', async () => {
    const dir = tree({
      'main.bicep': `
param cfg object = { enabled: false, name: 'x', list: [ { id: 'a' } ] }
param lock object = {}
param other string = 'x'
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-precedence'
  location: 'swedencentral'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  tags: {
    notMember: string(!cfg.enabled)
    equalsMember: string(other == cfg.name)
    andSafe: string(!empty(lock ?? {}) && lock.?kind != 'None')
    ternaryMember: cfg.enabled ? 'yes' : cfg.list[0].id
    safeMissing: cfg.?missing ?? 'fallback'
    safeIndex: cfg.list[?3].?id ?? 'none'
    arithmetic: string(1 + 2 * 3 == 7 && !(cfg.enabled || false))
  }
  properties: {
    publicNetworkAccess: other == cfg.name ? 'Disabled' : 'Enabled'
  }
}
`,
    });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    noErrors(r);
    const account = r.inventory.cognitiveAccounts.find((a) => a.name === 'oai-precedence');
    assert.ok(account, 'the account is read');
    assert.equal(account.publicNetworkAccess, 'Disabled');
    assert.deepEqual(account.tags, {
      notMember: 'true',
      equalsMember: 'true',
      andSafe: 'false',
      ternaryMember: 'a',
      safeMissing: 'fallback',
      safeIndex: 'none',
      arithmetic: 'true',
    });
  });

  it('reads typed variables, resource-derived and nullable user-defined parameter types, keeping what follows them', async () => {
    const dir = tree({
      'main.bicep': `
param zoneTags resourceInput<'Microsoft.Network/privateDnsZones@2024-06-01'>.tags?
import { lockType } from 'br/public:avm/utl/types/avm-common-types:0.6.0'
@description('A nullable parameter of a user-defined type, then an import: the grammar read a ternary.')
param networkInjections networkInjectionType?

import { privateEndpointType } from 'br/public:avm/utl/types/avm-common-types:0.6.0'
param privateEndpoints privateEndpointType[]?

param suffix string = 'rag'
var accountName string = 'oai-\${suffix}'
var access 'Enabled' | 'Disabled' = 'Disabled'
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: accountName
  location: 'swedencentral'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  tags: zoneTags ?? { none: 'true', endpoints: string(length(privateEndpoints ?? [])) }
  properties: {
    publicNetworkAccess: access
    networkInjections: networkInjections
  }
}
`,
    });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    noErrors(r);
    const account = r.inventory.cognitiveAccounts.find((a) => a.name === 'oai-rag');
    assert.ok(account, 'the account after the typed variables is read');
    assert.equal(account.publicNetworkAccess, 'Disabled');
    assert.deepEqual(account.tags, { none: 'true', endpoints: '0' });
  });
});

const ARM_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

describe('compiled Bicep (ARM JSON) of Azure Verified Modules', () => {
  it('evaluates tryGet, so network ACLs written with `.?` are known', async () => {
    const template = {
      $schema: ARM_SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: {
        networkAcls: { type: 'object', nullable: true, defaultValue: { defaultAction: 'Deny', ipRules: [] } },
        subnets: { type: 'array', defaultValue: [] },
      },
      resources: [
        {
          type: 'Microsoft.CognitiveServices/accounts',
          apiVersion: '2024-10-01',
          name: 'oai-tryget',
          location: 'swedencentral',
          kind: 'OpenAI',
          sku: { name: 'S0' },
          tags: {
            missing: "[coalesce(tryGet(parameters('networkAcls'), 'bypass'), 'none')]",
            outOfRange: "[coalesce(tryGet(parameters('subnets'), 2, 'id'), 'none')]",
            ofNull: "[coalesce(tryGet(null(), 'x'), 'none')]",
          },
          properties: {
            publicNetworkAccess: 'Disabled',
            networkAcls: {
              defaultAction: "[tryGet(parameters('networkAcls'), 'defaultAction')]",
              ipRules: "[tryGet(parameters('networkAcls'), 'ipRules')]",
            },
          },
        },
      ],
    };
    const dir = tree({ 'main.json': JSON.stringify(template, null, 2) });
    const r = await loadArm(dir, [path.join(dir, 'main.json')]);
    noErrors(r);
    assert.deepEqual(skippedReasons(r.inventory.partial), []);
    const account = r.inventory.cognitiveAccounts.find((a) => a.name === 'oai-tryget');
    assert.ok(account, 'the account is read');
    assert.equal(account.networkAcls?.defaultAction, 'Deny');
    assert.deepEqual(account.tags, { missing: 'none', outOfRange: 'none', ofNull: 'none' });
  });

  it("takes azd's ${VAR} placeholders in main.parameters.json as unknown for main.json too, never as text", async () => {
    const template = {
      $schema: ARM_SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: {
        location: { type: 'string' },
        enablePrivateNetworking: { type: 'bool', defaultValue: false },
        principal: { type: 'object', defaultValue: {} },
      },
      resources: [
        {
          condition: "[not(parameters('enablePrivateNetworking'))]",
          type: 'Microsoft.CognitiveServices/accounts',
          apiVersion: '2024-10-01',
          name: 'oai-azd',
          location: "[parameters('location')]",
          kind: 'OpenAI',
          sku: { name: 'S0' },
          tags: { owner: "[parameters('principal').id]" },
          properties: { publicNetworkAccess: 'Enabled' },
        },
      ],
    };
    const parameters = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
      contentVersion: '1.0.0.0',
      parameters: {
        location: { value: '${AZURE_LOCATION}' },
        enablePrivateNetworking: { value: '${AZURE_ENABLE_PRIVATE_NETWORKING=true}' },
        principal: { value: { id: '${PRINCIPAL_ID}', type: 'User' } },
      },
    };
    const dir = tree({
      'infra/main.json': JSON.stringify(template, null, 2),
      'infra/main.parameters.json': JSON.stringify(parameters, null, 2),
    });
    const r = await loadArm(dir, [path.join(dir, 'infra/main.json'), path.join(dir, 'infra/main.parameters.json')]);
    noErrors(r);
    assert.deepEqual(
      r.inventory.cognitiveAccounts.map((a) => a.name),
      [],
      'whether the account is deployed depends on the azd environment',
    );
    const reasons = skippedReasons(r.inventory.partial).join('\n');
    assert.match(reasons, /AZURE_ENABLE_PRIVATE_NETWORKING/);
    assert.doesNotMatch(reasons, /\$\{AZURE_LOCATION\}/, 'the placeholder is never read as a location');
  });
});

async function loadTf(files: Record<string, string>) {
  const root = tree(files);
  const parts = await partitionSnapshot(root);
  return loadTerraform(root, parts.terraform, { cwd: root });
}

describe('Terraform as the terraform-aws-modules VPC modules write it', () => {
  it('reads a nested conditional right-associatively (a ? 1 : b ? 3 : 2), as HCL does', async () => {
    const r = await loadTf({
      'main.tf': `
provider "aws" {
  region = "eu-west-1"
}
variable "single" {
  type    = bool
  default = true
}
variable "per_az" {
  type    = bool
  default = false
}
locals {
  nat_count = var.single ? 1 : var.per_az ? 3 : 2
  label     = var.per_az ? "per-az" : var.single ? "single" : "many"
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags       = { nat = tostring(local.nat_count), label = local.label }
}
`,
    });
    noErrors(r);
    const vpc = r.inventory!.vpcs.find((v) => v.id === 'aws_vpc.main');
    assert.ok(vpc, 'the VPC is read');
    assert.deepEqual(vpc.tags, { nat: '1', label: 'single' });
  });

  it('answers aws_vpc_endpoint_service.service_name per for_each instance, as the provider builds it', async () => {
    const r = await loadTf({
      'main.tf': `
provider "aws" {
  region = "eu-west-1"
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
locals {
  endpoints = {
    bedrock = { service = "bedrock-runtime" }
    custom  = { service_name = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0" }
  }
}
data "aws_vpc_endpoint_service" "this" {
  for_each     = local.endpoints
  service      = try(each.value.service, null)
  service_name = try(each.value.service_name, null)
}
resource "aws_vpc_endpoint" "this" {
  for_each          = local.endpoints
  vpc_id            = aws_vpc.main.id
  service_name      = data.aws_vpc_endpoint_service.this[each.key].service_name
  vpc_endpoint_type = "Interface"
}
`,
    });
    noErrors(r);
    assert.deepEqual(r.inventory!.vpcEndpoints.map((e) => [e.id, e.serviceName]).sort(), [
      ['aws_vpc_endpoint.this["bedrock"]', 'com.amazonaws.eu-west-1.bedrock-runtime'],
      ['aws_vpc_endpoint.this["custom"]', 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0'],
    ]);
  });

  it('reads a parenthesized operand of && and ||, and keeps a resource whose tag value is known only at deploy', async () => {
    const r = await loadTf({
      'main.tf': `
provider "aws" {
  region = "eu-west-1"
}
variable "azs" {
  type    = list(string)
  default = ["a", "b"]
}
variable "per_az" {
  type    = bool
  default = false
}
locals {
  name = "ex-\${basename(path.cwd)}"
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = local.name, Owner = "platform" }
}
resource "aws_subnet" "public" {
  count      = true && (!var.per_az || 2 >= length(var.azs)) ? 2 : 0
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
  tags       = { Name = "\${local.name}-public" }
}
resource "aws_security_group" "db" {
  name_prefix = local.name
  vpc_id      = aws_vpc.main.id
}
resource "aws_elasticache_subnet_group" "cache" {
  name       = local.name
  subnet_ids = aws_subnet.public[*].id
}
`,
    });
    noErrors(r);
    const inv = r.inventory!;
    assert.deepEqual(
      inv.subnets.map((x) => x.id),
      ['aws_subnet.public[0]', 'aws_subnet.public[1]'],
    );
    assert.equal(inv.vpcs[0]?.tags.Owner, 'platform');
    assert.match(inv.vpcs[0]?.tags.Name ?? '', /^\{.*basename\(path\.cwd\).*\}$/);
    assert.equal(inv.securityGroups.find((g) => g.id === 'aws_security_group.db')?.vpcId, 'aws_vpc.main');
    assert.deepEqual(
      [...inv.partial.values()].flatMap((m) => [...m.keys()]),
      [],
      "a tag or a name (a security group's, a subnet group's) known only at deploy leaves no data set partial",
    );
  });
});

describe('Terraform as the terraform-google-modules network modules write it', () => {
  it('converts "true"/"false" strings given to bool arguments, as Terraform does', async () => {
    const r = await loadTf({
      'main.tf': `
provider "google" {
  project = "p1"
  region  = "us-central1"
}
locals {
  subnets = [{ name = "ai", cidr = "10.2.0.0/24" }]
}
resource "google_compute_network" "vpc" {
  name                    = "ai-vpc"
  auto_create_subnetworks = "false"
}
resource "google_compute_subnetwork" "s" {
  for_each                 = { for s in local.subnets : s.name => s }
  name                     = each.value.name
  ip_cidr_range            = each.value.cidr
  network                  = google_compute_network.vpc.id
  private_ip_google_access = lookup(each.value, "subnet_private_access", "false")
}
`,
    });
    noErrors(r);
    const gcp = r.gcp!;
    assert.deepEqual(
      gcp.subnetworks.map((s) => [s.name, s.privateIpGoogleAccess]),
      [['ai', false]],
    );
    assert.equal(gcp.networks[0]?.autoCreateSubnetworks, false);
  });

  it("makes the network data set partial for private services access (a peering to Google's producer network)", async () => {
    const r = await loadTf({
      'main.tf': `
provider "google" {
  region = "us-central1"
}
resource "google_compute_network" "vpc" {
  project                 = "p1"
  name                    = "ai-vpc"
  auto_create_subnetworks = false
}
resource "google_compute_global_address" "psa" {
  project       = "p1"
  name          = "psa-range"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 16
  network       = google_compute_network.vpc.id
}
resource "google_service_networking_connection" "psa" {
  network                 = google_compute_network.vpc.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.psa.name]
}
`,
    });
    const partial = [...r.gcp!.partial]
      .filter(([scope]) => scope.startsWith('p1/'))
      .flatMap(([, m]) => m.get('compute:networks') ?? []);
    assert.match(partial.map((x) => x.reason).join('\n'), /google_service_networking_connection/);
  });
});

describe('Terraform as the Azure Verified Modules write it', () => {
  it('a registry module of provider `azure` not on disk leaves Azure data sets partial, not every cloud', async () => {
    const r = await loadTf({
      'main.tf': `
provider "azurerm" {
  features {}
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-ai"
  location = "swedencentral"
}
module "interfaces" {
  source  = "Azure/avm-utl-interfaces/azure"
  version = "0.2.0"
}
`,
    });
    assert.equal(r.inventory, undefined, 'no AWS scope (whose every check would be not assessed) is made up');
    const reasons = [...r.azure!.partial.values()].flatMap((m) => [...m.values()].flat().map((x) => x.reason));
    assert.match(reasons.join('\n'), /Azure\/avm-utl-interfaces\/azure/);
  });
});

describe('Terraform azurerm/azapi values no check reads', () => {
  it("a private endpoint's custom NIC name or a tag known only at deploy leaves the endpoint read", async () => {
    const r = await loadTf({
      'main.tf': `
provider "azurerm" {
  features {}
  subscription_id = "00000000-0000-0000-0000-000000000001"
}
data "azapi_resource" "existing_pe" {
  type      = "Microsoft.Network/privateEndpoints@2024-05-01"
  name      = "pe-oai"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai"
}
resource "azurerm_virtual_network" "vnet" {
  name                = "vnet-ai"
  location            = "swedencentral"
  resource_group_name = "rg-ai"
  address_space       = ["10.1.0.0/16"]
}
resource "azurerm_subnet" "pe" {
  name                 = "snet-pe"
  resource_group_name  = "rg-ai"
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["10.1.1.0/24"]
}
resource "azapi_resource" "pe" {
  type      = "Microsoft.Network/privateEndpoints@2024-05-01"
  name      = "pe-oai"
  location  = "swedencentral"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai"
  tags      = { owner = data.azapi_resource.existing_pe.output.tags.owner }
  body = {
    properties = {
      subnet                     = { id = azurerm_subnet.pe.id }
      customNetworkInterfaceName = data.azapi_resource.existing_pe.output.properties.customNetworkInterfaceName
      privateLinkServiceConnections = [{
        name = "oai"
        properties = {
          privateLinkServiceId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/oai"
          groupIds             = ["account"]
        }
      }]
    }
  }
}
`,
    });
    noErrors(r);
    const pe = r.azure!.privateEndpoints.find((p) => p.name === 'pe-oai');
    assert.ok(pe, 'the endpoint is read');
    assert.match(pe.tags?.owner ?? '', /^\{data\.azapi_resource\.existing_pe/);
    const reasons = [...r.azure!.partial.values()].flatMap((m) => [...m.values()].flat().map((x) => x.reason));
    assert.doesNotMatch(reasons.join('\n'), /existing_pe/, 'nothing is partial because of the unread values');
  });
});

describe('Bicep child modules as Azure Verified Modules write them', () => {
  it('a null passed to a module parameter with a default takes the default; a parent named as a::b is found', async () => {
    const dir = tree({
      'main.bicep': `
param settings object = {}
module account 'account.bicep' = {
  name: 'account'
  params: {
    publicNetworkAccess: settings.?publicNetworkAccess
  }
}
module container 'container.bicep' = {
  name: 'container'
}
`,
      'account.bicep': `
param publicNetworkAccess string = 'Disabled'
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-child'
  location: 'swedencentral'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: {
    publicNetworkAccess: publicNetworkAccess
  }
}
`,
      'container.bicep': `
resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: 'stdocs'
  resource blobServices 'blobServices@2024-01-01' existing = {
    name: 'default'
  }
}
resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  name: 'documents'
  parent: storage::blobServices
  properties: {
    publicAccess: 'None'
  }
}
`,
    });
    const r = await loadBicep(dir, [
      path.join(dir, 'main.bicep'),
      path.join(dir, 'account.bicep'),
      path.join(dir, 'container.bicep'),
    ]);
    noErrors(r);
    assert.equal(r.inventory.cognitiveAccounts.find((a) => a.name === 'oai-child')?.publicNetworkAccess, 'Disabled');
  });
});

describe('what bicep build and AVM write besides', () => {
  it('reads an import list over several lines, and keeps the lines of what follows', async () => {
    const dir = tree({
      'main.bicep': `import {
  lockType
  roleAssignmentType
} from 'br/public:avm/utl/types/avm-common-types:0.6.0'

param lock lockType?
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-imports'
  location: 'swedencentral'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: {
    publicNetworkAccess: 'Disabled'
  }
}
`,
    });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    noErrors(r);
    const account = r.inventory.cognitiveAccounts.find((a) => a.name === 'oai-imports');
    assert.ok(account, 'the account is read');
    assert.equal(account.origin.kind === 'file' ? account.origin.line : undefined, 7);
  });

  it("reads a nested deployment whose template is held in a variable ([variables('$fxv#0')])", async () => {
    const inner = {
      $schema: ARM_SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: { access: { type: 'string' } },
      resources: [
        {
          type: 'Microsoft.CognitiveServices/accounts',
          apiVersion: '2024-10-01',
          name: 'oai-held',
          location: 'swedencentral',
          kind: 'OpenAI',
          sku: { name: 'S0' },
          properties: { publicNetworkAccess: "[parameters('access')]" },
        },
      ],
    };
    const template = {
      $schema: ARM_SCHEMA,
      contentVersion: '1.0.0.0',
      variables: { '$fxv#0': inner },
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2023-07-01',
          name: 'held',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: "[variables('$fxv#0')]",
            parameters: { access: { value: 'Disabled' } },
          },
        },
      ],
    };
    const dir = tree({ 'main.json': JSON.stringify(template, null, 2) });
    const r = await loadArm(dir, [path.join(dir, 'main.json')]);
    noErrors(r);
    assert.equal(r.inventory.cognitiveAccounts.find((a) => a.name === 'oai-held')?.publicNetworkAccess, 'Disabled');
  });
});

describe('Bicep object spread', () => {
  it('reads ...x in an object as the union of its parts, a later key winning, in values and resource bodies', async () => {
    const dir = tree({
      'main.bicep': `
param hns bool = true
param extra object = { minimumTlsVersion: 'TLS1_2' }
var base = { a: '1', b: '1' }
var merged = {
  ...base
  b: '2'
  ...(hns ? { c: '3' } : {})
}
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-spread'
  location: 'swedencentral'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  tags: merged
  properties: {
    publicNetworkAccess: 'Enabled'
    ...extra
    ...(hns ? { publicNetworkAccess: 'Disabled' } : {})
  }
}
var list = [
  'keep'
]
`,
    });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    noErrors(r);
    const account = r.inventory.cognitiveAccounts.find((a) => a.name === 'oai-spread');
    assert.ok(account, 'the account is read');
    assert.deepEqual(account.tags, { a: '1', b: '2', c: '3' });
    assert.equal(account.publicNetworkAccess, 'Disabled', 'the later spread wins');
  });
});
