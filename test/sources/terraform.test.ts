/**
 * The Terraform source's traps: what must resolve (separate rule resources, modules called twice, count, tfvars,
 * plan references) and what must stay unknown (a variable without a value, a module not on disk, unknown count),
 * and malformed input (located errors, no crash, the rest still read).
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePolicy } from '../../src/policy/load.js';
import { scanSnapshot } from '../../src/scan.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadTerraform, type TerraformOptions } from '../../src/sources/iac/terraform/load.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cordon-tf-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

async function load(files: Record<string, string>, opts: TerraformOptions = {}) {
  const root = await tree(files);
  const parts = await partitionSnapshot(root);
  return { root, parts, ...(await loadTerraform(root, parts.terraform, { cwd: root, ...opts })) };
}

const policy = parsePolicy('examples/cordon.yaml', await readFile('examples/cordon.yaml', 'utf8'));

const scan = (root: string) =>
  scanSnapshot({ snapshot: root, policy, policySource: 'test', cwd: root, today: '2026-12-01' });

/** A scan with root variables given (`--var`). */
const scanWithVars = (root: string, vars: string[]) =>
  scanSnapshot({ snapshot: root, policy, policySource: 'test', cwd: root, today: '2026-12-01', terraform: { vars } });

const PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n';
const NETWORK = `${PROVIDER}
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}
resource "aws_subnet" "inf" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { SecurityZone = "inference" }
}
resource "aws_security_group" "ep" {
  name   = "ep"
  vpc_id = aws_vpc.main.id
}
resource "aws_vpc_endpoint" "runtime" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.bedrock-runtime"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.inf.id]
  security_group_ids  = [aws_security_group.ep.id]
}
`;

