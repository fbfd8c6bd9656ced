/**
 * Cloud Router learned routes (routers.getRouterStatus): where a router's status was read, only destinations in its
 * learned prefixes leave by a next hop cordon does not follow (unknown); everything else is decided by the static
 * routes. Where it was not read, routing beyond the subnets stays unknown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GcpInventory, GcpLearnedRoute, GcpRouter, GcpRouterStatus } from '../../src/inventory/gcp.js';
import { compileGcp } from '../../src/verify/gcp.js';
import { Tracer } from '../../src/verify/trace.js';
import { verifyModel } from '../../src/verify/questions.js';
import { parsePolicy } from '../../src/policy/load.js';
import { firewall, network, PROJECT } from '../support/gcp-build.js';
import { cell, GCP_POLICY, gcpWorld, hops, NET, route, router, runGcp, violations, witness } from './gcp-helpers.js';

const TUNNEL = `projects/${PROJECT}/regions/us-central1/vpnTunnels/ha-tunnel-0`;

/** An HA VPN router with a BGP session (region us-central1 unless told). */
function vpnRouter(name = 'cr-vpn', region = 'us-central1', net = NET): GcpRouter {
  return {
    ...router(name, {}, net),
    region,
    id: `projects/${PROJECT}/regions/${region}/routers/${name}`,
    nats: [],
    bgpPeers: [{ name: 'onprem-0', pointer: '/bgpPeers/0' }],
    interfaces: [{ name: 'if-0', linkedVpnTunnel: TUNNEL, pointer: '/interfaces/0' }],
  };
}

function status(r: GcpRouter, routes: Partial<GcpLearnedRoute>[], session = 'UP'): GcpRouterStatus {
  return {
    project: PROJECT,
    region: r.region,
    origin: { kind: 'file', file: 'router-status.json' },
    id: r.id,
    name: r.name,
    network: r.network,
    peers: [{ name: 'onprem-0', status: session, pointer: '/result/bgpPeerStatus/0' }],
    routes: routes.map((x, i) => ({
      destRange: '192.168.0.0/16',
      priority: 100,
      nextHopIp: '169.254.0.2',
      nextHopVpnTunnel: TUNNEL,
      routeType: 'BGP',
      routeStatus: 'ACTIVE',
      list: 'bestRoutes' as const,
      pointer: `/result/bestRoutes/${i}`,
      ...x,
    })),
  };
}

/** The three-zone world with an HA VPN router whose status learned `learned` (undefined: status not read). */
function world(
  learned: Partial<GcpLearnedRoute>[] | undefined,
  opts: { defaultRoute?: boolean; parts?: Partial<GcpInventory>; r?: GcpRouter } = {},
): GcpInventory {
  const r = opts.r ?? vpnRouter();
  return gcpWorld(
    {
      routes: opts.defaultRoute === false ? [] : [route('default-internet', '0.0.0.0/0')],
      routers: [r],
      routerStatuses: learned ? [status(r, learned)] : [],
      ...opts.parts,
    },
    { externalDb: true },
  );
}

const DATA_NET = '192.168.0.0/16';

/** Traces db-1 (10.1.3.10) to `dst` on tcp/443. */
function traceFromDb(inv: GcpInventory, dst: number) {
  const model = compileGcp(inv, GCP_POLICY);
  const db = model.interfaces.find((i) => i.id === 'db-1')!;
  return new Tracer(model, [32768, 60999]).trace(
    { kind: 'interface', iface: db },
    { fam: 0, src: 0x0a01030a, dst, proto: 6, port: 443 },
    'exists',
  );
}

