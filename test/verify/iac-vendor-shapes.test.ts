/**
 * `cordon verify` on infrastructure as code written the way vendors' public reference deployments write it (Azure's
 * OpenAI / AI Foundry baseline, AWS's SageMaker and Bedrock samples, Google's Vertex AI blueprints). Each case is a
 * shape that once made verify say less than the code declares. The fixtures are small and written for cordon.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadPolicyFile } from '../../src/policy/load.js';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';
import { compileAzure } from '../../src/verify/azure.js';
import { verifyModel } from '../../src/verify/questions.js';
import { tmpTrees } from '../support/tmp-tree.js';

const policy = loadPolicyFile('examples/cordon.yaml');
const tree = tmpTrees('cordon-vendor-shapes-');

async function bicepFindings(files: Record<string, string>): Promise<string[]> {
  const dir = tree(files);
  const r = await loadBicep(
    dir,
    Object.keys(files).map((f) => path.join(dir, f)),
  );
  assert.deepEqual(r.errors, []);
  const p = await policy;
  return verifyModel(compileAzure(r.inventory, p), p, { clientPorts: [32768, 60999] }).findings.map((f) => {
    const e = f.evidence as { from: string; to: string; classes?: string[] };
    return `${f.checkId} ${e.from} -> ${e.to}: ${(e.classes ?? []).join(', ')}`;
  });
}

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
