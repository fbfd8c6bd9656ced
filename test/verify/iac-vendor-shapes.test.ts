/**
 * `cordon verify` on infrastructure as code written the way vendors' public reference deployments write it (Azure's
 * OpenAI / AI Foundry baseline, AWS's SageMaker and Bedrock samples, Google's Vertex AI blueprints). Each case is a
 * shape that once made verify say less than the code declares. The fixtures are small and written for cordon.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadPolicyFile } from '../../src/policy/load.js';
import { verifySnapshot } from '../../src/verify/run.js';
import type { AzureInventory } from '../../src/inventory/azure.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { compileAzure } from '../../src/verify/azure.js';
import { azureDnsFindings } from '../../src/verify/dns-azure.js';
import { verifyModel } from '../../src/verify/questions.js';
import { azureTerraformBase } from '../support/azure-terraform.js';
import { tmpTrees } from '../support/tmp-tree.js';

const policy = loadPolicyFile('examples/cordon.yaml');
const tree = tmpTrees('cordon-vendor-shapes-');

async function bicepInventory(files: Record<string, string>): Promise<AzureInventory> {
  const dir = tree(files);
  const r = await loadBicep(
    dir,
    Object.keys(files).map((f) => path.join(dir, f)),
  );
  assert.deepEqual(r.errors, []);
  return r.inventory;
}

async function terraformInventory(text: string): Promise<AzureInventory> {
  const dir = tree({ 'main.tf': text });
  const r = await loadTerraform(dir, (await partitionSnapshot(dir)).terraform);
  assert.deepEqual(r.errors, []);
  assert.ok(r.azure);
  return r.azure;
}

/** Violations, broken intent and not-assessed findings as `check from -> to: classes`. */
async function findingsOf(inv: AzureInventory): Promise<string[]> {
  const p = await policy;
  return verifyModel(compileAzure(inv, p), p, { clientPorts: [32768, 60999] }).findings.map((f) => {
    const e = f.evidence as { from: string; to: string; classes?: string[] };
    return `${f.checkId} ${e.from} -> ${e.to}: ${(e.classes ?? []).join(', ')}`;
  });
}

const bicepFindings = async (files: Record<string, string>) => findingsOf(await bicepInventory(files));

/** Two NSGs, each with a nested rule of the same symbolic name; the data NSG's admits SSH from the application subnet. */
const TWO_NSGS = `param location string = 'swedencentral'

resource nsgData 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-data'
  location: location
  properties: {
    securityRules: [
      {
        name: 'deny-vnet'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
  resource allow 'securityRules' = {
    name: 'allow-app-ssh'
    properties: {
      priority: 100
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourceAddressPrefix: '10.0.1.0/24'
      sourcePortRange: '*'
      destinationAddressPrefix: '*'
      destinationPortRange: '22'
    }
  }
}

resource nsgApp 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-app'
  location: location
  properties: { securityRules: [] }
  resource allow 'securityRules' = {
    name: 'allow-internet-https'
    properties: {
      priority: 100
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourceAddressPrefix: 'Internet'
      sourcePortRange: '*'
      destinationAddressPrefix: '*'
      destinationPortRange: '443'
    }
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-ai'
  location: location
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [
      { name: 'snet-app', properties: { addressPrefix: '10.0.1.0/24', networkSecurityGroup: { id: nsgApp.id } } }
      { name: 'snet-data', properties: { addressPrefix: '10.0.3.0/24', networkSecurityGroup: { id: nsgData.id } } }
    ]
  }
  resource app 'subnets' existing = { name: 'snet-app' }
  resource data 'subnets' existing = { name: 'snet-data' }
}

resource nicApp 'Microsoft.Network/networkInterfaces@2024-05-01' = {
  name: 'nic-app'
  location: location
  properties: {
    ipConfigurations: [ { name: 'ip', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: vnet::app.id } } } ]
  }
}

resource nicData 'Microsoft.Network/networkInterfaces@2024-05-01' = {
  name: 'nic-data'
  location: location
  properties: {
    ipConfigurations: [ { name: 'ip', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: vnet::data.id } } } ]
  }
}
`;

