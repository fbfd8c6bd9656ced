/**
 * Partial data: a skipped item (or a list cut short) must make the checks that needed its data set not assessed in
 * the item's scope, never let them pass on what was left. Also what the reader says about bad items, folders it
 * cannot read, symbolic links, duplicate keys, manifests and floods of unrecognised files.
 */
import assert from 'node:assert/strict';
import type { Dirent } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AWS_CHECKS } from '../../src/checks/registry.js';
import { loadAwsSnapshot, loadAwsSnapshotFromTexts } from '../../src/sources/aws-snapshot/load.js';
import { runCli } from '../support/cli.js';
import { manifest } from '../support/snapshot.js';

async function copyExample(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-partial-'));
  await cp(path.join('examples/aws', name), dir, { recursive: true });
  return dir;
}

/** Edits one JSON file of a snapshot copy in place. */
async function editJson(file: string, edit: (doc: Record<string, unknown[]>) => void): Promise<void> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown[]>;
  edit(doc);
  await writeFile(file, JSON.stringify(doc, null, 4) + '\n');
}

interface JsonFinding {
  checkId: string;
  status: string;
  message: string;
  resource: { id: string };
}

async function scanJson(dir: string, extra: string[] = []) {
  const r = await runCli(['scan', dir, '-p', 'examples/cordon.yaml', '--format', 'json', ...extra]);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
}

