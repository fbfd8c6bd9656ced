/**
 * verify's network ACL filter and the checks' evaluateNacl (src/analysis/aws-network.ts) must agree: for one remote
 * address and one TCP port, the ACL allows the packet in both or in neither.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluateNacl } from '../../src/analysis/aws-network.js';
import { compileAws } from '../../src/verify/aws.js';
import { decidePacket } from '../../src/verify/filters.js';
import type { Point } from '../../src/verify/packet-set.js';
import { inventory, POLICY, subnet, vpc } from './helpers.js';

const entry = fc.record({
  ruleNumber: fc.integer({ min: 1, max: 32766 }),
  protocol: fc.constantFrom('-1', '6'),
  action: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'),
  cidr: fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '10.0.1.0/24', '10.0.1.128/25', '192.168.0.0/16'),
  portRange: fc.constantFrom(
    { from: 443, to: 443 },
    { from: 1024, to: 65535 },
    { from: 0, to: 65535 },
    { from: 6333, to: 6334 },
  ),
});

describe('verify: network ACLs agree with the checks’ evaluateNacl', () => {
  it('on random ACLs, addresses and ports', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 8 }),
        fc.boolean(),
        fc.constantFrom('10.0.1.5', '10.0.1.200', '10.9.0.1', '192.168.1.1', '8.8.8.8'),
        fc.constantFrom(22, 443, 1024, 6333, 40000),
        (entries, egress, addr, port) => {
          const inv = inventory();
          vpc(inv, 'vpc-1', '10.0.0.0/16');
          const unique = entries.filter((e, i) => entries.findIndex((x) => x.ruleNumber === e.ruleNumber) === i);
          subnet(inv, 's', 'vpc-1', '10.0.0.0/24', 'app', [], { in: egress ? [] : unique, out: egress ? unique : [] });
          const acl = inv.networkAcls[0]!;
          const model = compileAws(inv, POLICY);
          const f = egress ? model.subnets.get('s')!.outbound! : model.subnets.get('s')!.inbound!;
          const [a, b, c, d] = addr.split('.').map(Number) as [number, number, number, number];
          const remote = ((a * 256 + b) * 256 + c) * 256 + d;
          const p: Point = {
            fam: 0,
            src: egress ? 0x0a000001 : remote,
            dst: egress ? remote : 0x0a000001,
            proto: 6,
            port,
          };
          const mine = decidePacket(f, p).verdict === 'yes';
          const theirs = evaluateNacl(acl, egress, `${addr}/32`, { from: port, to: port }).kind === 'allow';
          assert.equal(mine, theirs);
        },
      ),
      { numRuns: 400, seed: 4 },
    );
  });
});
