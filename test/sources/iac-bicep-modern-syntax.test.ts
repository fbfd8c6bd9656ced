/**
 * Bicep as Azure Verified Modules and the AI landing-zone patterns write it today: the non-null assertion `!` after
 * any operand (a ternary branch, an array item, a property value, a chain of `.?` accesses). tree-sitter-bicep reads
 * it only before `.`, so these files once failed with "syntax error near "!"" and every resource after the error was
 * skipped. The fixture is small and written for cordon.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadArm } from '../../src/sources/iac/arm/load.js';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';
import { maskNonNullAssertions } from '../../src/sources/iac/bicep/mask.js';
import { tmpTrees } from '../support/tmp-tree.js';

const tree = tmpTrees('cordon-bicep-modern-');

const MAIN = `
param config object = { account: { name: 'oai-modern', publicAccess: 'Disabled' } }
param subnetIds array = ['/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe']
param deployPe bool = true
var peSubnet = !empty(subnetIds) ? subnetIds[0]! : ''
var allSubnets = [
  subnetIds!
]
var note = 'keep this! and \${config.account!.name}'
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: config.?account.?name!
  location: 'swedencentral'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  tags: { note: note, subnets: string(length(allSubnets)) }
  properties: {
    publicNetworkAccess: config.account!.publicAccess!
    customSubDomainName: config.?account!.name
  }
}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = if (deployPe != false) {
  name: 'pe-\${account.name}'
  location: 'swedencentral'
  properties: {
    subnet: { id: peSubnet }
    privateLinkServiceConnections: [
      { name: 'c', properties: { privateLinkServiceId: account.id, groupIds: ['account'] } }
    ]
  }
}
`;

describe('Bicep non-null assertions', () => {
  it('reads a file that asserts non-null after names, calls, indexes and `.?` chains, with its values', async () => {
    const dir = tree({ 'main.bicep': MAIN });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const account = r.inventory.cognitiveAccounts.find((a) => a.name === 'oai-modern');
    assert.ok(account, 'the account is read');
    assert.equal(account.publicNetworkAccess, 'Disabled');
    assert.equal(account.tags?.note, 'keep this! and oai-modern', 'a ! inside a string is text; inside ${} code');
    assert.equal(account.tags?.subnets, '1');
    const pe = r.inventory.privateEndpoints.find((p) => p.name === 'pe-oai-modern');
    assert.equal(
      pe?.subnetId,
      '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe',
    );
  });

  it('blanks only postfix assertions, keeping negation, inequality, strings, comments and every column', () => {
    const src = "var a = !x.y! != b! // not! this\nvar s = '${c!} d!' /* e! */ ? f!.g : '''h!'''";
    const masked = maskNonNullAssertions(src);
    assert.equal(masked, "var a = !x.y  != b  // not! this\nvar s = '${c } d!' /* e! */ ? f .g : '''h!'''");
    assert.equal(masked.length, src.length);
  });
});

/** One module declares the VNet; the next reads a subnet's prefix through `existing`, as baseline firewalls do. */
const NET = `
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-spoke'
  location: 'swedencentral'
  properties: {
    addressSpace: { addressPrefixes: ['10.60.0.0/16'] }
    subnets: [
      { name: 'snet-jump', properties: { addressPrefix: '10.60.5.0/24' } }
    ]
  }
}
output vnetName string = vnet.name
`;
const FIREWALL = `
param vnetName string
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: vnetName
  resource jump 'subnets' existing = {
    name: 'snet-jump'
  }
}
resource policy 'Microsoft.Network/firewallPolicies@2024-05-01' = {
  name: 'fw-policy'
  location: 'swedencentral'
  resource rules 'ruleCollectionGroups' = {
    name: 'DefaultNetworkRuleCollectionGroup'
    properties: {
      priority: 200
      ruleCollections: [
        {
          ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
          name: 'jump-egress'
          priority: 1000
          action: { type: 'Allow' }
          rules: [
            {
              ruleType: 'NetworkRule'
              name: 'jump-out'
              ipProtocols: ['TCP']
              sourceAddresses: ['\${vnet::jump.properties.addressPrefix}']
              destinationAddresses: ['*']
              destinationPorts: ['443']
            }
          ]
        }
      ]
    }
  }
}
`;

