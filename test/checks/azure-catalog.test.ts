/**
 * The Azure catalog: every check fails somewhere in examples/azure/misconfigured (or in a targeted variant of the
 * reference below) and passes somewhere in examples/azure/reference, which fails nothing; and the semantic traps
 * each check is about, as variants of the reference snapshot.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { runAzureChecks } from '../../src/checks/azure/engine.js';
import { AZURE_CHECKS } from '../../src/checks/azure/registry.js';
import type { Finding } from '../../src/findings/types.js';
import { loadPolicyFile, type ZonePolicy } from '../../src/policy/load.js';
import { loadAzureSnapshotFromTexts } from '../../src/sources/azure-snapshot/load.js';

type Json = Record<string, unknown>;

function files(dir: string): { name: string; text: string }[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const full = path.join(dir, n);
      if (statSync(full).isDirectory()) return files(full);
      return n.endsWith('.json') ? [{ name: full, text: readFileSync(full, 'utf8') }] : [];
    });
}

/** Every resource row of a file, whatever its shape, for editing. */
function rows(doc: unknown): Json[] {
  if (Array.isArray(doc)) return doc as Json[];
  const d = doc as Json;
  if (Array.isArray(d.data)) return d.data as Json[];
  if (Array.isArray(d.value)) return d.value as Json[];
  return [d];
}

/** The reference snapshot with `edit` applied to every resource (return undefined to delete it). */
function variant(edit: (r: Json) => Json | undefined, dir = 'examples/azure/reference') {
  return files(dir).map((f) => {
    const doc = JSON.parse(f.text) as unknown;
    const kept = rows(doc)
      .map((r) => edit(structuredClone(r)))
      .filter((r): r is Json => r !== undefined);
    const out = Array.isArray(doc)
      ? kept
      : (doc as Json).data
        ? { ...(doc as Json), data: kept, count: kept.length, total_records: kept.length }
        : (doc as Json).value
          ? { ...(doc as Json), value: kept }
          : (kept[0] ?? {});
    return { name: f.name, text: JSON.stringify(out, null, 2) };
  });
}

let policy: ZonePolicy;
before(async () => {
  policy = await loadPolicyFile('examples/cordon.yaml');
});

function run(texts: { name: string; text: string }[], checkId?: string): Finding[] {
  const snap = loadAzureSnapshotFromTexts(texts);
  assert.deepEqual(
    snap.errors.map((e) => e.format()),
    [],
  );
  return runAzureChecks(
    snap.inventory,
    policy,
    AZURE_CHECKS.filter((c) => !checkId || c.id === checkId),
  );
}

const named = (r: Json, suffix: string) => String(r.id).toLowerCase().endsWith(suffix.toLowerCase());
const props = (r: Json) => (r.properties ??= {}) as Json;
/** An NSG rule allowing TCP 443 from one prefix to another. */
const allow443 = (name: string, priority: number, direction: string, source: string, destination: string) => ({
  name,
  properties: {
    priority,
    direction,
    access: 'Allow',
    protocol: 'Tcp',
    sourceAddressPrefix: source,
    sourcePortRange: '*',
    destinationAddressPrefix: destination,
    destinationPortRange: '443',
  },
});

describe('Azure catalog on the examples', () => {
  it('the reference example fails no check; every check passes somewhere in it', () => {
    const findings = run(files('examples/azure/reference'));
    assert.deepEqual(
      findings.filter((f) => f.status !== 'pass').map((f) => `${f.checkId}: ${f.message}`),
      [],
    );
    for (const c of AZURE_CHECKS)
      assert.ok(
        findings.some((f) => f.checkId === c.id && f.status === 'pass'),
        `${c.id} passes somewhere`,
      );
  });

  it('every check fails in the misconfigured example', () => {
    const mis = run(files('examples/azure/misconfigured'));
    const failing = new Set(mis.filter((f) => f.status === 'fail').map((f) => f.checkId));
    for (const c of AZURE_CHECKS) assert.ok(failing.has(c.id), `${c.id} fails somewhere`);
  });
});

