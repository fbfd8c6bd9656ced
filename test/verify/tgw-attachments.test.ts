/**
 * Transit gateway attachments the model cannot take as simply present: states on the way in or out, attachments that
 * lead outside the model (VPN, Direct Connect, peering, Connect), and appliance mode.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { inventory, POLICY, subnet } from './helpers.js';
import { addTgw, inZone, spoke, type TgwSpec } from './tgw-helpers.js';

const run = (inv: AwsInventory) => verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
const cell = (r: ReturnType<typeof run>, from: string, to: string) =>
  r.matrix.find((m) => m.from === from && m.to === to)!;

const DENY_ALL = {
  in: [{ ruleNumber: 100, protocol: '-1', action: 'deny' as const, cidr: '0.0.0.0/0' }],
  out: [{ ruleNumber: 100, protocol: '-1', action: 'deny' as const, cidr: '0.0.0.0/0' }],
};

/**
 * app in VPC A (10.1/16), inference in C (10.3/16), both routing 10/8 to tgw-1; A's table sends 10.3/16 to C (or to
 * `toC`), C's sends 10.1/16 back. C's attachment may have a second subnet in another zone (`second`: with the same
 * network ACL as the first, or one that denies everything).
 */
function world(opts: { state?: string; appliance?: boolean; second?: 'same' | 'deny-all'; toC?: string } = {}) {
  const inv = inventory();
  (
    [
      ['a', 'vpc-a', 'app', 1],
      ['c', 'vpc-c', 'inference', 3],
    ] as const
  ).forEach(([x, v, zone, n]) => spoke(inv, x, v, zone, n));
  if (opts.second) {
    subnet(
      inv,
      'tc2',
      'vpc-c',
      '10.3.9.16/28',
      'inference',
      [['10.0.0.0/8', 'tgw-1']],
      opts.second === 'deny-all' ? DENY_ALL : undefined,
    );
    inZone(inv, 'use1-az2', 'tc2');
  }
  const tables: TgwSpec['tables'] = [
    { id: 'rt-a', associations: ['att-a'], routes: [['10.3.0.0/16', opts.toC ?? 'att-c']] },
    { id: 'rt-c', associations: ['att-c'], routes: [['10.1.0.0/16', 'att-a']] },
  ];
  addTgw(inv, {
    id: 'tgw-1',
    attachments: [
      { id: 'att-a', vpc: 'vpc-a', subnets: ['ta'] },
      {
        id: 'att-c',
        vpc: 'vpc-c',
        subnets: opts.second ? ['tc', 'tc2'] : ['tc'],
        ...(opts.state ? { state: opts.state } : {}),
        ...(opts.appliance !== undefined ? { appliance: opts.appliance } : {}),
      },
    ],
    tables,
  });
  return inv;
}

describe('verify: transit gateway attachment states', () => {
  it('available: app reaches inference through the gateway (the control)', () => {
    const c = cell(run(world()), 'app', 'inference');
    assert.deepEqual([c.configurationPermits, c.unknown], [['any'], []]);
  });
  it('modifying: an attachment being changed still forwards', () => {
    const c = cell(run(world({ state: 'modifying' })), 'app', 'inference');
    assert.deepEqual([c.configurationPermits, c.unknown], [['any'], []]);
  });
  for (const state of ['pending', 'pendingAcceptance', 'deleting'])
    it(`${state}: on its way in or out, so the paths are unknown, not absent`, () => {
      const r = run(world({ state }));
      const c = cell(r, 'app', 'inference');
      assert.deepEqual(c.configurationPermits, []);
      assert.notDeepEqual(c.unknown, []);
      const f = r.findings.find((x) => x.checkId === 'verify-not-assessed' && x.evidence?.to === 'inference');
      assert.match(f?.message ?? '', new RegExp(`att-c is in state ${state}`));
    });
  it('deleted: gone, it forwards nothing', () => {
    assert.deepEqual(cell(run(world({ state: 'deleted' })), 'app', 'inference').configurationPermits, []);
  });
});

describe('verify: transit gateway routes leading outside the model', () => {
  it('a route to a VPN attachment is unknown, and the witness says it is a VPN attachment', () => {
    const r = run(world({ toC: 'vpn-att-1' }));
    const c = cell(r, 'app', 'inference');
    assert.deepEqual(c.configurationPermits, []);
    assert.notDeepEqual(c.unknown, []);
    const f = r.findings.find((x) => x.checkId === 'verify-not-assessed' && x.evidence?.to === 'inference');
    assert.match(
      f?.message ?? '',
      /vpn-att-1 \(vpn-0abc\) is a Site-to-Site VPN attachment: it leads outside the model/,
    );
  });
});

describe('verify: transit gateway appliance mode', () => {
  it('attachment subnets with one network ACL: which one carries the flow is moot, decided', () => {
    for (const appliance of [false, true]) {
      const c = cell(run(world({ second: 'same', appliance })), 'app', 'inference');
      assert.deepEqual([c.configurationPermits, c.unknown], [['any'], []], `appliance ${appliance}`);
    }
  });
  it('with appliance mode and subnets whose ACLs differ, the flow-hash choice decides: unknown', () => {
    const r = run(world({ second: 'deny-all', appliance: true }));
    const c = cell(r, 'app', 'inference');
    assert.notDeepEqual(c.unknown, []);
    const f = r.findings.find((x) => x.checkId === 'verify-not-assessed' && x.evidence?.to === 'inference');
    assert.match(f?.message ?? '', /appliance mode: att-c carries each flow through a subnet picked by flow hash/);
  });
  it('without appliance mode the reply may still start in the other zone: unknown where the ACLs differ', () => {
    const c = cell(run(world({ second: 'deny-all', appliance: false })), 'app', 'inference');
    assert.notDeepEqual(c.unknown, []);
  });
});
