/**
 * Degraded input never looks like success: input errors and empty coverage exit 2 unless --allow-partial accepts
 * partial input; --fail-on-not-assessed makes unassessed checks fail the run; check patterns that match nothing are
 * usage errors.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

const POLICY = ['-p', 'examples/cordon.yaml'];

function copyOf(example: string): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cordon-exit-')), 'snap');
  cpSync(example, dir, { recursive: true });
  return dir;
}

describe('exit policy', () => {
  it('a truncated file exits 2 by default and is reported in every format; --allow-partial judges by findings', async () => {
    const dir = copyOf('examples/aws/reference');
    const file = path.join(dir, 'describe-route-tables.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 400));
    const table = await runCli(['scan', dir, ...POLICY]);
    assert.equal(table.code, 2, table.stdout);
    assert.match(table.stderr, /input error\(s\): the report is partial/);
    const json = await runCli(['scan', dir, ...POLICY, '--format', 'json']);
    assert.equal(json.code, 2);
    assert.match(json.stderr, /^error: .*describe-route-tables\.json:\d+/m);
    const partial = await runCli(['scan', dir, ...POLICY, '--allow-partial']);
    // The route tables are gone, so route checks are not assessed; nothing fails at high.
    assert.equal(partial.code, 0, partial.stderr);
    assert.match(partial.stdout, /not assessed/);
  });

  it('input with no account/region scope exits 2 (a collection that gathered nothing)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cordon-empty-'));
    writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({ cordonSnapshot: 1, provider: 'aws', account: '111111111111', region: 'global' }),
    );
    const r = await runCli(['scan', dir, ...POLICY, '--allow-partial']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no account\/region scope/);
  });

  it('scopes whose every data set was unreadable cover nothing: exit 2, not a clean run of not-assessed checks', async () => {
    const aws = mkdtempSync(path.join(os.tmpdir(), 'cordon-denied-'));
    writeFileSync(
      path.join(aws, 'cordon-manifest.json'),
      JSON.stringify({
        cordonSnapshot: 1,
        provider: 'aws',
        account: '111111111111',
        region: 'us-east-1',
        unavailable: [{ dataset: 'ec2:vpcs', reason: 'AccessDenied', action: 'ec2:DescribeVpcs' }],
      }),
    );
    const sub = '11111111-1111-1111-1111-111111111111';
    const azure = mkdtempSync(path.join(os.tmpdir(), 'cordon-denied-'));
    writeFileSync(
      path.join(azure, 'cordon-manifest.json'),
      JSON.stringify({
        cordonSnapshot: 1,
        provider: 'azure',
        subscriptions: [sub],
        datasets: [],
        unavailable: [{ subscription: sub, dataset: 'network:virtual-networks', reason: 'AuthorizationFailed' }],
      }),
    );
    for (const dir of [aws, azure]) {
      const r = await runCli(['scan', dir, ...POLICY, '--allow-partial']);
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, /no account\/region scope/);
    }
  });

  it('--fail-on-not-assessed fails the run when a check at or above --fail-on was not assessed', async () => {
    const dir = copyOf('examples/aws/reference');
    // Without network ACLs the NACL check cannot be assessed.
    const nacl = path.join(dir, 'describe-network-acls.json');
    writeFileSync(nacl, '{"NetworkAcls": "not a list"}');
    const base = ['scan', dir, ...POLICY, '--allow-partial', '--checks', 'aws-vpc-endpoint-nacl-blocks-callers'];
    assert.equal((await runCli(base)).code, 0);
    assert.equal((await runCli([...base, '--fail-on-not-assessed', '--fail-on', 'low'])).code, 1);
  });

  it('--checks and --skip-checks patterns that match no check are usage errors', async () => {
    const r = await runCli(['scan', 'examples/aws/reference', ...POLICY, '--skip-checks', 'aws-no-such-check']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--skip-checks "aws-no-such-check" matches no check/);
    assert.equal(
      (await runCli(['scan', 'examples/aws/reference', ...POLICY, '--skip-checks', 'aws-bedrock-*'])).code,
      0,
    );
  });
});

describe('zone tags that place nothing', () => {
  it('a zone tag differing only in case, or naming no zone, is a located warning', async () => {
    const dir = copyOf('examples/aws/reference');
    const file = path.join(dir, 'describe-subnets.json');
    const text = readFileSync(file, 'utf8');
    const once = (s: string, from: string, to: string) => s.replace(from, to);
    let edited = once(text, '"Value": "inference"', '"Value": "Inference"');
    edited = once(edited, '"Value": "data"', '"Value": "dta"');
    writeFileSync(file, edited);
    const r = await runCli(['scan', dir, ...POLICY, '--format', 'json']);
    const warnings = (JSON.parse(r.stdout) as { warnings: { file: string; line?: number; message: string }[] })
      .warnings;
    assert.ok(
      warnings.some(
        (w) => /SecurityZone="Inference" differs from zone "inference" only in case/.test(w.message) && w.line,
      ),
      JSON.stringify(warnings),
    );
    assert.ok(warnings.some((w) => /SecurityZone="dta" names no zone of the policy/.test(w.message)));
  });
});

describe('lists cut short', () => {
  it('a list with a NextToken (a page without its successors) exits 2 unless --allow-partial', async () => {
    const dir = copyOf('examples/aws/reference');
    const file = path.join(dir, 'describe-security-groups.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...doc, NextToken: 'eyJwYWdlIjoyfQ==' }));
    const r = await runCli(['scan', dir, ...POLICY, '--format', 'json']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /read only in part/);
    assert.equal((JSON.parse(r.stdout) as { summary: { incomplete?: number } }).summary.incomplete, 1);
    assert.equal((await runCli(['scan', dir, ...POLICY, '--allow-partial'])).code, 0);
  });
});
