/**
 * Terraform google resources above the networks (projects, folders, services, VPC-SC perimeters, org policies) and the
 * firewall-policy family, and the traps issue 12 names for them: a perimeter naming a project number not known
 * before deploy, an org policy on an organization whose id is not known, `count = 0` and `for_each` on firewall
 * rules. What is not known is never a pass: the checks that need it are not assessed, naming the expression.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { evaluateBoolean, evaluateList } from '../../src/checks/gcp/org-policy.js';
import type { Finding } from '../../src/findings/types.js';
import type { GcpOrgPolicy, GcpOrgPolicyRule } from '../../src/inventory/gcp.js';
import { parsePolicy } from '../../src/policy/load.js';
import { scanSnapshot } from '../../src/scan.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { runCli } from '../support/cli.js';

const policy = parsePolicy('examples/cordon.yaml', await readFile('examples/cordon.yaml', 'utf8'));
// The provider checks: the zone verification (verify-*) has its own tests.
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
const PERIMETER_CHECKS = ['gcp-vertex-project-outside-perimeter', 'gcp-vpc-sc-dry-run-only'];
const ORG_POLICY_CHECKS = [
  'gcp-org-policy-vm-external-ip-not-denied',
  'gcp-org-policy-workbench-networks-not-restricted',
  'gcp-org-policy-workbench-public-ip-not-enforced',
];

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cordon-tfgh-'));
  dirs.push(root);
  return root;
}

/** A copy of the reference example (its cordon.yaml link followed) with files replaced or added. */
async function variant(files: Record<string, (text: string) => string>): Promise<string> {
  const root = await tempDir();
  await cp(TF, root, { recursive: true, dereference: true });
  for (const [name, edit] of Object.entries(files)) {
    const file = path.join(root, name);
    const text = await readFile(file, 'utf8').catch(() => '');
    const edited = edit(text);
    assert.notEqual(edited, text, `${name} changed`);
    await writeFile(file, edited);
  }
  return root;
}

async function load(files: Record<string, string>) {
  const root = await tempDir();
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, name), text);
  return { root, ...(await read(root)) };
}

async function read(root: string) {
  const parts = await partitionSnapshot(root);
  return loadTerraform(root, parts.terraform, { cwd: root });
}

/** Whether gcp-ai-firewall-open-to-internet fails somewhere in the tree. */
const opensToInternet = async (root: string) =>
  (await scan(root)).findings.some((f) => f.checkId === 'gcp-ai-firewall-open-to-internet' && f.status === 'fail');
const of = (findings: readonly Finding[], checks: readonly string[]) =>
  findings.filter((f) => checks.includes(f.checkId));
const statuses = (findings: readonly Finding[], check: string) =>
  findings
    .filter((f) => f.checkId === check)
    .map((f) => `${f.resource.id} ${f.status}`)
    .sort();

