/**
 * The Azure reader against the Azure REST API specification's own example responses (test/fixtures/azure-specs,
 * api-versions in its README): every field the reader uses must come out with the example's value and shape.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseAzureId, sameAzureId } from '../../src/inventory/azure.js';
import { parsePointer } from '../../src/util/json-pointer.js';
import { loadAzureSnapshot, loadAzureSnapshotFromTexts } from '../../src/sources/azure-snapshot/load.js';
import { outboundRuleShape } from '../../src/sources/azure-snapshot/shapes.js';

const DIR = 'test/fixtures/azure-specs';

/** The value at a JSON pointer of a fixture (unknown: the test compares it, never trusts its type). */
function at(doc: unknown, pointer: string): unknown {
  let v = doc;
  for (const seg of parsePointer(pointer))
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  return v;
}

async function fixture(name: string) {
  const text = await readFile(path.join(DIR, name), 'utf8');
  const r = loadAzureSnapshotFromTexts([{ name, text }]);
  assert.deepEqual(
    r.errors.map((e) => e.format()),
    [],
    name,
  );
  return { raw: JSON.parse(text) as unknown, inv: r.inventory, warnings: r.warnings };
}

describe('Azure reader conforms to the REST API specification examples', () => {
  it('every fixture is listed in the README with its spec path and api-version, and reads without errors', async () => {
    const readme = await readFile(path.join(DIR, 'README.md'), 'utf8');
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 12);
    for (const f of files) {
      const line = readme.split('\n').find((l) => l.includes(`\`${f}\``));
      assert.ok(line, `${f} is not in the README`);
      const version = /-(\d{4}-\d{2}-\d{2})-/.exec(f)![1]!;
      assert.ok(line.includes(`/${version}/examples/`) && line.trim().endsWith(`| ${version} |`), `${f}: ${line}`);
    }
    const r = await loadAzureSnapshot(DIR);
    assert.deepEqual(r.errors, []);
  });

  it('Microsoft.CognitiveServices/accounts 2024-10-01', async () => {
    const { raw, inv } = await fixture('cognitiveservices-2024-10-01-CreateAccount.json');
    const a = inv.cognitiveAccounts[0]!;
    assert.equal(a.id, at(raw, '/id'));
    assert.equal(a.kind, at(raw, '/kind'));
    assert.equal(a.sku, at(raw, '/sku/name'));
    assert.equal(a.endpoint, at(raw, '/properties/endpoint'));
    assert.equal(a.location, 'westus', '"West US" is a display name; ARM ids and Resource Graph use "westus"');
    assert.equal(a.subscription, 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');
    assert.equal(a.resourceGroup, 'myResourceGroup');
    assert.equal(a.publicNetworkAccess, undefined, 'absent in the example: the reader must not invent a value');
  });

  it('privateEndpointConnections (CognitiveServices list, ML workspace) 2024-10-01', async () => {
    const { raw } = await fixture('cognitiveservices-2024-10-01-ListPrivateEndpointConnections.json');
    // The connection list shape is the same one embedded in properties.privateEndpointConnections.
    const account = {
      id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a',
      type: 'Microsoft.CognitiveServices/accounts',
      kind: 'OpenAI',
      location: 'eastus',
      properties: { privateEndpointConnections: at(raw, '/value') },
    };
    const r = loadAzureSnapshotFromTexts([{ name: 'a.json', text: JSON.stringify(account) }]);
    assert.deepEqual(r.errors, []);
    const c = r.inventory.cognitiveAccounts[0]!.privateEndpointConnections[0]!;
    assert.equal(c.status, at(raw, '/value/0/properties/privateLinkServiceConnectionState/status'));
    assert.equal(c.privateEndpointId, at(raw, '/value/0/properties/privateEndpoint/id'));
    const ws = await fixture('machinelearningservices-2024-10-01-Workspace-get.json');
    const w = ws.inv.mlWorkspaces[0]!;
    const p = (k: string) => at(ws.raw, `/properties/${k}`);
    assert.deepEqual(
      [w.storageAccount, w.keyVault, w.containerRegistry, w.applicationInsights],
      [p('storageAccount'), p('keyVault'), p('containerRegistry'), p('applicationInsights')],
    );
    assert.equal(w.publicNetworkAccess, p('publicNetworkAccess'));
    assert.equal(w.allowPublicAccessWhenBehindVnet, p('allowPublicAccessWhenBehindVnet'));
    assert.equal(w.privateEndpointConnections[0]!.status, 'Approved');
    assert.equal(w.kind, 'Default', 'the example has no kind: a plain Azure ML workspace');
  });

  it('ML managed network outbound rules 2024-10-01', async () => {
    const raw = JSON.parse(
      await readFile(path.join(DIR, 'machinelearningservices-2024-10-01-ManagedNetwork-listRule.json'), 'utf8'),
    ) as {
      value: { properties: unknown }[];
    };
    for (const rule of raw.value) {
      const r = outboundRuleShape.safeParse(rule.properties);
      assert.ok(r.success, JSON.stringify(r.error?.issues));
      assert.equal(r.data.type, 'FQDN');
      assert.equal(r.data.destination, 'destination_of_the_fqdn_rule');
    }
  });

  it('Microsoft.Network/privateEndpoints 2024-05-01', async () => {
    const { raw, inv } = await fixture('network-2024-05-01-PrivateEndpointGet.json');
    const pe = inv.privateEndpoints[0]!;
    const p = (ptr: string) => at(raw, `/properties${ptr}`);
    assert.equal(pe.subnetId, p('/subnet/id'));
    assert.deepEqual(pe.connections[0]!.groupIds, p('/privateLinkServiceConnections/0/properties/groupIds'));
    assert.equal(pe.connections[0]!.status, 'Approved');
    assert.equal(
      pe.connections[0]!.privateLinkServiceId,
      p('/privateLinkServiceConnections/0/properties/privateLinkServiceId'),
    );
    assert.deepEqual(pe.customDnsConfigs, p('/customDnsConfigs'));
    assert.deepEqual(
      pe.networkInterfaceIds,
      [p('/networkInterfaces/0/id')],
      'a malformed id ("provders") is kept, not rejected',
    );
    assert.deepEqual(pe.ipConfigurations[0], { groupId: 'file', memberName: 'file', privateIpAddress: '192.168.0.6' });
  });

  it('privateEndpoints/privateDnsZoneGroups 2024-05-01 (no type in the example: recognised by content)', async () => {
    const { raw, inv } = await fixture('network-2024-05-01-PrivateEndpointDnsZoneGroupGet.json');
    const g = inv.privateDnsZoneGroups[0]!;
    assert.equal(g.zoneConfigs.length, 2);
    const c = (k: string) => at(raw, `/properties/privateDnsZoneConfigs/0/properties/${k}`);
    assert.equal(g.zoneConfigs[0]!.privateDnsZoneId, c('privateDnsZoneId'));
    assert.deepEqual(g.zoneConfigs[0]!.recordSets, c('recordSets'));
    assert.ok(g.privateEndpointId.endsWith('/testPe'));
  });

  it('Microsoft.Network/networkSecurityGroups 2024-05-01', async () => {
    const { raw, inv } = await fixture('network-2024-05-01-NetworkSecurityGroupGet.json');
    const nsg = inv.networkSecurityGroups[0]!;
    const r = (k: string) => at(raw, `/properties/securityRules/0/properties/${k}`);
    const rule = nsg.securityRules[0]!;
    assert.deepEqual(
      [
        rule.priority,
        rule.direction,
        rule.access,
        rule.protocol,
        rule.sources,
        rule.sourcePorts,
        rule.destinations,
        rule.destinationPorts,
      ],
      [
        r('priority'),
        r('direction'),
        r('access'),
        r('protocol'),
        [r('sourceAddressPrefix')],
        [r('sourcePortRange')],
        [r('destinationAddressPrefix')],
        [r('destinationPortRange')],
      ],
    );
    assert.deepEqual(
      nsg.defaultSecurityRules.map((d) => [d.name, d.priority, d.sources, d.destinations]),
      [0, 1].map((i) => {
        const d = (k: string) => at(raw, `/properties/defaultSecurityRules/${i}/${k}`);
        return [
          d('name'),
          d('properties/priority'),
          [d('properties/sourceAddressPrefix')],
          [d('properties/destinationAddressPrefix')],
        ];
      }),
    );
  });

  it('Microsoft.Network/virtualNetworks and virtualNetworkPeerings 2024-05-01', async () => {
    const { raw, inv } = await fixture('network-2024-05-01-VirtualNetworkGetWithSubnetDelegation.json');
    assert.deepEqual(inv.virtualNetworks[0]!.addressPrefixes, at(raw, '/properties/addressSpace/addressPrefixes'));
    assert.deepEqual(inv.virtualNetworks[0]!.dnsServers, [], 'no dhcpOptions: Azure-provided DNS');
    const s = inv.subnets[0]!;
    assert.deepEqual(s.addressPrefixes, [at(raw, '/properties/subnets/0/properties/addressPrefix')]);
    assert.deepEqual(s.delegations, ['Microsoft.Provider/resourceType']);
    assert.equal(s.location, 'westus');
    assert.ok(sameAzureId(s.vnetId, String(at(raw, '/id'))));
    const peer = await fixture('network-2024-05-01-VirtualNetworkPeeringGet.json');
    const p = peer.inv.vnetPeerings[0]!;
    const pp = (k: string) => at(peer.raw, `/properties/${k}`);
    assert.deepEqual(
      [
        p.remoteVirtualNetworkId,
        p.remoteAddressPrefixes,
        p.allowVirtualNetworkAccess,
        p.allowForwardedTraffic,
        p.allowGatewayTransit,
        p.useRemoteGateways,
        p.peeringState,
      ],
      [pp('remoteVirtualNetwork/id'), pp('remoteAddressSpace/addressPrefixes'), true, true, false, false, 'Initiated'],
    );
    assert.equal(parseAzureId(p.vnetId).names.at(-1), 'vnet1');
  });

  it('Microsoft.Network/privateDnsZones, virtualNetworkLinks and A record sets 2020-06-01', async () => {
    const zones = await fixture('privatedns-2020-06-01-PrivateZoneListInSubscription.json');
    const z = zones.inv.privateDnsZones[0]!;
    assert.deepEqual([z.zoneName, z.location, z.numberOfRecordSets], ['privatezone1.com', 'global', 1]);
    assert.ok(
      zones.warnings.some((w) => /longer list/.test(w.message)),
      'the example has a nextLink: a page, not all',
    );
    const links = await fixture('privatedns-2020-06-01-VirtualNetworkLinkGet.json');
    const l = links.inv.privateDnsZoneLinks[0]!;
    assert.deepEqual(
      [l.zoneName, l.virtualNetworkId, l.registrationEnabled, l.virtualNetworkLinkState],
      ['privatezone1.com', at(links.raw, '/properties/virtualNetwork/id'), false, 'Completed'],
    );
    const recs = await fixture('privatedns-2020-06-01-RecordSetAGet.json');
    const a = recs.inv.privateDnsARecords[0]!;
    assert.deepEqual(
      [a.zoneName, a.recordName, a.ipv4Addresses, a.ttl, a.fqdn],
      ['privatezone1.com', 'recorda', ['1.2.3.4'], 3600, 'recorda.privatezone1.com.'],
    );
  });
});

