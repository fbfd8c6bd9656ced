/**
 * Bicep registry modules (`br/public:avm/…`, `br:registry/repo:tag`, `br/<alias>:…`): read from the local module cache
 * `bicep restore` fills (the module compiled to an ARM template), as `bicep build` reads them. cordon never fetches
 * one: a module not in the cache leaves every data set of its subscription incomplete, so a check that needs what it
 * may declare (a private endpoint, a VM, an NSG rule) is not assessed — it neither fails for its absence nor passes.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runAzureChecks } from '../../src/checks/azure/engine.js';
import { AZURE_CHECKS } from '../../src/checks/azure/registry.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';
import { cachedModulePath, parseRegistryReference } from '../../src/sources/iac/bicep/registry.js';
import { tmpTrees } from '../support/tmp-tree.js';

const tree = tmpTrees('cordon-bicep-registry-');
const policy = parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML);
const missingEndpoint = AZURE_CHECKS.find((c) => c.id === 'azure-ai-private-endpoint-missing')!;

/** A network with one subnet for private endpoints (`snet-pe`), declared in the file itself. */
const VNET = (cidr: string) => `resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-ai'
  location: 'swedencentral'
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [{ name: 'snet-pe', properties: { addressPrefix: '${cidr}' } }]
  }
}`;

const MAIN = (ref: string) => `
${VNET('10.0.1.0/24')}
resource openai 'Microsoft.CognitiveServices/accounts@2023-05-01' = {
  name: 'oai-demo'
  location: 'swedencentral'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: { customSubDomainName: 'oai-demo', publicNetworkAccess: 'Disabled', disableLocalAuth: true }
}
module pe '${ref}' = {
  name: 'pe-openai'
  params: {
    name: 'pe-oai'
    subnetResourceId: '\${vnet.id}/subnets/snet-pe'
    serviceId: openai.id
  }
}
`;

/** A private-endpoint module as bicep restore caches it: compiled ARM JSON taking the call's parameters. */
const COMPILED_MODULE = JSON.stringify(
  {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      name: { type: 'string' },
      subnetResourceId: { type: 'string' },
      serviceId: { type: 'string' },
      location: { type: 'string', defaultValue: 'swedencentral' },
    },
    resources: [
      {
        type: 'Microsoft.Network/privateEndpoints',
        apiVersion: '2023-11-01',
        name: "[parameters('name')]",
        location: "[parameters('location')]",
        properties: {
          subnet: { id: "[parameters('subnetResourceId')]" },
          privateLinkServiceConnections: [
            {
              name: "[parameters('name')]",
              properties: { privateLinkServiceId: "[parameters('serviceId')]", groupIds: ['account'] },
            },
          ],
        },
      },
    ],
    outputs: {
      resourceId: { type: 'string', value: "[resourceId('Microsoft.Network/privateEndpoints', parameters('name'))]" },
    },
  },
  null,
  2,
);

async function scan(files: Record<string, string>) {
  const dir = tree(files);
  const bicep = Object.keys(files)
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => path.join(dir, f));
  const r = await loadBicep(dir, bicep);
  const findings = runAzureChecks(r.inventory, policy, [missingEndpoint]);
  return { r, statuses: findings.map((f) => f.status), findings };
}