describe('Terraform HCL', () => {
  it('a security group opened through a separate rule resource is open', async () => {
    const rule = `resource "aws_security_group_rule" "any" {
  type              = "ingress"
  security_group_id = aws_security_group.ep.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["0.0.0.0/0"]
}
`;
    const r = await load({ 'main.tf': NETWORK, 'rules.tf': rule });
    const sg = r.inventory!.securityGroups.find((g) => g.id === 'aws_security_group.ep')!;
    assert.deepEqual(
      sg.ingress.map((p) => p.ipv4Ranges.map((x) => x.cidr)),
      [['0.0.0.0/0']],
    );
    const report = await scan(r.root);
    const open = report.findings.find((f) => f.checkId === 'aws-vpc-endpoint-security-group-open-to-internet');
    assert.equal(open?.status, 'fail');
    assert.equal(open?.resource.id, 'aws_vpc_endpoint.runtime');
    assert.match(open?.origin?.kind === 'file' ? open.origin.file : '', /main\.tf$/);
    // Without the rule the same group is closed: the test can fail.
    const closed = await scan((await load({ 'main.tf': NETWORK })).root);
    assert.equal(closed.findings.find((f) => f.checkId === open.checkId)?.status, 'pass');
  });

  it('a variable without a default makes what depends on it not assessed, naming it and its line', async () => {
    const text = NETWORK.replace('vpc_id              = aws_vpc.main.id', 'vpc_id              = var.vpc_id').concat(
      'variable "vpc_id" {\n  type = string\n}\n',
    );
    const r = await load({ 'main.tf': text });
    assert.equal(r.inventory!.vpcEndpoints.length, 0);
    const skipped = r.inventory!.partial.get('iac/us-east-1')?.get('ec2:vpc-endpoints') ?? [];
    assert.equal(skipped.length, 1);
    assert.match(skipped[0]!.reason, /var\.vpc_id \(main\.tf:\d+\): variable has no default/);
    // The item points at the attribute whose value is missing (SARIF annotates that line).
    assert.equal(skipped[0]!.line, text.split('\n').findIndex((l) => l.includes('= var.vpc_id')) + 1);
    const report = await scan(r.root);
    const dns = report.findings.find((f) => f.checkId === 'aws-vpc-endpoint-private-dns-disabled');
    assert.equal(dns?.status, 'not-assessed');
    assert.match(dns.message, /var\.vpc_id/);
    // Given with --var, it resolves.
    const given = await loadTerraform(r.root, r.parts.terraform, { vars: ['vpc_id=aws_vpc.main'] });
    assert.equal(given.inventory!.vpcEndpoints[0]?.vpcId, 'aws_vpc.main');
  });

  it('a region not known before deploy is the scope iac-region, and data.aws_region gives the same value', async () => {
    const text = NETWORK.replace('region = "us-east-1"', 'region = var.region')
      .replace(
        '"com.amazonaws.us-east-1.bedrock-runtime"',
        '"com.amazonaws.${data.aws_region.current.name}.bedrock-runtime"',
      )
      .concat('variable "region" {}\ndata "aws_region" "current" {}\n');
    const r = await load({ 'main.tf': text });
    const e = r.inventory!.vpcEndpoints[0]!;
    assert.deepEqual(
      [e.region, e.serviceName, e.service],
      ['iac-region', 'com.amazonaws.iac-region.bedrock-runtime', 'bedrock-runtime'],
    );
    const report = await scan(r.root);
    assert.equal(report.findings.find((f) => f.checkId === 'aws-bedrock-runtime-endpoint-missing')?.status, 'pass');
  });

  it('a module called twice with different inputs gives two sets of resources', async () => {
    const r = await load({
      'main.tf': `${PROVIDER}
module "a" {
  source = "./net"
  cidr   = "10.1.0.0/16"
}
module "b" {
  source = "./net"
  cidr   = "10.2.0.0/16"
  dns    = false
}
output "ids" {
  value = [module.a.vpc_id, module.b.vpc_id]
}
`,
      'net/main.tf': `variable "cidr" {}
variable "dns" {
  default = true
}
resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_hostnames = var.dns
}
resource "aws_subnet" "s" {
  count      = 2
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 8, count.index)
}
output "vpc_id" {
  value = aws_vpc.this.id
}
`,
    });
    const inv = r.inventory!;
    assert.deepEqual(
      inv.vpcs.map((v) => [v.id, v.cidrs]),
      [
        ['module.a.aws_vpc.this', ['10.1.0.0/16']],
        ['module.b.aws_vpc.this', ['10.2.0.0/16']],
      ],
    );
    assert.deepEqual(
      inv.vpcAttributes.map((a) => a.enableDnsHostnames),
      [true, false],
    );
    assert.deepEqual(
      inv.subnets.map((s) => `${s.id} ${s.vpcId} ${s.cidr}`),
      [
        'module.a.aws_subnet.s[0] module.a.aws_vpc.this 10.1.0.0/24',
        'module.a.aws_subnet.s[1] module.a.aws_vpc.this 10.1.1.0/24',
        'module.b.aws_subnet.s[0] module.b.aws_vpc.this 10.2.0.0/24',
        'module.b.aws_subnet.s[1] module.b.aws_vpc.this 10.2.1.0/24',
      ],
    );
  });

  it('count = 0 declares nothing; an unknown count makes the data set partial', async () => {
    const zero = await load({
      'main.tf': NETWORK.replace(
        'resource "aws_vpc_endpoint" "runtime" {',
        'resource "aws_vpc_endpoint" "runtime" {\n  count = 0',
      ),
    });
    assert.equal(zero.inventory!.vpcEndpoints.length, 0);
    assert.equal(zero.inventory!.partial.size, 0);
    const unknown = await load({
      'main.tf': NETWORK.replace(
        'resource "aws_vpc_endpoint" "runtime" {',
        'resource "aws_vpc_endpoint" "runtime" {\n  count = var.n',
      ).concat('variable "n" {}\n'),
    });
    const skipped = unknown.inventory!.partial.get('iac/us-east-1')?.get('ec2:vpc-endpoints') ?? [];
    assert.match(skipped[0]?.reason ?? '', /how many instances is not known before deploy: var\.n/);
  });

  it('tfvars files and --var-file set root variables; a module not on disk is reported and taints its scope', async () => {
    const r = await load(
      {
        'main.tf': `${PROVIDER}
variable "cidr" {}
variable "dns" {}
resource "aws_vpc" "main" {
  cidr_block           = var.cidr
  enable_dns_hostnames = var.dns
}
module "remote" {
  source = "terraform-aws-modules/vpc/aws"
}
`,
        'terraform.tfvars': 'cidr = "10.9.0.0/16"\n',
        'extra.tfvars': 'dns = true\n',
      },
      { varFiles: ['extra.tfvars'] },
    );
    assert.deepEqual(r.inventory!.vpcs[0]?.cidrs, ['10.9.0.0/16']);
    assert.equal(r.inventory!.vpcAttributes[0]?.enableDnsHostnames, true);
    assert.match(
      r.warnings[0]?.message ?? '',
      /module\.remote: module source "terraform-aws-modules\/vpc\/aws" is not on disk/,
    );
    assert.equal(r.warnings[0]?.line, 11);
    const skipped = r.inventory!.partial.get('iac/us-east-1')?.get('ec2:vpcs') ?? [];
    assert.match(skipped[0]?.reason ?? '', /module\.remote/);
  });

  it('evaluates templates, heredocs, for-expressions, splats, conditionals and functions statically', async () => {
    const r = await load({
      'main.tf': `${PROVIDER}
locals {
  names = { a = "10.0.0.0/24", b = "10.0.1.0/24" }
  picked = [for k, v in local.names : upper(k) if v != "10.0.1.0/24"]
  doc = <<-EOT
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "$\${local.picked[0]}"}]}
  EOT
}
resource "aws_vpc" "v" {
  cidr_block = try(local.missing.x, "10.0.0.0/16")
  tags       = { Name = format("%s-%d", join("-", local.picked), length(local.names)), Cond = 1 > 2 ? "y" : "n" }
}
resource "aws_vpc_endpoint" "e" {
  vpc_id       = aws_vpc.v.id
  service_name = "com.amazonaws.\${data.aws_region.here.name}.s3"
  policy       = local.doc
  route_table_ids = aws_route_table.t[*].id
}
resource "aws_route_table" "t" {
  count  = 2
  vpc_id = aws_vpc.v.id
}
data "aws_region" "here" {}
`,
    });
    const inv = r.inventory!;
    assert.deepEqual(inv.vpcs[0]?.cidrs, ['10.0.0.0/16']);
    assert.deepEqual(inv.vpcs[0]?.tags, { Name: 'A-2', Cond: 'n' });
    const e = inv.vpcEndpoints[0]!;
    assert.equal(e.serviceName, 'com.amazonaws.us-east-1.s3');
    assert.deepEqual(e.routeTableIds, ['aws_route_table.t[0]', 'aws_route_table.t[1]']);
    assert.deepEqual((e.policy as { Statement: { Resource: string }[] }).Statement[0]!.Resource, '${local.picked[0]}');
  });

  it('valid syntax cordon does not evaluate is unknown, not an input error', async () => {
    const r = await load({
      'main.tf': `${PROVIDER}
resource "aws_vpc" "v" {
  cidr_block = "%{ if true }10.0.0.0/16%{ endif }"
}
resource "aws_vpc" "w" {
  cidr_block = "10.1.0.0/16"
  tags       = { Name = "%{ if true }x%{ endif }", Owner = "me" }
}
`,
    });
    assert.deepEqual(r.errors, []);
    assert.match(
      r.inventory!.partial.get('iac/us-east-1')?.get('ec2:vpcs')?.[0]?.reason ?? '',
      /aws_vpc\.v\.cidr_block .*not evaluated/,
    );
    // A tag value is kept as its expression (a zone tag of it places nothing, and the scan warns), not a gap.
    assert.deepEqual(r.inventory!.vpcs.find((v) => v.id === 'aws_vpc.w')?.tags, {
      Name: '{"%{ if true }x%{ endif }"}',
      Owner: 'me',
    });
  });

  it('malformed HCL gives located errors, never a crash, and the other files are still read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.constantFrom(
            'resource "aws_vpc" {',
            'x = ',
            'a = "unterminated',
            'locals { a = [1, }',
            '}}}',
            'variable "x" { default = ${ }',
          ),
        ),
        fc.nat(NETWORK.length),
        async (junk, at) => {
          const broken = NETWORK.slice(0, at) + junk + NETWORK.slice(at);
          const r = await load({
            'bad/main.tf': broken,
            'good/main.tf': NETWORK.replaceAll('aws_vpc.main', 'aws_vpc.good').replace('"main"', '"good"'),
          });
          for (const e of r.errors) {
            assert.match(e.file, /bad\/main\.tf$/);
            assert.ok((e.position.line ?? 0) >= 1);
          }
          // Two root modules: each root's addresses carry its folder.
          assert.ok(r.inventory!.vpcs.some((v) => v.id === 'good:aws_vpc.good'));
          // A broken file never reads as complete: its scope's data sets are partial.
          if (r.errors.length > 0) assert.ok(r.inventory!.partial.size > 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});

const PLAN = {
  format_version: '1.2',
  terraform_version: '1.9.5',
  variables: { region: { value: 'eu-west-1' } },
  resource_changes: [
    {
      address: 'aws_vpc.main',
      mode: 'managed',
      type: 'aws_vpc',
      name: 'main',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['create'],
        before: null,
        after: { cidr_block: '10.0.0.0/16', enable_dns_support: true, enable_dns_hostnames: true, tags: { Name: 'p' } },
        after_unknown: { id: true, arn: true, owner_id: true },
      },
    },
    {
      address: 'module.net.aws_subnet.a[0]',
      module_address: 'module.net',
      mode: 'managed',
      type: 'aws_subnet',
      name: 'a',
      index: 0,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['create'],
        before: null,
        after: { cidr_block: '10.0.1.0/24', availability_zone: 'eu-west-1a', tags: { SecurityZone: 'inference' } },
        after_unknown: { id: true, vpc_id: true },
      },
    },
    {
      address: 'aws_vpc_endpoint.runtime',
      mode: 'managed',
      type: 'aws_vpc_endpoint',
      name: 'runtime',
      change: {
        actions: ['create'],
        after: {
          service_name: 'com.amazonaws.eu-west-1.bedrock-runtime',
          vpc_endpoint_type: 'Interface',
          private_dns_enabled: true,
          security_group_ids: [],
        },
        after_unknown: { vpc_id: true, subnet_ids: true, policy: true },
      },
    },
    {
      address: 'aws_vpc.old',
      mode: 'managed',
      type: 'aws_vpc',
      name: 'old',
      change: { actions: ['delete'], before: { cidr_block: '10.9.0.0/16' }, after: null },
    },
  ],
  configuration: {
    provider_config: { aws: { name: 'aws', expressions: { region: { references: ['var.region'] } } } },
    root_module: {
      resources: [
        {
          address: 'aws_vpc_endpoint.runtime',
          type: 'aws_vpc_endpoint',
          name: 'runtime',
          provider_config_key: 'aws',
          expressions: {
            vpc_id: { references: ['aws_vpc.main.id', 'aws_vpc.main'] },
            subnet_ids: {
              references: ['module.net.aws_subnet.a[0].id', 'module.net.aws_subnet.a[0]', 'module.net.aws_subnet.a'],
            },
            policy: { references: ['data.aws_iam_policy_document.p.json', 'data.aws_iam_policy_document.p'] },
          },
        },
      ],
      module_calls: {
        net: {
          source: './net',
          module: {
            resources: [
              {
                address: 'aws_subnet.a',
                type: 'aws_subnet',
                name: 'a',
                provider_config_key: 'net:aws',
                expressions: { vpc_id: { references: ['var.vpc_id'] } },
              },
            ],
          },
        },
      },
    },
  },
};

