/**
 * Networks with the same addresses (AWS allows overlapping VPCs that are not connected): an address names a source
 * only together with its network, so what one network's interface reaches is never credited to another's. And the
 * rule a security group finding names for its witness.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import { appToInference, eni, POLICY, sg, subnet, tcp, vpc } from './helpers.js';

describe('verify: overlapping networks', () => {
  it('an app interface that reaches nothing is broken intent even where another VPC’s interface at its address gets through', () => {
    // vpc-1: eni-a (10.0.1.10, app) reaches inference on 443. vpc-3 reuses 10.0/16: eni-c (10.0.1.10, app) has no
    // route to any inference interface.
    const inv = appToInference();
    vpc(inv, 'vpc-3', '10.0.0.0/16');
    subnet(inv, 'c', 'vpc-3', '10.0.1.0/24', 'app');
    sg(inv, 'sg-c', 'vpc-3', []);
    eni(inv, 'eni-c', 'c', '10.0.1.10', ['sg-c']);
    const r = verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
    const broken = r.findings.filter((f) => f.checkId === 'verify-broken-intent');
    assert.equal(broken.length, 1, JSON.stringify(r.findings.map((f) => f.message)));
    assert.match(
      broken[0]!.message,
      /app -> inference: tcp\/443 allowed by R1 but blocked for 1 source\(s\); e\.g\. eni-c/,
    );
  });
});

describe('verify: the rule a security group finding names', () => {
  it('is the rule that surely admits the witness, not an earlier one that only may (an unresolved prefix list)', () => {
    const inv = appToInference();
    const sgB = inv.securityGroups.find((g) => g.id === 'sg-b')!;
    sgB.ingress = [tcp(22, 22, [], [], ['pl-unread']), tcp(22, 22, ['10.0.1.0/24'])].map((p, i) => ({
      ...p,
      pointer: `/sg/sg-b/IpPermissions/${i}`,
    }));
    const r = verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
    const v = r.findings.filter((f) => f.checkId === 'verify-zone-violation' && f.evidence?.from === 'app');
    assert.equal(v.length, 1, JSON.stringify(r.findings.map((f) => f.message)));
    assert.deepEqual(v[0]!.origin, {
      kind: 'file',
      file: v[0]!.origin!.kind === 'file' ? v[0]!.origin!.file : '',
      pointer: '/sg/sg-b/IpPermissions/1',
    });
  });
});
