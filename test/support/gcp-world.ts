/**
 * A small GCP world built in code, seed 001 done right: a Shared VPC host network with an inference subnetwork, a
 * Private Service Connect endpoint for the vpc-sc bundle, a private googleapis.com zone, an enforced perimeter and
 * the organization policies — for checks tests to break one fact at a time.
 */
import {
  emptyGcpInventory,
  GCP_DATASETS,
  type GcpDataset,
  type GcpInventory,
  type GcpOrgPolicyRule,
} from '../../src/inventory/gcp.js';

const origin = (pointer: string) => ({ kind: 'file' as const, file: 'world.json', pointer });

export const HOST = 'ai-host';
export const SVC = 'ai-svc';
export const NET = `projects/${HOST}/global/networks/ai-vpc`;
export const SUBNET = `projects/${HOST}/regions/us-central1/subnetworks/inference`;
export const PSC_IP = '10.255.0.2';

export function rule(r: Partial<GcpOrgPolicyRule>): GcpOrgPolicyRule {
  return { allowedValues: [], deniedValues: [], ...r };
}

export function world(): GcpInventory {
  const inv = emptyGcpInventory();
  const scoped = (project: string, region: string, id: string) => ({
    project,
    region,
    id,
    name: id.slice(id.lastIndexOf('/') + 1),
    origin: origin(`/${id}`),
  });
  inv.projects.push(
    {
      ...scoped(HOST, 'global', `projects/${HOST}`),
      labels: {},
      projectId: HOST,
      projectNumber: '111',
      ancestors: ['folders/200', 'organizations/100'],
      xpnProjectStatus: 'HOST',
    },
    {
      ...scoped(SVC, 'global', `projects/${SVC}`),
      labels: {},
      projectId: SVC,
      projectNumber: '222',
      ancestors: ['folders/200', 'organizations/100'],
    },
  );
  inv.enabledServices.push(
    {
      ...scoped(SVC, 'global', `projects/${SVC}/services/aiplatform.googleapis.com`),
      service: 'aiplatform.googleapis.com',
      state: 'ENABLED',
    },
    {
      ...scoped(SVC, 'global', `projects/${SVC}/services/storage.googleapis.com`),
      service: 'storage.googleapis.com',
      state: 'ENABLED',
    },
    {
      ...scoped(HOST, 'global', `projects/${HOST}/services/compute.googleapis.com`),
      service: 'compute.googleapis.com',
      state: 'ENABLED',
    },
  );
  inv.networks.push({ ...scoped(HOST, 'global', NET), subnetworks: [SUBNET], peerings: [] });
  inv.subnetworks.push({
    ...scoped(HOST, 'us-central1', SUBNET),
    network: NET,
    ipCidrRange: '10.0.2.0/24',
    secondaryIpRanges: [],
    privateIpGoogleAccess: true,
  });
  inv.routes.push({
    ...scoped(HOST, 'global', `projects/${HOST}/global/routes/restricted-vip`),
    network: NET,
    destRange: '199.36.153.4/30',
    priority: 1000,
    tags: [],
    nextHopGateway: `projects/${HOST}/global/gateways/default-internet-gateway`,
  });
  inv.addresses.push({
    ...scoped(HOST, 'global', `projects/${HOST}/global/addresses/psc-apis`),
    labels: {},
    address: PSC_IP,
    addressType: 'INTERNAL',
    purpose: 'PRIVATE_SERVICE_CONNECT',
    network: NET,
    users: [],
  });
  inv.forwardingRules.push({
    ...scoped(HOST, 'global', `projects/${HOST}/global/forwardingRules/pscvpcsc`),
    labels: {},
    IPAddress: PSC_IP,
    target: 'vpc-sc',
    network: NET,
    loadBalancingScheme: '',
    pscConnectionStatus: 'ACCEPTED',
    ports: [],
  });
  inv.instances.push({
    ...scoped(SVC, 'us-central1', `projects/${SVC}/zones/us-central1-a/instances/proxy`),
    labels: {},
    zone: 'us-central1-a',
    networkInterfaces: [
      {
        network: NET,
        subnetwork: SUBNET,
        networkIP: '10.0.2.10',
        accessConfigs: [],
        ipv6AccessConfigs: [],
        aliasIpRanges: [],
        pointer: '/networkInterfaces/0',
      },
    ],
    tags: [],
    serviceAccounts: [],
  });
  const zone = `projects/${HOST}/managedZones/googleapis`;
  inv.managedZones.push({
    ...scoped(HOST, 'global', zone),
    labels: {},
    dnsName: 'googleapis.com.',
    visibility: 'private',
    networks: [NET],
    gkeClusters: [],
    forwardingTargets: [],
  });
  inv.recordSets.push(
    {
      ...scoped(HOST, 'global', `${zone}/rrsets/aiplatform.googleapis.com./A`),
      zone,
      dnsName: 'aiplatform.googleapis.com.',
      type: 'A',
      rrdatas: [PSC_IP],
    },
    {
      ...scoped(HOST, 'global', `${zone}/rrsets/*.googleapis.com./CNAME`),
      zone,
      dnsName: '*.googleapis.com.',
      type: 'CNAME',
      rrdatas: ['aiplatform.googleapis.com.'],
    },
  );
  const config = (resources: string[]) => ({
    resources,
    restrictedServices: ['aiplatform.googleapis.com', 'storage.googleapis.com'],
    accessLevels: [],
    ingressPolicies: 0,
    egressPolicies: 0,
    ingress: [],
    egress: [],
    pointer: '/status',
  });
  inv.servicePerimeters.push({
    origin: origin('/perimeter'),
    id: 'accessPolicies/9/servicePerimeters/ai',
    name: 'ai',
    perimeterType: 'PERIMETER_TYPE_REGULAR',
    status: config([`projects/${HOST}`, `projects/${SVC}`]),
    useExplicitDryRunSpec: false,
  });
  const policy = (constraint: string, rules: GcpOrgPolicyRule[]) => ({
    origin: origin(`/policies/${constraint}`),
    id: `organizations/100/policies/${constraint}`,
    parent: 'organizations/100',
    constraint,
    spec: { rules },
  });
  inv.orgPolicies.push(
    policy('compute.vmExternalIpAccess', [rule({ denyAll: true })]),
    policy('ainotebooks.restrictPublicIp', [rule({ enforce: true })]),
    policy('ainotebooks.restrictVpcNetworks', [rule({ allowedValues: [NET] })]),
  );
  const all = Object.keys(GCP_DATASETS) as GcpDataset[];
  const projectSets = all.filter((d) => GCP_DATASETS[d].level === 'project');
  for (const p of [HOST, SVC]) inv.datasets.set(p, new Set([...projectSets, 'orgpolicy:policies']));
  for (const node of ['organizations/100', 'folders/200'])
    inv.datasets.set(
      node,
      new Set<GcpDataset>([
        'orgpolicy:policies',
        'accesscontextmanager:service-perimeters',
        'compute:hierarchical-firewall-policies',
      ]),
    );
  return inv;
}