describe('Terraform google: projects, perimeters and organization policies', () => {
  it("a declared project's number stands in as its id in a perimeter; ancestors follow a declared folder", async () => {
    const r = await load({
      'main.tf': `resource "google_folder" "ai" {
  display_name = "AI"
  parent       = "organizations/42"
}
resource "google_project" "p" {
  project_id = "ai-app"
  name       = "AI app"
  folder_id  = google_folder.ai.name
  labels     = { env = "prod" }
}
resource "google_access_context_manager_service_perimeter" "ai" {
  parent = "accessPolicies/7"
  name   = "accessPolicies/7/servicePerimeters/ai"
  title  = "ai"
  status {
    resources           = ["projects/\${google_project.p.number}"]
    restricted_services = ["aiplatform.googleapis.com"]
  }
}
resource "google_access_context_manager_service_perimeter_dry_run_resource" "extra" {
  perimeter_name = google_access_context_manager_service_perimeter.ai.name
  resource       = "projects/\${google_project.p.number}"
}
resource "google_access_context_manager_service_perimeter_ingress_policy" "in" {
  perimeter = google_access_context_manager_service_perimeter.ai.name
  ingress_from {
    identity_type = "ANY_IDENTITY"
  }
}
resource "google_access_context_manager_service_perimeters" "all" {
  parent = "accessPolicies/8"
  service_perimeters {
    name   = "accessPolicies/8/servicePerimeters/bridge"
    title  = "bridge"
    perimeter_type = "PERIMETER_TYPE_BRIDGE"
    status {
      resources = ["projects/\${google_project.p.number}"]
    }
  }
  service_perimeters {
    name  = "accessPolicies/8/servicePerimeters/dry"
    title = "dry"
    use_explicit_dry_run_spec = true
    spec {
      restricted_services = ["storage.googleapis.com"]
    }
  }
}
# Anywhere else the number is not known: a service account named by it matches nothing written literally.
resource "google_compute_instance" "vm" {
  project = google_project.p.project_id
  name    = "vm"
  zone    = "us-central1-a"
  network_interface {
    network = "default"
  }
  service_account {
    email = "\${google_project.p.number}-compute@developer.gserviceaccount.com"
  }
}
`,
    });
    assert.deepEqual(r.errors, []);
    const inv = r.gcp!;
    assert.deepEqual(inv.instances, []);
    assert.match(
      [...inv.partial.values()].flatMap((m) => m.get('compute:instances') ?? [])[0]!.reason,
      /google_project\.p\.number \(main\.tf:\d+\): known only after apply/,
    );
    assert.deepEqual(
      inv.projects.map((p) => [p.id, p.ancestors, p.labels, p.ancestorsUnknown]),
      [['projects/ai-app', ['folders/google_folder.ai', 'organizations/42'], { env: 'prod' }, undefined]],
    );
    const [p] = inv.servicePerimeters;
    assert.deepEqual(
      [p!.id, p!.status?.resources, p!.status?.restrictedServices, p!.status?.ingressPolicies, p!.spec?.resources],
      [
        'accessPolicies/7/servicePerimeters/ai',
        ['projects/ai-app'],
        ['aiplatform.googleapis.com'],
        1,
        ['projects/ai-app'],
      ],
    );
    assert.deepEqual(
      inv.servicePerimeters
        .slice(1)
        .map((x) => [x.id, x.perimeterType, x.useExplicitDryRunSpec, x.status?.resources, x.spec?.restrictedServices]),
      [
        ['accessPolicies/8/servicePerimeters/bridge', 'PERIMETER_TYPE_BRIDGE', false, ['projects/ai-app'], undefined],
        [
          'accessPolicies/8/servicePerimeters/dry',
          'PERIMETER_TYPE_REGULAR',
          true,
          undefined,
          ['storage.googleapis.com'],
        ],
      ],
    );
    assert.equal(p!.origin.kind === 'file' && p!.origin.file, 'main.tf');
  });

  it('a perimeter naming a project number not known before deploy: the perimeter checks are not assessed, naming it', async () => {
    const root = await variant({
      'organization.tf': (t) =>
        t.replace('"projects/${google_project.workloads.number}"', '"projects/${data.google_project.ml.number}"') +
        '\ndata "google_project" "ml" {\n  project_id = "ai-workloads"\n}\n',
    });
    const findings = of((await scan(root)).findings, PERIMETER_CHECKS);
    assert.ok(findings.length >= 4);
    for (const f of findings) {
      assert.equal(f.status, 'not-assessed', `${f.checkId} ${f.resource.id}`);
      assert.match(f.message, /data\.google_project\.ml\.number \(organization\.tf:\d+\)/);
    }
  });

  it('a perimeter naming a literal project number no declared project has: not assessed for the projects it may be', async () => {
    const root = await variant({
      'organization.tf': (t) => t.replace('"projects/${google_project.workloads.number}"', '"projects/100000000002"'),
    });
    const findings = (await scan(root)).findings;
    assert.deepEqual(statuses(findings, 'gcp-vertex-project-outside-perimeter'), [
      'projects/ai-net-host pass',
      'projects/ai-workloads not-assessed',
    ]);
    assert.match(
      findings.find((f) => f.resource.id === 'projects/ai-workloads' && f.status === 'not-assessed')!.message,
      /projects\/100000000002/,
    );
  });

  const UNKNOWN_ORG = `variable "org_id" {
  type = string
}
provider "google" {
  project = "ai-app"
  region  = "us-central1"
}
resource "google_project" "p" {
  project_id = "ai-app"
  name       = "AI app"
  org_id     = var.org_id
}
resource "google_project_service" "ai" {
  project = google_project.p.project_id
  service = "aiplatform.googleapis.com"
}
# Decided at the project: effective whatever the organization says.
resource "google_org_policy_policy" "public_ip" {
  name   = "projects/ai-app/policies/ainotebooks.restrictPublicIp"
  parent = "projects/ai-app"
  spec {
    rules {
      enforce = "TRUE"
    }
  }
}
# Merged with what the project inherits, which is not known.
resource "google_org_policy_policy" "external_ip" {
  name   = "projects/ai-app/policies/compute.vmExternalIpAccess"
  parent = "projects/ai-app"
  spec {
    inherit_from_parent = true
    rules {
      values {
        denied_values = ["projects/ai-app/zones/us-central1-a/instances/jump"]
      }
    }
  }
}
`;

  it('a project whose organization is not known: its own deciding policy counts, inherited ones are not assessed', async () => {
    const root = (await load({ 'main.tf': UNKNOWN_ORG })).root;
    const findings = (await scan(root)).findings;
    assert.deepEqual(statuses(findings, 'gcp-org-policy-workbench-public-ip-not-enforced'), ['projects/ai-app pass']);
    for (const check of [
      'gcp-org-policy-vm-external-ip-not-denied',
      'gcp-org-policy-workbench-networks-not-restricted',
    ]) {
      const [f] = findings.filter((x) => x.checkId === check);
      assert.equal(f?.status, 'not-assessed', check);
      assert.match(f.message, /ancestors above projects\/ai-app \(value not known before deploy: var\.org_id/, check);
    }
  });

  it('an org policy on an organization whose id is not known before deploy: every org policy check is not assessed, naming it', async () => {
    const root = (
      await load({
        'main.tf': `${UNKNOWN_ORG}
resource "google_org_policy_policy" "org_external_ip" {
  name   = "organizations/\${var.org_id}/policies/compute.vmExternalIpAccess"
  parent = "organizations/\${var.org_id}"
  spec {
    rules {
      deny_all = "TRUE"
    }
  }
}
`,
      })
    ).root;
    const findings = of((await scan(root)).findings, ORG_POLICY_CHECKS);
    assert.equal(findings.length, 3);
    for (const f of findings) {
      assert.equal(f.status, 'not-assessed', f.checkId);
      assert.match(f.message, /orgpolicy:policies is incomplete: \S*main\.tf:\d+: .*var\.org_id/, f.checkId);
    }
  });

  it('legacy organization policy resources read as v2 policies', async () => {
    const r = await load({
      'main.tf': `resource "google_project_organization_policy" "ext" {
  project    = "ai-app"
  constraint = "constraints/compute.vmExternalIpAccess"
  list_policy {
    deny {
      all = true
    }
  }
}
resource "google_folder_organization_policy" "nb" {
  folder     = "folders/9"
  constraint = "ainotebooks.restrictPublicIp"
  boolean_policy {
    enforced = true
  }
}
resource "google_organization_policy" "reset" {
  org_id     = "42"
  constraint = "ainotebooks.restrictVpcNetworks"
  restore_policy {
    default = true
  }
}
`,
    });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.gcp!.orgPolicies.map((p) => [p.id, p.spec?.rules.map((x) => [x.denyAll, x.enforce]), p.spec?.reset]),
      [
        ['folders/9/policies/ainotebooks.restrictPublicIp', [[undefined, true]], undefined],
        ['organizations/42/policies/ainotebooks.restrictVpcNetworks', [], true],
        ['projects/ai-app/policies/compute.vmExternalIpAccess', [[true, undefined]], undefined],
      ],
    );
  });

  it('services enabled in a project the tree does not declare make the data set partial there, naming why', async () => {
    const root = await variant({
      'organization.tf': (t) =>
        t
          .replace(/resource "google_project" "host" \{[\s\S]*?\n\}\n/, '')
          .replaceAll('google_project.host.project_id', '"ai-net-host"')
          .replace('"projects/${google_project.host.number}",', ''),
    });
    const findings = (await scan(root)).findings;
    const host = findings.filter(
      (f) => f.resource.id === 'projects/ai-net-host' && ORG_POLICY_CHECKS.includes(f.checkId),
    );
    assert.equal(host.length, 3);
    for (const f of host) {
      assert.equal(f.status, 'not-assessed');
      assert.match(f.message, /project ai-net-host is not declared in the scanned code/);
    }
    // The declared project is still judged.
    assert.deepEqual(statuses(findings, 'gcp-org-policy-vm-external-ip-not-denied'), [
      'projects/ai-net-host not-assessed',
      'projects/ai-workloads pass',
    ]);
  });
});

