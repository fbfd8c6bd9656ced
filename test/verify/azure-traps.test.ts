/** Azure's semantic traps, each with a configuration that trips it and one that does not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  azureInventory,
  cellOf as cell,
  findingsOf as findings,
  runAzure as run,
  firewall,
  nic,
  nsg,
  peer,
  routeTable,
  rule,
  subnet,
  vnet,
} from './azure-helpers.js';

type Result = ReturnType<typeof run>;
const violations = (r: Result, from: string, to: string) => findings(r, 'verify-zone-violation', from, to);

/** app (10.1.1.0/24) and data (10.1.3.0/24) subnets in one VNet, zones by NIC tag; the data NSG is the variable. */
function oneVnet(
  dataRules: Parameters<typeof rule>[],
  opts: { dataRoute?: [string, string, string?][]; dataPublicIp?: boolean } = {},
) {
  const inv = azureInventory();
  vnet(inv, 'vnet', '10.1.0.0/16');
  nsg(
    inv,
    'nsg-data',
    dataRules.map((r) => rule(...r)),
  );
  if (opts.dataRoute) routeTable(inv, 'rt-data', opts.dataRoute);
  subnet(inv, 'vnet', 'app', '10.1.1.0/24');
  subnet(inv, 'vnet', 'inf', '10.1.2.0/24');
  subnet(inv, 'vnet', 'data', '10.1.3.0/24', { nsg: 'nsg-data', ...(opts.dataRoute ? { routeTable: 'rt-data' } : {}) });
  nic(inv, 'nic-app', 'vnet', 'app', '10.1.1.4', { zone: 'app' });
  nic(inv, 'nic-inf', 'vnet', 'inf', '10.1.2.4', { zone: 'inference' });
  nic(inv, 'nic-db', 'vnet', 'data', '10.1.3.4', { zone: 'data', ...(opts.dataPublicIp ? { publicIp: true } : {}) });
  return inv;
}

describe('verify (Azure): default rules', () => {
  it('an NSG with no inbound rule of its own still admits the whole VNet (AllowVnetInBound)', () => {
    const r = run(oneVnet([]));
    const v = violations(r, 'app', 'data');
    assert.equal(v.length, 1);
    assert.match(v[0]!.message, /AllowVnetInBound \(priority 65000/);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['any']);
  });
  it('a deny of VirtualNetwork below the defaults closes it, and only the allowed class remains', () => {
    const r = run(
      oneVnet([
        ['allow-inf', 100, 'Inbound', 'Allow', 'Tcp', ['10.1.2.0/24'], ['*'], ['6333']],
        ['deny-vnet', 4000, 'Inbound', 'Deny', '*', ['VirtualNetwork'], ['VirtualNetwork']],
      ]),
    );
    assert.equal(violations(r, 'app', 'data').length, 0);
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, ['tcp/6333']);
    assert.equal(findings(r, 'verify-broken-intent', 'inference', 'data').length, 0);
  });
  it('DenyAllInBound keeps the internet out of a NIC with a public IP', () => {
    const r = run(oneVnet([], { dataPublicIp: true }));
    assert.equal(violations(r, 'internet', 'data').length, 0);
  });
});

