/**
 * Registry modules read through cordon's models (src/sources/iac/terraform/registry-models.ts) when a checkout has no
 * .terraform/modules: terraform-aws-modules/vpc/aws as the module deploys it (NAT gateways per its count logic, route
 * tables, zone tags), and the fail-safes — an input the model does not read, a version outside its range, no version —
 * leave the call unread as before.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parsePolicy } from '../../src/policy/load.js';
import { scanSnapshot } from '../../src/scan.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { constraintRange, registryModel } from '../../src/sources/iac/terraform/registry-models.js';
import type { AwsInventory } from '../../src/inventory/aws.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cordon-tf-model-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

async function load(main: string) {
  const root = await tree({ 'main.tf': main });
  const parts = await partitionSnapshot(root);
  return { root, ...(await loadTerraform(root, parts.terraform, { cwd: root })) };
}

const PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n';

/** A module call with the given arguments (HCL lines) and version constraint. */
const vpc = (args: string, version = '~> 5.0') => `${PROVIDER}
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "${version}"

  name = "genai"
  cidr = "10.0.0.0/16"
  azs  = ["us-east-1a", "us-east-1b", "us-east-1c"]

  public_subnets  = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
  private_subnets = ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"]
${args}
}
`;

/** Each subnet's routes out of the VPC: `subnet -> destination via target`. */
function egress(inv: AwsInventory): string[] {
  return inv.subnets
    .map((s) => {
      const rt = inv.routeTables.find((t) => t.subnetIds.includes(s.id)) ?? inv.routeTables.find((t) => t.main);
      const routes = (rt?.routes ?? []).filter((r) => r.target.type !== 'local');
      return `${s.id} ${s.availabilityZone ?? '?'} -> ${routes.map((r) => `${r.destination} via ${r.target.id}`).join(', ') || 'none'}`;
    })
    .sort();
}

