/** The endpoint-policy checks on the cases that pattern-matching tools get wrong. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import principalUnrestricted from '../../src/checks/aws/vpc-endpoint-policy-principal-unrestricted.js';
import allModels from '../../src/checks/aws/bedrock-endpoint-policy-all-models.js';
import enforcement from '../../src/checks/aws/bedrock-endpoint-enforcement-scp-missing.js';
import { runCheck } from '../support/snapshot.js';

const endpoint = (policy: unknown) => ({
  VpcEndpoints: [
    {
      VpcEndpointId: 'vpce-1',
      VpcEndpointType: 'Interface',
      VpcId: 'vpc-1',
      ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime',
      State: 'available',
      PrivateDnsEnabled: true,
      PolicyDocument: JSON.stringify(policy),
      SubnetIds: [],
      Groups: [],
    },
  ],
});
const allow = (condition?: unknown, extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: 'bedrock:InvokeModel',
      Resource: '*',
      ...(condition ? { Condition: condition } : {}),
      ...extra,
    },
  ],
});
const status = (policy: unknown) =>
  runCheck(principalUnrestricted, { 'eps.json': endpoint(policy) }).map((f) => f.status);

describe('aws-vpc-endpoint-policy-principal-unrestricted', () => {
  it('passes a policy scoped by aws:PrincipalOrgID (Prowler reports this as a failure)', () => {
    assert.deepEqual(status(allow({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } })), ['pass']);
  });
  it('passes aws:PrincipalAccount and explicit account principals', () => {
    assert.deepEqual(status(allow({ StringEquals: { 'aws:PrincipalAccount': ['123456789012'] } })), ['pass']);
    assert.deepEqual(
      status({
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: '*', Resource: '*' },
        ],
      }),
      ['pass'],
    );
  });
  it('probe identities never coincide with the policy: "every account except 999999999999" is open', () => {
    // A fixed probe account made this look restrictive: the probe was the one account the policy shuts out.
    assert.deepEqual(status(allow({ StringNotEquals: { 'aws:PrincipalAccount': '999999999999' } })), ['fail']);
    assert.deepEqual(status(allow({ StringNotLike: { 'aws:PrincipalAccount': '9999*' } })), ['fail']);
    assert.deepEqual(status(allow({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-cordonprobe00' } })), ['fail']);
    assert.deepEqual(
      status(allow({ StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/cordon-outside-probe' } })),
      ['fail'],
    );
  });
  it('a wildcard on the account or organisation admits the outsiders it matches', () => {
    // "1*" covers 123456789012 (trusted) and every other account starting with 1.
    assert.deepEqual(status(allow({ StringLike: { 'aws:PrincipalAccount': '1*' } })), ['fail']);
    assert.deepEqual(status(allow({ StringLike: { 'aws:PrincipalOrgID': 'o-*' } })), ['fail']);
    // An exact account list stays restrictive.
    assert.deepEqual(status(allow({ StringLike: { 'aws:PrincipalAccount': '123456789012' } })), ['pass']);
  });
  it('a principal ARN pattern with any account admits outsiders who name a role that way', () => {
    // Anyone can create a role called Admin in their own account.
    assert.deepEqual(status(allow({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin' } })), ['fail']);
    const [f] = runCheck(principalUnrestricted, {
      'eps.json': endpoint(allow({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin' } })),
    });
    assert.match(f!.message, /principal arn:aws:iam::\d{12}:role\/Admin of organization/);
    assert.deepEqual(status(allow({ StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ai-*' } })), ['fail']);
    // The account fixed: restrictive.
    assert.deepEqual(status(allow({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/*' } })), ['pass']);
  });
  it('fails StringEqualsIfExists on the org (a principal in no organization gets in)', () => {
    assert.deepEqual(status(allow({ StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123def4' } })), ['fail']);
  });
  it('fails a condition only on values the caller controls (aws:SourceIp does not restrict principals)', () => {
    assert.deepEqual(status(allow({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })), ['fail']);
  });
  it('fails a negated org condition in an Allow', () => {
    assert.deepEqual(status(allow({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } })), ['fail']);
  });
  it('passes Allow * plus a Deny for principals outside the org (missing key makes StringNotEquals true)', () => {
    const policy = {
      Statement: [
        allow().Statement[0],
        {
          Effect: 'Deny',
          Principal: '*',
          Action: '*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } },
        },
      ],
    };
    assert.deepEqual(status(policy), ['pass']);
  });
  it('a Deny with StringNotEqualsIfExists does not remove principals in no organization', () => {
    const policy = {
      Statement: [
        allow().Statement[0],
        {
          Effect: 'Deny',
          Principal: '*',
          Action: '*',
          Resource: '*',
          Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123def4' } },
        },
      ],
    };
    // IfExists: for a caller without the key the Deny condition is true, so it does deny them too: pass.
    assert.deepEqual(status(policy), ['pass']);
  });
  it('fails a policy that trusts a foreign organization when cordon.yaml names ours', () => {
    const yaml = `version: 1\nzones: { inference: {}, external_ai: { kind: service, services: { aws: [bedrock-runtime] } } }\nrules: []\naws: { organization_id: o-ours000001 }\n`;
    const r = runCheck(
      principalUnrestricted,
      { 'eps.json': endpoint(allow({ StringEquals: { 'aws:PrincipalOrgID': 'o-theirs0001' } })) },
      yaml,
    );
    assert.deepEqual(
      r.map((f) => f.status),
      ['fail'],
    );
    assert.match(r[0]!.message, /organization o-theirs0001/);
  });
});

describe('aws-bedrock-endpoint-policy-all-models', () => {
  const run = (policy: unknown) => runCheck(allModels, { 'eps.json': endpoint(policy) }).map((f) => f.status);
  it('fails Resource "*" and passes named model families', () => {
    assert.deepEqual(run(allow({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } })), ['fail']);
    assert.deepEqual(run(allow(undefined, { Resource: 'arn:aws:bedrock:*::foundation-model/anthropic.claude-*' })), [
      'pass',
    ]);
  });
  it('fails models outside aws.approved_models', () => {
    const r = runCheck(allModels, {
      'eps.json': endpoint(allow(undefined, { Resource: ['arn:aws:bedrock:*::foundation-model/meta.llama3-*'] })),
    });
    assert.deepEqual(
      r.map((f) => f.status),
      ['fail'],
    );
    assert.match(r[0]!.message, /meta\.llama3-\*/);
  });
});

