/**
 * Interfaces in no zone (verify/unzoned.ts): a workload no selector places is an unverified pivot, so its scope does
 * not pass unless a rule names `unzoned`, and then it is verified as that zone. Also: rules naming `any` count in the
 * zone questions as they do in the policy evaluator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ZonePolicy } from '../../src/policy/load.js';
import { verifyInventory, verifyPasses } from '../../src/verify/run.js';
import { ALL_VERIFY_CHECKS } from '../../src/verify/checks.js';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { appToInference, eni, POLICY, subnet, testPolicy } from './helpers.js';

const IDS = new Set(ALL_VERIFY_CHECKS.map((c) => c.id));
const verify = (inv: AwsInventory, policy: ZonePolicy = POLICY) =>
  verifyInventory({ provider: 'aws', inventory: inv, errors: [], files: 1 } as never, policy);
const notAssessed = (v: ReturnType<typeof verify>) =>
  [...v.result.findings, ...v.extra].filter((f) => f.checkId === 'verify-not-assessed').map((f) => f.message);
const passed = (v: ReturnType<typeof verify>) => verifyPasses(v, IDS).map((f) => f.checkId);

const policyWith = (extra: string) => testPolicy('aws: [bedrock-runtime]', extra);

/** app -> inference on 443 (allowed, open); optionally two workloads in a subnet tagged with a zone that does not exist. */
function world(unzoned: boolean): AwsInventory {
  const inv = appToInference('10.0.0.0/16');
  if (unzoned) {
    subnet(inv, 'x', 'vpc-1', '10.0.9.0/24', 'aplication'); // a typo: no zone is called that
    eni(inv, 'eni-x1', 'x', '10.0.9.10', ['sg-a']);
    eni(inv, 'eni-x2', 'x', '10.0.9.11', ['sg-a']);
  }
  return inv;
}

describe('verify: interfaces in no zone', () => {
  it('all interfaces zoned: the scope passes (the control)', () => {
    const v = verify(world(false));
    assert.deepEqual(notAssessed(v), []);
    assert.ok(passed(v).includes('verify-zone-violation'));
  });
  it('workloads in no zone: listed by subnet with counts and the placement that missed them, and no pass', () => {
    const v = verify(world(true));
    const m = notAssessed(v);
    assert.equal(m.length, 1, JSON.stringify(m));
    assert.match(m[0]!, /2 workload interface\(s\) in no zone, not verified: x \(2: eni-x1, eni-x2\)/);
    assert.match(m[0]!, /SecurityZone=<zone>/);
    assert.deepEqual(passed(v), []);
  });
  it('with a rule naming unzoned they are verified as that zone: what they reach is judged', () => {
    // unzoned -> inference is not allowed (default deny), and sg-b lets the whole VPC in on 443: a violation.
    const policy = policyWith(
      '  - { id: R9, name: unplaced hosts, from: unzoned, to: data, action: deny, protocol: any, justification: x }',
    );
    const v = verify(world(true), policy);
    assert.deepEqual(notAssessed(v), []);
    const violations = v.result.findings.filter(
      (f) => f.checkId === 'verify-zone-violation' && f.evidence?.from === 'unzoned' && f.evidence?.to === 'inference',
    );
    assert.equal(violations.length, 1);
    assert.ok(!passed(v).includes('verify-zone-violation'));
  });
});

describe('verify: rules naming any', () => {
  it('a deny to any beats an allow to the zone, as in the policy evaluator', () => {
    const allowed = verify(world(false), policyWith(''));
    assert.ok(!allowed.result.findings.some((f) => f.checkId === 'verify-zone-violation'));
    const denied = verify(
      world(false),
      policyWith(
        '  - { id: R9, name: app reaches nothing, from: app, to: any, action: deny, protocol: any, justification: x }',
      ),
    );
    assert.ok(
      denied.result.findings.some(
        (f) => f.checkId === 'verify-zone-violation' && f.evidence?.from === 'app' && f.evidence?.to === 'inference',
      ),
      'app -> inference 443 is permitted though the policy denies it',
    );
  });
});
