/**
 * Google Cloud load balancers in `cordon verify`, each trap with a configuration that trips it and one that does not:
 * what source the backend's firewall sees (Google Front Ends for a proxy, the client for a passthrough load
 * balancer), who may reach an internal front end, and what cordon cannot follow (group members not listed, a backend
 * service of a project not read, Cloud Armor) being undecided rather than absent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GcpInventory } from '../../src/inventory/gcp.js';
import { firewall, network, PROJECT, subnetwork } from '../support/gcp-build.js';
import {
  cell,
  findings,
  gcpWorld,
  hops,
  loadBalancer,
  runGcp,
  violations,
  vm,
  witness,
  type LbSpec,
} from './gcp-helpers.js';

const GFE = ['35.191.0.0/16', '130.211.0.0/22'];
const allow = (name: string, sourceRanges: string[], port: number, target = 'app') =>
  firewall(name, { sourceRanges, targetTags: [target], allowed: [{ protocol: 'tcp', ports: [String(port)] }] });

/** The three-zone world with one load balancer and these firewall rules. */
function world(lb: LbSpec, firewalls: ReturnType<typeof firewall>[], parts: Partial<GcpInventory> = {}) {
  const l = loadBalancer(lb);
  return runGcp(gcpWorld({ ...l, firewalls, ...parts }));
}

