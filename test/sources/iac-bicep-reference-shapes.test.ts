/**
 * Bicep written the way vendors' public reference deployments write it (Azure's baseline architectures, landing
 * zones): names from uniqueString(resourceGroup().id) and guid(), a main file that hands names and ids from one module
 * to the next through outputs, `existing` references to what another module declares, nested-resource accessors
 * (`vnet::subnet.id`), user-assigned identities keyed by id, role assignments scoped to `resourceGroup()`. Each of
 * these once made cordon skip resources with input errors or leave whole data sets not assessed. The fixtures are
 * small and written for cordon; they only share the shapes.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Finding } from '../../src/findings/types.js';
import { loadPolicyFile, type ZonePolicy } from '../../src/policy/load.js';
import { scanSnapshot, type ScanReport } from '../../src/scan.js';
import { loadArm } from '../../src/sources/iac/arm/load.js';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';
import { tmpTrees } from '../support/tmp-tree.js';

let policy: ZonePolicy;
before(async () => {
  policy = await loadPolicyFile('examples/cordon.yaml');
});
const tree = tmpTrees('cordon-bicep-ref-');

async function scan(snapshot: string, cwd: string, checks: string[]): Promise<ScanReport> {
  return scanSnapshot({ snapshot, policy, policySource: 'p', cwd, today: '2026-01-01', checks });
}

/** Every skipped item of a data set, over the inventory's scopes. */
const skippedOf = (r: { inventory: { partial: Map<string, Map<string, { reason: string }[]>> } }, dataset: string) =>
  [...r.inventory.partial.values()].flatMap((m) => m.get(dataset) ?? []);

const statusOf = (r: ScanReport, check: string) =>
  r.findings.filter((f: Finding) => f.checkId === check).map((f) => [f.resource?.id ?? '', f.status]);

const NETWORK = `
param location string
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-workload'
  location: location
  properties: {
    addressSpace: { addressPrefixes: ['10.50.0.0/16'] }
    subnets: [
      {
        name: 'snet-privateEndpoints'
        properties: {
          addressPrefix: '10.50.1.0/24'
          networkSecurityGroup: { id: nsg.id }
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
    ]
  }
  resource peSubnet 'subnets' existing = {
    name: 'snet-privateEndpoints'
  }
}
resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-pe'
  location: location
  properties: { securityRules: [] }
}
output virtualNetworkName string = vnet.name
output privateEndpointsSubnetName string = vnet::peSubnet.name
output privateEndpointsSubnetId string = vnet::peSubnet.id
`;

const AI = `
param location string
param virtualNetworkName string
param privateEndpointsSubnetName string
param publicAccess string
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: virtualNetworkName
  resource peSubnet 'subnets' existing = {
    name: privateEndpointsSubnetName
  }
}
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-ai'
  location: location
}
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-\${uniqueString(resourceGroup().id)}'
  location: location
  kind: 'OpenAI'
  sku: { name: 'S0' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${identity.id}': {}
    }
  }
  properties: {
    publicNetworkAccess: publicAccess
    disableLocalAuth: true
  }
}
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-\${uniqueString(resourceGroup().id)}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    publicNetworkAccess: 'Disabled'
  }
}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-oai'
  location: location
  properties: {
    subnet: { id: vnet::peSubnet.id }
    customNetworkInterfaceName: 'nic-\${account.name}'
    privateLinkServiceConnections: [
      {
        name: 'conn-\${uniqueString(account.id)}'
        properties: { privateLinkServiceId: account.id, groupIds: ['account'] }
      }
    ]
  }
}
resource zone 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: 'privatelink.openai.azure.com'
  location: 'global'
}
resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: pe
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      { name: 'cfg-\${uniqueString(account.id)}', properties: { privateDnsZoneId: zone.id } }
    ]
  }
}
resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  name: 'hub-ai'
  location: location
  kind: 'Hub'
  properties: {
    friendlyName: 'Hub \${uniqueString(resourceGroup().id)}'
    publicNetworkAccess: 'Disabled'
    managedNetwork: { isolationMode: 'AllowOnlyApprovedOutbound' }
  }
}
resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, identity.id, 'reader')
  scope: resourceGroup()
  properties: {
    principalId: identity.properties.principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')
  }
}
resource accountReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identity.id)
  scope: account
  properties: {
    principalId: identity.properties.principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')
  }
}
`;

