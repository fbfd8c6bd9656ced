/**
 * The IaC mappings of customer-provided services and delegated prefixes (endpoint services' principals and
 * accepters, azurerm Private Link services, google service attachments, interface prefixes) given values of any shape
 * and unknown ones: never a crash, only located errors, a value not known before deploy marks its data set partial,
 * and the rest of the tree is still read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadCloudFormation } from '../../src/sources/iac/cloudformation/load.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { tmpTrees } from '../support/tmp-tree.js';

const tree = tmpTrees('cordon-iac-values-');
const folder = (file: string, text: string) => tree({ [file]: text });

/** HCL expressions of every shape, an unknown among them. */
const hcl = fc.constantFrom(
  '"x"',
  '"10.0.3.0/28"',
  '5',
  '-1',
  'true',
  'null',
  '[]',
  '["a", 1, null]',
  '{ a = 1 }',
  '[{ b = "c" }]',
  'var.unset',
  '[var.unset]',
  'aws_vpc.v.id',
);

const TERRAFORM = (v: string[]) => `
provider "aws" { region = "us-east-1" }
provider "azurerm" {
  features {}
  subscription_id = "00000000-0000-0000-0000-000000000001"
}
provider "google" {
  project = "p"
  region  = "us-central1"
}
variable "unset" {}
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.3.0/24"
}
resource "aws_vpc_endpoint_service" "svc" {
  acceptance_required        = ${v[0]}
  allowed_principals         = ${v[1]}
  network_load_balancer_arns = ${v[2]}
}
resource "aws_vpc_endpoint_service_allowed_principal" "p" {
  vpc_endpoint_service_id = ${v[3]}
  principal_arn           = ${v[4]}
}
resource "aws_vpc_endpoint" "e" {
  vpc_id            = aws_vpc.v.id
  service_name      = aws_vpc_endpoint_service.svc.service_name
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.s.id]
  auto_accept       = ${v[5]}
}
resource "aws_vpc_endpoint_connection_accepter" "a" {
  vpc_endpoint_service_id = ${v[6]}
  vpc_endpoint_id         = aws_vpc_endpoint.e.id
}
resource "aws_network_interface" "n" {
  subnet_id         = aws_subnet.s.id
  ipv4_prefixes     = ${v[7]}
  ipv4_prefix_count = ${v[8]}
  ipv6_prefix_count = ${v[9]}
}
resource "azurerm_private_link_service" "pls" {
  name                                        = "pls"
  resource_group_name                         = "rg"
  location                                    = "eastus"
  load_balancer_frontend_ip_configuration_ids = ${v[10]}
  auto_approval_subscription_ids              = ${v[11]}
  nat_ip_configuration {
    name               = "nat"
    subnet_id          = ${v[12]}
    private_ip_address = ${v[13]}
  }
}
resource "google_compute_service_attachment" "sa" {
  name                  = "sa"
  target_service        = ${v[14]}
  nat_subnets           = ${v[15]}
  connection_preference = ${v[16]}
  consumer_reject_lists = ${v[17]}
  enable_proxy_protocol = false
}
`;

const CLOUDFORMATION = (v: string[]) => `
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Unset: { Type: String }
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Subnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.3.0/24 } }
  Service:
    Type: AWS::EC2::VPCEndpointService
    Properties: { AcceptanceRequired: ${v[0]}, NetworkLoadBalancerArns: ${v[1]} }
  Permissions:
    Type: AWS::EC2::VPCEndpointServicePermissions
    Properties: { ServiceId: ${v[2]}, AllowedPrincipals: ${v[3]} }
  Node:
    Type: AWS::EC2::NetworkInterface
    Properties:
      SubnetId: !Ref Subnet
      Ipv4Prefixes: ${v[4]}
      Ipv4PrefixCount: ${v[5]}
      Ipv6Prefixes: ${v[6]}
      Ipv6PrefixCount: ${v[7]}
`;

/** YAML values of every shape, an unknown among them. */
const yaml = fc.constantFrom(
  'x',
  '"10.0.3.0/28"',
  '5',
  'true',
  'null',
  '[]',
  '[a, 1, null]',
  '{ a: 1 }',
  '[{ Ipv4Prefix: 10.0.3.16/28 }]',
  '[{ Ipv4Prefix: !Ref Unset }]',
  '!Ref Unset',
  '!Ref Service',
);

describe('IaC private services and prefixes: values of any shape', () => {
  it('Terraform: no crash, located errors only, the VPC still read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hcl, { minLength: 18, maxLength: 18 }), async (v) => {
        const root = folder('main.tf', TERRAFORM(v));
        const r = await loadTerraform(root, (await partitionSnapshot(root)).terraform);
        for (const e of r.errors) assert.ok((e.position.line ?? 0) >= 1, e.format());
        assert.ok(r.inventory!.vpcs.some((x) => x.id === 'aws_vpc.v'));
        // A value not known before deploy is never taken as a pass: some data set is partial then.
        if (v.some((x) => x.includes('var.unset')))
          assert.ok(r.inventory!.partial.size + (r.azure?.partial.size ?? 0) + (r.gcp?.partial.size ?? 0) > 0);
      }),
      { numRuns: 40 },
    );
  });
  it('CloudFormation: no crash, located errors only, the VPC still read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(yaml, { minLength: 8, maxLength: 8 }), async (v) => {
        const root = folder('template.yaml', CLOUDFORMATION(v));
        const r = await loadCloudFormation(root, (await partitionSnapshot(root)).cloudformation);
        for (const e of r.errors) assert.ok((e.position.line ?? 0) >= 1, e.format());
        assert.ok(r.inventory.vpcs.some((x) => x.id === 'Vpc'));
      }),
      { numRuns: 40 },
    );
  });
});
