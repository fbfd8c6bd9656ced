/** Generic remediation snippets shared by several checks (findings fill in their own ids where they can). */
import { interfaceEndpointTerraform } from './support.js';

type Snippet = { language: string; code: string };

export const ENDPOINT_SECURITY_GROUP: Snippet = {
  language: 'terraform',
  code: `resource "aws_security_group" "ai_endpoints" {
  name   = "ai-endpoints"
  vpc_id = "vpc-…"
  ingress {
    description = "HTTPS from the calling (inference) zone only"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.2.0/24"] # the calling zone's subnets, never 0.0.0.0/0 or the whole VPC
  }
}`,
};

export function interfaceEndpoints(services: string[]): Snippet {
  return { language: 'terraform', code: interfaceEndpointTerraform('<region>', 'vpc-…', services, []) };
}

export const REMOVE_INTERNET_ROUTE: Snippet = {
  language: 'shell',
  code: `# Drop the default route to the internet/NAT gateway from the subnet's route table
aws ec2 delete-route --route-table-id rtb-… --destination-cidr-block 0.0.0.0/0
aws ec2 delete-route --route-table-id rtb-… --destination-ipv6-cidr-block ::/0`,
};

export const S3_GATEWAY_ENDPOINT: Snippet = {
  language: 'terraform',
  code: `resource "aws_vpc_endpoint" "s3" {
  vpc_id            = "vpc-…"
  service_name      = "com.amazonaws.<region>.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [/* route tables of the AI and training subnets */]
}`,
};

export const ENDPOINT_IN_EVERY_AZ: Snippet = {
  language: 'terraform',
  code: `resource "aws_vpc_endpoint" "bedrock_runtime" {
  # …
  subnet_ids = [aws_subnet.inference_a.id, aws_subnet.inference_b.id, aws_subnet.inference_c.id] # one per caller AZ
}`,
};

export const REQUIRED_TAGS: Snippet = {
  language: 'terraform',
  code: `provider "aws" {
  default_tags {
    tags = { Owner = "ml-platform", DataSensitivity = "confidential", CostCenter = "cc-…" }
  }
}`,
};

export const SAGEMAKER_MODEL_ISOLATED: Snippet = {
  language: 'terraform',
  code: `resource "aws_sagemaker_model" "m" {
  # …
  enable_network_isolation = true
  vpc_config {
    subnets            = ["subnet-…"]
    security_group_ids = ["sg-…"]
  }
}`,
};

export const SAGEMAKER_TRAINING_ISOLATED: Snippet = {
  language: 'shell',
  code: `aws sagemaker create-training-job … \\
  --enable-network-isolation \\
  --vpc-config SecurityGroupIds=sg-…,Subnets=subnet-…,subnet-…`,
};

export const SAGEMAKER_PROCESSING_ISOLATED: Snippet = {
  language: 'shell',
  code: `aws sagemaker create-processing-job … \\
  --network-config '{"EnableNetworkIsolation": true, "VpcConfig": {"SecurityGroupIds": ["sg-…"], "Subnets": ["subnet-…"]}}'`,
};

export const SAGEMAKER_NOTEBOOK_IN_VPC: Snippet = {
  language: 'terraform',
  code: `resource "aws_sagemaker_notebook_instance" "nb" {
  # …
  subnet_id              = "subnet-…"
  security_groups        = ["sg-…"]
  direct_internet_access = "Disabled"
}`,
};