describe('Azure reader conforms to the REST API specification examples (network edge, DNS resolver, PaaS)', () => {
  it('Microsoft.Network/routeTables 2024-05-01', async () => {
    const { raw, inv } = await fixture('network-2024-05-01-RouteTableGet.json');
    const r = inv.routeTables[0]!;
    const route = (k: string) => at(raw, `/properties/routes/0/properties/${k}`);
    assert.deepEqual(
      [r.routes[0]!.name, r.routes[0]!.addressPrefix, r.routes[0]!.nextHopType, r.disableBgpRoutePropagation],
      ['route1', route('addressPrefix'), route('nextHopType'), false],
    );
  });

  it('Microsoft.Network/azureFirewalls 2024-05-01 (classic rules)', async () => {
    const { raw, inv } = await fixture('network-2024-05-01-AzureFirewallGet.json');
    const fw = inv.firewalls[0]!;
    const ip = (k: string) => at(raw, `/properties/ipConfigurations/0/properties/${k}`);
    assert.deepEqual(fw.ipConfigurations[0], {
      privateIpAddress: ip('privateIPAddress'),
      subnetId: ip('subnet/id'),
      publicIpAddressId: ip('publicIPAddress/id'),
    });
    assert.equal(fw.skuTier, 'Standard');
    assert.equal(fw.location, 'westus');
    const app = fw.classicRules.find((r) => r.kind === 'application')!;
    assert.deepEqual([app.action, app.targetFqdns, app.protocols], ['Deny', ['www.test.com'], ['Https:443']]);
    const net = fw.classicRules.find((r) => r.kind === 'network')!;
    assert.deepEqual(
      [net.targetFqdns, net.destinationPorts, net.protocols],
      [['www.amazon.com'], ['443-444', '8443'], ['TCP']],
    );
  });

  it('firewallPolicies/ruleCollectionGroups 2024-05-01', async () => {
    const { raw, inv } = await fixture('network-2024-05-01-FirewallPolicyRuleCollectionGroupList.json');
    const g = inv.firewallRuleCollectionGroups[0]!;
    const rule = (k: string) => at(raw, `/value/0/properties/ruleCollections/0/rules/0/${k}`);
    assert.equal(g.priority, 110);
    assert.equal(parseAzureId(g.policyId).names.at(-1), 'firewallPolicy');
    const r = g.rules[0]!;
    assert.deepEqual(
      [
        r.collection,
        r.collectionPriority,
        r.action,
        r.ruleType,
        r.sourceAddresses,
        r.destinationAddresses,
        r.protocols,
        r.destinationPorts,
      ],
      [
        'Example-Filter-Rule-Collection',
        120,
        'Deny',
        rule('ruleType'),
        rule('sourceAddresses'),
        rule('destinationAddresses'),
        rule('ipProtocols'),
        rule('destinationPorts'),
      ],
    );
  });

  it('Microsoft.Network/bastionHosts and networkInterfaces 2024-05-01', async () => {
    const bas = await fixture('network-2024-05-01-BastionHostGet.json');
    const b = bas.inv.bastionHosts[0]!;
    assert.deepEqual(b.subnetIds, [at(bas.raw, '/properties/ipConfigurations/0/properties/subnet/id')]);
    assert.equal(b.sku, 'Standard');
    assert.equal(parseAzureId(b.virtualNetworkId ?? '').names.at(-1), 'vnet2');
    const nic = await fixture('network-2024-05-01-NetworkInterfaceGet.json');
    const n = nic.inv.networkInterfaces[0]!;
    const c = (i: number, k: string) => at(nic.raw, `/properties/ipConfigurations/${i}/properties/${k}`);
    assert.deepEqual(
      n.ipConfigurations.map((x) => [x.privateIpAddress, x.subnetId, x.publicIpAddressId]),
      [
        [c(0, 'privateIPAddress'), c(0, 'subnet/id'), c(0, 'publicIPAddress/id')],
        [c(1, 'privateIPAddress'), c(1, 'subnet/id'), undefined],
      ],
    );
    assert.equal(n.networkSecurityGroupId, at(nic.raw, '/properties/networkSecurityGroup/id'));
    assert.equal(n.virtualMachineId, at(nic.raw, '/properties/virtualMachine/id'));
  });

  it('DNS private resolver inbound endpoints and forwarding rules 2022-07-01', async () => {
    const inb = await fixture('dnsresolver-2022-07-01-InboundEndpoint_Get.json');
    const e = inb.inv.dnsResolverInboundEndpoints[0]!;
    assert.deepEqual(e.ipConfigurations, [
      {
        privateIpAddress: at(inb.raw, '/properties/ipConfigurations/0/privateIpAddress'),
        subnetId: at(inb.raw, '/properties/ipConfigurations/0/subnet/id'),
      },
    ]);
    assert.equal(e.location, 'westus2');
    const fwd = await fixture('dnsresolver-2022-07-01-ForwardingRule_Put.json');
    const r = fwd.inv.dnsForwardingRules[0]!;
    assert.deepEqual(
      [r.domainName, r.targetDnsServers, r.state],
      ['contoso.com.', at(fwd.raw, '/properties/targetDnsServers'), 'Enabled'],
    );
    assert.equal(parseAzureId(r.rulesetId).names.at(-1), 'sampleDnsForwardingRuleset');
    assert.ok(
      fwd.warnings.some((w) => /cannot tell the location/.test(w.message)),
      'its ruleset is not in the file',
    );
  });

  it('Microsoft.Search/searchServices 2023-11-01 and Microsoft.Storage/storageAccounts 2023-05-01', async () => {
    const srch = await fixture('search-2023-11-01-SearchCreateOrUpdateServiceToAllowAccessFromPublicCustomIPs.json');
    const s = srch.inv.searchServices[0]!;
    assert.equal(s.publicNetworkAccess, 'enabled', 'Search spells the values in lower case');
    assert.deepEqual(s.networkAcls?.ipRules, ['123.4.5.6', '123.4.6.0/18']);
    assert.deepEqual(s.privateEndpointConnections, []);
    assert.equal(s.sku, 'standard');
    const st = await fixture('storage-2023-05-01-StorageAccountGetProperties.json');
    const a = st.inv.storageAccounts[0]!;
    const acl = (k: string) => at(st.raw, `/properties/networkAcls/${k}`);
    assert.deepEqual(a.networkAcls, {
      defaultAction: acl('defaultAction'),
      bypass: acl('bypass'),
      ipRules: acl('ipRules'),
      virtualNetworkRules: acl('virtualNetworkRules'),
    });
    assert.equal(a.publicNetworkAccess, undefined);
    assert.equal(a.kind, 'Storage');
  });
});

