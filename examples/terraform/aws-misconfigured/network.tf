# The misconfigured AI architecture of examples/aws/misconfigured, written as Terraform. Two VPCs: ai-prod, whose
# inference subnet inf-b routes to the internet gateway and whose data subnet routes through a NAT gateway, and
# ai-dev, without DNS hostnames, where a customization job runs in a data subnet.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["444455556666"]
}

data "aws_region" "current" {}

variable "prod_subnets" {
  type = map(object({ cidr = string, az = string, zone = string }))
  default = {
    "sandbox-a" = { cidr = "10.1.5.0/24", az = "us-east-1a", zone = "sandbox" }
    "app-a"     = { cidr = "10.1.1.0/24", az = "us-east-1a", zone = "application" }
    "inf-a"     = { cidr = "10.1.2.0/25", az = "us-east-1a", zone = "inference" }
    "inf-b"     = { cidr = "10.1.2.128/25", az = "us-east-1b", zone = "inference" }
    "data-a"    = { cidr = "10.1.3.0/24", az = "us-east-1a", zone = "data" }
  }
}

resource "aws_vpc" "prod" {
  cidr_block           = "10.1.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "ai-prod" }
}

resource "aws_vpc" "dev" {
  cidr_block = "10.2.0.0/16"
  # enable_dns_hostnames is left at the provider's default (false): private DNS of endpoints cannot work.
  tags = { Name = "ai-dev" }
}

resource "aws_subnet" "prod" {
  for_each          = var.prod_subnets
  vpc_id            = aws_vpc.prod.id
  cidr_block        = each.value.cidr
  availability_zone = each.value.az
  tags              = { Name = each.key, SecurityZone = each.value.zone }
}

resource "aws_subnet" "dev_inf_a" {
  vpc_id            = aws_vpc.dev.id
  cidr_block        = "10.2.2.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "dev-inf-a", SecurityZone = "inference" }
}

resource "aws_subnet" "dev_data_a" {
  vpc_id            = aws_vpc.dev.id
  cidr_block        = "10.2.3.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "dev-data-a", SecurityZone = "data" }
}

resource "aws_internet_gateway" "prod" {
  vpc_id = aws_vpc.prod.id
}

resource "aws_nat_gateway" "prod" {
  subnet_id = aws_subnet.prod["app-a"].id
}

resource "aws_route_table" "sandbox" {
  vpc_id = aws_vpc.prod.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.prod.id
  }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.prod.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.prod.id
  }
}

resource "aws_route_table" "data" {
  vpc_id = aws_vpc.prod.id
}

# The data tier's default route, as a separate resource: through the NAT gateway.
resource "aws_route" "data_default" {
  route_table_id         = aws_route_table.data.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.prod.id
}

resource "aws_route_table_association" "sandbox" {
  subnet_id      = aws_subnet.prod["sandbox-a"].id
  route_table_id = aws_route_table.sandbox.id
}

resource "aws_route_table_association" "public" {
  for_each       = toset(["app-a", "inf-b"])
  subnet_id      = aws_subnet.prod[each.key].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "data" {
  subnet_id      = aws_subnet.prod["data-a"].id
  route_table_id = aws_route_table.data.id
}

# inf-a's ACL admits only HTTPS from the VPC and lets only HTTPS out.
resource "aws_network_acl" "inference" {
  vpc_id     = aws_vpc.prod.id
  subnet_ids = [aws_subnet.prod["inf-a"].id]
  egress {
    rule_no    = 100
    protocol   = "6"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }
  ingress {
    rule_no    = 100
    protocol   = "6"
    action     = "allow"
    cidr_block = "10.1.0.0/16"
    from_port  = 443
    to_port    = 443
  }
}

resource "aws_flow_log" "prod" {
  vpc_id               = aws_vpc.prod.id
  traffic_type         = "ACCEPT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs-444455556666/ai/"
}

resource "aws_route53_resolver_query_log_config_association" "prod" {
  resolver_query_log_config_id = "rqlc-0b1b2c3d4e5f6001"
  resource_id                  = aws_vpc.prod.id
}

# The workloads of the snapshot's describe-network-interfaces-workloads.json: an app server, the model proxy in the
# inference subnet that routes to the internet, the vector database and the code sandbox. Their private addresses
# are picked at deploy; `cordon verify` stands each for every address of its subnet.
locals {
  workloads = {
    "app-server"   = { subnet = "app-a", group = "app-servers" }
    "model-proxy"  = { subnet = "inf-b", group = "inference-proxy" }
    "vector-db"    = { subnet = "data-a", group = "vector-db" }
    "code-sandbox" = { subnet = "sandbox-a", group = "code-sandbox" }
  }
}

resource "aws_instance" "workload" {
  for_each               = local.workloads
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.medium"
  subnet_id              = aws_subnet.prod[each.value.subnet].id
  vpc_security_group_ids = [aws_security_group.this[each.value.group].id]
  tags                   = { Name = each.key }
}
