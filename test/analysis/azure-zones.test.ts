import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { placeAzureResources, type AzureZoneInput } from '../../src/analysis/azure-zones.js';
import type { AzureNetworkSecurityGroup, AzureSubnet, AzureVirtualNetwork } from '../../src/inventory/azure.js';
import { loadAzureSnapshot } from '../../src/sources/azure-snapshot/load.js';

const S = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Network';
const origin = { kind: 'file' as const, file: 'x.json' };
const base = { subscription: '1', location: 'eastus', resourceGroup: 'rg', origin };

function vnet(name: string, tags: Record<string, string> = {}): AzureVirtualNetwork {
  return {
    ...base,
    id: `${S}/virtualNetworks/${name}`,
    name,
    tags,
    addressPrefixes: [],
    dnsServers: [],
    subnetIds: [],
    peeringIds: [],
  };
}
function subnet(vnetName: string, name: string, prefixes: string[], nsg?: string): AzureSubnet {
  return {
    ...base,
    id: `${S}/virtualNetworks/${vnetName}/subnets/${name}`,
    name,
    vnetId: `${S}/virtualNetworks/${vnetName}`,
    addressPrefixes: prefixes,
    delegations: [],
    ...(nsg ? { networkSecurityGroupId: `${S}/networkSecurityGroups/${nsg}` } : {}),
  };
}
function nsg(name: string, tags: Record<string, string>): AzureNetworkSecurityGroup {
  return {
    ...base,
    id: `${S}/networkSecurityGroups/${name}`,
    name,
    tags,
    securityRules: [],
    defaultSecurityRules: [],
    subnetIds: [],
    networkInterfaceIds: [],
  };
}

describe('Azure zone placement', () => {
  const input: AzureZoneInput = {
    virtualNetworks: [
      vnet('v-app', { SecurityZone: 'application' }),
      vnet('v-data', { Env: 'prod', Tier: 'data' }),
      vnet('v-plain'),
    ],
    subnets: [
      subnet('v-app', 's1', ['10.1.0.0/24']),
      subnet('v-app', 's2', ['10.1.1.0/24'], 'nsg-inf'),
      subnet('v-data', 's3', ['10.2.0.0/24']),
      subnet('v-plain', 's4', ['10.9.0.0/24', 'fd00:9::/64']),
      subnet('v-plain', 's5', ['10.9.1.0/24']),
      subnet('v-plain', 's6', ['10.8.0.0/24']),
    ],
    networkSecurityGroups: [nsg('nsg-inf', { SecurityZone: 'inference' })],
  };
  const selectors = [
    { zone: 'application', cidrs: ['10.9.0.0/16'] },
    { zone: 'inference' },
    { zone: 'data', tags: { Tier: 'data' } },
    {
      zone: 'sandbox',
      subnetIds: [`${S}/virtualNetworks/v-app/subnets/s1`.toUpperCase()],
      vnetIds: [`${S}/virtualNetworks/v-plain`],
    },
    { zone: 'management', cidrs: ['10.9.1.0/24'] },
  ];
  const place = placeAzureResources(input, selectors);
  const at = (name: string) => place.subnet(input.subnets.find((s) => s.name === name)!.id);

  it('follows the precedence: subnet id, tags, zone tag (NSG before VNet), VNet id, CIDR', () => {
    assert.deepEqual([at('s1')?.zone, at('s1')?.via], ['sandbox', 'subnet-id'], 'ids compare case-insensitively');
    assert.deepEqual(
      [at('s2')?.zone, at('s2')?.via, at('s2')?.evidence],
      ['inference', 'zone-tag', `${S}/networkSecurityGroups/nsg-inf`],
    );
    assert.deepEqual([at('s3')?.zone, at('s3')?.via], ['data', 'tags']);
    assert.deepEqual([at('s4')?.zone, at('s4')?.via], ['sandbox', 'vnet-id']);
  });

  it('places by CIDR only when every prefix is inside, and reports competing zones', () => {
    const cidrOnly = placeAzureResources(input, [
      { zone: 'application', cidrs: ['10.9.0.0/16'] },
      { zone: 'management', cidrs: ['10.9.1.0/24'] },
    ]);
    const byName = (n: string) => cidrOnly.subnet(input.subnets.find((s) => s.name === n)!.id);
    assert.equal(byName('s4'), undefined, 'the IPv6 prefix is outside every zone');
    assert.deepEqual(byName('s5'), {
      zone: 'application',
      via: 'cidr',
      evidence: '10.9.1.0/24',
      alsoClaimedBy: ['management'],
    });
    assert.equal(byName('s6'), undefined);
    assert.equal(cidrOnly.subnet(`${S}/virtualNetworks/v-plain/subnets/nope`), undefined);
  });

  it('the zone tag names only zones the policy has', () => {
    const p = placeAzureResources(input, [{ zone: 'data', tags: { Tier: 'data' } }]);
    assert.equal(p.subnet(input.subnets[0]!.id), undefined, 'SecurityZone=application is not a zone here');
  });

  it('places NICs and private endpoints by their own tags, else by their subnet (the reference example)', async () => {
    const inv = (await loadAzureSnapshot('examples/azure/reference')).inventory;
    const p = placeAzureResources(inv, [
      { zone: 'application' },
      { zone: 'inference' },
      { zone: 'management' },
      { zone: 'data', cidrs: ['10.1.1.0/24'] },
    ]);
    const pe = inv.privateEndpoints.find((x) => x.name === 'pe-oai')!;
    assert.deepEqual(
      [p.privateEndpoint(pe.id)?.zone, p.privateEndpoint(pe.id)?.via],
      ['inference', 'resource-zone-tag'],
    );
    const peNic = inv.networkInterfaces.find((x) => x.name === 'pe-oai.nic.0001')!;
    assert.deepEqual([p.networkInterface(peNic.id)?.zone, p.networkInterface(peNic.id)?.via], ['inference', 'subnet']);
    const jump = inv.networkInterfaces.find((x) => x.name === 'nic-jumpbox')!;
    assert.deepEqual(
      [p.networkInterface(jump.id)?.zone, p.networkInterface(jump.id)?.via],
      ['management', 'resource-zone-tag'],
    );
    const app = inv.subnets.find((x) => x.name === 'snet-app')!;
    assert.deepEqual([p.subnet(app.id)?.zone, p.subnet(app.id)?.via], ['application', 'zone-tag']);
  });
});
