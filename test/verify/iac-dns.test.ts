/**
 * The AWS AI-name DNS question on infrastructure as code: Route 53 private hosted zones (and their VPC associations
 * and records) and Resolver rules (and their associations) declared in Terraform or CloudFormation are mapped into the
 * inventory, so `cordon verify` and scan's verify-ai-name-public-dns answer it; what the code names but does not
 * declare leaves it not assessed, naming the expression. Each case has a tree that trips it and one that does not.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

interface Finding {
  checkId: string;
  status: string;
  message: string;
  resource: { id: string };
}

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cordon-iac-dns-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function dnsFindings(command: 'verify' | 'scan', dir: string): Promise<Finding[]> {
  const r = await runCli([command, dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
  assert.ok(r.stdout.startsWith('{'), r.stderr);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter(
    (f) => f.checkId === 'verify-ai-name-public-dns',
  );
}

const NAME = 'bedrock-runtime.us-east-1.amazonaws.com';

/** A VPC whose inference subnet (10.0.2.0/24 in examples/cordon.yaml) calls Bedrock through an interface endpoint. */
const TF_BASE = (privateDns: boolean) => `
provider "aws" {
  region = "us-east-1"
}
resource "aws_vpc" "ai" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}
resource "aws_subnet" "inference" {
  vpc_id            = aws_vpc.ai.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_security_group" "endpoint" {
  vpc_id = aws_vpc.ai.id
  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.2.0/24"]
  }
}
resource "aws_vpc_endpoint" "bedrock_runtime" {
  vpc_id              = aws_vpc.ai.id
  service_name        = "com.amazonaws.us-east-1.bedrock-runtime"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.inference.id]
  security_group_ids  = [aws_security_group.endpoint.id]
  private_dns_enabled = ${privateDns}
}
`;

const TF_ZONE = (record: string) => `
resource "aws_route53_zone" "bedrock" {
  name = "${NAME}"
  vpc {
    vpc_id = aws_vpc.ai.id
  }
}
resource "aws_route53_record" "bedrock" {
  zone_id = aws_route53_zone.bedrock.zone_id
  name    = "${NAME}"
${record}
}
`;

const TF_RULE = (domain: string, associate: string) => `
resource "aws_route53_resolver_rule" "forward" {
  domain_name          = "${domain}"
  rule_type            = "FORWARD"
  resolver_endpoint_id = "rslvr-out-0123456789abcdef0"
  target_ip {
    ip = "192.168.10.53"
  }
}
${associate}
`;