describe('azure-private-dns-zone-not-linked', () => {
  const check = 'azure-private-dns-zone-not-linked';
  const openai = (fs: Finding[]) => fs.find((f) => f.resource.id.endsWith('/oai-cordon'))!;

  it('fails when the resolver the callers use sits in a VNet the zone is not linked to', () => {
    const f = openai(
      run(
        variant((r) => (named(r, 'privatelink.openai.azure.com/virtualNetworkLinks/link-hub') ? undefined : r)),
        check,
      ),
    );
    assert.equal(f.status, 'fail');
    assert.match(
      f.message,
      /vnet-ai: privatelink\.openai\.azure\.com — its DNS server\(s\) 10\.0\.2\.4 .* resolve through a VNet/,
    );
  });

  it('with Azure-provided DNS, the link of the caller VNet itself decides', () => {
    const azureDns = (r: Json) => {
      if (named(r, '/virtualNetworks/vnet-ai')) delete props(r).dhcpOptions;
      return r;
    };
    assert.equal(openai(run(variant(azureDns), check)).status, 'pass');
    const unlinked = (r: Json) =>
      named(r, 'privatelink.openai.azure.com/virtualNetworkLinks/link-ai') ? undefined : azureDns(r);
    const f = openai(run(variant(unlinked), check));
    assert.equal(f.status, 'fail');
    assert.match(f.message, /is not linked to the VNet, so Azure DNS answers with the public address/);
  });

  it('a custom DNS server cordon cannot follow is not assessed, never a pass', () => {
    const f = openai(
      run(
        variant((r) => {
          if (named(r, '/virtualNetworks/vnet-ai')) props(r).dhcpOptions = { dnsServers: ['10.9.9.9'] };
          return r;
        }),
        check,
      ),
    );
    assert.equal(f.status, 'not-assessed');
    assert.match(f.message, /10\.9\.9\.9 that cordon cannot follow/);
  });

  it('a wildcard forwarding rule (".") takes every query elsewhere: not assessed, never a pass', () => {
    const f = openai(
      run(
        variant((r) => {
          if (named(r, '/virtualNetworks/vnet-ai')) delete props(r).dhcpOptions;
          if (named(r, '/dnsForwardingRulesets/dnsfrs-hub/virtualNetworkLinks/link-hub'))
            props(r).virtualNetwork = {
              id: String(r.id).replace(/rg-hub.*$/, 'rg-ai/providers/Microsoft.Network/virtualNetworks/vnet-ai'),
            };
          if (named(r, '/forwardingRules/corp')) props(r).domainName = '.';
          return r;
        }),
        check,
      ),
    );
    assert.equal(f.status, 'not-assessed', f.message);
    assert.match(f.message, /forwarding rule for \. sends the query to 192\.168\.0\.10/);
  });

  it('an endpoint whose sub-resource has no known privatelink zone is not assessed, never a pass', () => {
    const f = openai(
      run(
        variant((r) => {
          if (named(r, '/privateEndpoints/pe-oai'))
            for (const c of (props(r).privateLinkServiceConnections as Json[]) ?? [])
              (c.properties as Json).groupIds = ['unknown-sub-resource'];
          return r;
        }),
        check,
      ),
    );
    assert.equal(f.status, 'not-assessed', f.message);
    assert.match(f.message, /no private DNS zone for/);
  });

  it("each account is judged by the zones that hold its own record, not another account's of the same zone name", () => {
    // A second privatelink.openai.azure.com zone (a team's, linked to no VNet) holds ais-cordon's record; the linked
    // hub zone keeps oai-cordon's. From every caller VNet oai-cordon resolves privately and ais-cordon does not —
    // whichever of the two is asked about first (the answer for one VNet and zone name was once reused for both).
    const teamZone =
      '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-team/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com';
    const moved = variant((r) => {
      if (named(r, 'privatelink.openai.azure.com/A/ais-cordon')) r.id = `${teamZone}/A/ais-cordon`;
      return r;
    });
    const zone = {
      id: teamZone,
      name: 'privatelink.openai.azure.com',
      type: 'Microsoft.Network/privateDnsZones',
      location: 'global',
      properties: {},
    };
    const texts = [...moved, { name: 'team-zone.json', text: JSON.stringify({ value: [zone] }) }];
    for (const order of [texts, [...texts].reverse()]) {
      const fs = run(order, check);
      const ais = fs.find((f) => f.resource.id.endsWith('/ais-cordon'))!;
      assert.equal(ais.status, 'fail', ais.message);
      assert.match(ais.message, /privatelink\.openai\.azure\.com/);
      assert.equal(openai(fs).status, 'pass', openai(fs).message);
    }
  });

  it("an account with two endpoints resolves privately where either endpoint's zone answers with its record", () => {
    // pe-oai2, a second endpoint of oai-cordon (10.1.1.9), has its record in a team's zone of the same name, which
    // vnet-app is linked to instead of the hub zone (which keeps pe-oai's record). Every caller reaches one of the
    // account's endpoints by name: a pass, not judged by the last endpoint's zones alone.
    const sub = '/subscriptions/11111111-1111-1111-1111-111111111111';
    const teamZone = `${sub}/resourceGroups/rg-team/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com`;
    const base = variant((r) => {
      if (named(r, 'privatelink.openai.azure.com/virtualNetworkLinks/link-app'))
        r.id = `${teamZone}/virtualNetworkLinks/link-app`;
      return r;
    });
    const pe1 = base.flatMap((f) => rows(JSON.parse(f.text))).find((r) => named(r, '/privateEndpoints/pe-oai'))!;
    const pe2 = structuredClone(pe1);
    pe2.id = String(pe1.id).replace(/pe-oai$/, 'pe-oai2');
    pe2.name = 'pe-oai2';
    props(pe2).customDnsConfigs = [{ fqdn: 'oai-cordon.openai.azure.com', ipAddresses: ['10.1.1.9'] }];
    props(pe2).networkInterfaces = [];
    for (const c of props(pe2).privateLinkServiceConnections as Json[])
      c.id = String(c.id).replace('/pe-oai/', '/pe-oai2/');
    const extra = [
      pe2,
      {
        id: teamZone,
        name: 'privatelink.openai.azure.com',
        type: 'Microsoft.Network/privateDnsZones',
        location: 'global',
        properties: {},
      },
      {
        id: `${teamZone}/A/oai-cordon`,
        name: 'oai-cordon',
        type: 'Microsoft.Network/privateDnsZones/A',
        properties: {
          fqdn: 'oai-cordon.privatelink.openai.azure.com.',
          ttl: 10,
          aRecords: [{ ipv4Address: '10.1.1.9' }],
        },
      },
    ];
    const f = openai(run([...base, { name: 'second-endpoint.json', text: JSON.stringify({ value: extra }) }], check));
    assert.equal(f.status, 'pass', f.message);
  });

  it("a hub-based AI Foundry project resolves through its hub's zones: unlinked there, the project fails", () => {
    const fs = run(
      variant((r) => (named(r, 'privatelink.api.azureml.ms/virtualNetworkLinks/link-hub') ? undefined : r)),
      check,
    );
    const project = fs.find((f) => f.resource.id.endsWith('/proj-cordon'))!;
    assert.equal(project.status, 'fail', project.message);
    assert.match(project.message, /privatelink\.api\.azureml\.ms/);
  });
});

