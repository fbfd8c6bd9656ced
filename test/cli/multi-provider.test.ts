/**
 * One scan over any provider mix: files go to the AWS or Azure reader by content, each provider's checks run on its
 * inventory, and one report comes out. AWS-only input takes exactly the path it always took.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { AZURE_CHECKS } from '../../src/checks/azure/registry.js';
import { GCP_CHECKS } from '../../src/checks/gcp/registry.js';
import type { Finding } from '../../src/findings/types.js';
import { detectProvider } from '../../src/sources/detect.js';
import { withoutPaths } from '../support/findings.js';
import { runCli } from '../support/cli.js';

const require = createRequire(import.meta.url);
const schema = JSON.parse(
  await readFile(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
) as object;
const POLICY = ['-p', 'examples/cordon.yaml'];
const findingsOf = (stdout: string) => (JSON.parse(stdout) as { findings: Finding[] }).findings;

const strip = withoutPaths;

describe('provider detection', () => {
  it('tells Azure documents from AWS CLI output by their content', () => {
    assert.equal(
      detectProvider(
        '{"count": 1, "data": [{"id": "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/x"',
      ),
      'azure',
    );
    assert.equal(detectProvider('{"value": [{"type": "Microsoft.Network/privateEndpoints"'), 'azure');
    assert.equal(detectProvider('{"cordonSnapshot": 1, "provider": "azure", "subscriptions": []}'), 'azure');
    assert.equal(detectProvider('{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111122223333"}]}'), 'aws');
    assert.equal(detectProvider('{"cordonSnapshot": 1, "provider": "aws", "account": "1"}'), 'aws');
    assert.equal(
      detectProvider('{"something": "else"}'),
      'aws',
      'unknown content goes to the AWS reader, which reports it',
    );
  });

  it('an ARM resource id with the API reference examples’ subscription ("subid") and no type is Azure', () => {
    // As Microsoft.Network's VirtualNetworkPeeringGet example writes it (test/fixtures/azure-specs).
    const peering =
      '{"id": "/subscriptions/subid/resourceGroups/peerTest/providers/Microsoft.Network/virtualNetworks/vnet1/virtualNetworkPeerings/peer", "name": "peer", "properties": {}}';
    assert.equal(detectProvider(peering), 'azure');
    // An AWS output quoting a path that merely starts like one stays AWS.
    assert.equal(
      detectProvider('{"Vpcs": [{"VpcId": "vpc-1", "Tags": [{"Key": "p", "Value": "/subscriptions/x"}]}]}'),
      'aws',
    );
  });

  it('a "provider" tag on an Azure resource is not a cordon manifest', () => {
    const nsg =
      '{"value": [{"id": "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg", "tags": {"provider": "aws"}, "type": "Microsoft.Network/networkSecurityGroups"}]}';
    assert.equal(detectProvider(nsg), 'azure');
  });

  it('an empty ARM list or Resource Graph result is Azure data (the Azure reader warns; the AWS reader would reject it)', () => {
    assert.equal(detectProvider('{"value": []}'), 'azure');
    assert.equal(detectProvider('{"count": 0, "data": [], "skip_token": null, "total_records": 0}'), 'azure');
    assert.equal(detectProvider('{"Vpcs": []}'), 'aws');
  });
});

describe('cordon scan on Azure and mixed input', () => {
  it('the Azure misconfigured example is valid SARIF with a failing result for every Azure check', async () => {
    const r = await runCli(['scan', 'examples/azure/misconfigured', ...POLICY, '--format', 'sarif']);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; kind: string }[] }[] };
    const ajv = new AjvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormatsModule.default(ajv);
    assert.ok(ajv.validate(schema, log), JSON.stringify(ajv.errors?.slice(0, 3)));
    const failing = new Set(log.runs[0]!.results.filter((x) => x.kind === 'fail').map((x) => x.ruleId));
    for (const c of AZURE_CHECKS) assert.ok(failing.has(c.id), `no failing SARIF result for ${c.id}`);
  });

  it('the Azure reference example exits 0', async () => {
    const r = await runCli(['scan', 'examples/azure/reference', ...POLICY]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('a directory holding AWS and Azure data gives one report; each provider finds what it finds alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cordon-mixed-'));
    cpSync('examples/aws/misconfigured', path.join(dir, 'aws'), { recursive: true });
    cpSync('examples/azure/misconfigured', path.join(dir, 'azure'), { recursive: true });
    const mixed = await runCli(['scan', dir, ...POLICY, '--format', 'json']);
    assert.equal(mixed.code, 1, mixed.stderr);
    assert.equal((JSON.parse(mixed.stdout) as { inputErrors: unknown[] }).inputErrors.length, 0);
    const all = findingsOf(mixed.stdout);
    const alone = async (example: string) =>
      strip(findingsOf((await runCli(['scan', example, ...POLICY, '--format', 'json'])).stdout));
    assert.deepEqual(
      strip(all.filter((f) => f.resource.provider === 'aws')),
      await alone('examples/aws/misconfigured'),
    );
    assert.deepEqual(
      strip(all.filter((f) => f.resource.provider === 'azure')),
      await alone('examples/azure/misconfigured'),
    );
  });

  it('the GCP misconfigured example is valid SARIF with a failing result for every GCP check; the reference exits 0', async () => {
    const r = await runCli(['scan', 'examples/gcp/misconfigured', ...POLICY, '--format', 'sarif']);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; kind: string }[] }[] };
    const ajv = new AjvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormatsModule.default(ajv);
    assert.ok(ajv.validate(schema, log), JSON.stringify(ajv.errors?.slice(0, 3)));
    const failing = new Set(log.runs[0]!.results.filter((x) => x.kind === 'fail').map((x) => x.ruleId));
    assert.ok(GCP_CHECKS.length >= 19);
    for (const c of GCP_CHECKS) assert.ok(failing.has(c.id), `no failing SARIF result for ${c.id}`);
    const ref = await runCli(['scan', 'examples/gcp/reference', ...POLICY]);
    assert.equal(ref.code, 0, ref.stdout + ref.stderr);
  });

  it('AWS, Azure and GCP data in one directory: each provider finds what it finds alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cordon-mixed3-'));
    for (const p of ['aws', 'azure', 'gcp'])
      cpSync(`examples/${p}/misconfigured`, path.join(dir, p), { recursive: true });
    const mixed = await runCli(['scan', dir, ...POLICY, '--format', 'json']);
    assert.equal(mixed.code, 1, mixed.stderr);
    assert.equal((JSON.parse(mixed.stdout) as { inputErrors: unknown[] }).inputErrors.length, 0);
    const all = findingsOf(mixed.stdout);
    for (const p of ['aws', 'azure', 'gcp'] as const) {
      const alone = strip(
        findingsOf((await runCli(['scan', `examples/${p}/misconfigured`, ...POLICY, '--format', 'json'])).stdout),
      );
      assert.deepEqual(strip(all.filter((f) => f.resource.provider === p)), alone, p);
    }
  });
});
