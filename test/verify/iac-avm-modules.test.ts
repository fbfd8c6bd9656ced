/**
 * `cordon verify` on Bicep built from Azure Verified Modules that were not restored: the network, its subnets and the
 * NSG come from cordon's models of avm/res/network/virtual-network and network-security-group (wired by the modules'
 * outputs), so the NSG's rules decide the inference → data path as they would once deployed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zonePairVerifier } from '../support/verify-zones.js';

const verify = zonePairVerifier('cordon-avm-verify-');

const bicep = (access: 'Allow' | 'Deny') => `
module nsg 'br/public:avm/res/network/network-security-group:0.5.0' = {
  name: 'nsg'
  params: {
    name: 'nsg-data'
    securityRules: [
      {
        name: 'from-inference'
        properties: {
          access: '${access}'
          direction: 'Inbound'
          priority: 100
          protocol: '*'
          sourceAddressPrefix: '10.0.2.0/24'
          destinationAddressPrefix: '*'
          sourcePortRange: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}
module vnet 'br/public:avm/res/network/virtual-network:0.7.0' = {
  name: 'vnet'
  params: {
    name: 'vnet-ai'
    addressPrefixes: ['10.0.0.0/16']
    subnets: [
      { name: 'snet-inference', addressPrefix: '10.0.2.0/24' }
      { name: 'snet-data', addressPrefix: '10.0.3.0/24', networkSecurityGroupResourceId: nsg.outputs.resourceId }
    ]
  }
}
resource inference 'Microsoft.Network/networkInterfaces@2023-09-01' = {
  name: 'nic-inference'
  location: resourceGroup().location
  properties: {
    ipConfigurations: [
      {
        name: 'ip'
        properties: { privateIPAllocationMethod: 'Static', privateIPAddress: '10.0.2.10', subnet: { id: vnet.outputs.subnetResourceIds[0] } }
      }
    ]
  }
}
resource data 'Microsoft.Network/networkInterfaces@2023-09-01' = {
  name: 'nic-data'
  location: resourceGroup().location
  properties: {
    ipConfigurations: [
      {
        name: 'ip'
        properties: { privateIPAllocationMethod: 'Static', privateIPAddress: '10.0.3.10', subnet: { id: vnet.outputs.subnetResourceIds[1] } }
      }
    ]
  }
}
`;

describe('verify: Azure Verified Modules read through cordon’s models', () => {
  it('the data subnet’s NSG (a module, on the subnet by its output) admitting the inference subnet: a violation, at its rule', async () => {
    const r = await verify({ 'main.bicep': bicep('Allow') }, 'inference', 'data');
    assert.deepEqual(r.inputErrors, []);
    assert.deepEqual(r.cell.configurationPermits, ['any']);
    assert.equal(r.violations.length, 1);
    assert.ok(
      r.hops.some((h) => /from-inference/.test(h)),
      r.hops.join('\n'),
    );
    assert.deepEqual(r.notAssessed, []);
  });
  it('the same rule denying: nothing permitted, and the scope is verified (not "not assessed")', async () => {
    const r = await verify({ 'main.bicep': bicep('Deny') }, 'inference', 'data');
    assert.deepEqual(r.cell.configurationPermits, []);
    assert.equal(r.violations.length, 0);
    assert.deepEqual(r.notAssessed, []);
  });
});

describe('verify: a zone whose ranges lie outside every network of the input', () => {
  it('its allowed flows are not judged, and the cell says so rather than reading as verified', async () => {
    // The network holds inference (10.0.2.0/24) and data (10.0.3.0/24); application's 10.0.1.0/24 is outside it.
    const text = `
resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-ai'
  location: 'swedencentral'
  properties: {
    addressSpace: { addressPrefixes: ['10.0.2.0/23'] }
    subnets: [{ name: 'snet-inference', properties: { addressPrefix: '10.0.2.0/24' } }]
  }
}
resource nic 'Microsoft.Network/networkInterfaces@2023-09-01' = {
  name: 'nic-inference'
  location: 'swedencentral'
  properties: {
    ipConfigurations: [
      {
        name: 'ip'
        properties: { privateIPAllocationMethod: 'Static', privateIPAddress: '10.0.2.10', subnet: { id: '\${vnet.id}/subnets/snet-inference' } }
      }
    ]
  }
}
`;
    const r = await verify({ 'main.bicep': text }, 'internet', 'application');
    assert.deepEqual(r.cell.policyAllows, ['tcp/443']);
    assert.match(r.cell.notJudged ?? '', /application has no interface in the input/);
    const inside = await verify({ 'main.bicep': text }, 'application', 'inference');
    assert.match(inside.cell.notJudged ?? '', /application has no interface/);
  });
});
