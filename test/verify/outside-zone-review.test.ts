/**
 * Review of zones outside every network: the shapes on-premises ranges take in real policies (the corporate 10.0.0.0/8
 * with the cloud in a slice of it) and the packets that need no reply.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { eni, inventory, sg, subnet, tcp, vpc } from './helpers.js';

const policy = (onprem: string) =>
  parsePolicy(
    'outside.yaml',
    `version: 1
zones:
  app: {}
  data: {}
  onprem: { cidrs: [${onprem}] }
  internet: { kind: internet }
rules:
  - { id: R1, name: app to data, from: app, to: data, action: allow, protocol: tcp, ports: 5432, justification: x }
`,
  );

const run = (inv: AwsInventory, p: ReturnType<typeof policy>) =>
  verifyModel(compileAws(inv, p), p, { clientPorts: [32768, 60999] });
const cell = (r: ReturnType<typeof run>, from: string, to: string) =>
  r.matrix.find((m) => m.from === from && m.to === to)!;
const findings = (r: ReturnType<typeof run>, id: string, from: string, to: string) =>
  r.findings.filter((f) => f.checkId === id && f.evidence?.from === from && f.evidence?.to === to);

/** The VPC 10.0.0.0/16 inside the corporate 10.0.0.0/8; both subnets route the rest of 10/8 to a VPN gateway. */
function site(dbFrom: string) {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  const toVpn: [string, string][] = [['10.0.0.0/8', 'vgw-1']];
  subnet(inv, 'app', 'vpc-1', '10.0.1.0/24', 'app', toVpn);
  subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data', toVpn);
  sg(inv, 'sg-app', 'vpc-1', [], [tcp(443, 443, ['10.0.0.0/16'])]);
  sg(inv, 'sg-db', 'vpc-1', [tcp(5432, 5432, ['10.0.1.0/24', dbFrom])]);
  eni(inv, 'eni-app', 'app', '10.0.1.10', ['sg-app']);
  eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
  for (const t of inv.routeTables)
    for (const r of t.routes) if (r.target.id === 'vgw-1') r.target.type = 'virtual-private-gateway';
  return inv;
}

describe('verify review: zones outside every network', () => {
  it('a corporate range that holds the VPC is still on-premises outside it: the database open to 10/8 is not assessed', () => {
    const p = policy('10.0.0.0/8');
    const r = run(site('10.0.0.0/8'), p);
    const c = cell(r, 'onprem', 'data');
    assert.deepEqual(c.unknown, ['tcp/5432'], JSON.stringify(c));
    const f = findings(r, 'verify-not-assessed', 'onprem', 'data');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.id, 'sg-db');
    // The witness starts on-premises, not in the VPC.
    const packet = String((f[0]!.evidence!.witness as { packet: string }).packet);
    assert.doesNotMatch(packet, /^10\.0\./, packet);
  });

  it('the VPC part of such a range is the cloud zones’ own: a group open only to the VPC reports nothing from on-premises', () => {
    const p = policy('10.0.0.0/8');
    const r = run(site('10.0.0.0/16'), p);
    assert.deepEqual(cell(r, 'onprem', 'data').unknown, []);
    assert.equal(findings(r, 'verify-not-assessed', 'onprem', 'data').length, 0);
  });

  it('a partner range nested in the corporate one is the partner’s alone (the most specific range wins)', () => {
    const p = parsePolicy(
      'nested.yaml',
      `version: 1
zones:
  app: {}
  data: {}
  onprem: { cidrs: [10.0.0.0/8] }
  partner: { cidrs: [10.200.0.0/16] }
  internet: { kind: internet }
rules:
  - { id: R1, name: partner to data, from: partner, to: data, action: allow, protocol: tcp, ports: 5432, justification: x }
`,
    );
    const r = run(site('10.200.0.0/16'), p);
    assert.deepEqual(cell(r, 'onprem', 'data').unknown, [], 'the partner’s addresses are not on-premises');
    assert.deepEqual(cell(r, 'partner', 'data').unknown, ['tcp/5432']);
    assert.equal(findings(r, 'verify-not-assessed', 'onprem', 'data').length, 0);
  });

  it('UDP needs no reply: on-premises reaches a subnet that has no route back, through the VPC’s gateway', () => {
    // Only the app subnet routes on-premises to the virtual private gateway; the gateway still delivers into every
    // subnet of the VPC (route tables only steer what leaves a subnet), so a one-way UDP or ICMP packet arrives.
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16');
    subnet(inv, 'app', 'vpc-1', '10.0.1.0/24', 'app', [['192.168.0.0/16', 'vgw-1']]);
    subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data');
    for (const t of inv.routeTables)
      for (const r of t.routes) if (r.target.id === 'vgw-1') r.target.type = 'virtual-private-gateway';
    sg(inv, 'sg-app', 'vpc-1', []);
    sg(inv, 'sg-db', 'vpc-1', [
      { ...tcp(5432, 5432, ['192.168.0.0/16']) },
      { ...tcp(514, 514, ['192.168.0.0/16']), protocol: 'udp' },
    ]);
    eni(inv, 'eni-app', 'app', '10.0.1.10', ['sg-app']);
    eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
    const p = policy('192.168.0.0/16');
    const r = run(inv, p);
    // TCP needs the reply, which the data subnet cannot route there; the UDP packet needs none.
    assert.deepEqual(cell(r, 'onprem', 'data').unknown, ['udp/514'], JSON.stringify(cell(r, 'onprem', 'data')));
    const f = findings(r, 'verify-not-assessed', 'onprem', 'data');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.resource.id, 'sg-db');
    // Without any gateway route in the VPC nothing arrives from on-premises.
    for (const t of inv.routeTables) t.routes = t.routes.filter((x) => x.target.id !== 'vgw-1');
    assert.deepEqual(cell(run(inv, p), 'onprem', 'data').unknown, []);
  });
});
