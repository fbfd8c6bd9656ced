import { endpointsFor } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { interfaceEndpointTerraform } from './support.js';
import { interfaceEndpoints } from './snippets.js';

const SERVICES = ['sagemaker.api', 'sagemaker.runtime'];

export default defineAwsCheck({
  id: 'aws-sagemaker-endpoints-missing',
  title: 'VPC using SageMaker lacks sagemaker.api or sagemaker.runtime interface endpoints',
  severity: 'medium',
  service: 'sagemaker',
  resourceType: 'AWS::EC2::VPC',
  rationale:
    'Seed 001 lists com.amazonaws.<region>.sagemaker.api and sagemaker.runtime as the private path for SageMaker. Without them, API calls (CreateTrainingJob, DescribeModel) and InvokeEndpoint traffic from the VPC go to the public endpoints.',
  remediation: {
    text: 'Create interface endpoints with private DNS for sagemaker.api and sagemaker.runtime.',
    snippet: interfaceEndpoints(['sagemaker.api', 'sagemaker.runtime']),
  },
  references: ['https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html'],
  seeds: ['001: multi-cloud table, SageMaker (sagemaker.api, sagemaker.runtime)'],
  requires: [
    'ec2:subnets',
    'ec2:vpc-endpoints',
    'sagemaker:notebook-instances',
    'sagemaker:domains',
    'sagemaker:models',
    'sagemaker:training-jobs',
    'sagemaker:processing-jobs',
  ],
  run(ctx) {
    return [...ctx.zones.sagemakerVpcs(ctx.scope)].map(([vpcId, reasons]): CheckResult => {
      const missing = SERVICES.filter(
        (s) => endpointsFor(ctx.zones, vpcId, s).filter((e) => e.type === 'Interface').length === 0,
      );
      const origin = ctx.zones.vpc(vpcId)?.origin;
      const base = {
        resource: { id: vpcId, type: 'AWS::EC2::VPC' },
        ...(origin ? { origin } : {}),
        evidence: { whyThisVpc: reasons, missing },
      };
      return missing.length > 0
        ? {
            ...base,
            status: 'fail',
            message: `VPC ${vpcId} uses SageMaker but has no ${missing.join(' or ')} interface endpoint`,
            remediation: {
              text: `Create interface endpoints for ${missing.join(', ')}.`,
              snippet: {
                language: 'terraform',
                code: interfaceEndpointTerraform(ctx.scope.region, vpcId, missing, []),
              },
            },
          }
        : { ...base, status: 'pass', message: `VPC ${vpcId} has sagemaker.api and sagemaker.runtime endpoints` };
    });
  },
});
