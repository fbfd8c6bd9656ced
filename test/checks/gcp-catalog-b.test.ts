/**
 * GCP checks B on the bundled snapshots: examples/gcp/reference (Cloud Asset Inventory shape) fails none of them and
 * each passes somewhere; examples/gcp/misconfigured (gcloud shape, the b-*.json files) fails each; and variants of
 * the reference assets for the traps the checks are about.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runGcpChecks } from '../../src/checks/gcp/engine.js';
import { GCP_CHECKS } from '../../src/checks/gcp/registry.js';
import type { Finding } from '../../src/findings/types.js';
import { loadPolicyFile, type ZonePolicy } from '../../src/policy/load.js';
import { loadGcpSnapshotFromTexts } from '../../src/sources/gcp-snapshot/load.js';
import { namedFiles } from '../support/files.js';

type Json = Record<string, unknown>;

const MINE = [
  'gcp-ai-firewall-open-to-internet',
  'gcp-ai-instance-external-ip',
  'gcp-ai-network-dns-query-logging-missing',
  'gcp-ai-subnet-cloud-nat-egress',
  'gcp-ai-subnet-flow-logs-missing',
  'gcp-ai-zone-reachable-from-denied-zone',
  'gcp-vertex-endpoint-public',
  'gcp-workbench-public-or-outside-ai-network',
];

/** The reference with `edit` applied to every asset's resource.data (return undefined to delete the asset). */
function variant(edit: (data: Json, assetType: string) => Json | undefined) {
  return namedFiles('examples/gcp/reference').map((f) => {
    const doc = JSON.parse(f.text) as unknown;
    if (!Array.isArray(doc) || !(doc[0] as Json | undefined)?.assetType) return f;
    const kept = (doc as Json[]).flatMap((a) => {
      const res = a.resource as Json | undefined;
      if (!res?.data) return [a];
      const data = edit(structuredClone(res.data as Json), String(a.assetType));
      return data ? [{ ...a, resource: { ...res, data } }] : [];
    });
    return { name: f.name, text: JSON.stringify(kept, null, 1) };
  });
}

let policy: ZonePolicy;
before(async () => {
  policy = await loadPolicyFile('examples/cordon.yaml');
});

function run(texts: { name: string; text: string }[], ids = MINE): Finding[] {
  const snap = loadGcpSnapshotFromTexts(texts);
  assert.deepEqual(
    snap.errors.map((e) => e.format()),
    [],
  );
  return runGcpChecks(
    snap.inventory,
    policy,
    GCP_CHECKS.filter((c) => ids.includes(c.id)),
  );
}

describe('GCP checks B on the examples', () => {
  it('every check B is registered', () => {
    for (const id of MINE)
      assert.ok(
        GCP_CHECKS.some((c) => c.id === id),
        id,
      );
  });

  it('the reference fails none of them, and each passes somewhere', () => {
    const fs = run(namedFiles('examples/gcp/reference'));
    assert.deepEqual(
      fs.filter((f) => f.status !== 'pass').map((f) => `${f.checkId}: ${f.message}`),
      [],
    );
    for (const id of MINE)
      assert.ok(
        fs.some((f) => f.checkId === id && f.status === 'pass'),
        `${id} passes somewhere`,
      );
  });

  it('the misconfigured example fails each of them', () => {
    const fs = run(namedFiles('examples/gcp/misconfigured'));
    for (const id of MINE)
      assert.ok(
        fs.some((f) => f.checkId === id && f.status === 'fail'),
        `${id} fails somewhere`,
      );
  });

  it('without its deny-all egress rule the reference network is open: the implied rule allows all egress', () => {
    const fs = run(
      variant((d, t) => (t.endsWith('/Firewall') && d.name === 'deny-all-egress' ? undefined : d)),
      ['gcp-ai-firewall-open-to-internet'],
    );
    const data = fs.find((f) => f.resource.id.endsWith('/subnetworks/data'))!;
    assert.equal(data.status, 'fail');
    assert.match(data.message, /to any address \(implied allow egress rule \(priority 65535\)\)/);
  });

  it('a default route and a NAT on the reference network open the AI subnetworks; the firewall still closes them', () => {
    const withNat = [
      ...namedFiles('examples/gcp/reference'),
      {
        name: 'router.json',
        text: JSON.stringify([
          {
            kind: 'compute#router',
            name: 'rtr',
            selfLink: 'https://www.googleapis.com/compute/v1/projects/ai-net-host/regions/us-central1/routers/rtr',
            network: 'https://www.googleapis.com/compute/v1/projects/ai-net-host/global/networks/ai-vpc',
            region: 'https://www.googleapis.com/compute/v1/projects/ai-net-host/regions/us-central1',
            nats: [{ name: 'nat', sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES' }],
          },
        ]),
      },
      {
        name: 'route.json',
        text: JSON.stringify([
          {
            kind: 'compute#route',
            name: 'default-route',
            selfLink: 'https://www.googleapis.com/compute/v1/projects/ai-net-host/global/routes/default-route',
            network: 'https://www.googleapis.com/compute/v1/projects/ai-net-host/global/networks/ai-vpc',
            destRange: '0.0.0.0/0',
            priority: 1000,
            nextHopGateway:
              'https://www.googleapis.com/compute/v1/projects/ai-net-host/global/gateways/default-internet-gateway',
          },
        ]),
      },
    ];
    const nat = run(withNat, ['gcp-ai-subnet-cloud-nat-egress']).find((f) => f.resource.id.endsWith('/data'))!;
    assert.equal(nat.status, 'pass', nat.message);
    assert.match(nat.message, /the firewall denies egress to the internet \(deny-all-egress\)/);
  });

  it('flow logs switched off on the data subnetwork fail the flow-log check there', () => {
    const fs = run(
      variant((d, t) => {
        if (t.endsWith('/Subnetwork') && d.name === 'data') delete d.logConfig;
        return d;
      }),
      ['gcp-ai-subnet-flow-logs-missing'],
    );
    assert.equal(fs.find((f) => f.resource.id.endsWith('/subnetworks/data'))!.status, 'fail');
    assert.equal(fs.find((f) => f.resource.id.endsWith('/subnetworks/inference'))!.status, 'pass');
  });
});