describe('IaC: Route 53 zones and Resolver rules answer the AWS AI-name DNS question (Terraform)', () => {
  it('without Route 53 resources the code is complete: an endpoint without private DNS fails, with it passes', async () => {
    const off = await dnsFindings('verify', await tree({ 'main.tf': TF_BASE(false) }));
    assert.deepEqual(
      off.map((f) => f.status),
      ['fail'],
    );
    assert.match(off[0]!.message, /privateDnsEnabled=false/);
    const on = await tree({ 'main.tf': TF_BASE(true) });
    assert.deepEqual(await dnsFindings('verify', on), []);
    assert.deepEqual(
      (await dnsFindings('scan', on)).map((f) => f.status),
      ['pass'],
    );
  });

  it('a private zone for the name with an alias to the endpoint’s DNS entry resolves to it; an A record elsewhere fails', async () => {
    const alias = `  type = "A"
  alias {
    name                   = aws_vpc_endpoint.bedrock_runtime.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.bedrock_runtime.dns_entry[0].hosted_zone_id
    evaluate_target_health = false
  }`;
    const ok = await tree({ 'main.tf': TF_BASE(false) + TF_ZONE(alias) });
    assert.deepEqual(await dnsFindings('verify', ok), []);
    const wrong = await dnsFindings(
      'verify',
      await tree({ 'main.tf': TF_BASE(true) + TF_ZONE('  type = "A"\n  ttl = 60\n  records = ["10.9.9.9"]') }),
    );
    assert.equal(wrong[0]?.status, 'fail');
    assert.match(
      wrong[0].message,
      /private hosted zone bedrock-runtime\.us-east-1\.amazonaws\.com \(aws_route53_zone\.bedrock\)/,
    );
    assert.match(wrong[0].message, /10\.9\.9\.9 is not an address of a bedrock-runtime endpoint/);
  });

  it('a FORWARD rule for the name associated with the VPC: not assessed in verify and scan; unassociated: a pass', async () => {
    const assoc = `resource "aws_route53_resolver_rule_association" "ai" {
  resolver_rule_id = aws_route53_resolver_rule.forward.id
  vpc_id           = aws_vpc.ai.id
}`;
    const forwarded = await tree({ 'main.tf': TF_BASE(true) + TF_RULE(NAME, assoc) });
    const v = await dnsFindings('verify', forwarded);
    assert.deepEqual(
      v.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(
      v[0]!.message,
      /Resolver rule aws_route53_resolver_rule\.forward forwards bedrock-runtime\.us-east-1\.amazonaws\.com to 192\.168\.10\.53:53/,
    );
    assert.deepEqual(
      (await dnsFindings('scan', forwarded)).map((f) => f.status),
      ['not-assessed'],
    );
    const unassociated = await tree({ 'main.tf': TF_BASE(true) + TF_RULE(NAME, '') });
    assert.deepEqual(
      (await dnsFindings('scan', unassociated)).map((f) => f.status),
      ['pass'],
    );
  });

  it('what the code names but does not declare stays not assessed, naming it', async () => {
    const shared = `data "aws_route53_resolver_rule" "corp" {
  domain_name = "corp.example.com"
}
resource "aws_route53_resolver_rule_association" "corp" {
  resolver_rule_id = data.aws_route53_resolver_rule.corp.id
  vpc_id           = aws_vpc.ai.id
}`;
    const d = await dnsFindings('scan', await tree({ 'main.tf': TF_BASE(true) + shared }));
    assert.deepEqual(
      d.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(d[0]!.message, /Resolver rules associated with aws_vpc\.ai not completely read/);
    assert.match(d[0]!.message, /data\.aws_route53_resolver_rule\.corp\.id/);
    const literal = `resource "aws_route53_resolver_rule_association" "corp" {
  resolver_rule_id = "rslvr-rr-0123456789abcdef0"
  vpc_id           = aws_vpc.ai.id
}`;
    const l = await dnsFindings('verify', await tree({ 'main.tf': TF_BASE(true) + literal }));
    assert.match(
      l[0]!.message,
      /rslvr-rr-0123456789abcdef0 associated with aws_vpc\.ai not declared in the scanned code/,
    );
    const zone = `resource "aws_route53_zone_association" "hub" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  vpc_id  = aws_vpc.ai.id
}`;
    const z = await dnsFindings('verify', await tree({ 'main.tf': TF_BASE(true) + zone }));
    assert.equal(z[0]?.status, 'not-assessed');
  });
});

/** The same VPC as a CloudFormation template (the IaC scope's region is iac-region). */
const CFN = (privateDns: boolean, extra: string) => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsSupport: true
      EnableDnsHostnames: true
  Inference:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.2.0/24
      AvailabilityZone: us-east-1a
  EndpointGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: callers
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.2.0/24
  BedrockRuntime:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.\${AWS::Region}.bedrock-runtime
      VpcEndpointType: Interface
      SubnetIds: [!Ref Inference]
      SecurityGroupIds: [!Ref EndpointGroup]
      PrivateDnsEnabled: ${privateDns}
${extra}`;

describe('IaC: Route 53 zones and Resolver rules answer the AWS AI-name DNS question (CloudFormation)', () => {
  it('a HostedZone with the VPC and an alias RecordSet to the endpoint’s DnsEntries resolves to it; none fails', async () => {
    const zone = `  Zone:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: !Sub bedrock-runtime.\${AWS::Region}.amazonaws.com
      VPCs:
        - VPCId: !Ref Vpc
          VPCRegion: !Ref AWS::Region
  Record:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref Zone
      Name: !Sub bedrock-runtime.\${AWS::Region}.amazonaws.com
      Type: A
      AliasTarget:
        DNSName: !Select [1, !Split [':', !Select [0, !GetAtt BedrockRuntime.DnsEntries]]]
        HostedZoneId: !Select [0, !Split [':', !Select [0, !GetAtt BedrockRuntime.DnsEntries]]]
`;
    const ok = await tree({ 'stack.yaml': CFN(false, zone) });
    assert.deepEqual(await dnsFindings('verify', ok), []);
    const bare = await dnsFindings('verify', await tree({ 'stack.yaml': CFN(false, '') }));
    assert.deepEqual(
      bare.map((f) => f.status),
      ['fail'],
    );
    // The zone without the record: Resolver answers NXDOMAIN for the name.
    const empty = zone.slice(0, zone.indexOf('  Record:'));
    const nx = await dnsFindings('verify', await tree({ 'stack.yaml': CFN(true, empty) }));
    assert.match(
      nx[0]?.message ?? '',
      /has no record for bedrock-runtime\.iac-region\.amazonaws\.com: Resolver answers NXDOMAIN/,
    );
  });

  it('a ResolverRule forwarding the name with its ResolverRuleAssociation: not assessed; a SYSTEM rule: a pass', async () => {
    const rule = (type: string) => `  Rule:
    Type: AWS::Route53Resolver::ResolverRule
    Properties:
      DomainName: !Sub bedrock-runtime.\${AWS::Region}.amazonaws.com
      RuleType: ${type}
${type === 'FORWARD' ? '      ResolverEndpointId: rslvr-out-0123456789abcdef0\n      TargetIps:\n        - Ip: 192.168.10.53\n          Port: 53\n' : ''}  RuleAssociation:
    Type: AWS::Route53Resolver::ResolverRuleAssociation
    Properties:
      ResolverRuleId: !GetAtt Rule.ResolverRuleId
      VPCId: !Ref Vpc
`;
    const forwarded = await dnsFindings('scan', await tree({ 'stack.yaml': CFN(true, rule('FORWARD')) }));
    assert.deepEqual(
      forwarded.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(forwarded[0]!.message, /Resolver rule Rule forwards .* to 192\.168\.10\.53:53/);
    const system = await dnsFindings('scan', await tree({ 'stack.yaml': CFN(true, rule('SYSTEM')) }));
    assert.deepEqual(
      system.map((f) => f.status),
      ['pass'],
    );
  });
});

describe('IaC: Route 53 Profiles carry rules and zones to the VPC (Terraform and CloudFormation)', () => {
  const TF_PROFILE = (resourceArn: string, profileId = 'aws_route53profiles_profile.dns.id') => `
resource "aws_route53profiles_profile" "dns" {
  name = "dns"
}
resource "aws_route53profiles_association" "ai" {
  name        = "ai"
  profile_id  = ${profileId}
  resource_id = aws_vpc.ai.id
}
resource "aws_route53profiles_resource_association" "rule" {
  name         = "rule"
  profile_id   = aws_route53profiles_profile.dns.id
  resource_arn = ${resourceArn}
}
`;

  it('Terraform: a Profile’s FORWARD rule for the name: not assessed in verify and scan; the rule on a Profile of no VPC: a pass', async () => {
    const d = await dnsFindings(
      'verify',
      await tree({
        'main.tf': TF_BASE(true) + TF_RULE(NAME, '') + TF_PROFILE('aws_route53_resolver_rule.forward.arn'),
      }),
    );
    assert.deepEqual(
      d.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(d[0]!.message, /aws_route53_resolver_rule\.forward forwards bedrock-runtime/);
    const unassociated = TF_PROFILE('aws_route53_resolver_rule.forward.arn').replace(
      /resource "aws_route53profiles_association"[^}]*}\n/,
      '',
    );
    const pass = await tree({ 'main.tf': TF_BASE(true) + TF_RULE(NAME, '') + unassociated });
    assert.deepEqual(
      (await dnsFindings('scan', pass)).map((f) => f.status),
      ['pass'],
    );
  });

  it('Terraform: a Profile’s private zone for the name without a record fails; a Profile the code does not declare: not assessed', async () => {
    const zone = `resource "aws_route53_zone" "shadow" {
  name = "${NAME}"
  vpc {
    vpc_id = aws_vpc.other.id
  }
}
resource "aws_vpc" "other" {
  cidr_block = "10.9.0.0/16"
}
`;
    const d = await dnsFindings(
      'verify',
      await tree({ 'main.tf': TF_BASE(true) + zone + TF_PROFILE('aws_route53_zone.shadow.arn') }),
    );
    assert.deepEqual(
      d.map((f) => f.status),
      ['fail'],
    );
    assert.match(
      d[0]!.message,
      /private hosted zone bedrock-runtime\.us-east-1\.amazonaws\.com \(aws_route53_zone\.shadow\)/,
    );
    const shared = await dnsFindings(
      'verify',
      await tree({
        'main.tf': TF_BASE(true) + TF_PROFILE('"arn:aws:route53:::hostedzone/Z1"', '"rp-0123456789abcdef"'),
      }),
    );
    assert.deepEqual(
      shared.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(
      shared[0]!.message,
      /Route 53 Profile rp-0123456789abcdef associated with .* is not declared in the scanned code/,
    );
  });

  it('CloudFormation: a Profile’s FORWARD rule for the name: not assessed; a shared Profile not in the templates: not assessed', async () => {
    const profile = (profileId: string) => `  Rule:
    Type: AWS::Route53Resolver::ResolverRule
    Properties:
      DomainName: !Sub bedrock-runtime.\${AWS::Region}.amazonaws.com
      RuleType: FORWARD
      ResolverEndpointId: rslvr-out-0123456789abcdef0
      TargetIps:
        - Ip: 192.168.10.53
  Profile:
    Type: AWS::Route53Profiles::Profile
    Properties:
      Name: dns
  ProfileVpc:
    Type: AWS::Route53Profiles::ProfileAssociation
    Properties:
      Name: ai
      ProfileId: ${profileId}
      ResourceId: !Ref Vpc
  ProfileRule:
    Type: AWS::Route53Profiles::ProfileResourceAssociation
    Properties:
      Name: rule
      ProfileId: !GetAtt Profile.Id
      ResourceArn: !GetAtt Rule.Arn
`;
    const d = await dnsFindings('verify', await tree({ 'stack.yaml': CFN(true, profile('!GetAtt Profile.Id')) }));
    assert.deepEqual(
      d.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(d[0]!.message, /Resolver rule Rule forwards bedrock-runtime/);
    const shared = await dnsFindings('verify', await tree({ 'stack.yaml': CFN(true, profile('rp-0123456789abcdef')) }));
    assert.deepEqual(
      shared.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(
      shared[0]!.message,
      /rp-0123456789abcdef associated with Vpc is not declared in the scanned templates/,
    );
    // Without the Profile's association with the VPC, the endpoint's private DNS answers: no finding.
    const none = profile('!GetAtt Profile.Id').replace(/ {2}ProfileVpc:[\s\S]*?ResourceId: !Ref Vpc\n/, '');
    assert.deepEqual(await dnsFindings('verify', await tree({ 'stack.yaml': CFN(true, none) })), []);
  });
});
