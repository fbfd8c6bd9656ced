/**
 * What the compilers know they do not model (model.gaps, or paths made unknown) never lets a scope pass: each gap has
 * a configuration that trips it and the same world without it, which passes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyInventory, verifyPasses } from '../../src/verify/run.js';
import { ALL_VERIFY_CHECKS } from '../../src/verify/checks.js';
import type { GcpForwardingRule, GcpInventory, GcpRouter } from '../../src/inventory/gcp.js';
import { network, PROJECT } from '../support/gcp-build.js';
import { GCP_POLICY, gcpWorld, NET, route, router, runGcp } from './gcp-helpers.js';
import { AZURE_POLICY, azureInventory, nic, subnet as azSubnet, vnet as azVnet } from './azure-helpers.js';
import { appToInference, POLICY } from './helpers.js';
import type { AwsInventory } from '../../src/inventory/aws.js';

const IDS = new Set(ALL_VERIFY_CHECKS.map((c) => c.id));
type Verification = ReturnType<typeof verifyInventory>;
const notAssessed = (v: Verification) =>
  [...v.result.findings, ...v.extra].filter((f) => f.checkId === 'verify-not-assessed').map((f) => f.message);
const passed = (v: Verification) => verifyPasses(v, IDS).map((f) => `${f.checkId} ${f.resource.id}`);

// ---- Google Cloud

/** The three-zone world with every data set the model reads; `edit` adds the gap. */
function gcp(edit: (inv: GcpInventory) => void = () => {}): Verification {
  const inv = gcpWorld();
  for (const d of ['compute:addresses', 'compute:forwarding-rules'] as const) inv.datasets.get(PROJECT)!.add(d);
  edit(inv);
  return verifyInventory({ provider: 'gcp', inventory: inv, errors: [], files: 1 } as never, GCP_POLICY);
}

const forwardingRule = (name: string, extra: Partial<GcpForwardingRule>): GcpForwardingRule => ({
  ports: [],
  project: PROJECT,
  region: 'us-central1',
  origin: { kind: 'file', file: 'test.json', pointer: `/forwardingRules/${name}` },
  id: `projects/${PROJECT}/regions/us-central1/forwardingRules/${name}`,
  name,
  labels: {},
  network: NET,
  ...extra,
});

describe('verify model gaps (GCP): what the compiler does not model is not assessed, never a pass', () => {
  it('the world without a gap passes (the control)', () => {
    const v = gcp();
    assert.deepEqual(notAssessed(v), []);
    assert.ok(passed(v).includes(`verify-zone-violation projects/${PROJECT}`), JSON.stringify(passed(v)));
  });
  it('alias IP ranges (GKE pods) on an instance', () => {
    const v = gcp((inv) => {
      inv.instances.find((i) => i.name === 'db-1')!.networkInterfaces[0]!.aliasIpRanges = ['10.8.0.0/24'];
    });
    assert.ok(
      notAssessed(v).some((m) => /alias IP ranges/.test(m) && /db-1/.test(m)),
      JSON.stringify(notAssessed(v)),
    );
    assert.deepEqual(passed(v), []);
  });
  it('a Shared VPC host whose service projects may hold instances not read', () => {
    const v = gcp((inv) => {
      inv.projects[0]!.xpnProjectStatus = 'HOST';
    });
    assert.ok(
      notAssessed(v).some((m) => /Shared VPC host/.test(m)),
      JSON.stringify(notAssessed(v)),
    );
    assert.deepEqual(passed(v), []);
  });
  it('a Private Service Connect endpoint to a service attachment', () => {
    const v = gcp((inv) => {
      inv.forwardingRules.push(
        forwardingRule('psc-vertex', {
          IPAddress: '10.1.2.50',
          target: 'projects/tenant/regions/us-central1/serviceAttachments/sa-1',
        }),
      );
    });
    assert.ok(
      notAssessed(v).some((m) => /Private Service Connect/.test(m) && /psc-vertex/.test(m)),
      JSON.stringify(notAssessed(v)),
    );
    assert.deepEqual(passed(v), []);
  });
  it('an instance whose subnetwork is not in the inventory', () => {
    const v = gcp((inv) => {
      inv.instances.find((i) => i.name === 'db-1')!.networkInterfaces[0]!.subnetwork =
        `projects/${PROJECT}/regions/us-central1/subnetworks/unread`;
    });
    assert.ok(
      notAssessed(v).some((m) => /subnetwork or network is not in the inventory/.test(m) && /db-1/.test(m)),
      JSON.stringify(notAssessed(v)),
    );
    assert.deepEqual(passed(v), []);
  });
  it('a Workbench instance whose VM was not read is verified as the VM its gceSetup describes', () => {
    const v = gcp((inv) => {
      inv.workbenchInstances.push({
        project: PROJECT,
        region: 'us-central1',
        zone: 'us-central1-a',
        origin: { kind: 'file', file: 'wb.json' },
        id: `projects/${PROJECT}/locations/us-central1-a/instances/nb-1`,
        name: 'nb-1',
        labels: { securityzone: 'data' },
        networkInterfaces: [
          {
            network: NET,
            subnet: `projects/${PROJECT}/regions/us-central1/subnetworks/snet-data`,
            hasExternalIp: false,
            pointer: '/gceSetup/networkInterfaces/0',
          },
        ],
        tags: ['data'],
        serviceAccounts: [],
        apiVersion: 'v2',
      });
    });
    assert.deepEqual(notAssessed(v), []);
    assert.equal(v.result.stats.interfaces, 4, 'the notebook VM is in the model');
  });
});