describe('verify (Azure): service tags', () => {
  it('a user route makes its prefix part of VirtualNetwork: 0.0.0.0/0 lets AllowVnetInBound admit the internet', () => {
    // UDP needs no reply; TCP's reply would leave by the appliance route (asymmetric), which the model drops.
    const r = run(oneVnet([], { dataPublicIp: true, dataRoute: [['0.0.0.0/0', 'VirtualAppliance', '10.1.9.4']] }));
    const v = violations(r, 'internet', 'data');
    assert.equal(v.length, 1);
    assert.match(v[0]!.message, /AllowVnetInBound/);
    assert.equal(
      cell(r, 'internet', 'data').configurationPermits.includes('tcp all ports'),
      false,
      'TCP is asymmetric',
    );
    assert.equal(cell(r, 'internet', 'data').configurationPermits.length > 0, true, 'UDP and other protocols get in');
  });
  it('the Internet tag is public space outside VirtualNetwork: an outbound allow to it is the violation towards the internet', () => {
    const inv = azureInventory();
    vnet(inv, 'vnet', '10.1.0.0/16');
    nsg(inv, 'nsg-inf', [
      rule('deny-out', 200, 'Outbound', 'Deny', '*', ['*'], ['Internet']),
      rule('allow-web', 100, 'Outbound', 'Allow', 'Tcp', ['*'], ['Internet'], ['443']),
    ]);
    subnet(inv, 'vnet', 'inf', '10.1.2.0/24', { nsg: 'nsg-inf' });
    nic(inv, 'nic-inf', 'vnet', 'inf', '10.1.2.4', { zone: 'inference' });
    const r = run(inv);
    const v = violations(r, 'inference', 'internet');
    assert.equal(v.length, 1);
    assert.deepEqual(cell(r, 'inference', 'internet').configurationPermits, ['tcp/443']);
    assert.match(v[0]!.message, /via nsg-inf outbound rule allow-web/);
    const path = (v[0]!.evidence as { witness: { path: { what: string }[] } }).witness.path;
    assert.equal(
      path.some((h) => /default outbound access/.test(h.what)),
      true,
      'egress by default outbound access',
    );
    // A private subnet (no default outbound access, no NAT gateway, no public IP) does not get out at all.
    inv.subnets[0]!.defaultOutboundAccess = false;
    assert.equal(violations(run(inv), 'inference', 'internet').length, 0);
  });
  it('a 0.0.0.0/0 user route widens VirtualNetwork but not Internet: a deny of Internet still stops egress', () => {
    const build = (deny: boolean) => {
      const inv = azureInventory();
      vnet(inv, 'vnet', '10.1.0.0/16');
      nsg(inv, 'nsg-inf', deny ? [rule('deny-internet-out', 4000, 'Outbound', 'Deny', '*', ['*'], ['Internet'])] : []);
      routeTable(inv, 'rt', [['0.0.0.0/0', 'Internet']]);
      subnet(inv, 'vnet', 'inf', '10.1.2.0/24', { nsg: 'nsg-inf', routeTable: 'rt' });
      nic(inv, 'nic-inf', 'vnet', 'inf', '10.1.2.4', { zone: 'inference' });
      return run(inv);
    };
    assert.deepEqual(cell(build(true), 'inference', 'internet').configurationPermits, []);
    // Without the deny, AllowVnetOutBound (VirtualNetwork holds 0.0.0.0/0 now) lets it out before the defaults would.
    const open = violations(build(false), 'inference', 'internet');
    assert.equal(open.length, 1);
    const path = (open[0]!.evidence as { witness: { path: { what: string }[] } }).witness.path;
    assert.equal(
      path.some((h) => /AllowVnetOutBound/.test(h.what)),
      true,
      'let out by AllowVnetOutBound',
    );
  });
  it('a service tag cordon has no ranges for is unknown, never allowed or denied', () => {
    const r = run(
      oneVnet(
        [
          ['allow-cloud', 100, 'Inbound', 'Allow', 'Tcp', ['AzureCloud'], ['*'], ['22']],
          ['deny', 200, 'Inbound', 'Deny', '*', ['*'], ['*']],
        ],
        { dataPublicIp: true },
      ),
    );
    assert.deepEqual(cell(r, 'internet', 'data').unknown, ['tcp/22']);
    assert.equal(
      r.notes.some((n) => /AzureCloud/.test(n)),
      true,
      'the note names the tag',
    );
  });
});