describe('verify (GCP): Cloud Router learned routes from routers.getRouterStatus', () => {
  it('status read, 192.168.0.0/16 learned: data -> internet is decided — a violation with a witness over the default route', () => {
    const r = runGcp(world([{ destRange: DATA_NET }]));
    const c = cell(r, 'data', 'internet');
    assert.deepEqual(c.unknown, [], JSON.stringify(c));
    assert.ok(c.violations > 0, JSON.stringify(c));
    const v = violations(r, 'data', 'internet');
    assert.ok(v.length > 0);
    assert.ok(
      hops(v[0]!).some((h) => /default-internet/.test(h)),
      JSON.stringify(witness(v[0]!)),
    );
  });
  it('status read, no default route to the internet gateway: data -> internet is clean', () => {
    const r = runGcp(world([{ destRange: DATA_NET }], { defaultRoute: false }));
    const c = cell(r, 'data', 'internet');
    assert.deepEqual(c.unknown, [], JSON.stringify(c));
    assert.equal(c.violations, 0, JSON.stringify(c));
    assert.deepEqual(violations(r, 'data', 'internet'), []);
  });
  it('status not read: data -> internet stays undecided (as before)', () => {
    const r = runGcp(world(undefined));
    assert.ok(cell(r, 'data', 'internet').unknown.length > 0, JSON.stringify(cell(r, 'data', 'internet')));
    const model = compileGcp(world(undefined), GCP_POLICY);
    assert.ok(
      model.notes.some((n) => /cr-vpn .*routers\.getRouterStatus\) was not read/.test(n)),
      model.notes.join('\n'),
    );
  });
  it('a destination in a learned prefix is maybe at the route, naming the tunnel and the prefix; one outside is not', () => {
    const inv = world([{ destRange: DATA_NET }], { defaultRoute: false });
    const atRoutes = (dst: number) => traceFromDb(inv, dst).hops.find((h) => h.at === 'vpc-ai routes');
    const inside = atRoutes(0xc0a80105); // 192.168.1.5
    assert.equal(inside?.verdict, 'maybe', JSON.stringify(inside));
    assert.match(inside.what, /192\.168\.0\.0\/16/);
    assert.match(inside.what, /ha-tunnel-0/);
    assert.equal(inside.ref?.origin?.kind === 'file' && inside.ref.origin.pointer, '/result/bestRoutes/0');
    const outside = traceFromDb(inv, 0x0ac80001); // 10.200.0.1: no route at all
    assert.equal(outside.verdict, 'no');
    assert.ok(!outside.hops.some((h) => h.verdict === 'maybe'), JSON.stringify(outside.hops));
  });
  it('a BGP session not UP has withdrawn what it learned: routing beyond the subnets is unknown again', () => {
    for (const session of ['DOWN', 'UNKNOWN']) {
      const r = world(undefined);
      r.routerStatuses = [status(r.routers[0]!, [{ destRange: DATA_NET }], session)];
      assert.ok(cell(runGcp(r), 'data', 'internet').unknown.length > 0, session);
      assert.ok(
        compileGcp(r, GCP_POLICY).notes.some((n) => /session\(s\) onprem-0 are not UP/.test(n)),
        session,
      );
    }
  });
  it('a learned 0.0.0.0/0 makes data -> internet maybe', () => {
    const r = runGcp(world([{ destRange: '0.0.0.0/0' }]));
    assert.ok(cell(r, 'data', 'internet').unknown.length > 0, JSON.stringify(cell(r, 'data', 'internet')));
  });
  it('a learned 0.0.0.0/0 with a higher priority number than the static default route does not take it', () => {
    const r = runGcp(world([{ destRange: '0.0.0.0/0', priority: 2000 }]));
    const c = cell(r, 'data', 'internet');
    assert.deepEqual(c.unknown, [], JSON.stringify(c));
    assert.ok(c.violations > 0);
    // At an equal priority the winner is not documented: unknown.
    const tie = runGcp(world([{ destRange: '0.0.0.0/0', priority: 1000 }]));
    assert.ok(cell(tie, 'data', 'internet').unknown.length > 0);
  });
  it('a DROPPED learned route (over the dynamic route limit) is not in the data plane', () => {
    const r = runGcp(world([{ destRange: '0.0.0.0/0', routeStatus: 'DROPPED' }]));
    assert.deepEqual(cell(r, 'data', 'internet').unknown, []);
  });
  it('a learned prefix inside a subnet range is not installed: the subnet route keeps it', () => {
    // db-1 admits tcp/6333 from the whole network: app -> data is a decided violation, inference -> data allowed.
    const open = firewall('allow-6333', {
      direction: 'INGRESS',
      sourceRanges: ['10.1.0.0/16'],
      allowed: [{ protocol: 'tcp', ports: ['6333'] }],
    });
    const r = runGcp(world([{ destRange: '10.1.3.0/25' }], { parts: { firewalls: [open] } }));
    assert.deepEqual(cell(r, 'app', 'data').unknown, [], JSON.stringify(cell(r, 'app', 'data')));
    assert.ok(cell(r, 'app', 'data').violations > 0);
    assert.deepEqual(cell(r, 'inference', 'data').unknown, []);
  });
  it('REGIONAL dynamic routing: a router in another region learns nothing for this region; GLOBAL: it does', () => {
    const far = vpnRouter('cr-eu', 'europe-west1');
    const regional = (mode: string) =>
      world(undefined, { r: far, parts: { networks: [network('vpc-ai', { routingMode: mode })] } });
    assert.deepEqual(cell(runGcp(regional('REGIONAL')), 'data', 'internet').unknown, []);
    assert.ok(cell(runGcp(regional('GLOBAL')), 'data', 'internet').unknown.length > 0);
    // Same region, REGIONAL: its learned routes apply.
    const near = world([{ destRange: '0.0.0.0/0' }], {
      parts: { networks: [network('vpc-ai', { routingMode: 'REGIONAL' })] },
    });
    assert.ok(cell(runGcp(near), 'data', 'internet').unknown.length > 0);
  });
  it('peering: a peer’s learned routes are imported only with importCustomRoutes and exportCustomRoutes', () => {
    const hub = `projects/${PROJECT}/global/networks/hub`;
    const hubRouter = vpnRouter('cr-hub', 'us-central1', hub);
    const peered = (imports: boolean) =>
      world(undefined, {
        parts: {
          networks: [
            network('vpc-ai', {
              peerings: [
                { name: 'to-hub', network: hub, state: 'ACTIVE', importCustomRoutes: imports, pointer: '/peerings/0' },
              ],
            }),
            network('hub', {
              peerings: [
                { name: 'to-ai', network: NET, state: 'ACTIVE', exportCustomRoutes: true, pointer: '/peerings/0' },
              ],
            }),
          ],
          routers: [hubRouter],
          routerStatuses: [status(hubRouter, [{ destRange: '0.0.0.0/0' }])],
        },
      });
    assert.deepEqual(cell(runGcp(peered(false)), 'data', 'internet').unknown, []);
    assert.ok(cell(runGcp(peered(true)), 'data', 'internet').unknown.length > 0);
  });
});

