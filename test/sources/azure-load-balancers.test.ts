/**
 * The Azure snapshot reader on load balancers and application gateways (ARM resource JSON, 2024-05-01 shapes of
 * azure-rest-api-specs' loadBalancer.json and applicationGateway.json), the NIC side of pool memberships, and the
 * snapshot verified end to end: a public load balancer in front of a data NIC without a public IP is a violation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAzureSnapshotFromTexts } from '../../src/sources/azure-snapshot/load.js';
import { compileAzure } from '../../src/verify/azure.js';
import { verifyModel } from '../../src/verify/questions.js';
import { AZURE_POLICY } from '../verify/azure-helpers.js';
import { AGW, LB, loadBalancerJson, gatewayJson, NET, network, SUB } from '../support/azure-lb-docs.js';

const read = (docs: unknown[]) => loadAzureSnapshotFromTexts([{ name: 'snap.json', text: JSON.stringify(docs) }]);

describe('Azure snapshot: load balancers and application gateways', () => {
  it('reads front ends, pools (NIC and IP members), load-balancing and inbound NAT rules', () => {
    const r = read([loadBalancerJson]);
    assert.deepEqual(r.errors, []);
    const lb = r.inventory.loadBalancers[0]!;
    assert.equal(lb.sku, 'Standard');
    assert.equal(lb.frontendIpConfigurations[0]!.publicIpAddressId, `${NET}/publicIPAddresses/pip-lb`);
    assert.equal(lb.frontendIpConfigurations[0]!.pointer, '/0/properties/frontendIPConfigurations/0');
    assert.deepEqual(lb.backendAddressPools[0]!.backendIpConfigurationIds, [
      `${NET}/networkInterfaces/nic-db/ipConfigurations/ipconfig1`,
    ]);
    assert.deepEqual(lb.backendAddressPools[0]!.addresses, [
      { name: 'a1', ipAddress: '10.1.3.5', virtualNetworkId: `${NET}/virtualNetworks/vnet` },
    ]);
    assert.deepEqual(
      lb.rules.map((x) => [x.kind, x.name, x.protocol, x.frontendPort, x.backendPort, x.backendAddressPoolIds.length]),
      [
        ['load-balancing', 'pg', 'Tcp', 5432, 5432, 1],
        ['inbound-nat', 'ssh', 'Tcp', 50022, 22, 0],
        ['inbound-nat', 'range', 'Tcp', undefined, 3389, 1],
      ],
    );
    assert.equal(lb.rules[1]!.backendIpConfigurationId, `${NET}/networkInterfaces/nic-db/ipConfigurations/ipconfig1`);
    assert.deepEqual([lb.rules[2]!.frontendPortRangeStart, lb.rules[2]!.frontendPortRangeEnd], [500, 599]);
    assert.ok(r.inventory.datasets.get(SUB)?.has('network:load-balancers'));
  });

  it('reads listeners, routing rules with a URL path map flattened, pools and settings', () => {
    const r = read([gatewayJson]);
    assert.deepEqual(r.errors, []);
    const g = r.inventory.applicationGateways[0]!;
    assert.deepEqual(g.subnetIds, [`${NET}/virtualNetworks/vnet/subnets/agw`]);
    assert.equal(g.skuTier, 'WAF_v2');
    assert.deepEqual(g.frontendPorts, [{ id: `${AGW}/frontendPorts/p443`, port: 443 }]);
    assert.equal(g.listeners[0]!.frontendPortId, `${AGW}/frontendPorts/p443`);
    assert.deepEqual(g.routingRules[0]!.targets, [
      { poolId: `${AGW}/backendAddressPools/web`, settingsId: `${AGW}/backendHttpSettingsCollection/s` },
      { poolId: `${AGW}/backendAddressPools/api`, settingsId: `${AGW}/backendHttpSettingsCollection/s` },
    ]);
    assert.deepEqual(g.backendAddressPools[0]!.addresses, [{ ipAddress: '10.1.3.4' }, { fqdn: 'app.example.com' }]);
    assert.deepEqual(g.backendSettings, [
      { id: `${AGW}/backendHttpSettingsCollection/s`, name: 's', port: 8080, protocol: 'Http' },
    ]);
    assert.ok(r.inventory.datasets.get(SUB)?.has('network:application-gateways'));
  });

  it('children declared by name only (templates) get the ids ARM gives them', () => {
    const t = structuredClone(loadBalancerJson) as { properties: { frontendIPConfigurations: { id?: string }[] } };
    delete t.properties.frontendIPConfigurations[0]!.id;
    const lb = read([t]).inventory.loadBalancers[0]!;
    assert.equal(lb.frontendIpConfigurations[0]!.id, `${LB}/frontendIPConfigurations/fe`);
  });

  it('a rule with a port that is not a number is a located error, and the item is skipped', () => {
    const bad = structuredClone(loadBalancerJson) as {
      properties: { loadBalancingRules: { properties: Record<string, unknown> }[] };
    };
    bad.properties.loadBalancingRules[0]!.properties.frontendPort = 'http';
    const r = read([bad, ...network]);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!.format(), /snap\.json.*loadBalancingRules\/0\/properties\/frontendPort/);
    assert.equal(r.inventory.loadBalancers.length, 0);
    assert.ok(r.inventory.partial.get(`${SUB}/westeurope`)?.has('network:load-balancers'));
  });

  it('the NIC side of pool memberships is read, and the snapshot verifies the load-balancer path', () => {
    const r = read([loadBalancerJson, ...network]);
    assert.deepEqual(r.errors, []);
    const c = r.inventory.networkInterfaces[0]!.ipConfigurations[0]!;
    assert.deepEqual(c.loadBalancerBackendAddressPoolIds, [`${LB}/backendAddressPools/pool`]);
    assert.deepEqual(c.loadBalancerInboundNatRuleIds, [`${LB}/inboundNatRules/ssh`]);
    const v = verifyModel(compileAzure(r.inventory, AZURE_POLICY), AZURE_POLICY, { clientPorts: [32768, 60999] });
    const cell = v.matrix.find((m) => m.from === 'internet' && m.to === 'data')!;
    assert.deepEqual(cell.configurationPermits, ['tcp/5432']);
    // Without the load balancer, the same snapshot has no path from the internet.
    const w = read(network);
    const none = verifyModel(compileAzure(w.inventory, AZURE_POLICY), AZURE_POLICY, { clientPorts: [32768, 60999] });
    assert.deepEqual(none.matrix.find((m) => m.from === 'internet' && m.to === 'data')!.configurationPermits, []);
  });
});

describe('Azure snapshot: load balancer pools and rules as resources of their own', () => {
  const child = (type: string, name: string, properties: object) => ({
    id: `${LB}/${type}/${name}`,
    name,
    type: `Microsoft.Network/loadBalancers/${type}`,
    properties,
  });
  const bare = () => {
    const lb = structuredClone(loadBalancerJson) as { properties: Record<string, unknown[]> };
    lb.properties.inboundNatRules = [];
    return lb;
  };
  const nat = child('inboundNatRules', 'ssh', {
    frontendIPConfiguration: { id: `${LB}/frontendIPConfigurations/fe` },
    backendIPConfiguration: { id: `${NET}/networkInterfaces/nic-db/ipConfigurations/ipconfig1` },
    protocol: 'Tcp',
    frontendPort: 50022,
    backendPort: 22,
  });

  it('a child inbound NAT rule joins its load balancer', () => {
    const r = read([bare(), nat]);
    assert.deepEqual(r.errors, []);
    const lb = r.inventory.loadBalancers[0]!;
    assert.deepEqual(
      lb.rules.map((x) => [x.kind, x.name, x.frontendPort, x.backendPort]),
      [
        ['load-balancing', 'pg', 5432, 5432],
        ['inbound-nat', 'ssh', 50022, 22],
      ],
    );
    assert.equal(r.inventory.partial.size, 0);
  });

  it('a child whose load balancer is not in the snapshot makes the data set partial there (not verified)', () => {
    const r = read([nat, ...network]);
    assert.equal(r.inventory.loadBalancers.length, 0);
    const skipped = r.inventory.partial.get(`${SUB}/westeurope`)?.get('network:load-balancers');
    assert.match(skipped?.[0]?.reason ?? '', /its load balancer is not in the snapshot/);
  });
});