describe('Bicep nested resources of one symbolic name under different parents', () => {
  it("keeps every parent's child: the data NSG's nested rule is not replaced by the application NSG's", async () => {
    const findings = await bicepFindings({ 'main.bicep': TWO_NSGS });
    // Once the last `resource allow 'securityRules'` of the file won: the data NSG lost its SSH rule, and the
    // application -> data violation it opens was a clean cell.
    assert.ok(findings.includes('verify-zone-violation application -> data: tcp/22'), findings.join('\n'));
    // Renaming the nested rules apart gives the same answer (the translation no longer depends on the names).
    const apart = TWO_NSGS.replace(
      "resource allow 'securityRules' = {\n    name: 'allow-internet-https'",
      "resource allowHttps 'securityRules' = {\n    name: 'allow-internet-https'",
    );
    assert.notEqual(apart, TWO_NSGS);
    assert.deepEqual(await bicepFindings({ 'main.bicep': apart }), findings);
  });
});

/**
 * An AI Foundry account whose Agent Service is injected into the code's subnet (the OpenAI / Foundry baseline's
 * `networkInjections`, azurerm's `network_injection`): the agents send from that subnet, so its NSG and routes are
 * the inference zone's egress. The subnet (10.0.2.0/24, the inference zone) has no NSG and default outbound access.
 */
const AGENTS = (injection: string, agentsNsg = '') => `
param location string = 'eastus'
param agentSubnet string = ''
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-ai'
  location: location
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [
      {
        name: 'snet-agents'
        properties: {
          addressPrefix: '10.0.2.0/24'
          delegations: [ { name: 'apps', properties: { serviceName: 'Microsoft.App/environments' } } ]${agentsNsg}
        }
      }
    ]
  }
  resource agents 'subnets' existing = { name: 'snet-agents' }
}
resource foundry 'Microsoft.CognitiveServices/accounts@2025-04-01-preview' = {
  name: 'aif-ai'
  location: location
  kind: 'AIServices'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: 'aif-ai'
    publicNetworkAccess: 'Disabled'
    networkInjections: [ ${injection} ]
  }
}
`;

describe('AI Foundry Agent Service injected into a subnet of the code', () => {
  const INJECTED = "{ scenario: 'agent', subnetArmId: vnet::agents.id, useMicrosoftManagedNetwork: false }";

  it('Bicep: the agents are a source in their subnet, its egress judged (they were no interface: nothing verified)', async () => {
    const inv = await bicepInventory({ 'main.bicep': AGENTS(INJECTED) });
    const nic = inv.networkInterfaces.find((n) => n.name === 'aif-ai.agent-injection');
    assert.ok(nic, inv.networkInterfaces.map((n) => n.name).join(', '));
    assert.equal(nic.outboundOnly, true);
    assert.match(nic.ipConfigurations[0]!.subnetId ?? '', /virtualNetworks\/vnet-ai\/subnets\/snet-agents$/);
    assert.ok((await findingsOf(inv)).includes('verify-zone-violation inference -> internet: any'));
    // The account's own checks still read it.
    assert.equal(inv.cognitiveAccounts.length, 1);
  });

  it('an NSG that keeps the agents in denies the internet: no violation', async () => {
    const nsg = `
resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-agents'
  location: location
  properties: {
    securityRules: [
      {
        name: 'deny-internet'
        properties: {
          priority: 100
          direction: 'Outbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: 'Internet'
          destinationPortRange: '*'
        }
      }
    ]
  }
}`;
    const inv = await bicepInventory({
      'main.bicep': AGENTS(INJECTED, `\n          networkSecurityGroup: { id: nsg.id }`) + nsg,
    });
    assert.deepEqual(
      (await findingsOf(inv)).filter((f) => f.includes('inference -> internet')),
      [],
    );
  });

  it('scenario none, a Microsoft-managed network or no injection put no NIC in the subnet', async () => {
    for (const injection of [
      "{ scenario: 'none', subnetArmId: vnet::agents.id }",
      "{ scenario: 'agent', subnetArmId: vnet::agents.id, useMicrosoftManagedNetwork: true }",
      '',
    ]) {
      const inv = await bicepInventory({ 'main.bicep': AGENTS(injection) });
      assert.deepEqual(
        inv.networkInterfaces.map((n) => n.name),
        [],
        injection,
      );
    }
  });

  it('an injection subnet known only at deploy leaves the interfaces incomplete, not the account', async () => {
    const inv = await bicepInventory({
      'main.bicep': AGENTS("{ scenario: 'agent', subnetArmId: agentSubnet }").replace(
        "param agentSubnet string = ''",
        'param agentSubnet string',
      ),
    });
    const partial = [...inv.partial.values()].flatMap((m) => [...m.keys()]);
    assert.ok(partial.includes('network:network-interfaces'), partial.join(', '));
    assert.ok(!partial.includes('cognitiveservices:accounts'), partial.join(', '));
  });

  it('Terraform azurerm: network_injection makes the same NIC', async () => {
    const inv = await terraformInventory(`${azureTerraformBase({ agents: '10.0.2.0/24' })}
resource "azurerm_cognitive_account" "foundry" {
  name                  = "aif-ai"
  location              = "eastus"
  resource_group_name   = azurerm_resource_group.rg.name
  kind                  = "AIServices"
  sku_name              = "S0"
  custom_subdomain_name = "aif-ai"
  network_injection {
    scenario  = "agent"
    subnet_id = azurerm_subnet.s["agents"].id
  }
}
`);
    const nic = inv.networkInterfaces.find((n) => n.name === 'aif-ai.agent-injection');
    assert.ok(nic, inv.networkInterfaces.map((n) => n.name).join(', '));
    assert.ok((await findingsOf(inv)).includes('verify-zone-violation inference -> internet: any'));
  });
});

