import { SAGEMAKER_REFERENCES, sagemakerSettingCheck } from './sagemaker-support.js';
import { SAGEMAKER_MODEL_ISOLATED } from './snippets.js';

export default sagemakerSettingCheck({
  id: 'aws-sagemaker-model-without-vpc',
  kind: 'model',
  title: 'SageMaker model has no VPC configuration',
  severity: 'medium',
  rationale:
    'Without VpcConfig the model runs in the SageMaker service network: its traffic to S3 and other services does not pass your security groups, endpoint policies or flow logs.',
  remediation: {
    text: 'Give the model a VpcConfig with private subnets and a security group; add S3 and SageMaker endpoints to the VPC.',
    snippet: SAGEMAKER_MODEL_ISOLATED,
  },
  references: SAGEMAKER_REFERENCES,
  seeds: ['001: multi-cloud table, SageMaker'],
  problem: (r) => (r.subnetIds.length === 0 ? `model ${r.name} has no VPC configuration` : undefined),
  ok: (r) => `model ${r.name} runs in subnets ${r.subnetIds.join(', ')}`,
});
