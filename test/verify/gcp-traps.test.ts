/** Google Cloud's semantic traps for `cordon verify`, each with a configuration that trips it and one that does not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firewall, firewallPolicy, network, policyRule, PROJECT, subnetwork } from '../support/gcp-build.js';
import { gcpDnsFindings, gcpMissingData } from '../../src/verify/dns-gcp.js';
import { compileGcp } from '../../src/verify/gcp.js';
import type { GcpManagedZone, GcpRecordSet } from '../../src/inventory/gcp.js';
import {
  cell,
  findings,
  GCP_POLICY,
  gcpWorld,
  hops,
  NET,
  route,
  router,
  runGcp,
  violations,
  vm,
} from './gcp-helpers.js';

const ingress = (name: string, extra: Parameters<typeof firewall>[1]) =>
  firewall(name, { direction: 'INGRESS', allowed: [{ protocol: 'tcp', ports: ['22'] }], ...extra });
const defaultRoute = route('default-internet', '0.0.0.0/0');

describe('verify (GCP): implied rules', () => {
  it('no rule at all: ingress is denied (implied deny), so an allowed flow is broken at the destination', () => {
    const r = runGcp(gcpWorld());
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    const broken = findings(r, 'verify-broken-intent', 'inference', 'data');
    assert.equal(broken.length, 1);
    assert.ok(
      hops(broken[0]!).some((h) => /db-1: .*implied deny ingress rule \(priority 65535\)/.test(h)),
      hops(broken[0]!).join('\n'),
    );
    // One allow opens it.
    const open = runGcp(
      gcpWorld({
        firewalls: [
          ingress('allow-rag', { sourceRanges: ['10.1.2.0/24'], allowed: [{ protocol: 'tcp', ports: ['6333'] }] }),
        ],
      }),
    );
    assert.equal(findings(open, 'verify-broken-intent', 'inference', 'data').length, 0);
    assert.deepEqual(cell(open, 'inference', 'data').configurationPermits, ['tcp/6333']);
  });
  it('egress is allowed (implied allow): a VM with an external IP and the default route reaches the internet', () => {
    const r = runGcp(gcpWorld({ routes: [defaultRoute] }, { externalDb: true }));
    const v = violations(r, 'data', 'internet');
    assert.equal(v.length, 1);
    assert.ok(hops(v[0]!).some((h) => /implied allow egress rule/.test(h)));
    assert.ok(hops(v[0]!).some((h) => /external IP 34\.1\.2\.3 on db-1/.test(h)));
    // An egress deny closes it.
    const closed = runGcp(
      gcpWorld(
        {
          routes: [defaultRoute],
          firewalls: [
            firewall('deny-egress', {
              direction: 'EGRESS',
              denied: [{ protocol: 'all', ports: [] }],
              destinationRanges: ['0.0.0.0/0'],
              priority: 65000,
            }),
          ],
        },
        { externalDb: true },
      ),
    );
    assert.equal(violations(closed, 'data', 'internet').length, 0);
  });
  it('the internet reaches an external IP only through an ingress allow, and only with the default route for replies', () => {
    const open = ingress('ssh-from-anywhere', { sourceRanges: ['0.0.0.0/0'] });
    const r = runGcp(gcpWorld({ routes: [defaultRoute], firewalls: [open] }, { externalDb: true }));
    const v = violations(r, 'internet', 'data');
    assert.equal(v.length, 1);
    assert.match(v[0]!.message, /VPC firewall rule ssh-from-anywhere \(ingress, priority 1000, allow\)/);
    assert.equal(
      violations(runGcp(gcpWorld({ firewalls: [open] }, { externalDb: true })), 'internet', 'data').length,
      0,
    );
  });
});

describe('verify (GCP): priorities', () => {
  const allow = ingress('allow-app-ssh', { sourceRanges: ['10.1.1.0/24'] });
  it('at equal priority a deny beats an allow', () => {
    const deny = firewall('deny-app', {
      direction: 'INGRESS',
      sourceRanges: ['10.1.1.0/24'],
      denied: [{ protocol: 'all', ports: [] }],
    });
    assert.equal(violations(runGcp(gcpWorld({ firewalls: [allow, deny] })), 'app', 'data').length, 0);
    // One priority number lower for the allow and it wins.
    const v = violations(runGcp(gcpWorld({ firewalls: [{ ...allow, priority: 999 }, deny] })), 'app', 'data');
    assert.equal(v.length, 1);
    assert.match(v[0]!.message, /allow-app-ssh \(ingress, priority 999, allow\)/);
  });
  it('a lower-priority allow is shadowed by a higher-priority deny of a wider range', () => {
    const deny = firewall('deny-private', {
      direction: 'INGRESS',
      priority: 500,
      sourceRanges: ['10.0.0.0/8'],
      denied: [{ protocol: 'tcp', ports: [] }],
    });
    const r = runGcp(gcpWorld({ firewalls: [allow, deny] }));
    assert.equal(violations(r, 'app', 'data').length, 0);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
  });
  it('a disabled rule is ignored', () => {
    assert.equal(violations(runGcp(gcpWorld({ firewalls: [{ ...allow, disabled: true }] })), 'app', 'data').length, 0);
  });
});

describe('verify (GCP): policies and goto_next', () => {
  it('goto_next in a hierarchical policy hands the packets it matches to the VPC rules; the policy deny stops the rest', () => {
    const hier = firewallPolicy('org-baseline', 'hierarchical', 'organizations/1', [
      policyRule({ priority: 100, action: 'goto_next', srcIpRanges: ['10.1.1.0/24'] }),
      policyRule({ priority: 200, action: 'deny', srcIpRanges: ['10.0.0.0/8'] }),
    ]);
    const vpcAllow = ingress('allow-internal-ssh', { sourceRanges: ['10.0.0.0/8'] });
    const r = runGcp(gcpWorld({ hierarchicalFirewallPolicies: [hier], firewalls: [vpcAllow] }));
    const v = violations(r, 'app', 'data');
    assert.equal(v.length, 1);
    assert.match(
      v[0]!.message,
      /allow-internal-ssh .*reached by goto_next of firewall policy rule org-baseline rule 100/,
    );
    // inference is not handed on: the policy's deny at 200 decides before the VPC allow.
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, []);
    // Without the goto_next, the deny covers app too.
    const denyOnly = { ...hier, rules: [hier.rules[1]!] };
    assert.equal(
      violations(runGcp(gcpWorld({ hierarchicalFirewallPolicies: [denyOnly], firewalls: [vpcAllow] })), 'app', 'data')
        .length,
      0,
    );
  });
  it('BEFORE_CLASSIC_FIREWALL puts the network firewall policy before the VPC rules', () => {
    const pol = firewallPolicy('net-pol', 'network', NET, [
      policyRule({ priority: 10, action: 'deny', srcIpRanges: ['10.1.1.0/24'] }),
    ]);
    const vpcAllow = ingress('allow-app-ssh', { sourceRanges: ['10.1.1.0/24'], priority: 1 });
    const after = runGcp(gcpWorld({ firewallPolicies: [pol], firewalls: [vpcAllow] }));
    assert.equal(violations(after, 'app', 'data').length, 1, 'VPC rules first by default');
    const before = runGcp(
      gcpWorld({
        networks: [network('vpc-ai', { networkFirewallPolicyEnforcementOrder: 'BEFORE_CLASSIC_FIREWALL' })],
        firewallPolicies: [pol],
        firewalls: [vpcAllow],
      }),
    );
    assert.equal(violations(before, 'app', 'data').length, 0);
  });
  it('a rule that targets secure tags is unknown, never allowed or denied', () => {
    const pol = firewallPolicy('net-pol', 'network', NET, [
      policyRule({
        priority: 10,
        action: 'allow',
        srcIpRanges: ['10.1.1.0/24'],
        targetSecureTags: ['tagValues/123'],
        layer4Configs: [{ protocol: 'tcp', ports: ['22'] }],
      }),
    ]);
    const r = runGcp(gcpWorld({ firewallPolicies: [pol] }));
    assert.equal(violations(r, 'app', 'data').length, 0);
    assert.deepEqual(cell(r, 'app', 'data').unknown, ['tcp/22']);
    assert.equal(findings(r, 'verify-not-assessed', 'app', 'data').length, 1);
  });
});

describe('verify (GCP): targets and sources', () => {
  it('target tags select the instances a rule applies to', () => {
    const rule = ingress('allow-ssh', { sourceRanges: ['10.1.1.0/24'], targetTags: ['data'] });
    assert.equal(violations(runGcp(gcpWorld({ firewalls: [rule] })), 'app', 'data').length, 1);
    assert.equal(
      violations(runGcp(gcpWorld({ firewalls: [{ ...rule, targetTags: ['bastion'] }] })), 'app', 'data').length,
      0,
    );
  });
  it('target service accounts select the instances a rule applies to', () => {
    const rule = ingress('allow-ssh', {
      sourceRanges: ['10.1.1.0/24'],
      targetServiceAccounts: [`data-sa@${PROJECT}.iam.gserviceaccount.com`],
    });
    assert.equal(violations(runGcp(gcpWorld({ firewalls: [rule] })), 'app', 'data').length, 1);
    assert.equal(
      violations(
        runGcp(gcpWorld({ firewalls: [{ ...rule, targetServiceAccounts: ['other@x.iam.gserviceaccount.com'] }] })),
        'app',
        'data',
      ).length,
      0,
    );
  });
  it('source tags are the addresses of the instances that carry them, nothing else', () => {
    const rule = ingress('allow-from-app-tag', { sourceTags: ['app'], targetTags: ['data'] });
    const r = runGcp(gcpWorld({ firewalls: [rule] }));
    assert.equal(violations(r, 'app', 'data').length, 1);
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, [], 'inference carries no app tag');
    // A tag no instance carries is unknown (the instance may be in a project that was not read), not empty.
    const none = runGcp(gcpWorld({ firewalls: [{ ...rule, sourceTags: ['ghost'] }] }));
    assert.ok(none.notes.some((n) => /tag ghost, which no instance/.test(n)));
  });
});

describe('verify (GCP): routes and egress', () => {
  it('the default route without an external IP gives no egress, Cloud NAT does, and NAT without the route does not', () => {
    assert.equal(violations(runGcp(gcpWorld({ routes: [defaultRoute] })), 'data', 'internet').length, 0);
    const nat = router('rtr', { sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES' });
    const v = violations(runGcp(gcpWorld({ routes: [defaultRoute], routers: [nat] })), 'data', 'internet');
    assert.equal(v.length, 1);
    assert.ok(hops(v[0]!).some((h) => /Cloud NAT rtr-nat on router rtr/.test(h)));
    assert.equal(violations(runGcp(gcpWorld({ routers: [nat] })), 'data', 'internet').length, 0);
    // A NAT for a list of other subnetworks does not translate this one.
    const other = router('rtr', {
      sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
      subnetworks: [{ name: 'snet-app', sourceIpRangesToNat: [] }],
    });
    assert.equal(
      violations(runGcp(gcpWorld({ routes: [defaultRoute], routers: [other] })), 'data', 'internet').length,
      0,
    );
  });
  it('a route with tags applies only to the instances that carry one', () => {
    const tagged = route('egress-data', '0.0.0.0/0', { tags: ['data'] });
    const nat = router('rtr', {});
    const r = runGcp(gcpWorld({ routes: [tagged], routers: [nat] }));
    assert.equal(violations(r, 'data', 'internet').length, 1);
    assert.equal(violations(r, 'app', 'internet').length, 0);
  });
  it('the longest prefix wins, then the lowest priority number; a next hop cordon does not model is unknown', () => {
    const viaVm = route('via-appliance', '0.0.0.0/0', {
      nextHopGateway: undefined,
      nextHopIp: '10.1.1.99',
      priority: 100,
    });
    const r = runGcp(gcpWorld({ routes: [defaultRoute, viaVm] }, { externalDb: true }));
    assert.equal(violations(r, 'data', 'internet').length, 0);
    assert.ok(cell(r, 'data', 'internet').unknown.length > 0);
    // A more specific internet route beats the appliance for its prefix, whatever its priority.
    const specific = route('to-1', '1.0.0.0/8', { priority: 5000 });
    const r2 = runGcp(gcpWorld({ routes: [defaultRoute, viaVm, specific] }, { externalDb: true }));
    assert.equal(violations(r2, 'data', 'internet').length, 1);
  });
});

describe('verify (GCP): peering', () => {
  it('is not transitive: app peers with inference, inference with data, and app does not reach data', () => {
    const peer = (a: string, b: string) => ({
      name: `${a}-to-${b}`,
      network: `projects/${PROJECT}/global/networks/${b}`,
      state: 'ACTIVE',
      pointer: '/peerings/0',
    });
    const nets = [
      network('net-app', { peerings: [peer('net-app', 'net-inference')] }),
      network('net-inference', { peerings: [peer('net-inference', 'net-app'), peer('net-inference', 'net-data')] }),
      network('net-data', { peerings: [peer('net-data', 'net-inference')] }),
    ];
    const sub = (z: string, c: string) =>
      subnetwork(`net-${z}-snet-${z}`, c, { network: `projects/${PROJECT}/global/networks/net-${z}` });
    const allowAll = (n: string) =>
      firewall(`${n}-allow-all`, {
        network: `projects/${PROJECT}/global/networks/${n}`,
        sourceRanges: ['10.0.0.0/8'],
        allowed: [{ protocol: 'all', ports: [] }],
      });
    const r = runGcp(
      gcpWorld({
        networks: nets,
        subnetworks: [sub('app', '10.1.1.0/24'), sub('inference', '10.1.2.0/24'), sub('data', '10.1.3.0/24')],
        instances: [
          vm('app-1', '10.1.1.10', 'app', { net: 'net-app' }),
          vm('inf-1', '10.1.2.10', 'inference', { net: 'net-inference' }),
          vm('db-1', '10.1.3.10', 'data', { net: 'net-data' }),
        ],
        firewalls: ['net-app', 'net-inference', 'net-data'].map(allowAll),
      }),
    );
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, ['any']);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.equal(violations(r, 'app', 'data').length, 0);
    assert.equal(violations(r, 'app', 'inference').length, 1, 'the direct peering carries everything');
  });
});

describe('verify (GCP): missing data', () => {
  it('a project without its firewall rules is not verified, and its interfaces are unknown rather than clean', () => {
    const inv = gcpWorld();
    inv.datasets.get(PROJECT)!.delete('compute:firewalls');
    const missing = gcpMissingData(inv);
    assert.equal(missing.length, 1);
    assert.match(missing[0]!.message, /compute:firewalls/);
    const r = runGcp(inv);
    assert.ok(cell(r, 'app', 'data').unknown.length > 0);
    assert.equal(violations(r, 'app', 'data').length, 0);
  });
});

describe('verify (GCP): Vertex AI names per network', () => {
  const origin = { kind: 'file' as const, file: 'dns.json' };
  const zone = (name: string, dnsName: string, extra: Partial<GcpManagedZone> = {}): GcpManagedZone => ({
    project: PROJECT,
    region: 'global',
    origin,
    id: `projects/${PROJECT}/managedZones/${name}`,
    name,
    labels: {},
    dnsName,
    visibility: 'private',
    networks: [NET],
    gkeClusters: [],
    forwardingTargets: [],
    ...extra,
  });
  const record = (z: string, name: string, type: string, rrdatas: string[]): GcpRecordSet => ({
    project: PROJECT,
    region: 'global',
    origin,
    id: `projects/${PROJECT}/managedZones/${z}/rrsets/${name}/${type}`,
    name,
    zone: `projects/${PROJECT}/managedZones/${z}`,
    dnsName: name,
    type,
    rrdatas,
  });
  const dns = (parts: Parameters<typeof gcpWorld>[0]) => {
    const inv = gcpWorld(parts);
    return gcpDnsFindings(inv, GCP_POLICY, compileGcp(inv, GCP_POLICY));
  };
  it('names resolve publicly without a bound private zone, privately through one answering the restricted VIP', () => {
    const none = dns({});
    assert.deepEqual(
      none.map((f) => [f.status, (f.evidence as { name: string }).name]),
      [
        ['fail', 'aiplatform.googleapis.com'],
        ['fail', 'us-central1-aiplatform.googleapis.com'],
      ],
    );
    assert.match(none[0]!.message, /no private zone containing aiplatform\.googleapis\.com\. is bound/);
    const good = dns({
      managedZones: [zone('googleapis', 'googleapis.com.')],
      recordSets: [
        record('googleapis', '*.googleapis.com.', 'CNAME', ['restricted.googleapis.com.']),
        record('googleapis', 'restricted.googleapis.com.', 'A', ['199.36.153.4', '199.36.153.5']),
      ],
    });
    assert.deepEqual(good, []);
    // The same zone bound to another network answers nothing here.
    const elsewhere = dns({
      managedZones: [
        zone('googleapis', 'googleapis.com.', { networks: [`projects/${PROJECT}/global/networks/other`] }),
      ],
    });
    assert.equal(elsewhere.length, 2);
  });
  it('a forwarding zone is not assessed, never a pass or a public answer', () => {
    const f = dns({ managedZones: [zone('fwd', 'googleapis.com.', { forwardingTargets: ['10.9.9.9'] })] });
    assert.deepEqual(
      f.map((x) => x.status),
      ['not-assessed', 'not-assessed'],
    );
  });
});

describe('verify (GCP): IPv6', () => {
  it('an external IPv6 address with the ::/0 route is reachable only through an IPv6 source range', () => {
    const build = (ranges: string[]) => {
      const inv = gcpWorld({
        routes: [route('default-v6', '::/0')],
        firewalls: [ingress('ssh', { sourceRanges: ranges })],
      });
      const db = inv.instances.find((i) => i.name === 'db-1')!;
      db.networkInterfaces[0]!.ipv6AccessConfigs = [{ type: 'DIRECT_IPV6', externalIpv6: '2600:1900:4000:1::1' }];
      db.networkInterfaces[0]!.ipv6Address = '2600:1900:4000:1::1';
      return runGcp(inv);
    };
    assert.equal(violations(build(['::/0']), 'internet', 'data').length, 1);
    // 0.0.0.0/0 is IPv4 only, and the VM has no external IPv4 address.
    assert.equal(violations(build(['0.0.0.0/0']), 'internet', 'data').length, 0);
  });
});

describe('verify (GCP): unreadable routes', () => {
  it('a route whose destination cordon cannot read makes routing beyond the subnets unknown, not absent', () => {
    const r = runGcp(
      gcpWorld({ routes: [defaultRoute, route('odd', 'not-a-cidr', { priority: 1 })] }, { externalDb: true }),
    );
    assert.equal(violations(r, 'data', 'internet').length, 0);
    assert.ok(cell(r, 'data', 'internet').unknown.length > 0);
    assert.ok(r.notes.some((n) => /route odd of vpc-ai has destination not-a-cidr/.test(n)));
  });
});

describe('verify (GCP): Shared VPC', () => {
  it("a service project's instance in the host network's subnet gets the host network's rules and routes", () => {
    const svc = vm('svc-db', '10.1.3.20', 'data', { external: true });
    svc.project = 'ai-svc';
    svc.id = 'projects/ai-svc/zones/us-central1-a/instances/svc-db';
    const inv = gcpWorld({
      routes: [defaultRoute],
      firewalls: [ingress('ssh-from-anywhere', { sourceRanges: ['0.0.0.0/0'], targetTags: ['data'] })],
    });
    inv.instances = [inv.instances[0]!, svc];
    const r = runGcp(inv);
    const v = violations(r, 'internet', 'data');
    assert.equal(v.length, 1);
    assert.equal(v[0]!.resource.account, PROJECT, 'the rule to change is in the host project');
    assert.match(v[0]!.message, /svc-db/);
  });
});

describe('verify (GCP): goto_next expansion bound', () => {
  it('goto_next rules that would expand past the bound make the filter unknown, never truncated', () => {
    const hier = firewallPolicy(
      'org-wide',
      'hierarchical',
      'organizations/1',
      Array.from({ length: 110 }, (_, i) =>
        policyRule({
          priority: 10 + i,
          action: 'goto_next',
          srcIpRanges: [`10.1.${Math.floor(i / 250)}.${i % 250}/32`],
        }),
      ),
    );
    const vpc = Array.from({ length: 200 }, (_, i) =>
      ingress(`allow-${i}`, { sourceRanges: ['10.0.0.0/8'], allowed: [{ protocol: 'tcp', ports: [`${1000 + i}`] }] }),
    );
    const r = runGcp(gcpWorld({ hierarchicalFirewallPolicies: [hier], firewalls: vpc }));
    assert.ok(r.notes.some((n) => /goto_next rules expand to more than 20000 rules/.test(n)));
    assert.equal(violations(r, 'app', 'data').length, 0);
    assert.ok(cell(r, 'app', 'data').unknown.length > 0);
  });
});

/**
 * Firewall policy rules as the compute API documents them (FirewallPolicyRule.targetType, FirewallPolicyRuleMatcher
 * srcNetworkType / srcNetworkContext and srcNetworks): a hierarchical deny that cordon read as wider than it is hid
 * the VPC rule below it that lets the app zone reach the data zone.
 */