describe('verify (Azure): priority', () => {
  it('the lowest priority number decides, whatever the order the rules are listed in', () => {
    type R = Parameters<typeof rule>;
    const deny = (p: number): R => ['deny-app', p, 'Inbound', 'Deny', 'Tcp', ['10.1.1.0/24'], ['*'], ['443']];
    const allow = (p: number): R => ['allow-all', p, 'Inbound', 'Allow', 'Tcp', ['*'], ['*'], ['443']];
    const closed: R = ['deny-rest', 300, 'Inbound', 'Deny', '*', ['*'], ['*']];
    assert.equal(violations(run(oneVnet([allow(200), deny(100), closed])), 'app', 'data').length, 0);
    const v = violations(run(oneVnet([deny(200), allow(100), closed])), 'app', 'data');
    assert.equal(v.length, 1);
    assert.match(v[0]!.message, /allow-all \(priority 100/);
  });
});

describe('verify (Azure): NSGs on the subnet and on the NIC must both allow', () => {
  const build = (nicRules: Parameters<typeof rule>[], subnetRules: Parameters<typeof rule>[]) => {
    const inv = azureInventory();
    vnet(inv, 'vnet', '10.1.0.0/16');
    nsg(
      inv,
      'nsg-sub',
      subnetRules.map((r) => rule(...r)),
    );
    nsg(
      inv,
      'nsg-nic',
      nicRules.map((r) => rule(...r)),
    );
    subnet(inv, 'vnet', 'inf', '10.1.2.0/24');
    subnet(inv, 'vnet', 'data', '10.1.3.0/24', { nsg: 'nsg-sub' });
    nic(inv, 'nic-inf', 'vnet', 'inf', '10.1.2.4', { zone: 'inference' });
    nic(inv, 'nic-db', 'vnet', 'data', '10.1.3.4', { zone: 'data', nsg: 'nsg-nic' });
    return run(inv);
  };
  const allow: Parameters<typeof rule> = [
    'allow-6333',
    100,
    'Inbound',
    'Allow',
    'Tcp',
    ['10.1.2.0/24'],
    ['*'],
    ['6333'],
  ];
  const deny: Parameters<typeof rule> = ['deny-6333', 100, 'Inbound', 'Deny', 'Tcp', ['*'], ['*'], ['6333']];
  it('subnet allows, NIC denies: broken intent at the NIC NSG rule', () => {
    const b = findings(build([deny], [allow]), 'verify-broken-intent', 'inference', 'data');
    assert.equal(b.length, 1);
    assert.match(b[0]!.resource.id, /networkSecurityGroups\/nsg-nic$/);
  });
  it('NIC allows, subnet denies: broken intent at the subnet NSG rule (inbound: subnet first)', () => {
    const b = findings(build([allow], [deny]), 'verify-broken-intent', 'inference', 'data');
    assert.equal(b.length, 1);
    assert.match(b[0]!.resource.id, /networkSecurityGroups\/nsg-sub$/);
  });
  it('both allow: the flow works', () => {
    const r = build([allow], [allow]);
    assert.equal(findings(r, 'verify-broken-intent', 'inference', 'data').length, 0);
    // The rest of the VNet gets in too, by AllowVnetInBound: the permitted class is everything.
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, ['any']);
  });
});

