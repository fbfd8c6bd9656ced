import { SAGEMAKER_REFERENCES, sagemakerSettingCheck } from './sagemaker-support.js';
import { SAGEMAKER_PROCESSING_ISOLATED } from './snippets.js';

export default sagemakerSettingCheck({
  id: 'aws-sagemaker-processing-job-without-vpc',
  kind: 'processing-job',
  title: 'SageMaker processing job has no VPC configuration',
  severity: 'medium',
  rationale:
    'Without VpcConfig the processing job runs in the SageMaker service network: its traffic to S3 and other services does not pass your security groups, endpoint policies or flow logs.',
  remediation: {
    text: 'Give the processing job a VpcConfig with private subnets and a security group; add S3 and SageMaker endpoints to the VPC.',
    snippet: SAGEMAKER_PROCESSING_ISOLATED,
  },
  references: SAGEMAKER_REFERENCES,
  seeds: ['001: multi-cloud table, SageMaker'],
  problem: (r) => (r.subnetIds.length === 0 ? `processing job ${r.name} has no VPC configuration` : undefined),
  ok: (r) => `processing job ${r.name} runs in subnets ${r.subnetIds.join(', ')}`,
});
