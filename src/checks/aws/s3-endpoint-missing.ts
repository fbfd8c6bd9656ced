import { endpointsFor } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';

export default defineAwsCheck({
  id: 'aws-s3-endpoint-missing',
  title: 'VPC hosting AI workloads has no S3 endpoint',
  severity: 'high',
  service: 's3',
  resourceType: 'AWS::EC2::VPC',
  rationale:
    'Training data, batch inputs, model artifacts and logs live in S3. Without an S3 gateway (or interface) endpoint, that traffic leaves through a NAT or internet gateway; with none of those, customization jobs in the VPC fail to read their data (seed 003). The gateway endpoint is free.',
  remediation: {
    text: "Create an S3 gateway endpoint associated with the route tables of the AI subnets, with a policy limited to your organization's buckets.",
    snippet: {
      language: 'terraform',
      code: 'resource "aws_vpc_endpoint" "s3" {\n  vpc_id            = "vpc-…"\n  service_name      = "com.amazonaws.<region>.s3"\n  vpc_endpoint_type = "Gateway"\n  route_table_ids   = [/* route tables of the AI subnets */]\n}',
    },
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html',
    'https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-model-customization.html',
  ],
  seeds: ['003: Create an S3 VPC endpoint for customization jobs', '004: S3 gateway endpoint (free)'],
  requires: ['ec2:vpcs', 'ec2:subnets', 'ec2:vpc-endpoints'],
  run(ctx) {
    return [...ctx.zones.aiVpcs(ctx.scope)].map(([vpcId, reasons]): CheckResult => {
      const s3 = endpointsFor(ctx.zones, vpcId, 's3');
      const origin = ctx.zones.vpc(vpcId)?.origin;
      const base = { resource: { id: vpcId, type: 'AWS::EC2::VPC' }, ...(origin ? { origin } : {}) };
      if (s3.length === 0) {
        return {
          ...base,
          status: 'fail',
          message: `VPC ${vpcId} hosts AI workloads but has no S3 endpoint: training data and artifacts go through NAT/internet gateways`,
          evidence: { whyThisVpc: reasons },
          remediation: {
            text: 'Create an S3 gateway endpoint.',
            snippet: {
              language: 'terraform',
              code: `resource "aws_vpc_endpoint" "s3" {\n  vpc_id            = "${vpcId}"\n  service_name      = "com.amazonaws.${ctx.scope.region}.s3"\n  vpc_endpoint_type = "Gateway"\n  route_table_ids   = [/* route tables of the AI subnets */]\n}`,
            },
          },
        };
      }
      return {
        ...base,
        status: 'pass',
        message: `VPC ${vpcId} has an S3 endpoint (${s3.map((e) => `${e.id} ${e.type}`).join(', ')})`,
        evidence: { whyThisVpc: reasons },
      };
    });
  },
});
