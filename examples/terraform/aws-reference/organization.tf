# The organisation's service control policies that concern AI (managed here with the workload for the example).

resource "aws_organizations_policy" "bedrock_through_vpce" {
  name        = "bedrock-through-vpce-only"
  description = "Bedrock runtime only through approved VPC endpoints"
  type        = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "DenyBedrockOutsideVpce"
      Effect   = "Deny"
      Action   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
      Resource = "*"
      Condition = {
        StringNotEqualsIfExists = { "aws:SourceVpce" = [aws_vpc_endpoint.bedrock_runtime.id] }
        BoolIfExists            = { "aws:ViaAWSService" = "false" }
      }
    }]
  })
}

resource "aws_organizations_policy" "customization_through_pipeline" {
  name        = "customization-through-pipeline"
  description = "Bedrock customization jobs only from the ML pipeline role"
  type        = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CustomizationOnlyThroughPipeline"
      Effect    = "Deny"
      Action    = "bedrock:CreateModelCustomizationJob"
      Resource  = "*"
      Condition = { ArnNotLike = { "aws:PrincipalArn" = "arn:aws:iam::*:role/ml-customization-pipeline" } }
    }]
  })
}
