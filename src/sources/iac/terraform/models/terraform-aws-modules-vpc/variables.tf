# cordon's model of terraform-aws-modules/vpc/aws (versions 5.0.0 to 6.x, see ../../registry-models.ts): the inputs
# it reads, with the module's own types and defaults. A call passing any other input is not read through the model.

variable "create_vpc" {
  type    = bool
  default = true
}

variable "name" {
  type    = string
  default = ""
}

variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "secondary_cidr_blocks" {
  type    = list(string)
  default = []
}

variable "instance_tenancy" {
  type    = string
  default = "default"
}

variable "azs" {
  type    = list(string)
  default = []
}

variable "enable_dns_hostnames" {
  type    = bool
  default = true
}

variable "enable_dns_support" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "vpc_tags" {
  type    = map(string)
  default = {}
}

# Public subnets

variable "public_subnets" {
  type    = list(string)
  default = []
}

variable "public_subnet_names" {
  type    = list(string)
  default = []
}

variable "public_subnet_suffix" {
  type    = string
  default = "public"
}

variable "public_subnet_tags" {
  type    = map(string)
  default = {}
}

variable "public_subnet_tags_per_az" {
  type    = map(map(string))
  default = {}
}

variable "map_public_ip_on_launch" {
  type    = bool
  default = false
}

variable "public_route_table_tags" {
  type    = map(string)
  default = {}
}

variable "public_dedicated_network_acl" {
  type    = bool
  default = false
}

variable "public_inbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "public_outbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "public_acl_tags" {
  type    = map(string)
  default = {}
}

# Private subnets

variable "private_subnets" {
  type    = list(string)
  default = []
}

variable "private_subnet_names" {
  type    = list(string)
  default = []
}

variable "private_subnet_suffix" {
  type    = string
  default = "private"
}

variable "private_subnet_tags" {
  type    = map(string)
  default = {}
}

variable "private_subnet_tags_per_az" {
  type    = map(map(string))
  default = {}
}

variable "private_route_table_tags" {
  type    = map(string)
  default = {}
}

variable "private_dedicated_network_acl" {
  type    = bool
  default = false
}

variable "private_inbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "private_outbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "private_acl_tags" {
  type    = map(string)
  default = {}
}

# Database subnets

variable "database_subnets" {
  type    = list(string)
  default = []
}

variable "database_subnet_names" {
  type    = list(string)
  default = []
}

variable "database_subnet_suffix" {
  type    = string
  default = "db"
}

variable "database_subnet_tags" {
  type    = map(string)
  default = {}
}

variable "create_database_subnet_route_table" {
  type    = bool
  default = false
}

variable "create_database_internet_gateway_route" {
  type    = bool
  default = false
}

variable "create_database_nat_gateway_route" {
  type    = bool
  default = false
}

variable "database_route_table_tags" {
  type    = map(string)
  default = {}
}

variable "create_database_subnet_group" {
  type    = bool
  default = true
}

variable "database_subnet_group_name" {
  type    = string
  default = null
}

variable "database_subnet_group_tags" {
  type    = map(string)
  default = {}
}

variable "database_dedicated_network_acl" {
  type    = bool
  default = false
}

variable "database_inbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "database_outbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "database_acl_tags" {
  type    = map(string)
  default = {}
}

# ElastiCache subnets (on the private route tables unless they have their own, with no route out)

variable "elasticache_subnets" {
  type    = list(string)
  default = []
}

variable "elasticache_subnet_names" {
  type    = list(string)
  default = []
}

variable "elasticache_subnet_suffix" {
  type    = string
  default = "elasticache"
}

variable "elasticache_subnet_tags" {
  type    = map(string)
  default = {}
}

variable "create_elasticache_subnet_route_table" {
  type    = bool
  default = false
}

variable "elasticache_route_table_tags" {
  type    = map(string)
  default = {}
}

variable "create_elasticache_subnet_group" {
  type    = bool
  default = true
}

variable "elasticache_subnet_group_name" {
  type    = string
  default = null
}

variable "elasticache_subnet_group_tags" {
  type    = map(string)
  default = {}
}

variable "elasticache_dedicated_network_acl" {
  type    = bool
  default = false
}

variable "elasticache_inbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "elasticache_outbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "elasticache_acl_tags" {
  type    = map(string)
  default = {}
}

