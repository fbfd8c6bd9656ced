/**
 * GCP checks B (firewall, internet paths, Workbench, Vertex AI endpoints, flow and DNS logging): each fails on the
 * misconfiguration it is about and passes when it is fixed, on inventories built in code (field names of the REST
 * APIs, see src/inventory/gcp.ts), with the seed 000 reference policy (application 10.0.1.0/24, inference
 * 10.0.2.0/24, data 10.0.3.0/24).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runGcpChecks } from '../../src/checks/gcp/engine.js';
import { GCP_CHECKS } from '../../src/checks/gcp/registry.js';
import type { Finding } from '../../src/findings/types.js';
import type { GcpDataset, GcpInventory, GcpRoute, GcpRouter, GcpWorkbenchInstance } from '../../src/inventory/gcp.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import {
  firewall,
  firewallPolicy,
  instance,
  inventory,
  network,
  PROJECT,
  policyRule,
  subnetwork,
} from '../support/gcp-build.js';

const policy = parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML);
const NET = `projects/${PROJECT}/global/networks/vpc-ai`;
const origin = { kind: 'file' as const, file: 'test.json' };

function run(checkId: string, inv: GcpInventory): Finding[] {
  const check = GCP_CHECKS.find((c) => c.id === checkId);
  assert.ok(check, checkId);
  return runGcpChecks(inv, policy, [check]);
}
const about = (fs: Finding[], suffix: string) => {
  const f = fs.find((x) => x.resource.id.endsWith(suffix));
  assert.ok(f, `a finding about ${suffix} in ${fs.map((x) => x.resource.id).join(', ')}`);
  return f;
};

const subnets = () => [
  subnetwork('snet-app', '10.0.1.0/24'),
  subnetwork('snet-inference', '10.0.2.0/24'),
  subnetwork('snet-data', '10.0.3.0/24'),
];
const defaultRoute = (extra: Partial<GcpRoute> = {}): GcpRoute => ({
  project: PROJECT,
  region: 'global',
  origin,
  id: `projects/${PROJECT}/global/routes/default-route-1`,
  name: 'default-route-1',
  network: NET,
  destRange: '0.0.0.0/0',
  priority: 1000,
  tags: [],
  nextHopGateway: `projects/${PROJECT}/global/gateways/default-internet-gateway`,
  ...extra,
});
const denyEgress = firewall('deny-all-egress', {
  direction: 'EGRESS',
  priority: 65000,
  destinationRanges: ['0.0.0.0/0'],
  denied: [{ protocol: 'all', ports: [] }],
});
const allowGoogleApis = firewall('allow-google-apis', {
  direction: 'EGRESS',
  priority: 1000,
  destinationRanges: ['199.36.153.8/30'],
  allowed: [{ protocol: 'tcp', ports: ['443'] }],
});
const base = (parts: Partial<GcpInventory> = {}) =>
  inventory({ networks: [network('vpc-ai')], subnetworks: subnets(), routes: [defaultRoute()], ...parts });

describe('gcp-ai-firewall-open-to-internet', () => {
  const id = 'gcp-ai-firewall-open-to-internet';
  it('fails an AI network with no egress rules: the implied rule allows all egress', () => {
    const f = about(run(id, base()), '/subnetworks/snet-inference');
    assert.equal(f.status, 'fail');
    assert.match(
      f.message,
      /egress to the internet is allowed: icmp, tcp \(all ports\), udp \(all ports\) to any address \(implied allow egress rule/,
    );
    assert.equal(about(run(id, base()), '/subnetworks/snet-data').status, 'fail');
    // The application zone is not an AI zone here: no finding about it.
    assert.ok(!run(id, base()).some((x) => x.resource.id.endsWith('snet-app')));
  });
  it('passes with deny-all egress and an allow to the private.googleapis.com range only', () => {
    const f = about(run(id, base({ firewalls: [denyEgress, allowGoogleApis] })), '/subnetworks/snet-inference');
    assert.equal(f.status, 'pass', f.message);
    assert.match(f.message, /closed by deny-all-egress, implied deny ingress rule/);
  });
  it('fails ingress from 0.0.0.0/0 (default-allow-ssh), and an instance whose tags open it more', () => {
    const ssh = firewall('default-allow-ssh', {
      sourceRanges: ['0.0.0.0/0'],
      allowed: [{ protocol: 'tcp', ports: ['22'] }],
    });
    const f = about(run(id, base({ firewalls: [denyEgress, ssh] })), '/subnetworks/snet-data');
    assert.equal(f.status, 'fail');
    assert.match(f.message, /ingress from the internet is allowed: tcp 22 from any address \(default-allow-ssh\)/);
    const web = firewall('allow-web', {
      sourceRanges: ['0.0.0.0/0'],
      targetTags: ['web'],
      allowed: [{ protocol: 'tcp', ports: ['443'] }],
    });
    const vm = instance('vm-web', '10.0.2.9', { tags: ['web'] });
    const plain = instance('vm-plain', '10.0.2.10');
    const fs = run(id, base({ firewalls: [denyEgress, web], instances: [vm, plain] }));
    assert.equal(about(fs, '/subnetworks/snet-inference').status, 'pass');
    assert.match(about(fs, '/instances/vm-web').message, /tcp 443 from any address \(allow-web\)/);
    assert.ok(
      !fs.some((x) => x.resource.id.endsWith('/instances/vm-plain')),
      'same answer as its subnetwork: not repeated',
    );
  });
  it('a broad public range counts as the internet; a deny on secure tags makes the result not assessed', () => {
    const broad = firewall('allow-half', {
      direction: 'EGRESS',
      priority: 900,
      destinationRanges: ['0.0.0.0/1'],
      allowed: [{ protocol: 'all', ports: [] }],
    });
    assert.match(
      about(run(id, base({ firewalls: [denyEgress, broad] })), 'snet-data').message,
      /to 2\d+ public addresses \(allow-half\)/,
    );
    const secure = firewallPolicy('netpol', 'network', NET, [
      policyRule({
        priority: 1,
        direction: 'EGRESS',
        action: 'deny',
        destIpRanges: ['0.0.0.0/0'],
        targetSecureTags: ['tagValues/7'],
      }),
      policyRule({ priority: 2, direction: 'INGRESS', action: 'deny', srcIpRanges: ['0.0.0.0/0'] }),
    ]);
    const f = about(
      run(
        id,
        base({
          firewallPolicies: [secure],
          networks: [network('vpc-ai', { networkFirewallPolicyEnforcementOrder: 'BEFORE_CLASSIC_FIREWALL' })],
        }),
      ),
      'snet-data',
    );
    assert.equal(f.status, 'not-assessed', f.message);
    assert.match(f.message, /netpol rule 1 targets secure tags tagValues\/7/);
  });
  it('is not assessed without hierarchical firewall policies in the snapshot', () => {
    const inv = base();
    inv.datasets.delete('organizations/1');
    const f = run(id, inv)[0]!;
    assert.equal(f.status, 'not-assessed');
    assert.match(f.message, /compute:hierarchical-firewall-policies is not in the snapshot/);
  });
});

describe('gcp-ai-zone-reachable-from-denied-zone', () => {
  const id = 'gcp-ai-zone-reachable-from-denied-zone';
  it('fails when a broad internal allow lets the application zone reach the data zone', () => {
    const internal = firewall('default-allow-internal', {
      sourceRanges: ['10.0.0.0/8'],
      allowed: [{ protocol: 'tcp', ports: ['0-65535'] }],
    });
    const f = about(run(id, base({ firewalls: [internal] })), '/subnetworks/snet-data');
    assert.equal(f.status, 'fail');
    assert.match(
      f.message,
      /from application on tcp 0-65535 \(firewall: default-allow-internal; policy: no rule allows this flow: default deny\)/,
    );
    // inference -> data is allowed on 6333-6334 only: the ports around it are reported, those are not.
    assert.match(f.message, /from inference on tcp 0-6332 .*from inference on tcp 6335-65535/);
  });
  it('passes when the firewall admits only the policy flows (application → inference on 443)', () => {
    const appToInference = firewall('allow-app-inference', {
      sourceRanges: ['10.0.1.0/24'],
      destinationRanges: ['10.0.2.0/24'],
      allowed: [{ protocol: 'tcp', ports: ['443'] }],
    });
    const fs = run(id, base({ firewalls: [appToInference] }));
    assert.equal(about(fs, '/subnetworks/snet-inference').status, 'pass', about(fs, 'snet-inference').message);
    assert.equal(about(fs, '/subnetworks/snet-data').status, 'pass');
  });
  it('source tags admit the tagged VMs of another zone', () => {
    const fromApp = firewall('from-app-tag', { sourceTags: ['app'], allowed: [{ protocol: 'tcp', ports: ['5432'] }] });
    const appVm = instance('vm-app', '10.0.1.5', {
      tags: ['app'],
      networkInterfaces: [
        {
          ...instance('x', '10.0.1.5').networkInterfaces[0]!,
          subnetwork: `projects/${PROJECT}/regions/us-central1/subnetworks/snet-app`,
        },
      ],
    });
    const f = about(run(id, base({ firewalls: [fromApp], instances: [appVm] })), '/subnetworks/snet-data');
    assert.equal(f.status, 'fail');
    assert.match(f.message, /from application on tcp 5432 \(firewall: from-app-tag/);
  });
});

const router = (mode: string, list: string[] = []): GcpRouter => ({
  project: PROJECT,
  region: 'us-central1',
  origin,
  id: `projects/${PROJECT}/regions/us-central1/routers/rtr`,
  name: 'rtr',
  network: NET,
  nats: [
    {
      name: 'nat',
      sourceSubnetworkIpRangesToNat: mode,
      subnetworks: list.map((s) => ({
        name: `projects/${PROJECT}/regions/us-central1/subnetworks/${s}`,
        sourceIpRangesToNat: ['ALL_IP_RANGES'],
      })),
      pointer: '/nats/0',
    },
  ],
});

describe('gcp-ai-subnet-cloud-nat-egress', () => {
  const id = 'gcp-ai-subnet-cloud-nat-egress';
  it('fails an AI subnetwork served by Cloud NAT with a default route and the implied egress rule', () => {
    const f = about(
      run(id, base({ routers: [router('ALL_SUBNETWORKS_ALL_IP_RANGES')] })),
      '/subnetworks/snet-inference',
    );
    assert.equal(f.status, 'fail');
    assert.match(f.message, /reaches the internet through Cloud NAT nat on router rtr: route default-route-1/);
  });
  it('passes when the NAT lists only other subnetworks, when no internet route applies, or when the firewall denies egress', () => {
    assert.equal(
      about(run(id, base({ routers: [router('LIST_OF_SUBNETWORKS', ['snet-app'])] })), 'snet-inference').status,
      'pass',
    );
    const noRoute = about(
      run(id, base({ routers: [router('ALL_SUBNETWORKS_ALL_IP_RANGES')], routes: [] })),
      'snet-inference',
    );
    assert.equal(noRoute.status, 'pass');
    assert.match(noRoute.message, /no route to the default internet gateway/);
    const denied = about(
      run(id, base({ routers: [router('ALL_SUBNETWORKS_ALL_IP_RANGES')], firewalls: [denyEgress] })),
      'snet-inference',
    );
    assert.equal(denied.status, 'pass');
    assert.match(denied.message, /firewall denies egress to the internet \(deny-all-egress\)/);
  });
  it('a default route to an appliance at a lower priority number takes the NAT out of the path', () => {
    const appliance = defaultRoute({
      id: `projects/${PROJECT}/global/routes/to-fw`,
      name: 'to-fw',
      priority: 100,
      nextHopGateway: undefined,
      nextHopIp: '10.0.9.4',
    });
    const f = about(
      run(id, base({ routers: [router('ALL_SUBNETWORKS_ALL_IP_RANGES')], routes: [defaultRoute(), appliance] })),
      'snet-inference',
    );
    assert.equal(f.status, 'pass', f.message);
  });
});

describe('gcp-ai-instance-external-ip', () => {
  const id = 'gcp-ai-instance-external-ip';
  const withIp = (natIP?: string) => {
    const vm = instance('vm-inf', '10.0.2.7');
    vm.networkInterfaces[0]!.accessConfigs = [{ type: 'ONE_TO_ONE_NAT', ...(natIP ? { natIP } : {}) }];
    return vm;
  };
  it('fails an inference VM with an external IP and a default route', () => {
    const f = about(run(id, base({ instances: [withIp('34.1.2.3')] })), '/instances/vm-inf');
    assert.equal(f.status, 'fail');
    assert.match(f.message, /has 34\.1\.2\.3 on the internet with route default-route-1/);
    assert.match(about(run(id, base({ instances: [withIp()] })), 'vm-inf').message, /an ephemeral IPv4 address/);
  });
  it('passes without an access config, and with one but no internet route', () => {
    assert.equal(about(run(id, base({ instances: [instance('vm-inf', '10.0.2.7')] })), 'vm-inf').status, 'pass');
    const f = about(run(id, base({ instances: [withIp('34.1.2.3')], routes: [] })), 'vm-inf');
    assert.equal(f.status, 'pass');
    assert.match(f.message, /carries no traffic/);
  });
});

const workbench = (extra: Partial<GcpWorkbenchInstance> = {}): GcpWorkbenchInstance => ({
  project: PROJECT,
  region: 'us-central1',
  origin,
  id: `projects/${PROJECT}/locations/us-central1-a/instances/nb-1`,
  name: 'nb-1',
  labels: {},
  zone: 'us-central1-a',
  disablePublicIp: true,
  networkInterfaces: [
    {
      network: NET,
      subnet: `projects/${PROJECT}/regions/us-central1/subnetworks/snet-inference`,
      hasExternalIp: false,
      pointer: '/gceSetup/networkInterfaces/0',
    },
  ],
  tags: [],
  serviceAccounts: [],
  apiVersion: 'v2',
  ...extra,
});

describe('gcp-workbench-public-or-outside-ai-network', () => {
  const id = 'gcp-workbench-public-or-outside-ai-network';
  it('fails a notebook whose public IP is not disabled, and one on a network outside the AI zones', () => {
    const pub = about(run(id, base({ workbenchInstances: [workbench({ disablePublicIp: undefined })] })), 'nb-1');
    assert.equal(pub.status, 'fail');
    assert.match(pub.message, /gceSetup\.disablePublicIp is not set/);
    const def = `projects/${PROJECT}/global/networks/default`;
    const outside = about(
      run(
        id,
        base({
          workbenchInstances: [
            workbench({ networkInterfaces: [{ network: def, hasExternalIp: false, pointer: '/n' }] }),
          ],
        }),
      ),
      'nb-1',
    );
    assert.equal(outside.status, 'fail');
    assert.match(outside.message, /runs on default, which holds no AI- or data-zone subnetwork \(approved: vpc-ai\)/);
  });
  it('passes a notebook without public IP on the AI network', () => {
    assert.equal(about(run(id, base({ workbenchInstances: [workbench()] })), 'nb-1').status, 'pass');
  });
});

describe('gcp-vertex-endpoint-public', () => {
  const id = 'gcp-vertex-endpoint-public';
  const ep = (extra: object) => ({
    project: PROJECT,
    region: 'us-central1',
    origin,
    id: `projects/${PROJECT}/locations/us-central1/endpoints/123`,
    name: '123',
    labels: {},
    displayName: 'chat',
    ...extra,
  });
  it('fails a public online prediction endpoint and a public vector search index endpoint', () => {
    const fs = run(
      id,
      base({
        vertexEndpoints: [ep({})],
        vertexIndexEndpoints: [
          {
            ...ep({ publicEndpointEnabled: true }),
            id: `projects/${PROJECT}/locations/us-central1/indexEndpoints/9`,
            name: '9',
          },
        ],
      }),
    );
    assert.equal(about(fs, '/endpoints/123').status, 'fail');
    assert.match(about(fs, '/endpoints/123').message, /neither Private Service Connect .* nor a peered VPC network/);
    assert.match(about(fs, '/indexEndpoints/9').message, /publicEndpointEnabled is true/);
  });
  it('passes endpoints behind Private Service Connect or peered with a network', () => {
    const fs = run(
      id,
      base({
        vertexEndpoints: [
          ep({ privateServiceConnectConfig: { enablePrivateServiceConnect: true, projectAllowlist: [PROJECT] } }),
        ],
        vertexIndexEndpoints: [
          { ...ep({ network: NET }), id: `projects/${PROJECT}/locations/us-central1/indexEndpoints/9`, name: '9' },
        ],
      }),
    );
    assert.deepEqual(
      fs.map((f) => f.status),
      ['pass', 'pass'],
    );
  });
});

describe('gcp-ai-subnet-flow-logs-missing', () => {
  const id = 'gcp-ai-subnet-flow-logs-missing';
  const withLogs = (logConfig: object) =>
    base({ subnetworks: [subnetwork('snet-inference', '10.0.2.0/24', { logConfig: { enable: true, ...logConfig } })] });
  it('fails without flow logs, without the metadata the monitor needs, with a filter, or with low sampling', () => {
    assert.match(about(run(id, base()), 'snet-inference').message, /has no VPC flow logs/);
    assert.match(
      about(run(id, withLogs({ metadata: 'EXCLUDE_ALL_METADATA' })), 'snet-inference').message,
      /EXCLUDE_ALL_METADATA/,
    );
    assert.match(
      about(run(id, withLogs({ metadata: 'CUSTOM_METADATA', metadataFields: ['src_instance'] })), 'snet-inference')
        .message,
      /leaves out dest_instance, src_vpc, dest_vpc/,
    );
    assert.match(
      about(run(id, withLogs({ filterExpr: 'connection.dest_port == 443' })), 'snet-inference').message,
      /filterExpr/,
    );
    assert.match(
      about(run(id, withLogs({ flowSampling: 0.1 })), 'snet-inference').message,
      /flowSampling 0\.1 is below 0\.5/,
    );
  });
  it('passes with flow logs, all metadata and default sampling; CUSTOM_METADATA without its fields is not assessed', () => {
    assert.equal(
      about(run(id, withLogs({ flowSampling: 1, metadata: 'INCLUDE_ALL_METADATA' })), 'snet-inference').status,
      'pass',
    );
    assert.equal(about(run(id, withLogs({})), 'snet-inference').status, 'pass');
    assert.equal(about(run(id, withLogs({ metadata: 'CUSTOM_METADATA' })), 'snet-inference').status, 'not-assessed');
  });
});

describe('gcp-ai-network-dns-query-logging-missing', () => {
  const id = 'gcp-ai-network-dns-query-logging-missing';
  const dnsPolicy = (enableLogging: boolean) => ({
    project: PROJECT,
    region: 'global',
    origin,
    id: `projects/${PROJECT}/policies/dns-pol`,
    name: 'dns-pol',
    networks: [NET],
    enableLogging,
    alternativeNameServers: [],
  });
  it('fails an AI network with no server policy, or one with logging off', () => {
    assert.match(about(run(id, base()), '/networks/vpc-ai').message, /no DNS server policy is bound to it/);
    assert.match(
      about(run(id, base({ dnsPolicies: [dnsPolicy(false)] })), 'vpc-ai').message,
      /dns-pol has logging off/,
    );
  });
  it('passes with a logging server policy bound to the network', () => {
    assert.equal(about(run(id, base({ dnsPolicies: [dnsPolicy(true)] })), 'vpc-ai').status, 'pass');
  });
});

describe('data sets of the network’s own project (Shared VPC host), not just anywhere', () => {
  // Every data set of the project but `without`; `without` present only in another project's files.
  const elsewhere = (parts: Partial<GcpInventory>, without: GcpDataset) => {
    const inv = base(parts);
    inv.datasets.get(PROJECT)!.delete(without);
    inv.datasets.set('other-project', new Set([without]));
    return inv;
  };
  const vmWithExternalIp = () => {
    const vm = instance('vm-pub', '10.0.2.7');
    vm.networkInterfaces[0]!.accessConfigs.push({ type: 'ONE_TO_ONE_NAT' });
    return vm;
  };
  it('external IP: routes captured for another project only do not mean "no internet route"', () => {
    const f = about(
      run('gcp-ai-instance-external-ip', elsewhere({ routes: [], instances: [vmWithExternalIp()] }, 'compute:routes')),
      '/instances/vm-pub',
    );
    assert.equal(f.status, 'not-assessed', f.message);
    assert.match(f.message, /compute:routes is not in the snapshot for project ai-prod/);
  });
  it('Cloud NAT: routers and routes captured for another project only do not mean "no NAT" or "no route"', () => {
    const noRouters = about(run('gcp-ai-subnet-cloud-nat-egress', elsewhere({}, 'compute:routers')), 'snet-inference');
    assert.equal(noRouters.status, 'not-assessed', noRouters.message);
    assert.match(noRouters.message, /compute:routers is not in the snapshot for project ai-prod/);
    const noRoutes = about(
      run(
        'gcp-ai-subnet-cloud-nat-egress',
        elsewhere({ routers: [router('ALL_SUBNETWORKS_ALL_IP_RANGES')], routes: [] }, 'compute:routes'),
      ),
      'snet-inference',
    );
    assert.equal(noRoutes.status, 'not-assessed', noRoutes.message);
  });
  it('firewall: VPC rules captured for another project only do not leave the implied rules to decide', () => {
    const denyEgressPolicy = firewallPolicy('fw-policy', 'network', NET, [
      policyRule({ direction: 'EGRESS', action: 'deny', destIpRanges: ['0.0.0.0/0'] }),
    ]);
    const inv = elsewhere({ firewallPolicies: [denyEgressPolicy] }, 'compute:firewalls');
    const f = about(run('gcp-ai-firewall-open-to-internet', inv), '/subnetworks/snet-inference');
    assert.equal(f.status, 'not-assessed', f.message);
    assert.match(f.message, /compute:firewalls is not in the snapshot for project ai-prod/);
    // With the project's VPC rules captured (none), the policy closes it.
    const ok = about(
      run('gcp-ai-firewall-open-to-internet', base({ firewallPolicies: [denyEgressPolicy] })),
      'snet-inference',
    );
    assert.equal(ok.status, 'pass', ok.message);
  });
});

describe('gcp-ai-subnet-cloud-nat-egress: a default route for network tags', () => {
  it('fails when VMs of the subnetwork carry the tag of the only default route', () => {
    const tagged = defaultRoute({ tags: ['nat-egress'] });
    const vm = instance('vm-nat', '10.0.2.8', { tags: ['nat-egress'] });
    const inv = base({ routers: [router('ALL_SUBNETWORKS_ALL_IP_RANGES')], routes: [tagged], instances: [vm] });
    const f = about(run('gcp-ai-subnet-cloud-nat-egress', inv), '/subnetworks/snet-inference');
    assert.equal(f.status, 'fail', f.message);
    // No VM carries the tag: the route applies to none of them.
    const none = base({ routers: [router('ALL_SUBNETWORKS_ALL_IP_RANGES')], routes: [tagged] });
    assert.equal(about(run('gcp-ai-subnet-cloud-nat-egress', none), '/subnetworks/snet-inference').status, 'pass');
  });
});

describe('subnetworks of the legacy purpose PRIVATE_RFC_1918 (a regular VM subnetwork) are checked', () => {
  // Compute Engine v1 documents PRIVATE_RFC_1918 as "regular user created or automatically created subnet".
  const legacy = () => [
    subnetwork('snet-app', '10.0.1.0/24'),
    subnetwork('snet-inference', '10.0.2.0/24', { purpose: 'PRIVATE_RFC_1918' }),
  ];
  it('flow logs and the firewall fail it as they fail a PRIVATE one; a proxy-only subnetwork is still left out', () => {
    const inv = base({ subnetworks: legacy() });
    assert.equal(about(run('gcp-ai-subnet-flow-logs-missing', inv), 'snet-inference').status, 'fail');
    assert.equal(about(run('gcp-ai-firewall-open-to-internet', inv), 'snet-inference').status, 'fail');
    const proxy = base({
      subnetworks: [subnetwork('snet-inference', '10.0.2.0/24', { purpose: 'REGIONAL_MANAGED_PROXY' })],
    });
    assert.ok(!run('gcp-ai-subnet-flow-logs-missing', proxy).some((f) => f.resource.id.endsWith('snet-inference')));
  });
});

describe('gcp-ai-zone-reachable-from-denied-zone: a zone on a peered network whose subnetworks were not captured', () => {
  it('is not assessed rather than "nothing reaches it"', () => {
    // The application zone is named by a subnetwork of a hub network peered with the AI network.
    const byId = parsePolicy(
      'cordon.yaml',
      REFERENCE_POLICY_YAML.replace(
        '    cidrs: [10.0.1.0/24]',
        '    subnet_ids: [projects/hub/regions/us-central1/subnetworks/snet-app]',
      ),
    );
    const hub = 'projects/hub/global/networks/vpc-hub';
    const internal = firewall('allow-from-hub-app', {
      sourceRanges: ['10.0.1.0/24'],
      allowed: [{ protocol: 'all', ports: [] }],
    });
    const inv = base({
      networks: [
        network('vpc-ai', { peerings: [{ name: 'to-hub', network: hub, state: 'ACTIVE', pointer: '/peerings/0' }] }),
      ],
      firewalls: [internal],
    });
    const check = GCP_CHECKS.find((c) => c.id === 'gcp-ai-zone-reachable-from-denied-zone')!;
    const f = about(runGcpChecks(inv, byId, [check]), '/subnetworks/snet-data');
    assert.equal(f.status, 'not-assessed', f.message);
    assert.match(f.message, /compute:subnetworks is not in the snapshot for project hub/);
    // With the hub's subnetworks captured, the allow from the hub's application subnetwork is found.
    const snetApp = subnetwork('snet-app', '10.0.1.0/24', {
      project: 'hub',
      id: 'projects/hub/regions/us-central1/subnetworks/snet-app',
      network: hub,
    });
    const full = base({ ...inv, subnetworks: [...inv.subnetworks, snetApp] });
    full.datasets.set('hub', new Set(['compute:subnetworks', 'compute:networks']));
    const g = about(runGcpChecks(full, byId, [check]), '/subnetworks/snet-data');
    assert.equal(g.status, 'fail', g.message);
  });
});

describe('hierarchical firewall policies: a project whose ancestors stop at a folder', () => {
  it('is not assessed: a folder always sits under an organization whose policies are then unknown', () => {
    // `gcloud projects describe` names only the parent folder; the organization's policy allows SSH from anywhere.
    const orgAllowsSsh = firewallPolicy('org-policy', 'hierarchical', 'organizations/1', [
      policyRule({ srcIpRanges: ['0.0.0.0/0'], layer4Configs: [{ protocol: 'tcp', ports: ['22'] }] }),
    ]);
    const inv = base({ hierarchicalFirewallPolicies: [orgAllowsSsh], firewalls: [denyEgress] });
    inv.projects[0]!.ancestors = ['folders/20'];
    const f = about(run('gcp-ai-firewall-open-to-internet', inv), '/subnetworks/snet-inference');
    assert.equal(f.status, 'not-assessed', f.message);
    assert.match(f.message, /gcloud projects get-ancestors ai-prod/);
    // With the whole chain the organization's rule is found.
    inv.projects[0]!.ancestors = ['folders/20', 'organizations/1'];
    const g = about(run('gcp-ai-firewall-open-to-internet', { ...inv }), '/subnetworks/snet-inference');
    assert.equal(g.status, 'fail', g.message);
  });
});

describe('a VM whose second network interface is in an AI zone', () => {
  it('is checked on that interface: an external IP on the first one fails it', () => {
    const vm = instance('vm-bridge', '10.0.1.9');
    vm.networkInterfaces[0]!.subnetwork = `projects/${PROJECT}/regions/us-central1/subnetworks/snet-app`;
    vm.networkInterfaces[0]!.accessConfigs.push({ type: 'ONE_TO_ONE_NAT', natIP: '203.0.113.7' });
    vm.networkInterfaces.push({
      ...vm.networkInterfaces[0]!,
      name: 'nic1',
      subnetwork: `projects/${PROJECT}/regions/us-central1/subnetworks/snet-inference`,
      networkIP: '10.0.2.9',
      accessConfigs: [],
      pointer: '/networkInterfaces/1',
    });
    const f = about(run('gcp-ai-instance-external-ip', base({ instances: [vm] })), '/instances/vm-bridge');
    assert.equal(f.status, 'fail', f.message);
    assert.match(f.message, /203\.0\.113\.7/);
  });
});