describe("terraform-aws-modules/vpc/aws through cordon's model", () => {
  it('NAT gateways per subnet (the default count), with names and tags as the module forms them', async () => {
    const r = await load(
      vpc(`  intra_subnets = ["10.0.20.0/24"]
  enable_nat_gateway = true
  tags = { Team = "ml" }
  private_subnet_tags = { SecurityZone = "inference" }
  public_subnet_tags_per_az = { "us-east-1b" = { Extra = "b" } }`),
    );
    const inv = r.inventory!;
    assert.equal(inv.partial.size, 0);
    assert.deepEqual(
      inv.vpcs.map((v) => `${v.id} ${v.cidrs.join(',')}`),
      ['module.vpc.aws_vpc.this[0] 10.0.0.0/16'],
    );
    assert.deepEqual(
      inv.natGateways.map((n) => `${n.id} ${n.subnetId}`),
      [0, 1, 2].map((i) => `module.vpc.aws_nat_gateway.this[${i}] module.vpc.aws_subnet.public[${i}]`),
    );
    assert.deepEqual(egress(inv), [
      'module.vpc.aws_subnet.intra[0] us-east-1a -> none',
      'module.vpc.aws_subnet.private[0] us-east-1a -> 0.0.0.0/0 via module.vpc.aws_nat_gateway.this[0]',
      'module.vpc.aws_subnet.private[1] us-east-1b -> 0.0.0.0/0 via module.vpc.aws_nat_gateway.this[1]',
      'module.vpc.aws_subnet.private[2] us-east-1c -> 0.0.0.0/0 via module.vpc.aws_nat_gateway.this[2]',
      'module.vpc.aws_subnet.public[0] us-east-1a -> 0.0.0.0/0 via module.vpc.aws_internet_gateway.this[0]',
      'module.vpc.aws_subnet.public[1] us-east-1b -> 0.0.0.0/0 via module.vpc.aws_internet_gateway.this[0]',
      'module.vpc.aws_subnet.public[2] us-east-1c -> 0.0.0.0/0 via module.vpc.aws_internet_gateway.this[0]',
    ]);
    const tags = (id: string) => inv.subnets.find((s) => s.id === id)?.tags;
    assert.deepEqual(tags('module.vpc.aws_subnet.private[1]'), {
      Name: 'genai-private-us-east-1b',
      Team: 'ml',
      SecurityZone: 'inference',
    });
    assert.deepEqual(tags('module.vpc.aws_subnet.public[1]'), {
      Name: 'genai-public-us-east-1b',
      Team: 'ml',
      Extra: 'b',
    });
    assert.deepEqual(tags('module.vpc.aws_subnet.public[0]'), { Name: 'genai-public-us-east-1a', Team: 'ml' });
    // Located at the call, and said to be read through the model.
    assert.ok(inv.subnets.every((s) => s.origin.kind === 'file' && s.origin.file === 'main.tf' && s.origin.line === 5));
    assert.ok(r.warnings.some((w) => /read through cordon's model of the module/.test(w.message)));
  });

  it('a single NAT gateway serves every private subnet through one table; none without enable_nat_gateway', async () => {
    const single = (await load(vpc('  enable_nat_gateway = true\n  single_nat_gateway = true'))).inventory!;
    assert.deepEqual(
      single.natGateways.map((n) => n.subnetId),
      ['module.vpc.aws_subnet.public[0]'],
    );
    const privateTables = single.routeTables.filter((t) => t.id.includes('aws_route_table.private'));
    assert.equal(privateTables.length, 1);
    assert.equal(privateTables[0]!.subnetIds.length, 3);
    assert.ok(
      egress(single)
        .filter((e) => e.includes('private'))
        .every((e) => e.endsWith('via module.vpc.aws_nat_gateway.this[0]')),
    );

    const none = (await load(vpc(''))).inventory!;
    assert.equal(none.natGateways.length, 0);
    assert.ok(
      egress(none)
        .filter((e) => e.includes('private'))
        .every((e) => e.endsWith('-> none')),
    );
    // Still one private table per subnet (the module's count), none of them routed out.
    assert.equal(none.routeTables.filter((t) => t.id.includes('aws_route_table.private')).length, 3);
  });

  it("one NAT gateway per zone: as many as zones, each private subnet on its zone's", async () => {
    const inv = (
      await load(
        vpc(`  enable_nat_gateway = true
  one_nat_gateway_per_az = true
  database_subnets = ["10.0.30.0/24", "10.0.31.0/24", "10.0.32.0/24", "10.0.33.0/24"]`).replace(
          'azs  = ["us-east-1a", "us-east-1b", "us-east-1c"]',
          'azs  = ["us-east-1a", "us-east-1b"]',
        ),
      )
    ).inventory!;
    // Two zones: two NAT gateways, where the default count would make four (the longest subnet list).
    assert.equal(inv.natGateways.length, 2);
    assert.deepEqual(
      egress(inv).filter((e) => e.includes('private')),
      [
        'module.vpc.aws_subnet.private[0] us-east-1a -> 0.0.0.0/0 via module.vpc.aws_nat_gateway.this[0]',
        'module.vpc.aws_subnet.private[1] us-east-1b -> 0.0.0.0/0 via module.vpc.aws_nat_gateway.this[1]',
        // The third private subnet's table index is past the two tables: element() wraps to the first.
        'module.vpc.aws_subnet.private[2] us-east-1a -> 0.0.0.0/0 via module.vpc.aws_nat_gateway.this[0]',
      ],
    );
    // Database subnets are on the private tables (no table of their own by default).
    assert.match(
      egress(inv).find((e) => e.includes('database[3]'))!,
      /via module\.vpc\.aws_nat_gateway\.this\[1\]/,
    );
  });

  it('database subnets get their own table, routed to the internet only when asked', async () => {
    const inv = (
      await load(
        vpc(`  database_subnets = ["10.0.30.0/24", "10.0.31.0/24"]
  create_database_subnet_route_table = true
  create_database_internet_gateway_route = true`),
      )
    ).inventory!;
    assert.deepEqual(
      egress(inv).filter((e) => e.includes('database')),
      [
        'module.vpc.aws_subnet.database[0] us-east-1a -> 0.0.0.0/0 via module.vpc.aws_internet_gateway.this[0]',
        'module.vpc.aws_subnet.database[1] us-east-1b -> 0.0.0.0/0 via module.vpc.aws_internet_gateway.this[0]',
      ],
    );
  });

  it('elasticache subnets ride the private tables (NAT egress) unless they get their own table (none out)', async () => {
    const shared = (
      await load(vpc('  enable_nat_gateway = true\n  elasticache_subnets = ["10.0.40.0/24", "10.0.41.0/24"]'))
    ).inventory!;
    assert.deepEqual(
      egress(shared).filter((e) => e.includes('elasticache')),
      [
        'module.vpc.aws_subnet.elasticache[0] us-east-1a -> 0.0.0.0/0 via module.vpc.aws_nat_gateway.this[0]',
        'module.vpc.aws_subnet.elasticache[1] us-east-1b -> 0.0.0.0/0 via module.vpc.aws_nat_gateway.this[1]',
      ],
    );
    const own = (
      await load(
        vpc(`  enable_nat_gateway = true
  elasticache_subnets = ["10.0.40.0/24", "10.0.41.0/24"]
  create_elasticache_subnet_route_table = true`),
      )
    ).inventory!;
    assert.deepEqual(
      egress(own).filter((e) => e.includes('elasticache')),
      [
        'module.vpc.aws_subnet.elasticache[0] us-east-1a -> none',
        'module.vpc.aws_subnet.elasticache[1] us-east-1b -> none',
      ],
    );
  });

  it('the default security group is emptied unless rules are given; dedicated ACLs when asked', async () => {
    const inv = (
      await load(
        vpc(`  default_security_group_ingress = [{ cidr_blocks = "10.0.0.0/8", protocol = "tcp", from_port = 443, to_port = 443 }]
  private_dedicated_network_acl = true
  private_inbound_acl_rules = [{ rule_number = 100, rule_action = "deny", protocol = "-1", cidr_block = "0.0.0.0/0" }]`),
      )
    ).inventory!;
    const sg = inv.securityGroups.find((g) => g.id.includes('aws_default_security_group'))!;
    assert.deepEqual(
      sg.ingress.map((p) => `${p.protocol} ${p.fromPort}-${p.toPort} ${p.ipv4Ranges.map((x) => x.cidr).join(',')}`),
      ['tcp 443-443 10.0.0.0/8'],
    );
    assert.deepEqual(sg.egress, []);
    const acl = inv.networkAcls.find((a) => a.id.includes('aws_network_acl.private'))!;
    assert.equal(acl.subnetIds.length, 3);
    assert.deepEqual(
      acl.entries.filter((e) => !e.egress && e.ruleNumber < 32767).map((e) => `${e.ruleNumber} ${e.action} ${e.cidr}`),
      ['100 deny 0.0.0.0/0'],
    );
  });

  it('the flow log, to a log group the module creates or to the destination given', async () => {
    const cw = (
      await load(
        vpc(
          '  enable_flow_log = true\n  create_flow_log_cloudwatch_log_group = true\n  create_flow_log_cloudwatch_iam_role = true',
        ),
      )
    ).inventory!;
    assert.deepEqual(
      cw.flowLogs.map((f) => [f.id, f.resourceId, f.trafficType, f.destinationType, f.destination, f.logFormat]),
      [
        [
          'module.vpc.aws_flow_log.this[0]',
          'module.vpc.aws_vpc.this[0]',
          'ALL',
          'cloud-watch-logs',
          'module.vpc.aws_cloudwatch_log_group.flow_log[0]',
          undefined,
        ],
      ],
    );
    const s3 = (
      await load(
        vpc(`  enable_flow_log = true
  flow_log_destination_type = "s3"
  flow_log_destination_arn = "arn:aws:s3:::logs"
  flow_log_traffic_type = "REJECT"
  flow_log_log_format = "$\${srcaddr} $\${dstaddr}"`),
      )
    ).inventory!;
    assert.deepEqual(
      s3.flowLogs.map((f) => [f.trafficType, f.destinationType, f.destination, f.logFormat]),
      [['REJECT', 's3', 'arn:aws:s3:::logs', '${srcaddr} ${dstaddr}']],
    );
    assert.equal((await load(vpc(''))).inventory!.flowLogs.length, 0);
  });

  it('an input the model does not read, a version outside its range or no version: not read, as before', async () => {
    const unread = async (main: string, why: RegExp) => {
      const r = await load(main);
      assert.equal(r.inventory!.subnets.length, 0);
      assert.ok(r.inventory!.partial.size > 0);
      assert.ok(
        r.warnings.some((w) => /is not on disk/.test(w.message) && why.test(w.message)),
        r.warnings.map((w) => w.message).join('\n'),
      );
    };
    await unread(vpc('  enable_ipv6 = true'), /does not read enable_ipv6 \(read only at its default, false\)/);
    await unread(vpc('  enable_vpn_gateway = var.vpn\n}\nvariable "vpn" {\n  type = bool'), /enable_vpn_gateway/);
    await unread(
      vpc('  enable_flow_log = true\n  flow_log_deliver_cross_account_role = "x"'),
      /flow_log_deliver_cross_account_role/,
    );
    await unread(
      vpc('  enable_vpn_gateway = true\n  reuse_nat_ips = true'),
      /enable_vpn_gateway \(read only at its default, false\), reuse_nat_ips/,
    );
    await unread(vpc('  redshift_subnets = ["10.0.50.0/24"]'), /redshift_subnets/);
    await unread(vpc('', '~> 4.0'), /follows versions 5\.0\.0 and below 7\.0\.0/);
    await unread(vpc('', '>= 5.0'), /admits others/);
    await unread(vpc('').replace(/ {2}version = .*\n/, ''), /names no version/);
    // 5.0.0 to 5.1.1 counted intra subnets for NAT gateways: with more intra subnets than any other, the answer
    // depends on the version the constraint lets Terraform pick.
    await unread(
      vpc(
        '  enable_nat_gateway = true\n  intra_subnets = ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"]',
      ),
      /versions before 5\.1\.2/,
    );
    const later = await load(
      vpc(
        '  enable_nat_gateway = true\n  intra_subnets = ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"]',
        '~> 5.1.2',
      ),
    );
    assert.equal(later.inventory!.natGateways.length, 3);
  });

  it('inputs at the module default that deploys nothing more are read', async () => {
    const r = await load(vpc('  enable_vpn_gateway = false\n  enable_ipv6 = "false"\n  create_egress_only_igw = true'));
    assert.equal(r.inventory!.partial.size, 0);
    assert.equal(r.inventory!.subnets.length, 6);
  });

  it('version constraints as Terraform reads them', () => {
    assert.deepEqual(constraintRange('~> 5.0'), { lowest: [5, 0, 0], below: [6, 0, 0] });
    assert.deepEqual(constraintRange('~> 5.1.2'), { lowest: [5, 1, 2], below: [5, 2, 0] });
    assert.deepEqual(constraintRange('5.21.0'), { lowest: [5, 21, 0], below: [5, 21, 1] });
    assert.deepEqual(constraintRange('>= 5.5, < 6.0.0'), { lowest: [5, 5, 0], below: [6, 0, 0] });
    assert.deepEqual(constraintRange('> 6.1.0, <= 6.4'), { lowest: [6, 1, 1], below: [6, 4, 1] });
    assert.deepEqual(constraintRange('>= 5.0'), { lowest: [5, 0, 0] });
    assert.match(constraintRange('~> 5') as string, /~> of a major/);
    assert.match(constraintRange('5.0.0-beta1') as string, /cannot read/);
    assert.equal(typeof registryModel('registry.terraform.io/terraform-aws-modules/vpc/aws', '~> 6.0'), 'object');
    assert.equal(registryModel('terraform-aws-modules/vpc/aws//modules/vpc-endpoints', '~> 6.0'), undefined);
    assert.match(registryModel('terraform-aws-modules/vpc/aws', 'v5.0.0-rc1') as string, /cannot read/);
  });

  it('a reference-like deployment: a private subnet with NAT egress fails the internet-egress check, intra passes', async () => {
    const root = await tree({
      'main.tf': vpc(`  intra_subnets = ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24"]
  enable_nat_gateway = true
  single_nat_gateway = true
  private_subnet_tags = { SecurityZone = "inference" }
  intra_subnet_tags = { SecurityZone = "inference" }`),
    });
    const policy = parsePolicy('examples/cordon.yaml', await readFile('examples/cordon.yaml', 'utf8'));
    const result = await scanSnapshot({ snapshot: root, policy, policySource: 'test', cwd: root, today: '2026-12-01' });
    const status = (check: string, tier: string) => [
      ...new Set(
        result.findings
          .filter((f) => f.checkId === check && f.resource.id.includes(`aws_subnet.${tier}[`))
          .map((f) => f.status),
      ),
    ];
    // The private subnets reach the internet through the NAT gateway; the intra subnets have no route out.
    assert.deepEqual(status('aws-management-plane-over-internet', 'private'), ['fail']);
    assert.deepEqual(status('aws-management-plane-over-internet', 'intra'), ['pass']);
    assert.deepEqual(status('aws-inference-zone-internet-route', 'intra'), ['pass']);
  });
});
