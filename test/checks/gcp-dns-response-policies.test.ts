/**
 * Cloud DNS response policies answer a network's queries before its private zones (Cloud DNS "Name resolution
 * order"). Shapes: `gcloud dns response-policies list --format=json` (kind dns#responsePolicy) and
 * `gcloud dns response-policies rules list --response-policy P --format=json` (kind dns#responsePolicyRule), kept
 * under projects/<id>/ and projects/<id>/responsePolicies/<policy>/ as record sets are.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

const NET = 'https://www.googleapis.com/compute/v1/projects/ai-net-host/global/networks/ai-vpc';

async function scan(rules: unknown[] | undefined) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-rp-'));
  await cp('examples/gcp/reference', dir, { recursive: true });
  const project = path.join(dir, 'projects', 'ai-net-host');
  await writeFile(
    path.join(project, 'response-policies.json'),
    JSON.stringify([
      {
        kind: 'dns#responsePolicy',
        id: '4511234567890123456',
        responsePolicyName: 'rp-googleapis',
        description: '',
        networks: [{ kind: 'dns#responsePolicyNetwork', networkUrl: NET }],
      },
    ]),
  );
  if (!rules) {
    // Not captured: the example's manifest must not declare the rules read either.
    const file = path.join(dir, 'manifest.json');
    const m = JSON.parse(await readFile(file, 'utf8')) as { datasets: string[] };
    m.datasets = m.datasets.filter((d) => d !== 'dns:response-policy-rules');
    await writeFile(file, JSON.stringify(m));
  }
  if (rules) {
    await mkdir(path.join(project, 'responsePolicies', 'rp-googleapis'), { recursive: true });
    await writeFile(path.join(project, 'responsePolicies', 'rp-googleapis', 'rules.json'), JSON.stringify(rules));
  }
  const r = await runCli([
    'scan',
    dir,
    '-p',
    'examples/cordon.yaml',
    '--format',
    'json',
    '--checks',
    'gcp-vertex-dns-not-private',
  ]);
  const report = JSON.parse(r.stdout) as { findings: { status: string; message: string }[]; inputErrors: unknown[] };
  assert.deepEqual(report.inputErrors, []);
  assert.equal(report.findings.length, 1);
  return report.findings[0]!;
}

const rule = (ruleName: string, dnsName: string, body: Record<string, unknown>) => ({
  kind: 'dns#responsePolicyRule',
  ruleName,
  dnsName,
  ...body,
});

describe('Cloud DNS response policies', () => {
  it('a rule answering aiplatform.googleapis.com with a public address overrides the private zone: fail', async () => {
    const f = await scan([
      rule('vertex-public', 'aiplatform.googleapis.com.', {
        localData: {
          localDatas: [
            {
              kind: 'dns#resourceRecordSet',
              name: 'aiplatform.googleapis.com.',
              type: 'A',
              ttl: 300,
              rrdatas: ['142.250.1.95'],
            },
          ],
        },
      }),
    ]);
    assert.equal(f.status, 'fail');
    assert.match(
      f.message,
      /aiplatform\.googleapis\.com\. → 142\.250\.1\.95 .* via response policy rp-googleapis rule vertex-public/,
    );
  });

  it('a wildcard CNAME to the private zone, or a bypass rule, resolves privately: pass', async () => {
    const cname = await scan([
      rule('all-googleapis', '*.googleapis.com.', {
        localData: {
          localDatas: [{ name: '*.googleapis.com.', type: 'CNAME', ttl: 300, rrdatas: ['googleapis.com.'] }],
        },
      }),
    ]);
    assert.equal(cname.status, 'pass', cname.message);
    const bypass = await scan([rule('vertex-bypass', '*.googleapis.com.', { behavior: 'bypassResponsePolicy' })]);
    assert.equal(bypass.status, 'pass', bypass.message);
  });

  it('a bound policy whose rules were not captured is not assessed', async () => {
    const f = await scan(undefined);
    assert.equal(f.status, 'not-assessed');
    assert.match(f.message, /response policy rp-googleapis is bound to .* and its rules are not in the snapshot/);
  });
});
