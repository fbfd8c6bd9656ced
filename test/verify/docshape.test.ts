/**
 * `cordon verify` on documentation-shaped snapshots (test/fixtures/docshape/README.md): files as the providers'
 * API references show their responses, with the values those examples use. Each is read without input errors and
 * reports the paths the documented semantics permit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

interface Report {
  matrix: { from: string; to: string; configurationPermits: string[] }[];
  findings: { checkId: string; resource: { id: string }; evidence: { from?: string; to?: string } }[];
}

async function verify(dir: string): Promise<{ code: number; stderr: string; report: Report }> {
  const r = await runCli(['verify', dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) as Report };
}
const permits = (r: Report, from: string, to: string) =>
  r.matrix.find((m) => m.from === from && m.to === to)?.configurationPermits;
const violationAt = (r: Report, from: string, to: string) =>
  r.findings
    .filter((f) => f.checkId === 'verify-zone-violation' && f.evidence.from === from && f.evidence.to === to)
    .map((f) => f.resource.id);

describe('cordon verify on documentation-shaped snapshots', () => {
  it('AWS: SSH from the documentation office range is the internet reaching the data zone', async () => {
    const { stderr, report } = await verify('test/fixtures/docshape/aws');
    assert.doesNotMatch(stderr, /input error/);
    assert.deepEqual(permits(report, 'internet', 'data'), ['tcp/22']);
    assert.deepEqual(violationAt(report, 'internet', 'data'), ['sg-0a1ff7c9b3EXAMPLE']);
    // The group reference (UserIdGroupPairs with the group's own account) admits the application zone.
    assert.deepEqual(permits(report, 'application', 'data'), ['tcp/5432']);
  });

  it('Google Cloud: policy rules for load balancers and the internet context narrow what they deny', async () => {
    const { stderr, report } = await verify('test/fixtures/docshape/gcp');
    assert.doesNotMatch(stderr, /input error/);
    // The network policy (before the VPC rules) denies everything for internal managed load balancers and the
    // internet's traffic: neither stops the application zone's private packets that the VPC rule lets in.
    assert.deepEqual(permits(report, 'application', 'data'), ['tcp/5432']);
    assert.deepEqual(violationAt(report, 'application', 'data'), [
      'projects/example-project/global/firewalls/allow-internal-db',
    ]);
    // The office's SSH is internet traffic to the external address, which the internet-context deny stops.
    assert.deepEqual(permits(report, 'internet', 'data'), []);
    assert.equal(report.findings.filter((f) => f.evidence.from === 'internet' && f.evidence.to === 'data').length, 0);
  });

  it('Azure: example-shaped resources of subscription "subid" are read, and the office range reaches the data zone', async () => {
    const { stderr, report } = await verify('test/fixtures/docshape/azure');
    assert.doesNotMatch(stderr, /input error/);
    assert.deepEqual(permits(report, 'internet', 'data'), ['tcp/22', 'tcp/5432']);
    assert.ok(violationAt(report, 'internet', 'data').some((id) => id.endsWith('/networkSecurityGroups/nsg-data')));
  });
});