describe('Bicep registry modules', () => {
  it('a module not in the cache: the private endpoint check is not assessed (it failed), naming the module and bicep restore', async () => {
    const cache = tree({});
    const { r, statuses, findings } = await scan({
      'main.bicep': MAIN('br/public:avm/res/network/private-endpoint:0.7.1'),
      'bicepconfig.json': JSON.stringify({ cacheRootDirectory: cache }),
    });
    assert.ok(!statuses.includes('fail'), findings.map((f) => f.message).join('\n'));
    assert.ok(statuses.includes('not-assessed'), statuses.join());
    const reasons = [...r.inventory.partial.values()].flatMap((m) => [...(m.get('network:private-endpoints') ?? [])]);
    assert.ok(
      reasons.some(
        (x) =>
          /br\/public:avm\/res\/network\/private-endpoint:0\.7\.1/.test(x.reason) && /bicep restore/.test(x.reason),
      ),
      JSON.stringify(reasons),
    );
    assert.ok(r.warnings.some((w) => w.file === 'main.bicep' && w.line === 17));
  });

  it('a restored module is read from the cache with the call’s parameters: the endpoint exists, the check passes', async () => {
    const cache = tree({
      'br/mcr.microsoft.com/bicep$avm$res$network$private-endpoint/0.7.1$/main.json': COMPILED_MODULE,
    });
    const { r, statuses } = await scan({
      'main.bicep': MAIN('br/public:avm/res/network/private-endpoint:0.7.1'),
      'bicepconfig.json': JSON.stringify({ cacheRootDirectory: cache }),
    });
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const pe = r.inventory.privateEndpoints.find((x) => x.name === 'pe-oai');
    assert.ok(pe, r.inventory.privateEndpoints.map((x) => x.name).join());
    assert.match(pe.subnetId ?? '', /virtualNetworks\/vnet-ai\/subnets\/snet-pe$/i);
    assert.deepEqual(statuses, ['pass']);
    assert.equal([...r.inventory.partial.values()].length, 0);
  });

  it('an alias of a bicepconfig.json in a parent folder, and a br: reference with the registry written out', async () => {
    const cache = tree({
      'br/contoso.azurecr.io/bicep$modules$pe/v1$/main.json': COMPILED_MODULE,
    });
    const aliased = await scan({
      'infra/main.bicep': MAIN('br/contoso:pe:v1'),
      'bicepconfig.json': JSON.stringify({
        cacheRootDirectory: cache,
        moduleAliases: { br: { contoso: { registry: 'contoso.azurecr.io', modulePath: 'bicep/modules' } } },
      }),
    });
    assert.deepEqual(aliased.statuses, ['pass']);
    const direct = await scan({
      'main.bicep': MAIN('br:contoso.azurecr.io/bicep/modules/pe:v1'),
      'bicepconfig.json': JSON.stringify({ cacheRootDirectory: cache }),
    });
    assert.deepEqual(direct.statuses, ['pass']);
  });

  it('references: the public alias, case, digests and unknown aliases', () => {
    const none = new Map<string, { registry: string; modulePath?: string }>();
    const reason = (ref: string) => {
      const x = parseRegistryReference(ref, none);
      return typeof x === 'string' ? x : 'parsed';
    };
    const r = parseRegistryReference('br/public:avm/res/Network/private-endpoint:0.7.1', none);
    assert.deepEqual(r, {
      registry: 'mcr.microsoft.com',
      repository: 'bicep/avm/res/network/private-endpoint',
      tag: '0.7.1',
    });
    assert.ok(typeof r !== 'string');
    assert.equal(
      cachedModulePath('/c', r),
      path.join('/c', 'br', 'mcr.microsoft.com', 'bicep$avm$res$network$private-endpoint', '0.7.1$', 'main.json'),
    );
    assert.match(reason('br/other:x:1'), /alias other is not defined/);
    assert.match(reason('br:r.io/x@sha256:abc'), /digest/);
    assert.match(reason('ts:sub/rg/spec:1'), /template spec/);
  });
});

/** A network, and an OpenAI account through the Azure Verified Module (not restored: read through cordon's model). */
const AVM_ACCOUNT = (version: string, extra = '') => `
${VNET('10.0.1.0/24')}
resource zone 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: 'privatelink.openai.azure.com'
  location: 'global'
}
module openai 'br/public:avm/res/cognitive-services/account:${version}' = {
  name: 'openai'
  params: {
    name: 'oai-demo'
    kind: 'OpenAI'
    location: 'swedencentral'
    customSubDomainName: 'oai-demo'
    privateEndpoints: [
      {
        subnetResourceId: '\${vnet.id}/subnets/snet-pe'
        privateDnsZoneGroup: { privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: zone.id }] }
      }
    ]${extra}
  }
}
`;

const publicAccess = AZURE_CHECKS.find((c) => c.id === 'azure-ai-public-network-access')!;

