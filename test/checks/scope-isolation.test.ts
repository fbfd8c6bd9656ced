/**
 * Lookups stay within their scope (issue 8, point 4): two accounts that reuse the same VPC, subnet and route-table
 * ids (fixtures, emulators, the same account collected twice) must each be judged on their own resources only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import bedrockRuntime from '../../src/checks/aws/bedrock-runtime-endpoint-missing.js';
import dataZoneRoute from '../../src/checks/aws/data-zone-internet-route.js';
import { runAwsChecks } from '../../src/checks/engine.js';
import type { AwsCheck } from '../../src/checks/types.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import { loadAwsSnapshotFromTexts } from '../../src/sources/aws-snapshot/load.js';
import { manifest, tags } from '../support/snapshot.js';

const A = '111111111111';
const B = '222222222222';
const vpc = { Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }] };
const subnets = {
  Subnets: [
    { SubnetId: 'subnet-i', VpcId: 'vpc-1', CidrBlock: '10.0.2.0/24', Tags: tags({ SecurityZone: 'inference' }) },
    { SubnetId: 'subnet-d', VpcId: 'vpc-1', CidrBlock: '10.0.3.0/24', Tags: tags({ SecurityZone: 'data' }) },
  ],
};
const runtimeEndpoint = {
  VpcEndpointId: 'vpce-runtime',
  VpcEndpointType: 'Interface',
  VpcId: 'vpc-1',
  ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime',
  State: 'available',
  PrivateDnsEnabled: true,
};
const routeTables = (internet: boolean) => ({
  RouteTables: [
    {
      RouteTableId: 'rtb-data',
      VpcId: 'vpc-1',
      Associations: [{ SubnetId: 'subnet-d', Main: false }],
      Routes: [
        { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
        ...(internet ? [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }] : []),
      ],
    },
    {
      RouteTableId: 'rtb-main',
      VpcId: 'vpc-1',
      Associations: [{ Main: true }],
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }],
    },
  ],
});

/** Two account directories with the same ids; `a` and `b` add each account's own documents. */
function run(check: AwsCheck, a: Record<string, unknown>, b: Record<string, unknown>) {
  const files: { name: string; text: string }[] = [];
  for (const [dir, account, docs] of [
    ['a', A, a],
    ['b', B, b],
  ] as const) {
    const all = { 'manifest.json': manifest(account), 'vpcs.json': vpc, 'subnets.json': subnets, ...docs };
    for (const [name, v] of Object.entries(all)) files.push({ name: `${dir}/${name}`, text: JSON.stringify(v) });
  }
  const loaded = loadAwsSnapshotFromTexts(files);
  assert.deepEqual(
    loaded.errors.map((e) => e.format()),
    [],
  );
  const findings = runAwsChecks(loaded.inventory, parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML), [check]);
  const of = (account: string) => findings.filter((f) => f.resource.account === account);
  return { a: of(A), b: of(B) };
}

describe('lookups stay within their scope', () => {
  it("an endpoint in one account's VPC does not pass another account's VPC with the same id", () => {
    const r = run(
      bedrockRuntime,
      { 'endpoints.json': { VpcEndpoints: [runtimeEndpoint] } },
      { 'endpoints.json': { VpcEndpoints: [] } },
    );
    assert.deepEqual(
      r.a.map((f) => [f.resource.id, f.status]),
      [['vpc-1', 'pass']],
    );
    assert.deepEqual(
      r.b.map((f) => [f.resource.id, f.status]),
      [['vpc-1', 'fail']],
    );
    // Evidence names only the scope's own endpoints.
    assert.deepEqual(r.a[0]!.evidence?.endpoints, [{ id: 'vpce-runtime', state: 'available' }]);
  });
  it('the same endpoint in both accounts is evidence once per account, not twice', () => {
    const docs = { 'endpoints.json': { VpcEndpoints: [runtimeEndpoint] } };
    const r = run(bedrockRuntime, docs, docs);
    for (const side of [r.a, r.b]) {
      assert.deepEqual(
        side.map((f) => f.status),
        ['pass'],
      );
      assert.equal((side[0]!.evidence?.endpoints as unknown[]).length, 1);
    }
  });
  it("a subnet is governed by its own account's route table, not by another account's with the same subnet id", () => {
    for (const [aInternet, bInternet] of [
      [true, false],
      [false, true],
    ]) {
      const r = run(
        dataZoneRoute,
        { 'routes.json': routeTables(aInternet!), 'igw.json': { InternetGateways: [] } },
        { 'routes.json': routeTables(bInternet!), 'igw.json': { InternetGateways: [] } },
      );
      const status = (fs: typeof r.a) => fs.find((f) => f.resource.id === 'subnet-d')?.status;
      assert.equal(status(r.a), aInternet ? 'fail' : 'pass', `account A (internet route: ${aInternet})`);
      assert.equal(status(r.b), bInternet ? 'fail' : 'pass', `account B (internet route: ${bInternet})`);
    }
  });
});
