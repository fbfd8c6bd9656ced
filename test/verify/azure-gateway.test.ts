/**
 * Azure virtual network gateways, per path: a hub with a VPN gateway (GatewaySubnet) and a spoke peered with
 * useRemoteGateways. Gateway routes (BGP-learned or a local network gateway's prefixes, not in the inventory) make
 * "not assessed" exactly the destinations the gateway may take: never the spoke's own space or its peerings', and
 * nothing at all in a subnet whose route table turns gateway route propagation off.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAzure } from '../../src/verify/azure.js';
import { gapFindings } from '../../src/verify/gaps.js';
import { lookupRoute, unknownRouteReason } from '../../src/verify/routes.js';
import type { AzureInventory } from '../../src/inventory/azure.js';
import {
  AZURE_POLICY,
  azureInventory,
  firewall,
  cellOf as cell,
  findingsOf as findings,
  runAzure as run,
  nic,
  nsg,
  peer,
  routeTable,
  rule,
  subnet,
  vnet,
} from './azure-helpers.js';

interface Options {
  /** The hub has a gateway (GatewaySubnet); default true. */
  gateway?: boolean;
  /** The spoke's side of the peering uses the hub's gateway; default true. */
  useRemoteGateways?: boolean;
  /** User routes of the spoke's data subnet, and whether its table turns gateway route propagation off. */
  dataRoutes?: [string, string, string?][];
  disablePropagation?: boolean;
  /** The data NSG's rules (default: none of its own, so AllowVnetInBound admits the VNet). */
  dataRules?: Parameters<typeof rule>[];
  dataPublicIp?: boolean;
}

/** hub 10.0/16 (GatewaySubnet), spoke 10.1/16 with app (10.1.1/24), inference (10.1.2/24) and data (10.1.3/24). */
function hubAndSpoke(o: Options = {}): AzureInventory {
  const inv = azureInventory();
  vnet(inv, 'hub', '10.0.0.0/16');
  vnet(inv, 'spoke', '10.1.0.0/16');
  if (o.gateway ?? true) subnet(inv, 'hub', 'GatewaySubnet', '10.0.255.0/27');
  subnet(inv, 'hub', 'shared', '10.0.1.0/24');
  nsg(
    inv,
    'nsg-data',
    (o.dataRules ?? []).map((r) => rule(...r)),
  );
  if (o.dataRoutes || o.disablePropagation)
    routeTable(inv, 'rt-data', o.dataRoutes ?? [], { disableBgpRoutePropagation: o.disablePropagation ?? false });
  subnet(inv, 'spoke', 'app', '10.1.1.0/24');
  subnet(inv, 'spoke', 'inf', '10.1.2.0/24');
  subnet(inv, 'spoke', 'data', '10.1.3.0/24', {
    nsg: 'nsg-data',
    ...(o.dataRoutes || o.disablePropagation ? { routeTable: 'rt-data' } : {}),
  });
  nic(inv, 'nic-app', 'spoke', 'app', '10.1.1.4', { zone: 'app' });
  nic(inv, 'nic-inf', 'spoke', 'inf', '10.1.2.4', { zone: 'inference' });
  nic(inv, 'nic-db', 'spoke', 'data', '10.1.3.4', { zone: 'data', ...(o.dataPublicIp ? { publicIp: true } : {}) });
  peer(inv, 'hub', 'spoke', { remoteGateways: [false, o.useRemoteGateways ?? true] });
  return inv;
}

