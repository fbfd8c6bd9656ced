/**
 * Zones outside every network (on-premises behind a VPN or a dedicated link): a policy zone of private ranges that no
 * network of the inventory holds. Before, its traffic was never asked about ("no interfaces: nothing to verify"), so
 * a security group open to the corporate network on a database port passed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { AwsInventory, AwsIpPermission } from '../../src/inventory/aws.js';
import { eni, inventory, sg, subnet, tcp, vpc } from './helpers.js';
import { compileAzure } from '../../src/verify/azure.js';
import * as az from './azure-helpers.js';

const policy = (extra = '', onprem = 'onprem: { cidrs: [192.168.0.0/16] }') =>
  parsePolicy(
    'outside.yaml',
    `version: 1
zones:
  app: {}
  data: {}
  management: {}
  ${onprem}
  internet: { kind: internet }
rules:
  - { id: R1, name: app to data, from: app, to: data, action: allow, protocol: tcp, ports: 5432, justification: x }
${extra}`,
  );

const run = (inv: AwsInventory, p = policy()) => verifyModel(compileAws(inv, p), p, { clientPorts: [32768, 60999] });
const cell = (r: ReturnType<typeof run>, from: string, to: string) =>
  r.matrix.find((m) => m.from === from && m.to === to);
const findings = (r: ReturnType<typeof run>, id: string, from: string, to: string) =>
  r.findings.filter((f) => f.checkId === id && f.evidence?.from === from && f.evidence?.to === to);

/**
 * app and data in one VPC; the subnets in `vpnSubnets` (both by default) route `vpnRange` (on-premises) to a virtual
 * private gateway when `vpn`.
 */
function site(opts: {
  vpn: boolean;
  dbFrom?: string;
  appEgress?: string;
  vpnRange?: string;
  vpnSubnets?: string[];
  dbExtra?: AwsIpPermission[];
}) {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  const toVpn = (id: string): [string, string][] =>
    opts.vpn && (opts.vpnSubnets ?? ['app', 'dat']).includes(id) ? [[opts.vpnRange ?? '192.168.0.0/16', 'vgw-1']] : [];
  subnet(inv, 'app', 'vpc-1', '10.0.1.0/24', 'app', toVpn('app'));
  subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data', toVpn('dat'));
  sg(inv, 'sg-app', 'vpc-1', [], [tcp(443, 443, [opts.appEgress ?? '10.0.0.0/16'])]);
  sg(inv, 'sg-db', 'vpc-1', [
    tcp(5432, 5432, ['10.0.1.0/24', ...(opts.dbFrom ? [opts.dbFrom] : [])]),
    ...(opts.dbExtra ?? []),
  ]);
  eni(inv, 'eni-app', 'app', '10.0.1.10', ['sg-app']);
  eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
  // The virtual private gateway is a next hop the AWS compiler does not follow.
  for (const t of inv.routeTables)
    for (const r of t.routes) if (r.target.id === 'vgw-1') r.target.type = 'virtual-private-gateway';
  return inv;
}

