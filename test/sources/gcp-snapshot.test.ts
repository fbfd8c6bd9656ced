/**
 * The GCP snapshot reader: Cloud Asset Inventory (JSON and JSON lines), gcloud --format=json shapes and REST list
 * responses read to the same inventory; project numbers become ids; bad items are located errors that leave the
 * rest read and mark their data set partial; lists cut short are partial; gcloud DNS output takes project and zone
 * from its folders.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { placeGcpResources } from '../../src/analysis/gcp-zones.js';
import { gcpIdKey, hasGcpDataset, regionOfZone, type GcpInventory } from '../../src/inventory/gcp.js';
import { detectProvider } from '../../src/sources/detect.js';
import { loadGcpSnapshotFromTexts } from '../../src/sources/gcp-snapshot/load.js';
import { recogniseGcpDocument } from '../../src/sources/gcp-snapshot/recognise.js';
import { namedFiles } from '../support/files.js';

type Json = Record<string, unknown>;
const REF = 'examples/gcp/reference';

/** The inventory without origins (which differ between shapes), for comparing what was read. */
function content(inv: GcpInventory): Json {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as Json)
              .filter(([k, x]) => k !== 'origin' && k !== 'pointer' && x !== undefined)
              .map(([k, x]) => [k, strip(x)]),
          )
        : v;
  return Object.fromEntries(
    Object.entries(inv)
      .filter(([, v]) => Array.isArray(v))
      .map(([k, v]) => [k, strip(v)]),
  );
}

/** The reference's assets rewritten as gcloud list / describe output (what `gcloud … --format=json` prints). */
function asGcloud(ref: { name: string; text: string }[]): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const put = (name: string, v: unknown) => out.push({ name, text: JSON.stringify(v, null, 1) });
  const numToId = new Map<string, string>();
  for (const f of ref) {
    const doc = JSON.parse(f.text) as unknown;
    if (!Array.isArray(doc) || !(doc[0] as Json | undefined)?.assetType) {
      if (!f.name.endsWith('manifest.json')) out.push(f);
      continue;
    }
    for (const a of doc as Json[]) {
      const data = (a.resource as Json | undefined)?.data as Json | undefined;
      if (a.assetType === 'cloudresourcemanager.googleapis.com/Project')
        numToId.set(String(data!.projectNumber), String(data!.projectId));
    }
  }
  for (const f of ref) {
    const doc = JSON.parse(f.text) as unknown;
    if (!Array.isArray(doc) || !(doc[0] as Json | undefined)?.assetType) continue;
    const groups = new Map<string, unknown[]>();
    for (const a of doc as Json[]) {
      const type = String(a.assetType);
      const data = a.servicePerimeter ?? (a.resource as Json).data;
      // Cloud DNS output names no project: the folder does.
      const project = /^\/\/dns\.googleapis\.com\/projects\/([^/]+)/.exec(String(a.name))?.[1];
      const svcParent = type.endsWith('/Service') ? String((data as Json).parent).split('/')[1]! : undefined;
      const key =
        type === 'cloudresourcemanager.googleapis.com/Project'
          ? `projects/${String((data as Json).projectId)}/project.json`
          : svcParent
            ? `projects/${numToId.get(svcParent) ?? svcParent}/services.json`
            : project
              ? `projects/${project}/${type.split('/')[1]}.json`
              : `${type.split('/')[1]}.json`;
      groups.set(key, [...(groups.get(key) ?? []), data]);
    }
    for (const [name, items] of groups) put(name, name.endsWith('project.json') ? items[0] : items);
    // gcloud projects get-ancestors: the chain a project resource does not carry.
    for (const a of doc as Json[])
      if (a.assetType === 'cloudresourcemanager.googleapis.com/Project') {
        const d = (a.resource as Json).data as Json;
        const chain = (a.ancestors as string[]).map((x) => {
          const [t, id] = x.split('/');
          return { id: t === 'projects' ? String(d.projectId) : id, type: t!.replace(/s$/, '') };
        });
        put(`projects/${String(d.projectId)}/ancestors.json`, chain);
      }
  }
  return out;
}

