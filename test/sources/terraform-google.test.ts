/**
 * Terraform google resources in the GCP inventory: the reduced example matches its snapshot twin on what it declares,
 * misconfigured variants fail the same check as the same change in the snapshot, ids and scopes follow the GCP
 * relative names, API defaults are filled as the API fills them, and what is not known before deploy (or not mapped)
 * makes the checks not assessed naming it.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { GCP_CHECKS } from '../../src/checks/gcp/registry.js';
import { parsePolicy } from '../../src/policy/load.js';
import { scanSnapshot } from '../../src/scan.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { TERRAFORM_GCP_DATASETS, TERRAFORM_GCP_DECLARED_DATASETS } from '../../src/sources/iac/terraform/google.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';

const policy = parsePolicy('examples/cordon.yaml', await readFile('examples/cordon.yaml', 'utf8'));
// The provider checks only: the zone verification (verify-*) needs network interfaces, which IaC declares in part;
// it is compared on its own.
const scan = (snapshot: string) =>
  scanSnapshot({
    snapshot,
    policy,
    policySource: 'examples/cordon.yaml',
    cwd: process.cwd(),
    today: '2026-11-22',
    skipChecks: ['verify-*'],
  });

const TF = 'examples/terraform/gcp-reference';
const SNAP = 'examples/gcp/reference';

/**
 * Checks whose data sets Terraform can express (hierarchical firewall policies: none beyond the tree's; projects,
 * services, perimeters and org policies where the tree declares them, docs/iac.md). Any other would be not assessed.
 */
const EXPRESSIBLE = new Set(
  GCP_CHECKS.filter((c) =>
    [...c.requires, ...(c.looksUp ?? [])].every(
      (d) =>
        TERRAFORM_GCP_DATASETS.has(d) ||
        TERRAFORM_GCP_DECLARED_DATASETS.has(d) ||
        d === 'compute:hierarchical-firewall-policies',
    ),
  ).map((c) => c.id),
);

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function copy(from: string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cordon-tfg-'));
  dirs.push(root);
  await cp(from, root, { recursive: true });
  return root;
}

/**
 * check, resource id (GCP relative name, the same in both sources), status. An index endpoint's id is a number the
 * API assigns; the Terraform address stands in for it.
 */
async function results(dir: string): Promise<string[]> {
  return (await scan(dir)).findings
    .filter((f) => EXPRESSIBLE.has(f.checkId))
    .map((f) => `${f.checkId} ${f.resource.id.replace(/\/indexEndpoints\/[^/]+$/, '/indexEndpoints/*')} ${f.status}`)
    .sort();
}

