/**
 * PrivateLink before deploy (Terraform, CloudFormation): a consumer `aws_vpc_endpoint` naming an
 * `aws_vpc_endpoint_service` declared beside it (by reference: AWS picks the name at deploy) leads through the
 * service's Network Load Balancer to its targets, so a sandbox that reaches the endpoint on 6333 reaches the vector
 * database behind it. The same code without the endpoint, or with its group closed to the sandbox, passes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadPolicyFile } from '../../src/policy/load.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { loadCloudFormation } from '../../src/sources/iac/cloudformation/load.js';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel, VERIFY_CHECKS } from '../../src/verify/questions.js';

const policy = loadPolicyFile('examples/cordon.yaml');
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function verify(main: string, file: string) {
  const root = await mkdtemp(path.join(tmpdir(), 'cordon-iac-pl-'));
  dirs.push(root);
  await writeFile(path.join(root, file), main);
  const parts = await partitionSnapshot(root);
  const r = file.endsWith('.tf')
    ? await loadTerraform(root, parts.terraform)
    : await loadCloudFormation(root, parts.cloudformation);
  assert.deepEqual(
    r.errors.map((e) => e.format()),
    [],
  );
  const p = await policy;
  return verifyModel(compileAws(r.inventory!, p), p, { clientPorts: [32768, 60999] });
}

const sandboxToData = (r: Awaited<ReturnType<typeof verify>>) => ({
  cell: r.matrix.find((m) => m.from === 'sandbox' && m.to === 'data')!,
  violations: r.findings.filter(
    (f) => f.checkId === VERIFY_CHECKS.violation.id && f.evidence?.from === 'sandbox' && f.evidence?.to === 'data',
  ),
});

/** The sandbox VPC (10.0.5.0/24) with the consumer endpoint; the data VPC (10.0.3.0/24) with the NLB and the database. */
const terraform = (
  endpointFrom: string,
  withEndpoint = true,
  service = 'acceptance_required        = false',
  extra = '',
  providers = 'provider "aws" { region = "us-east-1" }',
) => `
${providers}
${extra}
resource "aws_vpc" "sandbox" { cidr_block = "10.0.5.0/24" }
resource "aws_subnet" "sandbox" {
  vpc_id     = aws_vpc.sandbox.id
  cidr_block = "10.0.5.0/24"
}
resource "aws_security_group" "sandbox" {
  vpc_id = aws_vpc.sandbox.id
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_instance" "agent" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.medium"
  subnet_id              = aws_subnet.sandbox.id
  vpc_security_group_ids = [aws_security_group.sandbox.id]
}
resource "aws_security_group" "endpoint" {
  vpc_id = aws_vpc.sandbox.id
  ingress {
    protocol    = "tcp"
    from_port   = 6333
    to_port     = 6333
    cidr_blocks = ["${endpointFrom}"]
  }
}
${
  withEndpoint
    ? `resource "aws_vpc_endpoint" "vector" {
  vpc_id             = aws_vpc.sandbox.id
  service_name       = aws_vpc_endpoint_service.vector.service_name
  vpc_endpoint_type  = "Interface"
  subnet_ids         = [aws_subnet.sandbox.id]
  security_group_ids = [aws_security_group.endpoint.id]
}`
    : ''
}
resource "aws_vpc" "data" { cidr_block = "10.0.3.0/24" }
resource "aws_subnet" "data" {
  vpc_id     = aws_vpc.data.id
  cidr_block = "10.0.3.0/24"
}
resource "aws_security_group" "db" {
  vpc_id = aws_vpc.data.id
  ingress {
    protocol    = "tcp"
    from_port   = 6333
    to_port     = 6333
    cidr_blocks = ["10.0.3.0/24"]
  }
}
resource "aws_security_group" "nlb" {
  vpc_id = aws_vpc.data.id
  ingress {
    protocol    = "tcp"
    from_port   = 6333
    to_port     = 6333
    cidr_blocks = ["10.0.0.0/16"]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["10.0.3.0/24"]
  }
}
resource "aws_instance" "vector" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.medium"
  subnet_id              = aws_subnet.data.id
  vpc_security_group_ids = [aws_security_group.db.id]
}
resource "aws_lb" "vector" {
  name               = "vector"
  internal           = true
  load_balancer_type = "network"
  subnets            = [aws_subnet.data.id]
  security_groups    = [aws_security_group.nlb.id]
}
resource "aws_lb_target_group" "vector" {
  name     = "vector"
  port     = 6333
  protocol = "TCP"
  vpc_id   = aws_vpc.data.id
}
resource "aws_lb_listener" "vector" {
  load_balancer_arn = aws_lb.vector.arn
  port              = 6333
  protocol          = "TCP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.vector.arn
  }
}
resource "aws_lb_target_group_attachment" "vector" {
  target_group_arn = aws_lb_target_group.vector.arn
  target_id        = aws_instance.vector.id
  port             = 6333
}
resource "aws_vpc_endpoint_service" "vector" {
  ${service}
  network_load_balancer_arns = [aws_lb.vector.arn]
}
`;

