import { sagemakerSettingCheck } from './sagemaker-support.js';

export default sagemakerSettingCheck({
  id: 'aws-sagemaker-domain-public-internet',
  kind: 'domain',
  title: 'SageMaker domain uses PublicInternetOnly network access',
  severity: 'high',
  rationale:
    "With AppNetworkAccessType PublicInternetOnly, Studio apps reach the internet through SageMaker's own network, not your VPC: no egress control, no endpoint policies, no flow logs. VpcOnly sends all Studio traffic through your subnets.",
  remediation: {
    text: 'Set AppNetworkAccessType to VpcOnly (with private subnets and VPC endpoints for SageMaker, STS, S3 and logs).',
    snippet: {
      language: 'terraform',
      code: 'resource "aws_sagemaker_domain" "studio" {\n  # …\n  app_network_access_type = "VpcOnly"\n}',
    },
  },
  references: ['https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html'],
  seeds: ['001: multi-cloud table, SageMaker'],
  problem: (r) =>
    r.appNetworkAccessType !== 'VpcOnly'
      ? `domain ${r.name} uses ${r.appNetworkAccessType ?? 'PublicInternetOnly'}: Studio traffic bypasses the VPC`
      : undefined,
  ok: (r) => `domain ${r.name} is VpcOnly`,
});