describe('verify (GCP): firewall policy rules for load balancers and network contexts', () => {
  const vpcAllow = ingress('allow-internal-ssh', { sourceRanges: ['10.0.0.0/8'] });
  const withHier = (rule: Parameters<typeof policyRule>[0]) =>
    runGcp(
      gcpWorld({
        hierarchicalFirewallPolicies: [
          firewallPolicy('org-baseline', 'hierarchical', 'organizations/1', [
            policyRule({ priority: 100, action: 'deny', srcIpRanges: ['0.0.0.0/0'], ...rule }),
          ]),
        ],
        firewalls: [vpcAllow],
      }),
    );

  it('a deny for internal managed load balancers does not filter VM interfaces', () => {
    assert.equal(violations(withHier({}), 'app', 'data').length, 0, 'the deny applies to instances');
    assert.equal(violations(withHier({ targetType: 'INSTANCES' }), 'app', 'data').length, 0);
    const r = withHier({ targetType: 'INTERNAL_MANAGED_LB' });
    assert.equal(violations(r, 'app', 'data').length, 1);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['tcp/22']);
    const fr = withHier({
      targetForwardingRules: [`projects/${PROJECT}/regions/us-central1/forwardingRules/ilb-1`],
    });
    assert.equal(violations(fr, 'app', 'data').length, 1);
  });

  it('a deny in the internet network context leaves private sources alone', () => {
    const r = withHier({ srcNetworkType: 'INTERNET' });
    assert.equal(violations(r, 'app', 'data').length, 1);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['tcp/22']);
    // From the internet to an external address: the deny decides it (public sources that are no subnetwork's and
    // not Google's own front ends came through the internet).
    const exposed = runGcp(
      gcpWorld(
        {
          hierarchicalFirewallPolicies: [
            firewallPolicy('org-baseline', 'hierarchical', 'organizations/1', [
              policyRule({ priority: 100, action: 'deny', srcIpRanges: ['0.0.0.0/0'], srcNetworkType: 'INTERNET' }),
            ]),
          ],
          firewalls: [ingress('allow-any-ssh', { sourceRanges: ['0.0.0.0/0'] })],
          routes: [defaultRoute],
        },
        { externalDb: true },
      ),
    );
    assert.deepEqual(cell(exposed, 'internet', 'data').configurationPermits, []);
    assert.deepEqual(cell(exposed, 'internet', 'data').unknown, []);
    assert.equal(violations(exposed, 'app', 'data').length, 1);
    // Non-internet: private sources are in it, so the deny decides them.
    const non = withHier({ srcNetworkType: 'NON_INTERNET' });
    assert.equal(violations(non, 'app', 'data').length, 0);
    assert.deepEqual([...cell(non, 'app', 'data').configurationPermits, ...cell(non, 'app', 'data').unknown], []);
  });

  it('a deny from some VPC networks is not assessed for the packets it may match, never a pass', () => {
    const r = withHier({
      srcNetworkType: 'VPC_NETWORKS',
      srcNetworks: [`projects/${PROJECT}/global/networks/vpc-other`],
    });
    assert.equal(violations(r, 'app', 'data').length, 0);
    assert.deepEqual(cell(r, 'app', 'data').unknown, ['tcp/22']);
    const na = findings(r, 'verify-not-assessed', 'app', 'data');
    assert.equal(na.length, 1);
    assert.match(na[0]!.message, /org-baseline rule 100 \(ingress, priority 100, deny\) may match before/);
  });
});