describe('verify (GCP): routes the inventory does not list make the paths they may take unknown', () => {
  const cell = (r: ReturnType<typeof runGcp>, from: string, to: string) =>
    r.matrix.find((m) => m.from === from && m.to === to)!;
  /** db-1 with an external IP and the default route: data -> internet is permitted (a violation). */
  const exposed = (parts: Partial<GcpInventory> = {}) =>
    gcpWorld({ routes: [route('default-internet', '0.0.0.0/0')], ...parts }, { externalDb: true });
  const bgp = (extra: Partial<GcpRouter>): GcpRouter => ({ ...router('cr-1'), nats: [], ...extra });

  it('without dynamic routes, data -> internet is decided', () => {
    const r = runGcp(exposed({ routers: [bgp({})] }));
    assert.deepEqual(cell(r, 'data', 'internet').unknown, []);
    assert.ok(cell(r, 'data', 'internet').violations > 0);
  });
  const cases: [string, Partial<GcpRouter>][] = [
    ['a Cloud Router with a BGP peer', { bgpPeers: [{ name: 'onprem', pointer: '/bgpPeers/0' }] }],
    [
      'a Cloud Router interface linked to an Interconnect attachment',
      { interfaces: [{ name: 'if-1', linkedInterconnectAttachment: 'att-1', pointer: '/interfaces/0' }] },
    ],
  ];
  for (const [what, extra] of cases)
    it(`${what}: routing beyond the subnets is unknown, within them it is not`, () => {
      const r = runGcp(exposed({ routers: [bgp(extra)] }));
      assert.ok(cell(r, 'data', 'internet').unknown.length > 0, JSON.stringify(cell(r, 'data', 'internet')));
      // Cloud Router installs no learned prefix inside a subnet range: traffic between zones stays decided.
      assert.deepEqual(cell(r, 'app', 'data').unknown, []);
    });
  it('a disabled BGP peer learns nothing', () => {
    const r = runGcp(
      exposed({ routers: [bgp({ bgpPeers: [{ name: 'off', enable: 'FALSE', pointer: '/bgpPeers/0' }] })] }),
    );
    assert.deepEqual(cell(r, 'data', 'internet').unknown, []);
  });

  const peer = (name: string, extra: { importCustomRoutes?: boolean; exportCustomRoutes?: boolean } = {}) => ({
    name,
    state: 'ACTIVE',
    pointer: '/peerings/0',
    ...extra,
  });
  it('a peering to a network not in the inventory: routing beyond the subnets is unknown', () => {
    const r = runGcp(
      exposed({
        networks: [
          network('vpc-ai', { peerings: [{ ...peer('to-unread'), network: `projects/other/global/networks/unread` }] }),
        ],
      }),
    );
    assert.ok(cell(r, 'data', 'internet').unknown.length > 0, JSON.stringify(cell(r, 'data', 'internet')));
  });
  it('custom routes imported from a peer: their destinations are unknown, the default route is not exported', () => {
    const hub = `projects/${PROJECT}/global/networks/hub`;
    const world = (imports: boolean) =>
      exposed({
        networks: [
          network('vpc-ai', { peerings: [{ ...peer('to-hub', { importCustomRoutes: imports }), network: hub }] }),
          network('hub', { peerings: [{ ...peer('to-ai', { exportCustomRoutes: true }), network: NET }] }),
        ],
        routes: [
          route('default-internet', '0.0.0.0/0'),
          route('hub-default', '0.0.0.0/0', { network: hub }),
          route('hub-to-appliance', '8.8.8.0/24', { network: hub, nextHopGateway: undefined, nextHopIp: '10.9.0.5' }),
        ],
      });
    assert.deepEqual(cell(runGcp(world(false)), 'data', 'internet').unknown, []);
    const r = runGcp(world(true));
    const c = cell(r, 'data', 'internet');
    assert.ok(c.unknown.length > 0, JSON.stringify(c));
    // Other internet destinations still take the network's own default route: the violation stays.
    assert.ok(c.violations > 0, JSON.stringify(c));
  });
});