describe('partial data sets', () => {
  it('a route table with one mistyped field makes aws-data-zone-internet-route not assessed, never a pass', async () => {
    const dir = await copyExample('misconfigured');
    const file = path.join(dir, 'describe-route-tables.json');
    await editJson(file, (doc) => {
      // The data subnet's own table, which routes to a NAT gateway; the VPC's main table has no such route.
      const table = doc.RouteTables!.find(
        (t) => (t as { RouteTableId: string }).RouteTableId === 'rtb-0b1b2c3d4e5f60dat',
      ) as { Routes: Record<string, unknown>[] };
      table.Routes[1]!.NatGatewayId = 7;
    });
    const { findings } = await scanJson(dir, ['--checks', 'aws-data-zone-internet-route']);
    assert.deepEqual(
      findings.map((f) => f.status),
      ['not-assessed'],
      'the subnet is not judged against the main route table',
    );
    const i = (
      JSON.parse(await readFile(file, 'utf8')) as { RouteTables: { RouteTableId: string }[] }
    ).RouteTables.findIndex((t) => t.RouteTableId === 'rtb-0b1b2c3d4e5f60dat');
    assert.match(
      findings[0]!.message,
      new RegExp(
        `ec2:route-tables is incomplete, an item could not be read: .*describe-route-tables\\.json:\\d+:\\d+: expected a string, got a number \\(7\\) \\(at /RouteTables/${i}/Routes/1/NatGatewayId\\)`,
      ),
    );
    // The full scan still fails on the other findings; the run is never a clean pass.
    assert.notEqual((await scanJson(dir)).code, 0);
  });

  it('a skipped endpoint item makes the endpoint checks of its scope not assessed instead of vanishing', async () => {
    const dir = await copyExample('misconfigured');
    await editJson(path.join(dir, 'describe-vpc-endpoints.json'), (doc) => {
      (doc.VpcEndpoints![0] as Record<string, unknown>).PrivateDnsEnabled = 'false';
    });
    const { findings } = await scanJson(dir);
    const needing = new Set(AWS_CHECKS.filter((c) => c.requires.includes('ec2:vpc-endpoints')).map((c) => c.id));
    const affected = findings.filter((f) => needing.has(f.checkId));
    assert.ok(affected.length >= needing.size);
    for (const f of affected) {
      assert.equal(f.status, 'not-assessed', `${f.checkId} on ${f.resource.id}`);
      assert.match(
        f.message,
        /describe-vpc-endpoints\.json:23:13: expected a boolean, got a string \("false"\) \(at \/VpcEndpoints\/0\/PrivateDnsEnabled\)/,
      );
    }
    // Checks that do not need endpoints still run.
    assert.ok(findings.some((f) => f.checkId === 'aws-data-zone-internet-route' && f.status === 'fail'));
  });

  it('checks that only consult a data set treat an incomplete one as unknown, not as "none"', async () => {
    const dir = await copyExample('misconfigured');
    // An empty first page with a NextToken (AWS may return one): the agents are on pages that are missing.
    await writeFile(path.join(dir, 'list-agents.json'), JSON.stringify({ agentSummaries: [], NextToken: 'p2' }));
    const { findings } = await scanJson(dir, ['--checks', 'aws-bedrock-agent-endpoints-missing']);
    const vpc2 = findings.find((f) => f.resource.id === 'vpc-0b1b2c3d4e5f60002');
    // "No agents here" would be a pass for a VPC without agent endpoints.
    assert.equal(vpc2?.status, 'not-assessed');
  });

  it('validation messages say what is wrong, and "missing" only for a field that is absent', () => {
    const r = loadAwsSnapshotFromTexts([
      { name: 'manifest.json', text: JSON.stringify(manifest()) },
      {
        name: 'sg.json',
        text: JSON.stringify(
          {
            SecurityGroups: [
              { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: '443', ToPort: 443 }] },
              { GroupName: 'no-id' },
            ],
          },
          null,
          2,
        ),
      },
      {
        name: 'nacl.json',
        text: JSON.stringify({
          NetworkAcls: [
            {
              NetworkAclId: 'acl-1',
              VpcId: 'vpc-1',
              Entries: [{ RuleNumber: 1, Protocol: '-1', RuleAction: 'Allow', Egress: false }],
            },
          ],
        }),
      },
    ]);
    const messages = r.errors.map((e) => e.format());
    assert.deepEqual(messages, [
      'nacl.json:1:100: expected "allow" or "deny", got a string ("Allow"); item skipped (at /NetworkAcls/0/Entries/0/RuleAction)',
      'sg.json:8:11: expected a number, got a string ("443"); item skipped (at /SecurityGroups/0/IpPermissions/0/FromPort)',
      'sg.json:13:5: missing required field GroupId; item skipped (at /SecurityGroups/1)',
    ]);
    assert.deepEqual([...r.inventory.partial.get('123456789012/us-east-1')!.keys()].sort(), [
      'ec2:network-acls',
      'ec2:security-groups',
    ]);
  });

  it('a skipped item whose scope cannot be told marks every scope of its folder', () => {
    const vpc = (id: string, owner: string) => ({ VpcId: id, OwnerId: owner });
    const subnet = (id: string, vpcId: string, owner: string, az: string) => ({
      SubnetId: id,
      VpcId: vpcId,
      OwnerId: owner,
      AvailabilityZone: az,
    });
    const files = (badTable: Record<string, unknown>) => [
      {
        name: 'x/vpcs.json',
        text: JSON.stringify({ Vpcs: [vpc('vpc-a', '111111111111'), vpc('vpc-b', '222222222222')] }),
      },
      {
        name: 'x/subnets.json',
        text: JSON.stringify({
          Subnets: [
            subnet('subnet-a', 'vpc-a', '111111111111', 'eu-west-1a'),
            subnet('subnet-b', 'vpc-b', '222222222222', 'us-east-1a'),
          ],
        }),
      },
      {
        name: 'x/rt.json',
        text: JSON.stringify({ RouteTables: [{ RouteTableId: 'rtb-ok', VpcId: 'vpc-a' }, badTable] }),
      },
    ];
    const unknown = loadAwsSnapshotFromTexts(files({ RouteTableId: 'rtb-bad', VpcId: 42 }));
    assert.deepEqual(
      [...unknown.inventory.partial.entries()].map(([k, m]) => [k, [...m.keys()]]),
      [
        ['111111111111/eu-west-1', ['ec2:route-tables']],
        ['222222222222/us-east-1', ['ec2:route-tables']],
      ],
    );
    // Through its VPC, a skipped item is placed like any other.
    const linked = loadAwsSnapshotFromTexts(files({ RouteTableId: 'rtb-bad', VpcId: 'vpc-b', Routes: 'none' }));
    assert.deepEqual([...linked.inventory.partial.keys()], ['222222222222/us-east-1']);
    assert.equal(
      linked.inventory.partial.get('222222222222/us-east-1')!.get('ec2:route-tables')![0]!.pointer,
      '/RouteTables/1/Routes',
    );
  });

  it('Bedrock agents listed with the documented nextToken (camel case) are incomplete, not "no agents"', async () => {
    const dir = await copyExample('misconfigured');
    // bedrock-agent ListAgents answers {agentSummaries, nextToken}; an empty first page is possible.
    await writeFile(path.join(dir, 'list-agents.json'), JSON.stringify({ agentSummaries: [], nextToken: 'p2' }));
    const { findings } = await scanJson(dir, ['--checks', 'aws-bedrock-agent-endpoints-missing']);
    assert.equal(findings.find((f) => f.resource.id === 'vpc-0b1b2c3d4e5f60002')?.status, 'not-assessed');
  });

  it("each service's page marker makes its list incomplete: nextToken, NextMarker, IsTruncated", () => {
    const r = loadAwsSnapshotFromTexts([
      { name: 'manifest.json', text: JSON.stringify(manifest()) },
      { name: 'jobs.json', text: JSON.stringify({ modelCustomizationJobSummaries: [], nextToken: 'p2' }) },
      { name: 'lbs.json', text: JSON.stringify({ LoadBalancers: [], NextMarker: 'm2' }) },
      { name: 'zones.json', text: JSON.stringify({ VpcId: 'vpc-1', HostedZoneSummaries: [], NextToken: 't2' }) },
      {
        name: 'records.json',
        text: JSON.stringify({
          HostedZoneId: 'Z111111QQQQQQQ',
          ResourceRecordSets: [],
          IsTruncated: true,
          NextRecordName: 'b.example.com.',
          MaxItems: '1',
        }),
      },
    ]);
    const partial = r.inventory.partial.get('123456789012/us-east-1');
    const reason = (d: string) => partial?.get(d as never)?.[0]?.reason;
    assert.equal(reason('bedrock:customization-jobs'), 'output has a nextToken: the rest of the list is missing');
    assert.equal(reason('elbv2:load-balancers'), 'output has a NextMarker: the rest of the list is missing');
    assert.equal(reason('route53:record-sets'), 'output has IsTruncated true: the rest of the list is missing');
    // Read whole (the documented --query adds the VPC), yet still one page.
    assert.equal(reason('route53:hosted-zones-by-vpc'), 'output has a NextToken: the rest of the list is missing');
  });

  it('a list with a NextToken is incomplete', () => {
    const r = loadAwsSnapshotFromTexts([
      { name: 'manifest.json', text: JSON.stringify(manifest()) },
      { name: 'v.json', text: JSON.stringify({ VpcEndpoints: [], NextToken: 'abc' }) },
    ]);
    assert.equal(
      r.inventory.partial.get('123456789012/us-east-1')?.get('ec2:vpc-endpoints')?.[0]?.reason,
      'output has a NextToken: the rest of the list is missing',
    );
  });
});

