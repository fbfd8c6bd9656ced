import { SAGEMAKER_REFERENCES, sagemakerSettingCheck } from './sagemaker-support.js';
import { SAGEMAKER_TRAINING_ISOLATED } from './snippets.js';

export default sagemakerSettingCheck({
  id: 'aws-sagemaker-training-job-without-vpc',
  kind: 'training-job',
  title: 'SageMaker training job has no VPC configuration',
  severity: 'high',
  rationale:
    'Without VpcConfig the training job runs in the SageMaker service network: its traffic to S3 and other services does not pass your security groups, endpoint policies or flow logs.',
  remediation: {
    text: 'Give the training job a VpcConfig with private subnets and a security group; add S3 and SageMaker endpoints to the VPC.',
    snippet: SAGEMAKER_TRAINING_ISOLATED,
  },
  references: SAGEMAKER_REFERENCES,
  seeds: ['001: multi-cloud table, SageMaker'],
  problem: (r) => (r.subnetIds.length === 0 ? `training job ${r.name} has no VPC configuration` : undefined),
  ok: (r) => `training job ${r.name} runs in subnets ${r.subnetIds.join(', ')}`,
});
