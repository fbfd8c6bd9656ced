/**
 * npm run bench:iac — a deterministic Terraform tree of 5,000 resources in 200 modules (a root calling 200 local
 * modules, each a VPC with subnets, route tables, security groups with separate rules, endpoints with policy
 * documents and a flow log), scanned with the built CLI in a child process. Prints wall and CPU time and peak RSS of
 * the full scan, and, as the baseline measured in the same run, the parse-only time (every .tf file through the HCL
 * parser, nothing evaluated) and `cordon --version` (start-up). Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
if (!existsSync(path.join(root, 'dist/cli-bundle/main.js'))) {
  console.error('run `npm run build` first');
  process.exit(2);
}
const MODULES = Number(process.env.MODULES ?? 200);
const PER_MODULE = 25;

function moduleText(i: number): string {
  const b = i % 250;
  const lines: string[] = [
    'variable "name" {}',
    'variable "region" {}',
    'locals {',
    `  cidr = "10.${b}.0.0/16"`,
    '  zones = { a = { zone = "application", n = 0 }, b = { zone = "inference", n = 1 }, c = { zone = "data", n = 2 } }',
    '}',
    'resource "aws_vpc" "this" {',
    '  cidr_block           = local.cidr',
    '  enable_dns_hostnames = true',
    '  tags                 = { Name = var.name }',
    '}',
    'resource "aws_subnet" "s" {',
    '  for_each          = { for k, z in local.zones : "${k}1" => z }',
    '  vpc_id            = aws_vpc.this.id',
    '  cidr_block        = cidrsubnet(local.cidr, 8, each.value.n)',
    '  availability_zone = "${var.region}a"',
    '  tags              = { SecurityZone = each.value.zone }',
    '}',
    'resource "aws_subnet" "t" {',
    '  count             = 3',
    '  vpc_id            = aws_vpc.this.id',
    '  cidr_block        = cidrsubnet(local.cidr, 8, 10 + count.index)',
    '  availability_zone = "${var.region}b"',
    '  tags              = { SecurityZone = values(local.zones)[count.index].zone }',
    '}',
    'resource "aws_route_table" "rt" {',
    '  count  = 2',
    '  vpc_id = aws_vpc.this.id',
    '}',
    'resource "aws_route_table_association" "a" {',
    '  for_each       = aws_subnet.s',
    '  subnet_id      = each.value.id',
    '  route_table_id = aws_route_table.rt[0].id',
    '}',
    'resource "aws_security_group" "ep" {',
    '  name   = "${var.name}-ep"',
    '  vpc_id = aws_vpc.this.id',
    '}',
    'resource "aws_vpc_security_group_ingress_rule" "r" {',
    '  count             = 3',
    '  security_group_id = aws_security_group.ep.id',
    '  ip_protocol       = "tcp"',
    '  from_port         = 443',
    '  to_port           = 443',
    '  cidr_ipv4         = aws_subnet.t[count.index].cidr_block',
    '}',
    'data "aws_iam_policy_document" "p" {',
    '  statement {',
    '    actions   = ["bedrock:InvokeModel"]',
    '    resources = ["*"]',
    '    principals {',
    '      type        = "*"',
    '      identifiers = ["*"]',
    '    }',
    '    condition {',
    '      test     = "StringEquals"',
    '      variable = "aws:PrincipalOrgID"',
    '      values   = ["o-bench"]',
    '    }',
    '  }',
    '}',
    'resource "aws_vpc_endpoint" "e" {',
    '  for_each            = toset(["bedrock-runtime", "bedrock", "sts", "logs"])',
    '  vpc_id              = aws_vpc.this.id',
    '  service_name        = "com.amazonaws.${var.region}.${each.key}"',
    '  vpc_endpoint_type   = "Interface"',
    '  private_dns_enabled = true',
    '  subnet_ids          = [aws_subnet.t[0].id, aws_subnet.t[1].id]',
    '  security_group_ids  = [aws_security_group.ep.id]',
    '  policy              = data.aws_iam_policy_document.p.json',
    '}',
    'resource "aws_flow_log" "f" {',
    '  vpc_id       = aws_vpc.this.id',
    '  traffic_type = "ALL"',
    '}',
    'resource "aws_route53_resolver_query_log_config_association" "q" {',
    '  resolver_query_log_config_id = "rqlc-bench"',
    '  resource_id                  = aws_vpc.this.id',
    '}',
  ];
  return lines.join('\n') + '\n';
}
// Per module: 1 vpc + 3 + 3 subnets + 2 tables + 3 associations + 1 group + 3 rules + 4 endpoints + flow log + query
// log association = 22 resources; 3 padding security groups make 25.
function padding(): string {
  return [0, 1, 2]
    .map((k) => `resource "aws_security_group" "pad${k}" {\n  name   = "pad${k}"\n  vpc_id = aws_vpc.this.id\n}\n`)
    .join('');
}

function generate(dir: string): number {
  const calls: string[] = ['provider "aws" {\n  region = "us-east-1"\n}\n'];
  for (let i = 0; i < MODULES; i++) {
    const m = path.join(dir, 'modules', `m${String(i).padStart(3, '0')}`);
    mkdirSync(m, { recursive: true });
    writeFileSync(path.join(m, 'main.tf'), moduleText(i));
    writeFileSync(path.join(m, 'padding.tf'), padding());
    calls.push(
      `module "m${i}" {\n  source = "./modules/m${String(i).padStart(3, '0')}"\n  name   = "vpc-${i}"\n  region = "us-east-1"\n}\n`,
    );
  }
  writeFileSync(path.join(dir, 'main.tf'), calls.join('\n'));
  return MODULES * PER_MODULE;
}

interface Measure {
  wall: number;
  cpu: number;
  rss: number;
  status: number | null;
  out: string;
}

function run(args: string[], script = path.join(root, 'bin/cordon.js')): Measure {
  // /usr/bin/time is not always present: the child reports its own resource usage through a preload.
  const preload = path.join(tmpdir(), 'cordon-bench-usage.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => { const u = process.resourceUsage(); require('fs').writeSync(2, `\\nUSAGE ${u.userCPUTime + u.systemCPUTime} ${u.maxRSS}\\n`); });\n",
  );
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', preload, script, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const m = /USAGE (\d+) (\d+)/.exec(r.stderr);
  return {
    wall,
    cpu: m ? Number(m[1]) / 1e6 : NaN,
    rss: m ? Number(m[2]) / 1024 : NaN,
    status: r.status,
    out: r.stdout,
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'cordon-bench-iac-'));
try {
  const declared = generate(dir);
  const files = readdirSync(path.join(dir, 'modules')).length * 2 + 1;
  console.log(`tree: ${declared} resources in ${MODULES} modules, ${files} .tf files (${dir})`);
  const parseOnly = path.join(dir, 'parse-only.mjs');
  writeFileSync(
    parseOnly,
    `import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseHcl } from ${JSON.stringify(path.join(root, 'dist/sources/iac/terraform/hcl.js'))};
const dir = process.argv[2];
const files = [path.join(dir, 'main.tf')];
for (const m of readdirSync(path.join(dir, 'modules'))) for (const f of ['main.tf', 'padding.tf']) files.push(path.join(dir, 'modules', m, f));
let blocks = 0;
for (const f of files) blocks += (await parseHcl(readFileSync(f, 'utf8'))).body.blocks.length;
console.log(blocks);
`,
  );
  const startup = run(['--version']);
  const parse = run([dir], parseOnly);
  const scan = run(['scan', dir, '--format', 'json']);
  let resources = 0;
  let findings = 0;
  try {
    const report = JSON.parse(scan.out) as { findings: unknown[]; summary: { scopes: number } };
    findings = report.findings.length;
    resources = declared;
  } catch {
    console.error('scan output is not JSON; status', scan.status);
  }
  const row = (name: string, m: Measure) =>
    `${name.padEnd(34)} wall ${m.wall.toFixed(2).padStart(6)} s   cpu ${m.cpu.toFixed(2).padStart(6)} s   peak RSS ${m.rss.toFixed(0).padStart(5)} MB`;
  console.log(row('cordon --version (start-up)', startup));
  console.log(row(`parse only (${files} files, tree-sitter)`, parse));
  console.log(row(`cordon scan (${resources} resources)`, scan));
  console.log(
    `findings: ${findings}; scan/parse CPU ratio ${(scan.cpu / parse.cpu).toFixed(2)}×; per resource ${((scan.cpu * 1000) / declared).toFixed(3)} ms CPU`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
