/**
 * `collectGcp` end to end against the fake token / Cloud Asset / Org Policy / DNS / Compute server, with the real
 * google-auth-library clients and HTTP path: paging, throttling (429 with Retry-After), a denied project and a
 * disabled API become unavailable data naming the permission, the snapshot's files and manifests, and network
 * safety (no connection leaves loopback, no token call goes anywhere but the fake).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ASSET_TYPES, GCP_COLLECT_PERMISSIONS, collectGcp } from '../../src/sources/gcp-live/collect.js';
import { classifyGcpError, GcpApiError, retryAfterMs } from '../../src/sources/gcp-live/rest.js';
import { loadGcpSnapshot } from '../../src/sources/gcp-snapshot/load.js';
import { compileGcp } from '../../src/verify/gcp.js';
import { GCP_POLICY } from '../verify/gcp-helpers.js';
import { startFakeGcp, writeUserCredential, type Asset, type FakeGcpOptions } from '../support/fake-gcp-server.js';

const ORG = 'organizations/100';
const FOLDER = 'folders/200';
const USER = { clientId: 'cordon-test.apps.example', clientSecret: 'fake-secret', refreshToken: 'fake-refresh' };

function project(id: string, number: string): Asset {
  return {
    name: `//cloudresourcemanager.googleapis.com/projects/${number}`,
    assetType: 'cloudresourcemanager.googleapis.com/Project',
    ancestors: [`projects/${number}`, FOLDER, ORG],
    resource: {
      version: 'v1',
      discoveryDocumentUri: 'https://cloudresourcemanager.googleapis.com/$discovery/rest',
      discoveryName: 'Project',
      parent: `//cloudresourcemanager.googleapis.com/${FOLDER}`,
      data: {
        projectId: id,
        projectNumber: number,
        lifecycleState: 'ACTIVE',
        name: id,
        parent: { type: 'folder', id: '200' },
      },
    },
    updateTime: '2026-11-01T00:00:00Z',
  };
}

function computeAsset(number: string, id: string, type: string, rel: string, d: Record<string, unknown>): Asset {
  return {
    name: `//compute.googleapis.com/projects/${id}/${rel}`,
    assetType: `compute.googleapis.com/${type}`,
    ancestors: [`projects/${number}`, FOLDER, ORG],
    resource: {
      version: 'v1',
      discoveryDocumentUri: 'https://www.googleapis.com/discovery/v1/apis/compute/v1/rest',
      discoveryName: type,
      parent: `//cloudresourcemanager.googleapis.com/projects/${number}`,
      data: { selfLink: `https://www.googleapis.com/compute/v1/projects/${id}/${rel}`, ...d },
      location: 'global',
    },
    updateTime: '2026-11-01T00:00:00Z',
  };
}

function world(extra: Partial<FakeGcpOptions> = {}): FakeGcpOptions {
  const zone: Asset = {
    name: '//dns.googleapis.com/projects/ai-prod/managedZones/googleapis',
    assetType: 'dns.googleapis.com/ManagedZone',
    ancestors: ['projects/111', FOLDER, ORG],
    resource: {
      version: 'v1',
      discoveryName: 'ManagedZone',
      parent: '//cloudresourcemanager.googleapis.com/projects/111',
      data: { name: 'googleapis', dnsName: 'googleapis.com.', visibility: 'private', kind: 'dns#managedZone' },
      location: 'global',
    },
  };
  const hierarchical: Asset = {
    name: '//compute.googleapis.com/locations/global/firewallPolicies/300',
    assetType: 'compute.googleapis.com/FirewallPolicy',
    ancestors: [ORG],
    resource: {
      version: 'v1',
      discoveryName: 'FirewallPolicy',
      data: {
        kind: 'compute#firewallPolicy',
        name: '300',
        shortName: 'org-baseline',
        parent: ORG,
        rules: [{ priority: 1000, direction: 'EGRESS', action: 'deny', match: { destIpRanges: ['0.0.0.0/0'] } }],
      },
    },
  };
  return {
    assets: [
      project('ai-prod', '111'),
      project('denied-proj', '222'),
      computeAsset('111', 'ai-prod', 'Network', 'global/networks/ai-vpc', { kind: 'compute#network', name: 'ai-vpc' }),
      computeAsset('111', 'ai-prod', 'Subnetwork', 'regions/us-central1/subnetworks/ai', {
        kind: 'compute#subnetwork',
        name: 'ai',
        ipCidrRange: '10.0.0.0/24',
        region: 'https://www.googleapis.com/compute/v1/projects/ai-prod/regions/us-central1',
      }),
      computeAsset('111', 'ai-prod', 'Firewall', 'global/firewalls/deny-all', {
        kind: 'compute#firewall',
        name: 'deny-all',
      }),
      computeAsset('222', 'denied-proj', 'Network', 'global/networks/other', {
        kind: 'compute#network',
        name: 'other',
      }),
      zone,
      hierarchical,
    ],
    accessPolicyAssets: [
      {
        name: '//accesscontextmanager.googleapis.com/accessPolicies/555/servicePerimeters/ai',
        assetType: 'accesscontextmanager.googleapis.com/ServicePerimeter',
        ancestors: [ORG],
        servicePerimeter: {
          name: 'accessPolicies/555/servicePerimeters/ai',
          title: 'ai',
          status: { resources: ['projects/111'], restrictedServices: ['aiplatform.googleapis.com'] },
        },
      },
    ],
    orgPolicies: [
      { name: 'projects/111/policies/compute.vmExternalIpAccess', spec: { rules: [{ denyAll: true }] } },
      { name: `${ORG}/policies/ainotebooks.restrictPublicIp`, spec: { rules: [{ enforce: true }] } },
    ],
    recordSets: {
      'ai-prod/googleapis': [
        {
          kind: 'dns#resourceRecordSet',
          name: 'googleapis.com.',
          type: 'SOA',
          ttl: 21600,
          rrdatas: ['ns. hostmaster. 1 21600 3600 259200 300'],
        },
        {
          kind: 'dns#resourceRecordSet',
          name: '*.googleapis.com.',
          type: 'CNAME',
          ttl: 300,
          rrdatas: ['private.googleapis.com.'],
        },
        {
          kind: 'dns#resourceRecordSet',
          name: 'private.googleapis.com.',
          type: 'A',
          ttl: 300,
          rrdatas: ['199.36.153.8', '199.36.153.9'],
        },
      ],
    },
    user: USER,
    ...extra,
  };
}

const scratch = () => mkdtempSync(path.join(tmpdir(), 'cordon-gcp-live-'));

function credentialFile(dir: string, doc: unknown): string {
  const file = path.join(dir, 'credentials.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const userEnv = (dir: string) => ({ GOOGLE_APPLICATION_CREDENTIALS: writeUserCredential(dir, USER) });

/** Collects project ai-prod from the fake into a fresh directory. */
async function collectAiProd(fake: { endpoint: string; ca: string }) {
  const dir = scratch();
  const out = path.join(dir, 's');
  const summary = await collectGcp({
    out,
    projects: ['ai-prod'],
    endpoint: fake.endpoint,
    ca: fake.ca,
    env: userEnv(dir),
  });
  return { out, summary };
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

function files(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const full = path.join(dir, n);
      return statSync(full).isDirectory() ? files(full, base) : [path.relative(base, full)];
    });
}

