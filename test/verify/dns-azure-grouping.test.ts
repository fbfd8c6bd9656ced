/**
 * Azure AI-name resolution findings are per VNet: a reason that holds for the privatelink zone from the VNet (not
 * linked, named outside the inventory) is one finding listing every account name it affects — one finding per VNet
 * and account grew with their product (an organisation of landing zones, each with its own account, gave tens of
 * thousands) — while a record of one account stays a finding of its own.
 * The zone groups are children of a loop element (`parent: pe[i]`), as Bicep samples write them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import { scanSnapshot } from '../../src/scan.js';
import { tmpTrees } from '../support/tmp-tree.js';

const policy = parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML);
const tree = tmpTrees('cordon-dns-azure-grouping-');

const accounts = (n: number, linked: boolean) => `
resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-ai'
  location: 'swedencentral'
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [
      { name: 'snet-inference', properties: { addressPrefix: '10.0.2.0/24' } }
      { name: 'snet-pe', properties: { addressPrefix: '10.0.9.0/24' } }
    ]
  }
}
resource zone 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: 'privatelink.openai.azure.com'
  location: 'global'
}
${
  linked
    ? `resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: zone
  name: 'vnet-ai'
  location: 'global'
  properties: { virtualNetwork: { id: vnet.id }, registrationEnabled: false }
}`
    : ''
}
resource oai 'Microsoft.CognitiveServices/accounts@2023-05-01' = [for i in range(0, ${n}): {
  name: 'oai-\${i}'
  location: 'swedencentral'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: { customSubDomainName: 'oai-\${i}', publicNetworkAccess: 'Disabled' }
}]
resource pe 'Microsoft.Network/privateEndpoints@2023-09-01' = [for i in range(0, ${n}): {
  name: 'pe-\${i}'
  location: 'swedencentral'
  properties: {
    subnet: { id: '\${vnet.id}/subnets/snet-pe' }
    privateLinkServiceConnections: [{ name: 'c', properties: { privateLinkServiceId: oai[i].id, groupIds: ['account'] } }]
  }
}]
resource group 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-09-01' = [for i in range(0, ${n}): {
  parent: pe[i]
  name: 'default'
  properties: { privateDnsZoneConfigs: [{ name: 'oai', properties: { privateDnsZoneId: zone.id } }] }
}]
`;

async function dnsFindings(text: string) {
  const dir = tree({ 'main.bicep': text });
  const r = await scanSnapshot({
    snapshot: dir,
    policy,
    policySource: 'p',
    cwd: dir,
    today: '2026-01-01',
    checks: ['verify-ai-name-public-dns'],
  });
  assert.deepEqual(r.inputErrors, []);
  return r.findings.filter((f) => f.checkId === 'verify-ai-name-public-dns' && f.status !== 'pass');
}

describe('verify: Azure AI names from a VNet', () => {
  it('a zone not linked to the calling VNet: one failing finding naming every account it leaves public', async () => {
    const fs = await dnsFindings(accounts(7, false));
    assert.equal(fs.length, 1, fs.map((f) => f.message).join('\n'));
    assert.equal(fs[0]!.status, 'fail');
    assert.match(fs[0]!.message, /^7 names \(oai-0\.openai\.azure\.com, .*, and 2 more\) from vnet-ai/);
    assert.equal((fs[0]!.evidence as { names: string[] }).names.length, 7);
  });
  it('one account: the finding and its fingerprint are the name’s own, as before', async () => {
    const fs = await dnsFindings(accounts(1, false));
    assert.equal(fs.length, 1);
    assert.match(
      fs[0]!.message,
      /^oai-0\.openai\.azure\.com from vnet-ai .* does not resolve to private endpoint pe-0/,
    );
    assert.match(fs[0]!.fingerprint, /\|oai-0\.openai\.azure\.com$/);
  });
  it('linked, with the zone groups writing the records: nothing fails', async () => {
    assert.deepEqual(
      (await dnsFindings(accounts(3, true))).map((f) => f.status),
      [],
    );
  });
});
