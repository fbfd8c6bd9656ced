import assert from 'node:assert/strict';
import { cp, mkdtemp, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadAwsSnapshot, loadAwsSnapshotFromTexts } from '../../src/sources/aws-snapshot/load.js';
import { InputError } from '../../src/util/errors.js';

async function copyExample(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-snap-'));
  await cp(path.join('examples/aws', name), dir, { recursive: true });
  return dir;
}

describe('AWS snapshot reader', () => {
  it('recognises files by content, not name', async () => {
    const dir = await copyExample('reference');
    await rename(path.join(dir, 'describe-vpcs.json'), path.join(dir, 'zz-whatever.json'));
    const r = await loadAwsSnapshot(dir);
    assert.deepEqual(r.errors, []);
    assert.equal(r.inventory.vpcs.length, 1);
    assert.deepEqual(r.files.find((f) => f.file === 'zz-whatever.json')?.recognisedAs, ['Vpcs']);
  });
  it('takes account and region from a manifest, or from the data itself', () => {
    const withManifest = loadAwsSnapshotFromTexts([
      {
        name: 'm.json',
        text: JSON.stringify({ cordonSnapshot: 1, provider: 'aws', account: '123456789012', region: 'eu-west-1' }),
      },
      { name: 'v.json', text: JSON.stringify({ Vpcs: [{ VpcId: 'vpc-1' }] }) },
    ]);
    assert.equal(withManifest.inventory.vpcs[0]!.region, 'eu-west-1');
    const fromData = loadAwsSnapshotFromTexts([
      { name: 'v.json', text: JSON.stringify({ Vpcs: [{ VpcId: 'vpc-1', OwnerId: '210987654321' }] }) },
      {
        name: 's.json',
        text: JSON.stringify({
          Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailabilityZone: 'ap-south-1b', OwnerId: '210987654321' }],
        }),
      },
    ]);
    assert.deepEqual(
      [fromData.inventory.vpcs[0]!.account, fromData.inventory.vpcs[0]!.region],
      ['210987654321', 'ap-south-1'],
    );
  });
  it('a malformed file gives a located error and the rest is still read', async () => {
    const dir = await copyExample('reference');
    await writeFile(path.join(dir, 'broken.json'), '{\n  "Vpcs": [\n    {"VpcId": "vpc-x",}\n  ]\n}\n');
    await writeFile(path.join(dir, 'other.json'), '{"Something": 1}');
    await writeFile(
      path.join(dir, 'bad-item.json'),
      JSON.stringify(
        { Subnets: [{ SubnetId: 'subnet-ok', VpcId: 'vpc-0a1b2c3d4e5f60001' }, { SubnetId: 'subnet-bad' }] },
        null,
        2,
      ),
    );
    const r = await loadAwsSnapshot(dir);
    const byFile = new Map(r.errors.map((e) => [e.file, e]));
    assert.equal(byFile.get('broken.json')?.position.line, 3);
    assert.match(byFile.get('other.json')?.message ?? '', /not a recognised AWS CLI output/);
    const bad = byFile.get('bad-item.json');
    assert.equal(bad?.position.pointer, '/Subnets/1');
    assert.match(bad?.format() ?? '', /^bad-item.json:\d+:\d+: missing required field VpcId; item skipped/);
    assert.ok(r.inventory.subnets.some((s) => s.id === 'subnet-ok'));
    assert.equal(r.inventory.vpcs.length, 1, 'the good files are still read');
  });
  it('an output printed without the id of what it describes says which --query adds it', () => {
    // The CLI reference's describe-target-health output: the target group is the command's argument, not in it.
    const raw = {
      TargetHealthDescriptions: [
        { Target: { Id: 'i-0f76fade', Port: 80 }, TargetHealth: { State: 'healthy' }, HealthCheckPort: '80' },
      ],
    };
    const r = loadAwsSnapshotFromTexts([
      { name: 'tg-health.json', text: JSON.stringify(raw) },
      {
        name: 'tg-health-with-arn.json',
        text: JSON.stringify({
          TargetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067',
          ...raw,
        }),
      },
    ]);
    assert.equal(r.errors.length, 1);
    assert.match(
      r.errors[0]!.format(),
      /^tg-health.json:1:1: elbv2 describe-target-health output .*names no TargetGroupArn.*--query "\{TargetGroupArn: '<id>', TargetHealthDescriptions: TargetHealthDescriptions\}"/,
    );
    assert.equal(r.inventory.datasets.get('123456789012/us-west-2')?.has('elbv2:target-health'), true);
  });
  it('raw attributes output: the --query it suggests is one JMESPath key, with the load balancer’s named beside it', () => {
    const r = loadAwsSnapshotFromTexts([
      { name: 'attrs.json', text: JSON.stringify({ Attributes: [{ Key: 'stickiness.enabled', Value: 'false' }] }) },
    ]);
    assert.equal(r.errors.length, 1);
    const m = r.errors[0]!.format();
    assert.match(
      m,
      /--query "\{TargetGroupArn: '<id>', Attributes: Attributes\}" \(LoadBalancerArn: '<arn>' for a load balancer's\)/,
    );
    // JMESPath's multiselect hash takes identifiers as keys, not prose.
    assert.doesNotMatch(m, /\{[^}]*\(or /);
  });
  it('warns about a paginated (truncated) output', () => {
    const r = loadAwsSnapshotFromTexts([{ name: 'v.json', text: JSON.stringify({ Vpcs: [], NextToken: 'abc' }) }]);
    assert.ok(r.warnings.some((w) => /NextToken/.test(w.message)));
  });
  it('records what a collector could not read, from the manifest', () => {
    const r = loadAwsSnapshotFromTexts([
      {
        name: 'm.json',
        text: JSON.stringify({
          cordonSnapshot: 1,
          provider: 'aws',
          account: '123456789012',
          region: 'us-east-1',
          unavailable: [
            { dataset: 'ec2:vpc-endpoints', reason: 'UnauthorizedOperation', action: 'ec2:DescribeVpcEndpoints' },
          ],
        }),
      },
    ]);
    assert.equal(
      r.inventory.unavailable.get('123456789012/us-east-1')?.get('ec2:vpc-endpoints')?.action,
      'ec2:DescribeVpcEndpoints',
    );
  });
  it('never crashes on arbitrary input: every problem is a located InputError (property)', () => {
    const shapes = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify({ VpcEndpoints: [v] })),
      fc.jsonValue().map((v) => JSON.stringify({ SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: v }] })),
      fc.jsonValue().map((v) => JSON.stringify({ RouteTables: v })),
      fc.jsonValue().map((v) => JSON.stringify({ Policy: { PolicySummary: v, Content: v } })),
      fc.jsonValue().map((v) => JSON.stringify({ jobArn: 'arn:aws:bedrock:us-east-1:1:j', vpcConfig: v })),
      fc.string().map((s) => `{"Vpcs": [${s}]}`),
    );
    fc.assert(
      fc.property(fc.array(shapes, { minLength: 1, maxLength: 4 }), (texts) => {
        const r = loadAwsSnapshotFromTexts(texts.map((text, i) => ({ name: `f${i}.json`, text })));
        for (const e of r.errors) {
          assert.ok(e instanceof InputError);
          assert.match(e.file, /^f\d\.json$/);
          assert.ok(e.position.line !== undefined && e.position.line >= 1, e.format());
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('AWS snapshot reader: security group references', () => {
  it('keeps a UserIdGroupPairs entry that names its group only by GroupName (never dropped)', () => {
    const r = loadAwsSnapshotFromTexts([
      {
        name: 'm.json',
        text: JSON.stringify({ cordonSnapshot: 1, provider: 'aws', account: '123456789012', region: 'us-east-1' }),
      },
      {
        name: 'sg.json',
        text: JSON.stringify({
          SecurityGroups: [
            {
              GroupId: 'sg-1',
              GroupName: 'db',
              VpcId: 'vpc-1',
              IpPermissions: [
                {
                  IpProtocol: 'tcp',
                  FromPort: 5432,
                  ToPort: 5432,
                  UserIdGroupPairs: [{ GroupName: 'web', UserId: '123456789012' }, { GroupId: 'sg-2' }],
                },
              ],
            },
          ],
        }),
      },
    ]);
    assert.deepEqual(r.inventory.securityGroups[0]!.ingress[0]!.groupRefs, [
      { groupId: '', userId: '123456789012', groupName: 'web' },
      { groupId: 'sg-2' },
    ]);
  });
});

describe('AWS snapshot reader: network interfaces', () => {
  it('reads the prefixes delegated to an interface (Ipv4Prefixes, Ipv6Prefixes), which pods take their addresses from', () => {
    const eni = (id: string, extra: Record<string, unknown>) => ({
      NetworkInterfaceId: id,
      SubnetId: 'subnet-1',
      VpcId: 'vpc-1',
      PrivateIpAddress: '10.0.3.10',
      PrivateIpAddresses: [{ PrivateIpAddress: '10.0.3.10', Primary: true }],
      Groups: [{ GroupId: 'sg-1', GroupName: 'node' }],
      ...extra,
    });
    const r = loadAwsSnapshotFromTexts([
      {
        name: 'm.json',
        text: JSON.stringify({ cordonSnapshot: 1, provider: 'aws', account: '123456789012', region: 'us-east-1' }),
      },
      {
        name: 'eni.json',
        text: JSON.stringify({
          NetworkInterfaces: [
            eni('eni-1', {
              Ipv4Prefixes: [{ Ipv4Prefix: '10.0.3.48/28' }, { Ipv4Prefix: '10.0.3.32/28' }],
              Ipv6Prefixes: [{ Ipv6Prefix: '2600:1f18:1234:5600:1::/80' }],
            }),
            eni('eni-2', {}),
          ],
        }),
      },
    ]);
    const [a, b] = r.inventory.networkInterfaces;
    assert.deepEqual(a!.ipv4Prefixes, ['10.0.3.32/28', '10.0.3.48/28']);
    assert.deepEqual(a!.ipv6Prefixes, ['2600:1f18:1234:5600:1::/80']);
    assert.equal(b!.ipv4Prefixes, undefined);
  });
});
