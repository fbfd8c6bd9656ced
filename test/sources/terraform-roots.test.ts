/**
 * A tree holding several root modules (a module repository's examples/basic, examples/advanced…) is several
 * deployments. AWS resources are keyed by their Terraform address, so two roots each declaring `aws_vpc.this` once
 * became one VPC holding both roots' subnets and instances, and each root's rules applied to the other's. The fixture
 * is small and written for cordon.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { tmpTrees } from '../support/tmp-tree.js';

const tree = tmpTrees('cordon-tf-roots-');

const ROOT = (cidr: string) => `
provider "aws" {
  region = "us-east-1"
}
module "net" {
  source = "../../modules/net"
  cidr   = "${cidr}"
}
resource "aws_instance" "app" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  subnet_id     = module.net.subnet_id
}
`;
const NET = `
variable "cidr" {
  type = string
}
resource "aws_vpc" "this" {
  cidr_block = var.cidr
}
resource "aws_subnet" "this" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 8, 1)
  availability_zone = "us-east-1a"
}
output "subnet_id" {
  value = aws_subnet.this.id
}
`;

async function load(files: Record<string, string>) {
  const dir = tree(files);
  const r = await loadTerraform(dir, (await partitionSnapshot(dir)).terraform, { cwd: dir });
  assert.deepEqual(r.errors, []);
  return r.inventory!;
}

describe('Terraform trees with several root modules', () => {
  it("keeps each root's resources apart, named by the root's folder", async () => {
    const inv = await load({
      'examples/basic/main.tf': ROOT('10.0.0.0/16'),
      'examples/advanced/main.tf': ROOT('10.1.0.0/16'),
      'modules/net/main.tf': NET,
    });
    assert.deepEqual(inv.vpcs.map((v) => [v.id, v.cidrs[0]]).sort(), [
      ['examples/advanced:module.net.aws_vpc.this', '10.1.0.0/16'],
      ['examples/basic:module.net.aws_vpc.this', '10.0.0.0/16'],
    ]);
    assert.deepEqual(inv.subnets.map((s) => [s.id, s.vpcId, s.cidr]).sort(), [
      ['examples/advanced:module.net.aws_subnet.this', 'examples/advanced:module.net.aws_vpc.this', '10.1.1.0/24'],
      ['examples/basic:module.net.aws_subnet.this', 'examples/basic:module.net.aws_vpc.this', '10.0.1.0/24'],
    ]);
    const eni = (root: string) =>
      inv.networkInterfaces.find(
        (n) => n.description?.includes(`${root}:aws_instance.app`) || n.id.includes(`${root}:aws_instance.app`),
      );
    assert.equal(eni('examples/basic')?.subnetId, 'examples/basic:module.net.aws_subnet.this');
    assert.equal(eni('examples/advanced')?.subnetId, 'examples/advanced:module.net.aws_subnet.this');
  });

  it('a tree with one root keeps plain addresses', async () => {
    const inv = await load({ 'root/main.tf': ROOT('10.0.0.0/16').replace('../../modules', '..'), 'net/main.tf': NET });
    assert.deepEqual(
      inv.vpcs.map((v) => v.id),
      ['module.net.aws_vpc.this'],
    );
  });
});