describe('verify (GCP): load balancers', () => {
  it('a proxy load balancer reaches its backends from the Google Front End ranges, not from the client', () => {
    const proxy: LbSpec = { kind: 'proxy', members: ['app-1'], backendPort: 8443 };
    // Admitting the clients' own range at the backend does not let the proxy in.
    const closed = world(proxy, [allow('allow-clients', ['81.2.69.0/24'], 8443)]);
    assert.deepEqual(cell(closed, 'internet', 'app').configurationPermits, []);
    assert.equal(violations(closed, 'internet', 'app').length, 0);
    // Admitting the GFE ranges on the backend port opens the front end's port to the whole internet.
    const open = world(proxy, [allow('allow-gfe', GFE, 8443)]);
    assert.deepEqual(cell(open, 'internet', 'app').configurationPermits, ['tcp/443']);
    const v = violations(open, 'internet', 'app');
    assert.equal(v.length, 1);
    // The finding points at the rule that lets the proxy in (the client's own packet would meet the implied deny).
    assert.equal(v[0]!.resource.id, `projects/${PROJECT}/global/firewalls/allow-gfe`);
    const h = hops(v[0]!);
    assert.match(h[0]!, /^forwarding rule lb-fr: to the external front end 34\.100\.0\.1\/32 of forwarding rule lb-fr/);
    assert.match(h[1]!, /backend service lb-bs: instance group lb-ig holds app-1, port 8443/);
    assert.match(
      h[2]!,
      /inbound from the proxy \(35\.191\.0\.0\/16, 130\.211\.0\.0\/22\) to port 8443: allowed by VPC firewall rule allow-gfe/,
    );
    // The wrong backend port: the named port is 8443, the rule admits 443.
    assert.deepEqual(cell(world(proxy, [allow('allow-gfe', GFE, 443)]), 'internet', 'app').configurationPermits, []);
  });

  it('a passthrough load balancer delivers the client packet: the client range on the front end port must be admitted', () => {
    const pass: LbSpec = { kind: 'passthrough', members: ['app-1'], port: 443 };
    // The proxy ranges on another port do nothing for it.
    const closed = world(pass, [allow('allow-gfe', GFE, 8443)]);
    assert.deepEqual(cell(closed, 'internet', 'app').configurationPermits, []);
    const open = world(pass, [allow('allow-clients', ['81.2.69.0/24'], 443)]);
    const v = violations(open, 'internet', 'app');
    assert.equal(v.length, 1);
    assert.match(witness(v[0]!).packet, /^81\.2\.69\.\d+ -> 10\.1\.1\.10 tcp\/443$/);
    assert.ok(
      hops(v[0]!).some((x) => /inbound allowed by VPC firewall rule allow-clients/.test(x)),
      hops(v[0]!).join('\n'),
    );
    // Without the load balancer the instance (no external IP) is not reachable at all.
    const none = runGcp(gcpWorld({ firewalls: [allow('allow-clients', ['81.2.69.0/24'], 443)] }));
    assert.deepEqual(cell(none, 'internet', 'app').configurationPermits, []);
  });

  describe('an internal load balancer is reached only from its network, peered networks, and its region', () => {
    const ilb = (extra: Partial<LbSpec> = {}): LbSpec => ({
      kind: 'internal',
      members: ['db-1'],
      port: 6333,
      ...extra,
    });
    // The data port is open to private space at the backend; app instances may not send to the data subnet directly.
    const rules = (nets: string[]) => [
      allow('allow-data', ['10.0.0.0/8'], 6333, 'data'),
      ...nets.map((n) =>
        firewall(`deny-app-to-data-${n}`, {
          network: `projects/${PROJECT}/global/networks/${n}`,
          direction: 'EGRESS',
          priority: 100,
          destinationRanges: ['10.1.3.0/24'],
          targetTags: ['app'],
          denied: [{ protocol: 'all', ports: [] }],
        }),
      ),
    ];
    const lbSubnet = subnetwork('snet-lb', '10.1.9.0/24');

    it('from its own network: the front end is a way around an egress rule that names the backends', () => {
      const base = gcpWorld({ firewalls: rules(['vpc-ai']) });
      assert.equal(violations(runGcp(base), 'app', 'data').length, 0, 'the direct path is closed');
      const r = world(ilb(), rules(['vpc-ai']), { subnetworks: [...base.subnetworks, lbSubnet] });
      const v = violations(r, 'app', 'data');
      assert.equal(v.length, 1);
      const h = hops(v[0]!);
      assert.ok(
        h.some((x) => /app-1: outbound allowed by implied allow egress rule/.test(x)),
        h.join('\n'),
      );
      assert.ok(
        h.some((x) => /internal front end 10\.1\.9\.5\/32 of forwarding rule lb-fr/.test(x)),
        h.join('\n'),
      );
      assert.ok(
        h.some((x) => /db-1: inbound allowed by VPC firewall rule allow-data/.test(x)),
        h.join('\n'),
      );
    });

    it('an internal Application Load Balancer connects from the proxy-only subnet of its region and network', () => {
      const base = gcpWorld();
      const proxyOnly = subnetwork('proxy-only', '10.129.0.0/23', { purpose: 'REGIONAL_MANAGED_PROXY' });
      const alb = ilb({ kind: 'internal-proxy', port: 443, backendPort: 8443 });
      const deny = rules(['vpc-ai']).slice(1);
      const subnets = [...base.subnetworks, lbSubnet, proxyOnly];
      // The app subnet admitted at the backend does not let the proxy in.
      const fromApp = world(alb, [allow('allow-app', ['10.1.1.0/24'], 8443, 'data'), ...deny], {
        subnetworks: subnets,
      });
      assert.equal(violations(fromApp, 'app', 'data').length, 0);
      assert.deepEqual(cell(fromApp, 'app', 'data').configurationPermits, []);
      const fromProxy = world(alb, [allow('allow-proxy', ['10.129.0.0/23'], 8443, 'data'), ...deny], {
        subnetworks: subnets,
      });
      const v = violations(fromProxy, 'app', 'data');
      assert.equal(v.length, 1);
      assert.deepEqual(cell(fromProxy, 'app', 'data').configurationPermits, ['tcp/443']);
      assert.ok(
        hops(v[0]!).some((x) =>
          /inbound from the proxy \(10\.129\.0\.0\/23\) to port 8443: allowed by VPC firewall rule allow-proxy/.test(x),
        ),
        hops(v[0]!).join('\n'),
      );
      // Without the proxy-only subnet in the inventory, what the backend admits from the proxy is not decided.
      const unknown = world(alb, [allow('allow-proxy', ['10.129.0.0/23'], 8443, 'data'), ...deny], {
        subnetworks: [...base.subnetworks, lbSubnet],
      });
      assert.equal(violations(unknown, 'app', 'data').length, 0);
      assert.deepEqual(cell(unknown, 'app', 'data').unknown, ['tcp/443']);
      assert.ok(
        unknown.notes.some((n) => /no REGIONAL_MANAGED_PROXY proxy-only subnet/.test(n)),
        unknown.notes.join('\n'),
      );
    });

    it('from another network only over a peering', () => {
      const peer = (from: string, to: string) =>
        network(from, {
          peerings: [
            {
              name: `to-${to}`,
              network: `projects/${PROJECT}/global/networks/${to}`,
              state: 'ACTIVE',
              pointer: '/peerings/0',
            },
          ],
        });
      const parts = (peered: boolean): Partial<GcpInventory> => {
        const base = gcpWorld();
        return {
          networks: peered ? [peer('vpc-ai', 'vpc-b'), peer('vpc-b', 'vpc-ai')] : [network('vpc-ai'), network('vpc-b')],
          subnetworks: [
            ...base.subnetworks.filter((s) => s.name !== 'snet-app'),
            lbSubnet,
            subnetwork('vpc-b-snet-app', '10.2.1.0/24', { network: `projects/${PROJECT}/global/networks/vpc-b` }),
          ],
          instances: [
            vm('app-1', '10.2.1.10', 'app', { net: 'vpc-b' }),
            ...base.instances.filter((i) => i.name !== 'app-1'),
          ],
        };
      };
      const lonely = world(ilb(), rules(['vpc-ai', 'vpc-b']), parts(false));
      assert.equal(violations(lonely, 'app', 'data').length, 0);
      const peered = world(ilb(), rules(['vpc-ai', 'vpc-b']), parts(true));
      assert.equal(violations(peered, 'app', 'data').length, 1);
      assert.ok(hops(violations(peered, 'app', 'data')[0]!).some((x) => /forwarding rule lb-fr/.test(x)));
    });

    it('from another region only with global access', () => {
      const parts = (): Partial<GcpInventory> => {
        const base = gcpWorld();
        const app = vm('app-1', '10.1.1.10', 'app');
        app.region = 'europe-west1';
        app.zone = 'europe-west1-b';
        app.id = `projects/${PROJECT}/zones/europe-west1-b/instances/app-1`;
        app.networkInterfaces[0]!.subnetwork = `projects/${PROJECT}/regions/europe-west1/subnetworks/snet-app`;
        return {
          subnetworks: [
            ...base.subnetworks.filter((s) => s.name !== 'snet-app'),
            subnetwork('snet-app', '10.1.1.0/24', {
              region: 'europe-west1',
              id: `projects/${PROJECT}/regions/europe-west1/subnetworks/snet-app`,
            }),
            lbSubnet,
          ],
          instances: [app, ...base.instances.filter((i) => i.name !== 'app-1')],
        };
      };
      const regional = world(ilb(), rules(['vpc-ai']), parts());
      assert.equal(violations(regional, 'app', 'data').length, 0);
      const global = world(ilb({ globalAccess: true }), rules(['vpc-ai']), parts());
      assert.equal(violations(global, 'app', 'data').length, 1);
    });
  });

  it('an instance group whose members were not listed, or a Cloud Armor policy: undecided, never absent', () => {
    const rules = [allow('allow-clients', ['0.0.0.0/0'], 443)];
    const known = world({ kind: 'passthrough', members: ['app-1'] }, rules);
    assert.equal(violations(known, 'internet', 'app').length, 1);
    const specs: LbSpec[] = [{ kind: 'passthrough' }, { kind: 'passthrough', members: ['app-1'], armor: true }];
    for (const spec of specs) {
      const r = world(spec, rules);
      assert.equal(violations(r, 'internet', 'app').length, 0, JSON.stringify(spec));
      assert.deepEqual(cell(r, 'internet', 'app').unknown, ['tcp/443'], JSON.stringify(spec));
      const u = findings(r, 'verify-not-assessed', 'internet', 'app');
      assert.equal(u.length, 1, JSON.stringify(spec));
      assert.ok(
        hops(u[0]!).some((x) => /backend service lb-bs.*\(cannot tell\)/.test(x)),
        hops(u[0]!).join('\n'),
      );
    }
    const unlisted = world({ kind: 'passthrough' }, rules);
    assert.ok(
      unlisted.notes.some((n) => /members of instance group lb-ig were not listed/.test(n)),
      unlisted.notes.join('\n'),
    );
  });

  it('a target cordon does not follow (a target instance) is undecided for every instance, not a note beside a pass', () => {
    const l = loadBalancer({ kind: 'passthrough', members: ['app-1'] });
    const fr = {
      ...l.forwardingRules![0]!,
      backendService: undefined,
      target: `projects/${PROJECT}/zones/us-central1-a/targetInstances/ti`,
    };
    const r = runGcp(gcpWorld({ forwardingRules: [fr], firewalls: [allow('allow-clients', ['0.0.0.0/0'], 443)] }));
    assert.equal(violations(r, 'internet', 'app').length, 0);
    assert.deepEqual(cell(r, 'internet', 'app').unknown, ['tcp/443']);
    assert.ok(
      r.notes.some((n) => /lb-fr is not modelled \(target ti\)/.test(n)),
      r.notes.join('\n'),
    );
  });

  it('a forwarding rule whose backend service is in another project (Shared VPC): followed when read, else undecided', () => {
    const rules = [allow('allow-clients', ['0.0.0.0/0'], 443)];
    const read = world({ kind: 'passthrough', members: ['app-1'], serviceProject: 'host-proj' }, rules);
    assert.equal(violations(read, 'internet', 'app').length, 1);
    assert.ok(hops(violations(read, 'internet', 'app')[0]!).some((x) => /backend service lb-bs/.test(x)));
    const unread = world({ kind: 'passthrough', members: ['app-1'], serviceProject: 'not-read' }, rules);
    assert.equal(violations(unread, 'internet', 'app').length, 0);
    assert.deepEqual(cell(unread, 'internet', 'app').unknown, ['tcp/443']);
    assert.ok(
      unread.notes.some((n) => /backend service lb-bs is not in the inventory/.test(n)),
      unread.notes.join('\n'),
    );
  });
});