describe('Azure reader conforms to the REST API specification examples (Key Vault, ACR, public IP, VM)', () => {
  it('Microsoft.KeyVault/vaults 2023-07-01 and Microsoft.ContainerRegistry/registries 2023-07-01', async () => {
    const kv = await fixture('keyvault-2023-07-01-getVault.json');
    const v = kv.inv.keyVaults[0]!;
    assert.equal(v.publicNetworkAccess, at(kv.raw, '/properties/publicNetworkAccess'));
    assert.equal(v.networkAcls, undefined, 'the example has no networkAcls');
    const acr = await fixture('containerregistry-2023-07-01-RegistryGet.json');
    const r = acr.inv.containerRegistries[0]!;
    assert.deepEqual(
      [
        r.publicNetworkAccess,
        r.networkAcls?.defaultAction,
        r.networkAcls?.ipRules,
        r.sku,
        r.adminUserEnabled,
        r.privateEndpointConnections,
      ],
      [
        at(acr.raw, '/properties/publicNetworkAccess'),
        at(acr.raw, '/properties/networkRuleSet/defaultAction'),
        [],
        'Standard',
        false,
        [],
      ],
    );
  });

  it('Microsoft.Network/publicIPAddresses 2024-05-01 and Microsoft.Compute/virtualMachines 2024-07-01', async () => {
    const pip = await fixture('network-2024-05-01-PublicIpAddressGet.json');
    assert.equal(pip.inv.publicIpAddresses[0]!.ipConfigurationId, at(pip.raw, '/properties/ipConfiguration/id'));
    const vm = await fixture('compute-2024-07-01-VirtualMachine_Get.json');
    const m = vm.inv.virtualMachines[0]!;
    assert.deepEqual(m.networkInterfaceIds, [at(vm.raw, '/properties/networkProfile/networkInterfaces/0/id')]);
    assert.deepEqual([m.osType, m.location, m.tags], ['Windows', 'westus', { myTag1: 'tagValue1' }]);
  });
});
