/**
 * Azure Load Balancer and Application Gateway paths in `cordon verify`, each with a configuration that trips the
 * trap and one that does not: a passthrough load balancer delivers the client's own packet (on the backend port) to
 * a NIC without a public IP, the probe source AzureLoadBalancer is not a client, an internal front end is reached
 * from peered VNets only, an application gateway connects from its own subnet, and what cannot be read or followed
 * is undecided or not assessed rather than absent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AzureInventory } from '../../src/inventory/azure.js';
import { compileAzure } from '../../src/verify/azure.js';
import { gapFindings } from '../../src/verify/gaps.js';
import {
  applicationGateway,
  AZURE_POLICY,
  azureInventory,
  cellOf as cell,
  findingsOf as findings,
  loadBalancer,
  nic,
  privateEndpointOf,
  nsg,
  peer,
  rule,
  runAzure as run,
  subnet,
  vnet,
  type LbRuleSpec,
} from './azure-helpers.js';
import { hops, witness } from './gcp-helpers.js';

type Result = ReturnType<typeof run>;
const violations = (r: Result, from: string, to: string) => findings(r, 'verify-zone-violation', from, to);
const SUB = '33333333-3333-3333-3333-333333333333';

/** One VNet: app and data subnets, the data NIC (no public IP) behind nsg-data with these rules. */
function world(dataRules: Parameters<typeof rule>[]): AzureInventory {
  const inv = azureInventory();
  vnet(inv, 'vnet', '10.1.0.0/16');
  nsg(
    inv,
    'nsg-data',
    dataRules.map((r) => rule(...r)),
  );
  subnet(inv, 'vnet', 'app', '10.1.1.0/24');
  subnet(inv, 'vnet', 'data', '10.1.3.0/24', { nsg: 'nsg-data' });
  nic(inv, 'nic-app', 'vnet', 'app', '10.1.1.4', { zone: 'app' });
  nic(inv, 'nic-db', 'vnet', 'data', '10.1.3.4', { zone: 'data' });
  return inv;
}
const INTERNET_5432: Parameters<typeof rule> = [
  'allow-pg',
  100,
  'Inbound',
  'Allow',
  'Tcp',
  ['Internet'],
  ['*'],
  ['5432'],
];
const publicLb = (inv: AzureInventory, rules: LbRuleSpec[]) =>
  loadBalancer(inv, 'lb-pub', { publicAddress: '20.50.1.2' }, ['nic-db'], rules);

