/**
 * docs/iam-policy.json is exactly what the collector calls: a full collection (organisation mode, role
 * assumption, region discovery, every data set) is recorded by the fake server, and the recorded IAM actions
 * must equal the policy's, so neither a missing grant nor an unused one can slip in.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { collectAws } from '../../src/sources/aws-live/collect.js';
import { startFakeAws } from '../support/fake-aws-server.js';
import { FAKE_CREDENTIALS, fixtureWorld, tempOut } from '../support/fake-aws-helpers.js';

const POLICY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/iam-policy.json');

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

function policyActions(): { actions: Set<string>; statements: Statement[] } {
  const doc = JSON.parse(readFileSync(POLICY, 'utf8')) as { Version: string; Statement: Statement[] };
  assert.equal(doc.Version, '2012-10-17');
  const actions = new Set<string>();
  for (const s of doc.Statement) for (const a of [s.Action].flat()) actions.add(a);
  return { actions, statements: doc.Statement };
}

describe('docs/iam-policy.json', () => {
  it('grants exactly the actions a full collection calls', async () => {
    const fake = await startFakeAws({ world: fixtureWorld(), pageSize: 1 });
    try {
      await collectAws({
        out: tempOut(),
        credentials: FAKE_CREDENTIALS,
        endpoint: fake.endpoint,
        env: {},
        homeRegion: 'us-east-1',
        org: true,
        roleName: 'CordonAudit',
      });
    } finally {
      await fake.close();
    }
    const called = new Set(fake.calls.map((c) => c.action));
    const { actions } = policyActions();
    const missing = [...called].filter((a) => !actions.has(a)).sort();
    const unused = [...actions].filter((a) => !called.has(a)).sort();
    assert.deepEqual(missing, [], `the collector calls actions the policy does not grant: ${missing.join(', ')}`);
    assert.deepEqual(unused, [], `the policy grants actions the collector never calls: ${unused.join(', ')}`);
  });

  // ec2:SearchTransitGatewayRoutes is a read (IAM access level List) whose name starts with Search.
  it('is read-only: only Allow statements, no wildcards, and only Describe/List/Get/Search plus sts:AssumeRole', () => {
    const { actions, statements } = policyActions();
    for (const s of statements) assert.equal(s.Effect, 'Allow');
    for (const a of actions) {
      assert.doesNotMatch(a, /\*/, a);
      assert.ok(
        /^[a-z0-9-]+:(Describe|List|Get|Search)[A-Za-z]+$/.test(a) || a === 'sts:AssumeRole',
        `${a} is not a read action`,
      );
    }
    const assume = statements.find((s) => [s.Action].flat().includes('sts:AssumeRole'))!;
    assert.deepEqual(
      [assume.Action].flat(),
      ['sts:AssumeRole'],
      'sts:AssumeRole has a statement of its own, scoped to the audit role',
    );
    assert.match(String(assume.Resource), /^arn:aws:iam::\*:role\/[A-Za-z0-9+=,.@_-]+$/);
  });
});