/**
 * The baseline's private endpoint for the Foundry account with a DNS zone group naming the linked privatelink zones.
 * Before deploy the zone holds no A record: Azure writes it, at the endpoint's address, when it creates the endpoint.
 */
const ENDPOINT = (zoneGroup: boolean, linked = true) => `
resource pesubnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' = {
  parent: vnet
  name: 'snet-pe'
  properties: { addressPrefix: '10.0.4.0/27' }
}
resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: 'privatelink.openai.azure.com'
  location: 'global'
  ${linked ? "resource link 'virtualNetworkLinks' = {\n    name: 'openai'\n    location: 'global'\n    properties: { virtualNetwork: { id: vnet.id }, registrationEnabled: false }\n  }" : ''}
}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-aif'
  location: location
  properties: {
    subnet: { id: pesubnet.id }
    privateLinkServiceConnections: [
      { name: 'aif', properties: { privateLinkServiceId: foundry.id, groupIds: ['account'] } }
    ]
  }
  ${zoneGroup ? "resource dnsGroup 'privateDnsZoneGroups' = {\n    name: 'aif'\n    properties: { privateDnsZoneConfigs: [ { name: 'openai', properties: { privateDnsZoneId: zone.id } } ] }\n  }" : ''}
}
`;

describe('Azure private endpoint DNS before deploy', () => {
  const INJECTED = "{ scenario: 'agent', subnetArmId: vnet::agents.id }";
  const dns = async (main: string) => {
    const inv = await bicepInventory({ 'main.bicep': main });
    const p = await policy;
    return azureDnsFindings(inv, p, compileAzure(inv, p))
      .filter((f) => (f.evidence as { name: string }).name === 'aif-ai.openai.azure.com')
      .map((f) => `${f.status}: ${f.message}`);
  };

  it('a zone group on the endpoint writes the A record at deploy: the name resolves privately', async () => {
    assert.deepEqual(await dns(AGENTS(INJECTED) + ENDPOINT(true)), []);
  });

  it('without the zone group nothing writes the record: a failure', async () => {
    const [f, ...rest] = await dns(AGENTS(INJECTED) + ENDPOINT(false));
    assert.deepEqual(rest, []);
    assert.match(f ?? '', /^fail: .*holds no A record for aif-ai/);
  });

  it('a zone group into a zone not linked to the calling VNet is still public DNS', async () => {
    const [f] = await dns(AGENTS(INJECTED) + ENDPOINT(true, false));
    assert.match(f ?? '', /^fail: .*not linked to the VNet/);
  });
});

/**
 * The baseline's application gateway: its listener certificate is a secret of an `existing` Key Vault and its backend
 * the `existing` web app's default host name, both known only at deploy. Neither changes what the gateway reaches.
 */