describe('the other Azure checks on their traps', () => {
  it('public network access: Deny by default but an IP rule for 0.0.0.0/0 is open (stricter than Azure Policy)', () => {
    const fs = run(
      variant((r) => {
        if (named(r, '/accounts/oai-cordon'))
          Object.assign(props(r), {
            publicNetworkAccess: 'Enabled',
            networkAcls: { defaultAction: 'Deny', ipRules: [{ value: '0.0.0.0/0' }], virtualNetworkRules: [] },
          });
        return r;
      }),
      'azure-ai-public-network-access',
    );
    const f = fs.find((x) => x.resource.id.endsWith('/oai-cordon'))!;
    assert.equal(f.status, 'fail');
    assert.match(f.message, /admit 0\.0\.0\.0\/0/);
  });

  it('AI Search: IP rules are an allow list (closed but for them), none or 0.0.0.0/0 is open', () => {
    // The Search REST example "SearchCreateOrUpdateServiceToAllowAccessFromPublicCustomIPs": lower-case values.
    const verdict = (ipRules: string[]) =>
      run(
        variant((r) => {
          if (named(r, '/searchServices/srch-cordon'))
            Object.assign(props(r), {
              publicNetworkAccess: 'enabled',
              networkRuleSet: { ipRules: ipRules.map((value) => ({ value })) },
            });
          return r;
        }),
        'azure-ai-public-network-access',
      ).find((x) => x.resource.id.endsWith('/srch-cordon'))!;
    const custom = verdict(['123.4.5.6', '123.4.6.0/18']);
    assert.equal(custom.status, 'pass', custom.message);
    assert.match(custom.message, /IP rules admit only 123\.4\.5\.6, 123\.4\.6\.0\/18/);
    assert.equal(verdict([]).status, 'fail');
    assert.equal(verdict(['0.0.0.0/0']).status, 'fail');
    // Halves that together admit every address are the whole internet too (they passed as an allow list).
    assert.equal(verdict(['0.0.0.0/1', '128.0.0.0/1']).status, 'fail');
    assert.equal(verdict(['0.0.0.0/1', '128.0.0.0/2']).status, 'pass');
  });

  it('publicNetworkAccess SecuredByPerimeter is not assessed: the perimeter, not the ACLs, decides', () => {
    // Storage, Key Vault and Search document this value; the network security perimeter's rules are not read.
    const texts = variant((r) => {
      if (named(r, '/accounts/oai-cordon') || named(r, '/storageAccounts/stcordon1111'))
        Object.assign(props(r), { publicNetworkAccess: 'SecuredByPerimeter' });
      return r;
    });
    const ai = run(texts, 'azure-ai-public-network-access').find((x) => x.resource.id.endsWith('/oai-cordon'))!;
    assert.equal(ai.status, 'not-assessed', ai.message);
    assert.match(ai.message, /network security perimeter's access rules decide/);
    const after = run(texts, 'azure-ai-public-access-after-private-endpoint');
    assert.equal(after.find((x) => x.resource.id.endsWith('/oai-cordon'))!.status, 'not-assessed');
    const st = run(texts, 'azure-supporting-service-public').find((x) => x.resource.id.endsWith('/stcordon1111'))!;
    assert.equal(st.status, 'not-assessed', st.message);
  });

  it('managed network: a service tag rule to Internet, or with address prefixes 0.0.0.0/0, approves the internet', () => {
    // ServiceTag outbound rules: destination {serviceTag, protocol, portRanges, action, addressPrefixes}; address
    // prefixes replace the tag when given.
    const verdict = (destination: Json) =>
      run(
        variant((r) => {
          if (named(r, '/workspaces/hub-cordon'))
            ((props(r).managedNetwork as Json).outboundRules as Json).extra = {
              type: 'ServiceTag',
              destination: { protocol: 'TCP', portRanges: '443', action: 'Allow', ...destination },
              category: 'UserDefined',
              status: 'Active',
            };
          return r;
        }),
        'azure-ml-managed-network-not-isolated',
      ).find((x) => x.resource.id.endsWith('/hub-cordon'))!;
    const tag = verdict({ serviceTag: 'Internet' });
    assert.equal(tag.status, 'fail');
    assert.match(tag.message, /outbound rule\(s\) extra \(Internet\) approve the whole internet/);
    assert.equal(verdict({ serviceTag: 'AzureMonitor', addressPrefixes: ['0.0.0.0/0'] }).status, 'fail');
    assert.equal(verdict({ serviceTag: 'AzureMonitor' }).status, 'pass');
    assert.equal(verdict({ serviceTag: 'Internet', action: 'Deny' }).status, 'pass');
    assert.equal(verdict({ serviceTag: 'AzureMonitor', addressPrefixes: ['0.0.0.0/1', '128.0.0.0/1'] }).status, 'fail');
  });

  it('managed network: an FQDN rule to * approves every destination', () => {
    const verdict = (destination: string) =>
      run(
        variant((r) => {
          if (named(r, '/workspaces/hub-cordon'))
            ((props(r).managedNetwork as Json).outboundRules as Json).extra = {
              type: 'FQDN',
              destination,
              category: 'UserDefined',
              status: 'Active',
            };
          return r;
        }),
        'azure-ml-managed-network-not-isolated',
      ).find((x) => x.resource.id.endsWith('/hub-cordon'))!;
    const all = verdict('*');
    assert.equal(all.status, 'fail', all.message);
    assert.match(all.message, /extra \(\*\) approve the whole internet/);
    assert.equal(verdict('pypi.org').status, 'pass');
  });

  it('a private endpoint connection that is only Pending does not count', () => {
    const fs = run(
      variant((r) => {
        if (named(r, '/accounts/oai-cordon'))
          for (const c of (props(r).privateEndpointConnections as Json[]) ?? [])
            ((c.properties as Json).privateLinkServiceConnectionState as Json).status = 'Pending';
        if (named(r, '/privateEndpoints/pe-oai'))
          for (const c of (props(r).privateLinkServiceConnections as Json[]) ?? [])
            ((c.properties as Json).privateLinkServiceConnectionState as Json).status = 'Pending';
        return r;
      }),
      'azure-ai-private-endpoint-missing',
    );
    assert.equal(fs.find((x) => x.resource.id.endsWith('/oai-cordon'))!.status, 'fail');
  });

  it('an NSG deny at a lower priority number than the allow stops direct egress', () => {
    // Take away the firewall route of the inference subnet: the NSG must now decide.
    const noRoute = (r: Json) => {
      if (String(r.type).toLowerCase() === 'microsoft.network/routetables') props(r).routes = [];
      return r;
    };
    const fs = run(variant(noRoute), 'azure-ai-subnet-internet-egress');
    const inference = fs.find((x) => x.resource.id.endsWith('/snet-inference'))!;
    // The reference NSG denies outbound Internet (priority 4000) before the default AllowInternetOutBound (65001).
    assert.equal(inference.status, 'pass', inference.message);
    assert.match(inference.message, /denies outbound internet/);
  });

  it('a data set missing from the snapshot makes the check not assessed, with the command and permission', () => {
    const texts = files('examples/azure/reference').filter((f) => !f.name.includes('private-dns-zone-groups'));
    const fs = run(texts, 'azure-private-endpoint-dns-misconfigured');
    assert.ok(fs.length > 0 && fs.every((f) => f.status === 'not-assessed'));
    assert.match(
      fs[0]!.message,
      /network:private-dns-zone-groups is not in the snapshot .*Microsoft\.Network\/privateEndpoints\/privateDnsZoneGroups\/read/,
    );
  });

  it('supporting services are chosen by the AI resources next to them: without the AI data sets, not assessed', () => {
    const texts = variant((r) =>
      String(r.type).toLowerCase() === 'microsoft.cognitiveservices/accounts' ? undefined : r,
    );
    const fs = run(texts, 'azure-supporting-service-public');
    assert.ok(fs.length > 0 && fs.every((f) => f.status === 'not-assessed'), JSON.stringify(fs.map((f) => f.status)));
    assert.match(fs[0]!.message, /cognitiveservices:accounts is not in the snapshot/);
  });

  it('endpoint subnets of supporting services: without the supporting data sets, not assessed', () => {
    const texts = files('examples/azure/reference').filter((f) => !f.name.includes('supporting-services'));
    const fs = run(texts, 'azure-private-endpoint-subnet-nsg');
    assert.ok(fs.length > 0 && fs.every((f) => f.status === 'not-assessed'), JSON.stringify(fs.map((f) => f.status)));
    assert.match(fs[0]!.message, /storage:accounts is not in the snapshot/);
  });

  it('a Basic-SKU Bastion in a peered VNet reaches the management host (only Developer serves its own VNet alone)', () => {
    // Move the hub's Bastion into the peered spoke: the jump box in the hub is now reached over the peering.
    const moved = (sku: string) => (r: Json) => {
      if (!named(r, '/bastionHosts/bas-hub')) return r;
      const moved = JSON.parse(
        JSON.stringify(r).replace(
          /resourceGroups\/rg-hub\/providers\/Microsoft\.Network\/virtualNetworks\/vnet-hub/g,
          'resourceGroups/rg-ai/providers/Microsoft.Network/virtualNetworks/vnet-ai',
        ),
      ) as Json;
      moved.sku = { name: sku };
      return moved;
    };
    const jumpbox = (sku: string) =>
      run(variant(moved(sku)), 'azure-vm-public-ip').find((x) => x.message.includes('management'))!;
    assert.equal(jumpbox('Basic').status, 'pass', jumpbox('Basic').message);
    assert.equal(jumpbox('Developer').status, 'fail', jumpbox('Developer').message);
  });

  it('a VM whose NICs are not in the snapshot is not assessed (its zone and public IPs are unknown), never skipped', () => {
    const fs = run(
      variant((r) => (named(r, '/networkInterfaces/nic-jumpbox') ? undefined : r)),
      'azure-vm-public-ip',
    );
    const f = fs.find((x) => x.resource.id.toLowerCase().endsWith('/vm-jumpbox'));
    assert.equal(f?.status, 'not-assessed', JSON.stringify(fs.map((x) => x.message)));
  });

  it("the endpoint subnet's default AllowVnetInBound admits other zones unless a deny comes first", () => {
    const fs = run(
      variant((r) => {
        if (named(r, '/networkSecurityGroups/nsg-pe'))
          props(r).securityRules = (props(r).securityRules as Json[]).filter((x) => x.name !== 'deny-all-in');
        return r;
      }),
      'azure-private-endpoint-subnet-nsg',
    );
    const f = fs.find((x) => x.resource.id.endsWith('/pe-oai'))!;
    assert.equal(f.status, 'fail');
    assert.match(f.message, /by rule AllowVnetInBound \(priority 65000\)/);
  });

  it('an NSG allow that covers only part of the subnet is not overruled by a later deny (egress)', () => {
    const fs = run(
      variant((r) => {
        if (String(r.type).toLowerCase() === 'microsoft.network/routetables') props(r).routes = [];
        // Default outbound access on: without the NSG, the subnet reaches the internet.
        for (const s of (props(r).subnets as Json[] | undefined) ?? [])
          if (s.name === 'snet-inference') props(s).defaultOutboundAccess = true;
        if (named(r, '/networkSecurityGroups/nsg-inference'))
          (props(r).securityRules as Json[]).push(
            allow443('allow-half-out', 200, 'Outbound', '10.1.2.0/25', 'Internet'),
          );
        return r;
      }),
      'azure-ai-subnet-internet-egress',
    );
    const inference = fs.find((x) => x.resource.id.endsWith('/snet-inference'))!;
    assert.equal(inference.status, 'fail', inference.message);
    assert.match(inference.message, /rule allow-half-out, priority 200/);
  });

  it("an endpoint subnet's NSG allow for part of another zone's subnet admits that zone", () => {
    const fs = run(
      variant((r) => {
        if (named(r, '/networkSecurityGroups/nsg-pe'))
          (props(r).securityRules as Json[]).push(allow443('allow-some-jumpbox', 150, 'Inbound', '10.0.3.0/28', '*'));
        return r;
      }),
      'azure-private-endpoint-subnet-nsg',
    );
    const f = fs.find((x) => x.resource.id.endsWith('/pe-oai'))!;
    assert.equal(f.status, 'fail', f.message);
    assert.match(f.message, /by rule allow-some-jumpbox \(priority 150\)/);
  });

  it('an NSG listed without its default rules still has them: AllowVnetInBound admits other zones', () => {
    const fs = run(
      variant((r) => {
        if (named(r, '/networkSecurityGroups/nsg-pe')) {
          props(r).securityRules = (props(r).securityRules as Json[]).filter((x) => x.name !== 'deny-all-in');
          delete props(r).defaultSecurityRules;
        }
        return r;
      }),
      'azure-private-endpoint-subnet-nsg',
    );
    const f = fs.find((x) => x.resource.id.endsWith('/pe-oai'))!;
    assert.equal(f.status, 'fail', f.message);
    assert.match(f.message, /by rule AllowVnetInBound \(priority 65000\)/);
  });

  it("the callers' NSG missing from the snapshot makes the HTTPS check not assessed, never a pass", () => {
    const fs = run(
      variant((r) => (named(r, '/networkSecurityGroups/nsg-inference') ? undefined : r)),
      'azure-caller-nsg-blocks-endpoint',
    );
    const f = fs.find((x) => x.resource.id.endsWith('/snet-inference'))!;
    assert.equal(f.status, 'not-assessed', f.message);
    assert.match(f.message, /nsg-inference.* not in the snapshot/);
  });

  it('a firewall application rule for "*" allows any destination', () => {
    const fs = run(
      variant((r) => {
        if (String(r.type).toLowerCase() === 'microsoft.network/firewallpolicies/rulecollectiongroups')
          for (const c of (props(r).ruleCollections as Json[]) ?? [])
            for (const rule of (c.rules as Json[]) ?? []) if (Array.isArray(rule.targetFqdns)) rule.targetFqdns = ['*'];
        return r;
      }),
      'azure-firewall-allows-any-destination',
    );
    assert.ok(fs.some((f) => f.status === 'fail' && /allows any destination/.test(f.message)));
  });

  it("a child firewall policy enforces its base policy's rules: a wildcard there fails the child; an unread base or an IP group is not assessed", () => {
    const HUB =
      '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub/providers/Microsoft.Network/firewallPolicies';
    const withBase = (baseId: string) =>
      variant((r) => {
        if (String(r.type).toLowerCase() === 'microsoft.network/firewallpolicies') props(r).basePolicy = { id: baseId };
        return r;
      });
    const basePolicy = {
      id: `${HUB}/fwp-base`,
      name: 'fwp-base',
      type: 'Microsoft.Network/firewallPolicies',
      location: 'swedencentral',
      properties: { ruleCollectionGroups: [{ id: `${HUB}/fwp-base/ruleCollectionGroups/base` }] },
    };
    const baseGroup = {
      id: `${HUB}/fwp-base/ruleCollectionGroups/base`,
      name: 'base',
      type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
      properties: {
        priority: 100,
        ruleCollections: [
          {
            ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
            name: 'everything',
            priority: 100,
            action: { type: 'Allow' },
            rules: [
              {
                ruleType: 'NetworkRule',
                name: 'any',
                ipProtocols: ['Any'],
                sourceAddresses: ['*'],
                destinationAddresses: ['*'],
                destinationPorts: ['*'],
              },
            ],
          },
        ],
      },
    };
    const hub = (fs: Finding[]) => fs.find((f) => f.resource.id.endsWith('/fwp-hub'))!;
    const inherited = run(
      [
        ...withBase(basePolicy.id),
        { name: 'base-policy.json', text: JSON.stringify({ value: [basePolicy, baseGroup] }) },
      ],
      'azure-firewall-allows-any-destination',
    );
    assert.equal(hub(inherited).status, 'fail');
    assert.match(hub(inherited).message, /with base policy fwp-base\) allows any destination: base\/everything\/any/);
    const unread = hub(run(withBase(`${HUB}/fwp-elsewhere`), 'azure-firewall-allows-any-destination'));
    assert.equal(unread.status, 'not-assessed');
    assert.match(unread.message, /base policy .*fwp-elsewhere is not in the snapshot/);
    const ipGroup = hub(
      run(
        variant((r) => {
          if (String(r.type).toLowerCase() === 'microsoft.network/firewallpolicies/rulecollectiongroups')
            ((props(r).ruleCollections as Json[])[0]!.rules as Json[]).push({
              ruleType: 'NetworkRule',
              name: 'to-partners',
              ipProtocols: ['TCP'],
              sourceAddresses: ['10.1.0.0/16'],
              destinationIpGroups: [`${HUB.replace('firewallPolicies', 'ipGroups')}/partners`],
              destinationPorts: ['443'],
            });
          return r;
        }),
        'azure-firewall-allows-any-destination',
      ),
    );
    assert.equal(ipGroup.status, 'not-assessed');
    assert.match(
      ipGroup.message,
      /IP groups whose addresses cordon does not read: ai-egress\/ai-packages\/to-partners/,
    );
  });

  it('a managed network FQDN rule outside azure.approved_fqdns fails when the policy lists approved FQDNs', async () => {
    const strict = await loadPolicyFile('examples/cordon.yaml');
    strict.document.azure.approved_fqdns = ['*.example.invalid'];
    const snap = loadAzureSnapshotFromTexts(files('examples/azure/reference'));
    const f = runAzureChecks(
      snap.inventory,
      strict,
      AZURE_CHECKS.filter((c) => c.id === 'azure-ml-managed-network-not-isolated'),
    )[0]!;
    assert.equal(f.status, 'fail');
    assert.match(f.message, /allows FQDNs outside azure\.approved_fqdns: pypi\.org/);
    strict.document.azure.approved_fqdns = ['pypi.org'];
    assert.equal(
      runAzureChecks(
        snap.inventory,
        strict,
        AZURE_CHECKS.filter((c) => c.id === 'azure-ml-managed-network-not-isolated'),
      )[0]!.status,
      'pass',
    );
  });

  it('a more specific route straight to the Internet beats the firewall route (longest prefix)', () => {
    const fs = run(
      variant((r) => {
        if (String(r.type).toLowerCase() === 'microsoft.network/routetables')
          (props(r).routes as Json[]).push({
            name: 'azurecloud-direct',
            properties: { addressPrefix: 'AzureCloud', nextHopType: 'Internet' },
          });
        return r;
      }),
      'azure-ai-subnet-internet-egress',
    );
    const f = fs.find((x) => x.resource.id.endsWith('/snet-inference'))!;
    assert.equal(f.status, 'pass', 'the reference NSG still denies all outbound internet');
    assert.match(f.message, /routes straight to the Internet \(azurecloud-direct AzureCloud\)/);
  });

  it("a disabled flow log on a subnet takes precedence over the VNet's enabled one: that subnet is not logged", () => {
    const texts = variant((r) => r);
    const flowFile = texts.find((f) => f.name.endsWith('network-watcher-flow-logs.json'))!;
    const doc = JSON.parse(flowFile.text) as { data: Json[]; count: number };
    const vnetLog = doc.data[0]!;
    const subnetLog = structuredClone(vnetLog);
    subnetLog.id = String(vnetLog.id).replace(/fl-vnet-ai$/, 'fl-snet-inference');
    subnetLog.name = 'fl-snet-inference';
    props(subnetLog).targetResourceId = `${String(props(vnetLog).targetResourceId)}/subnets/snet-inference`;
    props(subnetLog).enabled = false;
    flowFile.text = JSON.stringify({ ...doc, data: [vnetLog, subnetLog], count: 2, total_records: 2 });
    const f = run(texts, 'azure-ai-vnet-flow-logs-missing')[0]!;
    assert.equal(f.status, 'fail');
    assert.match(f.message, /snet-inference has its own flow log, disabled, which takes precedence over the VNet's/);
    props(subnetLog).enabled = true;
    flowFile.text = JSON.stringify({ ...doc, data: [vnetLog, subnetLog], count: 2, total_records: 2 });
    assert.equal(run(texts, 'azure-ai-vnet-flow-logs-missing')[0]!.status, 'pass');
  });

  it('an NSG that denies only TCP 443 out leaves web, QUIC and DNS open', () => {
    const fs = run(
      variant((r) => {
        if (String(r.type).toLowerCase() === 'microsoft.network/routetables') props(r).routes = [];
        // Default outbound access on: without it the subnet has no path out at all.
        if (named(r, '/virtualNetworks/vnet-ai'))
          for (const sn of props(r).subnets as Json[]) (sn.properties as Json).defaultOutboundAccess = true;
        if (named(r, '/networkSecurityGroups/nsg-inference'))
          props(r).securityRules = [
            {
              name: 'deny-https-out',
              properties: {
                priority: 100,
                direction: 'Outbound',
                access: 'Deny',
                protocol: 'Tcp',
                sourceAddressPrefix: '*',
                sourcePortRange: '*',
                destinationAddressPrefix: 'Internet',
                destinationPortRange: '443',
              },
            },
          ];
        return r;
      }),
      'azure-ai-subnet-internet-egress',
    );
    const f = fs.find((x) => x.resource.id.endsWith('/snet-inference'))!;
    assert.equal(f.status, 'fail');
    assert.match(f.message, /allows TCP 80, UDP 443, UDP 53/);
  });

  it('a default route to the virtual network gateway is forced tunnelling, not direct egress', () => {
    const fs = run(
      variant((r) => {
        if (String(r.type).toLowerCase() === 'microsoft.network/routetables')
          for (const route of props(r).routes as Json[])
            if ((route.properties as Json).addressPrefix === '0.0.0.0/0')
              route.properties = { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualNetworkGateway' };
        return r;
      }),
      'azure-ai-subnet-internet-egress',
    );
    const f = fs.find((x) => x.resource.id.endsWith('/snet-inference'))!;
    assert.equal(f.status, 'pass');
    assert.match(f.message, /forced tunnelling/);
  });
});

describe('azure-ai-vnet-dns-query-logging-missing', () => {
  const check = 'azure-ai-vnet-dns-query-logging-missing';
  const vnetAi = (fs: Finding[]) => fs.find((f) => f.checkId === check && f.resource.id.endsWith('/vnet-ai'))!;
  const isSetting = (r: Json) => /\/diagnosticSettings\//i.test(String(r.id));

  it('passes with the policy linked and its DnsResponse category sent to a workspace (setting as ARM lists it)', () => {
    const f = vnetAi(run(files('examples/azure/reference'), check));
    assert.equal(f.status, 'pass');
    assert.match(f.message, /dnspol-ai sends them through diagnostic setting dns-query-logs/);
  });

  it('accepts the allLogs category group, in the flat shape `az monitor diagnostic-settings list` prints', () => {
    const f = vnetAi(
      run(
        variant((r) =>
          isSetting(r)
            ? {
                id: r.id,
                name: r.name,
                type: r.type,
                workspaceId: props(r).workspaceId,
                logs: [{ category: null, categoryGroup: 'allLogs', enabled: true }],
              }
            : r,
        ),
        check,
      ),
    );
    assert.equal(f.status, 'pass');
  });

  it('fails when the setting sends only another category, or has no destination', () => {
    const other = vnetAi(
      run(
        variant((r) =>
          isSetting(r)
            ? { ...r, properties: { ...props(r), logs: [{ category: 'SomethingElse', enabled: true }] } }
            : r,
        ),
        check,
      ),
    );
    assert.equal(other.status, 'fail');
    assert.match(other.message, /no diagnostic setting on it sends the DnsResponse log category anywhere/);
    const nowhere = vnetAi(
      run(
        variant((r) => (isSetting(r) ? { ...r, properties: { ...props(r), workspaceId: null } } : r)),
        check,
      ),
    );
    assert.equal(nowhere.status, 'fail');
  });

  it('fails when no DNS security policy is linked to the VNet', () => {
    const f = vnetAi(
      run(
        variant((r) => (named(r, '/virtualNetworkLinks/link-vnet-ai') ? undefined : r)),
        check,
      ),
    );
    assert.equal(f.status, 'fail');
    assert.match(f.message, /no DNS security policy is linked to it/);
  });

  it('is not assessed without the diagnostic settings of the policies (a snapshot that has none of them)', () => {
    const texts = files('examples/azure/reference').filter(
      (f) => !f.name.endsWith('dns-policy-diagnostic-settings.json'),
    );
    const fs = run(texts, check).filter((x) => x.checkId === check);
    assert.ok(fs.length > 0);
    assert.ok(
      fs.every((x) => x.status === 'not-assessed'),
      JSON.stringify(fs.map((x) => x.status)),
    );
  });
});