async function avm(text: string) {
  const dir = tree({ 'main.bicep': text, 'bicepconfig.json': JSON.stringify({ cacheRootDirectory: tree({}) }) });
  const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
  const status = (c: typeof publicAccess) =>
    runAzureChecks(r.inventory, policy, [c])
      .map((f) => f.status)
      .join();
  return { r, endpoint: status(missingEndpoint), publicAccess: status(publicAccess) };
}

describe('Azure Verified Modules not restored: read through cordon’s models', () => {
  it('cognitive-services/account: the account with the module’s defaults (public access Disabled, no keys), its endpoint and DNS zone group', async () => {
    const { r, endpoint, publicAccess: access } = await avm(AVM_ACCOUNT('0.10.2'));
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const account = r.inventory.cognitiveAccounts.find((a) => a.name === 'oai-demo');
    assert.ok(account);
    assert.equal(account.publicNetworkAccess, 'Disabled');
    assert.equal(account.disableLocalAuth, true);
    const pe = r.inventory.privateEndpoints.find((p) => p.name === 'pep-oai-demo-account-0');
    assert.ok(pe, r.inventory.privateEndpoints.map((p) => p.name).join());
    assert.equal(r.inventory.privateDnsZoneGroups.length, 1);
    assert.equal(endpoint, 'pass');
    assert.equal(access, 'pass');
    // Once, though the call is evaluated for its resources and again for its outputs.
    assert.equal(
      r.warnings.filter((w) => /not in the Bicep module cache: read through cordon's model/.test(w.message)).length,
      1,
    );
  });
  it('networkAcls given and publicNetworkAccess left out: the module enables public access, and the check fails', async () => {
    const { publicAccess: access } = await avm(
      AVM_ACCOUNT('0.13.0', "\n    networkAcls: { defaultAction: 'Allow', ipRules: [] }"),
    );
    assert.equal(access, 'fail');
  });
  it('a version before the model’s, or a parameter the model does not read: not read, so not assessed, naming why', async () => {
    const old = await avm(AVM_ACCOUNT('0.7.1'));
    assert.equal(old.endpoint, 'not-assessed');
    assert.ok(
      old.r.warnings.some((w) => /reads privateEndpoints as versions 0\.8 and later take it/.test(w.message)),
      old.r.warnings.map((w) => w.message).join('\n'),
    );
    const odd = await avm(AVM_ACCOUNT('0.10.2', "\n    futureSetting: 'x'"));
    assert.equal(odd.publicAccess, 'not-assessed');
    assert.ok(odd.r.warnings.some((w) => /does not read the parameter\(s\) futureSetting/.test(w.message)));
  });
});

describe('avm/res/network/private-endpoint not restored', () => {
  it('is read through the model with the call’s connections: the account has its endpoint', async () => {
    const text = MAIN('br/public:avm/res/network/private-endpoint:0.11.0').replace(
      'serviceId: openai.id',
      "privateLinkServiceConnections: [{ name: 'oai', properties: { privateLinkServiceId: openai.id, groupIds: ['account'] } }]",
    );
    const { endpoint } = await avm(text);
    assert.equal(endpoint, 'pass');
  });
});

/** A network, a private DNS zone (linked or not) and an account, all Azure Verified Modules wired by their outputs. */
const AVM_NETWORK = (linked: boolean) => `
module vnet 'br/public:avm/res/network/virtual-network:0.7.0' = {
  name: 'vnet'
  params: {
    name: 'vnet-ai'
    location: 'swedencentral'
    addressPrefixes: ['10.0.0.0/16']
    subnets: [
      { name: 'snet-inference', addressPrefix: '10.0.2.0/24' }
      { name: 'snet-pe', addressPrefix: '10.0.9.0/24', privateEndpointNetworkPolicies: 'Enabled' }
    ]
  }
}
module zone 'br/public:avm/res/network/private-dns-zone:0.8.0' = {
  name: 'zone'
  params: {
    name: 'privatelink.openai.azure.com'
    ${linked ? 'virtualNetworkLinks: [{ virtualNetworkResourceId: vnet.outputs.resourceId }]' : ''}
  }
}
module openai 'br/public:avm/res/cognitive-services/account:0.13.0' = {
  name: 'openai'
  params: {
    name: 'oai-demo'
    kind: 'OpenAI'
    location: 'swedencentral'
    customSubDomainName: 'oai-demo'
    privateEndpoints: [
      {
        subnetResourceId: vnet.outputs.subnetResourceIds[1]
        privateDnsZoneGroup: { privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: zone.outputs.resourceId }] }
      }
    ]
  }
}
`;

describe('avm/res/network/virtual-network and private-dns-zone not restored', () => {
  const notLinked = AZURE_CHECKS.find((c) => c.id === 'azure-private-dns-zone-not-linked')!;
  it('subnets, a zone linked to the network by its output, the account’s endpoint in a subnet by its output', async () => {
    const { r, endpoint } = await avm(AVM_NETWORK(true));
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(r.inventory.subnets.map((s) => s.name).sort(), ['snet-inference', 'snet-pe']);
    assert.match(r.inventory.privateEndpoints[0]?.subnetId ?? '', /vnet-ai\/subnets\/snet-pe$/i);
    assert.equal(endpoint, 'pass');
    const linked = runAzureChecks(r.inventory, policy, [notLinked]).map((f) => f.status);
    assert.deepEqual(linked, ['pass']);
  });
  it('the same zone without its link: the DNS check fails', async () => {
    const { r } = await avm(AVM_NETWORK(false));
    const linked = runAzureChecks(r.inventory, policy, [notLinked]).map((f) => f.status);
    assert.deepEqual(linked, ['fail']);
  });
});

describe('avm/res/search/search-service not restored', () => {
  const search = (params: string) => `
${VNET('10.0.9.0/24')}
module search 'br/public:avm/res/search/search-service:0.11.1' = {
  name: 'search'
  params: {
    name: 'srch-rag'
    location: 'swedencentral'
    privateEndpoints: [{ subnetResourceId: '\${vnet.id}/subnets/snet-pe' }]${params}
  }
}
`;
  it('public network access is the module’s default (Enabled): the check fails; Disabled: it passes', async () => {
    const open = await avm(search(''));
    assert.equal(open.r.inventory.searchServices[0]?.publicNetworkAccess?.toLowerCase(), 'enabled');
    assert.equal(open.publicAccess, 'fail');
    const closed = await avm(search("\n    publicNetworkAccess: 'Disabled'"));
    assert.equal(closed.publicAccess, 'pass');
    assert.ok(closed.r.inventory.privateEndpoints.some((p) => p.name === 'pep-srch-rag-searchService-0'));
  });
});

describe('avm/res/machine-learning-services/workspace and network/route-table not restored', () => {
  const hub = (extra: string) => `
module hub 'br/public:avm/res/machine-learning-services/workspace:0.12.0' = {
  name: 'hub'
  params: {
    name: 'aihub'
    sku: 'Basic'
    kind: 'Hub'
    location: 'swedencentral'
    managedNetworkSettings: { isolationMode: 'AllowOnlyApprovedOutbound' }${extra}
  }
}
module routes 'br/public:avm/res/network/route-table:0.4.1' = {
  name: 'routes'
  params: {
    name: 'rt-inference'
    routes: [{ name: 'default', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' } }]
  }
}
`;
  it('the hub with the module’s default (public access Disabled) and its managed network; the route table’s routes', async () => {
    const { r, publicAccess: access } = await avm(hub(''));
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const ws = r.inventory.mlWorkspaces.find((w) => w.name === 'aihub');
    assert.ok(ws);
    assert.equal(ws.publicNetworkAccess, 'Disabled');
    assert.equal(access, 'pass');
    assert.equal(r.inventory.routeTables[0]?.routes[0]?.nextHopIpAddress, '10.0.0.4');
    const open = await avm(hub("\n    publicNetworkAccess: 'Enabled'"));
    assert.equal(open.publicAccess, 'fail');
  });
});

describe('avm/res/storage/storage-account not restored', () => {
  const storage = (params: string) => `
${VNET('10.0.9.0/24')}
module storage 'br/public:avm/res/storage/storage-account:0.14.3' = {
  name: 'storage'
  params: {
    name: 'stdocs'
    location: 'swedencentral'${params}
  }
}
`;
  const accountOf = async (params: string) => {
    const { r } = await avm(storage(params));
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    return { r, account: r.inventory.storageAccounts.find((a) => a.name === 'stdocs')! };
  };
  it('the module’s defaults: network rules deny; with private endpoints and no networkAcls, public access Disabled', async () => {
    const plain = await accountOf('');
    assert.equal(plain.account.networkAcls?.defaultAction, 'Deny');
    assert.equal(plain.account.publicNetworkAccess, undefined);
    const closed = await accountOf(
      "\n    privateEndpoints: [{ service: 'blob', subnetResourceId: '${vnet.id}/subnets/snet-pe' }]",
    );
    assert.equal(closed.account.publicNetworkAccess, 'Disabled');
    assert.ok(closed.r.inventory.privateEndpoints.some((p) => p.name === 'pep-stdocs-blob-0'));
    const open = await accountOf(
      "\n    publicNetworkAccess: 'Enabled'\n    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }",
    );
    assert.equal(open.account.publicNetworkAccess, 'Enabled');
    assert.equal(open.account.networkAcls?.defaultAction, 'Allow');
  });
});

describe('avm/res/key-vault/vault not restored', () => {
  it('public access Disabled with a private endpoint and no networkAcls; Azure’s default without either', async () => {
    const vault = (params: string) => `
module kv 'br/public:avm/res/key-vault/vault:0.11.0' = {
  name: 'kv'
  params: {
    name: 'kv-ai'
    location: 'swedencentral'${params}
  }
}
`;
    const closed = await avm(
      vault(
        "\n    privateEndpoints: [{ subnetResourceId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/pe' }]",
      ),
    );
    assert.equal(closed.r.inventory.keyVaults[0]?.publicNetworkAccess, 'Disabled');
    assert.equal(closed.r.inventory.keyVaults[0]?.enableRbacAuthorization, true);
    assert.ok(closed.r.inventory.privateEndpoints.some((p) => p.name === 'pep-kv-ai-vault-0'));
    const plain = await avm(vault(''));
    assert.equal(plain.r.inventory.keyVaults[0]?.publicNetworkAccess, undefined);
  });
});

describe('an older module version without the parameters whose shape changed', () => {
  it('cognitive-services/account 0.4 without private endpoints: read (the defaults have not changed since 0.1)', async () => {
    const text = AVM_ACCOUNT('0.4.0').replace(/privateEndpoints: \[[\s\S]*?\n {4}\]/, "publicNetworkAccess: 'Enabled'");
    assert.doesNotMatch(text, /privateEndpoints/);
    const { publicAccess: access, r } = await avm(text);
    assert.equal(r.inventory.cognitiveAccounts[0]?.publicNetworkAccess, 'Enabled');
    assert.equal(access, 'fail');
  });
  it('machine-learning-services/workspace before 0.4 (public access defaulted to Azure’s): not read', async () => {
    const text = `
module hub 'br/public:avm/res/machine-learning-services/workspace:0.3.0' = {
  name: 'hub'
  params: { name: 'aihub', sku: 'Basic' }
}
`;
    const { r } = await avm(text);
    assert.equal(r.inventory.mlWorkspaces.length, 0);
    assert.ok(r.warnings.some((w) => /follows versions 0\.4 and later/.test(w.message)));
  });
  it('a version later than the model was checked against (cognitive-services/account 0.19): not read', async () => {
    const { r, publicAccess: access } = await avm(AVM_ACCOUNT('0.19.0'));
    assert.equal(r.inventory.cognitiveAccounts.length, 0);
    assert.notEqual(access, 'pass');
    assert.ok(
      r.warnings.some((w) => /follows versions up to 0\.18, and a later one may deploy differently/.test(w.message)),
    );
  });
  it('storage-account before 0.9 (network rules given without defaultAction sent none, so Azure’s Allow): not read', async () => {
    const text = `
module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  params: {
    name: 'stdocs'
    location: 'swedencentral'
    networkAcls: { bypass: 'AzureServices', ipRules: [{ value: '203.0.113.0/24', action: 'Allow' }] }
  }
}
`;
    const { r } = await avm(text);
    assert.equal(r.inventory.storageAccounts.length, 0, 'not read as denying by default');
    assert.ok(r.warnings.some((w) => /follows versions 0\.9 and later/.test(w.message)));
  });
});

describe('tags through the models (a zone tag places subnets and endpoints)', () => {
  const egress = AZURE_CHECKS.find((c) => c.id === 'azure-ai-subnet-internet-egress')!;
  const text = `
module nsg 'br/public:avm/res/network/network-security-group:0.5.0' = {
  name: 'nsg'
  params: { name: 'nsg-app', location: 'swedencentral', tags: { SecurityZone: 'application' } }
}
module vnet 'br/public:avm/res/network/virtual-network:0.7.0' = {
  name: 'vnet'
  params: {
    name: 'vnet-ai'
    location: 'swedencentral'
    addressPrefixes: ['10.50.0.0/16']
    tags: { SecurityZone: 'inference' }
    subnets: [
      { name: 'snet-inference', addressPrefix: '10.50.2.0/24' }
      { name: 'snet-app', addressPrefix: '10.50.1.0/24', networkSecurityGroupResourceId: nsg.outputs.resourceId }
    ]
  }
}
module openai 'br/public:avm/res/cognitive-services/account:0.13.0' = {
  name: 'openai'
  params: {
    name: 'oai-demo'
    kind: 'OpenAI'
    location: 'swedencentral'
    customSubDomainName: 'oai-demo'
    tags: { team: 'ai' }
    privateEndpoints: [
      { subnetResourceId: vnet.outputs.subnetResourceIds[1], tags: { SecurityZone: 'inference' } }
      { subnetResourceId: vnet.outputs.subnetResourceIds[1] }
    ]
  }
}
`;
  it('a VNet’s and an NSG’s tags are the resources’ tags: the inference subnet’s direct internet egress fails (it was in no zone)', async () => {
    const { r } = await avm(text);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.equal(r.inventory.virtualNetworks[0]?.tags.SecurityZone, 'inference');
    assert.equal(r.inventory.networkSecurityGroups[0]?.tags.SecurityZone, 'application');
    assert.equal(r.inventory.cognitiveAccounts[0]?.tags.team, 'ai');
    const f = runAzureChecks(r.inventory, policy, [egress]).map(
      (x) => `${x.status} ${x.resource.id.split('/').at(-1)}`,
    );
    assert.deepEqual(f, ['fail snet-inference']);
    // An endpoint's own tags, else the resource's (the module passes `privateEndpoint.?tags ?? tags`).
    const tags = r.inventory.privateEndpoints.map((p) => [p.name, p.tags]).sort();
    assert.deepEqual(tags, [
      ['pep-oai-demo-account-0', { SecurityZone: 'inference' }],
      ['pep-oai-demo-account-1', { team: 'ai' }],
    ]);
  });
});

describe('a private endpoint item deployed to another resource group', () => {
  it('is declared in that resource group and subscription (resourceGroupResourceId), as the modules deploy it', async () => {
    const { r } = await avm(`
module kv 'br/public:avm/res/key-vault/vault:0.11.0' = {
  name: 'kv'
  params: {
    name: 'kv-ai'
    location: 'swedencentral'
    privateEndpoints: [
      {
        subnetResourceId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/pe'
        resourceGroupResourceId: '/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/rg-network'
      }
    ]
  }
}
`);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(
      r.inventory.privateEndpoints.map((p) => p.id),
      [
        '/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/rg-network/providers/Microsoft.Network/privateEndpoints/pep-kv-ai-vault-0',
      ],
    );
  });
});
