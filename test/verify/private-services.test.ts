/**
 * Private endpoints of customer-provided services that cordon does not follow to their provider side (Azure Private
 * Link services, Google Cloud Private Service Connect service attachments) are not dead ends: a zone that may reach
 * one may reach whatever stands behind it, so those pairs are not assessed, naming the endpoint. Each has a
 * configuration that trips it and one that does not (no zone reaches the endpoint; an Azure service's own endpoint).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AzureInventory } from '../../src/inventory/azure.js';
import type { GcpForwardingRule, GcpInventory } from '../../src/inventory/gcp.js';
import { VERIFY_CHECKS } from '../../src/verify/questions.js';
import { firewall, PROJECT, subnetwork } from '../support/gcp-build.js';
import {
  azureInventory,
  cellOf,
  findingsOf,
  idOf,
  loadBalancer,
  nic,
  nsg,
  privateEndpointOf,
  rule,
  runAzure,
  subnet,
  subnetId,
  vnet,
} from './azure-helpers.js';
import { cell, findings, gcpWorld, loadBalancer as gcpLoadBalancer, NET, runGcp } from './gcp-helpers.js';

// ---- Azure

const SUB = '33333333-3333-3333-3333-333333333333';
const PLS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/vector-pls`;
const OPENAI = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/oai`;

/**
 * vnet-app (10.1.0.0/16): app NIC 10.1.1.4 and a private endpoint pe-vector (NIC 10.1.5.4) in subnet pe, whose NSG
 * (network policies on) admits `peFrom` on 6333; vnet-data (10.2.0.0/16, not peered): the data NIC 10.2.3.4.
 */
function azure(target: string, peFrom: string, status = 'Approved'): AzureInventory {
  const inv = azureInventory();
  vnet(inv, 'vnet-app', '10.1.0.0/16');
  vnet(inv, 'vnet-data', '10.2.0.0/16');
  nsg(inv, 'nsg-pe', [
    rule('vector', 100, 'Inbound', 'Allow', 'Tcp', [peFrom], ['*'], ['6333']),
    rule('rest', 200, 'Inbound', 'Deny', '*', ['*'], ['*']),
  ]);
  subnet(inv, 'vnet-app', 'app', '10.1.1.0/24');
  subnet(inv, 'vnet-app', 'pe', '10.1.5.0/24', { nsg: 'nsg-pe', peNetworkPolicies: 'Enabled' });
  subnet(inv, 'vnet-data', 'dat', '10.2.3.0/24');
  nic(inv, 'nic-app', 'vnet-app', 'app', '10.1.1.4', { zone: 'app' });
  nic(inv, 'nic-pe', 'vnet-app', 'pe', '10.1.5.4', { privateEndpoint: 'pe-vector' });
  nic(inv, 'nic-db', 'vnet-data', 'dat', '10.2.3.4', { zone: 'data' });
  privateEndpointOf(inv, 'nic-pe', [target], status);
  return inv;
}

describe('verify (Azure): private endpoints of a customer’s Private Link service', () => {
  it('a zone reaching the endpoint may reach the service’s backends: not assessed, naming the endpoint', () => {
    const r = runAzure(azure(PLS, '10.1.1.0/24'));
    assert.deepEqual(cellOf(r, 'app', 'data').configurationPermits, []);
    assert.deepEqual(cellOf(r, 'app', 'data').unknown, ['tcp/6333']);
    const u = findingsOf(r, VERIFY_CHECKS.unknown.id, 'app', 'data');
    assert.ok(u.length > 0);
    assert.match(u[0]!.message, /private endpoint pe-vector → Private Link service vector-pls/);
  });
  it('not when no zone reaches it, the connection is rejected, or it is an Azure service’s endpoint', () => {
    for (const inv of [
      azure(PLS, '10.9.0.0/16'),
      azure(PLS, '10.1.1.0/24', 'Rejected'),
      azure(OPENAI, '10.1.1.0/24'),
    ]) {
      const r = runAzure(inv);
      assert.deepEqual(cellOf(r, 'app', 'data').unknown, []);
      assert.equal(findingsOf(r, VERIFY_CHECKS.unknown.id, 'app', 'data').length, 0);
    }
  });
});

/**
 * The service in the inventory: pls `vector-pls` (NAT address 10.2.4.5 in subnet nat of vnet-data) on the front end
 * of a Standard Load Balancer whose rule forwards TCP 6333 to nic-db, whose NSG admits `dbFrom` on 6333.
 */
