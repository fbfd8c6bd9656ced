/**
 * The GCP Terraform examples give the same check results as their snapshot twins (examples/gcp/*), per check and per
 * resource, on the resources they declare (same GCP relative names; index endpoints, whose ids the API assigns, by
 * display name). The misconfigured twin is reduced: it declares the mistakes of the snapshot's a-*.json and b-*.json
 * files with the projects, perimeters and organization policies they are judged by, not the well-configured base.
 * Scoped out, with why:
 * - gcp-org-policy-workbench-networks-not-restricted for ai-net-host and ai-workloads in the misconfigured twin: the
 *   organization allows only ai-vpc, an AI network of the snapshot's base that the reduced twin does not declare, so
 *   the allowed network is not an AI network there (fail) while it is one in the snapshot (pass).
 * The CLI runs from the repository root with no --policy: each example's cordon.yaml (a copy of examples/cordon.yaml,
 * the policy the snapshots are written for; a copy, since a link breaks where links are not checked out) is found
 * beside it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/findings/types.js';
import type { GcpInventory } from '../../src/inventory/gcp.js';
import { parsePolicy } from '../../src/policy/load.js';
import { scanSnapshot } from '../../src/scan.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadGcpSnapshot } from '../../src/sources/gcp-snapshot/load.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { runCli } from '../support/cli.js';

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

const TWINS = [
  ['examples/terraform/gcp-reference', 'examples/gcp/reference'],
  ['examples/terraform/gcp-misconfigured', 'examples/gcp/misconfigured'],
] as const;

/** Results the reduced misconfigured twin cannot reproduce (see the header). */
const SCOPED_OUT = new Set([
  'gcp-org-policy-workbench-networks-not-restricted projects/ai-net-host',
  'gcp-org-policy-workbench-networks-not-restricted projects/ai-workloads',
]);

/** id → the name both sources share: the relative name, or an index endpoint's display name. */
function namer(inv: GcpInventory): (id: string) => string {
  const index = new Map(inv.vertexIndexEndpoints.map((e) => [e.id, `indexEndpoint:${e.displayName}`]));
  return (id) => index.get(id) ?? id;
}

function results(findings: readonly Finding[], name: (id: string) => string): string[] {
  return findings.map((f) => `${f.checkId} ${name(f.resource.id)} ${f.status}`).sort();
}

async function terraformInventory(dir: string): Promise<GcpInventory> {
  const parts = await partitionSnapshot(path.resolve(dir));
  const r = await loadTerraform(path.resolve(dir), parts.terraform);
  assert.deepEqual(
    r.errors.map((e) => e.format()),
    [],
  );
  assert.ok(r.gcp);
  return r.gcp;
}

describe('GCP Terraform examples match their snapshot twins', () => {
  for (const [tf, snap] of TWINS)
    it(`${tf} ≡ ${snap} on the resources it declares`, async () => {
      const actual = results((await scan(tf)).findings, namer(await terraformInventory(tf))).filter(
        (r) => !SCOPED_OUT.has(r.split(' ').slice(0, 2).join(' ')),
      );
      const declared = new Set(actual.map((r) => r.split(' ')[1]));
      const expected = results((await scan(snap)).findings, namer((await loadGcpSnapshot(snap)).inventory)).filter(
        (r) => declared.has(r.split(' ')[1]) && !SCOPED_OUT.has(r.split(' ').slice(0, 2).join(' ')),
      );
      assert.ok(expected.length >= 30, `${expected.length} results compared`);
      assert.deepEqual(actual, expected);
      // Every GCP check is compared somewhere: none is left not assessed on the Terraform twin.
      assert.deepEqual(
        actual.filter((r) => r.endsWith(' not-assessed')),
        [],
      );
    });

  it('each example keeps the policy its snapshot twin is written for', async () => {
    const policyText = await readFile('examples/cordon.yaml', 'utf8');
    for (const ex of ['gcp-reference', 'gcp-misconfigured'])
      assert.equal(await readFile(`examples/terraform/${ex}/cordon.yaml`, 'utf8'), policyText, ex);
  });

  it('the reference example exits 0 from the repository root, its policy found beside it', async () => {
    const r = await runCli(['scan', 'examples/terraform/gcp-reference', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      findings: { status: string; checkId: string }[];
      summary: { byStatus: Record<string, number> };
    };
    // Clean, as its snapshot twin: users reach the application through its external Application Load Balancer.
    assert.deepEqual(
      report.findings.filter((f) => f.status === 'fail').map((f) => f.checkId),
      [],
    );
    assert.equal(report.summary.byStatus['not-assessed'] ?? 0, 0);
    assert.ok(report.findings.length >= 30);
  });

  it('the misconfigured example is SARIF whose results point at .tf lines', async () => {
    const r = await runCli(['scan', 'examples/terraform/gcp-misconfigured', '--format', 'sarif']);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as {
      runs: {
        results: {
          ruleId: string;
          kind: string;
          locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
        }[];
      }[];
    };
    const results = log.runs[0]!.results;
    assert.ok(results.filter((x) => x.kind === 'fail').length >= 30);
    for (const x of results) {
      const loc = x.locations[0]?.physicalLocation;
      assert.match(loc?.artifactLocation.uri ?? '', /^examples\/terraform\/gcp-misconfigured\/[a-z]+\.tf$/, x.ruleId);
      assert.ok((loc?.region?.startLine ?? 0) >= 1, `${x.ruleId} has a line`);
    }
    // The trainer's external address is reported at the instance's declaration.
    const text = await readFile('examples/terraform/gcp-misconfigured/sandbox.tf', 'utf8');
    const line = text.split('\n').findIndex((l) => l.startsWith('resource "google_compute_instance" "trainer"')) + 1;
    const ip = results.find((x) => x.ruleId === 'gcp-ai-instance-external-ip' && x.kind === 'fail')!;
    assert.equal(ip.locations[0]!.physicalLocation!.region!.startLine, line);
  });
});
