/** How compileAws turns the security groups of an interface into its filters: shared per set, labelled per rule. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { eni, inventory, POLICY, sg, subnet, tcp, vpc } from './helpers.js';

function threeInterfaces(groups: [string[], string[], string[]]) {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'app', 'vpc-1', '10.0.1.0/24', 'application');
  sg(inv, 'sg-a', 'vpc-1', [tcp(443, 443, ['10.0.0.0/16'])]);
  sg(inv, 'sg-b', 'vpc-1', [tcp(22, 22, ['10.0.9.9/32'])]);
  sg(inv, 'sg-c', 'vpc-1', [tcp(5432, 5432, [], ['sg-a'])]);
  groups.forEach((g, i) => eni(inv, `eni-${i}`, 'app', `10.0.1.${10 + i}`, g));
  return inv;
}

describe('compileAws: security-group filters', () => {
  it('one filter per set of groups, whatever their order and repeats, listing them sorted once', () => {
    const inv = threeInterfaces([
      ['sg-b', 'sg-a'],
      ['sg-a', 'sg-b', 'sg-a'],
      ['sg-a', 'sg-b'],
    ]);
    const m = compileAws(inv, POLICY);
    const [x, y, z] = m.interfaces;
    assert.equal(x!.inbound, y!.inbound);
    assert.equal(x!.inbound, z!.inbound);
    assert.notEqual(x!.inbound, x!.outbound);
    assert.equal(x!.inbound.id, 'sg-a+sg-b');
    assert.deepEqual(
      x!.inbound.rules.map((r) => r.ref.label),
      ['sg-a inbound tcp 443 from 10.0.0.0/16', 'sg-b inbound tcp 22 from 10.0.9.9/32'],
    );
    assert.equal(x!.inbound.defaultRef.label, 'sg-a, sg-b: no inbound rule matches');
    assert.deepEqual(x!.inbound.defaultRef.fix, { kind: 'aws-sg-none', groupIds: ['sg-a', 'sg-b'], direction: 'in' });
  });
  it('a set differs from its subsets and supersets, and the filter keeps its own list of ids', () => {
    const inv = threeInterfaces([['sg-a'], ['sg-a', 'sg-c'], ['sg-c', 'sg-a', 'sg-b']]);
    const m = compileAws(inv, POLICY);
    assert.deepEqual(
      m.interfaces.map((i) => i.inbound.id),
      ['sg-a', 'sg-a+sg-c', 'sg-a+sg-b+sg-c'],
    );
    // The single group's rules are the same objects in every filter that has the group.
    assert.equal(m.interfaces[0]!.inbound.rules[0], m.interfaces[1]!.inbound.rules[0]);
    const fix = m.interfaces[0]!.inbound.defaultRef.fix as { groupIds: string[] };
    inv.networkInterfaces[0]!.groupIds.push('sg-z');
    assert.deepEqual(fix.groupIds, ['sg-a']);
  });
  it('labels a rule with its protocol, ports and every remote it names, in the order given', () => {
    const inv = threeInterfaces([['sg-d'], ['sg-e'], []]);
    sg(inv, 'sg-d', 'vpc-1', [
      { ...tcp(8000, 8080, ['10.0.1.0/24', '10.0.2.0/24'], ['sg-a'], ['pl-1']), ipv6Ranges: [{ cidr: '2600::/64' }] },
    ]);
    sg(inv, 'sg-e', 'vpc-1', [{ ...tcp(0, 0), protocol: '-1' }], [{ ...tcp(53, 53), protocol: 'udp' }]);
    const m = compileAws(inv, POLICY);
    assert.equal(
      m.interfaces[0]!.inbound.rules[0]!.ref.label,
      'sg-d inbound tcp 8000-8080 from 10.0.1.0/24, 10.0.2.0/24, 2600::/64, sg-a, pl-1',
    );
    assert.equal(m.interfaces[1]!.inbound.rules[0]!.ref.label, 'sg-e inbound all traffic from nothing');
    assert.equal(m.interfaces[1]!.outbound.rules[0]!.ref.label, 'sg-e outbound udp 53 to nothing');
    assert.equal(m.interfaces[2]!.inbound.id, '(no security group)');
  });
});