async function load(files: Record<string, string>) {
  const root = await mkdtemp(path.join(tmpdir(), 'cordon-tfg-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, name), text);
  const parts = await partitionSnapshot(root);
  return { root, ...(await loadTerraform(root, parts.terraform, { cwd: root })) };
}

/** The asset fields the variants edit. */
interface Asset {
  name: string;
  resource: { data: AssetData };
}
interface AssetData {
  [field: string]: unknown;
  selfLink: string;
  logConfig?: unknown;
  networkInterfaces: { accessConfigs: unknown[] }[];
}

/** Edits the snapshot's compute assets (JSON array) in a copy. */
async function editAssets(dir: string, edit: (assets: Asset[]) => void): Promise<void> {
  const file = path.join(dir, 'assets-compute.json');
  const assets = JSON.parse(await readFile(file, 'utf8')) as Asset[];
  edit(assets);
  await writeFile(file, JSON.stringify(assets, null, 2));
}
/** Adds a copy of the asset named by `like` ("firewalls/x") under a new name, with fields changed. */
function addLike(assets: Asset[], like: string, name: string, fields: Record<string, unknown>): void {
  const asset = structuredClone(assets.find((a) => a.name.endsWith(`/${like}`))!);
  const old = like.slice(like.indexOf('/') + 1);
  asset.name = asset.name.replace(old, name);
  Object.assign(asset.resource.data, { name, selfLink: asset.resource.data.selfLink.replace(old, name), ...fields });
  assets.push(asset);
}
const dataOf = (assets: Asset[], name: string) => assets.find((a) => a.name.endsWith(name))!.resource.data;

describe('Terraform google → GCP inventory', () => {
  it(`${TF} ≡ ${SNAP} on the resources it declares, findings at .tf lines`, async () => {
    const expected = await results(SNAP);
    assert.ok(expected.length >= 30);
    assert.deepEqual(await results(TF), expected);
    const report = await scan(TF);
    assert.deepEqual(report.inputErrors, []);
    for (const f of report.findings.filter((x) => !EXPRESSIBLE.has(x.checkId)))
      assert.equal(f.status, 'not-assessed', `${f.checkId} ${f.resource.id}`);
    for (const f of report.findings)
      assert.ok(f.origin?.kind === 'file' && f.origin.file.endsWith('.tf') && (f.origin.line ?? 0) > 0, f.checkId);
  });

  const EGRESS_RULE = {
    tf: `resource "google_compute_firewall" "open_egress" {
  name      = "allow-inference-egress-internet"
  network   = google_compute_network.ai_vpc.id
  direction = "EGRESS"
  target_tags = ["inference"]
  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}
`,
    snapshot: (assets: Asset[]) =>
      addLike(assets, 'firewalls/deny-all-egress', 'allow-inference-egress-internet', {
        priority: 1000,
        targetTags: ['inference'],
        allowed: [{ IPProtocol: 'tcp', ports: ['443'] }],
        denied: [],
        destinationRanges: ['0.0.0.0/0'],
      }),
    fails: 'gcp-ai-firewall-open-to-internet',
  };
  const NO_FLOW_LOGS = {
    edit: (text: string) => text.replace(/ {2}log_config \{\n {4}aggregation_interval[^}]*\}\n/, ''),
    snapshot: (assets: Asset[]) => {
      for (const s of ['application', 'inference', 'data', 'management', 'sandbox'])
        delete dataOf(assets, `/subnetworks/${s}`).logConfig;
    },
    fails: 'gcp-ai-subnet-flow-logs-missing',
  };
  const EXTERNAL_IP = {
    edit: (text: string) =>
      text.replace(
        /(subnetwork = google_compute_subnetwork\.zone\[each\.value\]\.self_link\n)/,
        '$1    access_config {}\n',
      ),
    // The address only carries traffic with an internet route: the default route Google creates with a network.
    extra: `resource "google_compute_route" "default_internet" {
  name             = "default-internet"
  network          = google_compute_network.ai_vpc.id
  dest_range       = "0.0.0.0/0"
  next_hop_gateway = "default-internet-gateway"
}
`,
    snapshot: (assets: Asset[]) => {
      addLike(assets, 'routes/restricted-googleapis', 'default-internet', { destRange: '0.0.0.0/0' });
      for (const i of ['app-1', 'inference-proxy-1', 'vector-db-1', 'secrets-relay-1', 'sandbox-runner-1'])
        dataOf(assets, `/instances/${i}`).networkInterfaces[0]!.accessConfigs = [
          { type: 'ONE_TO_ONE_NAT', name: 'external-nat' },
        ];
    },
    fails: 'gcp-ai-instance-external-ip',
  };

  const PUBLIC_NOTEBOOK = {
    edit: (text: string) => text.replace('disable_public_ip = true', 'disable_public_ip = false'),
    snapshot: async (dir: string) => {
      const file = path.join(dir, 'workbench-instances.json');
      const list = JSON.parse(await readFile(file, 'utf8')) as { gceSetup: { disablePublicIp: boolean } }[];
      list[0]!.gceSetup.disablePublicIp = false;
      await writeFile(file, JSON.stringify(list));
    },
    fails: 'gcp-workbench-public-or-outside-ai-network',
  };

  it('a Workbench instance with a public IP fails the same check as in the snapshot', async () => {
    const tf = await copy(TF);
    const text = await readFile(path.join(tf, 'vertex.tf'), 'utf8');
    assert.notEqual(PUBLIC_NOTEBOOK.edit(text), text);
    await writeFile(path.join(tf, 'vertex.tf'), PUBLIC_NOTEBOOK.edit(text));
    const snap = await copy(SNAP);
    await PUBLIC_NOTEBOOK.snapshot(snap);
    const expected = await results(snap);
    assert.ok(expected.some((r) => r.startsWith(`${PUBLIC_NOTEBOOK.fails} `) && r.endsWith(' fail')));
    assert.deepEqual(await results(tf), expected);
  });

  it('a firewall rule allowing egress to 0.0.0.0/0 fails the same check as in the snapshot', async () => {
    const tf = await copy(TF);
    await writeFile(path.join(tf, 'open.tf'), EGRESS_RULE.tf);
    const snap = await copy(SNAP);
    await editAssets(snap, EGRESS_RULE.snapshot);
    const expected = await results(snap);
    assert.ok(expected.some((r) => r.startsWith(`${EGRESS_RULE.fails} `) && r.endsWith(' fail')));
    assert.deepEqual(await results(tf), expected);
  });

  for (const [name, variant, file] of [
    ['subnets without log_config', NO_FLOW_LOGS, 'main.tf'],
    ['instances with an access_config', EXTERNAL_IP, 'instances.tf'],
  ] as const)
    it(`${name} fail ${variant.fails} as the snapshot does`, async () => {
      const tf = await copy(TF);
      const text = await readFile(path.join(tf, file), 'utf8');
      const edited = variant.edit(text);
      assert.notEqual(edited, text);
      await writeFile(path.join(tf, file), edited);
      if ('extra' in variant) await writeFile(path.join(tf, 'extra.tf'), variant.extra);
      const snap = await copy(SNAP);
      await editAssets(snap, variant.snapshot);
      const expected = await results(snap);
      assert.ok(expected.some((r) => r.startsWith(`${variant.fails} `) && r.endsWith(' fail')));
      assert.deepEqual(await results(tf), expected);
    });

  it('ids are relative names; project and region come from the resource, else the provider, else iac', async () => {
    const r = await load({
      'main.tf': `provider "google" {
  project = "host"
  region  = "europe-west4"
}
resource "google_compute_network" "n" {
  name = "net"
  auto_create_subnetworks = false
}
resource "google_compute_subnetwork" "s" {
  name          = "s1"
  network       = google_compute_network.n.name
  ip_cidr_range = "10.1.0.0/24"
}
resource "google_compute_subnetwork" "other" {
  project       = "svc"
  region        = "us-east1"
  name          = "s2"
  network       = google_compute_network.n.self_link
  ip_cidr_range = "10.2.0.0/24"
}
resource "google_compute_firewall" "in" {
  name    = "no-source"
  network = google_compute_network.n.id
  allow {
    protocol = "tcp"
    ports    = [443, "8000-8080"]
  }
}
`,
    });
    assert.deepEqual(r.errors, []);
    const inv = r.gcp!;
    assert.deepEqual(
      inv.subnetworks.map((s) => [s.id, s.project, s.region, s.network]),
      [
        [
          'projects/host/regions/europe-west4/subnetworks/s1',
          'host',
          'europe-west4',
          'projects/host/global/networks/net',
        ],
        ['projects/svc/regions/us-east1/subnetworks/s2', 'svc', 'us-east1', 'projects/host/global/networks/net'],
      ],
    );
    assert.deepEqual(inv.networks[0]!.subnetworks.sort(), inv.subnetworks.map((s) => s.id).sort());
    // An ingress rule with no source applies to every source, as the API fills it.
    assert.deepEqual(inv.firewalls[0]!.sourceRanges, ['0.0.0.0/0']);
    assert.deepEqual(inv.firewalls[0]!.allowed, [{ protocol: 'tcp', ports: ['443', '8000-8080'] }]);
    assert.equal(inv.subnetworks[0]!.logConfig, undefined);

    const bare = await load({ 'main.tf': 'resource "google_compute_network" "n" {\n  name = "net"\n}\n' });
    assert.equal(bare.gcp!.networks[0]!.id, 'projects/iac/global/networks/net');
    assert.equal(bare.gcp!.networks[0]!.autoCreateSubnetworks, true);
  });

  it('load balancers: the reference chain reads as in the snapshot; a managed group is not mapped (members unknown)', async () => {
    const tf = await loadTerraform(TF, (await partitionSnapshot(TF)).terraform, { cwd: process.cwd() });
    const inv = tf.gcp!;
    const fr = inv.forwardingRules.find((r) => r.name === 'app-https')!;
    assert.equal(fr.target, 'projects/ai-workloads/global/targetHttpsProxies/app-https-proxy');
    assert.equal(fr.loadBalancingScheme, 'EXTERNAL_MANAGED');
    assert.equal(inv.targetProxies[0]!.urlMap, 'projects/ai-workloads/global/urlMaps/app-map');
    assert.deepEqual(inv.urlMaps[0]!.services, ['projects/ai-workloads/global/backendServices/app-backend']);
    assert.deepEqual(
      inv.backendServices[0]!.backends.map((b) => b.group),
      ['projects/ai-workloads/zones/us-central1-a/instanceGroups/app-ig'],
    );
    assert.deepEqual(inv.instanceGroups[0]!.members, ['projects/ai-workloads/zones/us-central1-a/instances/app-1']);
    assert.deepEqual(inv.instanceGroups[0]!.namedPorts, [{ name: 'https', port: 443 }]);
    const r = await load({
      'main.tf': `resource "google_compute_instance_group_manager" "m" {
  name               = "mig"
  zone               = "us-central1-a"
  base_instance_name = "app"
  version {
    instance_template = "projects/p/global/instanceTemplates/t"
  }
}
resource "google_compute_region_backend_service" "b" {
  name   = "b"
  region = "us-central1"
  backend {
    group = google_compute_instance_group_manager.m.instance_group
  }
}
`,
    });
    assert.equal(r.gcp!.instanceGroups.length, 0, 'a managed group lists no members before deploy');
    const partial = [...r.gcp!.partial.values()];
    assert.ok(
      partial.some((m) => m.has('compute:instance-groups')),
      'the managed group makes its data set partial',
    );
    assert.ok(
      partial.some((m) => m.has('compute:backend-services')),
      'its group is not known before deploy',
    );
  });

  it('a network keeps the default internet route Google Cloud creates, unless delete_default_routes_on_create', async () => {
    const net = (name: string, flag: string) => `resource "google_compute_network" "${name}" {
  project                 = "ml"
  name                    = "${name}"
  auto_create_subnetworks = false${flag}
}
`;
    const r = await load({
      'main.tf': `variable "drop" {
  type = bool
}
${net('kept', '')}${net('dropped', '\n  delete_default_routes_on_create = true')}${net('undecided', '\n  delete_default_routes_on_create = var.drop')}`,
    });
    assert.deepEqual(r.errors, []);
    const inv = r.gcp!;
    assert.deepEqual(
      inv.routes.map((x) => [x.name, x.network, x.destRange, x.priority, x.nextHopGateway]),
      [
        [
          'default-route-kept',
          'projects/ml/global/networks/kept',
          '0.0.0.0/0',
          1000,
          'projects/ml/global/gateways/default-internet-gateway',
        ],
      ],
    );
    const skipped = [...inv.partial.values()].flatMap((m) => m.get('compute:routes') ?? []);
    assert.deepEqual(
      skipped.map((x) => x.pointer),
      ['google_compute_network.undecided'],
    );
    assert.match(skipped[0]!.reason, /default internet route .*var\.drop/);
  });

  it("google_netblock_ip_ranges: the provider's constant ranges are known (IAP, health checkers); cloud-netblocks is not", async () => {
    const r = await load({
      'main.tf': `resource "google_compute_network" "n" {
  project                 = "ml"
  name                    = "net"
  auto_create_subnetworks = false
}
data "google_netblock_ip_ranges" "iap" {
  range_type = "iap-forwarders"
}
data "google_netblock_ip_ranges" "hc" {
  range_type = "health-checkers"
}
data "google_netblock_ip_ranges" "cloud" {}
resource "google_compute_firewall" "iap" {
  project       = "ml"
  name          = "allow-ssh-from-iap"
  network       = google_compute_network.n.id
  source_ranges = concat(data.google_netblock_ip_ranges.iap.cidr_blocks_ipv4, data.google_netblock_ip_ranges.hc.cidr_blocks)
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
resource "google_compute_firewall" "cloud" {
  project       = "ml"
  name          = "allow-cloud"
  network       = google_compute_network.n.id
  source_ranges = data.google_netblock_ip_ranges.cloud.cidr_blocks_ipv4
  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}
`,
    });
    assert.deepEqual(r.errors, []);
    const inv = r.gcp!;
    assert.deepEqual(
      inv.firewalls.map((f) => [f.name, f.sourceRanges]),
      [['allow-ssh-from-iap', ['35.235.240.0/20', '35.191.0.0/16', '130.211.0.0/22']]],
    );
    const skipped = [...inv.partial.values()].flatMap((m) => m.get('compute:firewalls') ?? []);
    assert.deepEqual(
      skipped.map((s) => s.pointer),
      ['google_compute_firewall.cloud'],
    );
    assert.match(skipped[0]!.reason, /data\.google_netblock_ip_ranges\.cloud\.cidr_blocks_ipv4.*plan time/);
  });

  it('a value not known before deploy, or a type that is not mapped, makes the checks not assessed naming it', async () => {
    const tf = await copy(TF);
    await writeFile(
      path.join(tf, 'unknown.tf'),
      `variable "admin_range" {
  type = string
}
resource "google_compute_firewall" "admin" {
  name          = "allow-admin"
  network       = google_compute_network.ai_vpc.id
  source_ranges = [var.admin_range]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
`,
    );
    const report = await scan(tf);
    const open = report.findings.filter((f) => f.checkId === 'gcp-ai-firewall-open-to-internet');
    assert.ok(open.length > 0);
    for (const f of open) {
      assert.equal(f.status, 'not-assessed');
      assert.match(f.message, /var\.admin_range/);
      assert.match(f.message, /unknown\.tf/);
    }

    const peered = await copy(TF);
    await writeFile(
      path.join(peered, 'peering.tf'),
      `resource "google_compute_network_peering" "p" {
  name         = "to-other"
  network      = google_compute_network.ai_vpc.self_link
  peer_network = "projects/other/global/networks/other"
}
resource "google_vertex_ai_featurestore" "f" {
  name = "fs"
}
`,
    );
    const r2 = await scan(peered);
    const reach = r2.findings.filter((f) => f.checkId === 'gcp-ai-zone-reachable-from-denied-zone');
    assert.ok(reach.length > 0);
    for (const f of reach) {
      assert.equal(f.status, 'not-assessed');
      assert.match(f.message, /google_compute_network_peering/);
    }
    assert.ok(r2.warnings.some((w) => /google_vertex_ai_featurestore .*not mapped/.test(w.message)));
  });
  it('in a plan, unknown ids are built the same way and references to them resolve', async () => {
    const plan = {
      format_version: '1.2',
      terraform_version: '1.9.5',
      resource_changes: [
        {
          address: 'google_compute_network.n',
          mode: 'managed',
          type: 'google_compute_network',
          name: 'n',
          provider_name: 'registry.terraform.io/hashicorp/google',
          change: {
            actions: ['create'],
            after: { name: 'ai-vpc', auto_create_subnetworks: false },
            after_unknown: { id: true, self_link: true },
          },
        },
        {
          address: 'google_compute_subnetwork.s',
          mode: 'managed',
          type: 'google_compute_subnetwork',
          name: 's',
          provider_name: 'registry.terraform.io/hashicorp/google',
          change: {
            actions: ['create'],
            after: { name: 'inference', ip_cidr_range: '10.0.2.0/24', region: 'us-central1' },
            after_unknown: { id: true, network: true, self_link: true },
          },
        },
        {
          address: 'google_compute_firewall.f',
          mode: 'managed',
          type: 'google_compute_firewall',
          name: 'f',
          provider_name: 'registry.terraform.io/hashicorp/google',
          change: {
            actions: ['create'],
            after: { name: 'f', direction: 'EGRESS', allow: [{ protocol: 'tcp', ports: ['443'] }] },
            after_unknown: { id: true, network: true, destination_ranges: true },
          },
        },
      ],
      configuration: {
        provider_config: { google: { name: 'google', expressions: { project: { constant_value: 'host' } } } },
        root_module: {
          resources: [
            {
              address: 'google_compute_subnetwork.s',
              type: 'google_compute_subnetwork',
              name: 's',
              provider_config_key: 'google',
              expressions: {
                network: { references: ['google_compute_network.n.self_link', 'google_compute_network.n'] },
              },
            },
            {
              address: 'google_compute_firewall.f',
              type: 'google_compute_firewall',
              name: 'f',
              provider_config_key: 'google',
              expressions: {
                network: { references: ['google_compute_network.n.id', 'google_compute_network.n'] },
                destination_ranges: { references: ['var.ranges'] },
              },
            },
          ],
        },
      },
    };
    const r = await load({ 'plan.json': JSON.stringify(plan, null, 2) });
    assert.deepEqual(r.errors, []);
    const inv = r.gcp!;
    assert.deepEqual(
      inv.subnetworks.map((x) => [x.id, x.network]),
      [['projects/host/regions/us-central1/subnetworks/inference', 'projects/host/global/networks/ai-vpc']],
    );
    assert.deepEqual(
      inv.networks.map((x) => x.id),
      ['projects/host/global/networks/ai-vpc'],
    );
    // The firewall's ranges are not known: it is left out and the firewall data set is partial, naming them.
    assert.deepEqual(inv.firewalls, []);
    const skipped = [...inv.partial.values()].flatMap((m) => m.get('compute:firewalls') ?? []);
    assert.equal(skipped.length, 1);
    assert.match(skipped[0]!.reason, /destination_ranges/);
  });
  it('a Cloud NAT (its own resource) is listed in its router and fails the AI subnets it serves', async () => {
    const tf = await copy(TF);
    await writeFile(
      path.join(tf, 'nat.tf'),
      `resource "google_compute_router" "r" {
  name    = "nat-router"
  network = google_compute_network.ai_vpc.id
}
resource "google_compute_router_nat" "nat" {
  name                               = "ai-nat"
  router                             = google_compute_router.r.name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
}
resource "google_compute_route" "default_internet" {
  name             = "default-internet"
  network          = google_compute_network.ai_vpc.id
  dest_range       = "0.0.0.0/0"
  next_hop_gateway = "default-internet-gateway"
}
resource "google_compute_firewall" "egress_all" {
  name      = "allow-egress-all"
  network   = google_compute_network.ai_vpc.id
  direction = "EGRESS"
  allow {
    protocol = "tcp"
  }
}
`,
    );
    const parts = await partitionSnapshot(tf);
    const r = await loadTerraform(tf, parts.terraform, { cwd: tf });
    assert.deepEqual(
      r.gcp!.routers.map((x) => [
        x.id,
        x.network,
        x.nats.map((n) => [n.name, n.sourceSubnetworkIpRangesToNat, n.type]),
      ]),
      [
        [
          'projects/ai-net-host/regions/us-central1/routers/nat-router',
          'projects/ai-net-host/global/networks/ai-vpc',
          [['ai-nat', 'ALL_SUBNETWORKS_ALL_IP_RANGES', 'PUBLIC']],
        ],
      ],
    );
    const nat = (await scan(tf)).findings.filter((f) => f.checkId === 'gcp-ai-subnet-cloud-nat-egress');
    assert.deepEqual(
      nat.map((f) => `${f.resource.id} ${f.status}`),
      [
        'projects/ai-net-host/regions/us-central1/subnetworks/data fail',
        'projects/ai-net-host/regions/us-central1/subnetworks/inference fail',
      ],
    );
  });

  it('BGP peers, router interfaces and VPN tunnels naming a router join it: its network has dynamic routes', async () => {
    const tf = await copy(TF);
    await writeFile(
      path.join(tf, 'bgp.tf'),
      `resource "google_compute_router" "r" {
  name    = "hybrid-router"
  network = google_compute_network.ai_vpc.id
}
resource "google_compute_router_peer" "onprem" {
  name            = "onprem"
  router          = google_compute_router.r.name
  interface       = "if-1"
  peer_ip_address = "169.254.0.2"
  peer_asn        = 65001
}
resource "google_compute_vpn_tunnel" "t1" {
  name          = "tunnel-1"
  router        = google_compute_router.r.name
  shared_secret = "x"
}
`,
    );
    const parts = await partitionSnapshot(tf);
    const r = await loadTerraform(tf, parts.terraform, { cwd: tf });
    const router = r.gcp!.routers.find((x) => x.name === 'hybrid-router')!;
    assert.deepEqual(
      router.bgpPeers!.map((b) => b.name),
      ['onprem'],
    );
    assert.deepEqual(
      router.interfaces!.map((i) => [i.name, i.linkedVpnTunnel]),
      [['google_compute_vpn_tunnel tunnel-1', 'google_compute_vpn_tunnel.t1']],
    );
    const { compileGcp } = await import('../../src/verify/gcp.js');
    const notes = compileGcp(r.gcp!, policy).notes;
    assert.ok(
      notes.some((n) => /Cloud Router hybrid-router learns dynamic routes/.test(n)),
      JSON.stringify(notes),
    );
  });

  it('arguments of the wrong shape give located errors, no crash, and the other resources are still read', async () => {
    const literal: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 6 }).map((x) => JSON.stringify(x)),
        fc.integer().map(String),
        fc.boolean().map(String),
        fc.constant('null'),
        fc.array(tie('value'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
        fc.dictionary(fc.constantFrom('a', 'enable', 'network_url', 'protocol'), tie('value'), { maxKeys: 2 }).map(
          (o) =>
            `{ ${Object.entries(o)
              .map(([k, v]) => `${k} = ${v}`)
              .join(', ')} }`,
        ),
      ),
    })).value;
    const attrs = [
      'name',
      'network',
      'ip_cidr_range',
      'direction',
      'priority',
      'source_ranges',
      'target_tags',
      'rrdatas',
    ];
    const types = [
      'google_compute_subnetwork',
      'google_compute_firewall',
      'google_dns_record_set',
      'google_compute_instance',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...types),
        fc.array(fc.tuple(fc.constantFrom(...attrs), literal), { maxLength: 4 }),
        async (type, pairs) => {
          const body = [...new Map(pairs)].map(([k, v]) => `  ${k} = ${v}`).join('\n');
          const r = await load({
            'main.tf': 'resource "google_compute_network" "n" {\n  name = "net"\n}\n',
            'odd.tf': `resource "${type}" "x" {\n${body}\n  managed_zone = "z"\n  type = "A"\n}\n`,
          });
          for (const e of r.errors) {
            assert.match(e.file, /\.tf$/);
            assert.ok((e.position.line ?? 0) > 0, e.format());
          }
          assert.deepEqual(
            r.gcp?.networks.map((n) => n.id),
            ['projects/iac/global/networks/net'],
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});
