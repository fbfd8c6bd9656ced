/**
 * Prefixes delegated to a network interface declared in infrastructure as code (Terraform `aws_network_interface`
 * `ipv4_prefixes` / `ipv4_prefix_count`, CloudFormation `AWS::EC2::NetworkInterface` `Ipv4Prefixes` /
 * `Ipv4PrefixCount`): EKS prefix mode hands their addresses to pods, behind the interface's security groups. The
 * sandbox's egress reaches only part of the data subnet, where the interface's own address is not: the pods are
 * reachable there. Before, only the interface's own address was modelled and the tree verified clean.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zonePairVerifier } from '../support/verify-zones.js';

const verify = zonePairVerifier('cordon-iac-prefix-');

async function sandboxToData(file: string, text: string) {
  return sandboxToDataTree({ [file]: text });
}

async function sandboxToDataTree(files: Record<string, string>) {
  const r = await verify(files);
  assert.deepEqual(r.inputErrors, []);
  return r;
}

/** The sandbox (egress to `reach` on 6333 only) and the data subnet with the node's interface (own address .10). */
const terraform = (reach: string, prefixes: string) => `
provider "aws" { region = "us-east-1" }
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "sandbox" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.5.0/24"
}
resource "aws_subnet" "data" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.3.0/24"
}
resource "aws_security_group" "sandbox" {
  vpc_id = aws_vpc.main.id
  egress {
    protocol    = "tcp"
    from_port   = 6333
    to_port     = 6333
    cidr_blocks = ["${reach}"]
  }
}
resource "aws_instance" "agent" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.medium"
  subnet_id              = aws_subnet.sandbox.id
  private_ip             = "10.0.5.10"
  vpc_security_group_ids = [aws_security_group.sandbox.id]
}
resource "aws_security_group" "node" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol    = "tcp"
    from_port   = 6333
    to_port     = 6333
    cidr_blocks = ["10.0.0.0/16"]
  }
}
resource "aws_network_interface" "node" {
  subnet_id       = aws_subnet.data.id
  private_ips     = ["10.0.3.10"]
  security_groups = [aws_security_group.node.id]
  ${prefixes}
}
`;

describe('verify on Terraform: prefixes delegated to a declared interface', () => {
  it('literal ipv4_prefixes are the interface’s addresses: the sandbox reaching them is a violation', async () => {
    const { cell, violations } = await sandboxToData(
      'main.tf',
      terraform('10.0.3.32/28', 'ipv4_prefixes = ["10.0.3.32/28"]'),
    );
    assert.deepEqual(cell.configurationPermits, ['tcp/6333']);
    assert.equal(violations.length, 1);
    assert.match(violations[0]!.message, /10\.0\.3\.3\d/);
  });
  it('ipv4_prefix_count: the pods’ prefixes lie anywhere in the subnet, so a part the sandbox reaches is reached', async () => {
    const { cell, violations } = await sandboxToData('main.tf', terraform('10.0.3.128/25', 'ipv4_prefix_count = 1'));
    assert.deepEqual(cell.configurationPermits, ['tcp/6333']);
    assert.equal(violations.length, 1);
    assert.match(violations[0]!.message, /eni:aws_network_interface\.node#prefixes \[address assigned at deploy/);
  });
  it('without prefixes the interface’s own address is not reached: nothing', async () => {
    const { cell, violations } = await sandboxToData('main.tf', terraform('10.0.3.128/25', ''));
    assert.deepEqual(cell.configurationPermits, []);
    assert.equal(violations.length, 0);
  });
  it('ipv6_prefix_count: addresses with no stand-in, so the scope is not verified, naming the attribute', async () => {
    const { notAssessed } = await sandboxToData('main.tf', terraform('10.0.3.128/25', 'ipv6_prefix_count = 1'));
    assert.ok(
      notAssessed.some((m) => /ipv6_prefix_count/.test(m) && /main\.tf/.test(m)),
      notAssessed.join('\n'),
    );
  });
});

const template = (reach: string, prefixes: string) => `
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  SandboxSubnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.5.0/24 } }
  DataSubnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.3.0/24 } }
  SandboxGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: agent
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{ IpProtocol: tcp, FromPort: 6333, ToPort: 6333, CidrIp: ${reach} }]
  Agent:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0c02fb55956c7d316
      SubnetId: !Ref SandboxSubnet
      PrivateIpAddress: 10.0.5.10
      SecurityGroupIds: [!Ref SandboxGroup]
  NodeGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: node
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 6333, ToPort: 6333, CidrIp: 10.0.0.0/16 }]
  Node:
    Type: AWS::EC2::NetworkInterface
    Properties:
      SubnetId: !Ref DataSubnet
      PrivateIpAddress: 10.0.3.10
      GroupSet: [!Ref NodeGroup]
${prefixes}
`;

describe('verify on CloudFormation: prefixes delegated to a declared interface', () => {
  it('Ipv4Prefixes and Ipv4PrefixCount reach the pods; none, nothing; Ipv6PrefixCount, not verified', async () => {
    const literal = await sandboxToData(
      'template.yaml',
      template('10.0.3.32/28', '      Ipv4Prefixes: [{ Ipv4Prefix: 10.0.3.32/28 }]'),
    );
    assert.equal(literal.violations.length, 1);
    const counted = await sandboxToData('template.yaml', template('10.0.3.128/25', '      Ipv4PrefixCount: 2'));
    assert.equal(counted.violations.length, 1);
    const none = await sandboxToData('template.yaml', template('10.0.3.128/25', ''));
    assert.equal(none.violations.length, 0);
    const v6 = await sandboxToData('template.yaml', template('10.0.3.128/25', '      Ipv6PrefixCount: 1'));
    assert.ok(
      v6.notAssessed.some((m) => /IPv6 prefix/.test(m) && /template\.yaml/.test(m)),
      v6.notAssessed.join('\n'),
    );
  });
});

describe('verify on CloudFormation: two top-level templates declaring the same logical ids', () => {
  it('are two stacks: each instance is judged by its own template’s groups (qualified by the template’s name)', async () => {
    // a.yaml's node admits the sandbox's range; b.yaml's, declared under the same logical ids, admits nothing. One
    // inventory id for both made the later template's group the only one, and the violation vanished.
    const open = template('10.0.3.0/24', '');
    const closed = open.replace(
      'SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 6333, ToPort: 6333, CidrIp: 10.0.0.0/16 }]',
      'SecurityGroupIngress: []',
    );
    assert.notEqual(open, closed);
    const r = await sandboxToDataTree({ 'a.yaml': open, 'b.yaml': closed });
    assert.equal(r.violations.length, 1, r.violations.map((f) => f.message).join('\n'));
    assert.match(r.violations[0]!.message, /a\.yaml:/);
    const alone = await sandboxToDataTree({ 'b.yaml': closed });
    assert.equal(alone.violations.length, 0);
  });
});