describe('verify: zones outside every network (on-premises)', () => {
  it('an office’s public range (the documentation block 203.0.113.0/24) behind a VPN: a database group open to it is not assessed, not passed', () => {
    // Public ranges were verified only over the internet: routed to the virtual private gateway, they passed.
    const office = policy('', 'onprem: { cidrs: [203.0.113.0/24] }');
    const vpnSite = (vpn: boolean) => site({ vpn, dbFrom: '203.0.113.0/24', vpnRange: '203.0.113.0/24' });
    const r = run(vpnSite(true), office);
    assert.deepEqual(cell(r, 'onprem', 'data')!.unknown, ['tcp/5432']);
    const f = findings(r, 'verify-not-assessed', 'onprem', 'data');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.id, 'sg-db');
    const path = (f[0]!.evidence!.witness as { path: { at: string; verdict: string; what: string }[] }).path;
    assert.match(path[0]!.what, /from onprem: arrives through a next hop cordon does not follow/);
    // No route to the office but the internet's (and no public address on the database): no path at all.
    const none = cell(run(vpnSite(false), office), 'onprem', 'data')!;
    assert.deepEqual([...none.configurationPermits, ...none.unknown], []);
  });
  it('a database group open to the corporate network behind a VPN: not assessed, at the group rule', () => {
    const r = run(site({ vpn: true, dbFrom: '192.168.0.0/16' }));
    const c = cell(r, 'onprem', 'data')!;
    assert.deepEqual(c.unknown, ['tcp/5432']);
    assert.deepEqual(c.configurationPermits, [], 'never surely permitted: the path on-premises is not seen');
    const f = findings(r, 'verify-not-assessed', 'onprem', 'data');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.id, 'sg-db');
    assert.equal(f[0]!.origin?.kind === 'file' && f[0]!.origin.pointer, '/sg/sg-db/IpPermissions/0');
    const path = (f[0]!.evidence!.witness as { path: { at: string; verdict: string; what: string }[] }).path;
    assert.match(path[0]!.what, /from onprem: arrives through a next hop cordon does not follow/);
    assert.ok(path.some((h) => h.at === 'rtb-dat' && h.verdict === 'maybe' && /vgw-1/.test(h.what)));
  });

  it('the same group without a route towards on-premises: no reply can leave, nothing to report', () => {
    const r = run(site({ vpn: false, dbFrom: '192.168.0.0/16' }));
    assert.deepEqual(cell(r, 'onprem', 'data')!.unknown, []);
    assert.equal(findings(r, 'verify-not-assessed', 'onprem', 'data').length, 0);
  });

  it('a group that does not admit the corporate range: nothing from on-premises', () => {
    const r = run(site({ vpn: true }));
    assert.deepEqual(cell(r, 'onprem', 'data')!.unknown, []);
  });

  it('app to on-premises through the gateway: not assessed, located at the route', () => {
    const r = run(site({ vpn: true, appEgress: '192.168.0.0/16' }));
    assert.deepEqual(cell(r, 'app', 'onprem')!.unknown, ['tcp/443']);
    const f = findings(r, 'verify-not-assessed', 'app', 'onprem');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.type, 'AWS::EC2::RouteTable');
    // Outbound only to the VPC: nothing leaves for on-premises.
    assert.deepEqual(cell(run(site({ vpn: true })), 'app', 'onprem')!.unknown, []);
  });

  it('allowed flows of an outside zone are not judged (its ranges are not confirmed), and the note says so', () => {
    const p = policy(
      '  - { id: R2, name: app to onprem, from: app, to: onprem, action: allow, protocol: tcp, ports: 443, justification: x }',
    );
    // No route there, and the policy allows it: not called broken (example ranges look the same as real ones).
    const r0 = run(site({ vpn: false, appEgress: '0.0.0.0/0' }), p);
    assert.equal(findings(r0, 'verify-broken-intent', 'app', 'onprem').length, 0);
    assert.ok(
      r0.notes.some((n) => /zone onprem has no interface .* whether its allowed flows work is not judged/.test(n)),
    );
    // With the gateway route the allowed class may pass: the cell shows it undecided.
    const r = run(site({ vpn: true, appEgress: '0.0.0.0/0' }), p);
    assert.deepEqual(cell(r, 'app', 'onprem')!.unknown, ['tcp/443']);
    assert.equal(findings(r, 'verify-broken-intent', 'app', 'onprem').length, 0);
  });

  it('a zone of addresses inside a network of the inventory is a cloud zone, not an outside one', () => {
    const p = parsePolicy(
      'inside.yaml',
      `version: 1
zones:
  app: {}
  data: {}
  onprem: { cidrs: [10.0.9.0/24] }
  internet: { kind: internet }
rules: []
`,
    );
    const r = run(site({ vpn: true, dbFrom: '10.0.9.0/24' }), p);
    assert.equal(cell(r, 'onprem', 'data')!.sources, 0);
    assert.deepEqual(cell(r, 'onprem', 'data')!.unknown, []);
  });
});

