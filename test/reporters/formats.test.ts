import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { XMLValidator } from 'fast-xml-parser';
import { AWS_CHECKS } from '../../src/checks/registry.js';
import { runCli } from '../support/cli.js';

const require = createRequire(import.meta.url);
// Both packages are CommonJS with a `default` export property; take it explicitly under NodeNext interop.
const Ajv = AjvDraft04.default;
const addFormats = addFormatsModule.default;
// The official OASIS SARIF 2.1.0 schema, as shipped in @microsoft/jest-sarif (a dev dependency, not copied here).
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(await readFile(schemaPath, 'utf8')) as object;

describe('report formats', () => {
  it('SARIF is valid 2.1.0 with a failing result for every check on the misconfigured example', async () => {
    const r = await runCli(['scan', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml', '--format', 'sarif']);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as {
      runs: {
        results: {
          ruleId: string;
          kind: string;
          level: string;
          locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
        }[];
        tool: { driver: { rules: { id: string; properties: Record<string, string> }[] } };
      }[];
    };
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const valid = ajv.validate(schema, log);
    assert.ok(valid, JSON.stringify(ajv.errors?.slice(0, 5)));
    const run = log.runs[0]!;
    const failing = new Set(run.results.filter((x) => x.kind === 'fail').map((x) => x.ruleId));
    for (const c of AWS_CHECKS) assert.ok(failing.has(c.id), `no failing SARIF result for ${c.id}`);
    for (const rule of run.tool.driver.rules) assert.match(rule.properties['security-severity'] ?? '', /^\d+\.\d$/);
    // GitHub code scanning rejects a file whose results lack a physical location with a URI.
    const located = run.results.filter((x) => x.locations[0]?.physicalLocation?.artifactLocation.uri);
    assert.equal(located.length, run.results.length, 'every result has a physical location');
    for (const x of located)
      assert.match(x.locations[0]!.physicalLocation!.artifactLocation.uri, /^examples\/aws\/misconfigured\//);
    // A verify finding carries its own fix (the command with its ids) beside the rule's generic help.
    const fixes = (run.results as { ruleId: string; properties?: { remediation?: { snippet?: { code: string } } } }[])
      .filter((x) => x.ruleId === 'verify-zone-violation')
      .map((x) => x.properties?.remediation?.snippet?.code ?? '');
    assert.ok(
      fixes.some((c) => /aws ec2 delete-route --region us-east-1 --route-table-id rtb-/.test(c)),
      fixes.join('\n'),
    );
  });
  it('SARIF of a clean scan is valid and has no results', async () => {
    const r = await runCli(['scan', 'examples/aws/reference', '-p', 'examples/cordon.yaml', '--format', 'sarif']);
    assert.equal(r.code, 0);
    const log = JSON.parse(r.stdout) as { runs: { results: unknown[] }[] };
    const ajv = new Ajv({ strict: false, unicodeRegExp: false });
    addFormats(ajv);
    assert.ok(ajv.validate(schema, log));
    assert.equal(log.runs[0]!.results.length, 0);
  });
  it('JUnit, Markdown and the table agree with the JSON report', async () => {
    const json = JSON.parse(
      (await runCli(['scan', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml', '--format', 'json'])).stdout,
    ) as { summary: { byStatus: { fail: number }; failBySeverity: Record<string, number> } };
    const fails = json.summary.byStatus.fail;
    const sev = json.summary.failBySeverity;
    const r = await runCli(['scan', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml', '--format', 'junit']);
    assert.equal(XMLValidator.validate(r.stdout), true);
    assert.match(r.stdout, new RegExp(`<testsuites name="cordon" tests="\\d+" failures="${fails}"`));
    const md = await runCli([
      'scan',
      'examples/aws/misconfigured',
      '-p',
      'examples/cordon.yaml',
      '--format',
      'markdown',
    ]);
    assert.match(md.stdout, /^# cordon network-isolation report/);
    assert.match(
      md.stdout,
      new RegExp(
        `## CRITICAL \\(${sev.critical}\\)[\\s\\S]*## HIGH \\(${sev.high}\\)[\\s\\S]*## MEDIUM \\(${sev.medium}\\)[\\s\\S]*## LOW \\(${sev.low}\\)`,
      ),
    );
    assert.match(md.stdout, /\| jobs with VPC protection \| 66\.7% \(2 of 3\) \|/);
    // Fixes: folded, with the finding's own commands (a verify violation's names its route table).
    const fixes = /## Fixes \((\d+)\)/.exec(md.stdout);
    assert.ok(fixes, 'a Fixes section');
    assert.equal((md.stdout.match(/<details>/g) ?? []).length, Math.min(25, Number(fixes[1])));
    assert.match(md.stdout, /aws ec2 delete-route --region us-east-1 --route-table-id rtb-0b1b2c3d4e5f60dat/);
    if (Number(fixes[1]) > 25)
      assert.match(md.stdout, new RegExp(`${Number(fixes[1]) - 25} more fixes are in the JSON report`));
    const table = await runCli(['scan', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml']);
    assert.match(table.stdout, new RegExp(`^CRITICAL \\(${sev.critical}\\)`));
    assert.ok(!table.stdout.includes('\u001b['), 'no colour when stdout is not a TTY');
    assert.match(
      table.stdout,
      new RegExp(
        `Summary: ${fails} failing \\(${sev.critical} critical, ${sev.high} high, ${sev.medium} medium, ${sev.low} low\\)`,
      ),
    );
    assert.match(table.stdout, /Customization jobs: 66\.7% with VPC protection \(2 of 3\), 1 non-compliant/);
  });
  it('every format is deterministic: two runs give the same bytes', async () => {
    for (const format of ['json', 'sarif', 'junit', 'markdown', 'table']) {
      const a = await runCli(['scan', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml', '--format', format]);
      const b = await runCli(['scan', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml', '--format', format]);
      assert.equal(a.stdout, b.stdout, format);
    }
  });
});
