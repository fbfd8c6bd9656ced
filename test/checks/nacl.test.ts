import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateNacl } from '../../src/analysis/aws-network.js';
import type { AwsNaclEntry, AwsNetworkAcl } from '../../src/inventory/aws.js';

const acl = (entries: Omit<AwsNaclEntry, 'egress'>[], egress = false): AwsNetworkAcl => ({
  id: 'acl-1',
  vpcId: 'vpc-1',
  isDefault: false,
  subnetIds: [],
  account: '1',
  region: 'r',
  origin: { kind: 'live', api: 'test' },
  entries: entries.map((e) => ({ ...e, egress })),
});
const p443 = { from: 443, to: 443 };

describe('network ACL evaluation (first match by rule number, stateless)', () => {
  it('the lowest rule number wins, whatever the listing order', () => {
    const a = acl([
      { ruleNumber: 200, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' },
      { ruleNumber: 100, protocol: '6', action: 'deny', cidr: '10.0.0.0/16', portRange: { from: 443, to: 443 } },
    ]);
    assert.deepEqual(evaluateNacl(a, false, '10.0.1.0/24', p443), { kind: 'deny', rule: 100 });
    assert.deepEqual(evaluateNacl(a, false, '10.1.1.0/24', p443), { kind: 'allow', rule: 200 });
  });
  it('a deny covering part of the source range before the covering allow makes it partly denied', () => {
    const a = acl([
      { ruleNumber: 90, protocol: '6', action: 'deny', cidr: '10.0.1.128/25', portRange: { from: 0, to: 65535 } },
      { ruleNumber: 100, protocol: '-1', action: 'allow', cidr: '10.0.0.0/16' },
    ]);
    assert.deepEqual(evaluateNacl(a, false, '10.0.1.0/24', p443), { kind: 'partly-denied', rule: 90 });
  });
  it('port ranges must cover the whole query (ephemeral replies)', () => {
    const a = acl(
      [{ ruleNumber: 100, protocol: '6', action: 'allow', cidr: '0.0.0.0/0', portRange: { from: 49152, to: 65535 } }],
      true,
    );
    assert.equal(evaluateNacl(a, true, '10.0.1.0/24', { from: 32768, to: 60999 }).kind, 'deny');
    const b = acl(
      [{ ruleNumber: 100, protocol: '6', action: 'allow', cidr: '0.0.0.0/0', portRange: { from: 1024, to: 65535 } }],
      true,
    );
    assert.equal(evaluateNacl(b, true, '10.0.1.0/24', { from: 32768, to: 60999 }).kind, 'allow');
  });
  it('UDP rules and other directions do not match; nothing matching means the implicit deny', () => {
    const a = acl([{ ruleNumber: 100, protocol: '17', action: 'allow', cidr: '0.0.0.0/0' }]);
    assert.deepEqual(evaluateNacl(a, false, '10.0.1.0/24', p443), { kind: 'deny', rule: 32767 });
    assert.deepEqual(evaluateNacl(a, true, '10.0.1.0/24', p443), { kind: 'deny', rule: 32767 });
  });
});