/** Every connection the process opens while collecting: the proof that nothing leaves loopback. */
const connections: string[] = [];
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was, never called unbound
const originalConnect = net.Socket.prototype.connect;
before(() => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0] as { host?: string; path?: string } | number | string;
    const host =
      typeof first === 'object' && first !== null
        ? (first.path ?? first.host ?? 'localhost')
        : typeof args[1] === 'string'
          ? args[1]
          : 'localhost';
    connections.push(String(host));
    if (!/^(127\.0\.0\.1|::1|localhost|\/)/.test(String(host))) {
      // Refuse rather than let a test reach the network.
      process.nextTick(() => this.destroy(new Error(`test network guard: refused connection to ${String(host)}`)));
      return this;
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  };
});
after(() => {
  net.Socket.prototype.connect = originalConnect;
});

describe('cordon collect gcp (library)', () => {
  it('docs/gcp-role.json grants exactly the permissions the collector uses', () => {
    const role = json('docs/gcp-role.json') as { includedPermissions: string[]; stage?: string };
    assert.deepEqual([...role.includedPermissions].sort(), [...GCP_COLLECT_PERMISSIONS]);
    for (const p of role.includedPermissions)
      assert.match(p, /\.(list|get|listResource|listAccessPolicy|use)$/, `${p} reads only`);
  });

  it('collects an organization with an authorized user: paged, throttled once, every call on loopback', async () => {
    const fake = await startFakeGcp(world({ pageSize: 1, throttleOnce: true }));
    try {
      const dir = scratch();
      const out = path.join(dir, 'snapshot');
      connections.length = 0;
      const started = Date.now();
      const summary = await collectGcp({
        out,
        organization: '100',
        endpoint: fake.endpoint,
        ca: fake.ca,
        env: userEnv(dir),
      });
      // The 429 said Retry-After: 1.
      assert.ok(Date.now() - started >= 1000, 'waited for Retry-After');
      assert.equal(fake.calls.filter((c) => c.status === 429).length, 1);
      assert.deepEqual(summary.skipped, []);
      assert.deepEqual(
        summary.projects.map((p) => [p.scope, p.unavailable]),
        [
          ['ai-prod', []],
          ['denied-proj', []],
        ],
      );
      assert.deepEqual(
        summary.hierarchy.map((h) => h.scope),
        [FOLDER, ORG],
      );
      // Token from the fake, asset list paged one item at a time for every asset type in the data sets.
      assert.ok(fake.calls.some((c) => c.path === '/token'));
      const assetCalls = fake.calls.filter(
        (c) => c.path === `/v1/${ORG}/assets` && c.query.contentType?.[0] === 'RESOURCE',
      );
      assert.ok(assetCalls.length >= 8, `paged: ${assetCalls.length} calls`);
      assert.deepEqual(assetCalls[0]!.query.assetTypes, ASSET_TYPES);
      assert.ok(fake.calls.some((c) => c.query.pageToken?.[0] === '3'));
      // Network safety: every connection went to the fake on loopback.
      assert.ok(connections.length > 0);
      assert.deepEqual([...new Set(connections)], ['127.0.0.1']);
      assert.ok(fake.calls.every((c) => c.remoteAddress === '127.0.0.1'));

      assert.deepEqual(files(out), [
        'folders/200/cordon-manifest.json',
        'organizations/100/access-policy-assets.json',
        'organizations/100/cordon-manifest.json',
        'organizations/100/firewall-policies.json',
        'organizations/100/org-policies.json',
        'projects/ai-prod/cloud-assets.json',
        'projects/ai-prod/cordon-manifest.json',
        'projects/ai-prod/managedZones/googleapis/record-sets.json',
        'projects/ai-prod/org-policies.json',
        'projects/denied-proj/cloud-assets.json',
        'projects/denied-proj/cordon-manifest.json',
      ]);
      // gcloud asset list shape, sorted by name; hierarchical policies are not in a project's file.
      const assets = JSON.parse(readFileSync(path.join(out, 'projects/ai-prod/cloud-assets.json'), 'utf8')) as Asset[];
      assert.deepEqual(
        assets.map((a) => a.name),
        [...assets.map((a) => a.name)].sort(),
      );
      assert.equal(assets.length, 5);
      // The hierarchical policy was read whole (the list omits rules).
      const fw = json(path.join(out, 'organizations/100/firewall-policies.json')) as { items: { rules?: unknown[] }[] };
      assert.equal(fw.items[0]!.rules?.length, 1);
      const rr = json(path.join(out, 'projects/ai-prod/managedZones/googleapis/record-sets.json')) as {
        rrsets: { name: string }[];
      };
      assert.deepEqual(
        rr.rrsets.map((r) => r.name),
        ['*.googleapis.com.', 'googleapis.com.', 'private.googleapis.com.'],
      );
      const m = json(path.join(out, 'projects/ai-prod/cordon-manifest.json'));
      assert.equal(m.provider, 'gcp');
      assert.deepEqual(m.projects, ['ai-prod']);
      assert.ok((m.datasets as string[]).includes('dns:record-sets'));
      assert.ok((m.datasets as string[]).includes('accesscontextmanager:service-perimeters'));
      // Deterministic: a second collection writes the same bytes.
      const again = path.join(dir, 'again');
      await collectGcp({ out: again, organization: '100', endpoint: fake.endpoint, ca: fake.ca, env: userEnv(dir) });
      for (const f of files(out))
        assert.equal(readFileSync(path.join(again, f), 'utf8'), readFileSync(path.join(out, f), 'utf8'), f);
    } finally {
      await fake.close();
    }
  });

  it('a service account signs its own JWT: no token call at all', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const email = 'cordon-reader@ai-prod.iam.gserviceaccount.com';
    const fake = await startFakeGcp(
      world({ serviceAccount: { email, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() } }),
    );
    try {
      const dir = scratch();
      const env = {
        GOOGLE_APPLICATION_CREDENTIALS: credentialFile(dir, {
          type: 'service_account',
          project_id: 'ai-prod',
          private_key_id: 'k1',
          private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          client_email: email,
          // What a real key file carries: never called with an endpoint.
          token_uri: 'https://oauth2.googleapis.com/token',
        }),
        GOOGLE_CLOUD_QUOTA_PROJECT: 'ai-billing',
      };
      connections.length = 0;
      const summary = await collectGcp({
        out: path.join(dir, 's'),
        projects: ['ai-prod'],
        endpoint: fake.endpoint,
        ca: fake.ca,
        env,
      });
      assert.deepEqual(
        summary.projects.map((p) => [p.scope, p.unavailable.length]),
        [['ai-prod', 0]],
      );
      assert.ok(!fake.calls.some((c) => c.path === '/token'));
      assert.ok(
        fake.calls.every((c) => c.userProject === 'ai-billing'),
        'the quota project goes with every call',
      );
      assert.ok(fake.calls.every((c) => c.status !== 401));
      assert.deepEqual([...new Set(connections)], ['127.0.0.1']);
    } finally {
      await fake.close();
    }
  });

  it('a denied project is unavailable data naming the permission; the other project is collected', async () => {
    const fake = await startFakeGcp(world({ deniedProjects: ['denied-proj'] }));
    try {
      const dir = scratch();
      const out = path.join(dir, 's');
      const summary = await collectGcp({
        out,
        projects: ['ai-prod', 'denied-proj'],
        endpoint: fake.endpoint,
        ca: fake.ca,
        env: userEnv(dir),
      });
      const denied = summary.projects.find((p) => p.scope === 'denied-proj')!;
      const ok = summary.projects.find((p) => p.scope === 'ai-prod')!;
      assert.deepEqual(ok.unavailable, []);
      assert.ok(denied.unavailable.some((u) => u.dataset === 'compute:networks'));
      for (const u of denied.unavailable) {
        assert.match(u.reason, /PERMISSION_DENIED|unknown/);
        assert.equal(u.permission, 'cloudasset.assets.listResource', u.dataset);
      }
      // Its folders and organization are unknown, so hierarchy data cannot be complete for it either.
      assert.ok(denied.unavailable.some((u) => u.dataset === 'compute:hierarchical-firewall-policies'));
      // Own org policies could still be read.
      assert.ok(
        denied.collected.includes('orgpolicy:policies') ||
          denied.unavailable.some((u) => u.dataset === 'orgpolicy:policies'),
      );
      const m = json(path.join(out, 'projects/denied-proj/cordon-manifest.json')) as {
        datasets: string[];
        unavailable: { scope: string; dataset: string }[];
      };
      assert.ok(!m.datasets.includes('compute:networks'));
      assert.ok(m.unavailable.every((u) => u.scope === 'denied-proj'));
    } finally {
      await fake.close();
    }
  });

  it('instance group members come from listInstances (POST); a denied list leaves them unknown and says so', async () => {
    const group = computeAsset('111', 'ai-prod', 'InstanceGroup', 'zones/us-central1-a/instanceGroups/web', {
      kind: 'compute#instanceGroup',
      name: 'web',
      zone: 'https://www.googleapis.com/compute/v1/projects/ai-prod/zones/us-central1-a',
      members: [
        { instance: 'https://www.googleapis.com/compute/v1/projects/ai-prod/zones/us-central1-a/instances/vm-1' },
      ],
    });
    for (const deny of [false, true]) {
      const w = world(deny ? { deniedMemberLists: ['ai-prod'] } : {});
      const fake = await startFakeGcp({ ...w, assets: [...w.assets, group] });
      try {
        const { out, summary } = await collectAiProd(fake);
        assert.ok(
          fake.calls.some((c) => c.method === 'POST' && c.path.endsWith('/instanceGroups/web/listInstances')),
          'members are asked for',
        );
        const inv = (await loadGcpSnapshot(out)).inventory;
        const ig = inv.instanceGroups.find((g) => g.name === 'web')!;
        const ok = summary.projects.find((p) => p.scope === 'ai-prod')!;
        if (!deny) {
          assert.deepEqual(ig.members, ['projects/ai-prod/zones/us-central1-a/instances/vm-1']);
          assert.deepEqual(ok.unavailable, []);
        } else {
          assert.equal(ig.members, undefined, 'not listed: unknown, never none');
          assert.deepEqual(
            ok.unavailable.map((u) => [u.dataset, u.permission]),
            [['compute:instance-groups', 'compute.instanceGroups.list']],
          );
        }
      } finally {
        await fake.close();
      }
    }
  });

  it('DNS response policies and their rules come from Cloud DNS; rules that cannot be listed make both unavailable', async () => {
    const policy = {
      kind: 'dns#responsePolicy',
      responsePolicyName: 'rp',
      networks: [{ networkUrl: 'https://www.googleapis.com/compute/v1/projects/ai-prod/global/networks/ai-vpc' }],
    };
    const rule = {
      kind: 'dns#responsePolicyRule',
      ruleName: 'vertex',
      dnsName: 'aiplatform.googleapis.com.',
      localData: {
        localDatas: [{ name: 'aiplatform.googleapis.com.', type: 'A', ttl: 300, rrdatas: ['142.250.72.10'] }],
      },
    };
    for (const listed of [true, false]) {
      const fake = await startFakeGcp(
        world({
          responsePolicies: { 'ai-prod': [policy] },
          ...(listed ? { responsePolicyRules: { 'ai-prod/rp': [rule] } } : {}),
        }),
      );
      try {
        const { out, summary } = await collectAiProd(fake);
        const inv = (await loadGcpSnapshot(out)).inventory;
        const ok = summary.projects.find((p) => p.scope === 'ai-prod')!;
        if (listed) {
          assert.deepEqual(
            inv.dnsResponsePolicies.map((x) => x.name),
            ['rp'],
          );
          assert.equal(inv.dnsResponsePolicyRules.length, 1);
          assert.ok(
            ok.collected.includes('dns:response-policies') && ok.collected.includes('dns:response-policy-rules'),
          );
        } else {
          // Never "no rules": the data sets are unavailable, naming the permission of the call that failed.
          assert.deepEqual(ok.unavailable.map((u) => [u.dataset, u.permission]).sort(), [
            ['dns:response-policies', 'dns.responsePolicyRules.list'],
            ['dns:response-policy-rules', 'dns.responsePolicyRules.list'],
          ]);
        }
      } finally {
        await fake.close();
      }
    }
  });

  it('router status: getRouterStatus per router with a BGP peer or a linked tunnel; a denied one is unavailable data naming it', async () => {
    const routerAsset = (name: string, d: Record<string, unknown>) =>
      computeAsset('111', 'ai-prod', 'Router', `regions/us-central1/routers/${name}`, {
        kind: 'compute#router',
        name,
        network: 'https://www.googleapis.com/compute/v1/projects/ai-prod/global/networks/ai-vpc',
        region: 'https://www.googleapis.com/compute/v1/projects/ai-prod/regions/us-central1',
        ...d,
      });
    const tunnel = 'https://www.googleapis.com/compute/v1/projects/ai-prod/regions/us-central1/vpnTunnels/t0';
    const w = world({
      routerStatuses: {
        'projects/ai-prod/regions/us-central1/routers/cr-vpn': {
          kind: 'compute#routerStatusResponse',
          result: {
            network: 'https://www.googleapis.com/compute/v1/projects/ai-prod/global/networks/ai-vpc',
            bestRoutes: [{ destRange: '192.168.0.0/16', priority: 100, nextHopVpnTunnel: tunnel, routeType: 'BGP' }],
            bgpPeerStatus: [{ name: 'onprem', status: 'UP', state: 'Established' }],
          },
        },
      },
      deniedRouterStatus: ['projects/ai-prod/regions/us-central1/routers/cr-denied'],
    });
    const fake = await startFakeGcp({
      ...w,
      assets: [
        ...w.assets,
        routerAsset('cr-vpn', {
          bgpPeers: [{ name: 'onprem' }],
          interfaces: [{ name: 'if0', linkedVpnTunnel: tunnel }],
        }),
        routerAsset('cr-nat', { nats: [{ name: 'nat' }] }),
        routerAsset('cr-denied', { bgpPeers: [{ name: 'onprem' }] }),
        computeAsset('111', 'ai-prod', 'Subnetwork', 'regions/us-central1/subnetworks/app', {
          kind: 'compute#subnetwork',
          name: 'app',
          ipCidrRange: '10.0.1.0/24',
          network: 'https://www.googleapis.com/compute/v1/projects/ai-prod/global/networks/ai-vpc',
          region: 'https://www.googleapis.com/compute/v1/projects/ai-prod/regions/us-central1',
        }),
      ],
    });
    try {
      const { out, summary } = await collectAiProd(fake);
      const asked = fake.calls.filter((c) => c.path.endsWith('/getRouterStatus')).map((c) => c.path.split('/').at(-2));
      assert.deepEqual(asked.sort(), ['cr-denied', 'cr-vpn'], 'a NAT-only router learns nothing: not asked');
      const ok = summary.projects.find((p) => p.scope === 'ai-prod')!;
      assert.deepEqual(
        ok.unavailable.map((u) => [u.dataset, u.permission]),
        [['compute:router-status', 'compute.routers.get']],
      );
      assert.match(ok.unavailable[0]!.reason, /cr-denied/);
      const inv = (await loadGcpSnapshot(out)).inventory;
      assert.deepEqual(
        inv.routerStatuses.map((x) => [x.id, x.routes.map((r) => r.destRange)]),
        [['projects/ai-prod/regions/us-central1/routers/cr-vpn', ['192.168.0.0/16']]],
      );
      // The model: cr-vpn's learned prefix is a route, cr-denied's routes stay unknown and say why.
      const notes = compileGcp(inv, GCP_POLICY).notes;
      assert.ok(
        notes.some((n) => /cr-denied .*was not read \(routers\.getRouterStatus of .*cr-denied/.test(n)),
        notes.join('\n'),
      );
      assert.ok(
        notes.some((n) => /routes learned by Cloud Router cr-vpn/.test(n)),
        notes.join('\n'),
      );
    } finally {
      await fake.close();
    }
  });

  it('an organization that cannot be listed is skipped and written as unavailable data; listed projects are collected', async () => {
    const fake = await startFakeGcp(world({ deniedParents: [ORG] }));
    try {
      const dir = scratch();
      const out = path.join(dir, 's');
      const summary = await collectGcp({
        out,
        organization: '100',
        projects: ['ai-prod'],
        endpoint: fake.endpoint,
        ca: fake.ca,
        env: userEnv(dir),
      });
      assert.deepEqual(summary.skipped, [
        {
          scope: ORG,
          reason:
            "PERMISSION_DENIED: Permission 'cloudasset.assets.listResource' denied on resource '//cloudresourcemanager.googleapis.com/organizations/100' (or it may not exist). (needs cloudasset.assets.listResource)",
        },
      ]);
      // The fake denies the organization's access-policy list too: the perimeters and access levels above ai-prod are
      // unknown.
      assert.deepEqual(
        summary.projects.map((p) => [p.scope, p.unavailable.map((u) => [u.dataset, u.permission])]),
        [
          [
            'ai-prod',
            [
              ['accesscontextmanager:access-levels', 'cloudasset.assets.listResource'],
              ['accesscontextmanager:service-perimeters', 'cloudasset.assets.listResource'],
            ],
          ],
        ],
      );
      // Read directly as the project's organization, and listed as unavailable beside that.
      assert.ok(files(out).includes('organizations/100/cordon-manifest.json'));
      const inv = (await loadGcpSnapshot(out)).inventory;
      assert.equal(inv.unavailable.get(ORG)?.get('compute:networks')?.permission, 'cloudasset.assets.listResource');
      assert.ok(inv.networks.length > 0);
    } finally {
      await fake.close();
    }
  });

  it('a disabled API is unavailable data naming the API to enable, in the node and every project below it', async () => {
    const fake = await startFakeGcp(world({ orgPolicyDisabledFor: [FOLDER] }));
    try {
      const dir = scratch();
      const summary = await collectGcp({
        out: path.join(dir, 's'),
        organization: '100',
        endpoint: fake.endpoint,
        ca: fake.ca,
        env: userEnv(dir),
      });
      const folder = summary.hierarchy.find((h) => h.scope === FOLDER)!;
      assert.deepEqual(
        folder.unavailable.map((u) => [u.dataset, u.permission]),
        [['orgpolicy:policies', 'orgpolicy.googleapis.com enabled in projects/999']],
      );
      for (const p of summary.projects) {
        const u = p.unavailable.find((x) => x.dataset === 'orgpolicy:policies');
        assert.ok(u, p.scope);
        assert.match(u.reason, /^in folders\/200: PERMISSION_DENIED: Organization Policy API has not been used/);
      }
    } finally {
      await fake.close();
    }
  });

  it('throttling that outlasts the retries is unavailable data, not a pass; a project pending deletion is skipped', async () => {
    const w = world({ throttledProjects: ['denied-proj'] });
    const gone = project('gone-proj', '333');
    (gone.resource as { data: Record<string, unknown> }).data.lifecycleState = 'DELETE_REQUESTED';
    w.assets.push(gone);
    const fake = await startFakeGcp(w);
    try {
      const dir = scratch();
      const summary = await collectGcp({
        out: path.join(dir, 's'),
        projects: ['ai-prod', 'denied-proj', 'gone-proj'],
        endpoint: fake.endpoint,
        ca: fake.ca,
        env: userEnv(dir),
        maxRetries: 2,
        backoffMs: 5,
      });
      assert.deepEqual(
        summary.projects.map((p) => p.scope),
        ['ai-prod', 'denied-proj'],
      );
      const throttled = summary.projects.find((p) => p.scope === 'denied-proj')!;
      const networks = throttled.unavailable.find((u) => u.dataset === 'compute:networks')!;
      assert.match(networks.reason, /RESOURCE_EXHAUSTED.*still throttled after retries/);
      assert.equal(networks.permission, 'cloudasset.assets.listResource');
      // Three tries: the first answer and two retries.
      assert.equal(fake.calls.filter((c) => c.path === '/v1/projects/denied-proj/assets').length, 3);
      assert.deepEqual(summary.skipped, [{ scope: 'projects/gone-proj', reason: 'project is DELETE_REQUESTED' }]);
    } finally {
      await fake.close();
    }
  });

  const faults: [string, Partial<FakeGcpOptions>, RegExp][] = [
    ['a 200 answer with an empty body', { emptyBodyProjects: ['denied-proj'] }, /answered 200 with an empty body/],
    [
      'an asset list without a single asset (not even the project)',
      { emptyListProjects: ['denied-proj'] },
      /no asset of the project/,
    ],
  ];
  for (const [what, fault, reason] of faults)
    it(`${what} is unavailable data for the project asked for, never an empty (complete) project or none`, async () => {
      const fake = await startFakeGcp(world(fault));
      try {
        const dir = scratch();
        const summary = await collectGcp({
          out: path.join(dir, 's'),
          projects: ['ai-prod', 'denied-proj'],
          endpoint: fake.endpoint,
          ca: fake.ca,
          env: userEnv(dir),
        });
        const broken = summary.projects.find((p) => p.scope === 'denied-proj');
        assert.ok(broken, summary.projects.map((p) => p.scope).join(', '));
        assert.ok(!broken.collected.includes('compute:networks'), broken.collected.join(', '));
        assert.match(broken.unavailable.find((u) => u.dataset === 'compute:networks')?.reason ?? '', reason);
        assert.deepEqual(summary.projects.find((p) => p.scope === 'ai-prod')!.unavailable, []);
      } finally {
        await fake.close();
      }
    });

  it('credentials that do not work stop the run; nothing is written as if collected', async () => {
    const fake = await startFakeGcp(world());
    try {
      const dir = scratch();
      const env = {
        GOOGLE_APPLICATION_CREDENTIALS: credentialFile(dir, {
          ...{ type: 'authorized_user' },
          client_id: USER.clientId,
          client_secret: USER.clientSecret,
          refresh_token: 'revoked',
        }),
      };
      await assert.rejects(
        collectGcp({ out: path.join(dir, 's'), organization: '100', endpoint: fake.endpoint, ca: fake.ca, env }),
        (e: Error) => e.name === 'CollectError' && /invalid_grant/.test(e.message),
      );
    } finally {
      await fake.close();
    }
  });

  it('with an endpoint, only a credential file is used: no ADC, no metadata server, no other credential type', async () => {
    const dir = scratch();
    await assert.rejects(
      collectGcp({ out: path.join(dir, 'a'), projects: ['ai-prod'], endpoint: 'https://127.0.0.1:9', env: {} }),
      /set GOOGLE_APPLICATION_CREDENTIALS/,
    );
    const env = { GOOGLE_APPLICATION_CREDENTIALS: credentialFile(dir, { type: 'external_account', audience: 'x' }) };
    await assert.rejects(
      collectGcp({ out: path.join(dir, 'b'), projects: ['ai-prod'], endpoint: 'https://127.0.0.1:9', env }),
      /"external_account" is not used with --endpoint-url/,
    );
    await assert.rejects(collectGcp({ out: path.join(dir, 'c'), env }), /--projects, --folders or --organization/);
    await assert.rejects(
      collectGcp({ out: path.join(dir, 'd'), projects: ['Not_A_Project'], env }),
      /not a project id/,
    );
  });

  it('reads Retry-After and Google error details', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z')), 10_000);
    assert.equal(retryAfterMs('9999'), 60_000);
    assert.equal(retryAfterMs(undefined), undefined);
    const denied = classifyGcpError(
      new GcpApiError(
        403,
        'PERMISSION_DENIED',
        "Permission 'dns.resourceRecordSets.list' denied on resource",
        undefined,
      ),
    );
    assert.deepEqual([denied.kind, denied.permission], ['denied', 'dns.resourceRecordSets.list']);
    assert.equal(classifyGcpError(new GcpApiError(404, 'NOT_FOUND', 'gone')).kind, 'not-found');
    assert.equal(
      classifyGcpError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })).kind,
      'unreachable',
    );
  });
});