function azureModelled(dbFrom: string, peFrom = '10.1.1.0/24'): AzureInventory {
  const inv = azure(PLS, peFrom);
  subnet(inv, 'vnet-data', 'nat', '10.2.4.0/24');
  subnet(inv, 'vnet-data', 'fe', '10.2.5.0/24');
  nsg(inv, 'nsg-db', [
    rule('vector', 100, 'Inbound', 'Allow', 'Tcp', [dbFrom], ['*'], ['6333']),
    rule('rest', 200, 'Inbound', 'Deny', '*', ['*'], ['*']),
  ]);
  inv.networkInterfaces.find((n) => n.name === 'nic-db')!.networkSecurityGroupId = idOf(
    'networkSecurityGroups',
    'nsg-db',
  );
  loadBalancer(
    inv,
    'lb-vector',
    { private: ['vnet-data', 'fe', '10.2.5.4'] },
    ['nic-db'],
    [{ name: 'vector', frontendPort: 6333, backendPort: 6333 }],
  );
  inv.privateLinkServices.push({
    subscription: SUB,
    location: 'westeurope',
    resourceGroup: 'rg',
    origin: { kind: 'file', file: 'inv.json', pointer: '/pls' },
    id: PLS,
    name: 'vector-pls',
    tags: {},
    loadBalancerFrontendIpConfigurationIds: [`${idOf('loadBalancers', 'lb-vector')}/frontendIPConfigurations/fe`],
    natIpConfigurations: [{ privateIpAddress: '10.2.4.5', subnetId: subnetId('vnet-data', 'nat') }],
  });
  return inv;
}

