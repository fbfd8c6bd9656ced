/**
 * SARIF and JUnit carry input errors and warnings (issue 8, point 2): a CI system that reads only these files must
 * see that the scan did not read everything.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import { runCli } from '../support/cli.js';

const require = createRequire(import.meta.url);
const Ajv = AjvDraft04.default;
const addFormats = addFormatsModule.default;
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(await readFile(schemaPath, 'utf8')) as object;

interface Notification {
  level: string;
  message: { text: string };
  locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
}
interface SarifLog {
  runs: {
    invocations?: {
      executionSuccessful: boolean;
      toolExecutionNotifications?: Notification[];
      toolConfigurationNotifications?: Notification[];
    }[];
    results: unknown[];
  }[];
}

let dir: string;
let snapshot: string;
let policy: string;

describe('input errors and warnings in SARIF and JUnit', () => {
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-notify-'));
    snapshot = path.join(dir, 'snap');
    await cp('examples/aws/misconfigured', snapshot, { recursive: true });
    // A truncated file (input error) and one page of a paginated list (warning).
    await writeFile(path.join(snapshot, 'describe-nat-gateways.json'), '{\n  "NatGateways": [\n');
    const vpcs = JSON.parse(await readFile(path.join(snapshot, 'describe-vpcs.json'), 'utf8')) as object;
    await writeFile(path.join(snapshot, 'describe-vpcs.json'), JSON.stringify({ ...vpcs, NextToken: 'page2' }));
    policy = path.join(dir, 'cordon.yaml');
    await writeFile(
      policy,
      REFERENCE_POLICY_YAML.replace(
        'suppressions: []',
        'suppressions:\n  - check: aws-vpc-dns-resolution-disabled\n    resource: vpc-none\n    reason: nothing matches this',
      ),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('SARIF: errors and warnings are tool execution notifications, stale suppressions configuration ones', async () => {
    const r = await runCli(['scan', snapshot, '-p', policy, '-f', 'sarif'], { cwd: dir });
    const log = JSON.parse(r.stdout) as SarifLog;
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    assert.ok(ajv.validate(schema, log), JSON.stringify(ajv.errors?.slice(0, 5)));
    const inv = log.runs[0]!.invocations;
    assert.equal(inv?.length, 1);
    assert.equal(inv[0]!.executionSuccessful, false, 'results are incomplete');
    const exec = inv[0]!.toolExecutionNotifications ?? [];
    const error = exec.find((n) => n.level === 'error');
    assert.ok(error, 'an error notification');
    assert.equal(error.locations?.[0]?.physicalLocation.artifactLocation.uri, 'snap/describe-nat-gateways.json');
    assert.ok(error.locations[0].physicalLocation.region!.startLine >= 1);
    const warning = exec.find((n) => n.level === 'warning');
    assert.match(warning?.message.text ?? '', /NextToken/);
    assert.equal(warning?.locations?.[0]?.physicalLocation.artifactLocation.uri, 'snap/describe-vpcs.json');
    const config = inv[0]!.toolConfigurationNotifications ?? [];
    assert.match(
      config[0]?.message.text ?? '',
      /aws-vpc-dns-resolution-disabled \(vpc-none\) matched no failing finding/,
    );
    assert.ok(log.runs[0]!.results.length > 0, 'the findings are still reported');
  });

  it('JUnit: each input error is a test case in error; warnings are in system-err', async () => {
    const r = await runCli(['scan', snapshot, '-p', policy, '-f', 'junit'], { cwd: dir });
    assert.equal(XMLValidator.validate(r.stdout), true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.stdout) as {
      testsuites: {
        errors?: string;
        testsuite: {
          name: string;
          errors?: string;
          testcase: { name: string; error?: { type: string; message: string; '#text': string } }[] | object;
          'system-err'?: string;
        }[];
      };
    };
    assert.equal(doc.testsuites.errors, '1');
    const input = doc.testsuites.testsuite.find((s) => s.name === 'cordon input');
    assert.ok(input, 'a "cordon input" suite');
    assert.equal(input.errors, '1');
    const cases = [input.testcase].flat() as { name: string; error?: { type: string; '#text': string } }[];
    assert.match(cases[0]!.name, /^snap\/describe-nat-gateways\.json:\d+/);
    assert.equal(cases[0]!.error?.type, 'input-error');
    assert.match(input['system-err'] ?? '', /warning: snap\/describe-vpcs\.json.*NextToken/);
  });

  it('a clean read adds nothing (the reports of the examples are unchanged)', async () => {
    const sarif = JSON.parse(
      (await runCli(['scan', 'examples/aws/reference', '-p', 'examples/cordon.yaml', '-f', 'sarif'])).stdout,
    ) as SarifLog;
    assert.equal(sarif.runs[0]!.invocations, undefined);
    const junit = (await runCli(['scan', 'examples/aws/reference', '-p', 'examples/cordon.yaml', '-f', 'junit']))
      .stdout;
    assert.doesNotMatch(junit, /cordon input|errors=/);
  });
});
