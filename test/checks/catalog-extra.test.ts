/** Targeted cases for the checks of issue 3's catalog that the example snapshots do not exercise. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dnsQueryLogging from '../../src/checks/aws/ai-vpc-dns-query-logging-missing.js';
import { runAwsChecks } from '../../src/checks/engine.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import { loadAwsSnapshotFromTexts } from '../../src/sources/aws-snapshot/load.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import s3Foreign from '../../src/checks/aws/s3-endpoint-policy-allows-foreign-buckets.js';
import idle from '../../src/checks/aws/elb-idle-timeout-too-short.js';
import notebookDirect from '../../src/checks/aws/sagemaker-notebook-direct-internet.js';
import mgmt from '../../src/checks/aws/management-plane-over-internet.js';
import { runCheck, tags } from '../support/snapshot.js';

const vpc = { Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }] };
const subnets = {
  Subnets: [
    {
      SubnetId: 'subnet-i',
      VpcId: 'vpc-1',
      CidrBlock: '10.0.2.0/24',
      AvailabilityZone: 'us-east-1a',
      Tags: tags({ SecurityZone: 'inference' }),
    },
  ],
};

describe('aws-s3-endpoint-policy-allows-foreign-buckets', () => {
  const s3 = (policy: unknown) => ({
    VpcEndpoints: [
      {
        VpcEndpointId: 'vpce-s3',
        VpcEndpointType: 'Gateway',
        VpcId: 'vpc-1',
        ServiceName: 'com.amazonaws.us-east-1.s3',
        State: 'available',
        PolicyDocument: JSON.stringify(policy),
      },
    ],
  });
  const run = (policy: unknown) =>
    runCheck(s3Foreign, { 'v.json': vpc, 's.json': subnets, 'e.json': s3(policy) }).map((f) => f.status);
  it('passes aws:ResourceOrgID, s3:ResourceAccount and named buckets', () => {
    assert.deepEqual(
      run({
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-abc123def4' } },
          },
        ],
      }),
      ['pass'],
    );
    assert.deepEqual(
      run({
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:*',
            Resource: '*',
            Condition: { StringEquals: { 's3:ResourceAccount': ['123456789012'] } },
          },
        ],
      }),
      ['pass'],
    );
    assert.deepEqual(
      run({
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:*',
            Resource: ['arn:aws:s3:::training-data', 'arn:aws:s3:::training-data/*'],
          },
        ],
      }),
      ['pass'],
    );
  });
  it('fails a policy that restricts only principals', () => {
    assert.deepEqual(
      run({
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } },
          },
        ],
      }),
      ['fail'],
    );
  });
});

describe('aws-elb-idle-timeout-too-short', () => {
  const lb = {
    LoadBalancers: [
      {
        LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1',
        LoadBalancerName: 'web',
        Type: 'application',
        VpcId: 'vpc-1',
        AvailabilityZones: [],
      },
    ],
  };
  const endpoints = { VpcEndpoints: [] };
  it('is not assessed without the attributes, and reads them from the documented --query output', () => {
    assert.deepEqual(
      runCheck(idle, { 'v.json': vpc, 's.json': subnets, 'e.json': endpoints, 'lb.json': lb }).map((f) => f.status),
      ['not-assessed'],
    );
    const attrs = (v: string) => ({
      LoadBalancerArn: lb.LoadBalancers[0]!.LoadBalancerArn,
      Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: v }],
    });
    assert.deepEqual(
      runCheck(idle, {
        'v.json': vpc,
        's.json': subnets,
        'e.json': endpoints,
        'lb.json': lb,
        'a.json': attrs('300'),
      }).map((f) => f.status),
      ['pass'],
    );
    assert.deepEqual(
      runCheck(idle, {
        'v.json': vpc,
        's.json': subnets,
        'e.json': endpoints,
        'lb.json': lb,
        'a.json': attrs('299'),
      }).map((f) => f.status),
      ['fail'],
    );
  });
});

describe('SageMaker recognition', () => {
  it('a describe-notebook-instance output is not mistaken for describe-security-groups (its SecurityGroups lists ids)', () => {
    const nb = {
      NotebookInstanceArn: 'arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb',
      NotebookInstanceName: 'nb',
      DirectInternetAccess: 'Enabled',
      SecurityGroups: ['sg-1'],
      SubnetId: 'subnet-i',
    };
    const r = runCheck(notebookDirect, { 'nb.json': nb });
    assert.deepEqual(
      r.map((f) => f.status),
      ['fail'],
    );
  });
  it('a notebook seen only in list-notebook-instances is not assessed', () => {
    const r = runCheck(notebookDirect, {
      'l.json': {
        NotebookInstances: [
          {
            NotebookInstanceName: 'nb',
            NotebookInstanceArn: 'arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb',
          },
        ],
      },
    });
    assert.deepEqual(
      r.map((f) => f.status),
      ['not-assessed'],
    );
  });
});

describe('aws-management-plane-over-internet', () => {
  const routes = (target: Record<string, string>) => ({
    RouteTables: [
      {
        RouteTableId: 'rtb-1',
        VpcId: 'vpc-1',
        Associations: [{ Main: true }],
        Routes: [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
          { DestinationCidrBlock: '0.0.0.0/0', ...target, State: 'active' },
        ],
      },
    ],
  });
  const endpoint = (svc: string, dns = true) => ({
    VpcEndpointId: `vpce-${svc}`,
    VpcEndpointType: 'Interface',
    VpcId: 'vpc-1',
    ServiceName: `com.amazonaws.us-east-1.${svc}`,
    State: 'available',
    PrivateDnsEnabled: dns,
  });
  it('fails services without a usable endpoint when there is an internet route; private NAT does not count', () => {
    const all = ['secretsmanager', 'logs', 'monitoring', 'ssm'].map((s) => endpoint(s));
    const r = runCheck(mgmt, {
      's.json': subnets,
      'r.json': routes({ GatewayId: 'igw-1' }),
      'e.json': { VpcEndpoints: [...all, endpoint('kms', false)] },
    });
    assert.deepEqual(
      r.map((f) => f.status),
      ['fail'],
    );
    assert.match(r[0]!.message, /reaches kms over the internet/);
    const priv = runCheck(mgmt, {
      's.json': subnets,
      'r.json': routes({ NatGatewayId: 'nat-1' }),
      'n.json': { NatGateways: [{ NatGatewayId: 'nat-1', VpcId: 'vpc-1', ConnectivityType: 'private' }] },
      'e.json': { VpcEndpoints: [] },
    });
    assert.deepEqual(
      priv.map((f) => f.status),
      ['pass'],
    );
  });
});

describe('aws-ai-vpc-dns-query-logging-missing', () => {
  const dir = 'examples/aws/reference';
  const texts = () =>
    readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => ({ name: n, text: readFileSync(path.join(dir, n), 'utf8') }));
  const runWith = (status: string) => {
    const files = texts().map((f) =>
      f.name === 'list-resolver-query-log-config-associations.json'
        ? { ...f, text: f.text.replace('"ACTIVE"', JSON.stringify(status)) }
        : f,
    );
    const loaded = loadAwsSnapshotFromTexts(files);
    return runAwsChecks(loaded.inventory, parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML), [dnsQueryLogging]);
  };

  it('an association still CREATING is not a pass (it logs nothing yet and may end FAILED)', () => {
    assert.deepEqual(
      runWith('ACTIVE').map((f) => f.status),
      ['pass'],
    );
    const creating = runWith('CREATING');
    assert.deepEqual(
      creating.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(creating[0]!.message, /still CREATING/);
    assert.deepEqual(
      runWith('FAILED').map((f) => f.status),
      ['fail'],
    );
  });
});