describe('verify (Azure): a Private Link service in the inventory is followed to its load balancer’s backends', () => {
  it('the backend sees the service’s NAT address: admitting it opens app → data', () => {
    const r = runAzure(azureModelled('10.2.4.0/24'));
    assert.deepEqual(cellOf(r, 'app', 'data').configurationPermits, ['tcp/6333']);
    assert.deepEqual(cellOf(r, 'app', 'data').unknown, []);
    const v = findingsOf(r, VERIFY_CHECKS.violation.id, 'app', 'data');
    assert.equal(v.length, 1);
    // Located at the endpoint subnet's NSG, which sees the consumer (the backend sees the service's NAT address).
    assert.equal(v[0]!.resource.id, idOf('networkSecurityGroups', 'nsg-pe'));
    const path_ = (v[0]!.evidence as { witness: { path: { what: string }[] } }).witness.path.map((h) => h.what);
    assert.ok(
      path_.some((w) =>
        /private endpoint pe-vector of Private Link service vector-pls → load balancer lb-vector load-balancing rule vector/.test(
          w,
        ),
      ),
      path_.join('\n'),
    );
  });
  it('an endpoint subnet without an NSG: the finding is the endpoint’s, with the fix at the consumer or the service', () => {
    const inv = azureModelled('10.2.4.0/24');
    delete inv.subnets.find((x) => x.name === 'pe')!.networkSecurityGroupId;
    const [v] = findingsOf(runAzure(inv), VERIFY_CHECKS.violation.id, 'app', 'data');
    assert.equal(v?.resource.id, idOf('privateEndpoints', 'pe-vector'));
    assert.match(
      v.remediation.text,
      /through its endpoint private endpoint pe-vector.*keep app from reaching the endpoint.*\(its visibility and auto-approval lists/,
    );
  });
  it('admitting only the consumer’s range, or a consumer the endpoint’s NSG does not admit: nothing', () => {
    for (const inv of [azureModelled('10.1.0.0/16'), azureModelled('10.2.4.0/24', '10.9.0.0/16')]) {
      const r = runAzure(inv);
      assert.deepEqual(cellOf(r, 'app', 'data').configurationPermits, []);
      assert.deepEqual(cellOf(r, 'app', 'data').unknown, []);
    }
  });
});

// ---- Google Cloud

const psc = (target: string): GcpForwardingRule => ({
  ports: [],
  project: PROJECT,
  region: 'us-central1',
  origin: { kind: 'file', file: 'test.json', pointer: '/forwardingRules/psc-vector' },
  id: `projects/${PROJECT}/regions/us-central1/forwardingRules/psc-vector`,
  name: 'psc-vector',
  labels: {},
  network: NET,
  IPAddress: '10.1.2.50',
  target,
});

function gcp(
  egressDeny: boolean,
  target = 'projects/producer/regions/us-central1/serviceAttachments/vector',
): GcpInventory {
  const inv = gcpWorld({
    forwardingRules: [psc(target)],
    firewalls: egressDeny
      ? [
          firewall('app-no-psc', {
            direction: 'EGRESS',
            destinationRanges: ['10.1.2.50/32'],
            targetTags: ['app'],
            denied: [{ protocol: 'all', ports: [] }],
          }),
        ]
      : [],
  });
  for (const d of ['compute:addresses', 'compute:forwarding-rules'] as const) inv.datasets.get(PROJECT)!.add(d);
  return inv;
}

describe('verify (GCP): Private Service Connect endpoints to a service attachment', () => {
  it('a zone reaching the endpoint may reach the producer’s backends: not assessed, naming the endpoint', () => {
    const r = runGcp(gcp(false));
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    // TCP and UDP: a PSC endpoint relays both, and VPC firewall rules do not filter it.
    assert.deepEqual(cell(r, 'app', 'data').unknown, ['tcp all ports', 'udp all ports']);
    const u = findings(r, VERIFY_CHECKS.unknown.id, 'app', 'data');
    assert.ok(u.length > 0);
    assert.match(u[0]!.message, /Private Service Connect endpoint psc-vector to service attachment vector/);
  });
  it('not when the zone’s egress cannot reach the endpoint', () => {
    const r = runGcp(gcp(true));
    assert.deepEqual(cell(r, 'app', 'data').unknown, []);
    assert.equal(findings(r, VERIFY_CHECKS.unknown.id, 'app', 'data').length, 0);
  });
});

const ATTACHMENT = `projects/${PROJECT}/regions/us-central1/serviceAttachments/vector`;

/**
 * The attachment in the inventory: it publishes the internal passthrough load balancer "vector" (TCP 6333 → db-1)
 * from NAT subnet psc-nat (10.1.8.0/24); db-1's ingress admits `dbFrom` on 6333.
 */
function gcpModelled(dbFrom: string, kind: 'internal' | 'internal-proxy' = 'internal'): GcpInventory {
  const inv = gcp(false, ATTACHMENT);
  const lb = gcpLoadBalancer({ kind, name: 'vector', port: 6333, backendPort: 6333, members: ['db-1'] });
  inv.targetProxies.push(...(lb.targetProxies ?? []));
  inv.urlMaps.push(...(lb.urlMaps ?? []));
  if (kind === 'internal-proxy')
    inv.subnetworks.push(subnetwork('proxy-only', '10.129.0.0/23', { purpose: 'REGIONAL_MANAGED_PROXY' }));
  inv.forwardingRules.push(...(lb.forwardingRules ?? []));
  inv.backendServices.push(...(lb.backendServices ?? []));
  inv.instanceGroups.push(...(lb.instanceGroups ?? []));
  inv.subnetworks.push(subnetwork('snet-lb', '10.1.9.0/24'), subnetwork('psc-nat', '10.1.8.0/24'));
  inv.firewalls.push(
    // The consumer reaches the producer only through the PSC endpoint, not the load balancer's own front end.
    firewall('app-no-ilb', {
      direction: 'EGRESS',
      destinationRanges: ['10.1.9.5/32'],
      targetTags: ['app'],
      denied: [{ protocol: 'all', ports: [] }],
    }),
    firewall('db-vector', {
      direction: 'INGRESS',
      sourceRanges: [dbFrom],
      targetTags: ['data'],
      allowed: [{ protocol: 'tcp', ports: ['6333'] }],
    }),
  );
  inv.serviceAttachments.push({
    project: PROJECT,
    region: 'us-central1',
    origin: { kind: 'file', file: 'test.json', pointer: '/serviceAttachments/vector' },
    id: ATTACHMENT,
    name: 'vector',
    targetService: `projects/${PROJECT}/regions/us-central1/forwardingRules/vector-fr`,
    natSubnets: [`projects/${PROJECT}/regions/us-central1/subnetworks/psc-nat`],
    connectionPreference: 'ACCEPT_AUTOMATIC',
  });
  for (const d of ['compute:backend-services', 'compute:instance-groups', 'compute:service-attachments'] as const)
    inv.datasets.get(PROJECT)!.add(d);
  return inv;
}

describe('verify (GCP): a service attachment in the inventory is followed to its producer load balancer', () => {
  it('the backend sees the NAT subnet: admitting it opens app → data through the PSC endpoint', () => {
    const r = runGcp(gcpModelled('10.1.8.0/24'));
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['tcp/6333']);
    const v = findings(r, VERIFY_CHECKS.violation.id, 'app', 'data');
    assert.equal(v.length, 1);
    const path_ = (v[0]!.evidence as { witness: { path: { what: string }[] } }).witness.path.map((h) => h.what);
    assert.ok(
      path_.some((w) =>
        /Private Service Connect endpoint psc-vector to service attachment vector → forwarding rule vector-fr/.test(w),
      ),
      path_.join('\n'),
    );
    // The backend's rule admits the NAT subnet, whichever consumer connected: the finding is the endpoint's.
    assert.equal(v[0]!.resource.type, 'compute.googleapis.com/ForwardingRule');
    assert.match(v[0]!.resource.id, /forwardingRules\/psc-vector$/);
    assert.match(
      v[0]!.remediation.text,
      /through its endpoint Private Service Connect endpoint psc-vector.*stop accepting this consumer \(the service attachment’s consumer accept list/,
    );
  });
  it('behind an internal Application Load Balancer the backend sees its proxy-only subnet, not the NAT subnet', () => {
    const viaProxy = runGcp(gcpModelled('10.129.0.0/23', 'internal-proxy'));
    assert.deepEqual(cell(viaProxy, 'app', 'data').configurationPermits, ['tcp/6333']);
    const natOnly = runGcp(gcpModelled('10.1.8.0/24', 'internal-proxy'));
    assert.deepEqual(cell(natOnly, 'app', 'data').configurationPermits, []);
  });
  it('a backend admitting neither the NAT subnet nor the consumer is not reached', () => {
    const r = runGcp(gcpModelled('10.1.7.0/24'));
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'app', 'data').unknown, []);
  });
});
