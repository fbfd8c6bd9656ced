# Endpoints with the seed's mistakes: an open security group and no private DNS on the Bedrock runtime endpoint, a
# policy that trusts the organisation through StringEqualsIfExists, a VPC-wide group, a group on the wrong port, and
# the default full-access policy on logs.

locals {
  org_id     = "o-f6e5d4c3b2"
  inference  = [aws_subnet.prod["inf-a"].id, aws_subnet.prod["inf-b"].id]
  egress_all = { protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["0.0.0.0/0"] }
  security_groups = {
    "app-servers"          = { port = 443, to = 443, cidr = "10.1.0.0/16", description = "load balancer" }
    "inference-proxy"      = { port = 443, to = 443, cidr = "10.1.1.0/24", description = "application" }
    "vector-db"            = { port = 6333, to = 6334, cidr = "10.1.0.0/16", description = "qdrant clients (whole VPC: lateral movement)" }
    "code-sandbox"         = { port = 8443, to = 8443, cidr = "10.1.2.0/24", description = "inference agents" }
    "endpoints-vpc-wide"   = { port = 443, to = 443, cidr = "10.1.0.0/16", description = "callers" }
    "endpoints-wrong-port" = { port = 80, to = 80, cidr = "10.1.2.0/24", description = "callers" }
  }
}

resource "aws_security_group" "this" {
  for_each = local.security_groups
  name     = each.key
  vpc_id   = aws_vpc.prod.id
  ingress {
    description = each.value.description
    protocol    = "tcp"
    from_port   = each.value.port
    to_port     = each.value.to
    cidr_blocks = [each.value.cidr]
  }
  dynamic "egress" {
    for_each = [local.egress_all]
    content {
      protocol    = egress.value.protocol
      from_port   = egress.value.from_port
      to_port     = egress.value.to_port
      cidr_blocks = egress.value.cidr_blocks
    }
  }
}

resource "aws_security_group" "bedrock_endpoint_open" {
  name   = "bedrock-endpoint-open"
  vpc_id = aws_vpc.prod.id
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# The open ingress comes from a separate rule resource: the group itself looks closed.
resource "aws_vpc_security_group_ingress_rule" "bedrock_open" {
  security_group_id = aws_security_group.bedrock_endpoint_open.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  description       = "callers"
}

resource "aws_vpc_endpoint" "bedrock_runtime" {
  vpc_id              = aws_vpc.prod.id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.bedrock-runtime"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = false
  subnet_ids          = [aws_subnet.prod["inf-a"].id]
  security_group_ids  = [aws_security_group.bedrock_endpoint_open.id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AnyModelForOrg"
      Effect    = "Allow"
      Principal = "*"
      Action    = "bedrock:*"
      Resource  = "*"
      Condition = { StringEqualsIfExists = { "aws:PrincipalOrgID" = local.org_id } }
    }]
  })
}

resource "aws_vpc_endpoint" "bedrock" {
  vpc_id              = aws_vpc.prod.id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.bedrock"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = local.inference
  security_group_ids  = [aws_security_group.this["endpoints-vpc-wide"].id]
}

resource "aws_vpc_endpoint" "org_scoped" {
  for_each            = { "sts" = "sts:*", "bedrock-agent-runtime" = ["bedrock:InvokeAgent", "bedrock:Retrieve"] }
  vpc_id              = aws_vpc.prod.id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = local.inference
  security_group_ids  = [aws_security_group.this["endpoints-wrong-port"].id]
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

resource "aws_vpc_endpoint" "logs" {
  vpc_id              = aws_vpc.prod.id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.logs"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = local.inference
  policy              = jsonencode({ Version = "2008-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }] })
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.prod.id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_vpc.prod.main_route_table_id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OrgPrincipalsOnly"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject", "s3:PutObject"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org_id } }
    }]
  })
}
