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

const MAIN = (ref: string) => `
resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-ai'
  location: 'swedencentral'
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [{ name: 'snet-pe', properties: { addressPrefix: '10.0.1.0/24' } }]
  }
}
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
