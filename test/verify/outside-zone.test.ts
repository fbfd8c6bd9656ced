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
import type { AwsInventory } from '../../src/inventory/aws.js';
import { eni, inventory, sg, subnet, tcp, vpc } from './helpers.js';
import { compileAzure } from '../../src/verify/azure.js';
import * as az from './azure-helpers.js';

const policy = (extra = '') =>
  parsePolicy(
    'outside.yaml',
    `version: 1
zones:
  app: {}
  data: {}
  management: {}
  onprem: { cidrs: [192.168.0.0/16] }
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

/** app and data in one VPC; the data subnet routes on-premises to a virtual private gateway when `vpn`. */
function site(opts: { vpn: boolean; dbFrom?: string; appEgress?: string }) {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  const toVpn: [string, string][] = opts.vpn ? [['192.168.0.0/16', 'vgw-1']] : [];
  subnet(inv, 'app', 'vpc-1', '10.0.1.0/24', 'app', toVpn);
  subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data', toVpn);
  sg(inv, 'sg-app', 'vpc-1', [], [tcp(443, 443, [opts.appEgress ?? '10.0.0.0/16'])]);
  sg(inv, 'sg-db', 'vpc-1', [tcp(5432, 5432, ['10.0.1.0/24', ...(opts.dbFrom ? [opts.dbFrom] : [])])]);
  eni(inv, 'eni-app', 'app', '10.0.1.10', ['sg-app']);
  eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
  // The virtual private gateway is a next hop the AWS compiler does not follow.
  for (const t of inv.routeTables)
    for (const r of t.routes) if (r.target.id === 'vgw-1') r.target.type = 'virtual-private-gateway';
  return inv;
}

describe('verify: zones outside every network (on-premises)', () => {
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