describe('verify: the shapes on-premises ranges take (review)', () => {
  const corporate = 'onprem: { cidrs: [10.0.0.0/8] }';
  const corporateSite = (dbFrom: string) => site({ vpn: true, vpnRange: '10.0.0.0/8', dbFrom });

  it('a corporate range that holds the VPC is on-premises outside it: the database open to 10/8 is not assessed', () => {
    // Before, a zone overlapping any network was skipped whole, so this group passed silently.
    const r = run(corporateSite('10.0.0.0/8'), policy('', corporate));
    const c = cell(r, 'onprem', 'data')!;
    assert.deepEqual(c.unknown, ['tcp/5432'], JSON.stringify(c));
    const f = findings(r, 'verify-not-assessed', 'onprem', 'data');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.id, 'sg-db');
    // The witness starts on-premises, not in the VPC.
    const packet = String((f[0]!.evidence!.witness as { packet: string }).packet);
    assert.doesNotMatch(packet, /^10\.0\./, packet);
  });

  it('the VPC part of such a range is the cloud zones’ own: a group open only to the VPC reports nothing from it', () => {
    const r = run(corporateSite('10.0.0.0/16'), policy('', corporate));
    assert.deepEqual(cell(r, 'onprem', 'data')!.unknown, []);
    assert.equal(findings(r, 'verify-not-assessed', 'onprem', 'data').length, 0);
  });

  it('a partner range nested in the corporate one is the partner’s alone (the most specific range wins)', () => {
    const p = policy(
      '  - { id: R2, name: partner to data, from: partner, to: data, action: allow, protocol: tcp, ports: 5432, justification: x }',
      `${corporate}\n  partner: { cidrs: [10.200.0.0/16] }`,
    );
    const r = run(corporateSite('10.200.0.0/16'), p);
    assert.deepEqual(cell(r, 'onprem', 'data')!.unknown, [], 'the partner’s addresses are not on-premises');
    assert.deepEqual(cell(r, 'partner', 'data')!.unknown, ['tcp/5432']);
    assert.equal(findings(r, 'verify-not-assessed', 'onprem', 'data').length, 0);
  });

  it('UDP needs no reply: on-premises reaches a subnet without a route back, through the VPC’s gateway', () => {
    // Only the app subnet routes on-premises to the virtual private gateway; the gateway still delivers into every
    // subnet of the VPC (route tables only steer what leaves a subnet), so a one-way UDP or ICMP packet arrives.
    const udp = { ...tcp(514, 514, ['192.168.0.0/16']), protocol: 'udp' };
    const inv = site({ vpn: true, vpnSubnets: ['app'], dbFrom: '192.168.0.0/16', dbExtra: [udp] });
    const r = run(inv);
    // TCP needs the reply, which the data subnet cannot route there; the UDP packet needs none.
    assert.deepEqual(cell(r, 'onprem', 'data')!.unknown, ['udp/514'], JSON.stringify(cell(r, 'onprem', 'data')));
    const f = findings(r, 'verify-not-assessed', 'onprem', 'data');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.id, 'sg-db');
    // Without any gateway route in the VPC nothing arrives from on-premises.
    const closed = site({ vpn: false, dbFrom: '192.168.0.0/16', dbExtra: [udp] });
    assert.deepEqual(cell(run(closed), 'onprem', 'data')!.unknown, []);
  });
});

describe('verify: a zone of public addresses outside every network (an office’s egress addresses)', () => {
  const office = 'office: { cidrs: [192.168.0.0/16, 45.60.0.0/24] }';
  /** The database has a public address in a VPC with an internet gateway; its group admits `dbFrom` on 5432. */
  function exposed(dbFrom: string, egress = '10.0.0.0/16') {
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16', 'igw-1');
    subnet(inv, 'app', 'vpc-1', '10.0.1.0/24', 'app', [['0.0.0.0/0', 'igw-1']]);
    subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data', [['0.0.0.0/0', 'igw-1']]);
    sg(inv, 'sg-app', 'vpc-1', [], [tcp(443, 443, [egress])]);
    sg(inv, 'sg-db', 'vpc-1', [tcp(5432, 5432, ['10.0.1.0/24', dbFrom])]);
    eni(inv, 'eni-app', 'app', '10.0.1.10', ['sg-app'], { publicIps: ['52.0.0.10'] });
    eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db'], { publicIps: ['52.0.0.11'] });
    return inv;
  }

  it('a database group open to the office’s public range is a violation from the office, over the internet', () => {
    // Zone ranges are taken out of the internet, so before this the office’s addresses were asked about nowhere (a
    // note said so) and the group passed.
    const r = run(exposed('45.60.0.0/24'), policy('', office));
    const c = cell(r, 'office', 'data')!;
    assert.deepEqual(c.configurationPermits, ['tcp/5432'], JSON.stringify(c));
    const f = findings(r, 'verify-zone-violation', 'office', 'data');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.id, 'sg-db');
    assert.match(String((f[0]!.evidence!.witness as { packet: string }).packet), /^45\.60\.0\./);
    assert.equal(
      findings(run(exposed('10.0.1.0/24'), policy('', office)), 'verify-zone-violation', 'office', 'data').length,
      0,
    );
  });

  it('app open to the office’s public range over the internet gateway: a violation towards the office', () => {
    const r = run(exposed('10.0.1.0/24', '45.60.0.0/24'), policy('', office));
    assert.deepEqual(cell(r, 'app', 'office')!.configurationPermits, ['tcp/443']);
    assert.equal(findings(r, 'verify-zone-violation', 'app', 'office').length, 1);
    assert.ok(!r.notes.some((n) => /public address ranges/.test(n)), 'verified, not a note');
  });
});