describe('verify (Azure): application security groups, private endpoints, peering and a hub firewall', () => {
  it('an ASG source admits its members only', () => {
    const inv = oneVnet([
      ['allow-asg', 100, 'Inbound', 'Allow', 'Tcp', [], ['*'], ['6333'], { source: ['asg-inf'] }],
      ['deny', 200, 'Inbound', 'Deny', '*', ['*'], ['*']],
    ]);
    inv.networkInterfaces.find((n) => n.name === 'nic-inf')!.ipConfigurations[0]!.applicationSecurityGroupIds = [
      inv.networkInterfaces[0]!.id.replace(/networkInterfaces\/.*/, 'applicationSecurityGroups/asg-inf'),
    ];
    const r = run(inv);
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, ['tcp/6333']);
    assert.equal(violations(r, 'app', 'data').length, 0);
  });
  it('an NSG does not filter a private endpoint unless the subnet’s network policies say so', () => {
    const build = (policies?: string) => {
      const inv = azureInventory();
      vnet(inv, 'vnet', '10.1.0.0/16');
      nsg(inv, 'nsg-pe', [rule('deny-app', 100, 'Inbound', 'Deny', '*', ['10.1.1.0/24'], ['*'])]);
      subnet(inv, 'vnet', 'app', '10.1.1.0/24');
      subnet(inv, 'vnet', 'pe', '10.1.5.0/24', { nsg: 'nsg-pe', ...(policies ? { peNetworkPolicies: policies } : {}) });
      nic(inv, 'nic-app', 'vnet', 'app', '10.1.1.4', { zone: 'app' });
      nic(inv, 'nic-pe', 'vnet', 'pe', '10.1.5.4', { zone: 'data', privateEndpoint: 'pe-db' });
      inv.privateEndpoints.push({
        ...inv.networkInterfaces[1]!,
        id: inv.networkInterfaces[1]!.privateEndpointId!,
        name: 'pe-db',
        subnetId: inv.subnets[1]!.id,
        connections: [],
        customDnsConfigs: [],
        networkInterfaceIds: [inv.networkInterfaces[1]!.id],
        ipConfigurations: [],
      });
      return run(inv);
    };
    assert.equal(violations(build(), 'app', 'data').length, 1);
    assert.equal(violations(build('Disabled'), 'app', 'data').length, 1);
    assert.equal(violations(build('Enabled'), 'app', 'data').length, 0);
  });
  it('peering is not transitive; a hub firewall forwards spoke to spoke only where its rules and the peerings allow', () => {
    const build = (forwarded: boolean, rules: [string, string, string, string][], viaFirewall = true) => {
      const inv = azureInventory();
      vnet(inv, 'hub', '10.0.0.0/16');
      vnet(inv, 'spoke-a', '10.1.0.0/16', 'inference');
      vnet(inv, 'spoke-b', '10.2.0.0/16', 'data');
      subnet(inv, 'hub', 'AzureFirewallSubnet', '10.0.0.0/26');
      routeTable(inv, 'rt-spokes', [['0.0.0.0/0', 'VirtualAppliance', '10.0.0.4']]);
      subnet(inv, 'spoke-a', 'a', '10.1.1.0/24', viaFirewall ? { routeTable: 'rt-spokes' } : {});
      subnet(inv, 'spoke-b', 'b', '10.2.1.0/24', viaFirewall ? { routeTable: 'rt-spokes' } : {});
      nic(inv, 'nic-a', 'spoke-a', 'a', '10.1.1.4');
      nic(inv, 'nic-b', 'spoke-b', 'b', '10.2.1.4');
      peer(inv, 'hub', 'spoke-a', { forwarded: [false, forwarded] });
      peer(inv, 'hub', 'spoke-b', { forwarded: [false, forwarded] });
      firewall(inv, 'hub', '10.0.0.4', rules);
      return run(inv);
    };
    const open = build(true, [['a-to-b', '10.1.0.0/16', '10.2.0.0/16', '6333']]);
    assert.deepEqual(cell(open, 'inference', 'data').configurationPermits, ['tcp/6333']);
    assert.equal(findings(open, 'verify-broken-intent', 'inference', 'data').length, 0);
    const noRule = build(true, []);
    assert.deepEqual(cell(noRule, 'inference', 'data').configurationPermits, []);
    assert.match(findings(noRule, 'verify-broken-intent', 'inference', 'data')[0]!.message, /fw: no rule matches/);
    // Without allowForwardedTraffic on the spokes' side, the hub cannot hand the packet on.
    const refused = build(false, [['a-to-b', '10.1.0.0/16', '10.2.0.0/16', '6333']]);
    assert.deepEqual(cell(refused, 'inference', 'data').configurationPermits, []);
    // Without the firewall route, the spokes do not reach each other at all (no transitive peering).
    const direct = build(true, [['a-to-b', '10.1.0.0/16', '10.2.0.0/16', '6333']], false);
    assert.deepEqual(cell(direct, 'inference', 'data').configurationPermits, []);
    assert.match(findings(direct, 'verify-broken-intent', 'inference', 'data')[0]!.message, /None/);
  });
});
