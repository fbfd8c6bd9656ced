# The module's outputs that deployments read, as the module forms them.

output "vpc_id" {
  value = try(aws_vpc.this[0].id, null)
}

output "vpc_arn" {
  value = try(aws_vpc.this[0].arn, null)
}

output "vpc_cidr_block" {
  value = try(aws_vpc.this[0].cidr_block, null)
}

output "vpc_secondary_cidr_blocks" {
  value = compact(aws_vpc_ipv4_cidr_block_association.this[*].cidr_block)
}

output "default_security_group_id" {
  value = try(aws_vpc.this[0].default_security_group_id, null)
}

output "default_network_acl_id" {
  value = try(aws_vpc.this[0].default_network_acl_id, null)
}

output "default_route_table_id" {
  value = try(aws_vpc.this[0].default_route_table_id, null)
}

output "vpc_main_route_table_id" {
  value = try(aws_vpc.this[0].main_route_table_id, null)
}

output "igw_id" {
  value = try(aws_internet_gateway.this[0].id, null)
}

output "public_subnets" {
  value = aws_subnet.public[*].id
}

output "public_subnets_cidr_blocks" {
  value = compact(aws_subnet.public[*].cidr_block)
}

output "public_route_table_ids" {
  value = aws_route_table.public[*].id
}

output "public_network_acl_id" {
  value = try(aws_network_acl.public[0].id, null)
}

output "private_subnets" {
  value = aws_subnet.private[*].id
}

output "private_subnets_cidr_blocks" {
  value = compact(aws_subnet.private[*].cidr_block)
}

output "private_route_table_ids" {
  value = aws_route_table.private[*].id
}

output "private_network_acl_id" {
  value = try(aws_network_acl.private[0].id, null)
}

output "database_subnets" {
  value = aws_subnet.database[*].id
}

output "database_subnets_cidr_blocks" {
  value = compact(aws_subnet.database[*].cidr_block)
}

output "database_subnet_group" {
  value = try(aws_db_subnet_group.database[0].id, null)
}

output "database_subnet_group_name" {
  value = try(aws_db_subnet_group.database[0].name, null)
}

output "database_route_table_ids" {
  value = length(aws_route_table.database[*].id) > 0 ? aws_route_table.database[*].id : aws_route_table.private[*].id
}

output "database_network_acl_id" {
  value = try(aws_network_acl.database[0].id, null)
}

output "elasticache_subnets" {
  value = aws_subnet.elasticache[*].id
}

output "elasticache_subnets_cidr_blocks" {
  value = compact(aws_subnet.elasticache[*].cidr_block)
}

output "elasticache_subnet_group" {
  value = try(aws_elasticache_subnet_group.elasticache[0].id, null)
}

output "elasticache_subnet_group_name" {
  value = try(aws_elasticache_subnet_group.elasticache[0].name, null)
}

output "elasticache_route_table_ids" {
  value = try(coalescelist(aws_route_table.elasticache[*].id, aws_route_table.private[*].id), [])
}

output "elasticache_network_acl_id" {
  value = try(aws_network_acl.elasticache[0].id, null)
}

output "intra_subnets" {
  value = aws_subnet.intra[*].id
}

output "intra_subnets_cidr_blocks" {
  value = compact(aws_subnet.intra[*].cidr_block)
}

output "intra_route_table_ids" {
  value = aws_route_table.intra[*].id
}

output "intra_network_acl_id" {
  value = try(aws_network_acl.intra[0].id, null)
}

output "natgw_ids" {
  value = aws_nat_gateway.this[*].id
}

output "nat_ids" {
  value = aws_eip.nat[*].id
}

output "azs" {
  value = var.azs
}

output "name" {
  value = var.name
}

output "vpc_flow_log_id" {
  value = try(aws_flow_log.this[0].id, null)
}

output "vpc_flow_log_destination_arn" {
  value = local.flow_log_destination_arn
}

output "vpc_flow_log_destination_type" {
  value = var.flow_log_destination_type
}