describe('verify (Azure): zones outside every network behind a virtual network gateway', () => {
  /** hub 10.0/16 (GatewaySubnet when `gateway`), spoke 10.1/16 using its gateway, data at 10.1.3.4 under default NSG rules. */
  function hubAndSpoke(gateway: boolean) {
    const inv = az.azureInventory();
    az.vnet(inv, 'hub', '10.0.0.0/16');
    az.vnet(inv, 'spoke', '10.1.0.0/16');
    if (gateway) az.subnet(inv, 'hub', 'GatewaySubnet', '10.0.255.0/27');
    az.nsg(inv, 'nsg-data', []);
    az.subnet(inv, 'spoke', 'app', '10.1.1.0/24');
    az.subnet(inv, 'spoke', 'data', '10.1.3.0/24', { nsg: 'nsg-data' });
    az.nic(inv, 'nic-app', 'spoke', 'app', '10.1.1.4', { zone: 'app' });
    az.nic(inv, 'nic-db', 'spoke', 'data', '10.1.3.4', { zone: 'data' });
    az.peer(inv, 'hub', 'spoke', { remoteGateways: [false, gateway] });
    return inv;
  }
  const runAz = (inv: ReturnType<typeof az.azureInventory>) => {
    const p = policy();
    return verifyModel(compileAzure(inv, p), p, { clientPorts: [32768, 60999] });
  };

  it('AllowVnetInBound admits on-premises through the gateway: not assessed, never a pass', () => {
    const r = runAz(hubAndSpoke(true));
    assert.ok(cell(r, 'onprem', 'data')!.unknown.length > 0, JSON.stringify(cell(r, 'onprem', 'data')));
    assert.ok(findings(r, 'verify-not-assessed', 'onprem', 'data').length > 0);
  });

  it('without a gateway nothing routes on-premises: nothing to report', () => {
    const r = runAz(hubAndSpoke(false));
    assert.deepEqual(cell(r, 'onprem', 'data')!.unknown, []);
    assert.equal(findings(r, 'verify-not-assessed', 'onprem', 'data').length, 0);
  });
});

describe('verify: a zone with interfaces whose ranges also reach outside every network', () => {
  // app: its subnet in the VPC and a branch office range on-premises (192.168.50.0/24).
  const mixedPolicy = parsePolicy(
    'mixed.yaml',
    `version: 1
zones:
  app: { cidrs: [10.0.1.0/24, 192.168.50.0/24] }
  data: {}
  internet: { kind: internet }
rules:
  - { id: R1, name: app to data, from: app, to: data, action: allow, protocol: tcp, ports: 5432, justification: x }
`,
  );
  const ssh = tcp(22, 22, ['192.168.50.0/24']);

  it('the office range reaching the database on a port the policy denies: not assessed at the group rule', () => {
    const r = run(site({ vpn: true, dbExtra: [ssh] }), mixedPolicy);
    const c = cell(r, 'app', 'data')!;
    assert.deepEqual(c.unknown, ['tcp/22']);
    const f = findings(r, 'verify-not-assessed', 'app', 'data');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.id, 'sg-db');
    assert.match(f[0]!.message, /192\.168\.50\./);
    // The witness starts in the office range, not at eni-app.
    const w = f[0]!.evidence!.witness as { source: string; path: { what: string }[] };
    assert.equal(w.source, 'app');
    assert.match(w.path[0]!.what, /from app: arrives through a next hop cordon does not follow/);
    // The cloud part is judged as before: eni-app's group sends only 443, so the allowed 5432 is broken for it.
    assert.equal(findings(r, 'verify-broken-intent', 'app', 'data').length, 1);
    assert.ok(r.notes.some((n) => /zone app: 192\.168\.50\.0\/24 is in no network of the inventory/.test(n)));
  });

  it('without a route towards the office, nothing from it', () => {
    const r = run(site({ vpn: false, dbExtra: [ssh] }), mixedPolicy);
    assert.deepEqual(cell(r, 'app', 'data')!.unknown, []);
    assert.equal(findings(r, 'verify-not-assessed', 'app', 'data').length, 0);
  });

  it('a public range besides the interfaces is not verified, and a note says so even with no private range outside', () => {
    // 45.60.0.0/24 (an office's egress addresses) is taken out of the internet like every zone's range: not noted,
    // it was verified nowhere and said nothing.
    const p = parsePolicy(
      'public.yaml',
      `version: 1
zones:
  app: { cidrs: [10.0.1.0/24, 45.60.0.0/24] }
  data: {}
  internet: { kind: internet }
rules: []
`,
    );
    const r = run(site({ vpn: true }), p);
    assert.ok(
      r.notes.some((n) => /zone app: its public ranges outside the inventory's networks are not verified/.test(n)),
      r.notes.join('\n'),
    );
    assert.ok(!r.notes.some((n) => /zone app: .* in no network of the inventory/.test(n)), 'no private range outside');
  });

  it('data to the office range through the gateway: not assessed, located at the route', () => {
    const r = run(site({ vpn: true }), mixedPolicy);
    const f = findings(r, 'verify-not-assessed', 'data', 'app');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.type, 'AWS::EC2::RouteTable');
    assert.ok(cell(r, 'data', 'app')!.unknown.length > 0);
  });
});

