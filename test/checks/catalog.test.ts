/**
 * Every check proves itself on the bundled examples: the seed 000 reference architecture passes it, and the
 * misconfigured snapshot fails it at least once (the fail and pass fixtures of each check).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { AWS_CHECKS, CHECKS } from '../../src/checks/registry.js';
import { renderChecksMarkdown } from '../../src/checks/docs.js';
import { ALL_VERIFY_CHECKS } from '../../src/verify/checks.js';
import { parsePolicy } from '../../src/policy/load.js';
import { policyJsonSchema } from '../../src/policy/schema.js';
import { scanAwsSnapshot } from '../../src/scan.js';

const policyText = await readFile('examples/cordon.yaml', 'utf8');
const policy = parsePolicy('examples/cordon.yaml', policyText);
const scan = (snapshot: string) =>
  scanAwsSnapshot({ snapshot, policy, policySource: 'examples/cordon.yaml', cwd: process.cwd(), today: '2026-11-22' });
const reference = await scan('examples/aws/reference');
const misconfigured = await scan('examples/aws/misconfigured');

describe('check catalog', () => {
  it('has unique ids and complete metadata', () => {
    assert.equal(new Set(CHECKS.map((c) => c.id)).size, CHECKS.length);
    for (const c of CHECKS) {
      // Provider checks are named after their provider; the network model's checks after `cordon verify`.
      assert.match(c.id, new RegExp(`^${c.provider === 'all' ? 'verify' : c.provider}-[a-z0-9-]+$`));
      assert.ok(
        c.title &&
          c.rationale.length > 40 &&
          c.remediation.text &&
          c.references.length > 0 &&
          c.seeds.length > 0 &&
          c.requires.length > 0,
        c.id,
      );
    }
  });
  // verify-not-assessed only ever says what could not be decided: it has no failing or passing case.
  for (const check of [...AWS_CHECKS, ...ALL_VERIFY_CHECKS.filter((c) => c.id !== 'verify-not-assessed')]) {
    it(`${check.id}: fails on the misconfigured example, passes on the reference`, () => {
      const fails = misconfigured.findings.filter((f) => f.checkId === check.id && f.status === 'fail');
      assert.ok(fails.length > 0, `${check.id} did not fail on examples/aws/misconfigured`);
      for (const f of fails) assert.ok(f.message.length > 0 && f.fingerprint.startsWith(check.id));
      const mine = reference.findings.filter((f) => f.checkId === check.id);
      assert.ok(
        mine.some((f) => f.status === 'pass'),
        `${check.id} has no passing finding on the reference`,
      );
      assert.deepEqual(
        mine.filter((f) => f.status !== 'pass').map((f) => f.message),
        [],
      );
    });
  }
  it('the examples read without input errors', () => {
    assert.deepEqual(reference.inputErrors, []);
    assert.deepEqual(misconfigured.inputErrors, []);
  });
  it('docs/checks.md is generated from the metadata and up to date (npm run docs)', async () => {
    assert.equal(await readFile('docs/checks.md', 'utf8'), renderChecksMarkdown(CHECKS));
  });
  it('schema/cordon.schema.json is generated from the policy schema and up to date (npm run docs)', async () => {
    assert.equal(
      await readFile('schema/cordon.schema.json', 'utf8'),
      JSON.stringify(policyJsonSchema(), null, 2) + '\n',
    );
  });
});