describe('verify (Azure): virtual network gateways decide paths, not scopes', () => {
  it('no scope is left out for the gateway: the note stays, the gap is gone', () => {
    const model = compileAzure(hubAndSpoke(), AZURE_POLICY);
    assert.deepEqual(gapFindings(model), []);
    assert.ok(
      model.notes.some((n) =>
        /spoke gets routes from the gateway of hub \(peering spoke-to-hub uses remote gateways\)/.test(n),
      ),
      JSON.stringify(model.notes),
    );
    assert.ok(model.notes.some((n) => /^hub gets routes from virtual network gateway of hub/.test(n)));
  });

  it('application → data inside the spoke is verified: the violation is found with a witness', () => {
    const r = run(hubAndSpoke());
    const v = findings(r, 'verify-zone-violation', 'app', 'data');
    assert.equal(v.length, 1);
    assert.match(v[0]!.message, /AllowVnetInBound/);
    assert.deepEqual(cell(r, 'app', 'data').unknown, []);
    const path = (v[0]!.evidence as { witness: { path: { what: string }[] } }).witness.path;
    assert.ok(
      path.some((h) => /routed by 10\.1\.0\.0\/16 -> local/.test(h.what)),
      JSON.stringify(path),
    );
  });

  it('application → data inside the spoke is verified clean when the NSG closes it', () => {
    const r = run(
      hubAndSpoke({
        dataRules: [
          ['allow-inf', 100, 'Inbound', 'Allow', 'Tcp', ['10.1.2.0/24'], ['*'], ['6333']],
          ['deny-vnet', 4000, 'Inbound', 'Deny', '*', ['VirtualNetwork'], ['*']],
        ],
      }),
    );
    assert.equal(findings(r, 'verify-zone-violation', 'app', 'data').length, 0);
    assert.deepEqual(cell(r, 'app', 'data').unknown, []);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, ['tcp/6333']);
  });

  it('data → internet from the spoke is not assessed: the gateway may bring a default route', () => {
    const r = run(hubAndSpoke());
    const c = cell(r, 'data', 'internet');
    assert.ok(c.unknown.length > 0, JSON.stringify(c));
    assert.equal(c.violations, 0, JSON.stringify(c));
    const na = findings(r, 'verify-not-assessed', 'data', 'internet');
    assert.ok(na.length > 0, JSON.stringify(r.findings.map((f) => f.message)));
    assert.ok(
      na.some((f) => /gateway of hub \(peering spoke-to-hub uses remote gateways\)/.test(f.message)),
      na.map((f) => f.message).join('\n'),
    );
  });

  it('the control: without useRemoteGateways (or without a gateway) data → internet is a decided violation', () => {
    for (const o of [{ useRemoteGateways: false }, { gateway: false, useRemoteGateways: false }]) {
      const r = run(hubAndSpoke(o));
      const c = cell(r, 'data', 'internet');
      assert.deepEqual(c.unknown, [], JSON.stringify(o));
      assert.ok(c.violations > 0, JSON.stringify(o));
    }
  });

  it('a user 0.0.0.0/0 route does not decide it while gateway routes propagate (a longer BGP prefix wins)', () => {
    const r = run(hubAndSpoke({ dataRoutes: [['0.0.0.0/0', 'None']] }));
    const c = cell(r, 'data', 'internet');
    assert.ok(c.unknown.length > 0, JSON.stringify(c));
  });

  it('a route table that turns gateway route propagation off decides it', () => {
    // Dropped by the user route: clean, nothing undecided.
    let r = run(hubAndSpoke({ dataRoutes: [['0.0.0.0/0', 'None']], disablePropagation: true }));
    let c = cell(r, 'data', 'internet');
    assert.deepEqual(c.unknown, [], JSON.stringify(c));
    assert.deepEqual(c.configurationPermits, []);
    assert.equal(findings(r, 'verify-zone-violation', 'data', 'internet').length, 0);
    // Only the system routes left: the internet route decides, a violation with its witness.
    r = run(hubAndSpoke({ disablePropagation: true }));
    c = cell(r, 'data', 'internet');
    assert.deepEqual(c.unknown, [], JSON.stringify(c));
    assert.equal(findings(r, 'verify-zone-violation', 'data', 'internet').length, 1);
  });

  it('a hub firewall without a public address may still send the spoke’s traffic out by a gateway route', () => {
    // The spoke's table sends everything to the hub firewall and turns gateway routes off; the firewall's own subnet
    // gets them (forced tunnelling): with no public address of its own the packet may leave only that way.
    const inv = hubAndSpoke({ dataRoutes: [['0.0.0.0/0', 'VirtualAppliance', '10.0.0.4']], disablePropagation: true });
    subnet(inv, 'hub', 'AzureFirewallSubnet', '10.0.0.0/26');
    firewall(inv, 'hub', '10.0.0.4', [['any', '*', '*', '*', 'Any']]);
    delete inv.firewalls[0]!.ipConfigurations[0]!.publicIpAddressId;
    let c = cell(run(inv), 'data', 'internet');
    assert.ok(c.unknown.length > 0, JSON.stringify(c));
    // The control: no gateway, no public address: the firewall cannot send it to the internet.
    const without = hubAndSpoke({
      gateway: false,
      useRemoteGateways: false,
      dataRoutes: [['0.0.0.0/0', 'VirtualAppliance', '10.0.0.4']],
      disablePropagation: true,
    });
    subnet(without, 'hub', 'AzureFirewallSubnet', '10.0.0.0/26');
    firewall(without, 'hub', '10.0.0.4', [['any', '*', '*', '*', 'Any']]);
    delete without.firewalls[0]!.ipConfigurations[0]!.publicIpAddressId;
    c = cell(run(without), 'data', 'internet');
    assert.deepEqual([c.unknown, c.configurationPermits], [[], []], JSON.stringify(c));
  });

  it('a user route inside the VNet space decides its addresses; one outside it does not', () => {
    // data's table sends the app subnet to None: a gateway route cannot beat a route inside the VNet's space.
    const model = compileAzure(
      hubAndSpoke({
        dataRoutes: [
          ['10.1.1.0/24', 'None'],
          ['10.9.0.0/16', 'None'],
        ],
      }),
      AZURE_POLICY,
    );
    const table = model.subnets.get('spoke/data')!.routeTable;
    const to = (dst: number) => lookupRoute(table, { fam: 0, src: 0x0a010304, dst, proto: 17, port: 53 });
    const inside = to(0x0a010104);
    assert.ok(
      inside !== 'unknown' && inside?.target.kind === 'drop',
      inside === 'unknown' ? inside : inside?.ref.label,
    );
    assert.equal(to(0x0a090104), 'unknown');
    assert.match(
      unknownRouteReason(table, { fam: 0, src: 0x0a010304, dst: 0x0a090104, proto: 17, port: 53 }),
      /gateway of hub/,
    );
    // The peered hub is pinned too; the None system route for the rest of 10/8 is not.
    assert.ok((to(0x0a000104) as { target: { kind: string } }).target.kind === 'peering');
    assert.equal(to(0x0a050104), 'unknown');
  });

  it('on-premises sources are part of VirtualNetwork: AllowVnetInBound may admit an outside source', () => {
    // Propagation off, so the reply's route is decided: only the NSG's VirtualNetwork tag is left undecided.
    const withGateway = run(hubAndSpoke({ dataPublicIp: true, disablePropagation: true }));
    const c = cell(withGateway, 'internet', 'data');
    assert.ok(c.unknown.length > 0, JSON.stringify(c));
    assert.ok(
      findings(withGateway, 'verify-not-assessed', 'internet', 'data').some((f) =>
        /AllowVnetInBound/.test(String(f.evidence?.rule)),
      ),
      findings(withGateway, 'verify-not-assessed', 'internet', 'data')
        .map((f) => f.message)
        .join('\n'),
    );
    // The control: without the gateway DenyAllInBound keeps the internet out, decided.
    const without = run(
      hubAndSpoke({ gateway: false, useRemoteGateways: false, dataPublicIp: true, disablePropagation: true }),
    );
    assert.deepEqual(cell(without, 'internet', 'data').unknown, []);
    assert.deepEqual(cell(without, 'internet', 'data').configurationPermits, []);
  });
});