describe('verify (Azure): a zone whose only interfaces are private endpoints, with a range on-premises', () => {
  // data: its private endpoint (tagged) in the spoke and a range on-premises (192.168.70.0/24). The endpoint is no
  // source (role service-endpoint), so the zone had no sources: the on-premises range was asked nothing as a source.
  const p = parsePolicy(
    'pe.yaml',
    `version: 1
zones:
  app: {}
  data: { cidrs: [192.168.70.0/24] }
  internet: { kind: internet }
rules: []
`,
  );
  function site(withEndpoint: boolean) {
    const inv = az.azureInventory();
    az.vnet(inv, 'hub', '10.0.0.0/16');
    az.vnet(inv, 'spoke', '10.1.0.0/16');
    az.subnet(inv, 'hub', 'GatewaySubnet', '10.0.255.0/27');
    az.subnet(inv, 'spoke', 'app', '10.1.1.0/24');
    az.subnet(inv, 'spoke', 'pe', '10.1.5.0/24');
    az.nic(inv, 'nic-app', 'spoke', 'app', '10.1.1.4', { zone: 'app' });
    if (withEndpoint) {
      az.nic(inv, 'nic-pe', 'spoke', 'pe', '10.1.5.4', { zone: 'data', privateEndpoint: 'pe-db' });
      const n = inv.networkInterfaces.find((x) => x.name === 'nic-pe')!;
      inv.privateEndpoints.push({
        ...n,
        id: n.privateEndpointId!,
        name: 'pe-db',
        subnetId: az.subnetId('spoke', 'pe'),
        connections: [],
        customDnsConfigs: [],
        networkInterfaceIds: [n.id],
        ipConfigurations: [],
      });
    }
    az.peer(inv, 'hub', 'spoke', { remoteGateways: [false, true] });
    return verifyModel(compileAzure(inv, p), p, { clientPorts: [32768, 60999] });
  }

  it('the on-premises range reaching app through the gateway is not assessed, endpoint or not', () => {
    const bare = site(false);
    assert.ok(cell(bare, 'data', 'app')!.unknown.length > 0, JSON.stringify(cell(bare, 'data', 'app')));
    const r = site(true);
    // The endpoint and the range: neither side is empty (the CLI would call the zone one with nothing to verify).
    assert.equal(cell(r, 'app', 'data')!.destinations, 2);
    assert.equal(cell(r, 'data', 'app')!.sources, 1);
    // Towards the internet the range is not asked: the zone has no source there.
    assert.equal(cell(r, 'data', 'internet')!.sources, 0);
    assert.deepEqual(cell(r, 'data', 'app')!.unknown, cell(bare, 'data', 'app')!.unknown);
    assert.ok(findings(r, 'verify-not-assessed', 'data', 'app').length > 0);
  });
});