const MAIN = (publicAccess: string) => `
param location string = 'swedencentral'
module network 'network.bicep' = {
  name: 'networkDeploy'
  params: { location: location }
}
module ai 'ai.bicep' = {
  name: 'aiDeploy'
  params: {
    location: location
    virtualNetworkName: network.outputs.virtualNetworkName
    privateEndpointsSubnetName: network.outputs.privateEndpointsSubnetName
    publicAccess: '${publicAccess}'
  }
}
`;

/** An account that is private by its own settings, to give a scope something to judge. */
const PRIVATE_ACCOUNT = `resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-x'
  location: 'swedencentral'
  kind: 'OpenAI'
  properties: { publicNetworkAccess: 'Disabled' }
}
`;

const CHECKS = [
  'azure-ai-public-network-access',
  'azure-ai-private-endpoint-missing',
  'azure-private-endpoint-subnet-nsg',
  'azure-supporting-service-public',
];

describe('Bicep shaped like the reference deployments', () => {
  it('reads names from uniqueString() and guid() without input errors (role assignments, child resources)', async () => {
    const dir = tree({ 'main.bicep': MAIN('Disabled'), 'network.bicep': NETWORK, 'ai.bicep': AI });
    const r = await loadBicep(
      dir,
      ['main.bicep', 'network.bicep', 'ai.bicep'].map((f) => path.join(dir, f)),
    );
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const account = r.inventory.cognitiveAccounts.find((a) => a.name.startsWith('oai-'));
    assert.ok(account, 'the account named with uniqueString() is read');
    // The unknown part of the name keeps its segments (the group id's slashes are not separators).
    assert.match(account.id, /\/accounts\/oai-\[uniqueString\('∕subscriptions∕iac∕resourceGroups∕iac'\)\]$/);
  });

  it("passes names through module outputs to `existing` references, so the endpoint's subnet is known", async () => {
    const dir = tree({ 'main.bicep': MAIN('Disabled'), 'network.bicep': NETWORK, 'ai.bicep': AI });
    const r = await loadBicep(
      dir,
      ['main.bicep', 'network.bicep', 'ai.bicep'].map((f) => path.join(dir, f)),
    );
    const pe = r.inventory.privateEndpoints.find((p) => p.name === 'pe-oai');
    assert.equal(
      pe?.subnetId,
      '/subscriptions/iac/resourceGroups/iac/providers/Microsoft.Network/virtualNetworks/vnet-workload/subnets/snet-privateEndpoints',
    );
    // The existing VNet and subnet are declared by network.bicep, and a tenant id or a connection's name is read by
    // nothing: no data set is incomplete.
    assert.deepEqual([...r.inventory.partial.keys()], []);
  });

  it('judges the account: public access fails, private passes, every check assessed', async () => {
    for (const [pna, expected] of [
      ['Enabled', 'fail'],
      ['Disabled', 'pass'],
    ] as const) {
      const dir = tree({ 'main.bicep': MAIN(pna), 'network.bicep': NETWORK, 'ai.bicep': AI });
      const r = await scan(dir, dir, CHECKS);
      assert.deepEqual(r.inputErrors, [], pna);
      const statuses = statusOf(r, 'azure-ai-public-network-access').filter(([id]) => id!.includes('/accounts/oai-'));
      assert.deepEqual(
        statuses.map(([, s]) => s),
        [expected],
        pna,
      );
      assert.equal(
        r.findings.filter((f) => f.status === 'not-assessed').length,
        0,
        r.findings
          .filter((f) => f.status === 'not-assessed')
          .map((f) => f.message)
          .join('\n'),
      );
    }
  });

  it('a private endpoint with a DNS zone group resolves privately (Azure writes its A record at deploy); without one it fails', async () => {
    const check = 'azure-private-endpoint-dns-misconfigured';
    const withGroup = tree({ 'main.bicep': MAIN('Disabled'), 'network.bicep': NETWORK, 'ai.bicep': AI });
    const r = await scan(withGroup, withGroup, [check]);
    const f = r.findings.find((x) => x.checkId === check && x.resource.id.endsWith('/pe-oai'));
    assert.equal(f?.status, 'pass', f?.message);
    assert.match(f.message, /privatelink\.openai\.azure\.com gets its A record from its DNS zone group at deploy/);
    // The reference deployments' pattern minus the group: no record will exist, whatever address the endpoint gets.
    const noGroup = tree({
      'main.bicep': MAIN('Disabled'),
      'network.bicep': NETWORK,
      'ai.bicep': AI.replace(/resource zoneGroup [^]*?\n}\n/, ''),
    });
    const r2 = await scan(noGroup, noGroup, [check]);
    const f2 = r2.findings.find((x) => x.checkId === check && x.resource.id.endsWith('/pe-oai'));
    assert.equal(f2?.status, 'fail', f2?.message);
    assert.match(f2.message, /holds no A record for oai-\S+ and it has no DNS zone group to write one/);
  });

  it('an `existing` resource the scanned code does not declare still leaves its data set not assessed', async () => {
    const dir = tree({
      'main.bicep': `
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: 'vnet-hub'
}
${PRIVATE_ACCOUNT}`,
    });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    assert.match(skippedOf(r, 'network:virtual-networks')[0]?.reason ?? '', /vnet-hub is an existing resource/);
  });

  it('a module output that cannot be known stays unknown, naming the module', async () => {
    const dir = tree({
      'main.bicep': `
module net 'net.bicep' = {
  name: 'net'
}
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-x'
  location: 'swedencentral'
  kind: 'OpenAI'
  properties: { publicNetworkAccess: net.outputs.access }
}
`,
      'net.bicep': `
param access string
output access string = access
`,
    });
    const r = await loadBicep(
      dir,
      ['main.bicep', 'net.bicep'].map((f) => path.join(dir, f)),
    );
    const skipped = skippedOf(r, 'cognitiveservices:accounts');
    assert.ok(
      skipped.some((s) => /parameters\('access'\) has no default/.test(s.reason)),
      skipped.map((s) => s.reason).join('\n'),
    );
  });

  it('the private share does not count an account as public when its private endpoints were read in part', async () => {
    const main = (subnet: string) => `
param subnetId string${subnet}
${PRIVATE_ACCOUNT}resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-oai'
  location: 'swedencentral'
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      { name: 'c', properties: { privateLinkServiceId: account.id, groupIds: ['account'] } }
    ]
  }
}
`;
    const unknown = tree({ 'main.bicep': main('') });
    const known = tree({
      'main.bicep': main(
        " = '/subscriptions/iac/resourceGroups/iac/providers/Microsoft.Network/virtualNetworks/v/subnets/s'",
      ),
    });
    // The endpoint's subnet is a value known only at deploy: not an input error ("missing required field id"), a
    // data set read in part, naming the parameter.
    const report = await scan(unknown, unknown, CHECKS);
    assert.deepEqual(report.inputErrors, []);
    assert.match(
      report.findings.find((f) => f.checkId === 'azure-ai-private-endpoint-missing')?.message ?? '',
      /network:private-endpoints is incomplete: .*parameters\('subnetId'\) has no default/,
    );
    const kpi = async (dir: string) => (await scan(dir, dir, CHECKS)).summary.kpis.azureAiPrivate;
    assert.deepEqual(await kpi(unknown), { total: 1, private: 0, unknown: 1, percentPrivate: null });
    assert.deepEqual(await kpi(known), { total: 1, private: 1, unknown: 0, percentPrivate: 100 });
  });

  it('reads security rules and routes declared as child resources, in the same file or through `existing`', async () => {
    const rule = `
  resource allowInternet 'securityRules' = {
    name: 'allow-internet-443'
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
`;
    const withRule = NETWORK.replace(
      '  properties: { securityRules: [] }\n',
      `  properties: { securityRules: [] }\n${rule}`,
    );
    assert.notEqual(withRule, NETWORK);
    const egress = `
resource table 'Microsoft.Network/routeTables@2024-05-01' existing = {
  name: 'udr-egress'
}
resource toFirewall 'Microsoft.Network/routeTables/routes@2024-05-01' = {
  parent: table
  name: 'internet-to-firewall'
  properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.9.4' }
}
`;
    const tables = `
resource table 'Microsoft.Network/routeTables@2024-05-01' = {
  name: 'udr-egress'
  location: 'swedencentral'
  properties: { routes: [] }
}
`;
    const verdict = async (network: string) => {
      const dir = tree({
        'main.bicep': MAIN('Disabled'),
        'network.bicep': network,
        'ai.bicep': AI,
        'tables.bicep': tables,
        'egress.bicep': egress,
      });
      const r = await scan(dir, dir, ['azure-private-endpoint-subnet-nsg']);
      assert.deepEqual(r.inputErrors, []);
      return statusOf(r, 'azure-private-endpoint-subnet-nsg').map(([, st]) => st);
    };
    assert.deepEqual(await verdict(NETWORK), ['pass']);
    // The rule admits the internet to the endpoints' subnet: once ignored ("resource types cordon does not read").
    assert.deepEqual(await verdict(withRule), ['fail']);

    const dir = tree({ 'tables.bicep': tables, 'egress.bicep': egress, 'network.bicep': withRule });
    const r = await loadBicep(
      dir,
      ['tables.bicep', 'egress.bicep', 'network.bicep'].map((f) => path.join(dir, f)),
    );
    const route = r.inventory.routeTables[0]!.routes[0]!;
    assert.equal(route.nextHopIpAddress, '10.0.9.4');
    assert.deepEqual(
      route.origin && {
        file: route.origin.kind === 'file' && route.origin.file,
        line: route.origin.kind === 'file' && route.origin.line,
      },
      { file: 'egress.bicep', line: 5 },
    );
    const nsgRule = r.inventory.networkSecurityGroups[0]!.securityRules.find((x) => x.name === 'allow-internet-443');
    assert.ok(nsgRule?.origin);
  });

  it('a route whose table is in no file scanned leaves the route tables not assessed', async () => {
    const dir = tree({
      'egress.bicep': `
resource toFirewall 'Microsoft.Network/routeTables/routes@2024-05-01' = {
  name: 'udr-hub/internet-to-firewall'
  properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.9.4' }
}
${PRIVATE_ACCOUNT}`,
    });
    const r = await loadBicep(dir, [path.join(dir, 'egress.bicep')]);
    assert.match(
      skippedOf(r, 'network:route-tables')[0]?.reason ?? '',
      /internet-to-firewall belongs to .*udr-hub, which is not in the snapshot/,
    );
  });

  it('reads a call in a single-line array, which the grammar splits in two', async () => {
    const dir = tree({
      'main.bicep': `
var names = [ toLower('OAI-Sweden'), toUpper('b') ]
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: names[0]
  location: 'swedencentral'
  kind: 'OpenAI'
  properties: { publicNetworkAccess: 'Disabled' }
}
`,
    });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(
      r.inventory.cognitiveAccounts.map((a) => a.name),
      ['oai-sweden'],
    );
  });

  it('a module call that cannot be translated charges what the module deploys as not known', async () => {
    const dir = tree({
      'main.bicep': `
module net 'net.bicep' = {
  name: 'net'
  params: { prefix: notDeclaredAnywhere }
}
`,
      'net.bicep': `
param prefix string
resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-\${prefix}'
  location: 'swedencentral'
  properties: { securityRules: [] }
}
`,
    });
    const r = await loadBicep(
      dir,
      ['main.bicep', 'net.bicep'].map((f) => path.join(dir, f)),
    );
    assert.match(r.errors.map((e) => e.format()).join('\n'), /main\.bicep:2.*unknown name notDeclaredAnywhere/);
    assert.match(
      skippedOf(r, 'network:network-security-groups')[0]?.reason ?? '',
      /declaration net could not be read, so what it deploys is not known/,
    );
  });

  it("ARM as `bicep build` writes it: a nested deployment's outputs through reference(resourceId(deployments, …))", async () => {
    const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
    const deployment = (name: string, parameters: Record<string, unknown>, template: Record<string, unknown>) => ({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name,
      properties: {
        expressionEvaluationOptions: { scope: 'inner' },
        mode: 'Incremental',
        parameters,
        template: { $schema: SCHEMA, contentVersion: '1.0.0.0', ...template },
      },
    });
    const network = deployment(
      "[format('net-{0}-deployment', variables('suffix'))]",
      {},
      {
        resources: [
          {
            type: 'Microsoft.Network/virtualNetworks',
            apiVersion: '2024-05-01',
            name: 'vnet-ai',
            location: 'swedencentral',
            properties: {
              addressSpace: { addressPrefixes: ['10.60.0.0/16'] },
              subnets: [{ name: 'snet-pe', properties: { addressPrefix: '10.60.1.0/24' } }],
            },
          },
        ],
        outputs: {
          subnetId: {
            type: 'string',
            value: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-ai', 'snet-pe')]",
          },
        },
      },
    );
    const endpoint = deployment(
      "[format('pe-{0}-deployment', variables('suffix'))]",
      {
        subnetId: {
          value:
            "[reference(resourceId('Microsoft.Resources/deployments', format('net-{0}-deployment', variables('suffix'))), '2022-09-01').outputs.subnetId.value]",
        },
      },
      {
        parameters: { subnetId: { type: 'string' } },
        resources: [
          {
            type: 'Microsoft.Network/privateEndpoints',
            apiVersion: '2023-11-01',
            name: 'pe-oai',
            location: 'swedencentral',
            properties: {
              subnet: { id: "[parameters('subnetId')]" },
              privateLinkServiceConnections: [
                {
                  name: 'c',
                  properties: {
                    privateLinkServiceId: "[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]",
                    groupIds: ['account'],
                  },
                },
              ],
            },
          },
        ],
      },
    );
    const dir = tree({
      'azuredeploy.json': JSON.stringify({
        $schema: SCHEMA,
        contentVersion: '1.0.0.0',
        // The deployments' names hold a value known only at deploy, as the quickstarts' do.
        variables: { suffix: '[substring(uniqueString(resourceGroup().id), 0, 7)]' },
        resources: [network, endpoint],
      }),
    });
    const r = await loadArm(dir, [path.join(dir, 'azuredeploy.json')]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.equal(
      r.inventory.privateEndpoints[0]?.subnetId,
      '/subscriptions/iac/resourceGroups/iac/providers/Microsoft.Network/virtualNetworks/vnet-ai/subnets/snet-pe',
    );
    assert.deepEqual(skippedOf(r, 'network:private-endpoints'), []);
  });

  it('an azd template: main.parameters.json beside main.bicep gives its values, ${VAR}s stay unknown', async () => {
    const dir = tree({
      'main.bicep': `
param environmentName string
param publicAccess string
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-\${environmentName}'
  location: 'swedencentral'
  kind: 'OpenAI'
  properties: { publicNetworkAccess: publicAccess, disableLocalAuth: true }
}
`,
      'main.parameters.json': JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
        contentVersion: '1.0.0.0',
        parameters: { environmentName: { value: '${AZURE_ENV_NAME}' }, publicAccess: { value: 'Enabled' } },
      }),
    });
    const r = await scan(dir, dir, ['azure-ai-public-network-access']);
    assert.deepEqual(r.inputErrors, []);
    assert.deepEqual(
      r.warnings.filter((w) => /parameters file without a template/.test(w.message)),
      [],
    );
    assert.deepEqual(
      r.findings.map((f) => [f.resource?.id, f.status]),
      [
        [
          "/subscriptions/iac/resourceGroups/iac/providers/Microsoft.CognitiveServices/accounts/oai-[parameters('environmentName')]",
          'fail',
        ],
      ],
    );
  });

  it('--parameter gives the values of the top-level Bicep and ARM files, typed as they declare them', async () => {
    const bicep = `
param baseName string
param publicAccess bool
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-\${baseName}'
  location: 'swedencentral'
  kind: 'OpenAI'
  properties: { publicNetworkAccess: publicAccess ? 'Enabled' : 'Disabled', disableLocalAuth: true }
}
`;
    const arm = JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { baseName: { type: 'string' }, publicAccess: { type: 'bool' } },
      resources: [
        {
          type: 'Microsoft.CognitiveServices/accounts',
          apiVersion: '2024-10-01',
          name: "[concat('arm-', parameters('baseName'))]",
          location: 'swedencentral',
          kind: 'OpenAI',
          properties: {
            publicNetworkAccess: "[if(parameters('publicAccess'), 'Enabled', 'Disabled')]",
            disableLocalAuth: true,
          },
        },
      ],
    });
    const dir = tree({ 'bicep/main.bicep': bicep, 'arm/azuredeploy.json': arm });
    const r = await scanSnapshot({
      snapshot: dir,
      policy,
      policySource: 'p',
      cwd: dir,
      today: '2026-01-01',
      checks: ['azure-ai-public-network-access'],
      cloudFormation: { parameters: { baseName: 'cordon01', publicaccess: 'true' } },
    });
    assert.deepEqual(r.inputErrors, []);
    assert.deepEqual(
      r.findings.map((f) => [f.resource?.id?.split('/').at(-1), f.status]),
      [
        ['arm-cordon01', 'fail'],
        ['oai-cordon01', 'fail'],
      ],
    );
  });

  it("loadJsonContent: the file is the Bicep code's data (azd's abbreviations.json), read through it", async () => {
    const dir = tree({
      'infra/abbreviations.json': JSON.stringify({ cognitiveServicesAccounts: 'cog-' }),
      'infra/main.bicep': `
var abbrs = loadJsonContent('./abbreviations.json')
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: '\${abbrs.cognitiveServicesAccounts}gateway'
  location: 'swedencentral'
  kind: 'OpenAI'
  properties: { publicNetworkAccess: 'Enabled', disableLocalAuth: true }
}
`,
    });
    const r = await scan(dir, dir, ['azure-ai-public-network-access']);
    // Not "not a recognised AWS CLI output": the JSON file is no snapshot file.
    assert.deepEqual(r.inputErrors, []);
    assert.deepEqual(
      r.findings.map((f) => [f.resource?.id?.split('/').at(-1), f.status]),
      [['cog-gateway', 'fail']],
    );
  });

  it('names each file once in a not-assessed message when the scan root is a subfolder', async () => {
    const dir = tree({
      // The existing account's location is not known: its item counts in every location the code deploys to.
      'infra/bicep/main.bicep': `
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: 'oai-elsewhere'
}
resource east 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-east'
  location: 'eastus'
  kind: 'OpenAI'
  properties: { publicNetworkAccess: 'Disabled' }
}
resource west 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-west'
  location: 'westus'
  kind: 'OpenAI'
  properties: { publicNetworkAccess: 'Disabled' }
}
`,
    });
    const r = await scan('infra/bicep', dir, ['azure-ai-public-network-access']);
    const message = r.findings.map((f) => f.message).join('\n');
    assert.match(message, /infra\/bicep\/main\.bicep:2/);
    assert.doesNotMatch(message, /infra\/bicep\/infra\/bicep/);
  });
});

describe('Bicep: environment()', () => {
  it("a private DNS zone named from environment().suffixes.storage (Microsoft's pattern) is the public cloud's zone", async () => {
    const dir = tree({
      'main.bicep': `
resource blobZone 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: 'privatelink.blob.\${environment().suffixes.storage}'
  location: 'global'
}
`,
    });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(
      r.inventory.privateDnsZones.map((z) => z.name),
      ['privatelink.blob.core.windows.net'],
    );
    assert.deepEqual(skippedOf(r, 'network:private-dns-zones'), []);
  });
});