const GATEWAY = (fqdn: string) => `
param location string = 'eastus'
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv-ai'
  resource cert 'secrets' existing = { name: 'gateway-cert' }
}
resource webApp 'Microsoft.Web/sites@2023-12-01' existing = {
  name: 'app-ai'
}
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-ai'
  location: location
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [
      { name: 'snet-agw', properties: { addressPrefix: '10.0.8.0/24' } }
      { name: 'snet-data', properties: { addressPrefix: '10.0.3.0/24' } }
    ]
  }
  resource agw 'subnets' existing = { name: 'snet-agw' }
  resource data 'subnets' existing = { name: 'snet-data' }
}
resource pip 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-agw'
  location: location
  sku: { name: 'Standard' }
  properties: { publicIPAllocationMethod: 'Static' }
}
resource nicData 'Microsoft.Network/networkInterfaces@2024-05-01' = {
  name: 'nic-data'
  location: location
  properties: {
    ipConfigurations: [ { name: 'ip', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: vnet::data.id } } } ]
  }
}
var gw = resourceId('Microsoft.Network/applicationGateways', 'agw-ai')
resource appGateway 'Microsoft.Network/applicationGateways@2024-05-01' = {
  name: 'agw-ai'
  location: location
  properties: {
    sku: { name: 'WAF_v2', tier: 'WAF_v2' }
    gatewayIPConfigurations: [ { name: 'gw', properties: { subnet: { id: vnet::agw.id } } } ]
    sslCertificates: [ { name: 'cert', properties: { keyVaultSecretId: kv::cert.properties.secretUri } } ]
    frontendIPConfigurations: [ { name: 'pub', properties: { publicIPAddress: { id: pip.id } } } ]
    frontendPorts: [ { name: 'https', properties: { port: 443 } } ]
    backendAddressPools: [ { name: 'web', properties: { backendAddresses: [ { fqdn: ${fqdn} } ] } } ]
    backendHttpSettingsCollection: [ { name: 's', properties: { port: 443, protocol: 'Https' } } ]
    httpListeners: [
      {
        name: 'l'
        properties: {
          frontendIPConfiguration: { id: '\${gw}/frontendIPConfigurations/pub' }
          frontendPort: { id: '\${gw}/frontendPorts/https' }
          protocol: 'Https'
          sslCertificate: { id: '\${gw}/sslCertificates/cert' }
        }
      }
    ]
    requestRoutingRules: [
      {
        name: 'r'
        properties: {
          ruleType: 'Basic'
          priority: 100
          httpListener: { id: '\${gw}/httpListeners/l' }
          backendAddressPool: { id: '\${gw}/backendAddressPools/web' }
          backendHttpSettings: { id: '\${gw}/backendHttpSettingsCollection/s' }
        }
      }
    ]
  }
}
`;

describe('Bicep application gateway with deploy-time certificate and backend name', () => {
  it('is read (not a gateway "that could not be read"), the backend name a placeholder judged like any name', async () => {
    const deployTime = await bicepInventory({ 'main.bicep': GATEWAY('webApp.properties.defaultHostName') });
    const partial = [...deployTime.partial.values()].flatMap((m) => [...m.keys()]);
    assert.ok(!partial.includes('network:application-gateways'), partial.join(', '));
    const g = deployTime.applicationGateways[0];
    assert.ok(g);
    const names = JSON.stringify(g.backendAddressPools);
    assert.match(names, /a name known at deploy: .*webApp/);
    const literal = await bicepInventory({ 'main.bicep': GATEWAY("'app-ai.azurewebsites.net'") });
    // The gateway's paths are the same as with a literal name (FQDN backends may be any NIC it reaches).
    const found = await findingsOf(deployTime);
    assert.ok(
      found.some((f) => f.startsWith('verify-not-assessed internet -> data')),
      found.join('\n'),
    );
    assert.deepEqual(found, await findingsOf(literal));
  });
});

/** A location parameter and a VNet of 10.0.0.0/16 with one subnet, reached as `vnet::<symbol>`. */
const ONE_SUBNET = (vnet: string, subnet: string, prefix: string, symbol: string) => `
param location string = 'eastus'
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${vnet}'
  location: location
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [ { name: '${subnet}', properties: { addressPrefix: '${prefix}' } } ]
  }
  resource ${symbol} 'subnets' existing = { name: '${subnet}' }
}`;

describe('Azure Firewall declared before deploy', () => {
  it('a firewall in its declared subnet, its address Azure-assigned, is noted as such (not "subnet not in the inventory")', async () => {
    const inv = await bicepInventory({
      'main.bicep': `
${ONE_SUBNET('vnet-hub', 'AzureFirewallSubnet', '10.0.9.0/26', 'fwSubnet')}
resource fw 'Microsoft.Network/azureFirewalls@2024-05-01' = {
  name: 'fw-egress'
  location: location
  properties: {
    sku: { name: 'AZFW_VNet', tier: 'Standard' }
    ipConfigurations: [ { name: 'ip', properties: { subnet: { id: vnet::fwSubnet.id } } } ]
  }
}
`,
    });
    const p = await policy;
    const notes = [...compileAzure(inv, p).notes];
    assert.ok(
      notes.includes(
        'firewall fw-egress: its private address is not known (assigned at deploy), so routes to it and paths through it are unknown',
      ),
      notes.join('\n'),
    );
  });
});