describe('verify (GCP): an on-premises zone behind the learned routes', () => {
  const onpremPolicy = parsePolicy(
    'onprem.yaml',
    `version: 1
zones:
  app: {}
  inference: {}
  data: {}
  onprem: { cidrs: [192.168.0.0/16] }
  internet: { kind: internet }
rules: []
`,
  );
  const run = (inv: GcpInventory) =>
    verifyModel(compileGcp(inv, onpremPolicy), onpremPolicy, { clientPorts: [32768, 60999] });
  const open = firewall('allow-db-from-corp', {
    sourceRanges: ['192.168.0.0/16'],
    allowed: [{ protocol: 'tcp', ports: ['5432'] }],
  });
  it('a firewall rule open to the corporate range over HA VPN: not assessed at the rule, never a pass', () => {
    const r = run(world([{ destRange: '192.168.0.0/16' }], { parts: { firewalls: [open] } }));
    assert.deepEqual(cell(r, 'onprem', 'data').unknown, ['tcp/5432']);
    const f = r.findings.filter((x) => x.checkId === 'verify-not-assessed' && x.evidence?.from === 'onprem');
    assert.ok(f.length > 0 && f.every((x) => x.resource.id.endsWith('allow-db-from-corp')), JSON.stringify(f));
  });
  it('learned routes that do not cover the corporate range: no reply can reach it, nothing to report', () => {
    const r = run(world([{ destRange: '172.16.0.0/12' }], { parts: { firewalls: [open] } }));
    assert.deepEqual(cell(r, 'onprem', 'data').unknown, []);
  });
});
