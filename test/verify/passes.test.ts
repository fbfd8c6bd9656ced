/** When `cordon scan` reports a verify check as passed for a scope: only where the question was asked there. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyInventory, verifyPasses } from '../../src/verify/run.js';
import { ALL_VERIFY_CHECKS } from '../../src/verify/checks.js';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { eni, inventory, POLICY, sg, subnet, tcp, vpc } from './helpers.js';

const IDS = new Set(ALL_VERIFY_CHECKS.map((c) => c.id));
const passes = (inv: AwsInventory) =>
  verifyPasses(verifyInventory({ provider: 'aws', inventory: inv, errors: [], files: 1 } as never, POLICY), IDS);

/** Two interfaces in one VPC, in subnets tagged with the zones given. */
function twoSubnets(zoneA: string, zoneB: string): AwsInventory {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'a', 'vpc-1', '10.0.1.0/24', zoneA);
  subnet(inv, 'b', 'vpc-1', '10.0.2.0/24', zoneB);
  sg(inv, 'sg-a', 'vpc-1', []);
  sg(inv, 'sg-b', 'vpc-1', [tcp(0, 65535, ['10.0.0.0/16'])]);
  eni(inv, 'eni-a', 'a', '10.0.1.10', ['sg-a']);
  eni(inv, 'eni-b', 'b', '10.0.2.10', ['sg-b']);
  return inv;
}

describe('verify passes in scan', () => {
  it('a scope whose interfaces sit in no policy zone was not verified: no pass', () => {
    // Subnet tags that match no zone (a typo in the selector): nothing there was compared with the policy.
    const p = passes(twoSubnets('aplication', 'dta'));
    assert.deepEqual(
      p.map((f) => f.checkId),
      [],
    );
  });
  it('a scope without any interface was not verified: no pass', () => {
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16');
    subnet(inv, 'a', 'vpc-1', '10.0.1.0/24', 'app');
    assert.deepEqual(
      passes(inv).map((f) => f.checkId),
      [],
    );
  });
  it('a scope whose zoned interfaces were verified clean passes', () => {
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16');
    subnet(inv, 'a', 'vpc-1', '10.0.1.0/24', 'app');
    subnet(inv, 'b', 'vpc-1', '10.0.2.0/24', 'inference');
    sg(inv, 'sg-a', 'vpc-1', []);
    sg(inv, 'sg-b', 'vpc-1', [tcp(443, 443, ['10.0.1.0/24'])]);
    eni(inv, 'eni-a', 'a', '10.0.1.10', ['sg-a']);
    eni(inv, 'eni-b', 'b', '10.0.2.10', ['sg-b']);
    const p = passes(inv);
    assert.ok(
      p.some((f) => f.checkId === 'verify-zone-violation'),
      JSON.stringify(p.map((f) => f.checkId)),
    );
  });
});