describe('Terraform plan JSON', () => {
  it('reads planned values, resolves same-plan id references, and keeps the rest unknown', async () => {
    const r = await load({ 'plan.json': JSON.stringify(PLAN, null, 2), 'snapshot/describe-vpcs.json': '{"Vpcs": []}' });
    assert.deepEqual(
      r.parts.terraform.map((f) => path.basename(f)),
      ['plan.json'],
    );
    assert.deepEqual(
      r.parts.aws.map((f) => path.basename(f)),
      ['describe-vpcs.json'],
    );
    const inv = r.inventory!;
    assert.deepEqual(
      inv.vpcs.map((v) => v.id),
      ['aws_vpc.main'],
    );
    const e = inv.vpcEndpoints[0]!;
    assert.equal(e.vpcId, 'aws_vpc.main');
    assert.deepEqual(e.subnetIds, ['module.net.aws_subnet.a[0]']);
    assert.equal(e.account, 'iac');
    assert.equal(e.region, 'eu-west-1');
    assert.match(e.policyError ?? '', /not known before deploy/);
    assert.ok((e.origin.kind === 'file' ? e.origin.line : 0)! > 1);
    // The subnet's VPC comes from a module variable: unknown, so the subnet is skipped and named.
    assert.equal(inv.subnets.length, 0);
    assert.match(
      inv.partial.get('iac/eu-west-1')?.get('ec2:subnets')?.[0]?.reason ?? '',
      /module\.net\.aws_subnet\.a\[0\]\.vpc_id/,
    );
  });

  it('malformed plan JSON is a located error and other files are still read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(200), fc.string({ maxLength: 10 }), async (cut, junk) => {
        const text = JSON.stringify(PLAN, null, 2);
        const broken = text.slice(0, 40 + cut) + junk;
        const r = await load({ 'a/plan.json': broken, 'b/main.tf': NETWORK });
        for (const e of r.errors) assert.ok((e.position.line ?? 0) >= 1, e.format());
        assert.ok(r.inventory!.vpcs.some((v) => v.id === 'aws_vpc.main' && v.region === 'us-east-1'));
      }),
      { numRuns: 25 },
    );
  });
});