describe('verify (Azure): public load balancer', () => {
  it('delivers the internet client packet to a data NIC without a public IP: the silent pass is a violation', () => {
    const inv = world([INTERNET_5432]);
    // Without the load balancer the NIC has no public IP: not reachable from the internet.
    assert.deepEqual(cell(run(inv), 'internet', 'data').configurationPermits, []);
    publicLb(inv, [{ name: 'pg', frontendPort: 5432, backendPort: 5432 }]);
    const r = run(inv);
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, ['tcp/5432']);
    const v = violations(r, 'internet', 'data');
    assert.equal(v.length, 1);
    assert.match(witness(v[0]!).packet, / -> 10\.1\.3\.4 tcp\/5432$/);
    const h = hops(v[0]!);
    assert.ok(
      h.some((x) =>
        /to the external front end 20\.50\.1\.2\/32 of load balancer lb-pub load-balancing rule pg \(Tcp 5432 -> 5432\)/.test(
          x,
        ),
      ),
      h.join('\n'),
    );
    assert.ok(
      h.some((x) => /backend pool pool holds nic-db/.test(x)),
      h.join('\n'),
    );
    assert.ok(
      h.some((x) => /nsg-data inbound rule allow-pg/.test(x)),
      h.join('\n'),
    );
    // The finding points at the rule to change: the subnet NSG's (the NIC has none).
    assert.match(v[0]!.resource.id, /networkSecurityGroups\/nsg-data$/);
    assert.equal(v[0]!.resource.type, 'microsoft.network/networksecuritygroups');
    assert.equal(v[0]!.origin?.kind === 'file' && v[0]!.origin.pointer, '/nsg/allow-pg');
  });

  it('the backend NSG sees the backend port: frontendPort 80 → backendPort 5432 is asked on 5432', () => {
    const open = world([INTERNET_5432]);
    publicLb(open, [{ name: 'web', frontendPort: 80, backendPort: 5432 }]);
    assert.deepEqual(cell(run(open), 'internet', 'data').configurationPermits, ['tcp/5432']);
    const closed = world([['allow-80', 100, 'Inbound', 'Allow', 'Tcp', ['Internet'], ['*'], ['80']]]);
    publicLb(closed, [{ name: 'web', frontendPort: 80, backendPort: 5432 }]);
    assert.deepEqual(cell(run(closed), 'internet', 'data').configurationPermits, []);
  });

  it('an inbound NAT rule to one NIC is a path too', () => {
    const inv = world([['allow-ssh', 100, 'Inbound', 'Allow', 'Tcp', ['Internet'], ['*'], ['22']]]);
    publicLb(inv, [{ name: 'ssh-db', kind: 'inbound-nat', frontendPort: 50022, backendPort: 22, nic: 'nic-db' }]);
    const r = run(inv);
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, ['tcp/22']);
    const h = hops(violations(r, 'internet', 'data')[0]!);
    assert.ok(
      h.some((x) => /inbound NAT rule ssh-db \(Tcp 50022 -> 22\)/.test(x)),
      h.join('\n'),
    );
    // The NAT rule targets nic-db only: nic-app behind no rule stays unreachable.
    assert.deepEqual(cell(r, 'internet', 'app').configurationPermits, []);
  });

  it('an NSG with only the default rules keeps the internet out: AllowAzureLoadBalancerInBound admits the probe, not clients', () => {
    const inv = world([]);
    publicLb(inv, [{ name: 'pg', frontendPort: 5432, backendPort: 5432 }]);
    const r = run(inv);
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, []);
    assert.equal(violations(r, 'internet', 'data').length, 0);
    // A deny of Internet before an allow of any source: not permitted either.
    const denied = world([
      ['deny-internet', 100, 'Inbound', 'Deny', '*', ['Internet'], ['*']],
      ['allow-any', 200, 'Inbound', 'Allow', 'Tcp', ['*'], ['*'], ['5432']],
    ]);
    publicLb(denied, [{ name: 'pg', frontendPort: 5432, backendPort: 5432 }]);
    assert.deepEqual(cell(run(denied), 'internet', 'data').configurationPermits, []);
  });

  it('with Floating IP the NSG is asked about the front end address as the destination', () => {
    const toFront = world([['allow-fip', 100, 'Inbound', 'Allow', 'Tcp', ['Internet'], ['20.50.1.2'], ['5432']]]);
    publicLb(toFront, [{ name: 'pg', frontendPort: 5432, backendPort: 5432, floatingIp: true }]);
    assert.deepEqual(cell(run(toFront), 'internet', 'data').configurationPermits, ['tcp/5432']);
    const toNic = world([['allow-nic', 100, 'Inbound', 'Allow', 'Tcp', ['Internet'], ['10.1.3.4'], ['5432']]]);
    publicLb(toNic, [{ name: 'pg', frontendPort: 5432, backendPort: 5432, floatingIp: true }]);
    assert.deepEqual(cell(run(toNic), 'internet', 'data').configurationPermits, []);
  });
});

