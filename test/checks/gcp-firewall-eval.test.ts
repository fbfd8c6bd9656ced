/**
 * Cloud NGFW evaluation order (src/checks/gcp/firewall-eval.ts) against Google's documented semantics: priorities,
 * deny before allow at equal priority, implied rules, targets, goto_next, hierarchical policies, enforcement order,
 * and what cordon cannot resolve.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressSetOf, INTERNET_V4, intersect, subtract } from '../../src/checks/gcp/address-set.js';
import {
  decidingRule,
  evaluateFirewall,
  firewallSetup,
  portSegments,
  type FirewallTarget,
  type PacketClass,
} from '../../src/checks/gcp/firewall-eval.js';
import type { GcpInventory } from '../../src/inventory/gcp.js';
import { firewall, firewallPolicy, inventory, network, PROJECT, policyRule } from '../support/gcp-build.js';

const NET = `projects/${PROJECT}/global/networks/vpc-ai`;
const vm = (extra: Partial<FirewallTarget> = {}): FirewallTarget => ({
  network: NET,
  region: 'us-central1',
  tags: [],
  serviceAccounts: [],
  addresses: addressSetOf(['10.0.2.5']).set,
  ...extra,
});
const egress = (port: number, extra: Partial<PacketClass> = {}): PacketClass => ({
  direction: 'EGRESS',
  protocol: 'tcp',
  port,
  target: vm(),
  remote: addressSetOf(['8.8.8.8']).set,
  ...extra,
});
const ingress = (port: number, from: string, extra: Partial<PacketClass> = {}): PacketClass => ({
  direction: 'INGRESS',
  protocol: 'tcp',
  port,
  target: vm(),
  remote: addressSetOf([from]).set,
  ...extra,
});

function decide(inv: GcpInventory, pkt: PacketClass, net = network('vpc-ai')) {
  const r = decidingRule(firewallSetup(inv, net, 'us-central1'), pkt);
  return 'unresolved' in r ? `unresolved: ${r.unresolved.join('; ')}` : `${r.action} by ${r.rule.label}`;
}

describe('GCP firewall evaluation', () => {
  it('implied rules: a network with no rules allows every egress and denies every ingress', () => {
    const inv = inventory({ networks: [network('vpc-ai')] });
    assert.equal(decide(inv, egress(443)), 'allow by implied allow egress rule (priority 65535)');
    assert.equal(decide(inv, ingress(22, '1.2.3.4')), 'deny by implied deny ingress rule (priority 65535)');
  });

  it('lower priority number wins; at equal priority deny beats allow', () => {
    const deny = (p: number) =>
      firewall(`deny-${p}`, { direction: 'EGRESS', priority: p, denied: [{ protocol: 'all', ports: [] }] });
    const allow = (p: number) =>
      firewall(`allow-${p}`, { direction: 'EGRESS', priority: p, allowed: [{ protocol: 'tcp', ports: ['443'] }] });
    assert.equal(decide(inventory({ firewalls: [deny(1000), allow(900)] }), egress(443)), 'allow by allow-900');
    assert.equal(decide(inventory({ firewalls: [deny(900), allow(1000)] }), egress(443)), 'deny by deny-900');
    assert.equal(decide(inventory({ firewalls: [allow(1000), deny(1000)] }), egress(443)), 'deny by deny-1000');
    // The allow does not cover port 80: the deny decides there.
    assert.equal(decide(inventory({ firewalls: [deny(1000), allow(900)] }), egress(80)), 'deny by deny-1000');
  });

  it('disabled rules are ignored; rules of other networks do not apply', () => {
    const inv = inventory({
      firewalls: [
        firewall('off', { direction: 'EGRESS', priority: 1, denied: [{ protocol: 'all', ports: [] }], disabled: true }),
        firewall('other', {
          direction: 'EGRESS',
          priority: 2,
          denied: [{ protocol: 'all', ports: [] }],
          network: `projects/${PROJECT}/global/networks/other`,
        }),
      ],
    });
    assert.equal(decide(inv, egress(443)), 'allow by implied allow egress rule (priority 65535)');
  });

  it('targets: network tags and service accounts select the VMs a rule applies to', () => {
    const inv = inventory({
      firewalls: [
        firewall('ssh-bastion', {
          sourceRanges: ['0.0.0.0/0'],
          targetTags: ['bastion'],
          allowed: [{ protocol: 'tcp', ports: ['22'] }],
        }),
        firewall('web-sa', {
          sourceRanges: ['0.0.0.0/0'],
          targetServiceAccounts: ['web@ai-prod.iam.gserviceaccount.com'],
          allowed: [{ protocol: 'tcp', ports: ['443'] }],
        }),
      ],
    });
    assert.equal(decide(inv, ingress(22, '1.2.3.4')), 'deny by implied deny ingress rule (priority 65535)');
    assert.equal(decide(inv, ingress(22, '1.2.3.4', { target: vm({ tags: ['bastion'] }) })), 'allow by ssh-bastion');
    assert.equal(
      decide(
        inv,
        ingress(443, '1.2.3.4', { target: vm({ serviceAccounts: ['WEB@ai-prod.iam.gserviceaccount.com'] }) }),
      ),
      'allow by web-sa',
    );
  });

  it('an ingress rule without any source means 0.0.0.0/0; source tags match VMs of the same network only', () => {
    const noSource = inventory({ firewalls: [firewall('open', { allowed: [{ protocol: 'tcp', ports: [] }] })] });
    assert.equal(decide(noSource, ingress(8080, '203.0.113.9')), 'allow by open');
    const tagged = inventory({
      firewalls: [firewall('from-app', { sourceTags: ['app'], allowed: [{ protocol: 'all', ports: [] }] })],
    });
    const app = { network: NET, ip: '10.0.1.7', tags: ['app'], serviceAccounts: [] };
    assert.equal(decide(tagged, ingress(5432, '10.0.1.7', { remoteInstances: [app] })), 'allow by from-app');
    assert.equal(
      decide(
        tagged,
        ingress(5432, '10.0.1.7', { remoteInstances: [{ ...app, network: `projects/${PROJECT}/global/networks/x` }] }),
      ),
      'deny by implied deny ingress rule (priority 65535)',
    );
  });

  it('hierarchical policies run first, organization before folder; goto_next hands over to the next level', () => {
    const org = firewallPolicy('org', 'hierarchical', 'organizations/1', [
      policyRule({ priority: 10, direction: 'EGRESS', action: 'goto_next', destIpRanges: ['8.8.8.0/24'] }),
      policyRule({ priority: 20, direction: 'EGRESS', action: 'deny', destIpRanges: ['0.0.0.0/0'] }),
    ]);
    const folder = firewallPolicy('folder', 'hierarchical', 'folders/20', [
      policyRule({ priority: 5, direction: 'EGRESS', action: 'allow', destIpRanges: ['0.0.0.0/0'] }),
    ]);
    const vpcDeny = firewall('vpc-deny', {
      direction: 'EGRESS',
      priority: 0,
      denied: [{ protocol: 'all', ports: [] }],
    });
    const inv = inventory({ hierarchicalFirewallPolicies: [folder, org], firewalls: [vpcDeny] });
    // 8.8.8.8: the org hands over (goto_next), the folder allows before the VPC deny is reached.
    assert.equal(decide(inv, egress(443)), 'allow by folder rule 5');
    // 1.1.1.1: the org denies; neither the folder nor the VPC rules are consulted.
    assert.equal(decide(inv, egress(443, { remote: addressSetOf(['1.1.1.1']).set })), 'deny by org rule 20');
    // A policy on a folder the project is not under does not apply.
    const elsewhere = firewallPolicy('elsewhere', 'hierarchical', 'folders/99', [
      policyRule({ priority: 1, direction: 'EGRESS', action: 'deny', destIpRanges: ['0.0.0.0/0'] }),
    ]);
    assert.equal(
      decide(inventory({ hierarchicalFirewallPolicies: [elsewhere] }), egress(443)),
      'allow by implied allow egress rule (priority 65535)',
    );
  });

  it('enforcement order: VPC rules before network policies by default, after them with BEFORE_CLASSIC_FIREWALL', () => {
    const inv = inventory({
      firewalls: [
        firewall('vpc-allow', { direction: 'EGRESS', priority: 65000, allowed: [{ protocol: 'all', ports: [] }] }),
      ],
      firewallPolicies: [
        firewallPolicy('netpol', 'network', NET, [
          policyRule({ priority: 1, direction: 'EGRESS', action: 'deny', destIpRanges: ['0.0.0.0/0'] }),
        ]),
      ],
    });
    assert.equal(decide(inv, egress(443)), 'allow by vpc-allow');
    assert.equal(
      decide(inv, egress(443), network('vpc-ai', { networkFirewallPolicyEnforcementOrder: 'BEFORE_CLASSIC_FIREWALL' })),
      'deny by netpol rule 1',
    );
  });

  it('regional network policies apply only in their region', () => {
    const pol = firewallPolicy(
      'eu-only',
      'regional',
      NET,
      [policyRule({ priority: 1, direction: 'EGRESS', action: 'deny', destIpRanges: ['0.0.0.0/0'] })],
      { region: 'europe-west1' },
    );
    assert.equal(
      decide(inventory({ firewallPolicies: [pol] }), egress(443)),
      'allow by implied allow egress rule (priority 65535)',
    );
    const here = { ...pol, region: 'us-central1' };
    assert.equal(decide(inventory({ firewallPolicies: [here] }), egress(443)), 'deny by eu-only rule 1');
  });

  it('secure tags cannot be resolved: the answer is unresolved when they could change it, certain when not', () => {
    const secure = (action: string) =>
      firewallPolicy('netpol', 'network', NET, [
        policyRule({
          priority: 1,
          direction: 'EGRESS',
          action,
          destIpRanges: ['0.0.0.0/0'],
          targetSecureTags: ['tagValues/1'],
        }),
      ]);
    assert.match(
      decide(inventory({ firewallPolicies: [secure('deny')] }), egress(443)),
      /^unresolved: netpol rule 1 targets secure tags/,
    );
    // An allow on secure tags cannot change an answer that is allow anyway.
    assert.equal(
      decide(inventory({ firewallPolicies: [secure('allow')] }), egress(443)),
      'allow by implied allow egress rule (priority 65535)',
    );
  });

  it('hierarchical policies with unknown ancestors make the answer unresolved, never a guess', () => {
    const inv = inventory({
      hierarchicalFirewallPolicies: [firewallPolicy('org', 'hierarchical', 'organizations/1', [])],
    });
    inv.projects = [];
    assert.match(decide(inv, egress(443)), /^unresolved: the ancestors of project ai-prod/);
  });

  it('a rule for part of the remote addresses forks: each outcome holds exactly its addresses', () => {
    const inv = inventory({
      firewalls: [
        firewall('allow-google', {
          direction: 'EGRESS',
          priority: 100,
          destinationRanges: ['199.36.153.8/30'],
          allowed: [{ protocol: 'tcp', ports: ['443'] }],
        }),
        firewall('deny-all', { direction: 'EGRESS', priority: 200, denied: [{ protocol: 'all', ports: [] }] }),
      ],
    });
    const ev = evaluateFirewall(
      firewallSetup(inv, network('vpc-ai'), 'us-central1'),
      egress(443, { remote: INTERNET_V4 }),
    );
    const allow = ev.outcomes.filter((o) => o.action === 'allow');
    assert.equal(allow.length, 1);
    assert.deepEqual(allow[0]!.remote, intersect(INTERNET_V4, addressSetOf(['199.36.153.8/30']).set));
    const main = ev.outcomes.find((o) => o.main)!;
    assert.equal(main.action, 'deny');
    assert.deepEqual(main.remote, subtract(INTERNET_V4, addressSetOf(['199.36.153.8/30']).set));
  });

  it('port segments cut 0-65535 at every rule boundary', () => {
    const inv = inventory({
      firewalls: [firewall('a', { allowed: [{ protocol: 'tcp', ports: ['22', '8000-8080'] }] })],
    });
    assert.deepEqual(portSegments(firewallSetup(inv, network('vpc-ai'), 'us-central1'), 'tcp'), [
      [0, 21],
      [22, 22],
      [23, 7999],
      [8000, 8080],
      [8081, 65535],
    ]);
  });

  it('goto_next in a network policy hands over to the next stage; apply_security_profile_group allows', () => {
    const inv = inventory({
      firewallPolicies: [
        firewallPolicy('netpol', 'network', NET, [
          policyRule({ priority: 1, direction: 'EGRESS', action: 'goto_next', destIpRanges: ['8.8.8.0/24'] }),
          policyRule({ priority: 2, direction: 'EGRESS', action: 'deny', destIpRanges: ['0.0.0.0/0'] }),
          policyRule({
            priority: 3,
            direction: 'INGRESS',
            action: 'apply_security_profile_group',
            srcIpRanges: ['1.2.3.0/24'],
          }),
        ]),
      ],
    });
    const net = network('vpc-ai', { networkFirewallPolicyEnforcementOrder: 'BEFORE_CLASSIC_FIREWALL' });
    const vpcDeny = firewall('vpc-deny', {
      direction: 'EGRESS',
      priority: 5,
      denied: [{ protocol: 'all', ports: [] }],
    });
    assert.equal(decide({ ...inv, firewalls: [vpcDeny] }, egress(443), net), 'deny by vpc-deny');
    assert.equal(decide(inv, egress(443), net), 'allow by implied allow egress rule (priority 65535)');
    assert.equal(decide(inv, egress(443, { remote: addressSetOf(['9.9.9.9']).set }), net), 'deny by netpol rule 2');
    assert.equal(decide(inv, ingress(443, '1.2.3.4'), net), 'allow by netpol rule 3');
  });

  it('an FQDN rule forks on the addresses it may take: the branch of every other address stays main', () => {
    const inv = inventory({
      firewallPolicies: [
        firewallPolicy('netpol', 'network', NET, [
          policyRule({ priority: 1, direction: 'EGRESS', action: 'allow', destFqdns: ['api.example.com'] }),
          policyRule({ priority: 2, direction: 'EGRESS', action: 'deny', destIpRanges: ['0.0.0.0/0'] }),
        ]),
      ],
    });
    const ev = evaluateFirewall(
      firewallSetup(inv, network('vpc-ai'), 'us-central1'),
      egress(443, { remote: INTERNET_V4 }),
    );
    // VPC rules come first (none), then the policy: FQDN allow (unresolved), then deny for the rest.
    const main = ev.outcomes.filter((o) => o.main);
    assert.deepEqual(
      main.map((o) => `${o.action} ${o.rule.label}`),
      ['deny netpol rule 2'],
    );
    const fqdn = ev.outcomes.find((o) => !o.main)!;
    assert.equal(fqdn.action, 'allow');
    assert.match(fqdn.assumptions[0]!.why, /FQDN api\.example\.com/);
    assert.match(decide(inv, egress(443)), /^unresolved: netpol rule 1 matches FQDN api\.example\.com/);
  });
});