describe('Terraform google: firewall rules and policies', () => {
  const OPEN = (meta: string) => `resource "google_compute_firewall" "open" {
  ${meta}
  name               = "allow-inference-internet-\${each.key}"
  network            = google_compute_network.ai_vpc.id
  direction          = "EGRESS"
  destination_ranges = [each.value]
  target_tags        = ["inference"]
  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}
`;

  it('for_each over firewall rules: one instance per key, named by it; an open one fails at the declaration', async () => {
    const root = await variant({
      'open.tf': () => OPEN('for_each = { internet = "0.0.0.0/0", data = "10.0.3.0/24" }'),
    });
    const r = await read(root);
    const open = r.gcp!.firewalls.filter((f) => f.name.startsWith('allow-inference-internet-'));
    assert.deepEqual(
      open.map((f) => [f.id, f.destinationRanges, f.origin.kind === 'file' && `${f.origin.file}:${f.origin.line}`]),
      [
        ['projects/ai-net-host/global/firewalls/allow-inference-internet-data', ['10.0.3.0/24'], 'open.tf:1'],
        ['projects/ai-net-host/global/firewalls/allow-inference-internet-internet', ['0.0.0.0/0'], 'open.tf:1'],
      ],
    );
    assert.ok(await opensToInternet(root));
  });

  it('count = 0 on a firewall rule declares nothing: the reference still passes', async () => {
    const root = await variant({
      'open.tf': () => OPEN('count = 0').replaceAll('each.key', 'count.index').replace('[each.value]', '["0.0.0.0/0"]'),
    });
    const r = await read(root);
    assert.equal(r.gcp!.firewalls.filter((f) => f.name.startsWith('allow-inference-internet')).length, 0);
    const report = await scan(root);
    assert.deepEqual(
      report.findings.filter((f) => f.status !== 'pass').map((f) => `${f.checkId} ${f.resource.id} ${f.status}`),
      [],
    );
    // With count = 1 the same rule exists and fails.
    const one = await variant({
      'open.tf': () => OPEN('count = 1').replaceAll('each.key', 'count.index').replace('[each.value]', '["0.0.0.0/0"]'),
    });
    assert.ok(await opensToInternet(one));
  });

  it('a network firewall policy, its rules and association are read; an allow ahead of the VPC rules opens egress', async () => {
    const policyTf = `resource "google_compute_network_firewall_policy" "ai" {
  name = "ai-policy"
}
resource "google_compute_network_firewall_policy_rule" "egress" {
  firewall_policy = google_compute_network_firewall_policy.ai.name
  priority        = 100
  action          = "allow"
  direction       = "EGRESS"
  match {
    dest_ip_ranges = ["0.0.0.0/0"]
    layer4_configs {
      ip_protocol = "tcp"
      ports       = [443]
    }
  }
}
resource "google_compute_network_firewall_policy_association" "ai" {
  name              = "ai-vpc"
  firewall_policy   = google_compute_network_firewall_policy.ai.id
  attachment_target = google_compute_network.ai_vpc.id
}
`;
    const root = await variant({
      'policy.tf': () => policyTf,
      'main.tf': (t) =>
        t.replace(
          'routing_mode                    = "REGIONAL"',
          'routing_mode                    = "REGIONAL"\n  network_firewall_policy_enforcement_order = "BEFORE_CLASSIC_FIREWALL"',
        ),
    });
    const r = await read(root);
    assert.deepEqual(
      r.gcp!.firewallPolicies.map((p) => [
        p.id,
        p.kind,
        p.associations.map((a) => a.attachmentTarget),
        p.rules.map((x) => [x.priority, x.action, x.direction, x.destIpRanges, x.layer4Configs]),
      ]),
      [
        [
          'projects/ai-net-host/global/firewallPolicies/ai-policy',
          'network',
          ['projects/ai-net-host/global/networks/ai-vpc'],
          [[100, 'allow', 'EGRESS', ['0.0.0.0/0'], [{ protocol: 'tcp', ports: ['443'] }]]],
        ],
      ],
    );
    assert.ok(await opensToInternet(root));
  });

  const HIERARCHICAL = `resource "google_compute_firewall_policy" "org" {
  parent     = google_folder.ai.name
  short_name = "ai-folder-policy"
}
resource "google_compute_firewall_policy_rule" "egress" {
  firewall_policy = google_compute_firewall_policy.org.name
  priority        = 100
  action          = "allow"
  direction       = "EGRESS"
  match {
    dest_ip_ranges = ["0.0.0.0/0"]
    layer4_configs {
      ip_protocol = "tcp"
    }
  }
}
resource "google_compute_firewall_policy_association" "folder" {
  name              = "ai-folder"
  firewall_policy   = google_compute_firewall_policy.org.id
  attachment_target = google_folder.ai.name
}
`;

  it('a hierarchical policy on a declared folder applies to its projects ahead of the VPC rules', async () => {
    const root = await variant({ 'hierarchical.tf': () => HIERARCHICAL });
    const r = await read(root);
    assert.deepEqual(
      r.gcp!.hierarchicalFirewallPolicies.map((p) => [
        p.id,
        p.parent,
        p.displayName,
        p.associations.map((a) => a.attachmentTarget),
        p.rules.map((x) => [x.priority, x.action, x.destIpRanges]),
      ]),
      [
        [
          'locations/global/firewallPolicies/google_compute_firewall_policy.org',
          'folders/google_folder.ai',
          'ai-folder-policy',
          ['folders/google_folder.ai'],
          [[100, 'allow', ['0.0.0.0/0']]],
        ],
      ],
    );
    assert.ok(await opensToInternet(root));
    // The same projects with an organization not known: which hierarchical policies apply is not known.
    const unknownOrg = await variant({
      'hierarchical.tf': () => HIERARCHICAL.replaceAll('google_folder.ai.name', '"organizations/1"'),
      'organization.tf': (t) =>
        t.replace(
          'parent       = "organizations/${local.org_id}"',
          'parent       = var.org\n}\nvariable "org" {\n  type = string',
        ),
    });
    const findings = (await scan(unknownOrg)).findings.filter((f) => f.checkId === 'gcp-ai-firewall-open-to-internet');
    assert.ok(findings.length > 0);
    for (const f of findings) {
      assert.equal(f.status, 'not-assessed', f.resource.id);
      assert.match(f.message, /var\.org/);
    }
  });

  it('a rule of a firewall policy the tree does not declare makes the policy data set partial, naming it', async () => {
    const root = await variant({
      'policy.tf': () => `resource "google_compute_network_firewall_policy_rule" "r" {
  firewall_policy = "org-managed-policy"
  priority        = 100
  action          = "deny"
  direction       = "INGRESS"
  match {
    src_ip_ranges = ["0.0.0.0/0"]
    layer4_configs {
      ip_protocol = "all"
    }
  }
}
`,
    });
    const findings = (await scan(root)).findings.filter((f) => f.checkId === 'gcp-ai-zone-reachable-from-denied-zone');
    assert.ok(findings.length > 0);
    for (const f of findings) {
      assert.equal(f.status, 'not-assessed');
      assert.match(f.message, /its firewall policy org-managed-policy is not declared in the scanned code/);
    }
  });

  it('peerings: both halves declared are ACTIVE, one half INACTIVE', async () => {
    const net = (n: string) => `resource "google_compute_network" "${n}" {
  name                    = "${n}"
  auto_create_subnetworks = false
}
`;
    const peer = (name: string, a: string, b: string) => `resource "google_compute_network_peering" "${name}" {
  name         = "${name}"
  network      = google_compute_network.${a}.self_link
  peer_network = google_compute_network.${b}.self_link
}
`;
    const r = await load({
      'main.tf': net('a') + net('b') + net('c') + peer('ab', 'a', 'b') + peer('ba', 'b', 'a') + peer('ac', 'a', 'c'),
    });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.gcp!.networks.map((n) => [n.name, n.peerings.map((p) => `${p.name} ${p.network} ${p.state}`)]),
      [
        ['a', ['ab projects/iac/global/networks/b ACTIVE', 'ac projects/iac/global/networks/c INACTIVE']],
        ['b', ['ba projects/iac/global/networks/a ACTIVE']],
        ['c', []],
      ],
    );
  });
});