describe('what the reader never drops silently', () => {
  it('an unreadable folder is a located error naming it, and the walk goes on', async () => {
    // Tests run as root, for whom chmod 000 blocks nothing: the failure is injected at the readdir call.
    const dir = await copyExample('reference');
    await mkdir(path.join(dir, 'locked'));
    await writeFile(path.join(dir, 'locked', 'describe-vpcs.json'), '{"Vpcs": []}');
    const r = await loadAwsSnapshot(dir, {
      fs: {
        readdir: async (d): Promise<Dirent[]> => {
          if (path.basename(d) === 'locked') throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
          return readdir(d, { withFileTypes: true });
        },
        readFile: (f) => readFile(f, 'utf8'),
        stat: (p) => import('node:fs/promises').then((m) => m.stat(p)),
        realpath: (p) => import('node:fs/promises').then((m) => m.realpath(p)),
      },
    });
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      ['locked: cannot read folder: EACCES; skipped'],
    );
    assert.ok(r.inventory.vpcs.length > 0, 'the rest is read');
  });

  it('symbolic links: files are read with a warning, folders are not followed, broken links are errors', async () => {
    const dir = await copyExample('reference');
    const outside = await mkdtemp(path.join(os.tmpdir(), 'cordon-outside-'));
    await writeFile(path.join(outside, 'vpcs.json'), await readFile(path.join(dir, 'describe-vpcs.json')));
    await mkdir(path.join(outside, 'more'));
    await rmFile(path.join(dir, 'describe-vpcs.json'));
    await symlink(path.join(outside, 'vpcs.json'), path.join(dir, 'linked-vpcs.json'));
    await symlink(path.join(outside, 'more'), path.join(dir, 'linked-folder'));
    await symlink(path.join(outside, 'gone.json'), path.join(dir, 'broken.json'));
    const r = await loadAwsSnapshot(dir);
    assert.equal(r.inventory.vpcs.length, 1, 'the linked file is read');
    assert.deepEqual(
      r.warnings.map((w) => `${w.file}: ${w.message}`),
      [
        `linked-folder: symbolic link to the folder ${path.join(outside, 'more')}: not followed; copy the files in to scan them`,
        `linked-vpcs.json: symbolic link to ${path.join(outside, 'vpcs.json')}: read`,
      ],
    );
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      ['broken.json: broken symbolic link: ENOENT; skipped'],
    );
  });

  it('duplicate keys: an item with one is skipped (and its data set incomplete), elsewhere a warning', () => {
    const r = loadAwsSnapshotFromTexts([
      { name: 'manifest.json', text: JSON.stringify(manifest()) },
      {
        name: 'rt.json',
        text: '{"RouteTables": [\n{"RouteTableId": "rtb-1", "VpcId": "vpc-1",\n "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "GatewayId": "local"}]}\n],\n"ResponseMetadata": {"RequestId": "a", "RequestId": "b"}}',
      },
      { name: 'v.json', text: '{"Vpcs": [{"VpcId": "vpc-1"}],\n"Vpcs": []}' },
    ]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [
        'rt.json:3:73: duplicate key "GatewayId" (first at line 3): the item is ambiguous; item skipped (at /RouteTables/0/Routes/0/GatewayId)',
        'v.json:2:1: duplicate key "Vpcs" (first at line 1): only the last list is read (at /Vpcs)',
      ],
    );
    assert.deepEqual(
      r.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`),
      ['rt.json:5: duplicate key "RequestId" in /ResponseMetadata (first at line 5); the last value is used'],
    );
    assert.deepEqual([...r.inventory.partial.get('123456789012/us-east-1')!.keys()].sort(), [
      'ec2:route-tables',
      'ec2:vpcs',
    ]);
  });

  it('a manifest that contradicts its data, and two manifests for one folder, are reported', () => {
    const r = loadAwsSnapshotFromTexts([
      { name: 'a/manifest.json', text: JSON.stringify(manifest('111111111111', 'us-east-1')) },
      { name: 'a/manifest-2.json', text: JSON.stringify(manifest('222222222222', 'us-east-1')) },
      {
        name: 'a/subnets.json',
        text: JSON.stringify({ Subnets: [{ SubnetId: 's-1', VpcId: 'v-1', AvailabilityZone: 'eu-west-1a' }] }),
      },
      { name: 'a/vpcs.json', text: JSON.stringify({ Vpcs: [{ VpcId: 'v-1', OwnerId: '333333333333' }] }) },
      { name: 'b/manifest.json', text: JSON.stringify(manifest('444444444444', 'us-east-1')) },
      { name: 'b/m.json', text: JSON.stringify([manifest('444444444444', 'us-east-1')]) },
    ]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [
        'a/manifest.json:1:1: a second manifest for folder a (111111111111/us-east-1): a/manifest-2.json (222222222222/us-east-1) is used and this one ignored',
        "a/subnets.json:1:13: this data is in region eu-west-1 but a/manifest-2.json says us-east-1; the manifest's region is used (a file in the wrong folder?) (at /Subnets/0)",
      ],
    );
    assert.deepEqual(
      r.warnings.map((w) => `${w.file}: ${w.message}`),
      [
        'b/manifest.json: a second manifest for folder b: b/m.json (444444444444/us-east-1) is used and this one ignored',
        "a/vpcs.json: this data names account 333333333333 but a/manifest-2.json says 222222222222; the manifest's account is used (expected for resources shared from another account)",
      ],
    );
  });

  it('thousands of unrecognised files are summarised after the first few', () => {
    const files = Array.from({ length: 25 }, (_, i) => ({
      name: `junk-${String(i).padStart(2, '0')}.json`,
      text: '{"Nope": 1}',
    }));
    const r = loadAwsSnapshotFromTexts(files);
    assert.equal(r.errors.length, 21);
    assert.match(r.errors[19]!.format(), /^junk-19.json:1:1: not a recognised AWS CLI output/);
    assert.equal(r.errors[20]!.format(), '.: and 5 more unrecognised files (the first 20 are listed above)');
  });
});

async function rmFile(p: string): Promise<void> {
  await import('node:fs/promises').then((m) => m.rm(p));
}
