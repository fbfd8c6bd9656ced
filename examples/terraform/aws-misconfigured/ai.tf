# AI workloads with the seed's mistakes: a notebook with direct internet access outside any VPC, a Studio domain on
# public internet, a model without network isolation, customization jobs without a VPC or in a subnet that routes to
# the internet, an agent, an SCP that forgets InvokeModelWithResponseStream, and a 60-second ALB idle timeout.

resource "aws_sagemaker_notebook_instance" "scratch" {
  name          = "scratch-nb"
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::444455556666:role/sagemaker-notebooks"
}

resource "aws_sagemaker_domain" "claims" {
  domain_name = "claims-studio"
  auth_mode   = "IAM"
  vpc_id      = aws_vpc.prod.id
  subnet_ids  = [aws_subnet.prod["inf-a"].id]
  default_user_settings {
    execution_role = "arn:aws:iam::444455556666:role/sagemaker-studio"
  }
}

resource "aws_sagemaker_model" "ranker" {
  name               = "claims-ranker"
  execution_role_arn = "arn:aws:iam::444455556666:role/sagemaker-models"
  primary_container {
    image = "444455556666.dkr.ecr.us-east-1.amazonaws.com/ranker:1"
  }
}

locals {
  customization_jobs = {
    "claims-ft-dev"           = { subnets = [aws_subnet.dev_data_a.id], groups = [] }
    "claims-ft-no-vpc"        = null
    "claims-ft-public-subnet" = { subnets = [aws_subnet.prod["inf-b"].id], groups = [aws_security_group.this["endpoints-vpc-wide"].id] }
  }
}

resource "aws_bedrock_custom_model" "claims" {
  for_each              = local.customization_jobs
  custom_model_name     = "${each.key}-model"
  job_name              = each.key
  base_model_identifier = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"
  role_arn              = "arn:aws:iam::444455556666:role/claims-ft"
  hyperparameters       = { epochCount = "1" }
  output_data_config {
    s3_uri = "s3://claims-artifacts-444455556666/output/"
  }
  training_data_config {
    s3_uri = "s3://claims-artifacts-444455556666/train.jsonl"
  }
  dynamic "vpc_config" {
    for_each = each.value == null ? [] : [each.value]
    content {
      subnet_ids         = vpc_config.value.subnets
      security_group_ids = vpc_config.value.groups
    }
  }
}

resource "aws_bedrockagent_agent" "claims_helper" {
  agent_name              = "claims-helper"
  agent_resource_role_arn = "arn:aws:iam::444455556666:role/agents"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
}

resource "aws_lb" "claims_frontend" {
  name               = "claims-frontend"
  load_balancer_type = "application"
  subnets            = [aws_subnet.prod["app-a"].id]
}

resource "aws_organizations_policy" "bedrock_invoke_via_vpce" {
  name = "bedrock-invoke-via-vpce"
  type = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyNonVPCEndpointAccess"
      Effect    = "Deny"
      Action    = "bedrock:InvokeModel"
      Resource  = "*"
      Condition = { StringNotEquals = { "aws:sourceVpce" = [aws_vpc_endpoint.bedrock_runtime.id] } }
    }]
  })
}