const AZAPI = (props: string, name = '"oai-test"') => `provider "azurerm" {
  features {}
  subscription_id = "33333333-3333-3333-3333-333333333333"
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-ai"
  location = "swedencentral"
}
variable "account_name" {}
resource "azapi_resource" "oai" {
  type      = "Microsoft.CognitiveServices/accounts@2024-10-01"
  name      = ${name}
  parent_id = azurerm_resource_group.rg.id
  location  = "swedencentral"
  body      = ${props}
}
`;

const AZURE_PLAN = JSON.stringify({
  format_version: '1.2',
  terraform_version: '1.9.5',
  resource_changes: [
    {
      address: 'azurerm_resource_group.rg',
      mode: 'managed',
      type: 'azurerm_resource_group',
      name: 'rg',
      change: { actions: ['create'], after: { name: 'rg-ai', location: 'swedencentral' }, after_unknown: { id: true } },
    },
    {
      address: 'azapi_resource.oai',
      mode: 'managed',
      type: 'azapi_resource',
      name: 'oai',
      change: {
        actions: ['create'],
        after: {
          type: 'Microsoft.CognitiveServices/accounts@2024-10-01',
          name: 'oai-plan',
          location: 'swedencentral',
          body: { kind: 'OpenAI', properties: { publicNetworkAccess: 'Enabled' } },
        },
        after_unknown: { id: true, parent_id: true },
      },
    },
  ],
  configuration: {
    provider_config: {
      azurerm: {
        name: 'azurerm',
        expressions: { subscription_id: { constant_value: '44444444-4444-4444-4444-444444444444' } },
      },
    },
    root_module: {
      resources: [
        {
          address: 'azapi_resource.oai',
          type: 'azapi_resource',
          name: 'oai',
          provider_config_key: 'azapi',
          expressions: { parent_id: { references: ['azurerm_resource_group.rg.id', 'azurerm_resource_group.rg'] } },
        },
      ],
    },
  },
});