describe('verify (Azure): internal load balancer', () => {
  /** app in vnet-a, data in vnet-b (peered when asked); app's NSG denies the data subnet, not the front end. */
  function peered(peering: 'none' | 'open' | 'client-side-off') {
    const inv = azureInventory();
    vnet(inv, 'vnet-a', '10.1.0.0/16');
    vnet(inv, 'vnet-b', '10.2.0.0/16');
    nsg(inv, 'nsg-app', [rule('deny-data', 100, 'Outbound', 'Deny', '*', ['*'], ['10.2.3.0/24'])]);
    nsg(inv, 'nsg-data', [rule('allow-6333', 100, 'Inbound', 'Allow', 'Tcp', ['10.0.0.0/8'], ['*'], ['6333'])]);
    subnet(inv, 'vnet-a', 'app', '10.1.1.0/24', { nsg: 'nsg-app' });
    subnet(inv, 'vnet-b', 'data', '10.2.3.0/24', { nsg: 'nsg-data' });
    subnet(inv, 'vnet-b', 'lb', '10.2.9.0/24');
    nic(inv, 'nic-app', 'vnet-a', 'app', '10.1.1.4', { zone: 'app' });
    nic(inv, 'nic-db', 'vnet-b', 'data', '10.2.3.4', { zone: 'data' });
    if (peering !== 'none') peer(inv, 'vnet-a', 'vnet-b', { access: [peering === 'open', true] });
    loadBalancer(
      inv,
      'lb-int',
      { private: ['vnet-b', 'lb', '10.2.9.5'] },
      ['nic-db'],
      [{ name: 'vec', frontendPort: 6333, backendPort: 6333 }],
    );
    return inv;
  }

  it('a peered VNet reaches the backends through the front end, around an outbound rule naming the backends', () => {
    const r = run(peered('open'));
    const v = violations(r, 'app', 'data');
    assert.equal(v.length, 1);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['tcp/6333']);
    const h = hops(v[0]!);
    assert.ok(
      h.some((x) => /internal front end 10\.2\.9\.5\/32 of load balancer lb-int/.test(x)),
      h.join('\n'),
    );
    assert.ok(
      h.some((x) => /nsg-data inbound rule allow-6333/.test(x)),
      h.join('\n'),
    );
  });

  it('without the peering, or with the client side not allowing VNet access, no client reaches it', () => {
    for (const p of ['none', 'client-side-off'] as const) {
      const r = run(peered(p));
      assert.equal(violations(r, 'app', 'data').length, 0, p);
      assert.deepEqual(cell(r, 'app', 'data').configurationPermits, [], p);
    }
  });

  it('HA ports (protocol All, ports 0) carry every TCP and UDP port to the backend', () => {
    const inv = peered('open');
    Object.assign(inv.loadBalancers[0]!.rules[0]!, { protocol: 'All', frontendPort: 0, backendPort: 0 });
    // Only 6333/tcp and 53/udp: AllowVnetInBound would admit every port from the peered VNet.
    inv.networkSecurityGroups[1]!.securityRules.push(
      rule('allow-dns', 110, 'Inbound', 'Allow', 'Udp', ['10.0.0.0/8'], ['*'], ['53']),
      rule('deny-rest', 4000, 'Inbound', 'Deny', '*', ['*'], ['*']),
    );
    assert.deepEqual(cell(run(inv), 'app', 'data').configurationPermits, ['tcp/6333', 'udp/53']);
    // A TCP-only rule on the same front end leaves DNS out.
    inv.loadBalancers[0]!.rules[0]!.protocol = 'Tcp';
    assert.deepEqual(cell(run(inv), 'app', 'data').configurationPermits, ['tcp/6333']);
  });

  it('the client NSG sees the front end port, the backend NSG the backend port', () => {
    const inv = peered('open');
    inv.loadBalancers[0]!.rules[0]!.frontendPort = 16333;
    // The client may send to 6333 only: 16333 to the front end is dropped at its NSG.
    inv.networkSecurityGroups[0]!.securityRules.push(
      rule('allow-6333-out', 200, 'Outbound', 'Allow', 'Tcp', ['*'], ['*'], ['6333']),
      rule('deny-rest', 300, 'Outbound', 'Deny', '*', ['*'], ['*']),
    );
    assert.deepEqual(cell(run(inv), 'app', 'data').configurationPermits, []);
    inv.networkSecurityGroups[0]!.securityRules[1]!.destinationPorts = ['16333'];
    assert.deepEqual(cell(run(inv), 'app', 'data').configurationPermits, ['tcp/6333']);
  });
});

