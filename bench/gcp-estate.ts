/**
 * A deterministic GCP estate for benchmarks: N projects, each with its own VPC network (the seed 000 zones as five
 * subnetworks), 40 VPC firewall rules (tagged allows, port ranges, an internal allow, an egress deny), a global network
 * firewall policy, an organization policy with goto_next, and 10 instances with tags.
 */
import { emptyGcpInventory, type GcpDataset, type GcpFirewallRule, type GcpInventory } from '../src/inventory/gcp.js';
import { firewall, policyRule } from '../test/support/gcp-build.js';

const origin = { kind: 'file' as const, file: 'bench.json' };
export const ZONES = ['application', 'inference', 'data', 'management', 'sandbox'];

export function buildGcpEstate(projects: number): GcpInventory {
  const inv = emptyGcpInventory();
  const datasets: GcpDataset[] = [
    'resourcemanager:projects',
    'compute:networks',
    'compute:subnetworks',
    'compute:firewalls',
    'compute:network-firewall-policies',
    'compute:routes',
    'compute:routers',
    'compute:instances',
  ];
  inv.datasets.set('organizations/1', new Set(['compute:hierarchical-firewall-policies']));
  inv.hierarchicalFirewallPolicies.push({
    project: '',
    region: 'global',
    origin,
    id: 'locations/global/firewallPolicies/org',
    name: 'org',
    kind: 'hierarchical',
    associations: [{ attachmentTarget: 'organizations/1' }],
    rules: [
      policyRule({ priority: 10, direction: 'EGRESS', action: 'goto_next', destIpRanges: ['10.0.0.0/8'] }),
      policyRule({ priority: 20, action: 'deny', srcIpRanges: ['198.51.100.0/24'] }),
    ],
  });
  for (let p = 0; p < projects; p++) {
    const project = `proj-${p}`;
    const net = `projects/${project}/global/networks/vpc`;
    inv.datasets.set(project, new Set(datasets));
    inv.projects.push({
      project,
      region: 'global',
      origin,
      id: `projects/${project}`,
      name: project,
      labels: {},
      projectId: project,
      ancestors: ['organizations/1'],
    });
    inv.networks.push({ project, region: 'global', origin, id: net, name: 'vpc', subnetworks: [], peerings: [] });
    ZONES.forEach((z, i) =>
      inv.subnetworks.push({
        project,
        region: 'us-central1',
        origin,
        id: `projects/${project}/regions/us-central1/subnetworks/${z}`,
        name: z,
        network: net,
        ipCidrRange: `10.0.${i + 1}.0/24`,
        secondaryIpRanges: [],
      }),
    );
    const fw = (name: string, extra: Partial<GcpFirewallRule>): GcpFirewallRule =>
      firewall(name, { project, id: `projects/${project}/global/firewalls/${name}`, network: net, ...extra });
    inv.firewalls.push(
      fw('deny-egress', {
        direction: 'EGRESS',
        priority: 65000,
        destinationRanges: ['0.0.0.0/0'],
        denied: [{ protocol: 'all', ports: [] }],
      }),
      fw('internal', {
        priority: 65534,
        sourceRanges: ['10.0.0.0/8'],
        allowed: [{ protocol: 'tcp', ports: ['0-65535'] }],
      }),
    );
    for (let r = 0; r < 38; r++)
      inv.firewalls.push(
        fw(`svc-${r}`, {
          direction: r % 3 === 0 ? 'EGRESS' : 'INGRESS',
          priority: 500 + r,
          sourceRanges: r % 3 === 0 ? [] : [`10.0.${(r % 5) + 1}.0/24`],
          destinationRanges: r % 3 === 0 ? [`10.0.${(r % 5) + 1}.0/24`] : [],
          targetTags: r % 2 === 0 ? [ZONES[r % 5]!] : [],
          allowed: [{ protocol: 'tcp', ports: [`${8000 + r * 10}-${8005 + r * 10}`] }],
        }),
      );
    inv.firewallPolicies.push({
      project,
      region: 'global',
      origin,
      id: `projects/${project}/global/firewallPolicies/netpol`,
      name: 'netpol',
      kind: 'network',
      associations: [{ attachmentTarget: net }],
      rules: [
        policyRule({
          priority: 100,
          action: 'deny',
          srcIpRanges: ['10.0.5.0/24'],
          layer4Configs: [{ protocol: 'tcp', ports: ['22'] }],
        }),
      ],
    });
    for (let i = 0; i < 10; i++)
      inv.instances.push({
        project,
        region: 'us-central1',
        origin,
        id: `projects/${project}/zones/us-central1-a/instances/vm-${i}`,
        name: `vm-${i}`,
        labels: {},
        zone: 'us-central1-a',
        networkInterfaces: [
          {
            network: net,
            subnetwork: `projects/${project}/regions/us-central1/subnetworks/${ZONES[i % 5]}`,
            networkIP: `10.0.${(i % 5) + 1}.${10 + i}`,
            accessConfigs: [],
            ipv6AccessConfigs: [],
            aliasIpRanges: [],
            pointer: '/networkInterfaces/0',
          },
        ],
        tags: [ZONES[i % 5]!],
        serviceAccounts: [],
      });
  }
  return inv;
}
