import { defineAwsCheck } from '../types.js';
import { bedrockEndpointResults } from './bedrock-runtime-endpoint-missing.js';
import { interfaceEndpoints } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-bedrock-control-plane-endpoint-missing',
  title: 'VPC using Bedrock has no bedrock (control plane) interface endpoint',
  severity: 'medium',
  service: 'bedrock',
  resourceType: 'AWS::EC2::VPC',
  rationale:
    'Bedrock has two APIs: the runtime (bedrock-runtime) and the control plane (bedrock: model listing, customization jobs, guardrails, provisioned throughput). With only the runtime endpoint, management calls still go to the public endpoint.',
  remediation: {
    text: 'Create a com.amazonaws.<region>.bedrock interface endpoint with private DNS next to the runtime endpoint.',
    snippet: interfaceEndpoints(['bedrock']),
  },
  references: ['https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html'],
  seeds: ['001: No endpoint for management API'],
  requires: ['ec2:vpcs', 'ec2:subnets', 'ec2:vpc-endpoints'],
  run: (ctx) =>
    bedrockEndpointResults(
      ctx,
      'bedrock',
      'control-plane calls (ListFoundationModels, CreateModelCustomizationJob, …)',
    ),
});
