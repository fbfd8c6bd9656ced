/**
 * Load balancers before deploy (Terraform): listeners, target groups and `aws_lb_target_group_attachment` are
 * followed to the declared instance, so the NLB silent pass is caught in the code; targets an Auto Scaling group
 * registers at run time leave the path undecided (not assessed), never absent.
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

async function verify(main: string, file = 'main.tf') {
  const root = await mkdtemp(path.join(tmpdir(), 'cordon-iac-lb-'));
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

/** A public subnet with the NLB, a data subnet with a database instance open to `dbFrom` on 5432. */
const tree = (dbFrom: string, targets: string) => `
provider "aws" { region = "us-east-1" }
resource "aws_vpc" "v" { cidr_block = "10.1.0.0/16" }
resource "aws_internet_gateway" "igw" { vpc_id = aws_vpc.v.id }
resource "aws_subnet" "pub" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.1.1.0/24"
  tags       = { SecurityZone = "application" }
}
resource "aws_route_table" "pub" {
  vpc_id = aws_vpc.v.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}
resource "aws_route_table_association" "pub" {
  subnet_id      = aws_subnet.pub.id
  route_table_id = aws_route_table.pub.id
}
resource "aws_subnet" "data" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.1.3.0/24"
  tags       = { SecurityZone = "data" }
}
resource "aws_security_group" "lb" {
  vpc_id = aws_vpc.v.id
  ingress {
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group" "db" {
  vpc_id = aws_vpc.v.id
  ingress {
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = ["${dbFrom}"]
  }
}
resource "aws_instance" "db" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.medium"
  subnet_id              = aws_subnet.data.id
  vpc_security_group_ids = [aws_security_group.db.id]
}
resource "aws_lb" "edge" {
  name               = "edge"
  load_balancer_type = "network"
  subnets            = [aws_subnet.pub.id]
  security_groups    = [aws_security_group.lb.id]
}
resource "aws_lb_target_group" "db" {
  name     = "db"
  port     = 5432
  protocol = "TCP"
  vpc_id   = aws_vpc.v.id
}
resource "aws_lb_listener" "db" {
  load_balancer_arn = aws_lb.edge.arn
  port              = 5432
  protocol          = "TCP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.db.arn
  }
}
${targets}
`;

const attachment = `
resource "aws_lb_target_group_attachment" "db" {
  target_group_arn = aws_lb_target_group.db.arn
  target_id        = aws_instance.db.id
  port             = 5432
}`;

