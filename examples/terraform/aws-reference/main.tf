# The reference AI architecture of examples/aws/reference, written as Terraform: Bedrock and SageMaker reached only
# through interface endpoints in the inference zone, endpoint policies scoped to the organisation, flow logs and DNS
# query logging on, and SCPs that force Bedrock calls through the endpoint.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = ["111122223333"]
}

variable "region" {
  type    = string
  default = "us-east-1"
}

locals {
  org_id = "o-a1b2c3d4e5"
  tags   = { Owner = "ml-platform", DataSensitivity = "confidential", CostCenter = "cc-4410" }
}

data "aws_region" "current" {}

module "network" {
  source = "./modules/network"
  name   = "ai-reference"
  cidr   = "10.0.0.0/16"
  tags   = local.tags
  subnets = {
    "app-a"  = { netnum = 2, newbits = 9, az = "us-east-1a", zone = "application" }
    "app-b"  = { netnum = 3, newbits = 9, az = "us-east-1b", zone = "application" }
    "inf-a"  = { netnum = 4, newbits = 9, az = "us-east-1a", zone = "inference" }
    "inf-b"  = { netnum = 5, newbits = 9, az = "us-east-1b", zone = "inference" }
    "data-a" = { netnum = 3, newbits = 8, az = "us-east-1a", zone = "data" }
    "mgmt-a" = { netnum = 4, newbits = 8, az = "us-east-1a", zone = "management" }
    "sbx-a"  = { netnum = 5, newbits = 8, az = "us-east-1a", zone = "sandbox" }
  }
}

locals {
  inference_subnets = [module.network.subnet_ids["inf-a"], module.network.subnet_ids["inf-b"]]
  # Interface endpoints and what their policy allows, to principals of the organisation only.
  interface_endpoints = {
    "bedrock"           = ["bedrock:List*", "bedrock:Get*", "bedrock:CreateModelCustomizationJob", "bedrock:StopModelCustomizationJob"]
    "sts"               = ["sts:*"]
    "logs"              = ["logs:*"]
    "secretsmanager"    = ["secretsmanager:GetSecretValue"]
    "kms"               = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    "sagemaker.api"     = ["sagemaker:*"]
    "sagemaker.runtime" = ["sagemaker:*"]
  }
}

resource "aws_security_group" "ai_endpoints" {
  name   = "ai-endpoints"
  vpc_id = module.network.vpc_id
  ingress {
    description = "callers"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.2.0/24"]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "application" {
  name   = "application"
  vpc_id = module.network.vpc_id
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# The application tier's HTTPS ingress, as a separate rule resource.
resource "aws_security_group_rule" "application_https" {
  type              = "ingress"
  security_group_id = aws_security_group.application.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "callers"
}

resource "aws_security_group" "inference" {
  name   = "inference"
  vpc_id = module.network.vpc_id
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "inference_https" {
  security_group_id = aws_security_group.inference.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.0.1.0/24"
  description       = "callers"
}

resource "aws_security_group" "ai_training" {
  name   = "ai-training"
  vpc_id = module.network.vpc_id
  tags   = local.tags
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

data "aws_iam_policy_document" "bedrock_runtime" {
  statement {
    sid     = "ApprovedModelsForOrgPrincipals"
    actions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = [
      "arn:aws:bedrock:${data.aws_region.current.name}::foundation-model/anthropic.claude-*",
      "arn:aws:bedrock:${data.aws_region.current.name}::foundation-model/amazon.titan-*",
    ]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = [local.org_id]
    }
  }
}

resource "aws_vpc_endpoint" "bedrock_runtime" {
  vpc_id              = module.network.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.bedrock-runtime"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = local.inference_subnets
  security_group_ids  = [aws_security_group.ai_endpoints.id]
  policy              = data.aws_iam_policy_document.bedrock_runtime.json
}

resource "aws_vpc_endpoint" "interface" {
  for_each            = local.interface_endpoints
  vpc_id              = module.network.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = local.inference_subnets
  security_group_ids  = [aws_security_group.ai_endpoints.id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OrgPrincipalsOnly"
      Effect    = "Allow"
      Principal = "*"
      Action    = each.value
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org_id } }
    }]
  })
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = module.network.vpc_id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [module.network.main_route_table_id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OrgDataOnly"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org_id, "aws:ResourceOrgID" = local.org_id } }
    }]
  })
}

resource "aws_flow_log" "vpc" {
  vpc_id               = module.network.vpc_id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs-111122223333/ai/"
  log_format           = "$${version} $${account-id} $${interface-id} $${srcaddr} $${dstaddr} $${srcport} $${dstport} $${protocol} $${packets} $${bytes} $${start} $${end} $${action} $${log-status} $${vpc-id} $${subnet-id} $${flow-direction} $${pkt-srcaddr} $${pkt-dstaddr} $${traffic-path}"
}

resource "aws_route53_resolver_query_log_config" "ai" {
  name            = "ai-dns"
  destination_arn = "arn:aws:s3:::dns-logs-111122223333"
}

resource "aws_route53_resolver_query_log_config_association" "ai" {
  resolver_query_log_config_id = aws_route53_resolver_query_log_config.ai.id
  resource_id                  = module.network.vpc_id
}

# Hybrid DNS as in the snapshot: on-premises names go to the corporate resolvers; AWS service names stay with the
# VPC's own resolution (the endpoints' private DNS), which cordon verify checks.
resource "aws_route53_resolver_rule" "corp" {
  name                 = "corp-names-to-on-premises"
  domain_name          = "corp.example.com"
  rule_type            = "FORWARD"
  resolver_endpoint_id = "rslvr-out-0a1b2c3d4e5f6001"
  target_ip {
    ip = "192.168.10.53"
  }
  target_ip {
    ip = "192.168.11.53"
  }
}

resource "aws_route53_resolver_rule_association" "corp" {
  resolver_rule_id = aws_route53_resolver_rule.corp.id
  vpc_id           = module.network.vpc_id
}

# The model proxies of the snapshot's describe-network-interfaces.json, one per inference subnet; their addresses
# are picked at deploy.
resource "aws_instance" "model_proxy" {
  for_each               = toset(["inf-a", "inf-b"])
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.medium"
  subnet_id              = module.network.subnet_ids[each.key]
  vpc_security_group_ids = [aws_security_group.inference.id]
  tags                   = { Name = "model-proxy-${each.key}" }
}