describe('verify (Azure): application gateway', () => {
  /** A public gateway in 10.1.8.0/24 (its NSG admits Internet 443) to nic-db's address on port 8080. */
  function gateway(dataRules: Parameters<typeof rule>[], gatewayRules?: Parameters<typeof rule>[]) {
    const inv = world(dataRules);
    nsg(
      inv,
      'nsg-agw',
      (gatewayRules ?? [['allow-443', 100, 'Inbound', 'Allow', 'Tcp', ['Internet'], ['*'], ['443']]]).map((x) =>
        rule(...x),
      ),
    );
    subnet(inv, 'vnet', 'agw', '10.1.8.0/24', { nsg: 'nsg-agw' });
    applicationGateway(
      inv,
      'agw',
      ['vnet', 'agw'],
      { publicAddress: '20.50.1.9' },
      443,
      [{ ipAddress: '10.1.3.4' }],
      8080,
    );
    return inv;
  }

  it('a backend NSG admitting only the gateway subnet lets the internet reach the data zone through it', () => {
    const r = run(
      gateway([
        ['allow-agw', 100, 'Inbound', 'Allow', 'Tcp', ['10.1.8.0/24'], ['*'], ['8080']],
        ['deny-all', 200, 'Inbound', 'Deny', '*', ['*'], ['*']],
      ]),
    );
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, ['tcp/443']);
    const h = hops(violations(r, 'internet', 'data')[0]!);
    assert.ok(
      h.some((x) => /inbound at the front end allowed by nsg-agw inbound rule allow-443/.test(x)),
      h.join('\n'),
    );
    assert.ok(
      h.some((x) =>
        /inbound from the proxy \(10\.1\.8\.0\/24\) to port 8080: allowed by nsg-data inbound rule allow-agw/.test(x),
      ),
      h.join('\n'),
    );
  });

  it('a backend NSG admitting nothing, or a gateway NSG keeping the internet out, leaves no path', () => {
    const none = run(gateway([['deny-all', 100, 'Inbound', 'Deny', '*', ['*'], ['*']]]));
    assert.deepEqual(cell(none, 'internet', 'data').configurationPermits, []);
    // AllowVnetInBound would admit the gateway, but its own subnet NSG drops the client (DenyAllInBound).
    const front = run(
      gateway([], [['allow-mgmt', 100, 'Inbound', 'Allow', 'Tcp', ['GatewayManager'], ['*'], ['65200-65535']]]),
    );
    assert.deepEqual(cell(front, 'internet', 'data').configurationPermits, []);
  });

  it('a private front end serves its VNet: app reaches data through it, the internet does not', () => {
    const inv = world([
      ['allow-agw', 100, 'Inbound', 'Allow', 'Tcp', ['10.1.8.0/24'], ['*'], ['8080']],
      ['deny-all', 200, 'Inbound', 'Deny', '*', ['*'], ['*']],
    ]);
    subnet(inv, 'vnet', 'agw', '10.1.8.0/24');
    applicationGateway(inv, 'agw', ['vnet', 'agw'], { privateAddress: '10.1.8.10' }, 443, [{ nic: 'nic-db' }], 8080);
    const r = run(inv);
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['tcp/443']);
    const h = hops(violations(r, 'app', 'data')[0]!);
    assert.ok(
      h.some((x) => /internal front end 10\.1\.8\.10\/32 of application gateway agw routing rule r/.test(x)),
      h.join('\n'),
    );
    assert.ok(
      h.some((x) => /backend pool pool holds nic-db/.test(x)),
      h.join('\n'),
    );
  });

  it('an FQDN backend is not resolved: the NICs the gateway reaches are undecided, never absent', () => {
    const inv = world([]);
    subnet(inv, 'vnet', 'agw', '10.1.8.0/24');
    applicationGateway(
      inv,
      'agw',
      ['vnet', 'agw'],
      { publicAddress: '20.50.1.9' },
      443,
      [{ fqdn: 'db.internal.example' }],
      8080,
    );
    const r = run(inv);
    const c = cell(r, 'internet', 'data');
    assert.deepEqual(c.configurationPermits, []);
    assert.deepEqual(c.unknown, ['tcp/443']);
    assert.equal(findings(r, 'verify-not-assessed', 'internet', 'data').length, 1);
    assert.ok(r.notes.some((n) => /names db\.internal\.example: names are not resolved/.test(n)));
  });
});

describe('verify (Azure): an application gateway in front of a private endpoint', () => {
  it('an FQDN backend may be a private endpoint (app.azurewebsites.net resolves to it): undecided, never absent', () => {
    const inv = azureInventory();
    vnet(inv, 'vnet', '10.1.0.0/16');
    subnet(inv, 'vnet', 'agw', '10.1.8.0/24');
    subnet(inv, 'vnet', 'pe', '10.1.5.0/24');
    nic(inv, 'nic-pe', 'vnet', 'pe', '10.1.5.4', { zone: 'data', privateEndpoint: 'pe-web' });
    privateEndpointOf(inv, 'nic-pe');
    applicationGateway(
      inv,
      'agw',
      ['vnet', 'agw'],
      { publicAddress: '20.50.1.9' },
      443,
      [{ fqdn: 'web-ref.azurewebsites.net' }],
      443,
    );
    const c = cell(run(inv), 'internet', 'data');
    assert.deepEqual(c.unknown, ['tcp/443']);
  });
});