describe('the zone policy beside the scanned directory', () => {
  it('is used when the working directory has none; ./cordon.yaml wins over it', async () => {
    const root = await variant({});
    const cwd = await tempDir();
    const r = await runCli(['scan', root, '--format', 'json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { policy: string }).policy, path.join(root, 'cordon.yaml'));
    await writeFile(path.join(cwd, 'cordon.yaml'), await readFile('examples/cordon.yaml'));
    const own = await runCli(['scan', root, '--format', 'json'], { cwd });
    assert.equal((JSON.parse(own.stdout) as { policy: string }).policy, 'cordon.yaml');
    // A scanned file has no policy beside it: the built-in one applies.
    const file = await runCli(['scan', path.join(root, 'main.tf'), '--format', 'json'], { cwd: await tempDir() });
    assert.match((JSON.parse(file.stdout) as { policy: string }).policy, /built-in/);
  });
});

describe('org policy evaluation below unread nodes', () => {
  const chain = { nodes: ['projects/p'], aliases: [] };
  const pol = (spec: GcpOrgPolicy['spec'], constraint: string): GcpOrgPolicy => ({
    origin: { kind: 'file', file: 'main.tf' },
    id: `projects/p/policies/${constraint}`,
    parent: 'projects/p',
    constraint,
    spec,
  });
  const rule = (r: Partial<GcpOrgPolicyRule>): GcpOrgPolicyRule => ({ allowedValues: [], deniedValues: [], ...r });
  const ABOVE = 'organizations/? (not known)';

  it('a node that decides on its own gives the result; one that inherits, or no policy, stays unknown', () => {
    const b = 'ainotebooks.restrictPublicIp';
    const e = evaluateBoolean([pol({ rules: [rule({ enforce: true })] }, b)], b, chain, ABOVE);
    assert.ok(e.known && e.value === true);
    const none = evaluateBoolean([], b, chain, ABOVE);
    assert.ok(!none.known && none.reason === ABOVE);
    const l = 'compute.vmExternalIpAccess';
    const own = evaluateList([pol({ rules: [rule({ denyAll: true })] }, l)], l, chain, ABOVE);
    assert.ok(own.known && own.value.denyAll);
    const merged = evaluateList(
      [pol({ inheritFromParent: true, rules: [rule({ deniedValues: ['x'] })] }, l)],
      l,
      chain,
      ABOVE,
    );
    assert.ok(!merged.known && merged.reason === ABOVE);
    const reset = evaluateList([pol({ reset: true, rules: [] }, l)], l, chain, ABOVE);
    assert.ok(reset.known && reset.value.isDefault);
  });
});

describe('Terraform perimeter ingress and egress policies', () => {
  it('are read as the REST perimeter holds them (who, from where, to what), inline and as their own resources', async () => {
    const r = await load({
      'main.tf': `resource "google_access_context_manager_service_perimeter" "ai" {
  parent = "accessPolicies/7"
  name   = "accessPolicies/7/servicePerimeters/ai"
  title  = "ai"
  status {
    resources           = ["projects/123"]
    restricted_services = ["aiplatform.googleapis.com"]
    ingress_policies {
      ingress_from {
        identity_type = "ANY_IDENTITY"
        sources {
          access_level = "*"
        }
      }
      ingress_to {
        resources = ["*"]
        operations {
          service_name = "aiplatform.googleapis.com"
          method_selectors {
            method = "*"
          }
        }
      }
    }
    egress_policies {
      egress_from {
        identities = ["serviceAccount:etl@p.iam.gserviceaccount.com"]
      }
      egress_to {
        resources = ["projects/456"]
        operations {
          service_name = "storage.googleapis.com"
        }
      }
    }
  }
}
resource "google_access_context_manager_service_perimeter_egress_policy" "out" {
  perimeter = google_access_context_manager_service_perimeter.ai.name
  egress_from {
    identity_type = "ANY_USER_ACCOUNT"
  }
  egress_to {
    resources = ["*"]
  }
}
`,
    });
    assert.deepEqual(r.errors, []);
    const [p] = r.gcp!.servicePerimeters;
    const ingress = p!.status!.ingress;
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0]!.identityType, 'ANY_IDENTITY');
    assert.deepEqual(ingress[0]!.sourceAccessLevels, ['*']);
    assert.deepEqual(ingress[0]!.resources, ['*']);
    assert.deepEqual(ingress[0]!.operations, [{ serviceName: 'aiplatform.googleapis.com', methods: ['*'] }]);
    assert.equal(ingress[0]!.incomplete, false);
    const egress = p!.status!.egress;
    assert.deepEqual(
      egress.map((e) => [e.identityType, e.identities, e.resources, e.incomplete]),
      [
        [undefined, ['serviceAccount:etl@p.iam.gserviceaccount.com'], ['projects/456'], false],
        ['ANY_USER_ACCOUNT', [], ['*'], false],
      ],
    );
  });
});