describe('verify on Terraform: load balancers', () => {
  it('an internet-facing NLB in front of a database open to 0.0.0.0/0 is an internet → data violation', async () => {
    const r = await verify(tree('0.0.0.0/0', attachment));
    const v = r.findings.filter(
      (f) => f.checkId === VERIFY_CHECKS.violation.id && f.evidence?.from === 'internet' && f.evidence?.to === 'data',
    );
    assert.equal(v.length, 1, JSON.stringify(r.findings.map((f) => [f.checkId, f.evidence?.from, f.evidence?.to])));
    const path_ = (v[0]!.evidence as { witness: { path: { what: string }[] } }).witness.path.map((h) => h.what);
    assert.ok(
      path_.some((w) => /listener TCP:5432 \(client address preserved\) of Network Load Balancer edge/.test(w)),
      path_.join('\n'),
    );
    assert.ok(
      path_.some((w) => /target group db: aws_instance\.db port 5432/.test(w)),
      path_.join('\n'),
    );
  });

  it('the database admitting only the VPC is not reachable through it (the NLB preserves the client address)', async () => {
    const r = await verify(tree('10.1.0.0/16', attachment));
    const cell = r.matrix.find((m) => m.from === 'internet' && m.to === 'data')!;
    assert.deepEqual(cell.configurationPermits, []);
    assert.deepEqual(cell.unknown, []);
  });

  it('a target group only a listener rule forwards to is followed too', async () => {
    const viaRule = `
resource "aws_lb_target_group" "other" {
  name     = "other"
  port     = 80
  protocol = "TCP"
  vpc_id   = aws_vpc.v.id
}
resource "aws_lb_listener_rule" "db" {
  listener_arn = aws_lb_listener.db.arn
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.other.arn
  }
}
resource "aws_lb_target_group_attachment" "db" {
  target_group_arn = aws_lb_target_group.other.arn
  target_id        = aws_instance.db.id
  port             = 5432
}`;
    const r = await verify(tree('0.0.0.0/0', viaRule));
    const v = r.findings.filter(
      (f) => f.checkId === VERIFY_CHECKS.violation.id && f.evidence?.from === 'internet' && f.evidence?.to === 'data',
    );
    assert.equal(v.length, 1);
    const path_ = (v[0]!.evidence as { witness: { path: { what: string }[] } }).witness.path.map((h) => h.what);
    assert.ok(
      path_.some((w) => /target group other \(by a listener rule\): aws_instance\.db port 5432/.test(w)),
      path_.join('\n'),
    );
  });

  it('targets an Auto Scaling group registers are not known before deploy: undecided, not assessed', async () => {
    const asg = `
resource "aws_launch_template" "db" {
  image_id               = "ami-0c02fb55956c7d316"
  instance_type          = "t3.medium"
  vpc_security_group_ids = [aws_security_group.db.id]
}
resource "aws_autoscaling_group" "db" {
  min_size            = 1
  max_size            = 2
  vpc_zone_identifier = [aws_subnet.data.id]
  target_group_arns   = [aws_lb_target_group.db.arn]
  launch_template {
    id = aws_launch_template.db.id
  }
}`;
    const r = await verify(tree('0.0.0.0/0', asg));
    const cell = r.matrix.find((m) => m.from === 'internet' && m.to === 'data')!;
    assert.deepEqual(cell.configurationPermits, []);
    assert.deepEqual(cell.unknown, ['tcp/5432']);
    assert.ok(
      r.findings.some(
        (f) => f.checkId === VERIFY_CHECKS.unknown.id && f.evidence?.from === 'internet' && f.evidence?.to === 'data',
      ),
    );
  });

  it('CloudFormation: the same NLB, its listener and a target group with the instance as a target', async () => {
    const template = (dbFrom: string, targets: string) => `
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.1.0.0/16 } }
  Igw: { Type: AWS::EC2::InternetGateway }
  IgwAttach: { Type: AWS::EC2::VPCGatewayAttachment, Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw } }
  Pub:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.1.0/24, Tags: [{ Key: SecurityZone, Value: application }] }
  PubRt: { Type: AWS::EC2::RouteTable, Properties: { VpcId: !Ref Vpc } }
  PubDefault:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PubRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw }
  PubAssoc: { Type: AWS::EC2::SubnetRouteTableAssociation, Properties: { SubnetId: !Ref Pub, RouteTableId: !Ref PubRt } }
  Data:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.3.0/24, Tags: [{ Key: SecurityZone, Value: data }] }
  LbSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: lb
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0 }]
  DbSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: ${dbFrom} }]
  Db:
    Type: AWS::EC2::Instance
    Properties: { ImageId: ami-0c02fb55956c7d316, InstanceType: t3.medium, SubnetId: !Ref Data, SecurityGroupIds: [!Ref DbSg] }
  Edge:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: { Type: network, Scheme: internet-facing, Subnets: [!Ref Pub], SecurityGroups: [!Ref LbSg] }
  DbTg:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Protocol: TCP
      Port: 5432
      VpcId: !Ref Vpc
${targets}
  DbListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Edge
      Port: 5432
      Protocol: TCP
      DefaultActions: [{ Type: forward, TargetGroupArn: !Ref DbTg }]
`;
    const listed = '      Targets: [{ Id: !Ref Db, Port: 5432 }]';
    const r = await verify(template('0.0.0.0/0', listed), 'stack.yaml');
    const v = r.findings.filter(
      (f) => f.checkId === VERIFY_CHECKS.violation.id && f.evidence?.from === 'internet' && f.evidence?.to === 'data',
    );
    assert.equal(v.length, 1, JSON.stringify(r.findings.map((f) => [f.checkId, f.evidence?.from, f.evidence?.to])));
    const closed = await verify(template('10.1.0.0/16', listed), 'stack.yaml');
    assert.deepEqual(closed.matrix.find((m) => m.from === 'internet' && m.to === 'data')!.configurationPermits, []);
    // No target listed: nothing behind the listener.
    const none = await verify(template('0.0.0.0/0', ''), 'stack.yaml');
    const cell = none.matrix.find((m) => m.from === 'internet' && m.to === 'data')!;
    assert.deepEqual([cell.configurationPermits, cell.unknown], [[], []]);
  });
});