/**
 * Google's Enterprise GenAI blueprint: a Workbench instance running as a service account the same code creates
 * (`service_accounts { email = google_service_account.runner.email }`), in a subnetwork of the inference zone.
 */
const WORKBENCH = (accountId: string) => `
variable "runner_id" {
  type = string
}
provider "google" {
  project = "prj-ml"
  region  = "us-central1"
}
resource "google_compute_network" "vpc" {
  name                    = "vpc-ml"
  auto_create_subnetworks = false
}
resource "google_compute_subnetwork" "ml" {
  name          = "sb-ml"
  network       = google_compute_network.vpc.id
  ip_cidr_range = "10.0.2.0/24"
  region        = "us-central1"
}
resource "google_service_account" "runner" {
  account_id   = ${accountId}
  display_name = "notebook runner"
}
resource "google_workbench_instance" "nb" {
  name     = "rag-notebook"
  location = "us-central1-a"
  gce_setup {
    disable_public_ip = true
    service_accounts {
      email = google_service_account.runner.email
    }
    network_interfaces {
      network = google_compute_network.vpc.id
      subnet  = google_compute_subnetwork.ml.id
    }
  }
}
`;

describe('Terraform google: a Workbench instance running as a service account of the same code', () => {
  const verifyTree = async (text: string) => {
    const dir = tree({ 'main.tf': text });
    const p = await policy;
    return verifySnapshot({ snapshot: dir, policy: p, policySource: 'p', cwd: dir, today: '2026-12-05' });
  };

  it("locates a finding at the notebook's declaration line, not a pointer into cordon's rendering", async () => {
    // In the application zone, which the reference policy opens to the internet on 443: the notebook has no public
    // address, so that intent is broken at the notebook.
    const r = await verifyTree(WORKBENCH('"rag-runner"').replace('10.0.2.0/24', '10.0.1.0/24'));
    const broken = r.findings.filter((f) => f.checkId === 'verify-broken-intent');
    assert.ok(broken.length > 0);
    for (const f of broken) {
      assert.equal(f.origin?.kind, 'file');
      const o = f.origin as { file: string; line?: number; pointer?: string };
      assert.equal(o.file, 'main.tf');
      assert.equal(o.line, 23, 'the google_workbench_instance block');
      assert.equal(o.pointer, 'google_workbench_instance.nb');
    }
  });

  it("resolves the account's email (account id @ project), so the notebook is a verified interface", async () => {
    const r = await verifyTree(WORKBENCH('"rag-runner"'));
    assert.equal(r.stats.interfaces, 1);
    assert.deepEqual(
      r.findings.filter((f) => f.status === 'not-assessed').map((f) => f.message),
      [],
    );
  });

  it("a grant whose count is known only at plan time (the blueprint's KMS grant) hides no network data", async () => {
    const grant = `
data "google_project" "ml" {}
resource "google_kms_crypto_key_iam_member" "agent" {
  count         = data.google_project.ml.number != null ? 1 : 0
  crypto_key_id = "projects/prj-ml/locations/us/keyRings/r/cryptoKeys/k"
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:service-\${data.google_project.ml.number}@gcp-sa-aiplatform.iam.gserviceaccount.com"
}
`;
    const r = await verifyTree(WORKBENCH('"rag-runner"') + grant);
    assert.equal(r.stats.interfaces, 1);
    assert.deepEqual(
      r.findings.filter((f) => f.status === 'not-assessed').map((f) => f.message),
      [],
    );
  });

  it('a notebook left out as not known before deploy leaves its project not verified, never a clean matrix', async () => {
    const r = await verifyTree(WORKBENCH('var.runner_id'));
    assert.equal(r.stats.interfaces, 0);
    const gaps = r.findings.filter((f) => f.status === 'not-assessed').map((f) => f.message);
    assert.ok(
      gaps.some((m) =>
        /prj-ml\/\S+ is not verified: notebooks:instances incomplete: value not known before deploy: .*\(main\.tf:\d+\)/.test(
          m,
        ),
      ),
      gaps.join('\n'),
    );
    // The data set is declared, read in part: the fix is in the code, not a gcloud listing.
    assert.ok(!gaps.some((m) => /gcloud/.test(m)), gaps.join('\n'));
  });
});

