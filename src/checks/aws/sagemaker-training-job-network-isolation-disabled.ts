import { SAGEMAKER_REFERENCES, sagemakerSettingCheck } from './sagemaker-support.js';
import { SAGEMAKER_TRAINING_ISOLATED } from './snippets.js';

export default sagemakerSettingCheck({
  id: 'aws-sagemaker-training-job-network-isolation-disabled',
  kind: 'training-job',
  title: 'SageMaker training job runs without network isolation',
  severity: 'high',
  rationale:
    'Without EnableNetworkIsolation the container can open outbound connections (to the internet when its subnet allows it, or to any endpoint in the VPC). With isolation on, the container has no network access at all; SageMaker itself moves the data in and out.',
  remediation: {
    text: 'Set EnableNetworkIsolation to true (for training, also keep VpcConfig for the data channels).',
    snippet: SAGEMAKER_TRAINING_ISOLATED,
  },
  references: SAGEMAKER_REFERENCES,
  seeds: ['001: multi-cloud table, SageMaker'],
  problem: (r) =>
    r.networkIsolation
      ? undefined
      : `training job ${r.name} runs without network isolation: its container can make outbound connections`,
  ok: (r) => `training job ${r.name} has network isolation enabled`,
});
