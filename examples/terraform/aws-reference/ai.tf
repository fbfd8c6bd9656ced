# AI workloads of the reference architecture: SageMaker in the inference zone with network isolation, a Bedrock
# customization job in the data zone, and the streaming front end's load balancer.

resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "research-nb"
  instance_type          = "ml.t3.medium"
  role_arn               = "arn:aws:iam::111122223333:role/sagemaker-notebooks"
  subnet_id              = module.network.subnet_ids["inf-a"]
  security_groups        = [aws_security_group.inference.id]
  direct_internet_access = "Disabled"
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "ai-studio"
  auth_mode               = "IAM"
  vpc_id                  = module.network.vpc_id
  subnet_ids              = local.inference_subnets
  app_network_access_type = "VpcOnly"
  default_user_settings {
    execution_role  = "arn:aws:iam::111122223333:role/sagemaker-studio"
    security_groups = [aws_security_group.inference.id]
  }
}

resource "aws_sagemaker_model" "ranker" {
  name                     = "support-ranker"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker-models"
  enable_network_isolation = true
  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/ranker:1"
  }
  vpc_config {
    subnets            = local.inference_subnets
    security_group_ids = [aws_security_group.inference.id]
  }
}

resource "aws_bedrock_custom_model" "assistant" {
  custom_model_name     = "support-assistant"
  job_name              = "support-assistant-ft"
  base_model_identifier = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"
  role_arn              = "arn:aws:iam::111122223333:role/ml-customization-pipeline"
  hyperparameters       = { epochCount = "1" }
  output_data_config {
    s3_uri = "s3://ml-artifacts-111122223333/output/"
  }
  training_data_config {
    s3_uri = "s3://ml-artifacts-111122223333/train.jsonl"
  }
  vpc_config {
    subnet_ids         = [module.network.subnet_ids["data-a"]]
    security_group_ids = [aws_security_group.ai_training.id]
  }
}

resource "aws_lb" "frontend" {
  name               = "ai-frontend"
  load_balancer_type = "application"
  internal           = false
  subnets            = [module.network.subnet_ids["app-a"], module.network.subnet_ids["app-b"]]
  security_groups    = [aws_security_group.application.id]
  idle_timeout       = 900
}

# The load balancer admits HTTPS from anywhere, and so from the VPC too: the application subnets' network ACL refuses
# it from the other zones (the zone policy lets only the internet and the application zone in). Replies to the
# application's own calls arrive on ephemeral ports and pass.
resource "aws_network_acl" "application" {
  vpc_id     = module.network.vpc_id
  subnet_ids = [module.network.subnet_ids["app-a"], module.network.subnet_ids["app-b"]]

  dynamic "ingress" {
    for_each = { 100 = "10.0.2.0/24", 110 = "10.0.3.0/24", 120 = "10.0.4.0/24", 130 = "10.0.5.0/24" }
    content {
      rule_no    = ingress.key
      action     = "deny"
      protocol   = "tcp"
      from_port  = 443
      to_port    = 443
      cidr_block = ingress.value
    }
  }
  ingress {
    rule_no    = 200
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}