describe('Azure: a type cordon does not read, placed in a subnet, leaves the NICs incomplete', () => {
  /** API Management injected into a subnet: a type cordon does not read. */
  const APIM = `
${ONE_SUBNET('vnet-ai', 'snet-apim', '10.0.1.0/24', 'apimSubnet')}
resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' = {
  name: 'apim-ai-gateway'
  location: location
  sku: { name: 'Developer', capacity: 1 }
  properties: {
    publisherEmail: 'ops@example.com'
    publisherName: 'ops'
    virtualNetworkType: 'Internal'
    virtualNetworkConfiguration: { subnetResourceId: vnet::apimSubnet.id }
  }
}
`;
  const partialNics = (inv: AzureInventory) =>
    [...inv.partial.values()].flatMap((m) => (m.get('network:network-interfaces') ?? []).map((x) => x.reason));

  it('Bicep: API Management injected into a subnet is named; a Cosmos DB virtual network rule (an ACL) is not', async () => {
    const inv = await bicepInventory({
      'main.bicep': `${APIM}resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'cdb-threads'
  location: location
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [ { locationName: location } ]
    isVirtualNetworkFilterEnabled: true
    virtualNetworkRules: [ { id: vnet::apimSubnet.id } ]
  }
}
`,
    });
    assert.deepEqual(partialNics(inv), [
      "Microsoft.ApiManagement/service places network interfaces in the code's subnets and is not read by cordon, so they are not verified",
    ]);
  });

  it('verify names the resource and its line, not the Resource Graph query of a missing data set', async () => {
    const dir = tree({
      'main.bicep': APIM,
    });
    const r = await verifySnapshot({
      snapshot: dir,
      policy: await policy,
      policySource: 'p',
      cwd: dir,
      today: '2026-12-05',
    });
    const gaps = r.findings.filter((f) => f.checkId === 'verify-not-assessed').map((f) => f.message);
    assert.ok(
      gaps.some((m) =>
        /network:network-interfaces incomplete: Microsoft\.ApiManagement\/service .*\(main\.bicep:\d+\)/.test(m),
      ),
      gaps.join('\n'),
    );
    assert.ok(!gaps.some((m) => /missing or partial|az graph/.test(m)), gaps.join('\n'));
  });

  it('Terraform azurerm: the same for azurerm_api_management and azurerm_cosmosdb_account', async () => {
    const inv = await terraformInventory(`${azureTerraformBase({ apim: '10.0.1.0/24' })}
resource "azurerm_api_management" "gw" {
  name                 = "apim-ai-gateway"
  location             = "eastus"
  resource_group_name  = azurerm_resource_group.rg.name
  publisher_name       = "ops"
  publisher_email      = "ops@example.com"
  sku_name             = "Developer_1"
  virtual_network_type = "Internal"
  virtual_network_configuration {
    subnet_id = azurerm_subnet.s["apim"].id
  }
}
resource "azurerm_cosmosdb_account" "threads" {
  name                              = "cdb-threads"
  location                          = "eastus"
  resource_group_name               = azurerm_resource_group.rg.name
  offer_type                        = "Standard"
  is_virtual_network_filter_enabled = true
  consistency_policy {
    consistency_level = "Session"
  }
  geo_location {
    location          = "eastus"
    failover_priority = 0
  }
  virtual_network_rule {
    id = azurerm_subnet.s["apim"].id
  }
}
`);
    assert.deepEqual(partialNics(inv), [
      "azurerm_api_management places network interfaces in the code's subnets and is not mapped by cordon, so they are not verified",
    ]);
  });

  it('Terraform azurerm: Databricks and Spring Apps injected by subnet name or a role’s subnet id are named; a SQL server’s VNet rule (an ACL) is not', async () => {
    const inv = await terraformInventory(`${azureTerraformBase({ host: '10.0.1.0/24', container: '10.0.2.0/24' })}
resource "azurerm_databricks_workspace" "d" {
  name                = "dbw-features"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  sku                 = "premium"
  custom_parameters {
    no_public_ip        = true
    virtual_network_id  = azurerm_virtual_network.v.id
    public_subnet_name  = azurerm_subnet.s["host"].name
    private_subnet_name = azurerm_subnet.s["container"].name
  }
}
resource "azurerm_spring_cloud_service" "sp" {
  name                = "asa-tools"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  network {
    app_subnet_id             = azurerm_subnet.s["host"].id
    service_runtime_subnet_id = azurerm_subnet.s["container"].id
    cidr_ranges               = ["10.4.0.0/16", "10.5.0.0/16", "10.3.0.1/16"]
  }
}
resource "azurerm_mssql_virtual_network_rule" "r" {
  name      = "sql-vnet-rule"
  server_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ai/providers/Microsoft.Sql/servers/sql"
  subnet_id = azurerm_subnet.s["host"].id
}
`);
    assert.deepEqual(partialNics(inv).sort(), [
      "azurerm_databricks_workspace places network interfaces in the code's subnets and is not mapped by cordon, so they are not verified",
      "azurerm_spring_cloud_service places network interfaces in the code's subnets and is not mapped by cordon, so they are not verified",
    ]);
  });

  it('ARM: a Databricks workspace’s custom subnet names are named; a SQL server’s virtualNetworkRules child is not', async () => {
    const inv = await bicepInventory({
      'main.bicep': `
param location string = 'eastus'
resource dbw 'Microsoft.Databricks/workspaces@2024-05-01' = {
  name: 'dbw-features'
  location: location
  sku: { name: 'premium' }
  properties: {
    managedResourceGroupId: subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-dbw-managed')
    parameters: {
      customVirtualNetworkId: { value: resourceId('Microsoft.Network/virtualNetworks', 'vnet-ai') }
      customPublicSubnetName: { value: 'snet-host' }
      customPrivateSubnetName: { value: 'snet-container' }
      enableNoPublicIp: { value: true }
    }
  }
}
resource sql 'Microsoft.Sql/servers@2023-08-01-preview' existing = {
  name: 'sql'
}
resource rule 'Microsoft.Sql/servers/virtualNetworkRules@2023-08-01-preview' = {
  parent: sql
  name: 'vnet-rule'
  properties: {
    virtualNetworkSubnetId: resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-ai', 'snet-host')
  }
}
`,
    });
    assert.deepEqual(partialNics(inv), [
      "Microsoft.Databricks/workspaces places network interfaces in the code's subnets and is not read by cordon, so they are not verified",
    ]);
  });
});

