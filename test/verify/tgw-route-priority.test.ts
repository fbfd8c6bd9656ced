/**
 * Transit gateway route priority for one destination CIDR (AWS "Route evaluation order"): a static route beats a
 * prefix-list route, which beats a propagated one, whatever order the routes were listed in.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { inventory, POLICY } from './helpers.js';
import { addTgw, spoke } from './tgw-helpers.js';

const run = (inv: AwsInventory) => verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });

/** inference in VPC C (10.3/16), data in B (10.2/16), an inspection VPC D (10.4/16); C's table is the variable. */
function network(cRoutes: [string, string, 'static' | 'propagated'][]): AwsInventory {
  const inv = inventory();
  const spokes: [string, string, string, number][] = [
    ['b', 'vpc-b', 'data', 2],
    ['c', 'vpc-c', 'inference', 3],
    ['d', 'vpc-d', 'inspection', 4],
  ];
  for (const [x, v, zone, n] of spokes) spoke(inv, x, v, zone, n);
  addTgw(inv, {
    id: 'tgw-1',
    attachments: ['b', 'c', 'd'].map((x) => ({ id: `att-${x}`, vpc: `vpc-${x}`, subnets: [`t${x}`] })),
    tables: [
      { id: 'rt-c', associations: ['att-c'], routes: cRoutes.map(([d, to]) => [d, to] as [string, string]) },
      { id: 'rt-bd', associations: ['att-b', 'att-d'], routes: [['10.3.0.0/16', 'att-c']] },
    ],
  });
  const table = inv.transitGatewayRouteTables.find((t) => t.id === 'rt-c')!;
  table.routes!.forEach((r, i) => (r.type = cRoutes[i]![2]));
  return inv;
}

describe('verify: transit gateway route priority', () => {
  it('a static route to the inspection VPC wins over the propagated route listed before it: not proven direct', () => {
    // AWS sends inference -> data through the inspection VPC (whose appliance cordon does not model): unknown.
    const r = run(
      network([
        ['10.2.0.0/16', 'att-b', 'propagated'],
        ['10.2.0.0/16', 'att-d', 'static'],
      ]),
    );
    const c = r.matrix.find((m) => m.from === 'inference' && m.to === 'data')!;
    assert.deepEqual(c.configurationPermits, [], JSON.stringify(c));
    assert.ok(c.unknown.length > 0, JSON.stringify(c));
  });
  it('a static blackhole wins over the propagated route for the same CIDR', () => {
    const r = run(
      network([
        ['10.2.0.0/16', 'att-b', 'propagated'],
        ['10.2.0.0/16', 'blackhole', 'static'],
      ]),
    );
    const c = r.matrix.find((m) => m.from === 'inference' && m.to === 'data')!;
    assert.deepEqual([c.configurationPermits, c.unknown], [[], []]);
  });
  it('the propagated route alone delivers directly', () => {
    const r = run(network([['10.2.0.0/16', 'att-b', 'propagated']]));
    const c = r.matrix.find((m) => m.from === 'inference' && m.to === 'data')!;
    assert.deepEqual(c.configurationPermits, ['any']);
  });
});
