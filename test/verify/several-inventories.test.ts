/**
 * One input holding several inventories of one cloud (a CloudFormation stack beside a Terraform tree, as vendor
 * repositories ship them) is verified per inventory; the zone matrix says which inventory each row is about, so the
 * same zone pair no longer appears twice with nothing telling the rows apart.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { renderVerifyTable } from '../../src/cli/commands/verify.js';
import { parsePolicy } from '../../src/policy/load.js';
import { verifySnapshot } from '../../src/verify/run.js';

const policy = parsePolicy('examples/cordon.yaml', await readFile('examples/cordon.yaml', 'utf8'));
const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('verify: several inventories of one cloud', () => {
  it('rows carry their inventory when an input holds CloudFormation and Terraform for AWS', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cordon-several-'));
    dirs.push(dir);
    await cp('examples/cloudformation/aws-reference', path.join(dir, 'cfn'), { recursive: true });
    await cp('examples/terraform/aws-reference', path.join(dir, 'tf'), { recursive: true });
    const r = await verifySnapshot({ snapshot: dir, policy, policySource: 'p', cwd: dir, today: '2026-12-05' });
    const sources = [...new Set(r.matrix.map((m) => `${m.provider} ${m.source ?? ''}`))].sort();
    assert.deepEqual(sources, ['aws cloudformation', 'aws terraform']);
    const table = renderVerifyTable(r, false);
    assert.match(table, /\[aws cloudformation\] application -> inference/);
    assert.match(table, /\[aws terraform\] application -> inference/);
  });
  it('one inventory: rows carry no label', async () => {
    const r = await verifySnapshot({
      snapshot: 'examples/terraform/aws-reference',
      policy,
      policySource: 'p',
      cwd: process.cwd(),
      today: '2026-12-05',
    });
    assert.ok(r.matrix.every((m) => m.source === undefined));
    assert.doesNotMatch(renderVerifyTable(r, false), /\[aws/);
  });
});
