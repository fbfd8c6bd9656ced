import { SAGEMAKER_REFERENCES, sagemakerSettingCheck } from './sagemaker-support.js';
import { SAGEMAKER_NOTEBOOK_IN_VPC } from './snippets.js';

export default sagemakerSettingCheck({
  id: 'aws-sagemaker-notebook-outside-vpc',
  kind: 'notebook-instance',
  title: 'SageMaker notebook instance is not attached to a VPC',
  severity: 'high',
  rationale:
    'A notebook without a subnet runs in the SageMaker service network, where none of your zone controls (security groups, route tables, endpoint policies, flow logs) apply.',
  remediation: {
    text: 'Recreate the notebook in a private subnet of the zone it belongs to, with a security group.',
    snippet: SAGEMAKER_NOTEBOOK_IN_VPC,
  },
  references: SAGEMAKER_REFERENCES,
  seeds: ['001: multi-cloud table, SageMaker'],
  problem: (r) => (r.subnetIds.length === 0 ? `notebook instance ${r.name} is not in a VPC (no SubnetId)` : undefined),
  ok: (r) => `notebook instance ${r.name} runs in subnet ${r.subnetIds.join(', ')}`,
});
