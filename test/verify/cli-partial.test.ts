/**
 * `cordon verify` on input read only in part: `cordon scan` exits 2 on a data set read in part, and verify exited 0
 * with the scope "not verified" in its findings, so a CI gate running verify alone passed a network it never saw
 * whole (an instance whose subnet comes from a variable without a default). The fixture is small and written for
 * cordon.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { tmpTrees } from '../support/tmp-tree.js';

const tree = tmpTrees('cordon-verify-partial-');

const TF = (subnet: string) => `
provider "aws" {
  region = "us-east-1"
}
variable "subnet_id" {
  type = string
}
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_instance" "app" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app.id
}
resource "aws_instance" "other" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  subnet_id     = ${subnet}
}
`;

describe('cordon verify on data read in part', () => {
  it('exits 2 naming the scope, as scan does; --allow-partial judges by the findings', async () => {
    const dir = tree({ 'main.tf': TF('var.subnet_id') });
    const r = await runCli(['verify', dir, '-p', 'examples/cordon.yaml']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /1 scope\(s\) not verified, their network data read only in part \(iac\/us-east-1;/);
    assert.match(r.stdout, /ec2:network-interfaces incomplete: .*var\.subnet_id/);
    const scan = await runCli(['scan', dir, '-p', 'examples/cordon.yaml']);
    assert.equal(scan.code, 2, 'scan agrees');
    const allowed = await runCli(['verify', dir, '-p', 'examples/cordon.yaml', '--allow-partial']);
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  it('exits by the findings when the network was read whole', async () => {
    const dir = tree({ 'main.tf': TF('aws_subnet.app.id') });
    const r = await runCli(['verify', dir, '-p', 'examples/cordon.yaml']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
