# The AI VPC of the reference architecture: one subnet per zone and AZ, a public route table for the application
# tier only, and everything else on the main route table (local routes and the S3 gateway endpoint).

variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

variable "subnets" {
  description = "name => { index of the /24 (or /25 when half is set), az, zone, extra tags }"
  type        = map(object({ netnum = number, newbits = number, az = string, zone = string }))
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "this" {
  for_each          = var.subnets
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, each.value.newbits, each.value.netnum)
  availability_zone = each.value.az
  tags = merge(
    { Name = each.key, SecurityZone = each.value.zone },
    each.value.zone == "data" ? var.tags : {},
  )
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }
}

resource "aws_route_table_association" "public" {
  for_each       = { for k, s in var.subnets : k => s if s.zone == "application" }
  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = aws_route_table.public.id
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "subnet_ids" {
  value = { for k, s in aws_subnet.this : k => s.id }
}

output "main_route_table_id" {
  value = aws_vpc.this.main_route_table_id
}
