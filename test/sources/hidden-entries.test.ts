/**
 * Dot-folders and dot-files below the scanned path are tools' configuration (a repository's `.github` workflows,
 * `.config/.tfsec/*.json`, `.vscode`, an editor's `.eslintrc.json`): they once reached the AWS reader as unrecognised
 * snapshot files, so scanning a vendor's repository exited 2 whatever the code held. The path given is read whatever
 * its name.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPolicyFile, type ZonePolicy } from '../../src/policy/load.js';
import { scanSnapshot } from '../../src/scan.js';
import { tmpTrees } from '../support/tmp-tree.js';

let policy: ZonePolicy;
before(async () => {
  policy = await loadPolicyFile('examples/cordon.yaml');
});
const tree = tmpTrees('cordon-hidden-');
const copies: string[] = [];
after(() => {
  for (const d of copies) rmSync(d, { recursive: true, force: true });
});

/** Tool configuration as repositories hold it: JSON that is no cloud's output. */
const TOOL_CONFIG = {
  '.github/workflows/lint.json': '{"name": "lint", "on": ["push"]}',
  '.config/.tfsec/config.json': '{"minimum_severity": "MEDIUM", "exclude": ["aws-vpc-no-public-egress-sgr"]}',
  '.vscode/settings.json': '{"editor.formatOnSave": true}',
  '.eslintrc.json': '{"root": true}',
};

const scan = (snapshot: string) =>
  scanSnapshot({ snapshot, policy, policySource: 'p', cwd: process.cwd(), today: '2026-01-01' });

/** A copy of a bundled example with the tool configuration added, under `sub` of a fresh folder. */
function exampleWithToolConfig(example: string, sub = ''): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-hidden-ex-'));
  copies.push(dir);
  cpSync(example, path.join(dir, sub), { recursive: true });
  const extra = tree(TOOL_CONFIG);
  cpSync(extra, path.join(dir, sub), { recursive: true });
  return path.join(dir, sub);
}

describe('hidden folders and files below the scanned path', () => {
  it('an AWS snapshot with tool configuration beside it reads only the snapshot', async () => {
    const dir = exampleWithToolConfig('examples/aws/reference');
    assert.ok(readdirSync(dir).includes('.github'));
    const r = await scan(dir);
    assert.deepEqual(r.inputErrors, []);
    assert.equal(r.summary.files, (await scan('examples/aws/reference')).summary.files);
  });

  it('a CloudFormation repository with tool configuration has no input error', async () => {
    const r = await scan(exampleWithToolConfig('examples/cloudformation/aws-reference'));
    assert.deepEqual(r.inputErrors, []);
    assert.ok(r.summary.files > 0);
  });

  it('a dot-folder given as the path is read', async () => {
    const dir = exampleWithToolConfig('examples/aws/reference', '.snapshot');
    assert.equal(path.basename(dir), '.snapshot');
    const r = await scan(dir);
    assert.deepEqual(r.inputErrors, []);
    assert.equal(r.summary.files, (await scan('examples/aws/reference')).summary.files);
  });

  it("an ARM template's portal form (createUiDefinition, uiFormDefinition) is read by no reader", async () => {
    const dir = exampleWithToolConfig('examples/arm/azure-reference');
    const form = (schema: string) =>
      JSON.stringify({ $schema: `https://schema.management.azure.com/schemas/${schema}#`, view: { kind: 'Form' } });
    const extra = tree({
      'createUiDefinition.json': form('0.1.2-preview/CreateUIDefinition.MultiVm.json'),
      'portal/form.json': form('2021-09-09/uiFormDefinition.schema.json'),
    });
    cpSync(extra, dir, { recursive: true });
    const r = await scan(dir);
    assert.deepEqual(r.inputErrors, []);
    assert.ok(r.summary.files > 0);
  });
});