// ---- Azure

describe('verify model gaps (Azure)', () => {
  const world = (edit: (inv: ReturnType<typeof azureInventory>) => void = () => {}) => {
    const inv = azureInventory();
    azVnet(inv, 'vnet-app', '10.2.0.0/16', 'app');
    azSubnet(inv, 'vnet-app', 'app', '10.2.1.0/24');
    nic(inv, 'nic-app', 'vnet-app', 'app', '10.2.1.10');
    edit(inv);
    return verifyInventory({ provider: 'azure', inventory: inv, errors: [], files: 1 } as never, AZURE_POLICY);
  };
  it('the VNet without a gateway passes (the control)', () => {
    const v = world();
    assert.deepEqual(notAssessed(v), []);
    assert.ok(
      passed(v).some((p) => p.startsWith('verify-broken-intent')),
      JSON.stringify(passed(v)),
    );
  });
  it('a VNet with a virtual network gateway: the paths the gateway may take are not assessed, not the scope', () => {
    const v = world((inv) => azSubnet(inv, 'vnet-app', 'GatewaySubnet', '10.2.255.0/27'));
    const na = notAssessed(v);
    // Only the cell the gateway may decide: app's traffic to the internet (it may bring a default route).
    assert.equal(na.length, 1, JSON.stringify(na));
    assert.match(na[0]!, /^app -> internet: .* routes learned from virtual network gateway of vnet-app/);
    assert.deepEqual(passed(v), []);
  });
});

// ---- AWS

describe('verify model gaps (AWS)', () => {
  const world = (atDeploy: boolean): AwsInventory => {
    const inv = appToInference();
    if (atDeploy) {
      // An interface declared in IaC, in a subnet whose CIDR is not known: it gets no stand-in address.
      const a = inv.networkInterfaces.find((x) => x.id === 'eni-a')!;
      inv.networkInterfaces.push({
        ...a,
        id: 'eni-iac',
        subnetId: 'subnet-unread',
        privateIps: [],
        addressAtDeploy: true,
      });
    }
    return inv;
  };
  const verify = (inv: AwsInventory) =>
    verifyInventory({ provider: 'aws', inventory: inv, errors: [], files: 1 } as never, POLICY);
  it('passes without the interface (the control)', () => {
    assert.ok(passed(verify(world(false))).some((p) => p.startsWith('verify-zone-violation')));
  });
  it('an interface whose address is assigned at deploy in a subnet of unknown CIDR', () => {
    const v = verify(world(true));
    assert.ok(
      notAssessed(v).some((m) => /eni-iac/.test(m)),
      JSON.stringify(notAssessed(v)),
    );
    assert.deepEqual(passed(v), []);
  });
});