describe('Terraform azurerm and azapi', () => {
  const publicAccess = async (files: Record<string, string>) => {
    const r = await load(files);
    const report = await scan(r.root);
    return { r, f: report.findings.find((f) => f.checkId === 'azure-ai-public-network-access') };
  };

  it('an azapi body is read as the ARM resource it creates, as an object or as jsonencoded text', async () => {
    const open = await publicAccess({
      'main.tf': AZAPI('{ kind = "OpenAI", properties = { publicNetworkAccess = "Enabled" } }'),
    });
    assert.equal(open.f?.status, 'fail');
    assert.equal(
      open.f?.resource.id,
      '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/oai-test',
    );
    assert.ok(open.f?.origin?.kind === 'file' && open.f.origin.file.endsWith('main.tf') && open.f.origin.line === 10);
    const closed = await publicAccess({
      'main.tf': AZAPI(
        'jsonencode({ kind = "OpenAI", properties = { publicNetworkAccess = "Disabled", networkAcls = { defaultAction = "Deny" } } })',
      ),
    });
    assert.equal(closed.f?.status, 'pass');
  });

  it('an account whose name is not known before deploy is not assessed, naming the variable', async () => {
    const { r, f } = await publicAccess({
      'main.tf': AZAPI('{ kind = "OpenAI", properties = { publicNetworkAccess = "Disabled" } }', 'var.account_name'),
    });
    assert.equal(r.azure!.cognitiveAccounts.length, 0);
    assert.equal(f?.status, 'not-assessed');
    assert.match(f.message, /var\.account_name/);
  });

  it('an Azure plan builds the ARM ids the plan leaves unknown, through references to the resource group', async () => {
    const r = await load({ 'plan.json': AZURE_PLAN });
    assert.deepEqual(
      r.azure!.cognitiveAccounts.map((a) => [a.id, a.publicNetworkAccess]),
      [
        [
          '/subscriptions/44444444-4444-4444-4444-444444444444/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/oai-plan',
          'Enabled',
        ],
      ],
    );
  });

  it('the Azure examples: the reference fails nothing, the misconfigured one fails what it was built to fail', async () => {
    const failing = async (dir: string) =>
      [
        ...new Set(
          (await scan(path.resolve(dir))).findings
            .filter((f) => f.status === 'fail')
            .map((f) => `${f.checkId} ${f.resource.id.split('/').at(-1)}`),
        ),
      ].sort();
    assert.deepEqual(await failing('examples/terraform/azure-reference'), []);
    assert.deepEqual(await failing('examples/terraform/azure-misconfigured'), [
      'azure-ai-local-auth-enabled oai-cordon',
      'azure-ai-private-endpoint-missing ais-cordon',
      'azure-ai-public-access-after-private-endpoint oai-cordon',
      'azure-ai-public-network-access oai-cordon',
      'azure-ai-subnet-internet-egress snet-inference',
      'azure-ai-vnet-flow-logs-missing vnet-ai',
      'azure-private-endpoint-subnet-nsg pe-ais',
      'azure-private-endpoint-subnet-nsg pe-oai',
    ]);
  });
});

