import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import { runCli } from '../support/cli.js';

const mis = ['scan', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml'];

describe('cordon scan', () => {
  it('exit codes: 0 on the reference, 1 on the misconfigured example, 2 for a missing path', async () => {
    assert.equal((await runCli(['scan', 'examples/aws/reference', '-p', 'examples/cordon.yaml'])).code, 0);
    assert.equal((await runCli(mis)).code, 1);
    const missing = await runCli(['scan', 'no/such/dir']);
    assert.equal(missing.code, 2);
    assert.match(missing.stdout + missing.stderr, /no\/such\/dir/);
  });
  it('--fail-on sets the threshold', async () => {
    // The misconfigured example has a critical finding, so even --fail-on critical fails.
    assert.equal((await runCli([...mis, '--fail-on', 'critical'])).code, 1);
    assert.equal(
      (await runCli([...mis, '--checks', 'aws-vpc-endpoint-not-available', '--fail-on', 'high'])).code,
      0,
      'a medium finding is under the high threshold',
    );
    assert.equal((await runCli([...mis, '--checks', 'aws-vpc-endpoint-not-available', '--fail-on', 'medium'])).code, 1);
    assert.equal((await runCli([...mis, '--fail-on', 'bogus'])).code, 2);
  });
  it('--checks and --skip-checks select checks by id or pattern', async () => {
    const r = await runCli([...mis, '--checks', 'aws-bedrock-*', '--format', 'json']);
    const ids = new Set((JSON.parse(r.stdout) as { findings: { checkId: string }[] }).findings.map((f) => f.checkId));
    assert.ok([...ids].every((id) => id.startsWith('aws-bedrock-')) && ids.size > 3);
    assert.equal((await runCli([...mis, '--checks', 'nope'])).code, 2);
  });
  it('suppressions need a reason, hide a failure until they expire, and come back after', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-sup-'));
    const policy = path.join(dir, 'cordon.yaml');
    const sup = (expires: string) =>
      `${REFERENCE_POLICY_YAML.replace('suppressions: []', `suppressions:\n  - check: aws-data-zone-internet-route\n    resource: subnet-0b0000000000c0001\n    reason: NAT kept until the data migration ends (CHG-1234)\n    expires: ${expires}`)}`;
    await writeFile(policy, sup('2027-01-31'));
    const args = [
      'scan',
      'examples/aws/misconfigured',
      '-p',
      policy,
      '--format',
      'json',
      '--checks',
      'aws-data-zone-internet-route',
    ];
    const active = JSON.parse((await runCli(args)).stdout) as {
      findings: { status: string; suppression?: { reason: string } }[];
    };
    assert.match(active.findings.find((f) => f.status === 'fail')!.suppression!.reason, /CHG-1234/);
    assert.equal((await runCli(args)).code, 0, 'a suppressed critical does not fail the run');
    await writeFile(policy, sup('2026-11-01'));
    const expired = await runCli(args);
    assert.equal(expired.code, 1);
    await writeFile(
      policy,
      REFERENCE_POLICY_YAML.replace(
        'suppressions: []',
        'suppressions:\n  - check: aws-data-zone-internet-route\n    reason: ""',
      ),
    );
    const bad = await runCli(args);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /cordon.yaml:\d+:\d+: suppressions.0.reason: a suppression needs a reason/);
  });
  it('--baseline reports only failures that are new', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-base-'));
    const baseline = path.join(dir, 'base.json');
    const first = await runCli([...mis, '--format', 'json', '--output', baseline]);
    assert.equal(first.code, 1);
    const again = await runCli([...mis, '--baseline', baseline, '--format', 'json']);
    assert.equal(again.code, 0);
    assert.equal(
      (JSON.parse(again.stdout) as { findings: { status: string }[] }).findings.filter((f) => f.status === 'fail')
        .length,
      0,
    );
    await writeFile(baseline, '{"findings": [{"status": "fail"}]}');
    const broken = await runCli([...mis, '--baseline', baseline]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /base.json:1:\d+: finding without a "fingerprint" string/);
  });
  it('a missing data set makes checks not assessed with the command, never a pass', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-na-'));
    for (const f of ['manifest.json', 'describe-vpcs.json', 'describe-subnets.json', 'describe-route-tables.json']) {
      await writeFile(path.join(dir, f), await readFile(path.join('examples/aws/misconfigured', f)));
    }
    const r = JSON.parse((await runCli(['scan', dir, '-p', 'examples/cordon.yaml', '--format', 'json'])).stdout) as {
      findings: { checkId: string; status: string; message: string }[];
    };
    const runtime = r.findings.filter((f) => f.checkId === 'aws-bedrock-runtime-endpoint-missing');
    assert.deepEqual(
      runtime.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(runtime[0]!.message, /aws ec2 describe-vpc-endpoints/);
    assert.ok(
      r.findings.some((f) => f.checkId === 'aws-data-zone-internet-route' && f.status === 'fail'),
      'checks with their data still run',
    );
  });
  it(
    'the built bin runs (npx cordon after npm ci)',
    { skip: !existsSync('dist/cli/main.js') && 'dist/ not built (npm run build)' },
    () => {
      const r = spawnSync(
        process.execPath,
        ['bin/cordon.js', 'scan', 'examples/aws/reference', '-p', 'examples/cordon.yaml'],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Summary: 0 failing/);
      const v = spawnSync(process.execPath, ['bin/cordon.js', '--version'], { encoding: 'utf8' });
      assert.equal(v.stdout.trim(), '0.1.0');
    },
  );
});
