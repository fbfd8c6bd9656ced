import { defineAwsCheck, type CheckResult } from '../types.js';
import { jobResource } from './job-support.js';

export default defineAwsCheck({
  id: 'aws-bedrock-customization-job-without-vpc',
  title: 'Bedrock model customization job runs without a VPC configuration',
  severity: 'high',
  service: 'bedrock',
  resourceType: 'AWS::Bedrock::ModelCustomizationJob',
  rationale:
    "Seed 003: without vpcConfig, the compute AWS runs for fine-tuning or continued pre-training reads training data from S3 over public service endpoints, outside your network controls. The signal is the absence of a VPC in the job's configuration.",
  remediation: {
    text: 'Create customization jobs with a VPC configuration (private subnets with an S3 endpoint, a security group), and deny jobs without one by SCP.',
    snippet: {
      language: 'shell',
      code: 'aws bedrock create-model-customization-job … --vpc-config subnetIds=subnet-…,subnet-…,securityGroupIds=sg-…',
    },
  },
  references: ['https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-model-customization.html'],
  seeds: ['003: Bedrock model customization jobs without VPC protection (automated auditing)'],
  requires: ['bedrock:customization-jobs'],
  run(ctx) {
    return ctx.inventory.customizationJobs
      .sort((a, b) => a.arn.localeCompare(b.arn))
      .map((j): CheckResult => {
        if (!j.detail) {
          return {
            status: 'not-assessed',
            resource: jobResource(j),
            origin: j.origin,
            message: `job ${j.name} appears only in list-model-customization-jobs, which does not show vpcConfig (run aws bedrock get-model-customization-job --job-identifier ${j.arn})`,
          };
        }
        const subnets = j.vpcConfig?.subnetIds ?? [];
        return subnets.length === 0
          ? {
              status: 'fail',
              resource: jobResource(j),
              origin: j.origin,
              message: `customization job ${j.name} (${j.status ?? 'unknown status'}) has no VPC configuration: its training data travels over public service endpoints`,
              evidence: { vpcConfig: j.vpcConfig ?? null },
            }
          : {
              status: 'pass',
              resource: jobResource(j),
              origin: j.origin,
              message: `customization job ${j.name} runs in subnets ${subnets.join(', ')}`,
              evidence: { vpcConfig: j.vpcConfig },
            };
      });
  },
});
