import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  expectedPrivateDnsZones,
  zoneFitsTarget,
  AZURE_PRIVATE_DNS_ZONES,
} from '../../src/analysis/azure-private-dns.js';
import { indexByAzureId, parseAzureId, sameAzureId } from '../../src/inventory/azure.js';
import { loadAzureSnapshot } from '../../src/sources/azure-snapshot/load.js';

const zonesOf = (target: Parameters<typeof expectedPrivateDnsZones>[0]) => expectedPrivateDnsZones(target)?.required;

describe('private endpoint DNS zone table', () => {
  it('gives each Cognitive Services kind the zones its host names need', () => {
    const account = 'Microsoft.CognitiveServices/accounts';
    assert.deepEqual(zonesOf({ resourceType: account, groupId: 'account', kind: 'OpenAI' }), [
      'privatelink.openai.azure.com',
    ]);
    assert.deepEqual(zonesOf({ resourceType: account, groupId: 'account', kind: 'AIServices' }), [
      'privatelink.cognitiveservices.azure.com',
      'privatelink.openai.azure.com',
      'privatelink.services.ai.azure.com',
    ]);
    assert.deepEqual(zonesOf({ resourceType: account, groupId: 'account', kind: 'TextAnalytics' }), [
      'privatelink.cognitiveservices.azure.com',
    ]);
    const openai = expectedPrivateDnsZones({ resourceType: account, groupId: 'Account', kind: 'OpenAI' })!;
    assert.ok(zoneFitsTarget('PrivateLink.OpenAI.Azure.com.', openai));
    assert.ok(zoneFitsTarget('privatelink.cognitiveservices.azure.com', openai), 'the table lists it for the groupId');
    assert.ok(!zoneFitsTarget('privatelink.blob.core.windows.net', openai));
  });

  it('covers the AI workload and its supporting services', () => {
    assert.deepEqual(
      zonesOf({ resourceType: 'Microsoft.MachineLearningServices/workspaces', groupId: 'amlworkspace' }),
      ['privatelink.api.azureml.ms', 'privatelink.notebooks.azure.net'],
    );
    assert.deepEqual(zonesOf({ resourceType: 'Microsoft.Search/searchServices', groupId: 'searchService' }), [
      'privatelink.search.windows.net',
    ]);
    for (const [group, zone] of [
      ['blob', 'privatelink.blob.core.windows.net'],
      ['blob_secondary', 'privatelink.blob.core.windows.net'],
      ['file', 'privatelink.file.core.windows.net'],
      ['queue', 'privatelink.queue.core.windows.net'],
      ['table', 'privatelink.table.core.windows.net'],
      ['dfs', 'privatelink.dfs.core.windows.net'],
    ] as const)
      assert.deepEqual(zonesOf({ resourceType: 'Microsoft.Storage/storageAccounts', groupId: group }), [zone]);
    assert.deepEqual(zonesOf({ resourceType: 'Microsoft.KeyVault/vaults', groupId: 'vault' }), [
      'privatelink.vaultcore.azure.net',
    ]);
    assert.deepEqual(zonesOf({ resourceType: 'Microsoft.ContainerRegistry/registries', groupId: 'registry' }), [
      'privatelink.azurecr.io',
    ]);
    // Unknown services are undefined (checks must say "not assessed"), never an empty list that passes.
    assert.equal(expectedPrivateDnsZones({ resourceType: 'Microsoft.Sql/servers', groupId: 'sqlServer' }), undefined);
    assert.equal(
      expectedPrivateDnsZones({ resourceType: 'Microsoft.Storage/storageAccounts', groupId: 'account' }),
      undefined,
    );
    // Every zone is a privatelink zone written in lower case.
    for (const e of AZURE_PRIVATE_DNS_ZONES)
      for (const z of e.zones) assert.match(z, /^privatelink\.[a-z0-9.-]+$/, `${e.service}: ${z}`);
  });

  it('the reference example uses fitting zones everywhere; the misconfigured one does not', async () => {
    const misfits = async (dir: string) => {
      const inv = (await loadAzureSnapshot(dir)).inventory;
      const targets = indexByAzureId([
        ...inv.cognitiveAccounts,
        ...inv.mlWorkspaces,
        ...inv.searchServices,
        ...inv.storageAccounts,
        ...inv.keyVaults,
        ...inv.containerRegistries,
      ]);
      const out: string[] = [];
      for (const pe of inv.privateEndpoints) {
        const groups = inv.privateDnsZoneGroups.filter((g) => sameAzureId(g.privateEndpointId, pe.id));
        const zones = groups.flatMap((g) => g.zoneConfigs.map((c) => parseAzureId(c.privateDnsZoneId).names.at(-1)!));
        for (const c of pe.connections) {
          const target = targets.get(c.privateLinkServiceId!.toLowerCase());
          const expected = expectedPrivateDnsZones({
            resourceType: parseAzureId(c.privateLinkServiceId!).type!,
            groupId: c.groupIds[0]!,
            ...(target && 'kind' in target && typeof target.kind === 'string' ? { kind: target.kind } : {}),
          });
          assert.ok(expected, `${pe.name}: no table row`);
          if (groups.length === 0) out.push(`${pe.name}: no zone group`);
          for (const z of zones) if (!zoneFitsTarget(z, expected)) out.push(`${pe.name}: ${z} does not fit`);
          for (const z of expected.required)
            if (groups.length > 0 && !zones.includes(z)) out.push(`${pe.name}: ${z} missing`);
        }
      }
      return out.sort();
    };
    assert.deepEqual(await misfits('examples/azure/reference'), []);
    assert.deepEqual(await misfits('examples/azure/misconfigured'), [
      'pe-kv: privatelink.blob.core.windows.net does not fit',
      'pe-kv: privatelink.vaultcore.azure.net missing',
      'pe-srch: no zone group',
    ]);
  });
});