describe('Terraform module calls in reference order, not name order', () => {
  // aws-ia's examples call `module.network_firewall` with outputs of `module.vpc`: in name order the firewall's
  // inputs were evaluated before the VPC's call existed ("no such module call"), and `try()` took its fallback.
  const files = {
    'main.tf': `
provider "aws" { region = "us-east-1" }
module "app" {
  source = "./app"
  vpc_id = module.vpc.id
  admit  = try(module.vpc.cidr, "192.0.2.1/32")
}
module "vpc" {
  source = "./vpc"
}
`,
    'vpc/main.tf': `
resource "aws_vpc" "this" { cidr_block = "10.1.0.0/16" }
output "id" { value = aws_vpc.this.id }
output "cidr" { value = aws_vpc.this.cidr_block }
`,
    'app/main.tf': `
variable "vpc_id" { type = string }
variable "admit" { type = string }
resource "aws_security_group" "db" {
  vpc_id = var.vpc_id
  ingress {
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = [var.admit]
  }
}
`,
  };

  it('a reference to a module call that does not exist is an unknown value, not an internal error', async () => {
    const dir = tree({
      ...files,
      'main.tf': files['main.tf'].replace('vpc_id = module.vpc.id', 'vpc_id = module.network.id'),
    });
    const r = await loadTerraform(dir, (await partitionSnapshot(dir)).terraform);
    assert.deepEqual(r.errors, []);
    const partial = [...(r.inventory?.partial.values() ?? [])].flatMap((m) => [...m.values()].flat());
    assert.ok(
      partial.some((x) => x.reason.includes('module.network')),
      JSON.stringify(partial),
    );
  });

  it('the inputs of a call read the outputs of a call named after it', async () => {
    const dir = tree(files);
    const r = await loadTerraform(dir, (await partitionSnapshot(dir)).terraform);
    assert.deepEqual(r.errors, []);
    const g = r.inventory?.securityGroups.find((x) => x.id === 'module.app.aws_security_group.db');
    assert.ok(g, r.inventory?.securityGroups.map((x) => x.id).join(', '));
    assert.equal(g.vpcId, 'module.vpc.aws_vpc.this');
    assert.deepEqual(
      g.ingress.flatMap((p) => p.ipv4Ranges.map((x) => x.cidr)),
      ['10.1.0.0/16'],
    );
  });
});

