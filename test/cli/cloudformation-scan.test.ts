/** `cordon scan` of CloudFormation templates: SARIF on template lines, exit codes, --parameter, mixed input. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, cp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { runCli } from '../support/cli.js';

const require = createRequire(import.meta.url);
const Ajv = AjvDraft04.default;
const addFormats = addFormatsModule.default;
const schema = JSON.parse(
  await readFile(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
) as object;

interface Sarif {
  runs: {
    results: {
      ruleId: string;
      kind: string;
      locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
    }[];
  }[];
}

describe('cordon scan of CloudFormation', () => {
  it('the misconfigured example is valid SARIF whose results point at template lines', async () => {
    const r = await runCli(['scan', 'examples/cloudformation/aws-misconfigured', '--format', 'sarif']);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as Sarif;
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    assert.ok(ajv.validate(schema, log), JSON.stringify(ajv.errors?.slice(0, 5)));
    const results = log.runs[0]!.results;
    assert.ok(results.filter((x) => x.kind === 'fail').length > 30);
    for (const x of results) {
      const loc = x.locations[0]?.physicalLocation;
      assert.equal(loc?.artifactLocation.uri, 'examples/cloudformation/aws-misconfigured/ai-prod.yaml', x.ruleId);
      assert.ok((loc?.region?.startLine ?? 0) >= 1, `${x.ruleId} has a line`);
    }
    const text = await readFile('examples/cloudformation/aws-misconfigured/ai-prod.yaml', 'utf8');
    const lineOf = (s: string) => text.split('\n').findIndex((l) => l.startsWith(s)) + 1;
    const dns = results.find((x) => x.ruleId === 'aws-vpc-endpoint-private-dns-disabled' && x.kind === 'fail')!;
    assert.equal(dns.locations[0]!.physicalLocation!.region!.startLine, lineOf('  BedrockRuntimeEndpoint:'));
  });

  it('the reference example exits 0; the nested JSON stack is read', async () => {
    const r = await runCli(['scan', 'examples/cloudformation/aws-reference', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      findings: { checkId: string; status: string; resource: { id: string }; origin: { file: string } }[];
      summary: { files: number; byStatus: { fail: number } };
    };
    assert.equal(report.summary.byStatus.fail, 0);
    assert.equal(report.summary.files, 2);
    const notebook = report.findings.find((f) => f.checkId === 'aws-sagemaker-notebook-direct-internet')!;
    assert.equal(notebook.status, 'pass');
    assert.equal(notebook.resource.id, 'SageMaker.ResearchNotebook');
    assert.equal(notebook.origin.file, 'examples/cloudformation/aws-reference/sagemaker.json');
  });

  it('--parameter overrides a default; a malformed one is a usage error', async () => {
    const args = ['scan', 'examples/cloudformation/aws-misconfigured', '--format', 'json'];
    const messageFor = async (extra: string[]) => {
      const r = await runCli([...args, ...extra]);
      const report = JSON.parse(r.stdout) as {
        findings: { checkId: string; resource: { id: string }; message: string }[];
      };
      return report.findings.find((f) => f.checkId === 'aws-ai-vpc-flow-logs-missing' && f.resource.id === 'DevVpc')!
        .message;
    };
    assert.match(await messageFor([]), /has no flow log on the VPC/);
    assert.match(await messageFor(['--parameter', 'EnableDevFlowLogs=true']), /DevFlowLog on DevVpc/);
    const bad = await runCli([...args, '--parameter', 'EnableDevFlowLogs']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /KEY=VALUE/);
  });

  it('a folder with a snapshot, a template and cordon.yaml scans both and leaves the policy alone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cordon-cfn-'));
    await cp('examples/aws/reference', path.join(dir, 'snapshot'), { recursive: true });
    await cp('examples/cloudformation/aws-reference', path.join(dir, 'templates'), { recursive: true });
    await writeFile(path.join(dir, 'cordon.yaml'), await readFile('examples/cordon.yaml'));
    await writeFile(path.join(dir, 'broken.yaml'), 'AWSTemplateFormatVersion: 2010-09-09\nResources: [\n');
    const r = await runCli(['scan', dir, '--format', 'json', '-p', path.join(dir, 'cordon.yaml')]);
    const report = JSON.parse(r.stdout) as {
      findings: { resource: { account: string } }[];
      inputErrors: { file: string; line?: number; message: string }[];
      summary: { scopes: number };
    };
    assert.equal(report.summary.scopes, 2);
    const accounts = new Set(report.findings.map((f) => f.resource.account));
    assert.deepEqual([...accounts].sort(), ['111122223333', 'iac']);
    assert.equal(report.inputErrors.length, 1);
    assert.match(report.inputErrors[0]!.file, /broken\.yaml$/);
    assert.equal(report.inputErrors[0]!.line, 3);
    assert.equal(r.code, 2, 'unreadable input exits 2');
  });
});