# Intra subnets (no route out of the VPC)

variable "intra_subnets" {
  type    = list(string)
  default = []
}

variable "intra_subnet_names" {
  type    = list(string)
  default = []
}

variable "intra_subnet_suffix" {
  type    = string
  default = "intra"
}

variable "intra_subnet_tags" {
  type    = map(string)
  default = {}
}

variable "intra_route_table_tags" {
  type    = map(string)
  default = {}
}

variable "intra_dedicated_network_acl" {
  type    = bool
  default = false
}

variable "intra_inbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "intra_outbound_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "intra_acl_tags" {
  type    = map(string)
  default = {}
}

# Gateways

variable "create_igw" {
  type    = bool
  default = true
}

variable "igw_tags" {
  type    = map(string)
  default = {}
}

variable "enable_nat_gateway" {
  type    = bool
  default = false
}

variable "single_nat_gateway" {
  type    = bool
  default = false
}

variable "one_nat_gateway_per_az" {
  type    = bool
  default = false
}

variable "nat_gateway_destination_cidr_block" {
  type    = string
  default = "0.0.0.0/0"
}

variable "nat_gateway_tags" {
  type    = map(string)
  default = {}
}

variable "nat_eip_tags" {
  type    = map(string)
  default = {}
}

# The VPC's default security group, network ACL and route table

variable "manage_default_security_group" {
  type    = bool
  default = true
}

variable "default_security_group_name" {
  type    = string
  default = null
}

variable "default_security_group_ingress" {
  type    = list(map(string))
  default = []
}

variable "default_security_group_egress" {
  type    = list(map(string))
  default = []
}

variable "default_security_group_tags" {
  type    = map(string)
  default = {}
}

variable "manage_default_network_acl" {
  type    = bool
  default = true
}

variable "default_network_acl_name" {
  type    = string
  default = null
}

variable "default_network_acl_ingress" {
  type = list(map(string))
  default = [
    { rule_no = 100, action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
    { rule_no = 101, action = "allow", from_port = 0, to_port = 0, protocol = "-1", ipv6_cidr_block = "::/0" },
  ]
}

variable "default_network_acl_egress" {
  type = list(map(string))
  default = [
    { rule_no = 100, action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
    { rule_no = 101, action = "allow", from_port = 0, to_port = 0, protocol = "-1", ipv6_cidr_block = "::/0" },
  ]
}

variable "default_network_acl_tags" {
  type    = map(string)
  default = {}
}

variable "manage_default_route_table" {
  type    = bool
  default = true
}

variable "default_route_table_name" {
  type    = string
  default = null
}

variable "default_route_table_tags" {
  type    = map(string)
  default = {}
}

# The VPC flow log (vpc-flow-logs.tf of the module). The IAM role's inputs deploy nothing cordon reads; they are
# declared so a call passing them is read.

variable "enable_flow_log" {
  type    = bool
  default = false
}

variable "flow_log_traffic_type" {
  type    = string
  default = "ALL"
}

variable "flow_log_destination_type" {
  type    = string
  default = "cloud-watch-logs"
}

variable "flow_log_log_format" {
  type    = string
  default = null
}

variable "flow_log_destination_arn" {
  type    = string
  default = ""
}

variable "flow_log_max_aggregation_interval" {
  type    = number
  default = 600
}

variable "flow_log_file_format" {
  type    = string
  default = null
}

variable "flow_log_hive_compatible_partitions" {
  type    = bool
  default = false
}

variable "flow_log_per_hour_partition" {
  type    = bool
  default = false
}

variable "vpc_flow_log_tags" {
  type    = map(string)
  default = {}
}

variable "create_flow_log_cloudwatch_log_group" {
  type    = bool
  default = false
}

variable "flow_log_cloudwatch_log_group_name_prefix" {
  type    = string
  default = "/aws/vpc-flow-log/"
}

variable "flow_log_cloudwatch_log_group_name_suffix" {
  type    = string
  default = ""
}

variable "flow_log_cloudwatch_log_group_retention_in_days" {
  type    = number
  default = null
}

variable "flow_log_cloudwatch_log_group_kms_key_id" {
  type    = string
  default = null
}

variable "create_flow_log_cloudwatch_iam_role" {
  type    = bool
  default = false
}

variable "flow_log_cloudwatch_iam_role_arn" {
  type    = string
  default = ""
}
