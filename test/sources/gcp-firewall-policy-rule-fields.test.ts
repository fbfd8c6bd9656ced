/**
 * The fields of a firewall policy rule that narrow what it filters, read as the compute API writes them
 * (FirewallPolicyRule.targetType and targetForwardingRules; FirewallPolicyRuleMatcher srcNetworkType, its newer name
 * srcNetworkContext, srcNetworks, destNetworkType / destNetworkContext): left out, a deny meant for load balancers
 * or for the internet's traffic was read as a deny of every VM's traffic (test/verify/gcp-traps.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadGcpSnapshotFromTexts } from '../../src/sources/gcp-snapshot/load.js';

const rule = (priority: number, extra: Record<string, unknown>, match: Record<string, unknown>) => ({
  kind: 'compute#firewallPolicyRule',
  priority,
  direction: 'INGRESS',
  action: 'deny',
  ...extra,
  match: { srcIpRanges: ['0.0.0.0/0'], layer4Configs: [{ ipProtocol: 'all' }], ...match },
});

const policy = {
  kind: 'compute#firewallPolicy',
  id: '1234567890',
  name: 'net-pol',
  selfLink: 'https://www.googleapis.com/compute/v1/projects/p-ai/global/firewallPolicies/net-pol',
  associations: [
    { name: 'a', attachmentTarget: 'https://www.googleapis.com/compute/v1/projects/p-ai/global/networks/vpc-ai' },
  ],
  rules: [
    rule(100, { targetType: 'INTERNAL_MANAGED_LB' }, {}),
    rule(150, { targetForwardingRules: ['projects/p-ai/regions/us-central1/forwardingRules/ilb'] }, {}),
    rule(200, {}, { srcNetworkContext: 'VPC_NETWORKS', srcNetworks: ['projects/p-ai/global/networks/vpc-b'] }),
    rule(250, {}, { srcNetworkType: 'INTERNET' }),
    rule(300, { direction: 'EGRESS' }, { destIpRanges: ['0.0.0.0/0'], destNetworkContext: 'NON_INTERNET' }),
    rule(400, {}, {}),
  ],
};

describe('GCP snapshot: firewall policy rule targets and network contexts', () => {
  it('reads targetType, targetForwardingRules and the network contexts (either field name)', () => {
    const r = loadGcpSnapshotFromTexts([{ name: 'net-pol.json', text: JSON.stringify(policy) }]);
    assert.deepEqual(r.errors, []);
    const rules = r.inventory.firewallPolicies[0]!.rules;
    assert.equal(rules[0]!.targetType, 'INTERNAL_MANAGED_LB');
    assert.deepEqual(rules[1]!.targetForwardingRules, ['projects/p-ai/regions/us-central1/forwardingRules/ilb']);
    assert.equal(rules[2]!.srcNetworkType, 'VPC_NETWORKS');
    assert.deepEqual(rules[2]!.srcNetworks, ['projects/p-ai/global/networks/vpc-b']);
    assert.equal(rules[3]!.srcNetworkType, 'INTERNET');
    assert.equal(rules[4]!.destNetworkType, 'NON_INTERNET');
    // A rule without them says nothing of them.
    assert.deepEqual(
      [rules[5]!.targetType, rules[5]!.srcNetworkType, rules[5]!.destNetworkType, rules[5]!.srcNetworks],
      [undefined, undefined, undefined, undefined],
    );
  });
});