describe('verify (Azure): an application gateway whose backend names a private endpoint’s resource', () => {
  it('web-ref.azurewebsites.net is the web app’s endpoint, not any NIC: the endpoint undecided, the database not reached', () => {
    const inv = world([['allow-https', 100, 'Inbound', 'Allow', 'Tcp', ['*'], ['*'], ['443']]]);
    subnet(inv, 'vnet', 'agw', '10.1.8.0/24');
    subnet(inv, 'vnet', 'pe', '10.1.5.0/24');
    nic(inv, 'nic-pe', 'vnet', 'pe', '10.1.5.4', { zone: 'app', privateEndpoint: 'pe-web' });
    privateEndpointOf(inv, 'nic-pe', [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/web-ref`]);
    applicationGateway(
      inv,
      'agw',
      ['vnet', 'agw'],
      { publicAddress: '20.50.1.9' },
      443,
      [{ fqdn: 'web-ref.azurewebsites.net' }],
      443,
    );
    const r = run(inv);
    assert.deepEqual(cell(r, 'internet', 'app').unknown, ['tcp/443']);
    // Before, any NIC the gateway reached might be the name: the database too.
    assert.deepEqual(cell(r, 'internet', 'data').unknown, []);
  });
});

describe('verify (Azure): an application gateway that relays to the internet', () => {
  it('an internal front end with a public backend address: the scope is not verified, never a pass', () => {
    const gaps = (backend: string, front: { privateAddress?: string; publicAddress?: string }) => {
      const inv = world([]);
      subnet(inv, 'vnet', 'agw', '10.1.8.0/24');
      applicationGateway(inv, 'agw', ['vnet', 'agw'], front, 443, [{ ipAddress: backend }], 443);
      return gapFindings(compileAzure(inv, AZURE_POLICY)).map((f) => f.message);
    };
    const out = gaps('52.10.20.30', { privateAddress: '10.1.8.10' });
    assert.equal(out.length, 1, out.join('\n'));
    assert.match(out[0]!, /relays the clients of its internal front end to public address 52\.10\.20\.30/);
    // A private backend cordon does not hold is a note, as before; a public front end's clients are the internet.
    assert.deepEqual(gaps('10.1.9.9', { privateAddress: '10.1.8.10' }), []);
    assert.deepEqual(gaps('52.10.20.30', { publicAddress: '20.50.1.9' }), []);
  });
});

describe('verify (Azure): load balancer data that could not be read', () => {
  it('a subscription whose load balancers could not be read is not verified there', () => {
    const inv = world([INTERNET_5432]);
    const clean = compileAzure(inv, AZURE_POLICY);
    assert.equal(gapFindings(clean).length, 0);
    inv.unavailable.set(SUB, new Map([['network:load-balancers', { reason: 'AuthorizationFailed' }]]));
    const m = compileAzure(inv, AZURE_POLICY);
    const f = gapFindings(m);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.checkId, 'verify-not-assessed');
    assert.match(f[0]!.message, /load balancers could not be read/);
  });

  it('a NIC in the pool of a load balancer not in the inventory is an undecided backend', () => {
    const inv = world([INTERNET_5432]);
    inv.networkInterfaces.find((n) => n.name === 'nic-db')!.ipConfigurations[0]!.loadBalancerBackendAddressPoolIds = [
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/other/backendAddressPools/p`,
    ];
    const m = compileAzure(inv, AZURE_POLICY);
    assert.equal(m.loadBalancers?.length, 2);
    assert.ok((m.loadBalancers ?? []).every((l) => l.backends.every((b) => !b.sure)));
    assert.ok(m.notes.some((n) => /load balancer other, which is not in the inventory/.test(n)));
    const r = run(inv);
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'internet', 'data').unknown, ['tcp/5432']);
  });
});