describe('aws-bedrock-endpoint-enforcement-scp-missing', () => {
  const scp = (statement: unknown) => ({
    Policy: {
      PolicySummary: { Id: 'p-1', Name: 'enforce', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: false },
      Content: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
    },
  });
  const docs = (statement: unknown) => ({ 'eps.json': endpoint(allow()), 'scp.json': scp(statement) });
  const deny = (condition: unknown, action: unknown = 'bedrock:*') => ({
    Effect: 'Deny',
    Action: action,
    Resource: '*',
    Condition: condition,
  });
  it('passes a Deny unless aws:SourceVpce (the seed 001 SCP)', () => {
    assert.deepEqual(
      runCheck(enforcement, docs(deny({ StringNotEquals: { 'aws:sourceVpce': ['vpce-1'] } }))).map((f) => f.status),
      ['pass'],
    );
  });
  it('passes aws:SourceVpc and aws:VpceOrgID variants', () => {
    assert.deepEqual(
      runCheck(enforcement, docs(deny({ StringNotEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } }))).map((f) => f.status),
      ['pass'],
    );
    assert.deepEqual(
      runCheck(enforcement, docs(deny({ StringNotEquals: { 'aws:VpceOrgID': 'o-abc123def4' } }))).map((f) => f.status),
      ['pass'],
    );
  });
  it('fails a Deny that only fires when the endpoint key is present (StringEquals on a missing key is false)', () => {
    assert.deepEqual(
      runCheck(enforcement, docs(deny({ StringEquals: { 'aws:SourceVpce': 'vpce-other' } }))).map((f) => f.status),
      ['fail'],
    );
  });
  it('fails when only InvokeModel is denied and the streaming action stays open', () => {
    const r = runCheck(
      enforcement,
      docs(deny({ StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } }, 'bedrock:InvokeModel')),
    );
    assert.deepEqual(
      r.map((f) => f.status),
      ['fail'],
    );
    assert.match(r[0]!.message, /InvokeModelWithResponseStream/);
  });
  it('is not assessed when SCPs were listed without their content', () => {
    const r = runCheck(enforcement, {
      'eps.json': endpoint(allow()),
      'list.json': { Policies: [{ Id: 'p-1', Name: 'x', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: false }] },
    });
    assert.deepEqual(
      r.map((f) => f.status),
      ['not-assessed'],
    );
  });
  it('is not assessed when no SCP data exists at all, naming the command', () => {
    const r = runCheck(enforcement, { 'eps.json': endpoint(allow()) });
    assert.deepEqual(
      r.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(r[0]!.message, /aws organizations list-policies/);
  });
});