describe('Bicep `existing` references to what the deployment declares', () => {
  it("read the declared properties (a subnet's prefix in a firewall rule), so the rule is known", async () => {
    const dir = tree({
      'main.bicep': `
module net 'net.bicep' = {
  name: 'net'
}
module fw 'fw.bicep' = {
  name: 'fw'
  params: { vnetName: net.outputs.vnetName }
}
`,
      'net.bicep': NET,
      'fw.bicep': FIREWALL,
    });
    const r = await loadBicep(
      dir,
      ['main.bicep', 'net.bicep', 'fw.bicep'].map((f) => path.join(dir, f)),
    );
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const rules = r.inventory.firewallRuleCollectionGroups.flatMap((g) => g.rules);
    assert.deepEqual(
      rules.map((x) => [x.name, x.sourceAddresses]),
      [['jump-out', ['10.60.5.0/24']]],
    );
    assert.deepEqual([...r.inventory.partial.keys()], []);
  });

  it('a VNet the deployment does not declare leaves the rule unknown, naming the reference', async () => {
    const dir = tree({
      'main.bicep': `
module fw 'fw.bicep' = {
  name: 'fw'
  params: { vnetName: 'vnet-hub' }
}
`,
      'fw.bicep': FIREWALL,
    });
    const r = await loadBicep(
      dir,
      ['main.bicep', 'fw.bicep'].map((f) => path.join(dir, f)),
    );
    const skipped = [...r.inventory.partial.values()].flatMap(
      (m) => m.get('network:firewall-rule-collection-groups') ?? [],
    );
    assert.match(skipped[0]?.reason ?? '', /vnet::jump is an existing resource, declared outside the scanned code/);
  });
});

describe('compiled Azure Verified Modules (ARM JSON)', () => {
  it("a child resource whose name is format('{0}/{1}', <known at deploy>, …) is not known, not a malformed name", async () => {
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: {
        zoneName: { type: 'string' },
        vnetId: {
          type: 'string',
          defaultValue: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v',
        },
      },
      resources: [
        {
          type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
          apiVersion: '2024-06-01',
          name: "[format('{0}/{1}', parameters('zoneName'), 'link-spoke')]",
          location: 'global',
          properties: { registrationEnabled: false, virtualNetwork: { id: "[parameters('vnetId')]" } },
        },
      ],
    };
    const dir = tree({ 'main.json': JSON.stringify(template, null, 2) });
    const r = await loadArm(dir, [path.join(dir, 'main.json')]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const skipped = [...r.inventory.partial.values()].flatMap((m) => [...m.values()].flat());
    assert.ok(
      skipped.some((x) => /its name .*parameters\('zoneName'\).* is not known before deploy/.test(x.reason)),
      JSON.stringify(skipped),
    );
  });
});

describe('compiled Azure Verified Modules (symbolic resources)', () => {
  it("a reference to such a child (resourceInfo('link').id) is unknown, not an input error", async () => {
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      languageVersion: '2.0',
      contentVersion: '1.0.0.0',
      parameters: { zoneName: { type: 'string' } },
      resources: {
        link: {
          existing: true,
          type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
          apiVersion: '2024-06-01',
          name: "[format('{0}/{1}', parameters('zoneName'), 'link-spoke')]",
        },
        zone: {
          type: 'Microsoft.Network/privateDnsZones',
          apiVersion: '2024-06-01',
          name: 'privatelink.openai.azure.com',
          location: 'global',
          tags: { link: "[resourceInfo('link').id]" },
        },
      },
    };
    const dir = tree({ 'main.json': JSON.stringify(template, null, 2) });
    const r = await loadArm(dir, [path.join(dir, 'main.json')]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(
      r.inventory.privateDnsZones.map((z) => z.name),
      ['privatelink.openai.azure.com'],
    );
  });
});
