# cordon's model of terraform-aws-modules/vpc/aws: what the module deploys for the inputs in variables.tf, restated from
# its source (versions 5.0.0 to 6.x) so that cordon reads a call that was never `terraform init`ed. Counts, names and
# tags follow the module's own logic; only the resources that shape the network are stated.

locals {
  len_public   = length(var.public_subnets)
  len_private  = length(var.private_subnets)
  len_database = length(var.database_subnets)
  len_intra    = length(var.intra_subnets)
  len_cache    = length(var.elasticache_subnets)

  # Intra subnets do not count from 5.1.2 on (registry-models.ts refuses a call that admits an earlier version and
  # where they would).
  max_subnet_length = max(local.len_private, local.len_public, local.len_database, local.len_cache)

  create_vpc = var.create_vpc
  vpc_id     = try(aws_vpc_ipv4_cidr_block_association.this[0].vpc_id, aws_vpc.this[0].id, "")

  # A zone the module places by name (us-east-1a: two letters and a dash first) or else by zone id (use1-az1).
  az_by_name = [for az in var.azs : length(az) > 2 && substr(az, 2, 1) == "-" && contains(local.letters, substr(az, 0, 1)) && contains(local.letters, substr(az, 1, 1))]
  letters    = split("", "abcdefghijklmnopqrstuvwxyz")

  create_public   = local.create_vpc && local.len_public > 0
  create_private  = local.create_vpc && local.len_private > 0
  create_database = local.create_vpc && local.len_database > 0
  create_intra    = local.create_vpc && local.len_intra > 0
  create_cache    = local.create_vpc && local.len_cache > 0

  create_database_route_table = local.create_database && var.create_database_subnet_route_table
  shared_database_route_table = var.single_nat_gateway || var.create_database_internet_gateway_route

  nat_gateway_count = var.single_nat_gateway ? 1 : var.one_nat_gateway_per_az ? length(var.azs) : local.max_subnet_length
}

resource "aws_vpc" "this" {
  count = local.create_vpc ? 1 : 0

  cidr_block           = var.cidr
  instance_tenancy     = var.instance_tenancy
  enable_dns_hostnames = var.enable_dns_hostnames
  enable_dns_support   = var.enable_dns_support

  tags = merge({ "Name" = var.name }, var.tags, var.vpc_tags)
}

resource "aws_vpc_ipv4_cidr_block_association" "this" {
  count = local.create_vpc ? length(var.secondary_cidr_blocks) : 0

  vpc_id     = aws_vpc.this[0].id
  cidr_block = element(var.secondary_cidr_blocks, count.index)
}

# Public subnets: one route table for all, its default route to the internet gateway.

