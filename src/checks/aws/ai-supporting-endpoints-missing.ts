import { endpointsFor } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { interfaceEndpointTerraform } from './support.js';
import { interfaceEndpoints } from './snippets.js';

const SUPPORTING = ['sts', 'logs', 'secretsmanager', 'kms'];

export default defineAwsCheck({
  id: 'aws-ai-supporting-endpoints-missing',
  title: 'VPC hosting AI workloads lacks STS, CloudWatch Logs, Secrets Manager or KMS interface endpoints',
  severity: 'medium',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPC',
  rationale:
    'AI workloads also call STS (role credentials), CloudWatch Logs (invocation and application logs), Secrets Manager (API keys) and KMS (encrypted data and models). Without endpoints those calls go over the internet path, a back door around the isolated inference plane (seed 000: "ignoring the management plane").',
  remediation: {
    text: 'Create interface endpoints with private DNS for sts, logs, secretsmanager and kms.',
    snippet: interfaceEndpoints(['sts', 'logs', 'secretsmanager', 'kms']),
  },
  references: ['https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html'],
  seeds: [
    '004: extra endpoints (CloudWatch Logs, Secrets Manager, STS)',
    '003: traffic to S3 or KMS must not leave the AWS network',
    '000: Ignoring the management plane',
  ],
  requires: ['ec2:vpcs', 'ec2:subnets', 'ec2:vpc-endpoints'],
  run(ctx) {
    return [...ctx.zones.aiVpcs(ctx.scope)].map(([vpcId, reasons]): CheckResult => {
      const missing = SUPPORTING.filter(
        (s) => endpointsFor(ctx.zones, vpcId, s).filter((e) => e.type === 'Interface').length === 0,
      );
      const origin = ctx.zones.vpc(vpcId)?.origin;
      const base = { resource: { id: vpcId, type: 'AWS::EC2::VPC' }, ...(origin ? { origin } : {}) };
      if (missing.length > 0) {
        return {
          ...base,
          status: 'fail',
          message: `VPC ${vpcId} hosts AI workloads but has no interface endpoint for ${missing.join(', ')}`,
          evidence: { missing, whyThisVpc: reasons },
          remediation: {
            text: `Create interface endpoints for ${missing.join(', ')}.`,
            snippet: { language: 'terraform', code: interfaceEndpointTerraform(ctx.scope.region, vpcId, missing, []) },
          },
        };
      }
      return {
        ...base,
        status: 'pass',
        message: `VPC ${vpcId} has interface endpoints for ${SUPPORTING.join(', ')}`,
        evidence: { whyThisVpc: reasons },
      };
    });
  },
});
