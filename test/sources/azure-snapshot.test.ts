import assert from 'node:assert/strict';
import { cp, mkdtemp, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AZURE_DATASETS,
  azureIdKey,
  hasAzureDataset,
  indexByAzureId,
  parseAzureId,
  sameAzureId,
  type AzureInventory,
} from '../../src/inventory/azure.js';
import { loadAzureSnapshot, loadAzureSnapshotFromTexts } from '../../src/sources/azure-snapshot/load.js';
import { isAzureDocument, recogniseAzureDocument } from '../../src/sources/azure-snapshot/recognise.js';
import { InputError } from '../../src/util/errors.js';

const SUB = '11111111-1111-1111-1111-111111111111';
const BAD = '22222222-2222-2222-2222-222222222222';
const rg = (sub: string, group: string, type: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${group}/providers/${type}/${name}`;

function byName<T extends { name: string }>(list: T[], name: string): T {
  const hit = list.find((x) => x.name === name);
  assert.ok(hit, `no ${name} in ${list.map((x) => x.name).join(', ')}`);
  return hit;
}

function zoneLinkedVnets(inv: AzureInventory, zone: string): string[] {
  return inv.privateDnsZoneLinks
    .filter((l) => l.zoneName === zone)
    .map((l) => parseAzureId(l.virtualNetworkId ?? '').names.at(-1) ?? '')
    .sort();
}

describe('Azure snapshot reader: the examples', () => {
  it('reads the reference example with no errors or warnings, from Resource Graph, ARM list and CLI array files', async () => {
    const r = await loadAzureSnapshot('examples/azure/reference');
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(r.warnings, []);
    const kinds = new Set(r.files.map((f) => f.recognisedAs[0]));
    assert.deepEqual([...kinds].sort(), ['arm-array', 'arm-list', 'resource-graph']);
    const inv = r.inventory;
    // Every data set is present for the subscription, nothing partial.
    assert.deepEqual([...(inv.datasets.get(SUB) ?? [])].sort(), Object.keys(AZURE_DATASETS).sort());
    assert.equal(inv.partial.size, 0);
    assert.deepEqual([...inv.scopeOrigins.keys()].sort(), [`${SUB}/global`, `${SUB}/swedencentral`]);
    // Seed 000: the OpenAI account with public access disabled and an approved private endpoint…
    const oai = byName(inv.cognitiveAccounts, 'oai-cordon');
    assert.equal(oai.kind, 'OpenAI');
    assert.equal(oai.publicNetworkAccess, 'Disabled');
    assert.equal(oai.networkAcls?.defaultAction, 'Deny');
    assert.equal(oai.disableLocalAuth, true);
    assert.equal(oai.location, 'swedencentral');
    assert.equal(oai.resourceGroup, 'rg-ai');
    assert.deepEqual(
      oai.privateEndpointConnections.map((c) => c.status),
      ['Approved'],
    );
    const pe = byName(inv.privateEndpoints, 'pe-oai');
    assert.ok(sameAzureId(pe.connections[0]!.privateLinkServiceId, oai.id));
    assert.deepEqual(pe.connections[0]!.groupIds, ['account']);
    assert.equal(pe.connections[0]!.manual, false);
    // …its zone group points at privatelink.openai.azure.com, linked to the hub and every spoke.
    const group = inv.privateDnsZoneGroups.find((g) => sameAzureId(g.privateEndpointId, pe.id));
    assert.equal(parseAzureId(group!.zoneConfigs[0]!.privateDnsZoneId).names.at(-1), 'privatelink.openai.azure.com');
    assert.equal(group!.location, 'swedencentral', 'a zone group takes its private endpoint location');
    assert.deepEqual(zoneLinkedVnets(inv, 'privatelink.openai.azure.com'), ['vnet-ai', 'vnet-app', 'vnet-hub']);
    const a = inv.privateDnsARecords.find(
      (x) => x.zoneName === 'privatelink.openai.azure.com' && x.recordName === 'oai-cordon',
    );
    assert.deepEqual(a?.ipv4Addresses, ['10.1.1.4']);
    assert.equal(a?.location, 'global');
    // Seed 002's baseline: Foundry hub with an approved-outbound-only managed network, supporting services private.
    const hub = byName(inv.mlWorkspaces, 'hub-cordon');
    assert.equal(hub.kind, 'Hub');
    assert.equal(hub.managedNetwork?.isolationMode, 'AllowOnlyApprovedOutbound');
    assert.deepEqual(
      hub.managedNetwork?.outboundRules.map((x) => [x.name, x.type, x.destination]),
      [
        ['ais-pe', 'PrivateEndpoint', rg(SUB, 'rg-ai', 'Microsoft.CognitiveServices/accounts', 'ais-cordon')],
        ['pypi', 'FQDN', 'pypi.org'],
      ],
    );
    assert.ok(sameAzureId(byName(inv.mlWorkspaces, 'proj-cordon').hubResourceId, hub.id));
    for (const list of [inv.storageAccounts, inv.keyVaults, inv.containerRegistries])
      assert.equal(list[0]!.publicNetworkAccess, 'Disabled');
    // Spokes route 0.0.0.0/0 to the firewall; the PE subnet applies NSGs to private endpoints.
    const peSubnet = byName(inv.subnets, 'snet-pe');
    assert.equal(peSubnet.privateEndpointNetworkPolicies, 'Enabled');
    assert.deepEqual(peSubnet.addressPrefixes, ['10.1.1.0/24']);
    const rt = inv.routeTables[0]!;
    assert.ok(sameAzureId(peSubnet.routeTableId, rt.id));
    assert.deepEqual(
      rt.routes.map((x) => [x.addressPrefix, x.nextHopType, x.nextHopIpAddress]),
      [['0.0.0.0/0', 'VirtualAppliance', '10.0.0.4']],
    );
    assert.equal(inv.firewalls[0]!.ipConfigurations[0]!.privateIpAddress, '10.0.0.4');
    assert.deepEqual(inv.firewallRuleCollectionGroups[0]!.rules[0]!.targetFqdns, [
      'pypi.org',
      'files.pythonhosted.org',
    ]);
    assert.deepEqual(inv.firewallRuleCollectionGroups[0]!.rules[0]!.protocols, ['Https:443']);
    const nsg = byName(inv.networkSecurityGroups, 'nsg-pe');
    assert.deepEqual(nsg.securityRules[0]!.sources, ['10.1.2.0/24']);
    assert.equal(nsg.defaultSecurityRules.length, 6);
    assert.ok(nsg.defaultSecurityRules.every((x) => x.isDefault));
    // Peerings, custom DNS to the resolver's inbound endpoint, Bastion.
    const spoke = byName(inv.virtualNetworks, 'vnet-ai');
    assert.deepEqual(spoke.dnsServers, ['10.0.2.4']);
    assert.equal(inv.dnsResolverInboundEndpoints[0]!.ipConfigurations[0]!.privateIpAddress, '10.0.2.4');
    assert.deepEqual(
      inv.vnetPeerings.filter((p) => sameAzureId(p.vnetId, spoke.id)).map((p) => p.remoteAddressPrefixes),
      [['10.0.0.0/16']],
    );
    assert.equal(inv.bastionHosts[0]!.subnetIds[0]!.endsWith('/AzureBastionSubnet'), true);
    assert.equal(inv.dnsForwardingRules[0]!.domainName, 'corp.contoso.com.');
    assert.equal(inv.dnsForwardingRules[0]!.location, 'swedencentral', 'a forwarding rule takes its ruleset location');
  });

  it('reads the misconfigured example with no errors, and its misconfigurations are in the inventory', async () => {
    const r = await loadAzureSnapshot('examples/azure/misconfigured');
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(r.warnings, []);
    const inv = r.inventory;
    assert.deepEqual([...(inv.datasets.get(BAD) ?? [])].sort(), Object.keys(AZURE_DATASETS).sort());
    const oai = byName(inv.cognitiveAccounts, 'oai-cordon');
    assert.equal(oai.publicNetworkAccess, 'Enabled');
    assert.equal(oai.networkAcls?.defaultAction, 'Allow');
    assert.equal(oai.disableLocalAuth, false);
    const ais = byName(inv.privateEndpoints, 'pe-ais');
    assert.deepEqual(
      ais.connections.map((c) => [c.manual, c.status]),
      [[true, 'Pending']],
    );
    assert.deepEqual(zoneLinkedVnets(inv, 'privatelink.openai.azure.com'), ['vnet-hub']);
    assert.equal(byName(inv.privateEndpoints, 'pe-srch').name, 'pe-srch');
    assert.ok(!inv.privateDnsZoneGroups.some((g) => g.privateEndpointId.endsWith('/pe-srch')));
    assert.equal(byName(inv.subnets, 'snet-pe-legacy').privateEndpointNetworkPolicies, 'Disabled');
    assert.ok(byName(inv.privateEndpoints, 'pe-srch').subnetId?.endsWith('/snet-pe-legacy'));
    assert.equal(byName(inv.subnets, 'snet-inference').routeTableId, undefined);
    assert.equal(byName(inv.mlWorkspaces, 'hub-cordon').managedNetwork?.isolationMode, 'AllowInternetOutbound');
    assert.equal(byName(inv.mlWorkspaces, 'proj-cordon').managedNetwork?.isolationMode, 'Disabled');
    assert.deepEqual(inv.firewallRuleCollectionGroups[0]!.rules[0]!.targetFqdns, ['*']);
    assert.equal(byName(inv.storageAccounts, 'stcordon2222').privateEndpointConnections.length, 0);
    assert.ok(byName(inv.networkInterfaces, 'nic-inference').ipConfigurations[0]!.publicIpAddressId);
    assert.equal(byName(inv.bastionHosts, 'bas-app-dev').sku, 'Developer');
    assert.deepEqual(byName(inv.virtualNetworks, 'vnet-ai').dnsServers, ['192.168.50.10']);
    // NSG priority order: the catch-all allow (200) comes before the callers-only rule (250).
    assert.deepEqual(
      byName(inv.networkSecurityGroups, 'nsg-pe').securityRules.map((r) => [r.priority, r.access, r.sources]),
      [
        [200, 'Allow', ['*']],
        [250, 'Allow', ['10.2.1.0/24', '10.1.2.0/24']],
        [300, 'Deny', ['*']],
      ],
    );
    assert.deepEqual(
      byName(inv.networkSecurityGroups, 'nsg-app').securityRules[0]!.destinationPorts,
      ['443'],
      'callers are denied 443 to the endpoint subnet',
    );
    assert.ok(
      byName(inv.mlWorkspaces, 'hub-cordon').managedNetwork?.outboundRules.some(
        (r) => r.destination === '*.pastebin.com',
      ),
    );
    const aRecord = (zone: string, name: string) =>
      inv.privateDnsARecords.find((x) => x.zoneName === zone && x.recordName === name)?.ipv4Addresses;
    assert.deepEqual(aRecord('privatelink.openai.azure.com', 'oai-cordon'), ['10.9.9.9']);
    assert.equal(aRecord('privatelink.services.ai.azure.com', 'ais-cordon'), undefined);
    assert.ok(byName(inv.networkInterfaces, 'nic-jumpbox').ipConfigurations[0]!.publicIpAddressId);
  });
});

describe('Azure snapshot reader: content, ids and scopes', () => {
  it('recognises files by content, not name', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-az-'));
    await cp('examples/azure/reference', dir, { recursive: true });
    await rename(path.join(dir, 'graph/private-dns.json'), path.join(dir, 'zz-anything.json'));
    const r = await loadAzureSnapshot(dir);
    assert.deepEqual(r.errors, []);
    assert.equal(r.inventory.privateDnsZones.length, 9);
    assert.deepEqual(r.files.find((f) => f.file === 'zz-anything.json')?.recognisedAs, [
      'resource-graph',
      'network:private-dns-zone-links',
      'network:private-dns-zones',
    ]);
  });

  it('tells Azure documents from others', () => {
    assert.equal(recogniseAzureDocument({ count: 0, data: [], skip_token: null, total_records: 0 }), 'resource-graph');
    assert.equal(recogniseAzureDocument({ value: [], nextLink: null }), 'arm-list');
    assert.equal(recogniseAzureDocument([{ id: '/subscriptions/s/resourceGroups/g/providers/A.B/c/d' }]), 'arm-array');
    assert.equal(recogniseAzureDocument({ type: 'Microsoft.Network/virtualNetworks', name: 'v' }), 'arm-resource');
    assert.equal(recogniseAzureDocument({ cordonSnapshot: 1, provider: 'azure' }), 'cordon-manifest');
    // AWS CLI output and AWS manifests are not Azure.
    assert.equal(isAzureDocument({ Vpcs: [{ VpcId: 'vpc-1' }] }), false);
    assert.equal(isAzureDocument({ cordonSnapshot: 1, provider: 'aws' }), false);
    assert.equal(isAzureDocument([{ VpcId: 'vpc-1' }]), false);
    assert.equal(isAzureDocument({ value: [1, 2] }), false);
  });

  it('compares resource ids case-insensitively, as ARM does', () => {
    const id = rg(SUB, 'RG-AI', 'Microsoft.Network/privateEndpoints', 'PE-1');
    assert.ok(sameAzureId(id, id.toLowerCase() + '/'));
    assert.equal(indexByAzureId([{ id }]).get(azureIdKey(id.toUpperCase()))?.id, id);
    // Resource Graph writes the zone group's parent id lower-case; the private endpoint file keeps ARM's spelling.
    const r = loadAzureSnapshotFromTexts([
      {
        name: 'pe.json',
        text: JSON.stringify({
          value: [{ id, type: 'Microsoft.Network/privateEndpoints', location: 'West Europe', properties: {} }],
        }),
      },
      {
        name: 'zg.json',
        text: JSON.stringify([
          {
            id: `${id.toLowerCase()}/privateDnsZoneGroups/default`,
            properties: {
              privateDnsZoneConfigs: [
                { properties: { privateDnsZoneId: rg(SUB, 'x', 'Microsoft.Network/privateDnsZones', 'z') } },
              ],
            },
          },
        ]),
      },
    ]);
    assert.deepEqual(r.errors, []);
    assert.equal(r.inventory.privateEndpoints[0]!.location, 'westeurope', 'display names are normalised');
    assert.equal(r.inventory.privateDnsZoneGroups[0]!.location, 'westeurope');
    assert.ok(sameAzureId(r.inventory.privateDnsZoneGroups[0]!.privateEndpointId, id));
  });

  it('reads subnets listed on their own, with the VNet location', () => {
    const vnet = rg(SUB, 'g', 'Microsoft.Network/virtualNetworks', 'v');
    const r = loadAzureSnapshotFromTexts([
      {
        name: 'a.json',
        text: JSON.stringify({
          id: vnet,
          type: 'Microsoft.Network/virtualNetworks',
          location: 'eastus',
          properties: {},
        }),
      },
      {
        name: 'b.json',
        text: JSON.stringify([
          {
            id: `${vnet}/subnets/s1`,
            name: 's1',
            type: 'Microsoft.Network/virtualNetworks/subnets',
            properties: {
              addressPrefixes: ['10.0.0.0/24', 'fd00::/64'],
              privateEndpointNetworkPolicies: 'NetworkSecurityGroupEnabled',
            },
          },
        ]),
      },
    ]);
    assert.deepEqual(r.errors, []);
    const s = r.inventory.subnets[0]!;
    assert.deepEqual([s.location, s.vnetId, s.addressPrefixes], ['eastus', vnet, ['10.0.0.0/24', 'fd00::/64']]);
    assert.ok(hasAzureDataset(r.inventory, { subscription: SUB, location: 'eastus' }, 'network:virtual-networks'));
  });

  it('says once per file when rows carry no subscription, and files them under "unknown"', () => {
    const row = (n: number) => ({
      id: `/providers/Microsoft.Network/privateDnsZones/z${n}.example`,
      type: 'microsoft.network/privatednszones',
      properties: {},
    });
    const r = loadAzureSnapshotFromTexts([{ name: 'z.json', text: JSON.stringify({ value: [row(1), row(2)] }) }]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.inventory.privateDnsZones.map((z) => [z.subscription, z.location]),
      [
        ['unknown', 'global'],
        ['unknown', 'global'],
      ],
    );
    assert.equal(r.warnings.filter((w) => /cannot tell the subscription/.test(w.message)).length, 1);
  });

  it('a manifest declares data sets read completely and those a collector could not read', () => {
    const r = loadAzureSnapshotFromTexts([
      {
        name: 'm.json',
        text: JSON.stringify({
          cordonSnapshot: 1,
          provider: 'azure',
          subscriptions: [SUB.toUpperCase()],
          datasets: ['network:bastion-hosts'],
          unavailable: [
            {
              subscription: SUB,
              dataset: 'network:private-dns-zones',
              reason: 'AuthorizationFailed',
              permission: 'Microsoft.Network/privateDnsZones/read',
            },
          ],
        }),
      },
      { name: 'empty.json', text: JSON.stringify({ count: 0, data: [], skip_token: null, total_records: 0 }) },
    ]);
    assert.deepEqual(r.errors, []);
    assert.ok(r.inventory.datasets.get(SUB)?.has('network:bastion-hosts'));
    assert.equal(
      r.inventory.unavailable.get(SUB)?.get('network:private-dns-zones')?.permission,
      'Microsoft.Network/privateDnsZones/read',
    );
    assert.ok(r.warnings.some((w) => w.file === 'empty.json' && /empty result/.test(w.message)));
  });
});

describe('Azure snapshot reader: bad input', () => {
  it('a bad item gives a located error, is recorded as partial, and the rest is still read', () => {
    const good = {
      id: rg(SUB, 'g', 'Microsoft.Network/networkSecurityGroups', 'ok'),
      type: 'microsoft.network/networksecuritygroups',
      location: 'eastus',
      subscriptionId: SUB,
      properties: {},
    };
    const bad = {
      ...good,
      id: rg(SUB, 'g', 'Microsoft.Network/networkSecurityGroups', 'bad'),
      properties: {
        securityRules: [
          { name: 'r', properties: { priority: 'high', direction: 'Inbound', access: 'Allow', protocol: '*' } },
        ],
      },
    };
    const text = JSON.stringify({ count: 3, data: [good, bad, 42], skip_token: null, total_records: 3 }, null, 2);
    const r = loadAzureSnapshotFromTexts([
      { name: 'nsg.json', text },
      { name: 'broken.json', text: '{\n  "value": [\n    {"id": "x",}\n  ]\n}\n' },
      { name: 'other.json', text: '{"Vpcs": []}' },
    ]);
    const byFile = new Map<string, InputError[]>();
    for (const e of r.errors) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    assert.equal(byFile.get('broken.json')?.[0]?.position.line, 3);
    assert.match(byFile.get('other.json')?.[0]?.message ?? '', /not a recognised Azure document/);
    const nsgErrors = byFile.get('nsg.json') ?? [];
    assert.deepEqual(
      nsgErrors.map((e) => e.position.pointer),
      ['/data/1/properties/securityRules/0/properties/priority', '/data/2'],
    );
    assert.match(
      nsgErrors[0]!.format(),
      /^nsg\.json:\d+:\d+: .*item skipped \(at \/data\/1\/properties\/securityRules\/0\/properties\/priority\)$/,
    );
    // The good NSG and the bad NSG's other parts are read; the data set is partial in that scope.
    assert.deepEqual(r.inventory.networkSecurityGroups.map((n) => n.name).sort(), ['bad', 'ok']);
    const skipped = r.inventory.partial.get(`${SUB}/eastus`)?.get('network:network-security-groups') ?? [];
    assert.deepEqual(
      skipped.map((s) => [s.file, s.pointer]),
      [
        ['nsg.json', '/data/1'],
        ['nsg.json', '/data/2'],
      ],
    );
    assert.ok(skipped.every((s) => s.line !== undefined && s.line > 1));
    assert.equal(
      hasAzureDataset(r.inventory, { subscription: SUB, location: 'eastus' }, 'network:network-security-groups'),
      false,
    );
  });

  it('an embedded subnet or rule without properties is read with empty lists, not a crash', () => {
    const vnet = rg(SUB, 'g', 'Microsoft.Network/virtualNetworks', 'v');
    const r = loadAzureSnapshotFromTexts([
      {
        name: 'v.json',
        text: JSON.stringify([
          {
            id: vnet,
            type: 'Microsoft.Network/virtualNetworks',
            location: 'westeurope',
            properties: { subnets: [{ id: `${vnet}/subnets/s`, name: 's' }] },
          },
        ]),
      },
    ]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.inventory.subnets[0]!.addressPrefixes, []);
  });

  it('a page of a longer list makes its data sets partial (never complete)', () => {
    const zone = {
      id: rg(SUB, 'g', 'Microsoft.Network/privateDnsZones', 'privatelink.openai.azure.com'),
      type: 'Microsoft.Network/privateDnsZones',
      location: 'global',
      properties: {},
    };
    for (const doc of [
      { value: [zone], nextLink: 'https://management.azure.com/next' },
      { count: 1, data: [zone], skip_token: 'abc', total_records: 5 },
    ]) {
      const r = loadAzureSnapshotFromTexts([{ name: 'z.json', text: JSON.stringify(doc) }]);
      assert.deepEqual(r.errors, []);
      assert.ok(r.warnings.some((w) => /one page of a longer list/.test(w.message)));
      assert.equal(
        hasAzureDataset(r.inventory, { subscription: SUB, location: 'global' }, 'network:private-dns-zones'),
        false,
      );
    }
  });

  it('never crashes on arbitrary input: every problem is a located InputError, good rows are still read (property)', () => {
    const types = Object.values(AZURE_DATASETS).flatMap((d) => d.types);
    const goodRow = {
      id: rg(SUB, 'g', 'Microsoft.Network/publicIPAddresses', 'fine'),
      type: 'microsoft.network/publicipaddresses',
      location: 'eastus',
      properties: { ipAddress: '203.0.113.1' },
    };
    const row = fc
      .record({
        type: fc.constantFrom(...types),
        name: fc.string({ maxLength: 8 }),
        properties: fc.oneof(
          fc.jsonValue(),
          fc.dictionary(
            fc.constantFrom(
              'subnets',
              'securityRules',
              'privateDnsZoneConfigs',
              'managedNetwork',
              'networkAcls',
              'ipConfigurations',
              'routes',
              'privateEndpointConnections',
              'ruleCollections',
              'aRecords',
              'domainName',
            ),
            fc.jsonValue(),
          ),
        ),
        location: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 6 }), fc.constant(null)),
      })
      .map((r) => ({
        ...r,
        id: `/subscriptions/${SUB}/resourceGroups/g/providers/${r.type}/n${r.name.length}`.replace(
          /\/([a-z]+)$/,
          '/$1',
        ),
      }));
    const docs = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.array(fc.oneof(row, fc.jsonValue()), { maxLength: 4 }).map((rows) =>
        JSON.stringify({
          count: rows.length + 1,
          data: [goodRow, ...rows],
          skip_token: null,
          total_records: rows.length + 1,
        }),
      ),
      fc
        .array(fc.oneof(row, fc.jsonValue()), { maxLength: 4 })
        .map((rows) => JSON.stringify({ value: [goodRow, ...rows] })),
      fc.array(row, { minLength: 1, maxLength: 3 }).map((rows) => JSON.stringify(rows, null, 1)),
      row.map((r) => JSON.stringify(r)),
    );
    fc.assert(
      fc.property(fc.array(docs, { minLength: 1, maxLength: 4 }), (texts) => {
        const r = loadAzureSnapshotFromTexts(texts.map((text, i) => ({ name: `f${i}.json`, text })));
        for (const e of r.errors) {
          assert.ok(e instanceof InputError);
          assert.match(e.file, /^f\d\.json$/);
          assert.ok(e.position.line !== undefined && e.position.line >= 1, e.format());
        }
        const withGood = texts.filter((t) => t.includes('203.0.113.1')).length;
        if (withGood > 0) assert.ok(r.inventory.publicIpAddresses.some((p) => p.name === 'fine'));
        for (const m of r.inventory.partial.values())
          for (const list of m.values()) for (const s of list) assert.ok(s.pointer.startsWith('/') || s.pointer === '');
      }),
      { numRuns: 300 },
    );
  });
});