describe('verify on Terraform: PrivateLink to an endpoint service declared in the code', () => {
  it('the sandbox reaching the consumer endpoint reaches the database behind the provider NLB', async () => {
    const { cell, violations } = sandboxToData(await verify(terraform('10.0.5.0/24'), 'main.tf'));
    assert.deepEqual(cell.configurationPermits, ['tcp/6333']);
    assert.equal(violations.length, 1);
    const hops = (violations[0]!.evidence as { witness: { path: { what: string }[] } }).witness.path.map((h) => h.what);
    assert.ok(
      hops.some((w) =>
        /interface endpoint aws_vpc_endpoint\.vector of endpoint service aws_vpc_endpoint_service\.vector/.test(w),
      ),
      hops.join('\n'),
    );
  });
  it('without the endpoint, or with its group closed to the sandbox, nothing', async () => {
    for (const code of [terraform('10.0.5.0/24', false), terraform('10.9.0.0/16')]) {
      const { cell, violations } = sandboxToData(await verify(code, 'main.tf'));
      assert.deepEqual(cell.configurationPermits, []);
      assert.deepEqual(cell.unknown, []);
      assert.equal(violations.length, 0);
    }
  });
});

describe('verify on Terraform: whether the endpoint service admits the consumer', () => {
  const accepter = `resource "aws_vpc_endpoint_connection_accepter" "vector" {
  vpc_endpoint_service_id = aws_vpc_endpoint_service.vector.id
  vpc_endpoint_id         = aws_vpc_endpoint.vector.id
}`;
  it('acceptance required and nothing accepts: cannot decide (pending), never a pass or a violation', async () => {
    const { cell, violations } = sandboxToData(
      await verify(terraform('10.0.5.0/24', true, 'acceptance_required = true'), 'main.tf'),
    );
    assert.deepEqual(cell.configurationPermits, []);
    assert.deepEqual(cell.unknown, ['tcp/6333']);
    assert.equal(violations.length, 0);
  });
  it('acceptance required and an accepter (or auto_accept) accepts it: the violation', async () => {
    for (const code of [
      terraform('10.0.5.0/24', true, 'acceptance_required = true', accepter),
      terraform('10.0.5.0/24', true, 'acceptance_required = true').replace(
        'vpc_endpoint_type  = "Interface"',
        'vpc_endpoint_type  = "Interface"\n  auto_accept        = true',
      ),
    ]) {
      const { cell, violations } = sandboxToData(await verify(code, 'main.tf'));
      assert.deepEqual(cell.configurationPermits, ['tcp/6333']);
      assert.equal(violations.length, 1);
    }
  });

  // The producer in account 111111111111, the consumer (sandbox) in 222222222222.
  const twoAccounts = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["222222222222"]
}
provider "aws" {
  alias               = "producer"
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}`;
  const crossAccount = (service: string, extra = '') =>
    terraform('10.0.5.0/24', true, service, extra, twoAccounts).replace(
      /(resource "aws_(?:vpc|subnet|security_group|instance|lb|lb_target_group|lb_listener|lb_target_group_attachment|vpc_endpoint_service|vpc_endpoint_service_allowed_principal)" "(?:data|db|nlb|vector)" \{)/g,
      '$1\n  provider = aws.producer',
    );
  it('another account: admitted by its root in allowed_principals or a principal resource; refused by a list the code sets, undecided without one', async () => {
    const allowed = sandboxToData(
      await verify(
        crossAccount('acceptance_required = false\n  allowed_principals = ["arn:aws:iam::222222222222:root"]'),
        'main.tf',
      ),
    );
    assert.deepEqual(allowed.cell.configurationPermits, ['tcp/6333']);
    assert.equal(allowed.violations.length, 1);
    const byResource = sandboxToData(
      await verify(
        crossAccount(
          'acceptance_required = false',
          `resource "aws_vpc_endpoint_service_allowed_principal" "vector" {
  provider                = aws.producer
  vpc_endpoint_service_id = aws_vpc_endpoint_service.vector.id
  principal_arn           = "arn:aws:iam::222222222222:root"
}`,
        ),
        'main.tf',
      ),
    );
    assert.equal(byResource.violations.length, 1);
    // No allowed_principals: the code does not manage the list, so principals added elsewhere may admit it.
    const unmanaged = sandboxToData(await verify(crossAccount('acceptance_required = false'), 'main.tf'));
    assert.deepEqual(unmanaged.cell.configurationPermits, []);
    assert.deepEqual(unmanaged.cell.unknown, ['tcp/6333']);
    assert.equal(unmanaged.violations.length, 0);
    for (const code of [
      crossAccount('acceptance_required = false\n  allowed_principals = ["arn:aws:iam::333333333333:root"]'),
      crossAccount('acceptance_required = false\n  allowed_principals = []'),
    ]) {
      const { cell, violations } = sandboxToData(await verify(code, 'main.tf'));
      assert.deepEqual(cell.configurationPermits, []);
      assert.deepEqual(cell.unknown, []);
      assert.equal(violations.length, 0);
    }
  });
  it('another account named only by a role: cannot tell whether the deployer is that role (pending)', async () => {
    const { cell, violations } = sandboxToData(
      await verify(
        crossAccount('acceptance_required = false\n  allowed_principals = ["arn:aws:iam::222222222222:role/deploy"]'),
        'main.tf',
      ),
    );
    assert.deepEqual(cell.unknown, ['tcp/6333']);
    assert.equal(violations.length, 0);
  });
});

const template = (endpointFrom: string, acceptance = 'false') => `
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  SandboxVpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.5.0/24 } }
  SandboxSubnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref SandboxVpc, CidrBlock: 10.0.5.0/24 } }
  SandboxGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: agent
      VpcId: !Ref SandboxVpc
      SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: 0.0.0.0/0 }]
  Agent:
    Type: AWS::EC2::Instance
    Properties: { ImageId: ami-0c02fb55956c7d316, SubnetId: !Ref SandboxSubnet, SecurityGroupIds: [!Ref SandboxGroup] }
  EndpointGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoint
      VpcId: !Ref SandboxVpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 6333, ToPort: 6333, CidrIp: ${endpointFrom} }]
  VectorEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref SandboxVpc
      ServiceName: !Sub 'com.amazonaws.vpce.\${AWS::Region}.\${VectorService}'
      VpcEndpointType: Interface
      SubnetIds: [!Ref SandboxSubnet]
      SecurityGroupIds: [!Ref EndpointGroup]
  DataVpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.3.0/24 } }
  DataSubnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref DataVpc, CidrBlock: 10.0.3.0/24 } }
  DbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      VpcId: !Ref DataVpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 6333, ToPort: 6333, CidrIp: 10.0.3.0/24 }]
  NlbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: nlb
      VpcId: !Ref DataVpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 6333, ToPort: 6333, CidrIp: 10.0.0.0/16 }]
  Vector:
    Type: AWS::EC2::Instance
    Properties: { ImageId: ami-0c02fb55956c7d316, SubnetId: !Ref DataSubnet, SecurityGroupIds: [!Ref DbGroup] }
  VectorNlb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: { Type: network, Scheme: internal, Subnets: [!Ref DataSubnet], SecurityGroups: [!Ref NlbGroup] }
  VectorTargets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 6333
      Protocol: TCP
      VpcId: !Ref DataVpc
      Targets: [{ Id: !Ref Vector, Port: 6333 }]
  VectorListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref VectorNlb
      Port: 6333
      Protocol: TCP
      DefaultActions: [{ Type: forward, TargetGroupArn: !Ref VectorTargets }]
  VectorService:
    Type: AWS::EC2::VPCEndpointService
    Properties: { AcceptanceRequired: ${acceptance}, NetworkLoadBalancerArns: [!Ref VectorNlb] }
  VectorPermissions:
    Type: AWS::EC2::VPCEndpointServicePermissions
    Properties: { ServiceId: !Ref VectorService, AllowedPrincipals: ['arn:aws:iam::111111111111:root'] }
`;

describe('verify on CloudFormation: PrivateLink to an endpoint service declared in the template', () => {
  it('the sandbox reaching the consumer endpoint reaches the database; closed, nothing', async () => {
    const open = sandboxToData(await verify(template('10.0.5.0/24'), 'template.yaml'));
    assert.deepEqual(open.cell.configurationPermits, ['tcp/6333']);
    assert.equal(open.violations.length, 1);
    const closed = sandboxToData(await verify(template('10.9.0.0/16'), 'template.yaml'));
    assert.deepEqual(closed.cell.configurationPermits, []);
    assert.deepEqual(closed.cell.unknown, []);
  });
  it('AcceptanceRequired (nothing in CloudFormation accepts a connection): cannot decide, no violation', async () => {
    const pending = sandboxToData(await verify(template('10.0.5.0/24', 'true'), 'template.yaml'));
    assert.deepEqual(pending.cell.configurationPermits, []);
    assert.deepEqual(pending.cell.unknown, ['tcp/6333']);
    assert.equal(pending.violations.length, 0);
  });
});