describe('GCP snapshot reader', () => {
  const ref = namedFiles(REF);

  it('reads the reference without errors or warnings, projects named by id', () => {
    const r = loadGcpSnapshotFromTexts(ref);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(r.warnings, []);
    const inv = r.inventory;
    assert.equal(inv.subnetworks.length, 5);
    assert.deepEqual(
      [...new Set(inv.vertexEndpoints.map((e) => e.project))],
      ['ai-workloads'],
      'Vertex AI names the project by number; the reader names it by id',
    );
    assert.match(inv.vertexEndpoints[0]!.id, /^projects\/ai-workloads\/locations\/us-central1\/endpoints\//);
    assert.deepEqual(inv.servicePerimeters[0]!.status!.resources, ['projects/ai-net-host', 'projects/ai-workloads']);
    assert.equal(inv.instances[0]!.region, 'us-central1');
    assert.equal(
      inv.recordSets.find((r) => r.type === 'A' && r.dnsName === 'aiplatform.googleapis.com.')?.zone,
      'projects/ai-net-host/managedZones/googleapis-private',
    );
    assert.ok(hasGcpDataset(inv, 'ai-workloads', 'compute:routers'), 'the manifest declares data sets read completely');
    const psc = inv.forwardingRules[0]!;
    assert.equal(psc.target, 'vpc-sc');
    assert.equal(psc.origin.kind === 'file' && psc.origin.line !== undefined, true);
  });

  it('reads Cloud Asset Inventory, JSON lines (asset export) and gcloud shapes to the same inventory', () => {
    const fromAssets = loadGcpSnapshotFromTexts(ref);
    const gcloud = asGcloud(ref);
    assert.ok(gcloud.some((f) => f.name === 'projects/ai-net-host/ManagedZone.json'));
    const fromGcloud = loadGcpSnapshotFromTexts(gcloud);
    assert.deepEqual(
      fromGcloud.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(content(fromGcloud.inventory), content(fromAssets.inventory));
    const lines = ref.map((f) => {
      const doc = JSON.parse(f.text) as unknown;
      return Array.isArray(doc) && (doc[0] as Json | undefined)?.assetType
        ? { name: f.name.replace(/\.json$/, '.jsonl'), text: doc.map((a) => JSON.stringify(a)).join('\n') + '\n' }
        : f;
    });
    const fromLines = loadGcpSnapshotFromTexts(lines);
    assert.deepEqual(
      fromLines.errors.map((e) => e.format()),
      [],
    );
    assert.deepEqual(content(fromLines.inventory), content(fromAssets.inventory));
    const line = fromLines.inventory.firewalls[0]!.origin;
    assert.ok(line.kind === 'file' && line.line !== undefined && line.line > 1, 'a JSON-lines origin names its line');
  });

  it('load-balancer resources: backend services, URL maps, proxies, pools; group members only where listed', () => {
    const C = 'https://www.googleapis.com/compute/v1/projects/p1';
    const gcloud = [
      {
        kind: 'compute#backendService',
        name: 'web',
        selfLink: `${C}/global/backendServices/web`,
        loadBalancingScheme: 'EXTERNAL_MANAGED',
        protocol: 'HTTP',
        portName: 'http',
        securityPolicy: `${C}/global/securityPolicies/armor`,
        backends: [{ group: `${C}/zones/us-central1-a/instanceGroups/web-ig` }],
      },
      {
        kind: 'compute#urlMap',
        name: 'web-map',
        selfLink: `${C}/global/urlMaps/web-map`,
        defaultService: `${C}/global/backendServices/web`,
        pathMatchers: [
          {
            name: 'm',
            defaultService: `${C}/global/backendServices/web`,
            pathRules: [{ paths: ['/api/*'], service: `${C}/global/backendServices/api` }],
            routeRules: [
              {
                priority: 1,
                routeAction: { weightedBackendServices: [{ backendService: `${C}/global/backendServices/canary` }] },
              },
            ],
          },
        ],
      },
      {
        kind: 'compute#targetHttpsProxy',
        name: 'web-proxy',
        selfLink: `${C}/global/targetHttpsProxies/web-proxy`,
        urlMap: `${C}/global/urlMaps/web-map`,
      },
      {
        kind: 'compute#targetPool',
        name: 'pool',
        region: `${C}/regions/us-central1`,
        selfLink: `${C}/regions/us-central1/targetPools/pool`,
        instances: [`${C}/zones/us-central1-a/instances/vm-1`],
      },
      {
        kind: 'compute#instanceGroup',
        name: 'web-ig',
        zone: `${C}/zones/us-central1-a`,
        selfLink: `${C}/zones/us-central1-a/instanceGroups/web-ig`,
        namedPorts: [{ name: 'http', port: 8080 }],
        members: [{ instance: `${C}/zones/us-central1-a/instances/vm-1`, status: 'RUNNING' }],
      },
      {
        kind: 'compute#networkEndpointGroup',
        name: 'neg',
        zone: `${C}/zones/us-central1-a`,
        selfLink: `${C}/zones/us-central1-a/networkEndpointGroups/neg`,
        networkEndpointType: 'GCE_VM_IP_PORT',
        endpoints: [{ networkEndpoint: { instance: 'vm-1', ipAddress: '10.0.0.2', port: 443 } }],
      },
    ];
    const asset = {
      name: '//compute.googleapis.com/projects/p1/zones/us-central1-a/instanceGroups/mig-1',
      assetType: 'compute.googleapis.com/InstanceGroup',
      resource: { data: { kind: 'compute#instanceGroup', name: 'mig-1', zone: `${C}/zones/us-central1-a`, size: 3 } },
    };
    const r = loadGcpSnapshotFromTexts([
      { name: 'lb.json', text: JSON.stringify(gcloud) },
      { name: 'assets.json', text: JSON.stringify([asset]) },
    ]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const inv = r.inventory;
    assert.deepEqual(
      inv.backendServices[0]!.backends.map((b) => b.group),
      ['projects/p1/zones/us-central1-a/instanceGroups/web-ig'],
    );
    assert.equal(inv.backendServices[0]!.securityPolicy, 'projects/p1/global/securityPolicies/armor');
    assert.deepEqual(inv.urlMaps[0]!.services, [
      'projects/p1/global/backendServices/api',
      'projects/p1/global/backendServices/canary',
      'projects/p1/global/backendServices/web',
    ]);
    assert.equal(inv.targetProxies[0]!.proxyKind, 'targetHttpsProxy');
    assert.equal(inv.targetProxies[0]!.urlMap, 'projects/p1/global/urlMaps/web-map');
    assert.deepEqual(inv.targetPools[0]!.instances, ['projects/p1/zones/us-central1-a/instances/vm-1']);
    const [mig, ig] = inv.instanceGroups;
    assert.equal(mig!.members, undefined, 'a Cloud Asset Inventory group lists no members: unknown, not none');
    assert.deepEqual(ig!.members, ['projects/p1/zones/us-central1-a/instances/vm-1']);
    assert.deepEqual(ig!.namedPorts, [{ name: 'http', port: 8080 }]);
    assert.deepEqual(inv.networkEndpointGroups[0]!.endpoints, [{ instance: 'vm-1', ipAddress: '10.0.0.2', port: 443 }]);
    assert.ok(hasGcpDataset(inv, 'p1', 'compute:instance-groups'));
  });

  it('a REST list response with nextPageToken is one page: its data sets are partial there', () => {
    const list = {
      kind: 'compute#subnetworkList',
      items: [
        {
          kind: 'compute#subnetwork',
          name: 's1',
          selfLink: 'https://www.googleapis.com/compute/v1/projects/p1/regions/europe-west4/subnetworks/s1',
          network: 'https://www.googleapis.com/compute/v1/projects/p1/global/networks/n1',
          region: 'https://www.googleapis.com/compute/v1/projects/p1/regions/europe-west4',
          ipCidrRange: '10.9.0.0/24',
        },
      ],
      nextPageToken: 'abc',
    };
    assert.equal(recogniseGcpDocument(list), 'list-response');
    const r = loadGcpSnapshotFromTexts([{ name: 'subnets.json', text: JSON.stringify(list, null, 2) }]);
    assert.equal(r.inventory.subnetworks.length, 1);
    assert.equal(hasGcpDataset(r.inventory, 'p1', 'compute:subnetworks'), false);
    assert.match(r.warnings[0]!.message, /one page of a longer list/);
  });

  it('reads Cloud Routers’ BGP peers and the VPN tunnels and Interconnect attachments their interfaces link', () => {
    const router = {
      kind: 'compute#router',
      name: 'cr-1',
      selfLink: 'https://www.googleapis.com/compute/v1/projects/p1/regions/europe-west4/routers/cr-1',
      network: 'https://www.googleapis.com/compute/v1/projects/p1/global/networks/n1',
      region: 'https://www.googleapis.com/compute/v1/projects/p1/regions/europe-west4',
      bgpPeers: [
        { name: 'onprem', interfaceName: 'if-1', peerIpAddress: '169.254.0.2' },
        { name: 'off', enable: 'FALSE' },
      ],
      interfaces: [
        { name: 'if-1', linkedInterconnectAttachment: 'projects/p1/regions/europe-west4/interconnectAttachments/a1' },
      ],
    };
    const r = loadGcpSnapshotFromTexts([{ name: 'routers.json', text: JSON.stringify([router], null, 2) }]);
    assert.deepEqual(r.errors, []);
    const [read] = r.inventory.routers;
    assert.deepEqual(
      read!.bgpPeers!.map((b) => [b.name, b.enable]),
      [
        ['onprem', undefined],
        ['off', 'FALSE'],
      ],
    );
    assert.match(read!.interfaces![0]!.linkedInterconnectAttachment!, /interconnectAttachments\/a1$/);
  });

  it('reads routers.getRouterStatus answers: by the router they name, or gcloud output by its folders; unnamed ones are located errors', () => {
    const net = 'https://www.googleapis.com/compute/v1/projects/p1/global/networks/n1';
    const answer = (dest: string) => ({
      kind: 'compute#routerStatusResponse',
      result: {
        network: net,
        bestRoutes: [
          {
            kind: 'compute#route',
            network: net,
            destRange: dest,
            priority: 100,
            nextHopIp: '169.254.0.2',
            nextHopVpnTunnel: 'https://www.googleapis.com/compute/v1/projects/p1/regions/europe-west4/vpnTunnels/t0',
            routeType: 'BGP',
            routeStatus: 'ACTIVE',
          },
        ],
        bestRoutesForRouter: [{ destRange: dest, priority: 100, nextHopIp: '169.254.0.2', routeType: 'BGP' }],
        bgpPeerStatus: [{ name: 'onprem', status: 'UP', numLearnedRoutes: 1 }],
      },
    });
    const r = loadGcpSnapshotFromTexts([
      // gcloud compute routers get-status cr-1 --region europe-west4 --format=json, saved by its router's folders
      {
        name: 'snap/projects/p1/regions/europe-west4/routers/cr-1/status.json',
        text: JSON.stringify(answer('192.168.0.0/16'), null, 2),
      },
      // a list naming each router (what cordon collect gcp writes)
      {
        name: 'snap/statuses.json',
        text: JSON.stringify(
          [
            { router: 'projects/p1/regions/us-east1/routers/cr-2', ...answer('172.16.0.0/12') },
            { ...answer('10.99.0.0/16') },
          ],
          null,
          2,
        ),
      },
    ]);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!.message, /names no router/);
    assert.equal(r.errors[0]!.file, 'snap/statuses.json');
    assert.deepEqual(
      r.inventory.routerStatuses.map((s) => [s.id, s.region, s.network, s.routes.map((x) => [x.list, x.destRange])]),
      [
        [
          'projects/p1/regions/europe-west4/routers/cr-1',
          'europe-west4',
          'projects/p1/global/networks/n1',
          [
            ['bestRoutes', '192.168.0.0/16'],
            ['bestRoutesForRouter', '192.168.0.0/16'],
          ],
        ],
        [
          'projects/p1/regions/us-east1/routers/cr-2',
          'us-east1',
          'projects/p1/global/networks/n1',
          [
            ['bestRoutes', '172.16.0.0/12'],
            ['bestRoutesForRouter', '172.16.0.0/12'],
          ],
        ],
      ],
    );
    const [first] = r.inventory.routerStatuses;
    assert.match(first!.routes[0]!.nextHopVpnTunnel!, /vpnTunnels\/t0$/);
    assert.equal(first!.routes[0]!.pointer, '/result/bestRoutes/0');
    assert.deepEqual(first!.peers, [{ name: 'onprem', status: 'UP', pointer: '/result/bgpPeerStatus/0' }]);
  });

  it('a JSON line that does not parse (asset export cut short) leaves the data sets of its file partial', () => {
    const fw = (name: string) => ({
      name: `//compute.googleapis.com/projects/p1/global/firewalls/${name}`,
      assetType: 'compute.googleapis.com/Firewall',
      ancestors: ['projects/111', 'organizations/1'],
      resource: {
        version: 'v1',
        discoveryName: 'Firewall',
        data: {
          name,
          network: 'https://www.googleapis.com/compute/v1/projects/p1/global/networks/n1',
          sourceRanges: ['0.0.0.0/0'],
          allowed: [{ IPProtocol: 'tcp', ports: ['22'] }],
        },
      },
    });
    const lines = [fw('allow-a'), fw('allow-b'), fw('allow-ssh')].map((a) => JSON.stringify(a));
    lines[2] = lines[2]!.slice(0, 90); // the line of allow-ssh, cut
    const r = loadGcpSnapshotFromTexts([{ name: 'export.json', text: `${lines.join('\n')}\n` }]);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!.format(), /export\.json:3.*line skipped/);
    assert.equal(r.inventory.firewalls.length, 2);
    assert.equal(
      hasGcpDataset(r.inventory, 'p1', 'compute:firewalls'),
      false,
      'a lost rule could be the one that opens it',
    );
  });

  it('a bad field is a located error, the item is skipped and its data set partial; the rest is read', () => {
    const gcloud = asGcloud(ref);
    const fw = gcloud.find((f) => f.name === 'Firewall.json')!;
    const rules = JSON.parse(fw.text) as Json[];
    rules[1]!.priority = 'high';
    const r = loadGcpSnapshotFromTexts([
      ...gcloud.filter((f) => f !== fw),
      { name: fw.name, text: JSON.stringify(rules, null, 1) },
    ]);
    assert.equal(r.errors.length, 1);
    assert.match(
      r.errors[0]!.format(),
      /Firewall\.json:\d+:\d+.*priority: expected a number, got a string \("high"\); item skipped/,
    );
    assert.equal(r.inventory.firewalls.length, rules.length - 1);
    assert.equal(hasGcpDataset(r.inventory, 'ai-net-host', 'compute:firewalls'), false);
    assert.equal(hasGcpDataset(r.inventory, 'ai-net-host', 'compute:subnetworks'), true);
  });

  it('gcloud DNS output outside a projects/<id> folder: a warning, never a silent project', () => {
    const r = loadGcpSnapshotFromTexts([
      {
        name: 'zones.json',
        text: JSON.stringify([
          { kind: 'dns#managedZone', name: 'z', dnsName: 'googleapis.com.', visibility: 'private' },
        ]),
      },
      {
        name: 'rrsets.json',
        text: JSON.stringify([
          { kind: 'dns#resourceRecordSet', name: 'a.googleapis.com.', type: 'A', rrdatas: ['10.0.0.1'] },
        ]),
      },
    ]);
    assert.match(r.warnings.map((w) => w.message).join('\n'), /cannot tell the project/);
    assert.match(r.errors.map((e) => e.format()).join('\n'), /rrsets\.json.*names no managed zone/);
    assert.equal(r.inventory.recordSets.length, 0);
  });

  it('assets listed without --content-type (names only) are a warning, not silently nothing', () => {
    const r = loadGcpSnapshotFromTexts([
      {
        name: 'names.json',
        text: JSON.stringify([
          {
            name: '//compute.googleapis.com/projects/p/global/networks/n',
            assetType: 'compute.googleapis.com/Network',
            ancestors: ['projects/1'],
          },
          {
            name: '//compute.googleapis.com/projects/p/global/firewalls/f',
            assetType: 'compute.googleapis.com/Firewall',
            ancestors: ['projects/1'],
          },
        ]),
      },
    ]);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!.message, /no resource content.*--content-type=resource/);
    assert.equal(r.inventory.datasets.size, 0, 'no data set is marked present by names alone');
  });

  it('org policies: v1 (asset ORG_POLICY content) and v2 read to one model', () => {
    const r = loadGcpSnapshotFromTexts([
      {
        name: 'org.json',
        text: JSON.stringify([
          {
            name: '//cloudresourcemanager.googleapis.com/folders/42',
            assetType: 'cloudresourcemanager.googleapis.com/Folder',
            ancestors: ['folders/42', 'organizations/1'],
            orgPolicy: [
              { constraint: 'constraints/compute.vmExternalIpAccess', listPolicy: { allValues: 'DENY' } },
              { constraint: 'constraints/ainotebooks.restrictPublicIp', booleanPolicy: { enforced: true } },
            ],
          },
        ]),
      },
      {
        name: 'v2.json',
        text: JSON.stringify({
          name: 'projects/p9/policies/compute.vmExternalIpAccess',
          spec: { inheritFromParent: false, rules: [{ allowAll: true }] },
        }),
      },
    ]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const byId = Object.fromEntries(r.inventory.orgPolicies.map((p) => [p.id, p]));
    assert.equal(byId['folders/42/policies/compute.vmExternalIpAccess']!.spec!.rules[0]!.denyAll, true);
    assert.equal(byId['folders/42/policies/ainotebooks.restrictPublicIp']!.spec!.rules[0]!.enforce, true);
    assert.equal(byId['projects/p9/policies/compute.vmExternalIpAccess']!.spec!.inheritFromParent, false);
  });

  it('property: any field of any resource given a wrong type yields located errors, no crash, the rest read', () => {
    const gcloud = asGcloud(ref).filter((f) => !f.name.endsWith('manifest.json'));
    const arrays = gcloud.filter((f) => Array.isArray(JSON.parse(f.text)));
    fc.assert(
      fc.property(
        fc.nat(arrays.length - 1),
        fc.nat(),
        fc.nat(),
        fc.constantFrom<unknown>(7, 'x', true, null, [], {}, [1]),
        (fi, ii, ki, value) => {
          const file = arrays[fi]!;
          const items = JSON.parse(file.text) as Json[];
          const item = items[ii % items.length]!;
          const keys = Object.keys(item);
          item[keys[ki % keys.length]!] = value;
          const texts = [
            ...gcloud.filter((f) => f !== file),
            { name: file.name, text: JSON.stringify(items, null, 1) },
          ];
          const r = loadGcpSnapshotFromTexts(texts);
          for (const e of r.errors)
            assert.match(e.format(), new RegExp(`^${file.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+`));
          // Every other file's items are still there.
          const others = loadGcpSnapshotFromTexts(gcloud.filter((f) => f !== file)).inventory;
          for (const [k, v] of Object.entries(others))
            if (Array.isArray(v)) assert.ok((r.inventory[k as keyof GcpInventory] as unknown[]).length >= v.length, k);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('property: random text never crashes the reader and is reported with its file', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const r = loadGcpSnapshotFromTexts([{ name: 'junk.json', text }]);
        for (const e of r.errors) assert.equal(e.file, 'junk.json');
      }),
      { numRuns: 200 },
    );
  });

  it('detection sends GCP files to the GCP reader and leaves AWS and Azure where they were', () => {
    for (const f of ref) assert.equal(detectProvider(f.text.slice(0, 16384)), 'gcp', f.name);
    for (const f of asGcloud(ref)) assert.equal(detectProvider(f.text.slice(0, 16384)), 'gcp', f.name);
    assert.equal(detectProvider('{"Vpcs": [{"VpcId": "vpc-1"}]}'), 'aws');
    assert.equal(
      detectProvider('{"value": [{"id": "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/g"}]}'),
      'azure',
    );
  });
});

describe('GCP names and zone placement', () => {
  it('compares self links, asset names and relative names as one id', () => {
    const id = 'projects/p/regions/r1/subnetworks/s';
    assert.equal(gcpIdKey(`https://www.googleapis.com/compute/v1/${id}`), id);
    assert.equal(gcpIdKey(`https://compute.googleapis.com/compute/beta/${id}`), id);
    assert.equal(gcpIdKey(`//compute.googleapis.com/${id}`), id);
    assert.equal(gcpIdKey(`/${id}/`), id);
    assert.equal(regionOfZone('us-central1-a'), 'us-central1');
    assert.equal(regionOfZone('europe-west4'), 'europe-west4');
  });

  it('places an IPv6-only subnetwork (no ipCidrRange) by its IPv6 range', () => {
    const s = {
      project: 'p1',
      region: 'us-central1',
      origin: { kind: 'file' as const, file: 'subnets.json' },
      id: 'projects/p1/regions/us-central1/subnetworks/v6only',
      name: 'v6only',
      network: 'projects/p1/global/networks/n1',
      secondaryIpRanges: [],
      stackType: 'IPV6_ONLY',
      ipv6CidrRange: 'fd20:1:2:3::/64',
    };
    const zones = placeGcpResources({ subnetworks: [s], networks: [] }, [
      { zone: 'inference', cidrs: ['10.0.2.0/24', 'fd20:1:2::/48'] },
    ]);
    assert.equal(zones.subnetwork(s.id)?.zone, 'inference');
    assert.equal(zones.subnetwork(s.id)?.via, 'cidr');
  });

  it('places subnetworks by id, name, network and CIDR, and instances by labels, tags and accounts first', () => {
    const inv = loadGcpSnapshotFromTexts(namedFiles(REF)).inventory;
    // Without their zone labels, instances are placed by the selectors' labels, network tags and accounts.
    for (const vm of inv.instances) if (vm.name !== 'vector-db-1') delete vm.labels['security-zone'];
    inv.instances.find((v) => v.name === 'app-1')!.labels.tier = 'web';
    const zones = placeGcpResources(inv, [
      { zone: 'data', cidrs: ['10.0.3.0/24'] },
      { zone: 'inference', subnetIds: ['inference'] },
      { zone: 'sandbox', networkTags: ['sandbox'] },
      { zone: 'management', serviceAccounts: ['management-sa@ai-workloads.iam.gserviceaccount.com'] },
      { zone: 'application', labels: { tier: 'web' } },
    ]);
    const subnet = (n: string) => `projects/ai-net-host/regions/us-central1/subnetworks/${n}`;
    assert.equal(zones.subnetwork(subnet('inference'))?.via, 'subnet-id');
    assert.equal(zones.subnetwork(subnet('data'))?.via, 'cidr');
    assert.equal(zones.subnetwork(subnet('application')), undefined);
    const vm = (n: string) => `projects/ai-workloads/zones/us-central1-a/instances/${n}`;
    assert.deepEqual(zones.instance(vm('sandbox-runner-1'))?.zone, 'sandbox');
    assert.deepEqual(zones.instance(vm('secrets-relay-1'))?.via, 'service-account');
    assert.deepEqual(zones.instance(vm('app-1'))?.via, 'labels');
    assert.deepEqual(
      zones.instance(vm('vector-db-1'))?.via,
      'zone-label',
      'security-zone matches the zone tag key SecurityZone',
    );
    assert.deepEqual(zones.networkZones('projects/ai-net-host/global/networks/ai-vpc'), ['data', 'inference']);
    const psc = zones.forwardingRule('projects/ai-net-host/global/forwardingRules/vertexpsc');
    assert.equal(psc?.via, 'network');
  });
});