resource "aws_subnet" "public" {
  # With one NAT gateway per zone the module creates no public subnet unless there is one per zone.
  count = local.create_public && (!var.one_nat_gateway_per_az || local.len_public >= length(var.azs)) ? local.len_public : 0

  vpc_id                  = local.vpc_id
  cidr_block              = element(concat(var.public_subnets, [""]), count.index)
  availability_zone       = element(local.az_by_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id    = element(local.az_by_name, count.index) ? null : element(var.azs, count.index)
  map_public_ip_on_launch = var.map_public_ip_on_launch

  tags = merge(
    { Name = try(var.public_subnet_names[count.index], format("${var.name}-${var.public_subnet_suffix}-%s", element(var.azs, count.index))) },
    var.tags,
    var.public_subnet_tags,
    lookup(var.public_subnet_tags_per_az, element(var.azs, count.index), {}),
  )
}

resource "aws_route_table" "public" {
  count = local.create_public ? 1 : 0

  vpc_id = local.vpc_id
  tags   = merge({ "Name" = "${var.name}-${var.public_subnet_suffix}" }, var.tags, var.public_route_table_tags)
}

resource "aws_route_table_association" "public" {
  count = local.create_public ? local.len_public : 0

  subnet_id      = element(aws_subnet.public[*].id, count.index)
  route_table_id = aws_route_table.public[0].id
}

resource "aws_route" "public_internet_gateway" {
  count = local.create_public && var.create_igw ? 1 : 0

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_network_acl" "public" {
  count = local.create_public && var.public_dedicated_network_acl ? 1 : 0

  vpc_id     = local.vpc_id
  subnet_ids = aws_subnet.public[*].id
  tags       = merge({ "Name" = "${var.name}-${var.public_subnet_suffix}" }, var.tags, var.public_acl_tags)
}

resource "aws_network_acl_rule" "public_inbound" {
  count = local.create_public && var.public_dedicated_network_acl ? length(var.public_inbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.public[0].id
  egress          = false
  rule_number     = var.public_inbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.public_inbound_acl_rules[count.index]["rule_action"]
  protocol        = var.public_inbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.public_inbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.public_inbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.public_inbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.public_inbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.public_inbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.public_inbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

resource "aws_network_acl_rule" "public_outbound" {
  count = local.create_public && var.public_dedicated_network_acl ? length(var.public_outbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.public[0].id
  egress          = true
  rule_number     = var.public_outbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.public_outbound_acl_rules[count.index]["rule_action"]
  protocol        = var.public_outbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.public_outbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.public_outbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.public_outbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.public_outbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.public_outbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.public_outbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

# Private subnets: one route table per NAT gateway (as many as nat_gateway_count, NAT or not), the n-th subnet on the
# n-th table (the first with a single NAT gateway), each with its default route to its NAT gateway when enabled.

resource "aws_subnet" "private" {
  count = local.create_private ? local.len_private : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.private_subnets, [""]), count.index)
  availability_zone    = element(local.az_by_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_by_name, count.index) ? null : element(var.azs, count.index)

  tags = merge(
    { Name = try(var.private_subnet_names[count.index], format("${var.name}-${var.private_subnet_suffix}-%s", element(var.azs, count.index))) },
    var.tags,
    var.private_subnet_tags,
    lookup(var.private_subnet_tags_per_az, element(var.azs, count.index), {}),
  )
}

resource "aws_route_table" "private" {
  count = local.create_private && local.max_subnet_length > 0 ? local.nat_gateway_count : 0

  vpc_id = local.vpc_id
  tags = merge(
    { "Name" = var.single_nat_gateway ? "${var.name}-${var.private_subnet_suffix}" : format("${var.name}-${var.private_subnet_suffix}-%s", element(var.azs, count.index)) },
    var.tags,
    var.private_route_table_tags,
  )
}

resource "aws_route_table_association" "private" {
  count = local.create_private ? local.len_private : 0

  subnet_id      = element(aws_subnet.private[*].id, count.index)
  route_table_id = element(aws_route_table.private[*].id, var.single_nat_gateway ? 0 : count.index)
}

resource "aws_network_acl" "private" {
  count = local.create_private && var.private_dedicated_network_acl ? 1 : 0

  vpc_id     = local.vpc_id
  subnet_ids = aws_subnet.private[*].id
  tags       = merge({ "Name" = "${var.name}-${var.private_subnet_suffix}" }, var.tags, var.private_acl_tags)
}

resource "aws_network_acl_rule" "private_inbound" {
  count = local.create_private && var.private_dedicated_network_acl ? length(var.private_inbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.private[0].id
  egress          = false
  rule_number     = var.private_inbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.private_inbound_acl_rules[count.index]["rule_action"]
  protocol        = var.private_inbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.private_inbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.private_inbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.private_inbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.private_inbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.private_inbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.private_inbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

resource "aws_network_acl_rule" "private_outbound" {
  count = local.create_private && var.private_dedicated_network_acl ? length(var.private_outbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.private[0].id
  egress          = true
  rule_number     = var.private_outbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.private_outbound_acl_rules[count.index]["rule_action"]
  protocol        = var.private_outbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.private_outbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.private_outbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.private_outbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.private_outbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.private_outbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.private_outbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

# Database subnets: on the private route tables, unless they have their own (shared with a single NAT gateway or an
# internet route, else one per subnet), with a default route to the internet gateway or the NAT gateways when asked.

resource "aws_subnet" "database" {
  count = local.create_database ? local.len_database : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.database_subnets, [""]), count.index)
  availability_zone    = element(local.az_by_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_by_name, count.index) ? null : element(var.azs, count.index)

  tags = merge(
    { Name = try(var.database_subnet_names[count.index], format("${var.name}-${var.database_subnet_suffix}-%s", element(var.azs, count.index))) },
    var.tags,
    var.database_subnet_tags,
  )
}

resource "aws_db_subnet_group" "database" {
  count = local.create_database && var.create_database_subnet_group ? 1 : 0

  name        = lower(coalesce(var.database_subnet_group_name, var.name))
  description = "Database subnet group for ${var.name}"
  subnet_ids  = aws_subnet.database[*].id
  tags        = merge({ "Name" = lower(coalesce(var.database_subnet_group_name, var.name)) }, var.tags, var.database_subnet_group_tags)
}

resource "aws_route_table" "database" {
  count = local.create_database_route_table ? (local.shared_database_route_table ? 1 : local.len_database) : 0

  vpc_id = local.vpc_id
  tags = merge(
    { "Name" = local.shared_database_route_table ? "${var.name}-${var.database_subnet_suffix}" : format("${var.name}-${var.database_subnet_suffix}-%s", element(var.azs, count.index)) },
    var.tags,
    var.database_route_table_tags,
  )
}

resource "aws_route_table_association" "database" {
  count = local.create_database ? local.len_database : 0

  subnet_id = element(aws_subnet.database[*].id, count.index)
  route_table_id = element(
    coalescelist(aws_route_table.database[*].id, aws_route_table.private[*].id),
    var.create_database_subnet_route_table && local.shared_database_route_table ? 0 : count.index,
  )
}

resource "aws_route" "database_internet_gateway" {
  count = local.create_database_route_table && var.create_igw && var.create_database_internet_gateway_route && !var.create_database_nat_gateway_route ? 1 : 0

  route_table_id         = aws_route_table.database[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route" "database_nat_gateway" {
  count = local.create_database_route_table && !var.create_database_internet_gateway_route && var.create_database_nat_gateway_route && var.enable_nat_gateway ? (var.single_nat_gateway ? 1 : local.len_database) : 0

  route_table_id         = element(aws_route_table.database[*].id, count.index)
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = element(aws_nat_gateway.this[*].id, count.index)
}

resource "aws_network_acl" "database" {
  count = local.create_database && var.database_dedicated_network_acl ? 1 : 0

  vpc_id     = local.vpc_id
  subnet_ids = aws_subnet.database[*].id
  tags       = merge({ "Name" = "${var.name}-${var.database_subnet_suffix}" }, var.tags, var.database_acl_tags)
}

resource "aws_network_acl_rule" "database_inbound" {
  count = local.create_database && var.database_dedicated_network_acl ? length(var.database_inbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.database[0].id
  egress          = false
  rule_number     = var.database_inbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.database_inbound_acl_rules[count.index]["rule_action"]
  protocol        = var.database_inbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.database_inbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.database_inbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.database_inbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.database_inbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.database_inbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.database_inbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

resource "aws_network_acl_rule" "database_outbound" {
  count = local.create_database && var.database_dedicated_network_acl ? length(var.database_outbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.database[0].id
  egress          = true
  rule_number     = var.database_outbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.database_outbound_acl_rules[count.index]["rule_action"]
  protocol        = var.database_outbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.database_outbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.database_outbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.database_outbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.database_outbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.database_outbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.database_outbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

# ElastiCache subnets: on the private route tables (the first with a single NAT gateway), unless they have their own
# (one, with no route out).

resource "aws_subnet" "elasticache" {
  count = local.create_cache ? local.len_cache : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.elasticache_subnets, [""]), count.index)
  availability_zone    = element(local.az_by_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_by_name, count.index) ? null : element(var.azs, count.index)

  tags = merge(
    { Name = try(var.elasticache_subnet_names[count.index], format("${var.name}-${var.elasticache_subnet_suffix}-%s", element(var.azs, count.index))) },
    var.tags,
    var.elasticache_subnet_tags,
  )
}

resource "aws_elasticache_subnet_group" "elasticache" {
  count = local.create_cache && var.create_elasticache_subnet_group ? 1 : 0

  name        = coalesce(var.elasticache_subnet_group_name, var.name)
  description = "ElastiCache subnet group for ${var.name}"
  subnet_ids  = aws_subnet.elasticache[*].id
  tags        = merge({ "Name" = coalesce(var.elasticache_subnet_group_name, var.name) }, var.tags, var.elasticache_subnet_group_tags)
}

resource "aws_route_table" "elasticache" {
  count = local.create_cache && var.create_elasticache_subnet_route_table ? 1 : 0

  vpc_id = local.vpc_id
  tags   = merge({ "Name" = "${var.name}-${var.elasticache_subnet_suffix}" }, var.tags, var.elasticache_route_table_tags)
}

resource "aws_route_table_association" "elasticache" {
  count = local.create_cache ? local.len_cache : 0

  subnet_id = element(aws_subnet.elasticache[*].id, count.index)
  route_table_id = element(
    coalescelist(aws_route_table.elasticache[*].id, aws_route_table.private[*].id),
    var.single_nat_gateway || var.create_elasticache_subnet_route_table ? 0 : count.index,
  )
}

resource "aws_network_acl" "elasticache" {
  count = local.create_cache && var.elasticache_dedicated_network_acl ? 1 : 0

  vpc_id     = local.vpc_id
  subnet_ids = aws_subnet.elasticache[*].id
  tags       = merge({ "Name" = "${var.name}-${var.elasticache_subnet_suffix}" }, var.tags, var.elasticache_acl_tags)
}

resource "aws_network_acl_rule" "elasticache_inbound" {
  count = local.create_cache && var.elasticache_dedicated_network_acl ? length(var.elasticache_inbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.elasticache[0].id
  egress          = false
  rule_number     = var.elasticache_inbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.elasticache_inbound_acl_rules[count.index]["rule_action"]
  protocol        = var.elasticache_inbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.elasticache_inbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.elasticache_inbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.elasticache_inbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.elasticache_inbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.elasticache_inbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.elasticache_inbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

resource "aws_network_acl_rule" "elasticache_outbound" {
  count = local.create_cache && var.elasticache_dedicated_network_acl ? length(var.elasticache_outbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.elasticache[0].id
  egress          = true
  rule_number     = var.elasticache_outbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.elasticache_outbound_acl_rules[count.index]["rule_action"]
  protocol        = var.elasticache_outbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.elasticache_outbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.elasticache_outbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.elasticache_outbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.elasticache_outbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.elasticache_outbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.elasticache_outbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

# Intra subnets: one route table for all, with no route out of the VPC.

resource "aws_subnet" "intra" {
  count = local.create_intra ? local.len_intra : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.intra_subnets, [""]), count.index)
  availability_zone    = element(local.az_by_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_by_name, count.index) ? null : element(var.azs, count.index)

  tags = merge(
    { Name = try(var.intra_subnet_names[count.index], format("${var.name}-${var.intra_subnet_suffix}-%s", element(var.azs, count.index))) },
    var.tags,
    var.intra_subnet_tags,
  )
}

resource "aws_route_table" "intra" {
  count = local.create_intra ? 1 : 0

  vpc_id = local.vpc_id
  tags   = merge({ "Name" = "${var.name}-${var.intra_subnet_suffix}" }, var.tags, var.intra_route_table_tags)
}

resource "aws_route_table_association" "intra" {
  count = local.create_intra ? local.len_intra : 0

  subnet_id      = element(aws_subnet.intra[*].id, count.index)
  route_table_id = aws_route_table.intra[0].id
}

resource "aws_network_acl" "intra" {
  count = local.create_intra && var.intra_dedicated_network_acl ? 1 : 0

  vpc_id     = local.vpc_id
  subnet_ids = aws_subnet.intra[*].id
  tags       = merge({ "Name" = "${var.name}-${var.intra_subnet_suffix}" }, var.tags, var.intra_acl_tags)
}

resource "aws_network_acl_rule" "intra_inbound" {
  count = local.create_intra && var.intra_dedicated_network_acl ? length(var.intra_inbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.intra[0].id
  egress          = false
  rule_number     = var.intra_inbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.intra_inbound_acl_rules[count.index]["rule_action"]
  protocol        = var.intra_inbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.intra_inbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.intra_inbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.intra_inbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.intra_inbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.intra_inbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.intra_inbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

resource "aws_network_acl_rule" "intra_outbound" {
  count = local.create_intra && var.intra_dedicated_network_acl ? length(var.intra_outbound_acl_rules) : 0

  network_acl_id  = aws_network_acl.intra[0].id
  egress          = true
  rule_number     = var.intra_outbound_acl_rules[count.index]["rule_number"]
  rule_action     = var.intra_outbound_acl_rules[count.index]["rule_action"]
  protocol        = var.intra_outbound_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.intra_outbound_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.intra_outbound_acl_rules[count.index], "to_port", null)
  icmp_code       = lookup(var.intra_outbound_acl_rules[count.index], "icmp_code", null)
  icmp_type       = lookup(var.intra_outbound_acl_rules[count.index], "icmp_type", null)
  cidr_block      = lookup(var.intra_outbound_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.intra_outbound_acl_rules[count.index], "ipv6_cidr_block", null)
}

# Internet and NAT gateways. The n-th NAT gateway is in the n-th public subnet (the first with a single one).

resource "aws_internet_gateway" "this" {
  count = local.create_public && var.create_igw ? 1 : 0

  vpc_id = local.vpc_id
  tags   = merge({ "Name" = var.name }, var.tags, var.igw_tags)
}

resource "aws_eip" "nat" {
  count = local.create_vpc && var.enable_nat_gateway ? local.nat_gateway_count : 0

  domain = "vpc"
  tags   = merge({ "Name" = format("${var.name}-%s", element(var.azs, var.single_nat_gateway ? 0 : count.index)) }, var.tags, var.nat_eip_tags)
}

resource "aws_nat_gateway" "this" {
  count = local.create_vpc && var.enable_nat_gateway ? local.nat_gateway_count : 0

  allocation_id = element(aws_eip.nat[*].id, var.single_nat_gateway ? 0 : count.index)
  subnet_id     = element(aws_subnet.public[*].id, var.single_nat_gateway ? 0 : count.index)
  tags          = merge({ "Name" = format("${var.name}-%s", element(var.azs, var.single_nat_gateway ? 0 : count.index)) }, var.tags, var.nat_gateway_tags)
}

resource "aws_route" "private_nat_gateway" {
  count = local.create_vpc && var.enable_nat_gateway ? local.nat_gateway_count : 0

  route_table_id         = element(aws_route_table.private[*].id, count.index)
  destination_cidr_block = var.nat_gateway_destination_cidr_block
  nat_gateway_id         = element(aws_nat_gateway.this[*].id, count.index)
}

# The VPC's default security group (no rule unless given: the module empties it), network ACL and route table.

resource "aws_default_security_group" "this" {
  count = local.create_vpc && var.manage_default_security_group ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  dynamic "ingress" {
    for_each = var.default_security_group_ingress
    content {
      self             = lookup(ingress.value, "self", null)
      cidr_blocks      = compact(split(",", lookup(ingress.value, "cidr_blocks", "")))
      ipv6_cidr_blocks = compact(split(",", lookup(ingress.value, "ipv6_cidr_blocks", "")))
      prefix_list_ids  = compact(split(",", lookup(ingress.value, "prefix_list_ids", "")))
      security_groups  = compact(split(",", lookup(ingress.value, "security_groups", "")))
      description      = lookup(ingress.value, "description", null)
      from_port        = lookup(ingress.value, "from_port", 0)
      to_port          = lookup(ingress.value, "to_port", 0)
      protocol         = lookup(ingress.value, "protocol", "-1")
    }
  }

  dynamic "egress" {
    for_each = var.default_security_group_egress
    content {
      self             = lookup(egress.value, "self", null)
      cidr_blocks      = compact(split(",", lookup(egress.value, "cidr_blocks", "")))
      ipv6_cidr_blocks = compact(split(",", lookup(egress.value, "ipv6_cidr_blocks", "")))
      prefix_list_ids  = compact(split(",", lookup(egress.value, "prefix_list_ids", "")))
      security_groups  = compact(split(",", lookup(egress.value, "security_groups", "")))
      description      = lookup(egress.value, "description", null)
      from_port        = lookup(egress.value, "from_port", 0)
      to_port          = lookup(egress.value, "to_port", 0)
      protocol         = lookup(egress.value, "protocol", "-1")
    }
  }

  tags = merge({ "Name" = coalesce(var.default_security_group_name, "${var.name}-default") }, var.tags, var.default_security_group_tags)
}

resource "aws_default_network_acl" "this" {
  count = local.create_vpc && var.manage_default_network_acl ? 1 : 0

  default_network_acl_id = aws_vpc.this[0].default_network_acl_id

  dynamic "ingress" {
    for_each = var.default_network_acl_ingress
    content {
      action          = ingress.value.action
      cidr_block      = lookup(ingress.value, "cidr_block", null)
      from_port       = ingress.value.from_port
      icmp_code       = lookup(ingress.value, "icmp_code", null)
      icmp_type       = lookup(ingress.value, "icmp_type", null)
      ipv6_cidr_block = lookup(ingress.value, "ipv6_cidr_block", null)
      protocol        = ingress.value.protocol
      rule_no         = ingress.value.rule_no
      to_port         = ingress.value.to_port
    }
  }

  dynamic "egress" {
    for_each = var.default_network_acl_egress
    content {
      action          = egress.value.action
      cidr_block      = lookup(egress.value, "cidr_block", null)
      from_port       = egress.value.from_port
      icmp_code       = lookup(egress.value, "icmp_code", null)
      icmp_type       = lookup(egress.value, "icmp_type", null)
      ipv6_cidr_block = lookup(egress.value, "ipv6_cidr_block", null)
      protocol        = egress.value.protocol
      rule_no         = egress.value.rule_no
      to_port         = egress.value.to_port
    }
  }

  tags = merge({ "Name" = coalesce(var.default_network_acl_name, "${var.name}-default") }, var.tags, var.default_network_acl_tags)
}

resource "aws_default_route_table" "default" {
  count = local.create_vpc && var.manage_default_route_table ? 1 : 0

  default_route_table_id = aws_vpc.this[0].default_route_table_id
  tags                   = merge({ "Name" = coalesce(var.default_route_table_name, "${var.name}-default") }, var.tags, var.default_route_table_tags)
}