describe('a zone tag known only at deploy', () => {
  const text = `${PROVIDER}
variable "zone" { type = string }
resource "aws_vpc" "main" { cidr_block = "10.20.0.0/16" }
resource "aws_internet_gateway" "igw" { vpc_id = aws_vpc.main.id }
resource "aws_subnet" "store" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.3.0/24"
  tags       = { SecurityZone = var.zone }
}
resource "aws_route_table" "rt" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.store.id
  route_table_id = aws_route_table.rt.id
}
`;
  it('leaves the subnet’s zone unknown: the data-zone internet check is not assessed, naming the tag (it passed)', async () => {
    const root = await tree({ 'main.tf': text });
    const report = await scan(root);
    const f = report.findings.filter((x) => x.checkId === 'aws-data-zone-internet-route');
    assert.deepEqual(
      f.map((x) => x.status),
      ['not-assessed'],
    );
    assert.match(f[0]!.message, /SecurityZone = \{var\.zone\} known only at deploy/);
    const given = await scanWithVars(root, ['zone=data']);
    assert.ok(
      given.findings.some((x) => x.checkId === 'aws-data-zone-internet-route' && x.status === 'fail'),
      'with the value given, the route is found',
    );
  });
});

describe('an Azure zone tag known only at deploy', () => {
  it('leaves the subnets behind the NSG in no known zone: the internet-egress check is not assessed, naming the tag (it passed)', async () => {
    const dir = 'examples/terraform/azure-misconfigured';
    const files: Record<string, string> = {};
    for (const name of ['main.tf', 'ai.tf']) files[name] = await readFile(path.join(dir, name), 'utf8');
    const tagged = 'tags                = { SecurityZone = "inference" }';
    assert.ok(files['main.tf']!.includes(tagged), 'the example tags the inference NSG');
    files['main.tf'] = `${files['main.tf']!.replace(tagged, 'tags = { SecurityZone = var.zone }')}
variable "zone" { type = string }
`;
    const root = await tree(files);
    const egress = (r: Awaited<ReturnType<typeof scan>>) =>
      r.findings.filter((x) => x.checkId === 'azure-ai-subnet-internet-egress').map((x) => x.status);
    const report = await scan(root);
    assert.deepEqual(egress(report), ['not-assessed']);
    const f = report.findings.find((x) => x.checkId === 'azure-ai-subnet-internet-egress')!;
    assert.match(f.message, /SecurityZone = \{var\.zone\} known only at deploy/);
    const given = await scanWithVars(root, ['zone=inference']);
    assert.deepEqual(egress(given), ['fail'], 'with the value given, the egress is found');
  });
});
