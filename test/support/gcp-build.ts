/** Small GCP inventories built in code, for unit tests of the GCP analyses (field names as in src/inventory/gcp.ts). */
import {
  emptyGcpInventory,
  type GcpDataset,
  type GcpFirewallPolicy,
  type GcpFirewallPolicyRule,
  type GcpFirewallRule,
  type GcpInstance,
  type GcpInventory,
  type GcpNetwork,
  type GcpSubnetwork,
} from '../../src/inventory/gcp.js';

export const PROJECT = 'ai-prod';
const origin = { kind: 'file' as const, file: 'test.json' };

export function network(name: string, extra: Partial<GcpNetwork> = {}): GcpNetwork {
  return {
    project: PROJECT,
    region: 'global',
    origin,
    id: `projects/${PROJECT}/global/networks/${name}`,
    name,
    subnetworks: [],
    peerings: [],
    ...extra,
  };
}

export function subnetwork(name: string, cidr: string, extra: Partial<GcpSubnetwork> = {}): GcpSubnetwork {
  return {
    project: PROJECT,
    region: 'us-central1',
    origin,
    id: `projects/${PROJECT}/regions/us-central1/subnetworks/${name}`,
    name,
    network: `projects/${PROJECT}/global/networks/vpc-ai`,
    ipCidrRange: cidr,
    secondaryIpRanges: [],
    ...extra,
  };
}

export function firewall(name: string, extra: Partial<GcpFirewallRule>): GcpFirewallRule {
  return {
    project: PROJECT,
    region: 'global',
    origin,
    id: `projects/${PROJECT}/global/firewalls/${name}`,
    name,
    network: `projects/${PROJECT}/global/networks/vpc-ai`,
    direction: 'INGRESS',
    priority: 1000,
    sourceRanges: [],
    destinationRanges: [],
    sourceTags: [],
    targetTags: [],
    sourceServiceAccounts: [],
    targetServiceAccounts: [],
    allowed: [],
    denied: [],
    disabled: false,
    ...extra,
  };
}

export function policyRule(extra: Partial<GcpFirewallPolicyRule>): GcpFirewallPolicyRule {
  return {
    priority: 1000,
    direction: 'INGRESS',
    action: 'allow',
    srcIpRanges: [],
    destIpRanges: [],
    srcFqdns: [],
    destFqdns: [],
    srcRegionCodes: [],
    destRegionCodes: [],
    srcAddressGroups: [],
    destAddressGroups: [],
    srcThreatIntelligences: [],
    destThreatIntelligences: [],
    srcSecureTags: [],
    layer4Configs: [{ protocol: 'all', ports: [] }],
    targetResources: [],
    targetServiceAccounts: [],
    targetSecureTags: [],
    disabled: false,
    pointer: '/rules/0',
    ...extra,
  };
}

export function firewallPolicy(
  name: string,
  kind: GcpFirewallPolicy['kind'],
  attachedTo: string,
  rules: GcpFirewallPolicyRule[],
  extra: Partial<GcpFirewallPolicy> = {},
): GcpFirewallPolicy {
  return {
    project: kind === 'hierarchical' ? '' : PROJECT,
    region: 'global',
    origin,
    id:
      kind === 'hierarchical'
        ? `locations/global/firewallPolicies/${name}`
        : `projects/${PROJECT}/global/firewallPolicies/${name}`,
    name,
    kind,
    associations: [{ attachmentTarget: attachedTo }],
    rules,
    ...extra,
  };
}

export function instance(name: string, ip: string, extra: Partial<GcpInstance> = {}): GcpInstance {
  return {
    project: PROJECT,
    region: 'us-central1',
    origin,
    id: `projects/${PROJECT}/zones/us-central1-a/instances/${name}`,
    name,
    labels: {},
    zone: 'us-central1-a',
    networkInterfaces: [
      {
        network: `projects/${PROJECT}/global/networks/vpc-ai`,
        subnetwork: `projects/${PROJECT}/regions/us-central1/subnetworks/snet-inference`,
        networkIP: ip,
        accessConfigs: [],
        ipv6AccessConfigs: [],
        aliasIpRanges: [],
        pointer: '/networkInterfaces/0',
      },
    ],
    tags: [],
    serviceAccounts: [],
    ...extra,
  };
}

/** An inventory with every data set present for the project and the organization. */
export function inventory(parts: Partial<GcpInventory>, datasets?: GcpDataset[]): GcpInventory {
  const inv = { ...emptyGcpInventory(), ...parts };
  const all: GcpDataset[] = datasets ?? [
    'resourcemanager:projects',
    'compute:networks',
    'compute:subnetworks',
    'compute:firewalls',
    'compute:network-firewall-policies',
    'compute:routes',
    'compute:routers',
    'compute:instances',
    'dns:managed-zones',
    'dns:policies',
    'aiplatform:endpoints',
    'aiplatform:index-endpoints',
    'notebooks:instances',
  ];
  inv.datasets.set(PROJECT, new Set(all));
  inv.datasets.set('organizations/1', new Set(['compute:hierarchical-firewall-policies', 'orgpolicy:policies']));
  if (inv.projects.length === 0)
    inv.projects.push({
      project: PROJECT,
      region: 'global',
      origin,
      id: `projects/${PROJECT}`,
      name: PROJECT,
      labels: {},
      projectId: PROJECT,
      projectNumber: '1111',
      ancestors: ['folders/20', 'organizations/1'],
    });
  return inv;
}
