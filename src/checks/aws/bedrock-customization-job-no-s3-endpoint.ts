import { endpointsFor } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { jobResource, jobsInVpc } from './job-support.js';
import { S3_GATEWAY_ENDPOINT } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-bedrock-customization-job-no-s3-endpoint',
  title: 'Bedrock customization job runs in a VPC without an S3 endpoint',
  severity: 'high',
  service: 'bedrock',
  resourceType: 'AWS::Bedrock::ModelCustomizationJob',
  rationale:
    'Seed 003 pitfall: "configuring a job within a VPC but failing to create VPC endpoints, forcing traffic over the internet anyway". A job reads its training data from and writes its artifacts to S3; without an S3 endpoint in its VPC that traffic uses NAT or internet gateways, or the job fails.',
  remediation: {
    text: "Create an S3 gateway endpoint in the job's VPC, associated with the route tables of its subnets.",
    snippet: S3_GATEWAY_ENDPOINT,
  },
  references: ['https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-model-customization.html'],
  seeds: ['003: pitfall (no VPC endpoints for a job in a VPC)'],
  requires: ['bedrock:customization-jobs', 'ec2:subnets', 'ec2:vpc-endpoints'],
  run(ctx) {
    const { jobs, unknown } = jobsInVpc(ctx);
    return [
      ...unknown,
      ...jobs.map(({ job, vpcId }): CheckResult => {
        const s3 = endpointsFor(ctx.zones, vpcId, 's3');
        return s3.length === 0
          ? {
              status: 'fail',
              resource: jobResource(job),
              origin: job.origin,
              message: `customization job ${job.name} runs in ${vpcId}, which has no S3 endpoint: its training data goes over NAT/internet or the job fails`,
              evidence: { vpcId },
            }
          : {
              status: 'pass',
              resource: jobResource(job),
              origin: job.origin,
              message: `customization job ${job.name}'s VPC ${vpcId} has S3 endpoint ${s3.map((e) => e.id).join(', ')}`,
              evidence: { vpcId },
            };
      }),
    ];
  },
});