describe('Terraform variables converted to their declared type (Cloud Foundation Fabric, Azure Verified Modules)', () => {
  // A module in Fabric's style: optional object attributes with and without defaults, a nested optional object
  // defaulting to {}, and a factory folder that is not set.
  const files = {
    'main.tf': `
provider "aws" { region = "us-east-1" }
resource "aws_vpc" "v" { cidr_block = "10.1.0.0/16" }
module "fw" {
  source = "./fw"
  vpc_id = aws_vpc.v.id
  rules = {
    db = { port = 5432 }
    ssh = { port = 22, ranges = ["192.0.2.0/24"] }
  }
}
`,
    'fw/main.tf': `
variable "vpc_id" { type = string }
variable "rules" {
  type = map(object({
    port   = number
    ranges = optional(list(string), ["10.0.0.0/8"])
    deny   = optional(bool)
  }))
}
variable "defaults" {
  type = object({
    disabled = optional(bool, false)
    extra    = optional(object({ port = optional(number, 443) }), {})
  })
  default = {}
}
variable "factories_config" {
  type    = object({ rules_folder = optional(string) })
  default = {}
}
locals {
  _folder = try(pathexpand(var.factories_config.rules_folder), null)
  _files  = local._folder == null ? [] : [for f in try(fileset(local._folder, "**/*.yaml"), []) : f]
  rules   = { for k, v in var.rules : k => v if v.deny == null }
}
resource "aws_security_group" "this" {
  count  = var.defaults.disabled ? 0 : 1 + length(local._files)
  vpc_id = var.vpc_id
  dynamic "ingress" {
    for_each = local.rules
    content {
      protocol    = "tcp"
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      cidr_blocks = ingress.value.ranges
    }
  }
  ingress {
    protocol    = "tcp"
    from_port   = var.defaults.extra.port
    to_port     = var.defaults.extra.port
    cidr_blocks = ["10.1.0.0/16"]
  }
}
`,
  };

  it('fills optional attributes with their defaults (else null) at every depth; a null factory folder is no folder', async () => {
    const dir = tree(files);
    const r = await loadTerraform(dir, (await partitionSnapshot(dir)).terraform);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      [...(r.inventory?.partial.values() ?? [])].flatMap((m) => [...m.keys()]),
      [],
    );
    const g = r.inventory?.securityGroups.find((x) => x.id === 'module.fw.aws_security_group.this[0]');
    assert.ok(g, r.inventory?.securityGroups.map((x) => x.id).join(', '));
    assert.deepEqual(g.ingress.map((p) => `${p.fromPort} ${p.ipv4Ranges.map((x) => x.cidr).join(',')}`).sort(), [
      '22 192.0.2.0/24',
      '443 10.1.0.0/16',
      '5432 10.0.0.0/8',
    ]);
  });
});

describe('Terraform registry module not on disk', () => {
  const main = (source: string) => `
provider "google" {
  project = "prj-net"
  region  = "us-central1"
}
resource "google_compute_network" "vpc" {
  name                    = "vpc-shared"
  auto_create_subnetworks = false
}
module "fw" {
  source     = "${source}"
  project_id = "prj-net"
  network    = google_compute_network.vpc.name
}
`;
  const load = async (source: string) => {
    const dir = tree({ 'main.tf': main(source) });
    return loadTerraform(dir, (await partitionSnapshot(dir)).terraform);
  };

  it('charges the provider its source names: a Google module leaves Google data incomplete, no AWS scope', async () => {
    const r = await load('terraform-google-modules/network/google//modules/firewall-rules');
    assert.equal(r.inventory, undefined);
    const partial = [...(r.gcp?.partial.values() ?? [])].filter((m) => m.has('compute:firewalls'));
    assert.ok(partial.length > 0);
  });

  it('a source that names no provider is charged to every provider, as before', async () => {
    const r = await load('git::https://example.com/modules/firewall.git');
    assert.ok(r.inventory, 'an AWS inventory carries the unknown module');
  });
});
